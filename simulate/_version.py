"""The package version, in a leaf module: modules of every layer may read it without
importing the package's public API (``simulate/__init__.py``)."""

__version__ = "0.1.0"
