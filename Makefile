# Two commands on a fresh machine: `make demo` (install, run the default scenario)
# and `make test` (install with test tools, lint, run the tests).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SCENARIO ?= scenarios/lao_mecg.toml

.PHONY: demo test install install-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"

demo: install
	$(BIN)/spsim run $(SCENARIO)

test: install-test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

bench: install-test
	$(BIN)/python -m pip install --quiet psutil
	$(BIN)/python benchmarks/bench_projection.py

clean:
	rm -rf $(VENV) outputs/*/ .pytest_cache .ruff_cache
