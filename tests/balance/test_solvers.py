"""The four balancing methods: agreement, closed forms for the flow, monotone cost (B9-B12, S6, S7, S13)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphbal
from graphbal import Network
from graphbal._core.costgraph import cost_graph
from graphbal.balance import flow, local, osborne
from tests.graphs import feasible_networks, strongly_connected_W


@pytest.mark.parametrize("io", [False, True])
@pytest.mark.parametrize("p", [1.0, 2.0])
def test_all_methods_reach_the_same_balanced_weights(io, p):
    rng = np.random.default_rng(int(10 * p) + io)
    n = 15
    W = strongly_connected_W(n, rng, density=0.3)
    U = V = None
    if io:
        U, V = np.zeros((n, 2)), np.zeros((1, n))
        U[:3, 0], U[4, 1], V[0, 5:8] = 2.0, 0.3, 1.0
    net = Network(W, U=U, V=V)
    ref = graphbal.balance(net, p=p, method="newton")
    for method in ("osborne", "flow", "local"):
        res = graphbal.balance(net, p=p, method=method, tol=1e-10)
        assert res.converged and res.relnode <= 1e-10, method
        np.testing.assert_allclose(res.network.W, ref.network.W, rtol=1e-8, atol=1e-12, err_msg=method)
        np.testing.assert_allclose(res.h, ref.h, atol=1e-8, err_msg=method)
        assert res.cost_after == pytest.approx(ref.cost_after, rel=1e-12)


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0])
def test_lone_synapse_flow_closed_form(p):
    """S13: c(t) = c0 / (1 + 2 p c0 t / tau); h1 - h2 = (1/p) ln(1 + 2 p c0 t / tau)."""
    c0, tau = 1.7, 0.5
    net = Network(np.array([[0.0, 0.0], [c0 ** (1 / p), 0.0]]))
    t = np.linspace(0, 3, 7)
    out = flow.solve(cost_graph(net, p, io_cost=False), np.zeros(2), tau=tau, t_eval=t, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(out.extra["C_t"], c0 / (1 + 2 * p * c0 * t / tau), rtol=1e-8)
    h = out.extra["h_t"]
    np.testing.assert_allclose(h[:, 0] - h[:, 1], np.log(1 + 2 * p * c0 * t / tau) / p, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(h.sum(axis=1), 0.0, atol=1e-12)  # sum of h conserved


def test_reciprocal_pair_flow_closed_form():
    """S13: tanh(y/2) = tanh(y0/2) exp(-4 p sqrt(K) t / tau), C(t) = 2 sqrt(K) cosh y."""
    p, tau = 2.0, 1.0
    c12, c21 = 3.0, 0.2  # costs of 2 -> 1 and 1 -> 2
    net = Network(np.array([[0.0, c12 ** (1 / p)], [c21 ** (1 / p), 0.0]]))
    t = np.linspace(0, 1.5, 16)
    out = flow.solve(cost_graph(net, p), np.zeros(2), tau=tau, t_eval=t, rtol=1e-11, atol=1e-13)
    K = c12 * c21
    y0 = 0.5 * np.log(c21 / c12)
    y = 2 * np.arctanh(np.tanh(y0 / 2) * np.exp(-4 * p * np.sqrt(K) * t / tau))
    np.testing.assert_allclose(out.extra["C_t"], 2 * np.sqrt(K) * np.cosh(y), rtol=1e-8)


def test_flow_dissipation_rate():
    """dC/dt = -(p/tau) ||g||^2 along the trajectory (S6), by finite differences in time."""
    rng = np.random.default_rng(0)
    net = Network(strongly_connected_W(8, rng))
    p, tau = 2.0, 2.0
    cg = cost_graph(net, p)
    t = np.array([0.05, 0.05 + 1e-4, 0.3, 0.3 + 1e-4])
    out = flow.solve(cg, np.zeros(8), tau=tau, t_eval=t, rtol=1e-12, atol=1e-14)
    C, H = out.extra["C_t"], out.extra["h_t"]
    for k in (0, 2):
        g = flow.gradient(cg, 0.5 * (H[k] + H[k + 1]))
        assert (C[k + 1] - C[k]) / 1e-4 == pytest.approx(-(p / tau) * g @ g, rel=1e-4)


def test_flow_stiff_method_with_exact_jacobian():
    rng = np.random.default_rng(1)
    net = Network(strongly_connected_W(10, rng, log_range=2.0))
    ref = graphbal.balance(net)
    res = graphbal.balance(net, method="flow", ode_method="BDF", tol=1e-8)
    assert res.converged
    np.testing.assert_allclose(res.network.W, ref.network.W, rtol=1e-6, atol=1e-10)


def test_local_rule_user_eta_too_large_warns_and_records():
    net = Network(np.array([[0.0, 10.0], [0.1, 0.0]]))
    with pytest.warns(UserWarning, match="cost rose"):
        out = local.solve(cost_graph(net, 2.0), np.zeros(2), eta=5.0, maxiter=5)
    assert any(r["rose"] for r in out.history)
    with pytest.raises(graphbal.GraphbalError, match="eta"):
        graphbal.balance(net, method="local", eta=-1.0)


def test_osborne_colour_classes_are_independent_sets():
    rng = np.random.default_rng(3)
    net = Network(strongly_connected_W(60, rng, density=0.1))
    cg = cost_graph(net, 2.0)
    classes = osborne.colour_classes(cg)
    covered = np.concatenate(classes)
    assert np.array_equal(np.sort(covered), np.arange(60))
    for cls in classes:
        member = np.zeros(60, dtype=bool)
        member[cls] = True
        assert not np.any(member[cg.post] & member[cg.pre])


@settings(max_examples=30, deadline=None)
@given(net=feasible_networks(max_n=10), method=st.sampled_from(["osborne", "local"]))
def test_cost_never_rises_osborne_local(net, method):
    """C is non-increasing along Osborne sweeps and the default local rule; the rule conserves sum(h) (S7)."""
    cg = cost_graph(net, 2.0)
    h0 = np.random.default_rng(net.n).normal(size=net.n)
    out = (osborne if method == "osborne" else local).solve(cg, h0, tol=1e-7, maxiter=300)
    logC = np.array([r["logC"] for r in out.history])
    assert np.all(np.diff(logC) <= 1e-12 * np.maximum(1.0, np.abs(logC[1:])))
    if method == "local" and not cg.has_ground:
        assert out.h.sum() == pytest.approx(h0.sum(), abs=1e-9 * max(1.0, np.abs(out.h).max()))


@settings(max_examples=20, deadline=None)
@given(net=feasible_networks(max_n=8, log_ranges=(0.5, 1.5)))
def test_cost_never_rises_along_flow(net):
    """dC/dt = -(p/tau)||g||^2 <= 0 (S6): C(t) sampled along the trajectory never rises; sum(h) conserved."""
    cg = cost_graph(net, 2.0)
    h0 = np.random.default_rng(net.n).normal(size=net.n)
    out = flow.solve(cg, h0, t_eval=np.linspace(0.0, 2.0, 21), rtol=1e-9, atol=1e-12)
    logC = np.log(out.extra["C_t"])
    assert np.all(np.diff(logC) <= 1e-9)
    if not cg.has_ground:
        np.testing.assert_allclose(out.extra["h_t"].sum(axis=1), h0.sum(), atol=1e-8)
