"""Efficient balanced spiking networks: the analytic linear network, learning, invariants, balancing invariance.

See docs/dynamics.rst for the reference checks these tests implement.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import graphbal
from graphbal import GraphbalError
from graphbal.dynamics.spiking import linear_slow_weights, make_ebn, relative_error, run
from graphbal.dynamics.spiking_analysis import cotransform, ei_balance, from_network, isi_cv, to_network
from graphbal.dynamics.targets import TargetSystem, damped_oscillator, ou_input


@pytest.fixture(scope="module")
def t1():
    tg = damped_oscillator()
    net = make_ebn(40, 2, seed=0)
    net = net.with_slow(linear_slow_weights(net, tg.A))
    c = ou_input(40_000, 2, amplitude=30, seed=1)
    return tg, net, c, run(net, tg, c, record_currents=True)


def test_t1_analytic_linear_network_tracks_target(t1):
    tg, net, c, res = t1
    assert relative_error(res.x, res.xhat) < 1e-2  # pass criterion of the analytic linear network (typically ~1e-4)
    assert 5 < res.rates.mean() < 100
    without = run(net.with_slow(np.zeros_like(net.slow)), tg, c)
    assert relative_error(without.x, without.xhat) > 0.5  # the slow weights are what makes it work


def test_t8_invariants(t1):
    tg, net, c, res = t1
    assert np.bincount(res.spike_step).max() == 1  # at most one spike per step
    np.testing.assert_allclose(net.thresholds, (np.sum(net.D**2, axis=0) + net.mu + net.nu) / 2)
    np.testing.assert_allclose(np.diag(net.fast), -(np.sum(net.D**2, axis=0) + net.mu))  # reset T -> T - |D|^2 - mu
    eig = np.linalg.eigvalsh(-net.D.T @ net.D)
    assert eig.max() < 1e-12 and np.sum(np.abs(eig) > 1e-12) <= net.J  # -D^T D is NSD with rank <= J
    rest = run(net, TargetSystem(tg.f, 2, np.zeros(2)), np.zeros((5000, 2)))
    assert rest.spike_neuron.size == 0  # no spikes from rest with x = c = 0


def test_t6_ei_balance_and_t7_variability(t1):
    tg, net, c, res = t1
    ei = ei_balance(res.currents, res.dt * res.record_every)
    assert ei["median_corr"] > 0.9 and ei["median_index"] < 0.1
    cv = isi_cv(res.spike_neuron, res.spike_step, net.N)
    assert np.nanmedian(cv) > 0.3


def test_t2_learned_linear_weights_approach_closed_form():
    tg = damped_oscillator()
    net = make_ebn(40, 2, seed=0)
    star = linear_slow_weights(net, tg.A)
    for trial in range(4):
        res = run(net, tg, ou_input(50_000, 2, amplitude=30, seed=100 + trial), k=50, eta=3.0, seed=trial)
        net = net.with_slow(res.slow)
    corr = np.corrcoef(net.slow.ravel(), star.ravel())[0, 1]
    assert corr >= 0.9
    assert np.linalg.matrix_rank(net.slow, tol=1e-8 * np.abs(net.slow).max()) <= 2  # stays in range(D^T)
    test = run(net, tg, ou_input(20_000, 2, amplitude=30, seed=999), k=0)
    assert relative_error(test.x, test.xhat) < 0.05


def test_t9_cotransform_keeps_spike_trains_identical(t1):
    tg, net, c, _ = t1
    h = np.random.default_rng(0).normal(size=net.N)
    a = run(net, tg, c[:10_000], sigma_V=0.0)
    moved = cotransform(net, h)
    b = run(moved, tg, c[:10_000])
    np.testing.assert_array_equal(a.spike_neuron, b.spike_neuron)
    np.testing.assert_array_equal(a.spike_step, b.spike_step)
    np.testing.assert_allclose(b.xhat, a.xhat, atol=1e-12)
    # the plain graph transform (thresholds and spike sizes untouched) does change the spikes
    exported = graphbal.transform(to_network(net, "slow"), h)
    plain = dataclasses.replace(net, slow=np.array(exported.W), F=np.array(exported.U), D=np.array(exported.V))
    c_run = run(plain, tg, c[:10_000])
    assert not np.array_equal(c_run.spike_neuron, a.spike_neuron)


def test_export_round_trip_and_balancing_the_slow_graph(t1):
    _, net, _, _ = t1
    exported = to_network(net, "slow")
    back = from_network(exported)
    for field in ("D", "F", "thresholds", "fast", "slow"):
        np.testing.assert_array_equal(getattr(back, field), getattr(net, field))
    fast = to_network(net, "fast")
    g = graphbal.neural_gradient(fast, io_cost=False)  # symmetric fast graph: nothing to balance
    assert np.abs(g).max() < 1e-12 * np.abs(net.fast).max() ** 2
    res = graphbal.balance(exported, io_cost=False)
    assert res.cost_after <= res.cost_before


def test_bad_input():
    net = make_ebn(10, 2)
    tg = damped_oscillator()
    with pytest.warns(UserWarning, match="0.1 ms"):
        run(net, tg, np.zeros((10, 2)), dt=1e-3)
    with pytest.raises(GraphbalError, match="shape"):
        run(net, tg, np.zeros((10, 3)))
    with pytest.raises(GraphbalError, match="callable"):
        TargetSystem(42, 2, np.zeros(2))
    with pytest.raises(GraphbalError, match="dimension"):
        run(make_ebn(10, 3), tg, np.zeros((10, 3)))


@pytest.mark.slow
def test_t3_t4_van_der_pol_learned_runs_autonomously_and_survives_neuron_loss():
    """Learned Van der Pol: amplitude within 10 % and period within 30 % of the teacher; survives 25 % removal."""
    from graphbal.dynamics.spiking_analysis import oscillation
    from graphbal.dynamics.spiking_learn import autonomous, learn
    from graphbal.dynamics.targets import van_der_pol

    tg = van_der_pol()
    net, errors = learn(make_ebn(50, 2, n_basis=300, seed=0), tg, trials=14, progress=False)
    teacher = run(net, tg, np.zeros((60_000, 2)))
    dt_rec = teacher.dt * teacher.record_every
    amp_t, per_t = oscillation(teacher.x[1000:, 0], dt_rec)
    assert amp_t == pytest.approx(1.0, abs=0.05) and per_t == pytest.approx(0.67, abs=0.05)  # the teacher itself
    intact = autonomous(net, tg, seconds=6.0, seed=11)
    amp, per = oscillation(intact.xhat[2000:, 0], dt_rec)
    assert abs(amp / amp_t - 1) < 0.10 and abs(per / per_t - 1) < 0.30
    dead = np.random.default_rng(7).choice(50, 12, replace=False)
    lesioned = autonomous(net, tg, seconds=6.0, dead=dead, seed=11)
    amp25, per25 = oscillation(lesioned.xhat[2000:, 0], dt_rec)
    assert abs(amp25 / amp_t - 1) < 0.10 and abs(per25 / per_t - 1) < 0.30


def test_sequential_spiking_resolves_all_suprathreshold_voltages(t1):
    tg, net, c, _ = t1
    res = run(net, tg, c[:20_000], spikes="sequential")
    assert relative_error(res.x, res.xhat) < 1e-2
    assert np.bincount(res.spike_step).max() >= 1
    for steps in (7_000, 13_001, 20_000):  # V <= T after resolution, checked at several cut points
        V = run(net, tg, c[:steps], spikes="sequential").final_state[0]
        assert np.all(V <= net.thresholds * (1 + 1e-12))
    with pytest.raises(GraphbalError, match="spikes must be"):
        run(net, tg, c[:10], spikes="all")


def test_every_import_path_reaches_the_same_objects():
    import importlib

    import graphbal.dynamics as dyn
    import graphbal.dynamics.spiking as pkg

    modules = {
        "model": ["EBN", "make_ebn", "linear_slow_weights"],
        "run": ["SpikingRun", "run", "relative_error"],
        "analysis": ["oscillation", "isi_cv", "ei_balance", "cotransform", "to_network", "from_network"],
        "learn": ["eta_schedule", "learn", "autonomous"],
    }
    shims = {"analysis": "graphbal.dynamics.spiking_analysis", "learn": "graphbal.dynamics.spiking_learn"}
    for mod, names in modules.items():
        impl = importlib.import_module(f"graphbal.dynamics.spiking.{mod}")
        for name in names:
            obj = getattr(impl, name)
            assert getattr(pkg, name) is obj and name in pkg.__all__
            assert getattr(dyn, "run_spiking" if name == "run" else name) is obj
            if mod in shims:
                assert getattr(importlib.import_module(shims[mod]), name) is obj
    assert dyn.spiking_analysis.oscillation is pkg.oscillation  # old module paths stay attributes
    assert set(dyn.__all__) <= set(dir(dyn))
