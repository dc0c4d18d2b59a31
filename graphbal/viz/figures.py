"""Figure plumbing shared by every diagram: matplotlib loaded on demand, atomic saving.

graphbal never selects a matplotlib backend: an interactive session keeps
its own, and headless machines get matplotlib's automatic fallback (Agg).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..io.files import atomic_write

__all__ = ["pyplot", "save_figure", "DPI"]

DPI = 150  # raster resolution of saved figures


def pyplot():
    """``matplotlib.pyplot``, imported on first use (importing graphbal does not load matplotlib).

    Examples
    --------
    >>> from graphbal.viz.figures import pyplot
    >>> pyplot().__name__
    'matplotlib.pyplot'
    """
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig, path: str | os.PathLike, *, svg: bool = False) -> list[Path]:
    """Save ``fig`` atomically to ``path`` (and to the same name with .svg when ``svg``); close it.

    Examples
    --------
    >>> import os, tempfile
    >>> from graphbal.viz.figures import pyplot, save_figure
    >>> fig, ax = pyplot().subplots()
    >>> [p.suffix for p in save_figure(fig, os.path.join(tempfile.mkdtemp(), "f.png"), svg=True)]
    ['.png', '.svg']
    """
    path = Path(path)
    targets = [path] + ([path.with_suffix(".svg")] if svg and path.suffix != ".svg" else [])
    try:
        for target in targets:
            fmt = target.suffix.lstrip(".") or "png"
            atomic_write(target, lambda tmp, fmt=fmt: fig.savefig(tmp, dpi=DPI, bbox_inches="tight", format=fmt))
    finally:
        pyplot().close(fig)
    return targets
