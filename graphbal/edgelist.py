"""Compatibility module: CSV edge lists now live in :mod:`graphbal.io.edgelist`."""

from .io.edgelist import ELECTRICAL_TYPES, read_edgelist, write_edgelist
from .io.files import atomic_write_text

__all__ = ["read_edgelist", "write_edgelist", "atomic_write_text", "ELECTRICAL_TYPES"]
