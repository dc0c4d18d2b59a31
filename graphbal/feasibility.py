"""Does a finite balanced state exist? The cycle condition (S9, B7).

A finite minimiser of the total cost exists iff every costed synapse lies on
a directed cycle of the augmented cost graph (hidden neurons plus the ground
node ``io`` when input/output synapses are costed), i.e. iff both ends of
every edge lie in one strongly connected component (SCC). One O(n + m)
``scipy.sparse.csgraph`` pass decides it.
"""

from __future__ import annotations

import dataclasses
from functools import cached_property

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from ._core.costgraph import CostGraph, cost_graph

__all__ = ["FeasibilityReport", "feasibility", "scc_analysis", "GROUND"]

GROUND = "io"


@dataclasses.dataclass(frozen=True, eq=False)
class SCCAnalysis:
    """Array form of the cycle condition on a :class:`CostGraph`.

    ``labels`` has n + 1 entries: one SCC label per hidden neuron and, last, the
    ground's (``-1`` when nothing is costed to io). ``edge_transient`` flags
    free-free edges (CSR order of the cost graph), ``in_transient`` /
    ``out_transient`` flag each neuron's (merged) io synapses.
    """

    labels: np.ndarray
    n_components: int
    edge_transient: np.ndarray
    in_transient: np.ndarray
    out_transient: np.ndarray

    @property
    def finite(self) -> bool:
        return not (self.edge_transient.any() or self.in_transient.any() or self.out_transient.any())


def scc_analysis(cg: CostGraph) -> SCCAnalysis:
    """Strongly connected components of the augmented cost graph and its transient edges (B7)."""
    n = cg.n
    has_in = np.isfinite(cg.lam_in)
    has_out = np.isfinite(cg.lam_out)
    ground = n
    # CSR of the augmented graph (rows = post) built directly: row i holds its in-edges, then ground -> i
    counts = np.bincount(cg.post, minlength=n) + has_in
    indptr = np.zeros(n + 2, dtype=np.int64)
    np.cumsum(counts, out=indptr[1 : n + 1])
    indptr[n + 1] = indptr[n] + has_out.sum()
    itype = np.int32 if indptr[-1] < 2**31 - 1 else np.int64  # scipy's csgraph works in int32: no conversion
    indices = np.empty(indptr[-1], dtype=itype)
    extra = indptr[1 : n + 1][has_in] - 1
    mask = np.ones(indptr[n], dtype=bool)
    mask[extra] = False
    indices[: indptr[n]][mask] = cg.pre
    indices[extra] = ground
    indices[indptr[n] :] = np.flatnonzero(has_out)
    A = sp.csr_array((np.ones(indices.size, dtype=np.int8), indices, indptr.astype(itype)), shape=(n + 1, n + 1))
    ncomp, labels = csgraph.connected_components(A, directed=True, connection="strong")
    if ncomp - (not (has_in.any() or has_out.any())) <= 1:  # one SCC (plus an unused ground): nothing transient
        edge_transient = np.zeros(cg.m, dtype=bool)
    else:
        edge_transient = np.repeat(labels[:n], np.diff(cg.csr_indptr())) != np.take(labels, cg.pre_intp())
    in_transient = has_in & (labels[:n] != labels[ground])
    out_transient = has_out & (labels[:n] != labels[ground])
    if not (has_in.any() or has_out.any()):
        labels = labels.copy()
        labels[ground] = -1
    return SCCAnalysis(
        labels=labels,
        n_components=int(ncomp),
        edge_transient=edge_transient,
        in_transient=in_transient,
        out_transient=out_transient,
    )


