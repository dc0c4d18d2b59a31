"""Compatibility module: the spiking-network measures now live in :mod:`graphbal.dynamics.spiking.analysis`."""

from __future__ import annotations

from .spiking.analysis import cotransform, ei_balance, from_network, isi_cv, oscillation, to_network

__all__ = ["oscillation", "isi_cv", "ei_balance", "cotransform", "to_network", "from_network"]
