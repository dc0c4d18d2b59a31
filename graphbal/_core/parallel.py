"""A small shared thread pool for GIL-releasing numpy/scipy kernels on large graphs.

numpy ufuncs, fancy indexing and scipy's sparse matvec release the GIL, so
splitting long edge arrays into a few contiguous chunks runs them on all cores
(the machines this targets have 2). Small inputs run serially.

The pool is created on first use, not at import. Its size is the number of
usable cores, capped at 4, or what :func:`set_threads` or the environment
variable ``GRAPHBAL_THREADS`` says.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..errors import GraphbalError

__all__ = ["MIN_PARALLEL", "threads", "set_threads", "chunk_bounds", "run_chunks", "run_each", "dot", "norm"]

MIN_PARALLEL = 200_000  # below this many elements threads do not pay
DEFAULT_MAX_THREADS = 4  # beyond 4 threads the memory-bound kernels gain nothing measurable

_lock = threading.Lock()
_state: dict = {"threads": None, "pool": None}


def _default_threads() -> int:
    env = os.environ.get("GRAPHBAL_THREADS")
    if env:
        try:
            return _check_threads(int(env))
        except (ValueError, GraphbalError):
            raise GraphbalError(f"GRAPHBAL_THREADS must be a positive integer, got {env!r}") from None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(DEFAULT_MAX_THREADS, cores))


def _check_threads(count: int) -> int:
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 1:
        raise GraphbalError(f"the thread count must be a positive integer, got {count!r}")
    return int(count)


def threads() -> int:
    """The number of threads graphbal's kernels use (1 = serial).

    Examples
    --------
    >>> from graphbal._core.parallel import threads
    >>> threads() >= 1
    True
    """
    with _lock:
        if _state["threads"] is None:
            _state["threads"] = _default_threads()
        return _state["threads"]


def set_threads(count: int) -> int:
    """Set the number of threads for graphbal's kernels; return the previous setting.

    The pool is rebuilt lazily at the next threaded call.

    Examples
    --------
    >>> from graphbal._core.parallel import set_threads, threads
    >>> old = set_threads(1)
    >>> threads()
    1
    >>> _ = set_threads(old)
    """
    count = _check_threads(count)
    previous = threads()
    with _lock:
        pool, _state["pool"] = _state["pool"], None
        _state["threads"] = count
    if pool is not None:
        pool.shutdown(wait=False)
    return previous


def _pool() -> ThreadPoolExecutor | None:
    count = threads()
    if count == 1:
        return None
    with _lock:
        if _state["pool"] is None:
            _state["pool"] = ThreadPoolExecutor(count - 1, thread_name_prefix="graphbal")
        return _state["pool"]


def chunk_bounds(size: int, weights: np.ndarray | None = None) -> list[tuple[int, int]]:
    """Split ``range(size)`` into contiguous chunks (of about equal cumulative ``weights`` if given).

    Examples
    --------
    >>> from graphbal._core.parallel import chunk_bounds
    >>> chunk_bounds(10)  # small: one chunk
    [(0, 10)]
    """
    parts = threads() if size >= MIN_PARALLEL else 1
    if weights is None:
        cuts = np.linspace(0, size, parts + 1).astype(np.int64)
    else:
        cuts = np.searchsorted(weights, np.linspace(0, weights[-1], parts + 1))
        cuts[0], cuts[-1] = 0, size
    return [(int(a), int(b)) for a, b in zip(cuts[:-1], cuts[1:]) if b > a]


def run_chunks(fn, bounds: list[tuple[int, int]]) -> list:
    """Call ``fn(a, b)`` for every chunk, the first in this thread; return the results in order.

    Examples
    --------
    >>> from graphbal._core.parallel import run_chunks
    >>> run_chunks(lambda a, b: b - a, [(0, 3), (3, 10)])
    [3, 7]
    """
    if not bounds:
        return []
    pool = _pool() if len(bounds) > 1 else None
    if pool is None:
        return [fn(a, b) for a, b in bounds]
    futures = [pool.submit(fn, a, b) for a, b in bounds[1:]]
    first = fn(*bounds[0])
    return [first] + [f.result() for f in futures]


def run_each(fn, count: int) -> list:
    """Call ``fn(i)`` for ``i in range(count)`` (one task per precomputed chunk); return the results in order.

    Examples
    --------
    >>> from graphbal._core.parallel import run_each
    >>> run_each(lambda i: i * i, 3)
    [0, 1, 4]
    """
    return run_chunks(lambda i, _end: fn(i), [(i, i + 1) for i in range(count)])


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """Inner product of two 1-D arrays without BLAS.

    OpenBLAS threads its level-1 calls and its threads then spin-wait, taking
    the core that the kernels above need: with ``np.dot`` in the CG loop the
    whole Newton solve ran ~1.5x slower on 2 cores. ``einsum`` runs in this thread.

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal._core.parallel import dot
    >>> dot(np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0]))
    32.0
    """
    return float(np.einsum("i,i->", a, b))


def norm(a: np.ndarray) -> float:
    """Euclidean norm of a 1-D array without BLAS (see :func:`dot`).

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal._core.parallel import norm
    >>> norm(np.array([3.0, 4.0]))
    5.0
    """
    return float(np.sqrt(dot(a, a)))
