"""Perturbation propagation (S12, S15): linear vs exact, ring closed forms, Fig 5 pattern, time courses."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize as opt

import graphbal
from graphbal import GraphbalError, Network
from tests.graphs import strongly_connected_W

N = 12


def ring(n=N):
    return Network(np.roll(np.eye(n), 1, axis=0) + np.roll(np.eye(n), -1, axis=0))


def test_ring_linear_closed_form():
    """S15: fractions of eps = p ln f: 13/24, 11/24, +1/24 (other forward), -1/24 (other backward)."""
    f, p = 1.001, 2.0
    eps = p * np.log(f)
    res = graphbal.perturb(ring(), (0, 1), factor=f, method="linear", p=p)
    lc = {k: v / eps for k, v in res.log_change.items()}
    assert lc[(0, 1)] == pytest.approx(13 / 24, rel=1e-9)
    assert lc[(1, 0)] == pytest.approx(11 / 24, rel=1e-9)
    for k in range(1, N):
        assert lc[(k, (k + 1) % N)] == pytest.approx(1 / 24, rel=1e-9)
        assert lc[((k + 1) % N, k)] == pytest.approx(-1 / 24, rel=1e-9)
    # the effective resistance R_ab = (n-1)/(n kappa) with kappa = 2c: ln f (1 - c R_ab) (S12)
    assert res.log_change[(0, 1)] / p == pytest.approx(np.log(f) * (1 - (N - 1) / (2 * N)), rel=1e-9)


@pytest.mark.parametrize("f", [1.5, 3.0])
def test_ring_exact_equilibrium_closed_form(f):
    """S15 exact: other forward costs c e^x, backward c e^-x, a->b A e^{-(n-1)x}, b->a e^{(n-1)x}."""
    p = 2.0
    A = f**p
    x = opt.brentq(lambda x: A * np.exp(-(N - 1) * x) - np.exp((N - 1) * x) - 2 * np.sinh(x), 0, 1)
    res = graphbal.perturb(ring(), (0, 1), factor=f, method="exact", p=p)
    lc = res.log_change
    assert lc[(0, 1)] == pytest.approx(np.log(A) - (N - 1) * x, rel=1e-8)
    assert lc[(1, 0)] == pytest.approx((N - 1) * x, rel=1e-8)
    assert lc[(5, 6)] == pytest.approx(x, rel=1e-8)
    assert lc[(6, 5)] == pytest.approx(-x, rel=1e-8)


def test_linear_error_is_second_order():
    rng = np.random.default_rng(2)
    net = graphbal.balance(Network(strongly_connected_W(10, rng, density=0.4))).network
    syn = next((j, i) for i, j in zip(*np.nonzero(net.W)) if i != j)
    errs = []
    for eps_f in (1e-2, 5e-3):
        res = graphbal.perturb(net, syn, factor=np.exp(eps_f), method="exact")
        errs.append(max(abs(res.linear_log_change[k] - res.exact_log_change[k]) for k in res.log_change))
    assert errs[0] / errs[1] == pytest.approx(4.0, rel=0.05)


def test_fig5_pattern_and_timing():
    """Post neuron b: other inputs weaken, outputs strengthen; pre neuron a: the reverse; distant ones later."""
    a, b = 0, 1
    res = graphbal.perturb(ring(), (a, b), factor=1.5, times=np.linspace(0, 30, 301))
    assert res.sign((b + 1, b)) == "weaken"  # D: another input of the postsynaptic neuron
    assert res.sign((b, b + 1)) == "strengthen"  # output of b
    assert res.sign((N - 1, a)) == "strengthen"  # input of the presynaptic neuron
    assert res.sign((a, N - 1)) == "weaken"  # another output of a
    assert res.sign((b, a)) == "strengthen"  # the return path b -> a
    near, far = res.half_time[(b, b + 1)], res.half_time[(6, 7)]
    assert res.distance[(6, 7)] > res.distance[(b, b + 1)]
    assert far > near
    # distant synapses reach the same end value as near ones of the same orientation (S15)
    assert res.log_change[(6, 7)] == pytest.approx(res.log_change[(b, b + 1)], rel=1e-9)
    final_flow = 2 * (res.flow_delta_h[-1, 7] - res.flow_delta_h[-1, 6])
    assert final_flow == pytest.approx(res.log_change[(6, 7)], rel=1e-3)


def test_flow_and_mode_approximation_agree_near_equilibrium():
    res = graphbal.perturb(ring(), (0, 1), factor=1.02, times=np.linspace(0, 40, 41))
    flow, mode = res.flow_delta_h, res.mode_delta_h
    late = slice(20, None)
    rel = np.abs(flow[late] - mode[late]).max() / np.abs(flow[-1]).max()
    assert rel < 0.05


def test_add_synapse_and_multiple():
    net = ring()
    res = graphbal.perturb(net, (0, 5), add_weight=0.5)
    assert res.exact_log_change[(0, 5)] != 0 and res.perturbed[0][0] == (0, 5)
    both = graphbal.perturb(net, synapses={(0, 1): 1.01, (6, 7): 1.01}, method="linear")
    one = graphbal.perturb(net, (0, 1), 1.01, method="linear")
    two = graphbal.perturb(net, (6, 7), 1.01, method="linear")
    for k in both.log_change:  # linear responses superpose
        assert both.log_change[k] == pytest.approx(one.log_change[k] + two.log_change[k], abs=1e-12)


def test_prediction_table_csv(tmp_path):
    res = graphbal.perturb(ring(), (0, 1), factor=1.2, times=np.linspace(0, 10, 21))
    path = tmp_path / "pred.csv"
    res.to_csv(path)
    text = path.read_text().splitlines()
    assert text[0].startswith("pre,post,kind,prediction,log_cost_change")
    assert len(text) == 1 + 2 * N
    assert "potentiate" in res.summary() and "depress" in res.summary()


def test_bad_input():
    net = ring()
    with pytest.raises(GraphbalError, match="does not exist"):
        graphbal.perturb(net, (0, 5), factor=2.0)
    for f in (0.0, -1.0, np.nan):
        with pytest.raises(GraphbalError, match="factor"):
            graphbal.perturb(net, (0, 1), factor=f)
    with pytest.raises(GraphbalError, match="unknown neuron"):
        graphbal.perturb(net, (0, 99), factor=2.0)
    unbalanced = Network(np.array([[0.0, 4.0], [1.0, 0.0]]))
    with pytest.warns(UserWarning, match="not balanced"):
        res = graphbal.perturb(unbalanced, (0, 1), factor=2.0)
    assert res.balanced_first
    with pytest.raises(GraphbalError, match="not balanced"):
        graphbal.perturb(unbalanced, (0, 1), factor=2.0, on_unbalanced="raise")
