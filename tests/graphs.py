"""Random test networks shared by the test modules (hypothesis strategies and plain generators)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import graphbal


def strongly_connected_W(n: int, rng: np.random.Generator, density: float = 0.3, log_range: float = 1.0):
    """Signed dense W containing a Hamiltonian cycle (strongly connected), |W| = exp(N(0, log_range^2))."""
    W = (rng.random((n, n)) < density) * rng.choice([-1.0, 1.0], (n, n)) * np.exp(rng.normal(0, log_range, (n, n)))
    perm = rng.permutation(n)
    W[np.roll(perm, -1), perm] = rng.choice([-1.0, 1.0], n) * np.exp(rng.normal(0, log_range, n))
    np.fill_diagonal(W, 0.0)
    return W


@st.composite
def feasible_networks(
    draw, max_n: int = 12, io: bool | None = None, self_loops: bool = True, log_ranges=(0.5, 2.0, 8.0)
):
    """Strongly connected signed networks, optional io (one input and one output channel), costs spanning 1e+-30."""
    n = draw(st.integers(2, max_n))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    log_range = draw(st.sampled_from(log_ranges))  # 8.0: |W|^2 spans up to ~1e+-30
    W = strongly_connected_W(n, rng, draw(st.floats(0.0, 0.5)), log_range)
    if self_loops and draw(st.booleans()):
        W[np.diag_indices(n)] = rng.normal(size=n)
    with_io = draw(st.booleans()) if io is None else io
    U = V = None
    if with_io:
        U = np.zeros((n, 1))
        V = np.zeros((1, n))
        U[rng.integers(n), 0] = np.exp(rng.normal())
        V[0, rng.integers(n)] = np.exp(rng.normal())
    return graphbal.Network(W, U=U, V=V)
