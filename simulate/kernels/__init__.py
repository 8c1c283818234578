"""The numba kernels: hot loops over records and years only (no I/O, no xarray, nothing else of the package)."""
