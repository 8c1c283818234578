"""Running a chunked kernel on threads: thread k takes chunks k, k + T, ..., and each
chunk writes only its own output slices, so results do not depend on the thread count.

Hot loop support only: nothing else of the package is imported.
"""

from __future__ import annotations


def run_threads(kernel, n_chunks: int, threads: int, *args) -> None:
    """``kernel(first, step, *args)`` (:func:`project_chunks` or a specialisation) over
    ``n_chunks`` chunks on up to ``threads`` threads, thread k taking chunks k, k + T,
    ...: each chunk's outputs are its own, so results do not depend on the threads."""
    n = max(1, min(threads, n_chunks))
    if n == 1:
        kernel(0, 1, *args)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(n) as pool:
        for done in [pool.submit(kernel, k, n, *args) for k in range(n)]:
            done.result()
