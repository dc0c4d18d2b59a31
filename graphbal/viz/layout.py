"""Node positions for diagrams: Graphviz layouts through pygraphviz, or a ring."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..errors import GraphbalError

__all__ = ["layout", "PROGS"]

PROGS = ("neato", "dot", "circo", "sfdp", "fdp", "twopi", "ring")


def layout(net, prog: str = "neato", *, seed: int = 0) -> np.ndarray:
    """Node positions (n x 2), centred and scaled to unit span, from a Graphviz layout or a ring.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> graphbal.viz.layout(graphbal.Network(np.ones((3, 3))), prog="ring").shape
    (3, 2)
    """
    if prog not in PROGS:
        raise GraphbalError(f"unknown layout {prog!r}; choose one of {', '.join(PROGS)}")
    n = net.n
    if prog == "ring":
        ang = np.pi / 2 - 2 * np.pi * np.arange(n) / n
        return np.column_stack([np.cos(ang), np.sin(ang)])
    import pygraphviz as pgv

    A = pgv.AGraph(directed=True)
    A.graph_attr.update(start=str(seed), overlap="false", splines="false")
    for k in range(n):
        A.add_node(k)
    Wc = sp.coo_array(net.W)
    for i, j in zip(Wc.row.tolist(), Wc.col.tolist()):
        if i != j:
            A.add_edge(j, i)
    A.layout(prog=prog)
    pos = np.array([[float(x) for x in A.get_node(k).attr["pos"].split(",")[:2]] for k in range(n)])
    span = np.ptp(pos, axis=0)
    return (pos - pos.mean(axis=0)) / np.where(span > 0, span.max(), 1.0)
