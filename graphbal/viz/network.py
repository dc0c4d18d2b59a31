"""Network diagrams: line width encodes synaptic cost (log-scaled), colour the sign or a predicted change.

Node colour is the potential ``h``. Large graphs are best drawn as
neuron-class summaries (:func:`class_summary`).
"""

from __future__ import annotations

import os

import numpy as np
import scipy.sparse as sp

from .._core.costgraph import cost_values
from ..errors import GraphbalError
from ..network import Network
from .figures import pyplot, save_figure
from .layout import layout

__all__ = ["draw_network", "draw_before_after", "class_summary", "EXCITATORY", "INHIBITORY", "LABELS_UP_TO"]

EXCITATORY, INHIBITORY = "tab:red", "tab:blue"  # colours of w > 0 and w < 0
LABELS_UP_TO = 40  # neuron names are drawn by default up to this many neurons


def _edge_costs(net, post: np.ndarray, pre: np.ndarray, w: np.ndarray, p: float) -> np.ndarray:
    """Each drawn synapse's cost ``alpha |w|^p`` (the network's own cost weights included)."""
    if net.alpha is None:
        return cost_values(w, None, p)
    alpha = net.alpha[post, pre]
    return cost_values(w, np.asarray(alpha.toarray() if sp.issparse(alpha) else alpha).ravel(), p)


def _widths(cost: np.ndarray, width_range: tuple[float, float]) -> np.ndarray:
    """Line widths linear in log cost over ``width_range``; cost-free synapses get the thinnest line."""
    with np.errstate(divide="ignore"):
        lc = np.log(cost)
    finite = np.isfinite(lc)
    if not finite.any():
        return np.full(cost.size, width_range[0])
    lo, hi = lc[finite].min(), lc[finite].max()
    span = hi - lo if hi > lo else 1.0
    return np.where(finite, width_range[0] + (width_range[1] - width_range[0]) * (np.where(finite, lc, lo) - lo) / span,
                    width_range[0])  # fmt: skip


def _draw_edges(ax, pos, post, pre, w, widths, edge_values, edge_label):
    from matplotlib.collections import LineCollection

    segs = np.stack([pos[pre], pos[post]], axis=1)
    if edge_values is None:
        coll = LineCollection(segs, linewidths=widths, colors=np.where(w > 0, EXCITATORY, INHIBITORY), alpha=0.55)
    else:
        vals = np.array([edge_values.get((int(j), int(i)), 0.0) for j, i in zip(pre, post)])
        vmax = np.abs(vals).max() or 1.0
        coll = LineCollection(segs, linewidths=widths, cmap="PiYG", alpha=0.8)
        coll.set_array(vals)
        coll.set_clim(-vmax, vmax)
        pyplot().colorbar(coll, ax=ax, shrink=0.6, label=edge_label)
    ax.add_collection(coll)
    tip = pos[pre] + 0.85 * (pos[post] - pos[pre])  # arrowheads: a dot at 85% of the way to the postsynaptic neuron
    ax.scatter(tip[:, 0], tip[:, 1], s=6, c="k", zorder=2, linewidths=0)


def _draw_nodes(ax, pos, h, cmap: str) -> None:
    size = 60 if len(pos) <= 60 else 15
    if h is None:
        ax.scatter(pos[:, 0], pos[:, 1], s=size, c="lightgrey", edgecolors="k", zorder=3)
        return
    h = np.asarray(h)
    vmax = np.abs(h).max() or 1.0
    sc = ax.scatter(pos[:, 0], pos[:, 1], s=size, c=h, cmap=cmap, vmin=-vmax, vmax=vmax, edgecolors="k", zorder=3)
    pyplot().colorbar(sc, ax=ax, shrink=0.6, label="potential h (log rescaling)")


def _sign_legend(ax, w: np.ndarray) -> None:
    ax.plot([], [], color=EXCITATORY, label="w > 0")
    if (w < 0).any():
        ax.plot([], [], color=INHIBITORY, label="w < 0")
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.0), fontsize=7, frameon=False,
              title="line width ~ log cost; dot marks the postsynaptic end", title_fontsize=7)  # fmt: skip


