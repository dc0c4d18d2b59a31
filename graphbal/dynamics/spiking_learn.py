"""Compatibility module: spiking-network learning now lives in :mod:`graphbal.dynamics.spiking.learn`."""

from __future__ import annotations

from .spiking.learn import autonomous, eta_schedule, learn

__all__ = ["eta_schedule", "learn", "autonomous"]
