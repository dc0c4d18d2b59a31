"""Helpers shared by the commands: loading a network argument, safe output paths (from :mod:`graphbal.io`)."""

from __future__ import annotations

from pathlib import Path

from ..errors import GraphbalError
from ..io.files import output_path

__all__ = ["load_network", "output_path"]


def load_network(source: str, *, gap_junctions: str = "exclude"):
    """Load an edge-list path, or a bundled dataset name when no such file exists."""
    from ..io.edgelist import read_edgelist

    if Path(source).exists():
        return read_edgelist(source, gap_junctions=gap_junctions)
    try:
        from .. import datasets
    except ImportError:  # pragma: no cover - datasets module always ships
        datasets = None
    if datasets is not None and hasattr(datasets, "available") and source in datasets.available():
        return datasets.load(source, gap_junctions=gap_junctions)
    raise GraphbalError(f"{source!r} is neither an existing edge-list file nor a bundled dataset name")
