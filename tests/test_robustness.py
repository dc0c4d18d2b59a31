"""Robustness cost, noise robustness and the balance-condition test (Stock et al. 2022, Fig 4)."""

from __future__ import annotations

import numpy as np
import pytest

import graphbal
from graphbal import GraphbalError, Network
from graphbal.dynamics import balance_condition_test, noise_robustness, robustness_cost, simulate


def test_robustness_cost_is_mean_presynaptic_gain():
    rng = np.random.default_rng(0)
    net = Network(rng.normal(size=(6, 6)) / 3, U=rng.normal(size=(6, 2)), V=rng.normal(size=(1, 6)))
    u = rng.normal(size=(30, 4, 2))
    alpha = robustness_cost(net, u)
    x = simulate(net, u).states[:-1]
    r = (x > 0).reshape(-1, 6).mean(axis=0)
    np.testing.assert_allclose(alpha, np.tile(r, (6, 1)))  # alpha_ij = r_j (presynaptic)
    leaky = robustness_cost(net, u, phi=("leaky_relu", 0.5), gain="mean")
    xl = simulate(net, u, phi=("leaky_relu", 0.5)).states[:-1]
    np.testing.assert_allclose(leaky[0], np.where(xl > 0, 1.0, 0.5).reshape(-1, 6).mean(axis=0))
    # T_h-invariant (gains are 0-homogeneous)
    np.testing.assert_allclose(robustness_cost(graphbal.transform(net, rng.normal(size=6)), u), alpha)


def test_noise_robustness_losses():
    rng = np.random.default_rng(1)
    net = Network(rng.normal(size=(5, 5)) / 3, U=rng.normal(size=(5, 1)), V=rng.normal(size=(1, 5)))
    u = rng.normal(size=(20, 3, 1))
    y = simulate(net, u).outputs
    res = noise_robustness(net, u, y, [0.0, 0.1, 0.5], trials=20, seed=0)
    assert res["trial_mse"][0] == pytest.approx(0.0, abs=1e-20) and res["mean_mse"][0] == pytest.approx(0.0, abs=1e-20)
    assert res["trial_mse"][1] < res["trial_mse"][2]
    assert np.all(res["mean_mse"] <= res["trial_mse"] + 1e-15)  # averaging over trials cannot increase MSE


def test_balance_condition_test_detects_balance():
    rng = np.random.default_rng(2)
    net = Network(rng.normal(size=(40, 40)))
    bal = graphbal.balance(net, io_cost=False).network
    t_bal = balance_condition_test(bal, n_perm=2000, seed=0)
    assert t_bal.statistic < 1e-6 and t_bal.pvalue == pytest.approx(1 / 2001)
    t_raw = balance_condition_test(net, n_perm=2000, seed=0)
    assert t_raw.pvalue > 0.01  # an i.i.d. random matrix is not more balanced than its permutations
    # the null is the norm of inc - permuted out, checked for one permutation by brute force
    C = np.abs(net.dense_W()) ** 2
    np.fill_diagonal(C, 0)
    perm = np.random.default_rng(5).permutation(40)
    direct = np.linalg.norm(C.sum(axis=1) - C[:, perm].sum(axis=0))
    assert t_raw.null.min() <= direct <= t_raw.null.max()
    with pytest.raises(GraphbalError):
        balance_condition_test(net, n_perm=0)
