"""Target dynamical systems for spiking networks and their command inputs.

A :class:`TargetSystem` wraps ``dx/dt = f(x) + c(t)``, the teacher a spiking
network learns (docs/dynamics.rst, 'Learning'); built-ins: a linear system
(damped oscillator by default), Van der Pol (state halved, period about
0.67 s), a bistable system and Lorenz (demonstration targets without
reference numbers).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..errors import GraphbalError

__all__ = ["TargetSystem", "linear", "damped_oscillator", "van_der_pol", "bistable", "lorenz", "ou_input"]


class TargetSystem:
    """``dx/dt = f(x) + c(t)`` of dimension J, with initial state x0.

    Attributes
    ----------
    f : callable
        ``f(x)`` for a state of shape (J,), returning shape (J,).
    J : int
    x0 : ndarray, shape (J,)
    name : str
    A : ndarray, optional
        The matrix of a linear system ``f(x) = A x``.

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal.dynamics.targets import TargetSystem
    >>> decay = TargetSystem(lambda x: -x, 1, np.ones(1), "decay")
    >>> decay.f(decay.x0)
    array([-1.])
    """

    __slots__ = ("_f", "_J", "_x0", "_name", "_A")

    def __init__(self, f: Callable[[np.ndarray], np.ndarray], J: int, x0, name: str = "custom", A=None):
        if not callable(f):
            raise GraphbalError(f"the target's f must be callable, got {type(f).__name__}")
        x0 = np.array(x0, dtype=np.float64)
        if x0.shape != (J,):
            raise GraphbalError(f"x0 has shape {x0.shape}, expected ({J},)")
        out = np.asarray(f(x0))
        if out.shape != (J,):
            raise GraphbalError(f"f(x) returned shape {out.shape}, expected ({J},)")
        x0.setflags(write=False)
        self._f, self._J, self._x0, self._name, self._A = f, J, x0, name, A

    f = property(lambda self: self._f, doc="The vector field ``f(x)``.")
    J = property(lambda self: self._J, doc="The dimension of the state.")
    x0 = property(lambda self: self._x0, doc="The initial state (read-only).")
    name = property(lambda self: self._name, doc="A short name.")
    A = property(lambda self: self._A, doc="The matrix of a linear system, or None.")

    def __repr__(self) -> str:
        return f"TargetSystem(name={self.name!r}, J={self.J})"


def linear(A, x0=None) -> TargetSystem:
    """Linear target ``f(x) = A x``.

    Parameters
    ----------
    A : array_like, shape (J, J)
    x0 : array_like, optional
        Initial state (default 0).

    Returns
    -------
    TargetSystem

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
    """Damped oscillator ``A = [[-d, -2 pi f], [2 pi f, -d]]`` (frequency f in Hz, damping d in 1/s).

    The default (f = 1 Hz, d = 1/s) is the analytic linear test network of
    docs/dynamics.rst, 'Linear closed form'.

    Parameters
    ----------
    freq, damping : float

    Returns
    -------
    TargetSystem

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal.dynamics.targets import damped_oscillator
    >>> np.linalg.eigvals(damped_oscillator().A).round(4)   # -d +- 2 pi f i
    array([-1.+6.2832j, -1.-6.2832j])
    """
    w = 2 * np.pi * freq
    return linear([[-damping, -w], [w, -damping]])


def van_der_pol(m: float = 1.0, tau: float = 0.1) -> TargetSystem:
    """Van der Pol with the state halved: ``tau y1' = y2``, ``tau y2' = m (1 - 4 y1^2) y2 - y1``.

    Halving keeps the limit cycle near ``|y1| <= 1``; for m = 1, tau = 0.1 s
    its amplitude is about 1 and its period about 0.67 s.

    Parameters
    ----------
    m : float
        Nonlinearity.
    tau : float
        Time constant (s).

    Returns
    -------
    TargetSystem

    Examples
    --------
    >>> from graphbal.dynamics.targets import van_der_pol
    >>> vdp = van_der_pol()
    >>> vdp.f(vdp.x0)   # (y2, m (1 - 4 y1^2) y2 - y1) / tau at (0.5, 0)
    array([ 0., -5.])
    """
    return TargetSystem(
        lambda x: np.array([x[1], m * (1 - 4 * x[0] ** 2) * x[1] - x[0]]) / tau, 2, np.array([0.5, 0.0]), "van_der_pol"
    )


def bistable(scale: float = 5.0) -> TargetSystem:
    """One-dimensional double well ``x' = scale (x - x^3)`` with stable points +-1.

    Parameters
    ----------
    scale : float
        Rate (1/s).

    Returns
    -------
    TargetSystem

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal.dynamics.targets import bistable
    >>> bistable().f(np.array([1.0]))   # a fixed point
    array([0.])
    """
    return TargetSystem(lambda x: scale * (x - x**3), 1, np.array([0.1]), "bistable")


def lorenz(
    sigma: float = 10.0, rho: float = 28.0, beta: float = 8 / 3, scale: float = 0.05, speed: float = 1.0
) -> TargetSystem:
    """Lorenz system in coordinates scaled by ``scale`` (a demonstration target).

    Parameters
    ----------
    sigma, rho, beta : float
        The Lorenz parameters.
    scale : float
        The state is the Lorenz state times ``scale``.
    speed : float
        Time scaling.

    Returns
    -------
    TargetSystem

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal.dynamics.targets import lorenz
    >>> lorenz().f(np.zeros(3))   # the origin is a fixed point
    array([0., 0., 0.])
    """

    def f(x):
        X, Y, Z = x / scale
        return speed * scale * np.array([sigma * (Y - X), X * (rho - Z) - Y, X * Y - beta * Z])

    return TargetSystem(f, 3, np.array([0.05, 0.05, 1.0]), "lorenz")


def ou_input(
    steps: int, J: int, *, dt: float = 1e-4, tau_c: float = 0.05, amplitude: float = 1.0, seed=None
) -> np.ndarray:
    """Command input: ``amplitude`` times an Ornstein-Uhlenbeck process with unit stationary std.

    Started in the stationary distribution; exact discretisation with
    ``a = exp(-dt / tau_c)``.

    Parameters
    ----------
    steps, J : int
        Number of steps and channels.
    dt, tau_c : float
        Step and correlation time (s).
    amplitude : float
    seed : int, sequence or numpy Generator, optional

    Returns
    -------
    ndarray, shape (steps, J)

    Examples
    --------
    >>> from graphbal.dynamics.targets import ou_input
    >>> c = ou_input(200_000, 1, amplitude=3.0, seed=0)
    >>> c.shape, bool(abs(c.std() - 3.0) < 0.3)
    ((200000, 1), True)
    """
    from scipy.signal import lfilter

    rng = np.random.default_rng(seed)
    a = np.exp(-dt / tau_c)
    xi = rng.standard_normal((steps, J)) * np.sqrt(1 - a * a)
    z0 = rng.standard_normal(J)
    # z_t = a z_{t-1} + xi_t, started in the stationary distribution
    z = lfilter([1.0], [1.0, -a], xi, axis=0, zi=(a * z0)[None, :])[0]
    return amplitude * z
