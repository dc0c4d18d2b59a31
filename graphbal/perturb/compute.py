"""Perturb synapses of a balanced network and predict the change of every synapse after re-balancing.

See docs/theory.rst, 'Perturbation analysis'. Scaling synapse ``a -> b`` by
``f`` multiplies its cost by ``f**p``; balancing then moves each neuron's
potential by ``dh`` and every other synapse ``j -> i`` changes by
``p (dh_i - dh_j)`` in log cost. Two predictions: linear (one grounded
Laplacian solve, see 'Laplacian') and exact (re-balancing).
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from .._core.costgraph import cost_graph
from ..balance import balance
from ..costs import imbalance
from ..errors import GraphbalError
from ..feasibility import GROUND
from ..spectral import laplacian_solve
from .result import PerturbationResult
from .timecourse import half_times, time_course

__all__ = ["BALANCED_TOL", "perturb"]

BALANCED_TOL = 1e-8

Perturbation = list[tuple[tuple[int, int], float]]  # ((pre index, post index), factor); factor inf: an added synapse


def _check_options(method: str, on_unbalanced: str) -> None:
    if method not in ("exact", "linear"):
        raise GraphbalError(f"method must be 'exact' or 'linear', got {method!r}")
    if on_unbalanced not in ("balance", "raise"):
        raise GraphbalError(f"on_unbalanced must be 'balance' or 'raise', got {on_unbalanced!r}")


def _ensure_balanced(net, p: float, io_cost: bool, on_unbalanced: str):
    """The network itself when balanced, else (after a warning) its balanced version; and whether it was."""
    if imbalance(net, p, io_cost=io_cost).relnode <= BALANCED_TOL:
        return net, False
    if on_unbalanced == "raise":
        raise GraphbalError("the network is not balanced (relnode > 1e-8); balance it first")
    warnings.warn("perturb: the network is not balanced; balancing it first", UserWarning, stacklevel=3)
    return balance(net, p, io_cost=io_cost).network, True


def _parse(net, synapse, factor, synapses) -> Perturbation:
    """The scaled synapses as ((pre index, post index), factor), factors checked."""
    if synapses is None:
        if synapse is None:
            raise GraphbalError("give synapse=(pre, post) and factor=f, or synapses={(pre, post): f, ...}")
        synapses = {tuple(synapse): factor}
    elif isinstance(synapses, Mapping):
        synapses = dict(synapses)
    else:
        raise GraphbalError("synapses must be a mapping {(pre, post): factor}")
    out = []
    for (pre, post), f in synapses.items():
        try:
            f = float(f)
        except (TypeError, ValueError):
            raise GraphbalError(f"factor for {pre}->{post} must be a number, got {f!r}") from None
        if not (np.isfinite(f) and f > 0):
            raise GraphbalError(f"factor for {pre}->{post} must be finite and > 0, got {f}")
        i, j = net.index(post), net.index(pre)
        if i == j:
            raise GraphbalError(f"{pre}->{post} is a self-synapse: its cost is invariant, nothing propagates")
        out.append(((j, i), f))
    return out


def _added(net, synapse, synapses, add_weight: float, method: str) -> Perturbation:
    """The synapse to add, checked: one synapse that does not exist yet, a finite non-zero weight."""
    if synapse is None or synapses is not None:
        raise GraphbalError("add_weight needs synapse=(pre, post) (one synapse)")
    i, j = net.index(synapse[1]), net.index(synapse[0])
    if net.W[i, j] != 0:
        raise GraphbalError(f"synapse {synapse[0]}->{synapse[1]} already exists; use factor to scale it")
    if not (np.isfinite(add_weight) and add_weight != 0):
        raise GraphbalError(f"add_weight must be finite and non-zero, got {add_weight}")
    if method == "linear":
        raise GraphbalError("adding a synapse is not a small perturbation: use method='exact'")
    return [((j, i), np.inf)]


def perturbed_synapses(net, synapse, factor, synapses, add_weight, method: str) -> Perturbation:
    """Parse and check what to change: existing synapses to scale, or one new synapse to add."""
    if add_weight is not None:
        return _added(net, synapse, synapses, add_weight, method)
    pert = _parse(net, synapse, factor, synapses)
    for (j, i), _ in pert:
        if net.W[i, j] == 0:
            raise GraphbalError(f"synapse {net.labels[j]}->{net.labels[i]} does not exist (use add_weight to add it)")
    return pert


def apply_change(net, pert: Perturbation, add_weight: float | None):
    """The network right after the change: scaled synapses, or the added one."""
    W = net.W.tolil() if net.is_sparse else np.array(net.W)
    for (j, i), f in pert:
        W[i, j] = add_weight if add_weight is not None else W[i, j] * f
    return net.replace(W=W.tocsr() if net.is_sparse else W)


def linear_delta_h(net, cg, pert: Perturbation, p: float) -> np.ndarray:
    """Linear response ``dh = -(eps c_ba / p) L^+ (e_b - e_a)``, ``eps = p ln f``, summed over the scaled synapses.

    The potential of a current ``eps c_ba / p`` sent from ``a`` to ``b``
    through the conductances of the balanced network (docs/theory.rst,
    'Perturbation analysis').
    """
    rhs = np.zeros(net.n)
    for (j, i), f in pert:
        if np.isfinite(f):
            c_ba = abs(net.W[i, j]) ** p * (1.0 if net.alpha is None else float(net.alpha[i, j]))
            eps = p * np.log(f)
            rhs[i] += eps * c_ba / p
            rhs[j] -= eps * c_ba / p
    return -laplacian_solve(cg, np.zeros(net.n), rhs) if np.any(rhs) else np.zeros(net.n)


def exact_delta_h(pnet, p: float, io_cost: bool) -> np.ndarray:
    """Exact response: the potentials that re-balance the perturbed network, from ``h = 0``."""
    return balance(pnet, p, io_cost=io_cost, h0=np.zeros(pnet.n)).h


def log_changes(cg, labels: list, dh: np.ndarray, direct: dict, p: float) -> dict:
    """Change of log cost of every costed synapse for the potential change ``dh``, plus the direct changes."""
    out = {}
    for e in range(cg.m):
        j, i = int(cg.pre[e]), int(cg.post[e])
        out[(labels[j], labels[i])] = p * (dh[i] - dh[j]) + direct.get((j, i), 0.0)
    for i in np.flatnonzero(np.isfinite(cg.lam_in)):
        out[(GROUND, labels[i])] = p * dh[i]
    for i in np.flatnonzero(np.isfinite(cg.lam_out)):
        out[(labels[i], GROUND)] = -p * dh[i]
    return out


def _node_distance(cg, sources: list[int]) -> np.ndarray:
    """Undirected hop distance of every neuron to the nearest source neuron (inf when unreachable)."""
    n = cg.n
    A = sp.csr_array((np.ones(cg.m), (cg.post, cg.pre)), shape=(n, n))
    d = csgraph.shortest_path(A + A.T, unweighted=True, directed=False, indices=sources)
    return np.min(np.atleast_2d(d), axis=0)


def hop_distance(cg, labels: list, pert: Perturbation, synapses) -> dict:
    """Hop distance of each synapse: fewest synapses from one of its neurons to a perturbed synapse's neuron.

    0 for synapses sharing a neuron with a perturbed one, -1 when no path
    joins them; the ground ``io`` is not a neuron.
    """
    dist_nodes = _node_distance(cg, sorted({k for (j, i), _ in pert for k in (j, i)}))
    idx = {lab: k for k, lab in enumerate(labels)}
    distance = {}
    for a, b in synapses:
        nearest = min(dist_nodes[idx[x]] for x in (a, b) if x != GROUND)
        distance[(a, b)] = int(nearest) if np.isfinite(nearest) else -1
    return distance


def _predictions(net, pnet, cg, pert: Perturbation, p: float, io_cost: bool, method: str, add_weight):
    """Potential changes and log-cost changes, linear and (for ``method="exact"``) exact."""
    labels = list(net.labels)
    direct = {(j, i): (p * np.log(f) if np.isfinite(f) else np.nan) for (j, i), f in pert}
    dh_lin = linear_delta_h(net, cg, pert, p)
    lin = log_changes(cg, labels, dh_lin, direct, p)
    if method != "exact":
        return dh_lin, lin, None, direct
    dh_exact = exact_delta_h(pnet, p, io_cost)
    exact = log_changes(cg, labels, dh_exact, direct, p)
    if add_weight is not None:
        (j, i), _ = pert[0]
        new = (labels[j], labels[i])
        exact[new] = p * (dh_exact[i] - dh_exact[j])  # change relative to the synapse's initial cost
        lin[new] = np.nan
    return dh_exact, lin, exact, direct


def perturb(
    net,
    synapse: tuple[Hashable, Hashable] | None = None,
    factor: float = 2.0,
    *,
    synapses: Mapping | None = None,
    method: str = "exact",
    p: float = 2,
    io_cost: bool = True,
    add_weight: float | None = None,
    times: Sequence[float] | None = None,
    tau: float = 1.0,
    on_unbalanced: str = "balance",
) -> PerturbationResult:
    """Predict the heterosynaptic changes caused by scaling one or more synapses.

    See docs/theory.rst, 'Perturbation analysis'.

    Parameters
    ----------
    net : Network
        Should be balanced (relnode <= 1e-8). If not: with
        ``on_unbalanced="balance"`` (default) a UserWarning is emitted and the
        network is balanced first; with ``"raise"`` a GraphbalError is raised.
    synapse : (pre, post)
        The synapse to perturb (names or indices as the network has them).
    factor : float
        Multiplies the synaptic weight (its cost changes by ``factor**p``).
    synapses : mapping {(pre, post): factor}, optional
        Several synapses at once, instead of ``synapse``/``factor``.
    method : {"exact", "linear"}
        "exact" re-balances (and also reports the linear prediction, whose
        agreement sets the confidence); "linear" solves one grounded-Laplacian
        system: ``dh = -(eps c_ba / p) L*^+ (e_b - e_a)``, ``eps = p ln f``.
    p, io_cost :
        Cost settings.
    add_weight : float, optional
        Add the synapse ``synapse`` (which must not exist) with this weight
        instead of scaling an existing one (exact method only).
    times : sequence of float, optional
        Times (units of tau) at which to compute the time course from the
        flow and from the eigenmode approximation; gives ``half_time``.
    tau : float
        Flow time constant.
    on_unbalanced : {"balance", "raise"}
        What to do with a network that is not balanced.

    Returns
    -------
    PerturbationResult

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> ring = np.roll(np.eye(12), 1, axis=0) + np.roll(np.eye(12), -1, axis=0)
    >>> res = graphbal.perturb(graphbal.Network(ring), (0, 1), factor=1.01, method="linear")
    >>> eps = 2 * np.log(1.01)
    >>> # bidirectional unit ring: perturbed 13/24 eps, reverse 11/24, other forward +1/24, other backward -1/24
    >>> [round(float(res.log_change[s] / eps * 24), 6) for s in [(0, 1), (1, 0), (1, 2), (2, 1)]]
    [13.0, 11.0, 1.0, -1.0]
    """
    _check_options(method, on_unbalanced)
    net, balanced_first = _ensure_balanced(net, p, io_cost, on_unbalanced)
    pert = perturbed_synapses(net, synapse, factor, synapses, add_weight, method)
    cg = cost_graph(net, p, io_cost=io_cost)
    pnet = apply_change(net, pert, add_weight)
    dh, lin, exact, direct = _predictions(net, pnet, cg, pert, p, io_cost, method, add_weight)
    final = exact if exact is not None else lin
    labels = list(net.labels)
    times_arr = flow_dh = mode_dh = None
    half = {syn: np.nan for syn in final}
    if times is not None:
        times_arr, flow_dh, mode_dh = time_course(pnet, p, io_cost, np.asarray(times, float), tau)
        half = half_times(final, direct, flow_dh, times_arr, labels, p)
    return PerturbationResult(
        perturbed=[((labels[j], labels[i]), (add_weight if add_weight is not None else f)) for (j, i), f in pert],
        method=method,
        p=float(p),
        log_change=final,
        linear_log_change=lin,
        exact_log_change=exact,
        delta_h={labels[k]: float(dh[k]) for k in range(net.n)},
        distance=hop_distance(cg, labels, pert, final),
        half_time=half,
        times=times_arr,
        flow_delta_h=flow_dh,
        mode_delta_h=mode_dh,
        balanced_first=balanced_first,
    )
