"""``python -m tests.expected [--update] [scenario ...]`` (see tests/expected/__init__.py)."""

import sys

from tests.expected import main

sys.exit(main(sys.argv[1:]))
