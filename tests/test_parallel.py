"""Thread-pool helpers and BLAS-free reductions (graphbal.parallel)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from graphbal import parallel


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3_000_000), st.booleans(), st.integers(0, 10))
def test_chunk_bounds_cover_the_range_in_order(size, weighted, seed):
    weights = np.cumsum(np.random.default_rng(seed).integers(1, 5, size)) if weighted else None
    bounds = parallel.chunk_bounds(size, weights)
    assert bounds[0][0] == 0 and bounds[-1][1] == size
    assert all(a < b for a, b in bounds)
    assert all(b1 == a2 for (_, b1), (a2, _) in zip(bounds[:-1], bounds[1:]))
    if size >= parallel.MIN_PARALLEL and parallel.THREADS > 1:
        assert len(bounds) == parallel.THREADS


def test_run_chunks_and_run_each_return_results_in_order():
    bounds = parallel.chunk_bounds(1_000_000)
    assert parallel.run_chunks(lambda a, b: b - a, bounds) == [b - a for a, b in bounds]
    assert parallel.run_each(lambda i: i * i, 5) == [0, 1, 4, 9, 16]
    assert parallel.run_chunks(lambda a, b: 1, []) == []


def test_dot_and_norm_match_float64_references():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=100_003), rng.normal(size=100_003)
    assert abs(parallel.dot(a, b) - float(np.sum(a * b))) <= 1e-10 * np.sum(np.abs(a * b))
    assert abs(parallel.norm(a) - float(np.sqrt(np.sum(a * a)))) <= 1e-12 * parallel.norm(a)
    a32 = a.astype(np.float32)
    assert abs(parallel.norm(a32) - np.linalg.norm(a32.astype(np.float64))) <= 1e-5 * parallel.norm(a32)