def draw_network(
    net,
    *,
    ax=None,
    h=None,
    p: float = 2,
    pos=None,
    prog: str = "neato",
    edge_values=None,
    edge_label: str = "sign",
    labels: bool | None = None,
    title: str | None = None,
    width_range: tuple[float, float] = (0.3, 4.0),
    cmap: str = "coolwarm",
):
    """Draw ``net`` with matplotlib; returns the axes.

    Parameters
    ----------
    net : Network
    ax : matplotlib Axes, optional
        Where to draw (default: a new 6 x 6 in figure).
    h : array_like, optional
        Node colours (e.g. the balancing potential); grey when None.
    p : float
        Cost exponent for the line widths (cost ``alpha |w|^p``, the network's ``alpha`` included).
    pos : ndarray (n, 2), optional
        Positions; default :func:`layout` with ``prog``.
    edge_values : dict (pre_index, post_index) -> float, optional
        Colour edges by these values (e.g. predicted log changes) instead of sign.
    labels : bool, optional
        Node names (default: up to ``LABELS_UP_TO`` neurons).

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> ax = graphbal.viz.draw_network(graphbal.Network(np.array([[0, 1.0], [-2.0, 0]])), prog="ring")
    """
    if ax is None:
        _, ax = pyplot().subplots(figsize=(6, 6))
    pos = layout(net, prog) if pos is None else np.asarray(pos)
    Wc = sp.coo_array(net.W)
    off = Wc.row != Wc.col
    post, pre, w = Wc.row[off], Wc.col[off], Wc.data[off]
    if w.size:
        _draw_edges(ax, pos, post, pre, w, _widths(_edge_costs(net, post, pre, w, p), width_range), edge_values,
                    edge_label)  # fmt: skip
    _draw_nodes(ax, pos, h, cmap)
    if labels or (labels is None and net.n <= LABELS_UP_TO):
        for k, name in enumerate(net.labels):
            ax.annotate(str(name), pos[k], xytext=(4, 4), textcoords="offset points", fontsize=7)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    if edge_values is None and w.size:
        _sign_legend(ax, w)
    return ax


def draw_before_after(net, result, path: str | os.PathLike, *, prog: str = "neato", p: float | None = None):
    """Side-by-side panels, the network as given and balanced (``result`` of :func:`graphbal.balance`); saved.

    Examples
    --------
    >>> import os, tempfile, numpy as np, graphbal
    >>> net = graphbal.Network(np.array([[0.0, 4.0], [1.0, 0.0]]))
    >>> files = graphbal.viz.draw_before_after(net, graphbal.balance(net), os.path.join(tempfile.mkdtemp(), "ba.png"),
    ...                                         prog="ring")
    >>> [f.suffix for f in files]
    ['.png', '.svg']
    """
    p = result.p if p is None else p
    pos = layout(net, prog)
    fig, axes = pyplot().subplots(1, 2, figsize=(12, 6))
    draw_network(net, ax=axes[0], pos=pos, p=p, title=f"before: C = {result.cost_before:.4g}")
    draw_network(result.network, ax=axes[1], pos=pos, p=p, h=result.h, title=f"balanced: C = {result.cost_after:.4g}")
    return save_figure(fig, path, svg=True)


def class_summary(net, by: str = "neuron_class") -> Network:
    """Aggregate neurons into groups (``net.meta[by]``): weights between groups are summed.

    Returns a Network whose neurons are the groups (self-synapses hold within-group sums).

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> net = graphbal.Network(np.ones((3, 3)), meta={"role": ("a", "a", "b")})
    >>> graphbal.viz.class_summary(net, by="role").W.tolist()
    [[4.0, 2.0], [2.0, 1.0]]
    """
    groups = net.meta.get(by)
    if groups is None or len(groups) != net.n:
        raise GraphbalError(f"the network has no per-neuron meta[{by!r}] to aggregate by")
    names = sorted(set(groups))
    idx = np.array([names.index(g) for g in groups])
    P = sp.csr_array((np.ones(net.n), (idx, np.arange(net.n))), shape=(len(names), net.n))
    Wg = sp.csr_array(P @ sp.csr_array(net.W) @ P.T)
    return Network(Wg if len(names) > 500 else Wg.toarray(), names=names,
                   meta={"group_size": np.asarray(P.sum(axis=1)).ravel().tolist()})  # fmt: skip
