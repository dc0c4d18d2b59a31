"""Bar chart of predicted heterosynaptic changes (docs/theory.rst, 'Perturbation analysis')."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..errors import GraphbalError
from .figures import pyplot, save_figure

__all__ = ["plot_perturbation", "POTENTIATE", "DEPRESS"]

POTENTIATE, DEPRESS = "tab:green", "tab:purple"  # bar colours of predicted strengthening and weakening


def plot_perturbation(pred, path: str | os.PathLike, *, top: int = 15, svg: bool = False) -> list[Path]:
    """Bar chart of the largest predicted changes of log cost, linear vs exact, coloured by sign; saved.

    Examples
    --------
    >>> import os, tempfile, numpy as np, graphbal
    >>> W = np.roll(np.eye(4), 1, axis=0) + np.roll(np.eye(4), -1, axis=0)  # bidirectional ring
    >>> pred = graphbal.perturb(graphbal.balance(graphbal.Network(W)).network, (0, 1), 1.5)
    >>> [f.suffix for f in plot_perturbation(pred, os.path.join(tempfile.mkdtemp(), "p.png"))]
    ['.png']
    """
    rows = pred.table(top=top)
    if not rows:
        raise GraphbalError("nothing to plot: the prediction is empty")
    fig, ax = pyplot().subplots(figsize=(7, 0.35 * len(rows) + 1.5))
    y = np.arange(len(rows))[::-1]
    vals = np.array([r["log_cost_change"] for r in rows])
    ax.barh(y, vals, color=np.where(vals > 0, POTENTIATE, DEPRESS), alpha=0.8, label="prediction")
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
