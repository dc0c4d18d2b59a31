"""Compatibility module: networkx conversions now live in :mod:`graphbal.io.networkx`."""

from .io.networkx import network_from_networkx, network_to_networkx
from .network import channel_names

__all__ = ["network_from_networkx", "network_to_networkx", "channel_names"]
