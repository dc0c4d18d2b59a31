"""balance(): closed forms, brute force, limit mode, bad input (S8, S9, S13-S15; B7, B12 testing)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.optimize as opt
import scipy.sparse as sp

import graphbal
from graphbal import GraphbalError, InfeasibleError, Network


def strongly_connected(n, rng, density=0.3, scale=1.0):
    """Random signed dense W with a Hamiltonian cycle (so strongly connected), log-normal magnitudes."""
    W = (rng.random((n, n)) < density) * rng.normal(size=(n, n))
    perm = rng.permutation(n)
    W[np.roll(perm, -1), perm] = rng.choice([-1.0, 1.0], n) * np.exp(rng.normal(size=n))
    np.fill_diagonal(W, 0.0)
    s = rng.normal(0, scale, n)
    return W * np.exp(s[:, None] - s[None, :])


def brute_force_h(C, p):
    """Minimise log C(h) = log sum_ij C_ij e^{p(h_i - h_j)} with L-BFGS-B, written from scratch here."""
    n = C.shape[0]
    i, j = np.nonzero(C)
    logc = np.log(C[i, j])

    def fun(h):
        s = logc + p * (h[i] - h[j])
        mx = s.max()
        w = np.exp(s - mx)
        tot = w.sum()
        grad = p * (np.bincount(i, w, n) - np.bincount(j, w, n)) / tot
        return mx + np.log(tot), grad

    res = opt.minimize(
        fun, np.zeros(n), jac=True, method="L-BFGS-B", options={"maxiter": 20000, "gtol": 1e-13, "ftol": 1e-16}
    )
    return res.x


@pytest.mark.parametrize("n,p", [(5, 2.0), (30, 1.0), (30, 3.0), (120, 2.0), (200, 0.5)])
def test_matches_brute_force_minimiser(n, p):
    rng = np.random.default_rng(n + int(10 * p))
    W = strongly_connected(n, rng, density=min(0.3, 8 / n), scale=1.0)
    net = Network(sp.csr_array(W) if n > 100 else W)
    res = graphbal.balance(net, p=p, io_cost=False)
    assert res.converged and res.relnode <= 1e-10
    h_ref = brute_force_h(np.abs(W) ** p, p)
    i, j = np.nonzero(W)
    # gauge-free comparison: balanced log|W_ij| = log|W_ij| + h_i - h_j
    np.testing.assert_allclose(res.h[i] - res.h[j], h_ref[i] - h_ref[j], atol=1e-6)
    C_ref = np.sum(np.abs(W[i, j]) ** p * np.exp(p * (h_ref[i] - h_ref[j])))
    assert res.cost_after == pytest.approx(C_ref, rel=1e-9)
    assert res.cost_after <= C_ref * (1 + 1e-12)
    np.testing.assert_allclose(res.cost_before, np.sum(np.abs(W) ** p), rtol=1e-12)


@pytest.mark.parametrize("p", [0.5, 1.0, 2.0, 3.0])
def test_reciprocal_pair_closed_form(p):
    c12, c21 = 7.0, 0.03  # costs of 2 -> 1 and 1 -> 2
    W = np.array([[0.0, c12 ** (1 / p)], [-(c21 ** (1 / p)), 0.0]])
    res = graphbal.balance(Network(W), p=p)
    cost = graphbal.synaptic_cost(res.network, p=p).W
    assert cost[0, 1] == pytest.approx(np.sqrt(c12 * c21), rel=1e-12)
    assert cost[1, 0] == pytest.approx(np.sqrt(c12 * c21), rel=1e-12)
    assert res.cost_after == pytest.approx(2 * np.sqrt(c12 * c21), rel=1e-12)
    # delta* = h2 - h1 = ln(c12 / c21) / (2p)  (S13)
    assert res.h[1] - res.h[0] == pytest.approx(np.log(c12 / c21) / (2 * p), rel=1e-12)
    assert np.sign(res.network.W[1, 0]) == -1  # signs conserved


@pytest.mark.parametrize("n", [3, 12, 40])
def test_directed_cycle_geometric_mean(n):
    rng = np.random.default_rng(n)
    c = np.exp(rng.normal(0, 3, n))
    W = np.zeros((n, n))
    W[(np.arange(n) + 1) % n, np.arange(n)] = np.sqrt(c)
    res = graphbal.balance(Network(W), p=2)
    costs = graphbal.synaptic_cost(res.network, p=2).W[(np.arange(n) + 1) % n, np.arange(n)]
    np.testing.assert_allclose(costs, np.exp(np.mean(np.log(c))), rtol=1e-10)
    assert res.cost_after == pytest.approx(n * np.exp(np.mean(np.log(c))), rel=1e-10)


def test_cycle_scaled_once_every_weight_scales_by_root():
    """S14 / section 13 item 4: balanced 12-cycle, one weight x2 -> every weight ends x 2^(1/12)."""
    n = 12
    W = np.zeros((n, n))
    W[(np.arange(n) + 1) % n, np.arange(n)] = 1.0
    W2 = W.copy()
    W2[1, 0] = 2.0
    res = graphbal.balance(Network(W2))
    ratio = res.network.W[(np.arange(n) + 1) % n, np.arange(n)]
    np.testing.assert_allclose(ratio, 2 ** (1 / 12), rtol=1e-10)
    assert 2 ** (1 / 12) == pytest.approx(1.059463, abs=1e-6)


def test_chain_through_ground_geometric_mean():
    """input -> 1 -> 2 -> output: feasible through io; all three costs equal their geometric mean (B12)."""
    u, w, v = 5.0, 0.01, 3.0
    net = Network(np.array([[0.0, 0.0], [w, 0.0]]), U=[[u], [0.0]], V=[[0.0, v]])
    res = graphbal.balance(net, p=2)
    sc = graphbal.synaptic_cost(res.network, p=2)
    gm = (u * w * v) ** (2 / 3)
    np.testing.assert_allclose([sc.U[0, 0], sc.W[1, 0], sc.V[0, 1]], gm, rtol=1e-10)
    # the ground is pinned: the input-output path product is conserved
    assert res.network.V[0, 1] * res.network.W[1, 0] * res.network.U[0, 0] == pytest.approx(u * w * v, rel=1e-12)
    with pytest.raises(InfeasibleError):
        graphbal.balance(net, p=2, io_cost=False)


def test_rank_one_closed_form():
    """Section 13 item 7: |W_ij| = u_i v_j, alpha_ij = a_i b_j, io_cost=False."""
    rng = np.random.default_rng(3)
    n, p = 15, 2.0
    u, v, a, b = (np.exp(rng.normal(size=n)) for _ in range(4))
    W = np.outer(u, v) * rng.choice([-1, 1], (n, n))
    np.fill_diagonal(W, 0.0)
    net = Network(W, alpha=np.outer(a, b))
    res = graphbal.balance(net, p=p, io_cost=False)
    h_ref = np.log(b / a) / (2 * p) + 0.5 * np.log(v / u)
    d = res.h - h_ref
    np.testing.assert_allclose(d - d.mean(), 0.0, atol=1e-9)
    s = np.sqrt(a * b) * (u * v) ** (p / 2)
    c = graphbal.synaptic_cost(res.network, p=p).W
    off = ~np.eye(n, dtype=bool)
    np.testing.assert_allclose(c[off], np.outer(s, s)[off], rtol=1e-9)


def test_recovers_hidden_diagonal_scaling_over_huge_range():
    """Costs spanning ~1e+-30: balancing D W D^-1 gives the same balanced weights as balancing W."""
    rng = np.random.default_rng(7)
    n = 60
    W = strongly_connected(n, rng, density=0.1, scale=0.0)
    s = rng.normal(0, 8, n)
    scaled = W * np.exp(s[:, None] - s[None, :])
    assert np.ptp(np.log10(np.abs(scaled[scaled != 0]) ** 2)) > 40
    a = graphbal.balance(Network(W))
    b = graphbal.balance(Network(scaled))
    np.testing.assert_allclose(b.network.W, a.network.W, rtol=1e-8, atol=0)
    assert b.relnode <= 1e-10


def test_sparse_and_dense_agree_and_large_sparse_converges():
    rng = np.random.default_rng(11)
    n = 2500  # above the dense-Cholesky limit: PCG path
    m = 6 * n
    pre, post = rng.integers(0, n, m), rng.integers(0, n, m)
    perm = rng.permutation(n)
    pre, post = np.r_[pre, perm], np.r_[post, np.roll(perm, -1)]
    keep = pre != post
    W = sp.csr_array((np.exp(rng.normal(size=keep.sum())), (post[keep], pre[keep])), shape=(n, n))
    res = graphbal.balance(Network(W), p=2)
    assert res.converged and res.relnode <= 1e-10
    assert not res.trajectory["dense"]
    small = W[:300, :300].toarray()
    small[np.roll(np.arange(300), -1), np.arange(300)] = 1.0
    np.fill_diagonal(small, 0.0)
    d = graphbal.balance(Network(small))
    s = graphbal.balance(Network(sp.csr_array(small)))
    np.testing.assert_allclose(s.network.dense_W(), d.network.W, rtol=1e-9)


def test_gauge_mean_zero_per_free_component_and_zero_for_isolated():
    W = np.zeros((6, 6))
    W[0, 1], W[1, 0] = 4.0, 1.0  # component {0, 1}
    W[2, 3], W[3, 4], W[4, 2] = 2.0, 3.0, 0.5  # component {2, 3, 4}
    W[5, 5] = 7.0  # self-synapse only: no costed synapse
    res = graphbal.balance(Network(W))
    assert res.h[:2].sum() == pytest.approx(0.0, abs=1e-12)
    assert res.h[2:5].sum() == pytest.approx(0.0, abs=1e-12)
    assert res.h[5] == 0.0
    assert res.network.W[5, 5] == 7.0
    assert res.cost_after == pytest.approx(2 * np.sqrt(16.0) + 3 * (4 * 9 * 0.25) ** (1 / 3) + 49.0, rel=1e-12)


def test_trivial_networks():
    res = graphbal.balance(Network(np.array([[3.0]])))
    assert res.converged and res.h.tolist() == [0.0] and res.cost_after == pytest.approx(9.0, rel=1e-15)
    res = graphbal.balance(Network(np.zeros((3, 3))))
    assert res.converged and res.cost_after == 0.0


def test_infeasible_raises_naming_synapse_and_limit_mode_on_bridge():
    # two reciprocal pairs {a, b} and {c, d} joined by the bridge b -> c
    names = ["a", "b", "c", "d"]
    W = np.zeros((4, 4))
    W[0, 1], W[1, 0] = 3.0, 0.2
    W[2, 3], W[3, 2] = 0.5, 5.0
    W[2, 1] = 10.0  # bridge b -> c
    net = Network(W, names=names)
    with pytest.raises(InfeasibleError, match="'b'->'c'|b->c") as info:
        graphbal.balance(net)
    assert info.value.report.transient_synapses == [("b", "c")]
    res = graphbal.balance(net, on_infeasible="limit")
    assert res.limit and res.converged
    assert res.network.weight("b", "c") == 0.0
    expected = 2 * np.sqrt(9 * 0.04) + 2 * np.sqrt(0.25 * 25)  # sum of SCC minima
    assert res.cost_after == pytest.approx(expected, rel=1e-12)
    assert res.feasibility.transient_synapses == [("b", "c")]
    assert ("b", "c") in res.feasibility.reasons


def test_limit_mode_io_bridges():
    # input -> a; a <-> b; nothing reaches an output: the input synapse is transient
    net = Network(np.array([[0.0, 2.0], [1.0, 0.0]]), U=[[4.0], [0.0]])
    rep = graphbal.feasibility(net)
    assert not rep.finite and rep.transient_synapses == [("io", 0)]
    res = graphbal.balance(net, on_infeasible="limit")
    assert res.network.U[0, 0] == 0.0
    assert res.cost_after == pytest.approx(2 * np.sqrt(4.0 * 1.0), rel=1e-12)


def test_balance_never_raises_cost_and_preserves_inputs():
    rng = np.random.default_rng(5)
    W = strongly_connected(20, rng, density=0.2, scale=2.0)
    U, V, b = rng.normal(size=(20, 3)), rng.normal(size=(2, 20)), rng.normal(size=20)
    copies = [x.copy() for x in (W, U, V, b)]
    net = Network(W, U=U, V=V, b=b)
    res = graphbal.balance(net)
    for x, c in zip((W, U, V, b), copies):
        np.testing.assert_array_equal(x, c)
    np.testing.assert_array_equal(net.W, copies[0])
    Cs = [r["C"] for r in res.history]
    assert all(b <= a * (1 + 1e-12) for a, b in zip(Cs, Cs[1:]))
    assert res.cost_after <= res.cost_before
    np.testing.assert_allclose(res.network.b, b * np.exp(res.h))


def test_bad_arguments():
    net = Network(np.array([[0.0, 1.0], [1.0, 0.0]]))
    with pytest.raises(GraphbalError, match="unknown method"):
        graphbal.balance(net, method="sinkhorn")
    with pytest.raises(GraphbalError, match="tol"):
        graphbal.balance(net, tol=0)
    with pytest.raises(GraphbalError, match="on_infeasible"):
        graphbal.balance(net, on_infeasible="ignore")
    for p in (0, -1, np.nan):
        with pytest.raises(GraphbalError, match="p must be"):
            graphbal.balance(net, p=p)
    with pytest.raises(GraphbalError, match="h has shape"):
        graphbal.balance(net, h0=[0.0])


def test_not_converged_warns():
    rng = np.random.default_rng(2)
    net = Network(strongly_connected(40, rng, scale=3.0))
    with pytest.warns(graphbal.ConvergenceWarning, match="relnode"):
        res = graphbal.balance(net, maxiter=1)
    assert not res.converged
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert graphbal.balance(net).converged
