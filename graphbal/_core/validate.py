"""Validators shared by every public entry point: the cost exponent, potentials, tolerances."""

from __future__ import annotations

import numpy as np

from ..errors import GraphbalError

__all__ = ["check_p", "check_h", "check_tol"]


def check_p(p: float) -> float:
    """Validate the cost exponent ``p > 0`` (docs/theory.rst, 'Synaptic costs').

    Examples
    --------
    >>> from graphbal._core.validate import check_p
    >>> check_p(2)
    2.0
    """
    try:
        p = float(p)
    except (TypeError, ValueError):
        raise GraphbalError(f"p must be a positive number, got {p!r}") from None
    if not np.isfinite(p) or p <= 0:
        raise GraphbalError(f"p must be a finite number > 0, got {p}")
    return p


def check_h(h, n: int) -> np.ndarray:
    """Validate a potential vector ``h`` of length ``n`` (None means zeros); return a float64 copy.

    Examples
    --------
    >>> from graphbal._core.validate import check_h
    >>> check_h(None, 2)
    array([0., 0.])
    """
    if h is None:
        return np.zeros(n)
    try:
        h = np.array(h, dtype=np.float64, copy=True)
    except (TypeError, ValueError):
        raise GraphbalError(f"h must be an array of {n} numbers, got {type(h).__name__}") from None
    if h.shape != (n,):
        raise GraphbalError(f"h has shape {h.shape}, expected ({n},): one potential per hidden neuron")
    if not np.isfinite(h).all():
        raise GraphbalError("h contains NaN or infinite values")
    return h


def check_tol(tol: float, name: str = "tol") -> float:
    """Validate a positive finite tolerance.

    Examples
    --------
    >>> from graphbal._core.validate import check_tol
    >>> check_tol(1e-8)
    1e-08
    """
    try:
        tol = float(tol)
    except (TypeError, ValueError):
        raise GraphbalError(f"{name} must be a positive number, got {tol!r}") from None
    if not (np.isfinite(tol) and tol > 0):
        raise GraphbalError(f"{name} must be a positive number, got {tol}")
    return tol
