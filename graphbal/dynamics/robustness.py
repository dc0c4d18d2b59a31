"""Task preservation, noise robustness, the robustness cost and the balance-condition test (Stock et al. 2022, Fig 4).

See docs/dynamics.rst, 'Noise robustness'.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import scipy.sparse as sp

from ..costs import neural_gradient, synaptic_cost
from ..errors import GraphbalError
from .rnn import get_phi, simulate

__all__ = ["compare_function", "noise_robustness", "robustness_cost", "BalanceConditionTest", "balance_condition_test"]


def compare_function(net_a, net_b, inputs, *, phi="relu", **sim) -> float:
    """Largest absolute difference of the noiseless outputs of two networks on the same inputs.

    Networks related by the task-preserving transform (Stock et al. 2022, Eq. 4)
    have identical outputs for a positively homogeneous ``phi``.

    Parameters
    ----------
    net_a, net_b : Network
        Networks with the same inputs and outputs.
    inputs : array_like, shape (T, m) or (T, batch, m)
    phi : str, tuple or Phi
        A positively homogeneous nonlinearity.
    **sim
        Further arguments of :func:`simulate`.

    Returns
    -------
    float

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


def noise_robustness(net, inputs, targets, noise_levels, *, trials: int = 10, seed=None, phi="relu", **sim) -> dict:
    """Task loss versus noise level: MSE per trial and MSE of the trial-averaged output.

    Parameters
    ----------
    net : Network
    inputs, targets : arrays (T, B, m) and (T, B, k)
        Each of the B conditions is repeated ``trials`` times with fresh noise.
    noise_levels : sequence of float
        Noise ``sigma`` of :func:`simulate`.
    trials : int
    seed : int or numpy Generator, optional
    phi : str, tuple or Phi
    **sim
        Further arguments of :func:`simulate`.

    Returns
    -------
    dict
        ``noise``, ``trial_mse`` and ``mean_mse`` arrays (one value per level). Both losses are
        reported because the paper's text available does not say which one its Fig 4b uses
        (the authors' code uses the trial-averaged one).

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> net = graphbal.Network(np.zeros((2, 2)), U=np.eye(2), V=np.eye(2))
    >>> u = np.ones((10, 1, 2))
    >>> y = graphbal.dynamics.simulate(net, u).outputs   # the noiseless outputs as targets
    >>> res = graphbal.dynamics.noise_robustness(net, u, y, [0.0, 0.5], trials=5, seed=0)
    >>> float(res["trial_mse"][0]), bool(res["trial_mse"][1] > 0)
    (0.0, True)
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
    """Cost weights ``alpha_ij = r_j``, the mean presynaptic gain on noiseless runs (Stock et al. 2022, Fig 4).

    ``r_j = <phi'(x_j)^2>`` (``gain="squared"``, default: the weight of
    ``W_ij^2`` in the first-order effect of noise, ``sum_ij W_ij^2 phi'(x_j)^2``;
    docs/dynamics.rst, 'Noise robustness') or ``<phi'(x_j)>`` (``"mean"``, the
    authors' code), averaged over all time steps but the last, conditions and
    trials. The two agree for ReLU. Use as
    ``balance(net.replace(alpha=alpha), p=2, io_cost=False)``.

    Parameters
    ----------
    net : Network
    inputs : array_like, shape (T, m) or (T, batch, m)
    phi : str, tuple or Phi
    gain : {"squared", "mean"}
    **sim
        Further arguments of :func:`simulate`.

    Returns
    -------
    ndarray, shape (n, n)
        Every row equals ``r``.

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
    """Result of :func:`balance_condition_test`.

    ``statistic`` = ||g||, ``null`` = ||g|| of presynaptically permuted cost
    matrices, ``pvalue`` one-sided.
    """

    statistic: float
    null: np.ndarray
    pvalue: float

    def summary(self) -> str:
        """One line: statistic, null mean and spread, p-value."""
        return (
            f"||g|| = {self.statistic:.4g}; permutation null {np.mean(self.null):.4g} +- {np.std(self.null):.2g} "
            f"(n={self.null.size}); p = {self.pvalue:.3g}"
        )


def balance_condition_test(
    net, p: float = 2, n_perm: int = 10_000, *, seed=None, io_cost: bool = False, batch: int = 500
) -> BalanceConditionTest:
    """Is ``net`` closer to balance than chance? (Stock et al. 2022, Fig 4a)

    The statistic is ||g|| of the cost matrix; the null permutes presynaptic
    identities (the columns of C, i.e. relabels which neuron each neuron's
    outgoing synapses belong to; equivalent to the authors' row permutation of
    the transposed matrix). p-value ``(1 + #{null <= stat}) / (1 + n_perm)``:
    balanced networks have small ||g||.

    Parameters
    ----------
    net : Network
    p : float
        Cost exponent (costs ``alpha |W|^p``).
    n_perm : int
        Number of permutations.
    seed : int or numpy Generator, optional
    io_cost : bool
        Must be False: the test is defined on the recurrent cost matrix.
    batch : int
        Permutations drawn at once.

    Returns
    -------
    BalanceConditionTest

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
    C = synaptic_cost(net, p, io_cost=False).W
    C = C.toarray() if sp.issparse(C) else np.array(C)
    np.fill_diagonal(C, 0.0)  # self-synapses are not in g
    rng = np.random.default_rng(seed)
    n = C.shape[0]
    inc, out = C.sum(axis=1), C.sum(axis=0)
    # permuting presynaptic identities permutes the out-costs: the null is ||in - P out||
    null = np.concatenate(
        [
            np.linalg.norm(inc[None, :] - out[np.argsort(rng.random((min(batch, n_perm - s), n)), axis=1)], axis=1)
            for s in range(0, n_perm, batch)
        ]
    )
    return BalanceConditionTest(statistic=stat, null=null, pvalue=float((1 + np.sum(null <= stat)) / (1 + n_perm)))
