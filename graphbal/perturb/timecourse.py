"""Time course of a perturbation: the balancing flow and its eigenmode approximation.

See docs/theory.rst, 'Perturbation analysis' and 'Time units'. Right after
the change the potentials start at ``h = 0`` and follow the flow
``tau dh/dt = -g(h)``. The quadratic approximation of the cost about that
moment (Stock et al. 2022, Eq. 39), with the Laplacian ``L0`` and the
gradient ``g0`` of the perturbed network at ``h = 0``, gives
``tau d(delta)/dt = -g0 - p L0 delta``, solved mode by mode:
``delta(t) = -sum_k (v_k . g0) / (p lambda_k) (1 - exp(-p lambda_k t / tau)) v_k``
over the non-zero eigenvalues.
"""

from __future__ import annotations

import numpy as np

from .._core.costgraph import cost_graph
from .._core.limits import DENSE_EIG_MAX
from ..balance import flow_trajectory  # the one place perturb drives the flow solver
from ..costs import neural_gradient
from ..errors import GraphbalError
from ..feasibility import GROUND
from ..spectral import eigenmodes, zero_cutoff

__all__ = ["time_course", "flow_delta_h", "mode_delta_h", "half_times", "synapse_trajectory"]

HALF = 0.5  # the half-time is when a synapse has done this fraction of its final change
MIN_CHANGE = 1e-12  # no half-time for changes of log cost below this


def _check_times(times: np.ndarray) -> None:
    if times.ndim != 1 or times.size == 0 or np.any(times < 0) or np.any(np.diff(times) < 0):
        raise GraphbalError("times must be a non-empty increasing sequence of times >= 0")


def flow_delta_h(pnet, p: float, io_cost: bool, times: np.ndarray, tau: float) -> np.ndarray:
    """Potentials ``h(t)`` (len(times) x n) along the balancing flow of ``pnet`` from ``h = 0``."""
    cg = cost_graph(pnet, p, io_cost=io_cost)
    return flow_trajectory(cg, np.zeros(pnet.n), times, tau=tau, rtol=1e-9, atol=1e-12)


def mode_delta_h(pnet, p: float, io_cost: bool, times: np.ndarray, tau: float) -> np.ndarray:
    """Eigenmode (quadratic) approximation ``delta(t)`` (len(times) x n) about ``h = 0`` of ``pnet``."""
    modes = eigenmodes(pnet, p=p, io_cost=io_cost, tau=tau, method="dense")
    lam, V = modes.eigenvalues, modes.vectors
    keep = lam > zero_cutoff(lam)
    g0 = neural_gradient(pnet, p, io_cost=io_cost)
    coef = -(V[:, keep].T @ g0) / (p * lam[keep])
    decay = 1.0 - np.exp(-p * np.outer(times, lam[keep]) / tau)
    return (decay * coef) @ V[:, keep].T


def time_course(pnet, p: float, io_cost: bool, times: np.ndarray, tau: float):
    """``(times, flow dh(t), eigenmode dh(t))``; the eigenmode part is None beyond the dense size limit."""
    _check_times(times)
    flow_dh = flow_delta_h(pnet, p, io_cost, times, tau)
    if pnet.n > DENSE_EIG_MAX:  # dense eigendecomposition only for moderate sizes
        return times, flow_dh, None
    return times, flow_dh, mode_delta_h(pnet, p, io_cost, times, tau)


def synapse_trajectory(syn, dh_t: np.ndarray, idx: dict, p: float) -> np.ndarray:
    """Change of log cost of synapse ``syn = (pre, post)`` along ``dh_t``, from the potentials only."""
    a, b = syn
    post = dh_t[:, idx[b]] if b != GROUND else 0.0
    pre = dh_t[:, idx[a]] if a != GROUND else 0.0
    return p * (post - pre)


def half_times(final: dict, direct: dict, dh_t: np.ndarray, times: np.ndarray, labels: list, p: float) -> dict:
    """First time of ``times`` at which each synapse has done half of its final change (NaN if never or ~0).

    ``direct`` holds the immediate change of the perturbed synapses, keyed
    by (pre index, post index); it is part of their trajectory from t = 0.
    """
    idx = {lab: k for k, lab in enumerate(labels)}
    half = {}
    for syn, target in final.items():
        half[syn] = np.nan
        if not (abs(target) > MIN_CHANGE and np.isfinite(target)):
            continue
        own = direct.get((idx.get(syn[0], -1), idx.get(syn[1], -1)), 0.0)
        traj = synapse_trajectory(syn, dh_t, idx, p) + own
        reached = np.flatnonzero(np.abs(traj) >= HALF * abs(target))
        half[syn] = float(times[reached[0]]) if reached.size else np.nan
    return half
