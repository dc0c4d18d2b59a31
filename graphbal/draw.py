"""Balanced network diagrams: pygraphviz layouts rendered with matplotlib.

Line width encodes synaptic cost (log-scaled), edge colour the sign (or the
predicted change), node colour the potential ``h``. Large graphs are drawn as
neuron-class summaries.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

from .errors import GraphbalError  # noqa: E402

__all__ = ["layout", "draw_network", "draw_before_after", "class_summary", "plot_perturbation", "save_figure"]

PROGS = ("neato", "dot", "circo", "sfdp", "fdp", "twopi", "ring")


def save_figure(fig, path, *, svg: bool = False) -> list[Path]:
    """Save ``fig`` atomically to ``path`` (and to the same name with .svg when ``svg``); close it."""
    path = Path(path)
    targets = [path] + ([path.with_suffix(".svg")] if svg and path.suffix != ".svg" else [])
    for target in targets:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=target.suffix)
        os.close(fd)
        try:
            fig.savefig(tmp, dpi=150, bbox_inches="tight", format=target.suffix.lstrip(".") or "png")
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    plt.close(fig)
    return targets


def layout(net, prog: str = "neato", *, seed: int = 0) -> np.ndarray:
    """Node positions (n x 2) from a Graphviz layout (pygraphviz) or a ring.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> graphbal.draw.layout(graphbal.Network(np.ones((3, 3))), prog="ring").shape
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


def draw_network(net, *, ax=None, h=None, p: float = 2, pos=None, prog: str = "neato", edge_values=None,
                 edge_label: str = "sign", labels: bool | None = None, title: str | None = None,
                 width_range: tuple[float, float] = (0.3, 4.0), cmap: str = "coolwarm"):
    """Draw ``net`` with matplotlib; returns the axes.

    Parameters
    ----------
    net : Network
    h : array_like, optional
        Node colours (e.g. the balancing potential); grey when None.
    pos : ndarray (n, 2), optional
        Positions; default :func:`layout` with ``prog``.
    edge_values : dict (pre_index, post_index) -> float, optional
        Colour edges by these values (e.g. predicted log changes) instead of sign.
    labels : bool, optional
        Node names (default: when n <= 40).

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> ax = graphbal.draw.draw_network(graphbal.Network(np.array([[0, 1.0], [-2.0, 0]])), prog="ring")
    """
    n = net.n
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 6))
    pos = layout(net, prog) if pos is None else np.asarray(pos)
    Wc = sp.coo_array(net.W)
    off = Wc.row != Wc.col
    post, pre, w = Wc.row[off], Wc.col[off], Wc.data[off]
    cost = np.abs(w) ** p
    if cost.size:
        lc = np.log(cost)
        span = np.ptp(lc) if np.ptp(lc) > 0 else 1.0
        widths = width_range[0] + (width_range[1] - width_range[0]) * (lc - lc.min()) / span
        segs = np.stack([pos[pre], pos[post]], axis=1)
        if edge_values is None:
            colors = np.where(w > 0, "tab:red", "tab:blue")
            coll = LineCollection(segs, linewidths=widths, colors=colors, alpha=0.55)
        else:
            vals = np.array([edge_values.get((int(j), int(i)), 0.0) for j, i in zip(pre, post)])
            vmax = np.abs(vals).max() or 1.0
            coll = LineCollection(segs, linewidths=widths, cmap="PiYG", alpha=0.8)
            coll.set_array(vals)
            coll.set_clim(-vmax, vmax)
            plt.colorbar(coll, ax=ax, shrink=0.6, label=edge_label)
        ax.add_collection(coll)
        # arrowheads: a dot at 85% of the way to the postsynaptic neuron
        tip = pos[pre] + 0.85 * (pos[post] - pos[pre])
        ax.scatter(tip[:, 0], tip[:, 1], s=6, c="k", zorder=2, linewidths=0)
    if h is None:
        ax.scatter(pos[:, 0], pos[:, 1], s=60 if n <= 60 else 15, c="lightgrey", edgecolors="k", zorder=3)
    else:
        h = np.asarray(h)
        vmax = np.abs(h).max() or 1.0
        sc = ax.scatter(pos[:, 0], pos[:, 1], s=60 if n <= 60 else 15, c=h, cmap=cmap, vmin=-vmax, vmax=vmax,
                        edgecolors="k", zorder=3)
        plt.colorbar(sc, ax=ax, shrink=0.6, label="potential h (log rescaling)")
    if labels or (labels is None and n <= 40):
        for k, name in enumerate(net.labels):
            ax.annotate(str(name), pos[k], xytext=(4, 4), textcoords="offset points", fontsize=7)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    if edge_values is None and cost.size:
        ax.plot([], [], color="tab:red", label="w > 0")
        if (w < 0).any():
            ax.plot([], [], color="tab:blue", label="w < 0")
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.0), fontsize=7, frameon=False,
                  title="line width ~ log cost; dot marks the postsynaptic end", title_fontsize=7)
    return ax


