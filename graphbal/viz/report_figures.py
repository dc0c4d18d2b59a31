"""The figures of the ``graphbal analyze`` report (docs/tutorial.rst)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..costs import synaptic_cost
from .figures import pyplot, save_figure
from .network import LABELS_UP_TO, class_summary, draw_network

__all__ = ["h_by_group", "costs_before_after", "class_diagram"]


def h_by_group(h: np.ndarray, groups: np.ndarray, key: str, path) -> None:
    """Box plot of the balancing potential per group (e.g. role); saved as PNG and SVG."""
    names = sorted(set(groups))
    fig, ax = pyplot().subplots(figsize=(max(5, 1.2 * len(names)), 4))
    data = [h[groups == g] for g in names]
    ax.boxplot(data, showfliers=True)
    ax.set_xticks(np.arange(1, len(names) + 1), [f"{g}\n(n={len(d)})" for g, d in zip(names, data)])
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_ylabel("balancing potential h (log rescaling)")
    ax.set_xlabel(key)
    ax.set_title("h > 0: inputs scaled up, outputs scaled down by balancing", fontsize=9)
    save_figure(fig, path, svg=True)


def costs_before_after(net, res, p: float, path) -> None:
    """Each synapse's cost before against after balancing (log-log); synapses on no cycle marked; saved."""
    before = synaptic_cost(net, p).W
    after = synaptic_cost(res.network, p).W
    B, A = sp.coo_array(before), sp.csr_array(after)
    off = B.row != B.col
    b = B.data[off]
    a = np.asarray(A[B.row[off], B.col[off]]).ravel()
    fig, ax = pyplot().subplots(figsize=(5, 5))
    kept = a > 0
    ax.loglog(b[kept], a[kept], ".", ms=3, alpha=0.5, label="on a cycle (balanced)")
    if (~kept).any():
        ax.loglog(
            b[~kept],
            np.full((~kept).sum(), a[kept].min() / 10 if kept.any() else 1e-3),
            "x",
            ms=3,
            color="tab:red",
            label="on no cycle (limit: cost -> 0)",
        )
    lims = [min(b.min(), a[kept].min() if kept.any() else b.min()), max(b.max(), a.max())]
    ax.plot(lims, lims, "k--", lw=0.7, label="unchanged")
    ax.set_xlabel(f"synaptic cost before, alpha |w|^{p:g}")
    ax.set_ylabel("synaptic cost after balancing")
    ax.set_title(f"total cost {res.cost_before:.4g} -> {res.cost_after:.4g}", fontsize=9)
    ax.legend(fontsize=7)
    save_figure(fig, path, svg=True)


def class_diagram(res, path) -> None:
    """The balanced network, aggregated by role or class when large (node colour = mean h); saved."""
    net = res.network
    key = "neuron_class" if "neuron_class" in net.meta else None
    if key is None or net.n <= LABELS_UP_TO:
        fig, ax = pyplot().subplots(figsize=(7, 7))
        draw_network(net, ax=ax, h=res.h, p=res.p, title="balanced network (node colour = h)")
        save_figure(fig, path, svg=True)
        return
    summary = class_summary(net, by="role") if "role" in net.meta else class_summary(net, by=key)
    hs = []
    roles = np.asarray(net.meta.get("role", net.meta[key]))
    for g in summary.names:
        hs.append(float(np.mean(res.h[roles == g])))
    fig, ax = pyplot().subplots(figsize=(6, 6))
    draw_network(
        summary,
        ax=ax,
        h=hs,
        p=1.0,
        prog="circo",
        labels=True,
        title="balanced network aggregated by role\n(line width ~ log summed synapse weight)",
    )
    save_figure(fig, path, svg=True)
