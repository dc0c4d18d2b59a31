"""Task preservation, noise robustness, the robustness cost and the balance-condition test (S4, S16, Fig 4)."""

from __future__ import annotations

import dataclasses

import numpy as np

from ..costs import neural_gradient
from ..errors import GraphbalError
from .rnn import get_phi, simulate

__all__ = ["compare_function", "noise_robustness", "robustness_cost", "BalanceConditionTest",
           "balance_condition_test"]


def compare_function(net_a, net_b, inputs, *, phi="relu", **sim) -> float:
    """Largest absolute difference of the noiseless outputs of two networks on the same inputs (S2).

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> rng = np.random.default_rng(0)
    >>> net = graphbal.Network(rng.normal(size=(4, 4)) / 2, U=rng.normal(size=(4, 1)), V=rng.normal(size=(1, 4)))
    >>> d = graphbal.dynamics.compare_function(net, graphbal.transform(net, rng.normal(size=4)), np.ones((20, 1)))
    >>> bool(d < 1e-12)
    True
    """
    get_phi(phi)  # task preservation needs a homogeneous phi
    a = simulate(net_a, inputs, phi=phi, noise=0.0, **sim).outputs
    b = simulate(net_b, inputs, phi=phi, noise=0.0, **sim).outputs
    if a is None or b is None:
        raise GraphbalError("both networks need output weights V to compare their functions")
    return float(np.max(np.abs(a - b)))


def noise_robustness(net, inputs, targets, noise_levels, *, trials: int = 10, seed=None, phi="relu",
                     **sim) -> dict:
    """Task loss versus noise level (S16): MSE per trial and MSE of the trial-averaged output.

    Parameters
    ----------
    inputs, targets : arrays (T, B, m) and (T, B, k)
        Each of the B conditions is repeated ``trials`` times with fresh noise.
    noise_levels : sequence of float
    Returns
    -------
    dict
        ``noise``, ``trial_mse`` and ``mean_mse`` arrays (one value per level). Both losses are
        reported because the spec leaves the paper's choice open [uncertain].
    """
    rng = np.random.default_rng(seed)
    u = np.asarray(inputs, float)
    y = np.asarray(targets, float)
    if u.ndim != 3 or y.ndim != 3 or u.shape[:2] != y.shape[:2]:
        raise GraphbalError("inputs and targets must have shapes (T, B, m) and (T, B, k) with the same T and B")
    rep_u = np.repeat(u, trials, axis=1)
    out = {"noise": np.asarray(noise_levels, float), "trial_mse": [], "mean_mse": []}
    for sigma in out["noise"]:
        pred = simulate(net, rep_u, phi=phi, noise=float(sigma), seed=rng, **sim).outputs
        pred = pred.reshape(pred.shape[0], u.shape[1], trials, -1)
        out["trial_mse"].append(float(np.mean((pred - y[:, :, None]) ** 2)))
        out["mean_mse"].append(float(np.mean((pred.mean(axis=2) - y) ** 2)))
    out["trial_mse"] = np.array(out["trial_mse"])
    out["mean_mse"] = np.array(out["mean_mse"])
    return out


def robustness_cost(net, inputs, *, phi="relu", gain: str = "squared", **sim) -> np.ndarray:
    """Cost weights ``alpha_ij = r_j``, the mean presynaptic gain on noiseless runs (S4).

    ``r_j = <phi'(x_j)^2>`` (``gain="squared"``, default, S16) or ``<phi'(x_j)>``
    (``"mean"``, the authors' code), averaged over all time steps but the last,
    conditions and trials. The two agree for ReLU. Use as
    ``balance(net.replace(alpha=alpha), p=2, io_cost=False)``.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> net = graphbal.Network(np.zeros((2, 2)), U=[[1.0], [-1.0]])
    >>> graphbal.dynamics.robustness_cost(net, np.ones((5, 1)))[0]   # neuron 0 always active, 1 never
    array([1., 0.])
    """
    if gain not in ("squared", "mean"):
        raise GraphbalError(f"gain must be 'squared' or 'mean', got {gain!r}")
    act = get_phi(phi)
    states = simulate(net, inputs, phi=phi, noise=0.0, **sim).states
    d = act.df(states[:-1] if states.shape[0] > 1 else states)
    r = (d**2 if gain == "squared" else d).reshape(-1, net.n).mean(axis=0)
    return np.broadcast_to(r[None, :], (net.n, net.n)).copy()


@dataclasses.dataclass(frozen=True, eq=False)
class BalanceConditionTest:
    """``statistic`` = ||g||, ``null`` = ||g|| of presynaptically permuted cost matrices, one-sided p-value."""

    statistic: float
    null: np.ndarray
    pvalue: float

    def summary(self) -> str:
        return (f"||g|| = {self.statistic:.4g}; permutation null {np.mean(self.null):.4g} +- {np.std(self.null):.2g} "
                f"(n={self.null.size}); p = {self.pvalue:.3g}")


def balance_condition_test(net, p: float = 2, n_perm: int = 10_000, *, seed=None, io_cost: bool = False,
                           batch: int = 500) -> BalanceConditionTest:
    """Is ``net`` closer to balance than chance? (Fig 4a)

    The statistic is ||g|| of the cost matrix; the null permutes presynaptic
    identities (the columns of C, i.e. relabels which neuron each neuron's
    outgoing synapses belong to; equivalent to the authors' row permutation of
    the transposed matrix). p-value ``(1 + #{null <= stat}) / (1 + n_perm)``:
    balanced networks have small ||g||.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> rng = np.random.default_rng(0)
    >>> bal = graphbal.balance(graphbal.Network(rng.normal(size=(30, 30)))).network
    >>> graphbal.dynamics.balance_condition_test(bal, n_perm=200, seed=1).pvalue < 0.01
    True
    """
    if n_perm < 1:
        raise GraphbalError(f"n_perm must be >= 1, got {n_perm}")
    if io_cost:
        raise GraphbalError("the permutation test is defined on the recurrent cost matrix (io_cost=False)")
    stat = float(np.linalg.norm(neural_gradient(net, p, io_cost=False)))
    C = np.abs(net.dense_W()) ** p
    if net.alpha is not None:
        a = net.alpha.toarray() if hasattr(net.alpha, "toarray") else np.asarray(net.alpha)
        C = C * a
    np.fill_diagonal(C, 0.0)  # self-synapses are not in g
    rng = np.random.default_rng(seed)
    n = C.shape[0]
    inc, out = C.sum(axis=1), C.sum(axis=0)
    # permuting presynaptic identities permutes the out-costs: ||r - P c|| (spec section 11, 4a)
    null = np.concatenate([
        np.linalg.norm(inc[None, :] - out[np.argsort(rng.random((min(batch, n_perm - s), n)), axis=1)], axis=1)
        for s in range(0, n_perm, batch)])
    return BalanceConditionTest(statistic=stat, null=null, pvalue=float((1 + np.sum(null <= stat)) / (1 + n_perm)))
