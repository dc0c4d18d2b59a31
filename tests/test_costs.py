"""Costs and the neural gradient against direct formulas and finite differences (S3, S5; B2-B4)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import graphbal
from graphbal import Network


def direct(W, U, V, alpha, p, h, io_cost):
    """C, in, out written from the definitions, independently of graphbal."""
    C = alpha * np.abs(W) ** p * np.exp(p * (h[:, None] - h[None, :]))
    off = C - np.diag(np.diag(C))
    cin, cout = off.sum(axis=1), off.sum(axis=0)
    total = C.sum()
    if io_cost:
        cu = (np.abs(U) ** p).sum(axis=1) * np.exp(p * h)
        cv = (np.abs(V) ** p).sum(axis=0) * np.exp(-p * h)
        cin, cout, total = cin + cu, cout + cv, total + cu.sum() + cv.sum()
    return total, cin, cout


@pytest.mark.parametrize("p", [0.5, 1.0, 2.0, 3.0])
@pytest.mark.parametrize("io_cost", [True, False])
@pytest.mark.parametrize("sparse", [False, True])
def test_costs_match_definitions(p, io_cost, sparse):
    rng = np.random.default_rng(int(10 * p))
    n = 9
    W = (rng.random((n, n)) < 0.5) * rng.normal(size=(n, n))
    alpha = rng.random((n, n)) + 0.1
    U, V = rng.normal(size=(n, 2)), rng.normal(size=(3, n))
    h = rng.normal(size=n)
    net = Network(sp.csr_array(W) if sparse else W, U=U, V=V, alpha=sp.csr_array(alpha) if sparse else alpha)
    total, cin, cout = direct(W, U, V, alpha, p, h, io_cost)
    assert graphbal.total_cost(net, p, h, io_cost=io_cost) == pytest.approx(total, rel=1e-12)
    assert graphbal.log_total_cost(net, p, h, io_cost=io_cost) == pytest.approx(np.log(total), rel=1e-12)
    inc, out = graphbal.node_costs(net, p, h, io_cost=io_cost)
    np.testing.assert_allclose(inc, cin, rtol=1e-12)
    np.testing.assert_allclose(out, cout, rtol=1e-12)
    np.testing.assert_allclose(
        graphbal.neural_gradient(net, p, h, io_cost=io_cost), cin - cout, rtol=1e-10, atol=1e-12 * total
    )
    sc = graphbal.synaptic_cost(net, p, h, io_cost=io_cost)
    cw = sc.W.toarray() if sparse else sc.W
    np.testing.assert_allclose(
        cw, alpha * (W != 0) * np.abs(W) ** p * np.exp(p * (h[:, None] - h[None, :])), rtol=1e-12
    )
    g = cin - cout
    s = cin + cout
    imb = graphbal.imbalance(net, p, h, io_cost=io_cost)
    assert imb.relnode == pytest.approx(np.max(np.abs(g)[s > 0] / s[s > 0]), rel=1e-9)
    assert imb.rel1 == pytest.approx(np.abs(g).sum() / total, rel=1e-9)


def test_gradient_is_derivative_of_cost():
    """dC/dh_k = p g_k by central differences (S5)."""
    rng = np.random.default_rng(4)
    net = Network(rng.normal(size=(6, 6)), U=rng.normal(size=(6, 1)), V=rng.normal(size=(1, 6)))
    h, p, eps = rng.normal(size=6) * 0.3, 3.0, 1e-6
    g = graphbal.neural_gradient(net, p, h)
    for k in range(6):
        e = np.eye(6)[k] * eps
        fd = (graphbal.total_cost(net, p, h + e) - graphbal.total_cost(net, p, h - e)) / (2 * eps)
        assert fd == pytest.approx(p * g[k], rel=1e-6, abs=1e-6)


def test_log_domain_survives_overflow():
    net = Network(np.array([[0.0, 1e200], [1e200, 0.0]]))
    assert np.isinf(graphbal.total_cost(net))
    assert graphbal.log_total_cost(net) == pytest.approx(np.log(2) + 400 * np.log(10))
    res = graphbal.balance(net)
    assert res.converged


@pytest.mark.parametrize("p", [1.0, 2.0])
def test_io_costs_with_alpha_zeros_and_several_channels(p):
    """Each neuron's io channels merge into one ground edge: sum_l alpha_il |U_il|^p (zeros and alpha = 0 drop)."""
    rng = np.random.default_rng(3)
    n = 6
    W = rng.normal(size=(n, n))
    U = rng.normal(size=(n, 3)) * (rng.random((n, 3)) < 0.6)
    U[2] = 0.0  # a neuron without input
    V = rng.normal(size=(2, n)) * (rng.random((2, n)) < 0.6)
    aU, aV = rng.random((n, 3)), rng.random((2, n))
    aU[0, :] = 0.0  # free inputs: no cost
    net = Network(W, U=U, V=V, alpha_U=aU, alpha_V=aV)
    h = rng.normal(size=n)
    cu = (aU * np.abs(U) ** p).sum(axis=1) * np.exp(p * h)
    cv = (aV * np.abs(V) ** p).sum(axis=0) * np.exp(-p * h)
    C = np.abs(W) ** p * np.exp(p * (h[:, None] - h[None, :]))
    assert np.isclose(graphbal.total_cost(net, p=p, h=h), C.sum() + cu.sum() + cv.sum(), rtol=1e-12)
    inc, out = graphbal.node_costs(net, p=p, h=h)
    np.testing.assert_allclose(inc, C.sum(axis=1) - np.diag(C) + cu, rtol=1e-12)
    np.testing.assert_allclose(out, C.sum(axis=0) - np.diag(C) + cv, rtol=1e-12)


