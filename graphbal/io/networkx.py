"""Conversions between :class:`graphbal.Network` and networkx graphs."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import networkx as nx
import numpy as np
import scipy.sparse as sp

from ..errors import GraphbalError
from ..network import channel_names
from .assemble import INPUT, OUTPUT, RECURRENT, assemble_network

__all__ = ["network_from_networkx", "network_to_networkx", "channel_names"]


def network_from_networkx(
    G: nx.DiGraph,
    weight: str,
    inputs: Sequence[Hashable],
    outputs: Sequence[Hashable],
    alpha: str | None,
    sparse: bool | None,
):
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
    triples = _triples(G, {u: i for i, u in enumerate(hidden)}, inputs, outputs, weight, alpha)
    role, post, pre, w, a = (np.asarray(x) for x in zip(*triples)) if triples else ([],) * 5
    return assemble_network(
        hidden, role, post, pre, w, alpha=np.asarray(a, dtype=float) if alpha else None,
        input_names=inputs, output_names=outputs, sparse=sparse,
    ).network  # fmt: skip


def _triples(G: nx.DiGraph, idx: dict, inputs: list, outputs: list, weight: str, alpha: str | None) -> list:
    """``(role, post, pre, weight, alpha)`` of every edge; refuses edges into inputs or out of outputs."""
    in_idx = {u: l for l, u in enumerate(inputs)}
    out_idx = {u: l for l, u in enumerate(outputs)}
    out = []
    for u, v, data in G.edges(data=True):
        w = data.get(weight, 1.0)
        a = data.get(alpha, 1.0) if alpha else 1.0
        if u in idx and v in idx:
            out.append((RECURRENT, idx[v], idx[u], w, a))
        elif u in in_idx and v in idx:
            out.append((INPUT, idx[v], in_idx[u], w, a))
        elif u in idx and v in out_idx:
            out.append((OUTPUT, out_idx[v], idx[u], w, a))
        else:
            raise GraphbalError(
                f"edge {u!r} -> {v!r} is not allowed: inputs may only project to hidden "
                "neurons and outputs only receive from hidden neurons"
            )
    return out


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
