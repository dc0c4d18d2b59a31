"""Quantities conserved by every task-preserving transform, hence by balancing (S10).

``T_h`` adds ``h_i - h_j`` to ``log|W_ij|``. Around any closed walk in the
underlying undirected graph, traversing each synapse forwards (+) or backwards
(-), these additions telescope to zero: the signed sum of log-weights is
conserved. For a directed cycle that sum is the log of the product of its
weights. There are ``m - n + c`` independent such invariants (m synapses, n
nodes, c weakly connected components), plus every self-synapse.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Sequence

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from ._core.costgraph import log_cost_values
from .errors import GraphbalError
from .feasibility import GROUND

__all__ = ["cycle_products", "CycleInvariants", "cycle_invariants"]


def cycle_products(net, cycles: Sequence[Sequence[Hashable]]) -> np.ndarray:
    """Product of the weights around each given directed cycle (S10).

    Parameters
    ----------
    net : Network
    cycles : sequence of sequences of neurons
        Each cycle ``[v0, v1, ..., vk]`` means ``v0 -> v1 -> ... -> vk -> v0``.

    Returns
    -------
    ndarray
        One product per cycle (signs included). Conserved by ``transform`` and
        by every balancing method.

    Raises
    ------
    GraphbalError
        If a neuron is unknown or a synapse of the cycle does not exist.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> net = graphbal.Network(np.array([[0.0, 4.0], [-0.5, 0.0]]))
    >>> graphbal.cycle_products(net, [[0, 1]])
    array([-2.])
    >>> graphbal.cycle_products(graphbal.balance(net).network, [[0, 1]]).round(12)
    array([-2.])
    """
    out = np.empty(len(cycles))
    for c, cycle in enumerate(cycles):
        idx = [net.index(v) for v in cycle]
        if not idx:
            raise GraphbalError(f"cycle {c} is empty")
        prod = 1.0
        for a, b in zip(idx, idx[1:] + idx[:1]):
            w = float(net.W[b, a])
            if w == 0.0:
                raise GraphbalError(f"cycle {c}: there is no synapse {net.labels[a]!r} -> {net.labels[b]!r}")
            prod *= w
        out[c] = prod
    return out


@dataclasses.dataclass(frozen=True, eq=False)
class CycleInvariants:
    """A complete set of independent log-cycle invariants of a network (S10).

    ``synapses[k]`` is the (pre, post) synapse closing fundamental cycle k of a
    spanning forest (``"io"`` is the ground when the network has inputs or
    outputs); ``values[k]`` is the signed sum of ``log|w|`` around that cycle.
    Self-synapses appear as one-synapse cycles.
    """

    synapses: list
    values: np.ndarray

    def __len__(self) -> int:
        return len(self.synapses)


def cycle_invariants(net, *, include_io: bool = True) -> CycleInvariants:
    """Independent conserved quantities of ``net`` under ``T_h`` (S10).

    Parameters
    ----------
    net : Network
    include_io : bool
        Include input/output synapses through the ground node ``"io"``
        (pinned at h = 0), whose cycles make path products conserved too.

    Returns
    -------
    CycleInvariants
        ``m - n + c`` values (plus self-synapses) that every transform leaves
        unchanged, ``m`` counting merged parallel edges.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> rng = np.random.default_rng(0)
    >>> net = graphbal.Network(rng.normal(size=(5, 5)))
    >>> inv = graphbal.cycle_invariants(net)
    >>> len(inv)   # 20 off-diagonal synapses - 5 nodes + 1 component + 5 self-synapses
    21
    >>> moved = graphbal.transform(net, rng.normal(size=5))
    >>> bool(np.allclose(graphbal.cycle_invariants(moved).values, inv.values))
    True
    """
    n = net.n
    W = sp.coo_array(net.W)
    rows, cols, vals = W.row.astype(np.int64), W.col.astype(np.int64), W.data
    self_mask = rows == cols
    post, pre, logw = list(rows[~self_mask]), list(cols[~self_mask]), list(log_cost_values(vals[~self_mask], 1.0))
    size = n
    if include_io and (net.n_inputs or net.n_outputs):
        size = n + 1
        if net.U is not None:
            i, l = np.nonzero(net.U)
            post += list(i)
            pre += [n] * len(i)
            logw += list(log_cost_values(net.U[i, l], 1.0))
        if net.V is not None:
            l, i = np.nonzero(net.V)
            post += [n] * len(i)
            pre += list(i)
            logw += list(log_cost_values(net.V[l, i], 1.0))
    post, pre, logw = np.asarray(post, np.int64), np.asarray(pre, np.int64), np.asarray(logw, float)
    # potentials phi along a spanning forest so that tree edges have logw = phi_post - phi_pre
    A = sp.csr_array((np.ones(post.size), (post, pre)), shape=(size, size))
    sym = (A + A.T).tocsr()
    ncomp, comp = csgraph.connected_components(sym, directed=False)
    phi = np.zeros(size)
    tree = np.zeros(post.size, dtype=bool)
    lookup: dict[tuple[int, int], int] = {}
    for e, (a, b) in enumerate(zip(pre.tolist(), post.tolist())):
        lookup.setdefault((a, b), e)
    roots = np.unique(comp, return_index=True)[1]
    if size > n:
        roots[comp[n]] = n  # the ground, pinned at h = 0, roots its component
    for root in roots.tolist():
        order, preds = csgraph.breadth_first_order(sym, root, directed=False, return_predecessors=True)
        for v in order[1:]:
            u = int(preds[v])
            if (u, int(v)) in lookup:  # edge u -> v
                e = lookup[(u, int(v))]
                phi[v] = phi[u] + logw[e]
            else:  # edge v -> u
                e = lookup[(int(v), u)]
                phi[v] = phi[u] - logw[e]
            tree[e] = True
    labels = list(net.labels) + [GROUND]
    nontree = np.flatnonzero(~tree)
    values = logw[nontree] - (phi[post[nontree]] - phi[pre[nontree]])
    synapses = [(labels[pre[e]], labels[post[e]]) for e in nontree]
    diag = np.flatnonzero(self_mask)
    synapses += [(labels[rows[k]], labels[rows[k]]) for k in diag]
    values = np.concatenate([values, log_cost_values(vals[diag], 1.0)])
    return CycleInvariants(synapses=synapses, values=values)
