"""Newton internals: Laplacian assembly (B5), warm start (B8), PCG path, ground handling."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import graphbal
from graphbal import Network
from graphbal._core.costgraph import cost_graph
from graphbal._core.flows import flows
from graphbal._core.gauge import gauge_pins
from graphbal._core.laplacian import edge_structure
from graphbal.balance import newton


def dense_laplacian(W, U, V, p, h):
    """L_kl = -(c_kl + c_lk), L_kk = in_k + out_k (io included), written independently (B5)."""
    n = W.shape[0]
    C = np.abs(W) ** p * np.exp(p * (h[:, None] - h[None, :]))
    np.fill_diagonal(C, 0.0)
    L = -(C + C.T)
    cin = C.sum(axis=1) + (np.abs(U) ** p).sum(axis=1) * np.exp(p * h)
    cout = C.sum(axis=0) + (np.abs(V) ** p).sum(axis=0) * np.exp(-p * h)
    L[np.arange(n), np.arange(n)] = cin + cout
    return L


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0])
def test_laplacian_assembly_matches_dense(p):
    rng = np.random.default_rng(int(p))
    n = 12
    W = (rng.random((n, n)) < 0.4) * rng.normal(size=(n, n))
    W[0, 1] = W[1, 0] = 1.5  # a reciprocal pair shares one slot
    U, V = rng.normal(size=(n, 2)), rng.normal(size=(1, n))
    net = Network(W, U=U, V=V)
    h = rng.normal(size=n)
    cg = cost_graph(net, p)
    es = edge_structure(cg, np.zeros(n, dtype=bool))
    f = flows(cg, h)
    L = es.laplacian(f.edge, f.incoming + f.outgoing).toarray() * np.exp(f.shift)
    np.testing.assert_allclose(L, dense_laplacian(W, U, V, p, h), rtol=1e-12, atol=1e-12)
    # and it is the Hessian of C divided by p^2: finite differences of g = in - out
    eps = 1e-6
    for k in range(3):
        e = np.zeros(n)
        e[k] = eps
        dg = (graphbal.neural_gradient(net, p, h + e) - graphbal.neural_gradient(net, p, h - e)) / (2 * eps)
        np.testing.assert_allclose(dg, p * L[:, k], rtol=1e-6, atol=1e-6 * p * np.abs(L).max())


def test_warm_start_recovers_hidden_scaling_exactly():
    """B8: if W = D K D^-1 with all |K_ij| equal, the log-least-squares start undoes D exactly."""
    rng = np.random.default_rng(0)
    n = 50
    K = (rng.random((n, n)) < 0.2).astype(float)
    K[np.roll(np.arange(n), -1), np.arange(n)] = 1.0
    np.fill_diagonal(K, 0.0)
    s = rng.normal(0, 3, n)
    W = K * np.exp(s[:, None] - s[None, :]) * 0.37
    cg = cost_graph(Network(W), 2.0)
    fixed = np.zeros(n, dtype=bool)
    fixed[0] = True  # gauge pin
    h0 = newton.warm_start_h(cg, edge_structure(cg, fixed), dense=True)
    np.testing.assert_allclose(h0 - h0[0], -(s - s[0]), atol=1e-9)
    out = newton.solve(cg, None, tol=1e-10)
    assert out.extra["warm_start"] and out.converged


def test_pcg_path_with_ground_and_gauge_pins():
    rng = np.random.default_rng(4)
    n = 3000  # two components: one grounded, one free
    half = n // 2
    rows, cols = [], []
    for lo in (0, half):
        perm = lo + rng.permutation(half)
        rows += list(np.roll(perm, -1)) + list(lo + rng.integers(0, half, 4 * half))
        cols += list(perm) + list(lo + rng.integers(0, half, 4 * half))
    rows, cols = np.array(rows), np.array(cols)
    keep = rows != cols
    W = sp.csr_array((np.exp(rng.normal(0, 2, keep.sum())), (rows[keep], cols[keep])), shape=(n, n))
    U = np.zeros((n, 1))
    U[:10, 0] = 1.0
    V = np.zeros((1, n))
    V[0, 10:20] = 2.0
    res = graphbal.balance(Network(W, U=U, V=V), p=2)
    assert res.converged and res.relnode <= 1e-10
    assert not res.trajectory["dense"] and sum(res.trajectory["cg_iterations"]) > 0
    assert abs(res.h[half:].mean()) < 1e-12  # ground-free component re-centred
    g = graphbal.neural_gradient(res.network, p=2)
    inc, out = graphbal.node_costs(res.network, p=2)
    assert np.max(np.abs(g) / (inc + out)) <= 1e-10


def test_warm_start_is_the_log_least_squares_solution_with_io():
    """B8 against a dense least-squares solve of the same residuals (free potentials and kappa unknown)."""
    rng = np.random.default_rng(11)
    n = 40
    K = (rng.random((n, n)) < 0.15) * np.exp(rng.normal(0, 1.5, (n, n)))
    K[np.roll(np.arange(n), -1), np.arange(n)] = 0.5
    np.fill_diagonal(K, 0.0)
    U = np.zeros((n, 2))
    U[:5, 0], U[3:9, 1] = 2.0, 0.3
    V = np.zeros((1, n))
    V[0, 20:26] = 1.7
    net = Network(K, U=U, V=V)
    p = 1.5
    cg = cost_graph(net, p)
    fixed = gauge_pins(cg)
    assert not fixed.any()  # grounded and connected: no pins
    h0 = newton.warm_start_h(cg, edge_structure(cg, fixed), dense=True)
    # rows: one per free-free edge and per (merged) io edge; columns: h_0..h_{n-1}, kappa
    post, pre = np.nonzero(K)
    logc = p * np.log(K[post, pre])
    io_in = np.flatnonzero(U.any(axis=1))
    io_out = np.flatnonzero(V.any(axis=0))
    rows = []
    for i, j in zip(post, pre):
        row = np.zeros(n + 1)
        row[i] += p
        row[j] -= p
        row[n] = -1.0
        rows.append(row)
    for k in io_in:
        row = np.zeros(n + 1)
        row[k], row[n] = p, -1.0
        rows.append(row)
    for k in io_out:
        row = np.zeros(n + 1)
        row[k], row[n] = -p, -1.0
        rows.append(row)
    lam_in = np.log(np.sum(np.abs(U[io_in]) ** p, axis=1))
    lam_out = np.log(np.sum(np.abs(V[:, io_out]) ** p, axis=0))
    target = -np.concatenate([logc, lam_in, lam_out])
    sol = np.linalg.lstsq(np.array(rows), target, rcond=None)[0]
    np.testing.assert_allclose(h0, sol[:n], atol=1e-9)
