"""The limit state of an infeasible network (docs/theory.rst, 'The limit state').

When a synapse lies on no directed cycle, C has no finite minimiser: its
infimum is reached as the transient synapses' costs go to zero, while each
strongly connected component (SCC) balances on its own.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._core.costgraph import CostGraph, restrict, with_components
from ..feasibility import FeasibilityReport

__all__ = ["solve_graph", "scc_components", "zero_transient"]


def scc_components(report: FeasibilityReport, n: int) -> tuple[int, np.ndarray]:
    """The SCCs of the hidden neurons, numbered 0..k-1 (the ground's SCC may hold no hidden neuron).

    Without transient synapses every free-free synapse lies inside one SCC, so
    the SCCs partition the cost graph exactly as its weak components would
    (an SCC through the ground counts as one grounded part).

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> rep = graphbal.feasibility(graphbal.Network(np.array([[0.0, 1.0], [1.0, 0.0]])))
    >>> count, labels = scc_components(rep, 2)
    >>> count, labels.tolist()
    (1, [0, 0])
    """
    a = report.analysis
    labels = a.labels[:n]
    present = np.zeros(max(a.n_components, 1), dtype=bool)
    present[labels] = True
    number = np.cumsum(present) - 1
    return int(present.sum()), number[labels]


def solve_graph(cg: CostGraph, report: FeasibilityReport, limit: bool) -> CostGraph:
    """The cost graph a solver balances: ``cg`` itself, or without its transient synapses in limit mode.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> from graphbal._core.costgraph import cost_graph
    >>> net = graphbal.Network(np.array([[0.0, 0.0], [1.0, 0.0]]))  # 0 -> 1 lies on no cycle
    >>> cg = cost_graph(net, 2.0)
    >>> solve_graph(cg, graphbal.feasibility(net), limit=True).m
    0
    """
    components = scc_components(report, cg.n)
    if not limit:
        return with_components(cg, components)
    a = report.analysis
    return restrict(cg, ~a.edge_transient, ~a.in_transient, ~a.out_transient, components=components)


def zero_transient(net, cg: CostGraph, report: FeasibilityReport, io_cost: bool):
    """``net`` with its transient synapses set to zero (the limit network).

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> from graphbal._core.costgraph import cost_graph
    >>> net = graphbal.Network(np.array([[0.0, 0.0], [1.0, 0.0]]))
    >>> zero_transient(net, cost_graph(net, 2.0), graphbal.feasibility(net), True).W.tolist()
    [[0.0, 0.0], [0.0, 0.0]]
    """
    a = report.analysis
    W = net.W.copy() if not net.is_sparse else net.W.tolil()
    W[cg.post[a.edge_transient], cg.pre[a.edge_transient]] = 0.0
    W = W.tocsr() if net.is_sparse else W
    changes: dict[str, Any] = {"W": W}
    if io_cost and net.U is not None and a.in_transient.any():
        U = net.U.copy()
        U[a.in_transient, :] = 0.0
        changes["U"] = U
    if io_cost and net.V is not None and a.out_transient.any():
        V = net.V.copy()
        V[:, a.out_transient] = 0.0
        changes["V"] = V
    return net.replace(**changes)