def draw_before_after(net, result, path, *, prog: str = "neato", p: float | None = None) -> list[Path]:
    """Side-by-side panels: the network as given and balanced (``result`` from :func:`graphbal.balance`)."""
    p = result.p if p is None else p
    pos = layout(net, prog)
    fig, axes = plt.subplots(1, 2, figsize=(12, 6))
    draw_network(net, ax=axes[0], pos=pos, p=p, title=f"before: C = {result.cost_before:.4g}")
    draw_network(result.network, ax=axes[1], pos=pos, p=p, h=result.h, title=f"balanced: C = {result.cost_after:.4g}")
    return save_figure(fig, path, svg=True)


def class_summary(net, by: str = "neuron_class"):
    """Aggregate neurons into groups (``net.meta[by]``): weights between groups are summed.

    Returns a Network whose neurons are the groups (self-synapses hold within-group sums).
    """
    from .network import Network

    groups = net.meta.get(by)
    if groups is None or len(groups) != net.n:
        raise GraphbalError(f"the network has no per-neuron meta[{by!r}] to aggregate by")
    names = sorted(set(groups))
    idx = np.array([names.index(g) for g in groups])
    P = sp.csr_array((np.ones(net.n), (idx, np.arange(net.n))), shape=(len(names), net.n))
    Wg = sp.csr_array(P @ sp.csr_array(net.W) @ P.T)
    return Network(Wg if len(names) > 500 else Wg.toarray(), names=names, meta={"group_size": np.asarray(
        P.sum(axis=1)).ravel().tolist()})


def plot_perturbation(pred, path, *, top: int = 15, svg: bool = False) -> list[Path]:
    """Bar chart of the largest predicted changes (log cost), linear vs exact, coloured by sign."""
    rows = pred.table(top=top)
    if not rows:
        raise GraphbalError("nothing to plot: the prediction is empty")
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(rows) + 1.5))
    y = np.arange(len(rows))[::-1]
    vals = np.array([r["log_cost_change"] for r in rows])
    ax.barh(y, vals, color=np.where(vals > 0, "tab:green", "tab:purple"), alpha=0.8, label="prediction")
    lin = np.array([r["linear"] for r in rows], dtype=float)
    if pred.exact_log_change is not None:
        ax.scatter(lin, y, marker="|", color="k", s=80, label="linear response")
    ax.set_yticks(y, [f"{r['pre']} -> {r['post']}" for r in rows], fontsize=8)
    ax.axvline(0, color="k", lw=0.5)
    ax.set_xlabel("change of log synaptic cost after re-balancing")
    (pre, post), f = pred.perturbed[0]
    ax.set_title(f"synapse {pre} -> {post} scaled by {f:g}: potentiated (green) / depressed (purple)", fontsize=9)
    ax.legend(fontsize=8, loc="lower right")
    return save_figure(fig, path, svg=svg)