@dataclasses.dataclass(frozen=True, eq=False)
class FeasibilityReport:
    """Whether a finite balanced state exists, and if not, why (S9, B7).

    Attributes
    ----------
    finite : bool
        True iff every costed synapse lies on a directed cycle.
    transient_synapses : list of (pre, post)
        Synapses on no directed cycle, as neuron names (or indices), with the
        ground node named ``"io"`` (several input or output synapses of one
        neuron merge into one io edge).
    components : list of tuple
        Strongly connected components of the augmented cost graph, largest
        first; the ground ``"io"`` appears in its component.
    reasons : dict
        For each transient synapse a short human-readable reason.
    """

    analysis: SCCAnalysis
    cg: CostGraph
    labels_: tuple

    @property
    def finite(self) -> bool:
        return self.analysis.finite

    def _name(self, k: int):
        return GROUND if k == self.cg.n else self.labels_[k]

    @cached_property
    def transient_pairs(self) -> list[tuple[int, int]]:
        """Transient synapses as (pre, post) indices; the ground is index n."""
        a, cg = self.analysis, self.cg
        pairs = list(zip(cg.pre[a.edge_transient].tolist(), cg.post[a.edge_transient].tolist()))
        pairs += [(cg.n, int(i)) for i in np.flatnonzero(a.in_transient)]
        pairs += [(int(i), cg.n) for i in np.flatnonzero(a.out_transient)]
        return pairs

    @cached_property
    def transient_synapses(self) -> list[tuple]:
        return [(self._name(j), self._name(i)) for j, i in self.transient_pairs]

    @cached_property
    def components(self) -> list[tuple]:
        labels = self.analysis.labels
        valid = np.flatnonzero(labels >= 0)
        order = np.argsort(labels[valid], kind="stable")
        groups = np.split(valid[order], np.flatnonzero(np.diff(labels[valid][order])) + 1)
        groups.sort(key=len, reverse=True)
        return [tuple(self._name(int(k)) for k in g) for g in groups]

    @cached_property
    def reasons(self) -> dict:
        out = {}
        for (j, i), pair in zip(self.transient_pairs, self.transient_synapses):
            pre, post = pair
            if j == self.cg.n:
                why = (
                    f"input synapse onto {post!r} lies on no cycle: no directed path leads from {post!r} "
                    "to any output, so nothing returns its cost to the ground"
                )
            elif i == self.cg.n:
                why = f"output synapse of {pre!r} lies on no cycle: {pre!r} is not reachable from any input"
            else:
                why = (
                    f"synapse {pre!r} -> {post!r} lies on no directed cycle: no path leads from {post!r} back "
                    f"to {pre!r} (they are in different strongly connected components)"
                )
            out[pair] = why + "; balancing drives its cost to 0 and the potential difference across it to infinity"
        return out

    @property
    def n_components(self) -> int:
        return len(self.components)

    def summary(self) -> str:
        """A short plain-text summary."""
        sizes = [len(c) for c in self.components]
        head = (
            f"finite balanced state: {'yes' if self.finite else 'no'}; {len(sizes)} strongly connected "
            f"component(s), largest {sizes[0] if sizes else 0}"
        )
        if self.finite:
            return head
        shown = ", ".join(f"{a}->{b}" for a, b in self.transient_synapses[:10])
        more = len(self.transient_synapses) - 10
        return (
            head
            + f"; {len(self.transient_synapses)} synapse(s) on no cycle: {shown}"
            + (f", ... ({more} more)" if more > 0 else "")
        )

    def __repr__(self) -> str:
        return (
            f"FeasibilityReport(finite={self.finite}, transient={len(self.transient_pairs)}, "
            f"components={self.analysis.n_components})"
        )


def feasibility(net, p: float = 2, *, io_cost: bool = True) -> FeasibilityReport:
    """Decide whether a finite balanced state exists (S9, B7).

    Parameters
    ----------
    net : Network
    p : float
        Cost exponent (only decides which synapses are costed: zero weights and
        zero cost weights drop out).
    io_cost : bool
        Cost input/output synapses through the ground node ``"io"`` (default).

    Returns
    -------
    FeasibilityReport
        ``finite``, ``transient_synapses``, ``components``, ``reasons``.

    Notes
    -----
    A finite minimiser exists iff every edge of the augmented cost graph lies
    on a directed cycle (S9). Self-synapses are cost-invariant and ignored.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> chain = graphbal.Network(np.array([[0.0, 0.0], [1.0, 0.0]]), names=["a", "b"])
    >>> rep = graphbal.feasibility(chain, io_cost=False)
    >>> rep.finite, rep.transient_synapses
    (False, [('a', 'b')])
    >>> closed = chain.replace(U=[[1.0], [0.0]], V=[[0.0, 1.0]])  # input -> a -> b -> output
    >>> graphbal.feasibility(closed).finite
    True
    """
    cg = cost_graph(net, p, io_cost=io_cost)
    return report_from_costgraph(cg, net.labels)


def report_from_costgraph(cg: CostGraph, labels: tuple) -> FeasibilityReport:
    """The :class:`FeasibilityReport` of an already-built cost graph."""
    return FeasibilityReport(analysis=scc_analysis(cg), cg=cg, labels_=tuple(labels))
