"""Thread-pool helpers and BLAS-free reductions (graphbal._core.parallel)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphbal import GraphbalError
from graphbal._core import parallel


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3_000_000), st.booleans(), st.integers(0, 10))
def test_chunk_bounds_cover_the_range_in_order(size, weighted, seed):
    weights = np.cumsum(np.random.default_rng(seed).integers(1, 5, size)) if weighted else None
    bounds = parallel.chunk_bounds(size, weights)
    assert bounds[0][0] == 0 and bounds[-1][1] == size
    assert all(a < b for a, b in bounds)
    assert all(b1 == a2 for (_, b1), (a2, _) in zip(bounds[:-1], bounds[1:]))
    if size >= parallel.MIN_PARALLEL and parallel.threads() > 1:
        assert len(bounds) == parallel.threads()


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


def test_set_threads_changes_the_chunking_and_restores():
    old = parallel.set_threads(3)
    try:
        assert parallel.threads() == 3
        assert len(parallel.chunk_bounds(3 * parallel.MIN_PARALLEL)) == 3
        assert parallel.run_chunks(lambda a, b: b - a, [(0, 2), (2, 5), (5, 6)]) == [2, 3, 1]
        parallel.set_threads(1)
        assert parallel.chunk_bounds(3 * parallel.MIN_PARALLEL) == [(0, 3 * parallel.MIN_PARALLEL)]
    finally:
        parallel.set_threads(old)
    assert parallel.threads() == old


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True])
def test_set_threads_refuses_non_positive_integers(bad):
    with pytest.raises(GraphbalError, match="positive integer"):
        parallel.set_threads(bad)


def test_no_thread_pool_exists_at_import():
    import subprocess
    import sys

    code = (
        "import threading, graphbal; import numpy as np; "
        "print(sum(t.name.startswith('graphbal') for t in threading.enumerate()))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_environment_variable_sets_the_thread_count():
    import subprocess
    import sys

    code = "from graphbal._core.parallel import threads; print(threads())"
    env = {**__import__("os").environ, "GRAPHBAL_THREADS": "3"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "3"
    env["GRAPHBAL_THREADS"] = "zero"
    bad = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert bad.returncode != 0 and "GRAPHBAL_THREADS must be a positive integer" in bad.stderr
