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

# the full benchmarks (minutes; docs/performance.md): figures to benchmarks/results/,
# tables of docs/performance.md rewritten. For a check under a minute while working:
# $(BIN)/python benchmarks/bench_projection.py --quick
bench: install
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/run_all.py --write-docs

clean:
	rm -rf $(VENV) outputs/*/ .pytest_cache .ruff_cache
