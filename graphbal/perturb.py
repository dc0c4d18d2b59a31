"""Perturbation propagation: which synapses strengthen or weaken after a local change (S11, S12).

Start from a balanced network, scale synapse ``a -> b`` by ``f`` (its cost by
``f**p``), and let balancing restore ``g = 0``. Every other synapse then changes
by ``p (dh_i - dh_j)`` in log-cost. Predictions: exact (re-balance), linear
(one grounded-Laplacian solve, S12), and time courses (the flow, and the
eigenmode/quadratic approximation of S11).
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from .balance import balance
from .costgraph import cost_graph
from .costs import imbalance
from .errors import GraphbalError
from .feasibility import GROUND
from .spectral import laplacian_from_costgraph, laplacian_solve

__all__ = ["PerturbationResult", "perturb"]

BALANCED_TOL = 1e-8


@dataclasses.dataclass(frozen=True, eq=False)
class PerturbationResult:
    """Predicted changes after re-balancing (S12). All changes are of log synaptic cost.

    Attributes
    ----------
    perturbed : list of ((pre, post), factor)
    method : "exact" or "linear"
    p : float
    log_change : dict (pre, post) -> float
        Change of log cost of every synapse after re-balancing, against the
        balanced state before the perturbation, the perturbed synapse's own
        change included. io synapses use ``"io"`` for the ground.
    linear_log_change, exact_log_change : dict or None
        Both predictions (exact is None for ``method="linear"``).
    delta_h : dict neuron -> float
        Change of each neuron's potential.
    distance : dict (pre, post) -> int
        Undirected hop distance from the perturbed synapse(s): the smallest
        number of synapses between an endpoint of the synapse and an endpoint
        of a perturbed one (0 for synapses sharing a neuron with it).
    half_time : dict (pre, post) -> float
        Time (units of tau) at which the flow reaches half of the final
        change (NaN when no time course was computed or the change is ~0).
    times, flow_delta_h, mode_delta_h : ndarray or None
        Time course of dh from the flow and from the eigenmode (quadratic)
        approximation (S11, with L0 and g0 right after the perturbation).
    balanced_first : bool
        True when the input was not balanced and was balanced first.
    """

    perturbed: list
    method: str
    p: float
    log_change: dict
    linear_log_change: dict
    exact_log_change: dict | None
    delta_h: dict
    distance: dict
    half_time: dict
    times: np.ndarray | None = None
    flow_delta_h: np.ndarray | None = None
    mode_delta_h: np.ndarray | None = None
    balanced_first: bool = False

    def sign(self, synapse) -> str:
        """"strengthen", "weaken" or "unchanged" for one synapse."""
        d = self.log_change[synapse]
        return "strengthen" if d > 1e-12 else "weaken" if d < -1e-12 else "unchanged"

    def table(self, *, top: int | None = None) -> list[dict]:
        """Plain-language prediction rows, largest absolute change first (see :meth:`to_csv`)."""
        rows = []
        for syn, d in self.log_change.items():
            lin = self.linear_log_change.get(syn, np.nan)
            ex = np.nan if self.exact_log_change is None else self.exact_log_change.get(syn, np.nan)
            if np.isfinite(ex):
                err = abs(lin - ex)
                conf = "high" if err <= 0.1 * abs(ex) + 1e-12 else "medium" if err <= 0.5 * abs(ex) else "low"
            else:
                conf = "linear only"
            kind = "input" if syn[0] == GROUND else "output" if syn[1] == GROUND else "recurrent"
            rows.append({"pre": syn[0], "post": syn[1], "kind": kind,
                         "prediction": {"strengthen": "potentiate", "weaken": "depress"}.get(self.sign(syn), "none"),
                         "log_cost_change": d, "weight_fold_change": float(np.exp(d / self.p)),
                         "half_time_tau": self.half_time.get(syn, np.nan), "distance": self.distance.get(syn, -1),
                         "linear": lin, "exact": ex, "confidence": conf})
        rows.sort(key=lambda r: -abs(r["log_cost_change"]))
        return rows[:top] if top else rows

    def to_csv(self, path) -> None:
        """Write :meth:`table` as CSV (atomically; no pandas needed)."""
        import csv
        import io

        from .edgelist import atomic_write_text

        rows = self.table()
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else ["pre", "post"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        atomic_write_text(path, buf.getvalue())

    def to_frame(self):
        """:meth:`table` as a pandas DataFrame (requires pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_frame() needs pandas; use table() or to_csv() without it") from None
        return pd.DataFrame(self.table())

    def summary(self, top: int = 8) -> str:
        """What an experimentalist should expect, in words."""
        (pre, post), f = self.perturbed[0]
        lines = [f"Scaling synapse {pre} -> {post} by {f:g} ({self.method} prediction, p={self.p:g}):"]
        for r in self.table(top=top):
            ht = r["half_time_tau"]
            when = f", half-way after {ht:.3g} tau" if np.isfinite(ht) else ""
            lines.append(f"  {r['pre']} -> {r['post']}: {r['prediction']} (weight x{r['weight_fold_change']:.4g}"
                         f"{when}; distance {r['distance']}; confidence {r['confidence']})")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"PerturbationResult(method={self.method!r}, synapses={len(self.log_change)})"


def _parse(net, synapse, factor, synapses) -> list[tuple[tuple[int, int], float]]:
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


def _hop_distance(cg, sources: list[int]) -> np.ndarray:
    n = cg.n
    A = sp.csr_array((np.ones(cg.m), (cg.post, cg.pre)), shape=(n, n))
    d = csgraph.shortest_path(A + A.T, unweighted=True, directed=False, indices=sources)
    return np.min(np.atleast_2d(d), axis=0)


def perturb(net, synapse: tuple[Hashable, Hashable] | None = None, factor: float = 2.0, *,
            synapses: Mapping | None = None, method: str = "exact", p: float = 2, io_cost: bool = True,
            add_weight: float | None = None, times: Sequence[float] | None = None, tau: float = 1.0,
            on_unbalanced: str = "balance") -> PerturbationResult:
    """Predict the heterosynaptic changes caused by scaling one or more synapses (S12).

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

    Returns
    -------
    PerturbationResult

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> ring = np.roll(np.eye(12), 1, axis=0) + np.roll(np.eye(12), -1, axis=0)
    >>> res = graphbal.perturb(graphbal.Network(ring), (0, 1), factor=1.01, method="linear")
    >>> eps = 2 * np.log(1.01)
    >>> [round(float(res.log_change[s] / eps * 24), 6) for s in [(0, 1), (1, 0), (1, 2), (2, 1)]]  # S15
    [13.0, 11.0, 1.0, -1.0]
    """
    if method not in ("exact", "linear"):
        raise GraphbalError(f"method must be 'exact' or 'linear', got {method!r}")
    if on_unbalanced not in ("balance", "raise"):
        raise GraphbalError(f"on_unbalanced must be 'balance' or 'raise', got {on_unbalanced!r}")
    balanced_first = False
    if imbalance(net, p, io_cost=io_cost).relnode > BALANCED_TOL:
        if on_unbalanced == "raise":
            raise GraphbalError("the network is not balanced (relnode > 1e-8); balance it first")
        warnings.warn("perturb: the network is not balanced; balancing it first", UserWarning, stacklevel=2)
        net = balance(net, p, io_cost=io_cost).network
        balanced_first = True
    if add_weight is not None:
        if synapse is None or synapses is not None:
            raise GraphbalError("add_weight needs synapse=(pre, post) (one synapse)")
        i, j = net.index(synapse[1]), net.index(synapse[0])
        if net.W[i, j] != 0:
            raise GraphbalError(f"synapse {synapse[0]}->{synapse[1]} already exists; use factor to scale it")
        if not (np.isfinite(add_weight) and add_weight != 0):
            raise GraphbalError(f"add_weight must be finite and non-zero, got {add_weight}")
        if method == "linear":
            raise GraphbalError("adding a synapse is not a small perturbation: use method='exact'")
        pert = [((j, i), np.inf)]
    else:
        pert = _parse(net, synapse, factor, synapses)
        for (j, i), _ in pert:
            if net.W[i, j] == 0:
                raise GraphbalError(f"synapse {net.labels[j]}->{net.labels[i]} does not exist "
                                    "(use add_weight to add it)")
    cg = cost_graph(net, p, io_cost=io_cost)
    n = net.n
    W = net.W.tolil() if net.is_sparse else np.array(net.W)
    for (j, i), f in pert:
        W[i, j] = add_weight if add_weight is not None else W[i, j] * f
    pnet = net.replace(W=W.tocsr() if net.is_sparse else W)
    h0 = np.zeros(n)
    # linear response (S12): a current eps * c_ba / p sent from a to b
    rhs = np.zeros(n)
    for (j, i), f in pert:
        if np.isfinite(f):
            c_ba = abs(net.W[i, j]) ** p * (1.0 if net.alpha is None else float(net.alpha[i, j]))
            eps = p * np.log(f)
            rhs[i] += eps * c_ba / p
            rhs[j] -= eps * c_ba / p
    dh_lin = -laplacian_solve(cg, h0, rhs) if np.any(rhs) else np.zeros(n)
    dh_exact = None
    if method == "exact":
        dh_exact = balance(pnet, p, io_cost=io_cost, h0=h0).h
    dh = dh_exact if dh_exact is not None else dh_lin

    labels = list(net.labels)
    direct = {(j, i): (p * np.log(f) if np.isfinite(f) else np.nan) for (j, i), f in pert}

    def changes(d):
        out = {}
        for e in range(cg.m):
            j, i = int(cg.pre[e]), int(cg.post[e])
            out[(labels[j], labels[i])] = p * (d[i] - d[j]) + direct.get((j, i), 0.0)
        for i in np.flatnonzero(np.isfinite(cg.lam_in)):
            out[(GROUND, labels[i])] = p * d[i]
        for i in np.flatnonzero(np.isfinite(cg.lam_out)):
            out[(labels[i], GROUND)] = -p * d[i]
        return out

    lin = changes(dh_lin)
    exact = changes(dh_exact) if dh_exact is not None else None
    if add_weight is not None:
        (j, i), _ = pert[0]
        new = (labels[j], labels[i])
        exact[new] = p * (dh_exact[i] - dh_exact[j])  # change relative to the synapse's initial cost
        lin[new] = np.nan
    final = exact if exact is not None else lin
    dist_nodes = _hop_distance(cg, sorted({k for (j, i), _ in pert for k in (j, i)}))
    idx = {lab: k for k, lab in enumerate(labels)}
    distance = {}
    for a, b in final:
        ends = [dist_nodes[idx[x]] for x in (a, b) if x != GROUND]
        distance[(a, b)] = int(min(ends)) if np.isfinite(min(ends)) else -1
    times_arr = flow_dh = mode_dh = None
    half = {syn: np.nan for syn in final}
    if times is not None:
        times_arr, flow_dh, mode_dh = _time_course(pnet, p, io_cost, np.asarray(times, float), tau)
        for syn in final:
            own = direct.get((idx.get(syn[0], -1), idx.get(syn[1], -1)), 0.0)
            traj = _synapse_traj(syn, flow_dh, idx, p) + own
            target = final[syn]
            if abs(target) > 1e-12 and np.isfinite(target):
                reached = np.flatnonzero(np.abs(traj) >= 0.5 * abs(target))
                half[syn] = float(times_arr[reached[0]]) if reached.size else np.nan
    return PerturbationResult(
        perturbed=[((labels[j], labels[i]), (add_weight if add_weight is not None else f)) for (j, i), f in pert],
        method=method, p=float(p), log_change=final, linear_log_change=lin, exact_log_change=exact,
        delta_h={labels[k]: float(dh[k]) for k in range(n)}, distance=distance, half_time=half, times=times_arr,
        flow_delta_h=flow_dh, mode_delta_h=mode_dh, balanced_first=balanced_first)


def _synapse_traj(syn, dh_t: np.ndarray, idx: dict, p: float) -> np.ndarray:
    a, b = syn
    post = dh_t[:, idx[b]] if b != GROUND else 0.0
    pre = dh_t[:, idx[a]] if a != GROUND else 0.0
    return p * (post - pre)


def _time_course(pnet, p: float, io_cost: bool, times: np.ndarray, tau: float):
    """Flow trajectory and the eigenmode approximation delta(t) of S11 (L0, g0 right after the change)."""
    if times.ndim != 1 or times.size == 0 or np.any(times < 0) or np.any(np.diff(times) < 0):
        raise GraphbalError("times must be a non-empty increasing sequence of times >= 0")
    from .solvers import flow

    cg = cost_graph(pnet, p, io_cost=io_cost)
    n = pnet.n
    out = flow.solve(cg, np.zeros(n), tol=1e-300, tau=tau, t_eval=times, rtol=1e-9, atol=1e-12)
    if n > 3000:  # dense eigendecomposition only for moderate sizes
        return times, out.extra["h_t"], None
    L0 = laplacian_from_costgraph(cg, np.zeros(n)).toarray()
    g0 = flow.gradient(cg, np.zeros(n))
    lam, V = np.linalg.eigh(L0)
    keep = lam > 1e-10 * max(1.0, lam.max())
    coef = -(V[:, keep].T @ g0) / (p * lam[keep])
    decay = 1.0 - np.exp(-p * np.outer(times, lam[keep]) / tau)
    mode = (decay * coef) @ V[:, keep].T
    return times, out.extra["h_t"], mode
