"""Data in and out: the one edge-triple assembler, CSV edge lists, networkx, safe file writes."""

from .assemble import assemble_network
from .edgelist import ELECTRICAL_TYPES, read_edgelist, write_edgelist
from .files import atomic_write, atomic_write_text, output_path, prepare_output_dir
from .networkx import network_from_networkx, network_to_networkx

__all__ = [
    "assemble_network",
    "read_edgelist",
    "write_edgelist",
    "ELECTRICAL_TYPES",
    "atomic_write",
    "atomic_write_text",
    "output_path",
    "prepare_output_dir",
    "network_from_networkx",
    "network_to_networkx",
]
