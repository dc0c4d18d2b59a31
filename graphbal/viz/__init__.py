"""Diagrams and figures (matplotlib is imported lazily; no backend is ever selected)."""

from .figures import pyplot, save_figure
from .layout import PROGS, layout
from .network import class_summary, draw_before_after, draw_network
from .perturbation import plot_perturbation

__all__ = ["layout", "draw_network", "draw_before_after", "class_summary", "plot_perturbation", "save_figure",
           "pyplot", "PROGS"]  # fmt: skip
