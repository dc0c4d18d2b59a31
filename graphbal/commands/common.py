"""Helpers shared by command modules: loading a network argument, safe output paths."""

from __future__ import annotations

from pathlib import Path

from ..errors import GraphbalError


def load_network(source: str, *, gap_junctions: str = "exclude"):
    """Load an edge-list path, or a bundled dataset name when no such file exists."""
    from ..edgelist import read_edgelist

    if Path(source).exists():
        return read_edgelist(source, gap_junctions=gap_junctions)
    try:
        from .. import datasets
    except ImportError:  # pragma: no cover - datasets module always ships
        datasets = None
    if datasets is not None and hasattr(datasets, "available") and source in datasets.available():
        return datasets.load(source, gap_junctions=gap_junctions)
    raise GraphbalError(f"{source!r} is neither an existing edge-list file nor a bundled dataset name")


def output_path(path: str, force: bool) -> Path:
    """Refuse to overwrite an existing file unless ``force``."""
    out = Path(path)
    if out.exists() and not force:
        raise GraphbalError(f"{out} already exists; pass --force to overwrite it")
    if not out.parent.exists():
        raise GraphbalError(f"output directory {out.parent} does not exist")
    return out
