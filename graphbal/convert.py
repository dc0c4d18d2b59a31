"""Conversions between :class:`graphbal.Network` and networkx graphs."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import networkx as nx
import numpy as np
import scipy.sparse as sp

from .errors import GraphbalError

__all__ = ["network_from_networkx", "network_to_networkx", "channel_names"]


def channel_names(net, which: str) -> tuple:
    """Names of input (``which="input"``) or output channels, with defaults."""
    if which == "input":
        return net.input_names or tuple(f"in{l}" for l in range(net.n_inputs))
    return net.output_names or tuple(f"out{l}" for l in range(net.n_outputs))


def network_from_networkx(cls, G: nx.DiGraph, weight: str, inputs: Sequence[Hashable],
                          outputs: Sequence[Hashable], alpha: str | None, sparse: bool | None):
    """Implementation of :meth:`graphbal.Network.from_networkx`."""
    if not isinstance(G, nx.DiGraph):
        raise GraphbalError(f"expected a networkx.DiGraph, got {type(G).__name__}")
    inputs, outputs = list(inputs), list(outputs)
    for role, nodes in (("input", inputs), ("output", outputs)):
        missing = [u for u in nodes if u not in G]
        if missing:
            raise GraphbalError(f"{role} node(s) not in the graph: {missing[:5]}")
    if set(inputs) & set(outputs):
        both = sorted(map(str, set(inputs) & set(outputs)))[:5]
        raise GraphbalError(f"nodes cannot be both input and output: {both}")
    io = set(inputs) | set(outputs)
    hidden = [u for u in G.nodes if u not in io]
    if not hidden:
        raise GraphbalError("empty network: the graph has no hidden neurons")
    n = len(hidden)
    idx = {u: i for i, u in enumerate(hidden)}
    in_idx = {u: l for l, u in enumerate(inputs)}
    out_idx = {u: l for l, u in enumerate(outputs)}
    rows, cols, vals, avals = [], [], [], []
    U = np.zeros((n, len(inputs))) if inputs else None
    V = np.zeros((len(outputs), n)) if outputs else None
    aU = np.ones_like(U) if (inputs and alpha) else None
    aV = np.ones_like(V) if (outputs and alpha) else None
    for u, v, data in G.edges(data=True):
        w = data.get(weight, 1.0)
        a = data.get(alpha, 1.0) if alpha else None
        if u in idx and v in idx:
            rows.append(idx[v]); cols.append(idx[u]); vals.append(w); avals.append(a)
        elif u in in_idx and v in idx:
            U[idx[v], in_idx[u]] = w
            if aU is not None:
                aU[idx[v], in_idx[u]] = a
        elif u in idx and v in out_idx:
            V[out_idx[v], idx[u]] = w
            if aV is not None:
                aV[out_idx[v], idx[u]] = a
        else:
            raise GraphbalError(f"edge {u!r} -> {v!r} is not allowed: inputs may only project to hidden "
                                "neurons and outputs only receive from hidden neurons")
    vals = np.asarray(vals, dtype=np.float64)
    if sparse is None:
        sparse = n > 500
    W = sp.csr_array((vals, (rows, cols)), shape=(n, n))
    A = sp.csr_array((np.asarray(avals, dtype=np.float64), (rows, cols)), shape=(n, n)) if alpha else None
    if alpha and not sparse:
        A = A.toarray()
        A[W.toarray() == 0] = 1.0
    return cls(W if sparse else W.toarray(), U=U, V=V, names=hidden, alpha=A, alpha_U=aU, alpha_V=aV,
               input_names=inputs or None, output_names=outputs or None)


def network_to_networkx(net) -> nx.DiGraph:
    """Implementation of :meth:`graphbal.Network.to_networkx`."""
    G = nx.DiGraph()
    labels = net.labels
    G.add_nodes_from(labels, role="hidden")
    Wc = sp.coo_array(net.W) if net.is_sparse else sp.coo_array(np.asarray(net.W))
    alpha = None
    if net.alpha is not None:
        alpha = net.alpha.toarray() if sp.issparse(net.alpha) else net.alpha
    for i, j, w in zip(Wc.row, Wc.col, Wc.data):
        attrs = {"weight": float(w)}
        if alpha is not None:
            attrs["alpha"] = float(alpha[i, j]) if not sp.issparse(net.alpha) else float(net.alpha[i, j])
        G.add_edge(labels[j], labels[i], **attrs)
    for l, name in enumerate(channel_names(net, "input")):
        G.add_node(name, role="input")
        for i in np.flatnonzero(net.U[:, l]):
            attrs = {"weight": float(net.U[i, l])}
            if net.alpha_U is not None:
                attrs["alpha"] = float(net.alpha_U[i, l])
            G.add_edge(name, labels[i], **attrs)
    for l, name in enumerate(channel_names(net, "output")):
        G.add_node(name, role="output")
        for i in np.flatnonzero(net.V[l]):
            attrs = {"weight": float(net.V[l, i])}
            if net.alpha_V is not None:
                attrs["alpha"] = float(net.alpha_V[l, i])
            G.add_edge(labels[i], name, **attrs)
    return G
