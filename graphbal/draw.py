"""Compatibility module: diagrams now live in :mod:`graphbal.viz` (same functions, same names).

``graphbal.draw.plt`` is ``matplotlib.pyplot``, loaded on first access.
"""

from .viz import PROGS, class_summary, draw_before_after, draw_network, layout, plot_perturbation, save_figure

__all__ = ["layout", "draw_network", "draw_before_after", "class_summary", "plot_perturbation", "save_figure"]


def __getattr__(name: str):
    if name == "plt":
        from .viz.figures import pyplot

        return pyplot()
    raise AttributeError(f"module 'graphbal.draw' has no attribute {name!r}")


__all__ += ["PROGS"]