def test_log_total_at_zero_matches_logsumexp_on_a_large_threaded_graph():
    """The chunked log-sum-exp (cached) equals scipy's on > MIN_PARALLEL edges, with io and self-synapses."""
    from scipy.special import logsumexp

    from graphbal._core.costgraph import cost_graph
    from graphbal._core.flows import log_total_at_zero
    from graphbal._core.parallel import MIN_PARALLEL

    rng = np.random.default_rng(3)
    n, m = 30_000, 3 * MIN_PARALLEL
    W = sp.csr_array((np.exp(rng.normal(0, 20, m)), (rng.integers(0, n, m), rng.integers(0, n, m))), shape=(n, n))
    U = np.zeros((n, 1))
    U[:10, 0] = 1e30
    net = graphbal.Network(W, U=U, V=np.ones((1, n)))
    cg = cost_graph(net, 2.0)
    assert cg.m > MIN_PARALLEL and np.isfinite(cg.log_self)
    W.sum_duplicates()
    expected = logsumexp(np.concatenate([2 * np.log(W.data), 2 * np.log(np.abs(U[:10, 0])), np.zeros(n)]))
    assert log_total_at_zero(cg) == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("h_scale", [0.0, 1.0, 30.0, 100.0, 400.0])
def test_flows_product_and_log_forms_agree_with_the_definition(h_scale, monkeypatch):
    """flows() multiplies exp factors when their range allows, else exponentiates log-costs; both = the definition."""
    from graphbal._core import flows as flows_module
    from graphbal._core.costgraph import cost_graph

    rng = np.random.default_rng(4)
    n = 60
    W = (rng.random((n, n)) < 0.2) * np.exp(rng.normal(0, 3, (n, n)))
    W[np.roll(np.arange(n), -1), np.arange(n)] = 1.0
    np.fill_diagonal(W, 0.0)
    W[3, 3] = 2.0  # a self-synapse: costed, never rescaled
    U = np.zeros((n, 1))
    U[:5, 0] = 0.5
    V = np.zeros((1, n))
    V[0, 7:12] = 3.0
    net = Network(W, U=U, V=V)
    cg = cost_graph(net, 2.0)
    h = rng.normal(0, 1, n) * h_scale
    f = flows_module.flows(cg, h)
    # the definition, in the log domain to avoid overflow: in_i = sum_j W_ij^2 e^{2(h_i - h_j)} + U_i^2 e^{2 h_i}
    with np.errstate(divide="ignore"):
        logW = 2 * np.log(np.abs(W)) + 2 * (h[:, None] - h[None, :])
        np.fill_diagonal(logW, -np.inf)
        log_in = np.logaddexp(np.logaddexp.reduce(logW, axis=1), 2 * np.log(np.abs(U[:, 0])) + 2 * h)
        log_out = np.logaddexp(np.logaddexp.reduce(logW, axis=0), 2 * np.log(np.abs(V[0])) - 2 * h)
    with np.errstate(divide="ignore"):  # costs far below the largest underflow in the scaled form (by design)
        for got, want in ((np.log(f.incoming) + f.shift, log_in), (np.log(f.outgoing) + f.shift, log_out)):
            shown = want > f.shift - 600
            assert shown.sum() >= 2
            np.testing.assert_allclose(got[shown], want[shown], rtol=0, atol=1e-12 * max(1, np.abs(want).max()))
    monkeypatch.setattr(flows_module, "PRODUCT_RANGE", -1.0)  # force the log form
    g = flows_module.flows(cg, h)
    assert f.log_total == pytest.approx(g.log_total, rel=1e-13)
    np.testing.assert_allclose(f.edge * np.exp(f.shift - g.shift), g.edge, rtol=1e-12)
    np.testing.assert_allclose(f.io * np.exp(f.shift - g.shift), g.io, rtol=1e-12)
    if h_scale == 1.0:
        assert f.shift > g.shift  # the product form ran: its shift is a bound, the log form's the maximum
