"""A small shared thread pool for GIL-releasing numpy/scipy kernels on large graphs.

numpy ufuncs, fancy indexing and scipy's sparse matvec release the GIL, so
splitting long edge arrays into a few contiguous chunks runs them on all cores
(the machines this targets have 2). Small inputs run serially.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

__all__ = ["THREADS", "MIN_PARALLEL", "chunk_bounds", "run_chunks", "run_each", "dot", "norm"]

THREADS = max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)))
MIN_PARALLEL = 200_000  # below this many elements threads do not pay
_POOL = ThreadPoolExecutor(THREADS - 1, thread_name_prefix="graphbal") if THREADS > 1 else None


def chunk_bounds(size: int, weights: np.ndarray | None = None) -> list[tuple[int, int]]:
    """Split ``range(size)`` into contiguous chunks (of about equal cumulative ``weights`` if given)."""
    parts = THREADS if (_POOL is not None and size >= MIN_PARALLEL) else 1
    if weights is None:
        cuts = np.linspace(0, size, parts + 1).astype(np.int64)
    else:
        cuts = np.searchsorted(weights, np.linspace(0, weights[-1], parts + 1))
        cuts[0], cuts[-1] = 0, size
    return [(int(a), int(b)) for a, b in zip(cuts[:-1], cuts[1:]) if b > a]


def run_chunks(fn, bounds: list[tuple[int, int]]) -> list:
    """Call ``fn(a, b)`` for every chunk, the first in this thread; return the results in order."""
    if not bounds:
        return []
    futures = [_POOL.submit(fn, a, b) for a, b in bounds[1:]] if len(bounds) > 1 else []
    first = fn(*bounds[0])
    return [first] + [f.result() for f in futures]


def run_each(fn, count: int) -> list:
    """Call ``fn(i)`` for ``i in range(count)`` (one task per precomputed chunk); return the results in order."""
    return run_chunks(lambda i, _end: fn(i), [(i, i + 1) for i in range(count)])


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """Inner product of two 1-D arrays without BLAS.

    OpenBLAS threads its level-1 calls and its threads then spin-wait, taking
    the core that the kernels above need: with ``np.dot`` in the CG loop the
    whole Newton solve ran ~1.5x slower on 2 cores. ``einsum`` runs in this thread.

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal.parallel import dot
    >>> dot(np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0]))
    32.0
    """
    return float(np.einsum("i,i->", a, b))


def norm(a: np.ndarray) -> float:
    """Euclidean norm of a 1-D array without BLAS (see :func:`dot`).

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal.parallel import norm
    >>> norm(np.array([3.0, 4.0]))
    5.0
    """
    return float(np.sqrt(dot(a, a)))
