"""Osborne balancing: exact coordinate minimisation by colour classes (docs/algorithms.rst, 'Osborne').

Each update sets ``h_k <- (LSE_out - LSE_in) / (2p)``, the exact minimiser of C
over ``h_k`` with the others fixed (in log form, free of the old ``h_k``). Nodes
of one colour class share no synapse, so a whole class is updated at once with
segment log-sum-exps. When io synapses are costed, every sweep ends with the
exact global shift of each grounded component against the ground,
without which Osborne stalls.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._core.costgraph import CostGraph
from .._core.flows import flows
from .common import SolverOutput, SolverSpec, record

__all__ = ["solve", "colour_classes", "SOLVER"]


def colour_classes(cg: CostGraph, seed: int = 0) -> list[np.ndarray]:
    """Independent sets of the undirected synapse graph covering every neuron with costed synapses.

    Luby-style rounds: among the uncoloured neurons, those whose random
    priority beats all uncoloured neighbours form the next class.
    """
    n = cg.n
    u = np.concatenate([cg.post, cg.pre]).astype(np.int64)
    v = np.concatenate([cg.pre, cg.post]).astype(np.int64)
    order = np.argsort(u, kind="stable")
    u, v = u[order], v[order]
    starts = np.searchsorted(u, np.arange(n))
    has_nb = np.bincount(u, minlength=n) > 0
    active = has_nb | cg.grounded
    prio = np.random.default_rng(seed).permutation(n).astype(np.float64)
    remaining = active.copy()
    classes = []
    while remaining.any():
        vals = np.where(remaining[v], prio[v], -1.0)
        nbmax = np.full(n, -1.0)
        if vals.size:
            red = np.maximum.reduceat(vals, np.minimum(starts, vals.size - 1))
            nbmax[has_nb] = red[has_nb]
        chosen = remaining & (prio > nbmax)
        classes.append(np.flatnonzero(chosen))
        remaining &= ~chosen
    return classes


@dataclasses.dataclass(frozen=True)
class _ClassEdges:
    nodes: np.ndarray
    in_edges: np.ndarray  # edge ids into the class nodes, grouped by node
    in_starts: np.ndarray  # segment starts per node (len(nodes)), -1 where a node has none
    out_edges: np.ndarray
    out_starts: np.ndarray


def _segments(edge_ids_sorted_by_node: np.ndarray, node_of_edge: np.ndarray, nodes: np.ndarray, n: int):
    counts = np.bincount(node_of_edge, minlength=n)
    indptr = np.concatenate([[0], np.cumsum(counts)])
    lengths = counts[nodes]
    starts_global = indptr[nodes]
    # gather the node segments contiguously
    total = int(lengths.sum())
    offsets = np.concatenate([[0], np.cumsum(lengths)])[:-1]
    idx = np.repeat(starts_global - offsets, lengths) + np.arange(total)
    seg_starts = np.where(lengths > 0, offsets, -1)
    return edge_ids_sorted_by_node[idx], seg_starts


def _class_edges(cg: CostGraph, classes: list[np.ndarray]) -> list[_ClassEdges]:
    n = cg.n
    in_sorted = np.arange(cg.m)  # CSR order: sorted by post
    out_sorted = np.argsort(cg.pre, kind="stable")
    out = []
    for nodes in classes:
        ie, is_ = _segments(in_sorted, cg.post, nodes, n)
        oe, os_ = _segments(out_sorted, cg.pre, nodes, n)
        out.append(_ClassEdges(nodes=nodes, in_edges=ie, in_starts=is_, out_edges=oe, out_starts=os_))
    return out


def _segment_lse(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """log-sum-exp of consecutive segments beginning at ``starts`` (-1 = empty segment -> -inf)."""
    res = np.full(starts.size, -np.inf)
    nonempty = starts >= 0
    if not nonempty.any():
        return res
    st = starts[nonempty]
    mx = np.maximum.reduceat(values, st)
    seg_id = np.repeat(np.arange(st.size), np.diff(np.append(st, values.size)))
    sums = np.add.reduceat(np.exp(values - mx[seg_id]), st)
    res[nonempty] = mx + np.log(sums)
    return res


def _global_shift(cg: CostGraph, h: np.ndarray, labels: np.ndarray, ncomp: int) -> np.ndarray:
    """Exact step shifting each grounded free component against the ground."""
    p = cg.p
    s_out = cg.lam_out - p * h  # log cost of k -> ground
    s_in = cg.lam_in + p * h  # log cost of ground -> k

    def comp_lse(s):
        mx = np.full(ncomp, -np.inf)
        np.maximum.at(mx, labels, s)
        safe = np.where(np.isfinite(mx), mx, 0.0)
        tot = np.bincount(labels, weights=np.exp(s - safe[labels]), minlength=ncomp)
        with np.errstate(divide="ignore"):
            return safe + np.log(tot)

    lo, li = comp_lse(s_out), comp_lse(s_in)
    step = np.where(np.isfinite(lo) & np.isfinite(li), (lo - li) / (2 * p), 0.0)
    return h + step[labels]


def solve(
    cg: CostGraph, h0: np.ndarray, *, tol: float = 1e-10, maxiter: int | None = 10_000, callback=None, seed: int = 0
) -> SolverOutput:
    """Balance ``cg`` by Osborne sweeps over colour classes with the global shift.

    Parameters
    ----------
    cg : CostGraph
        A feasible cost graph.
    h0 : ndarray
        Start.
    tol : float
        Target ``relnode``, checked after every sweep.
    maxiter : int
        Maximum number of sweeps (default 10 000).
    callback : callable, optional
        ``callback(sweep, h, record)``.
    seed : int
        Seed of the random priorities used for colouring.

    Returns
    -------
    SolverOutput
        ``extra["n_colours"]`` holds the number of colour classes.
    """
    maxiter = 10_000 if maxiter is None else int(maxiter)
    p = cg.p
    h = np.array(h0, dtype=np.float64)
    classes = _class_edges(cg, colour_classes(cg, seed))
    ground = cg.has_ground
    if ground:
        ncomp, labels = cg.components()
    f = flows(cg, h)
    history = [record(f)]
    converged = f.relnode <= tol
    sweep = 0
    while not converged and sweep < maxiter:
        sweep += 1
        for ce in classes:
            k = ce.nodes
            v_in = cg.logc[ce.in_edges] - p * h[cg.pre[ce.in_edges]]
            v_out = cg.logc[ce.out_edges] + p * h[cg.post[ce.out_edges]]
            lse_in = np.logaddexp(_segment_lse(v_in, ce.in_starts), cg.lam_in[k])
            lse_out = np.logaddexp(_segment_lse(v_out, ce.out_starts), cg.lam_out[k])
            ok = np.isfinite(lse_in) & np.isfinite(lse_out)
            h[k[ok]] = (lse_out[ok] - lse_in[ok]) / (2 * p)
        if ground:
            h = _global_shift(cg, h, labels, ncomp)
        f = flows(cg, h)
        rec = record(f)
        history.append(rec)
        if callback is not None:
            callback(sweep, h, rec)
        converged = f.relnode <= tol
    return SolverOutput(
        h=h,
        converged=bool(converged),
        history=tuple(history),
        iterations=sweep,
        flows=f,
        extra={"n_colours": len(classes)},
    )


SOLVER = SolverSpec(name="osborne", solve=solve, default_maxiter=10_000)
