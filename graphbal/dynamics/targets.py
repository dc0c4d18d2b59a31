"""Target dynamical systems for spiking networks (E1) and their command inputs.

A :class:`TargetSystem` wraps ``dx/dt = f(x) + c(t)``; built-ins: a linear
system (damped oscillator by default), Van der Pol (spec T3 form), a bistable
system and Lorenz (stretch target, no acceptance numbers).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from ..errors import GraphbalError

__all__ = ["TargetSystem", "linear", "damped_oscillator", "van_der_pol", "bistable", "lorenz", "ou_input"]


@dataclasses.dataclass(frozen=True)
class TargetSystem:
    """``dx/dt = f(x) + c(t)`` of dimension J, with initial state x0 (E1)."""

    f: Callable[[np.ndarray], np.ndarray]
    J: int
    x0: np.ndarray
    name: str = "custom"
    A: np.ndarray | None = None  # set for linear systems: f(x) = A x

    def __post_init__(self):
        if not callable(self.f):
            raise GraphbalError(f"the target's f must be callable, got {type(self.f).__name__}")
        x0 = np.asarray(self.x0, dtype=np.float64)
        if x0.shape != (self.J,):
            raise GraphbalError(f"x0 has shape {x0.shape}, expected ({self.J},)")
        out = np.asarray(self.f(x0))
        if out.shape != (self.J,):
            raise GraphbalError(f"f(x) returned shape {out.shape}, expected ({self.J},)")
        object.__setattr__(self, "x0", x0)


def linear(A, x0=None) -> TargetSystem:
    """Linear target ``f(x) = A x``.

    Examples
    --------
    >>> from graphbal.dynamics.targets import linear
    >>> linear([[-1.0, 0.0], [0.0, -2.0]]).J
    2
    """
    A = np.asarray(A, dtype=np.float64)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise GraphbalError(f"A must be square, got shape {A.shape}")
    return TargetSystem(lambda x: A @ x, A.shape[0], np.zeros(A.shape[0]) if x0 is None else x0, "linear", A)


def damped_oscillator(freq: float = 1.0, damping: float = 1.0) -> TargetSystem:
    """``A = [[-d, -2 pi f], [2 pi f, -d]]`` (spec T1 with f = 1 Hz, d = 1 /s)."""
    w = 2 * np.pi * freq
    return linear([[-damping, -w], [w, -damping]])


def van_der_pol(m: float = 1.0, tau: float = 0.1) -> TargetSystem:
    """Van der Pol with the state halved (spec T3): tau y1' = y2, tau y2' = m (1 - 4 y1^2) y2 - y1."""
    return TargetSystem(lambda x: np.array([x[1], m * (1 - 4 * x[0] ** 2) * x[1] - x[0]]) / tau, 2,
                        np.array([0.5, 0.0]), "van_der_pol")


def bistable(scale: float = 5.0) -> TargetSystem:
    """One-dimensional double well ``x' = scale (x - x^3)`` with stable points +-1."""
    return TargetSystem(lambda x: scale * (x - x**3), 1, np.array([0.1]), "bistable")


def lorenz(sigma: float = 10.0, rho: float = 28.0, beta: float = 8 / 3, scale: float = 0.05,
           speed: float = 1.0) -> TargetSystem:
    """Lorenz system in coordinates scaled by ``scale`` (stretch target)."""
    def f(x):
        X, Y, Z = x / scale
        return speed * scale * np.array([sigma * (Y - X), X * (rho - Z) - Y, X * Y - beta * Z])

    return TargetSystem(f, 3, np.array([0.05, 0.05, 1.0]), "lorenz")


def ou_input(steps: int, J: int, *, dt: float = 1e-4, tau_c: float = 0.05, amplitude: float = 1.0,
             seed=None) -> np.ndarray:
    """Command input: amplitude x an Ornstein-Uhlenbeck process with unit stationary std (spec section 8)."""
    from scipy.signal import lfilter

    rng = np.random.default_rng(seed)
    a = np.exp(-dt / tau_c)
    xi = rng.standard_normal((steps, J)) * np.sqrt(1 - a * a)
    z0 = rng.standard_normal(J)
    # z_t = a z_{t-1} + xi_t, started in the stationary distribution
    z = lfilter([1.0], [1.0, -a], xi, axis=0, zi=(a * z0)[None, :])[0]
    return amplitude * z
