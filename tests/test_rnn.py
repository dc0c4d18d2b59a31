"""RNN simulation: task preservation under T_h (Stock et al. 2022, Eq. 4), Euler-Maruyama noise, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla
from hypothesis import given, settings
from hypothesis import strategies as st

import graphbal
from graphbal import GraphbalError, Network
from graphbal.dynamics import compare_function, simulate


def random_rnn(n, m, k, rng, scale=1.0):
    return Network(
        rng.normal(size=(n, n)) * scale / np.sqrt(n),
        U=rng.normal(size=(n, m)),
        V=rng.normal(size=(k, n)),
        b=rng.normal(size=n) * 0.1,
    )


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    phi=st.sampled_from(["relu", "linear", ("leaky_relu", 0.2)]),
    form=st.sampled_from(["current", "rate"]),
    readout=st.sampled_from(["x", "phi"]),
)
def test_transform_preserves_outputs(seed, phi, form, readout):
    rng = np.random.default_rng(seed)
    net = random_rnn(8, 2, 3, rng)
    h = rng.normal(size=8)
    u = rng.normal(size=(40, 3, 2))
    a = simulate(net, u, phi=phi, form=form, readout=readout).outputs
    b = simulate(graphbal.transform(net, h), u, phi=phi, form=form, readout=readout).outputs
    np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-9 * np.abs(a).max())
    # and the hidden states differ exactly by the per-neuron factors x' = D x
    sa = simulate(net, u, phi=phi, form=form).states
    sb = simulate(graphbal.transform(net, h), u, phi=phi, form=form).states
    np.testing.assert_allclose(sb, sa * np.exp(h), rtol=1e-9, atol=1e-12)


def test_balanced_network_computes_the_same_function():
    rng = np.random.default_rng(1)
    net = random_rnn(30, 3, 2, rng)
    bal = graphbal.balance(net, io_cost=True).network
    assert compare_function(net, bal, rng.normal(size=(60, 4, 3))) < 1e-9


def test_non_homogeneous_phi_changes_function_and_is_refused():
    rng = np.random.default_rng(2)
    net = random_rnn(6, 1, 1, rng, scale=2.0)
    u = rng.normal(size=(30, 1))
    moved = graphbal.transform(net, rng.normal(size=6))
    with pytest.raises(GraphbalError, match="not positively homogeneous"):
        simulate(net, u, phi="tanh")
    with pytest.raises(GraphbalError, match="not positively homogeneous"):
        compare_function(net, moved, u, phi="tanh")
    a = simulate(net, u, phi="tanh", allow_nonhomogeneous=True).outputs
    b = simulate(moved, u, phi="tanh", allow_nonhomogeneous=True).outputs
    assert np.abs(a - b).max() > 1e-3  # so the preservation test above can fail


def test_euler_maruyama_stationary_covariance_linear_network():
    """x_{k+1} = M x_k + sigma sqrt(dt) xi, M = I + dt(-I + W)/tau: Sigma = M Sigma M^T + sigma^2 dt I."""
    rng = np.random.default_rng(3)
    n, dt, tau, sigma = 3, 0.1, 1.0, 0.5
    W = rng.normal(size=(n, n)) * 0.3
    net = Network(W, U=np.zeros((n, 1)))
    T, B = 400, 4000
    res = simulate(net, np.zeros((T, B, 1)), dt=dt, tau=tau, phi="linear", noise=sigma, seed=0)
    emp = np.cov(res.states[-1].T)
    M = np.eye(n) + dt * (-np.eye(n) + W) / tau
    Sigma = sla.solve_discrete_lyapunov(M, sigma**2 * dt * np.eye(n))
    np.testing.assert_allclose(emp, Sigma, atol=0.06 * np.abs(Sigma).max())
    # noise scales with sigma: the variance quadruples when sigma doubles
    res2 = simulate(net, np.zeros((T, B, 1)), dt=dt, tau=tau, phi="linear", noise=2 * sigma, seed=1)
    assert np.trace(np.cov(res2.states[-1].T)) / np.trace(emp) == pytest.approx(4.0, rel=0.08)


def test_shapes_substeps_and_seeds():
    rng = np.random.default_rng(4)
    net = random_rnn(5, 2, 1, rng)
    r = simulate(net, np.ones((7, 2)), substeps=10, dt=0.1)
    assert r.states.shape == (7, 5) and r.outputs.shape == (7, 1)
    one = simulate(net, np.ones((70, 2)), dt=0.1)  # input held for 10 substeps == repeated input
    np.testing.assert_allclose(r.states, one.states[9::10])
    a = simulate(net, np.ones((5, 3, 2)), noise=0.1, seed=5).states
    b = simulate(net, np.ones((5, 3, 2)), noise=0.1, seed=5).states
    np.testing.assert_array_equal(a, b)


def test_bad_input():
    net = random_rnn(4, 2, 1, np.random.default_rng(0))
    with pytest.raises(GraphbalError, match="2 inputs"):
        simulate(net, np.ones((5, 3)))
    with pytest.raises(GraphbalError, match="NaN"):
        simulate(net, np.full((5, 2), np.nan))
    with pytest.raises(GraphbalError, match="noise"):
        simulate(net, np.ones((5, 2)), noise=-1.0)
    with pytest.raises(GraphbalError, match="tau"):
        simulate(net, np.ones((5, 2)), tau=0.0)
    with pytest.raises(GraphbalError, match="shape"):
        simulate(net, np.ones(5))


@pytest.mark.parametrize(
    "path",
    sorted(
        (__import__("pathlib").Path(__file__).resolve().parent.parent / "datasets" / "trained_rnn").glob("cdi_*.npz")
    )[:2],
)
def test_trained_networks_keep_their_function_after_balancing(path):
    d = np.load(path)
    net = Network(d["W"].astype(float), U=d["U"].astype(float), V=d["V"].astype(float), b=d["b"].astype(float))
    from graphbal.dynamics import cdi_batch

    batch = cdi_batch(1, seed=0)
    bal = graphbal.balance(net, io_cost=False).network
    y = simulate(net, batch.inputs, substeps=10).outputs
    assert compare_function(net, bal, batch.inputs, substeps=10) <= 1e-9 * max(1.0, np.abs(y).max())
