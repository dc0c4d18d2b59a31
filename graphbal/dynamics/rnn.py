"""Rate RNN simulation with Euler-Maruyama noise, batched in numpy (Stock et al. 2022, Eq. 1).

Current form (default, the authors' convention): ``tau dx/dt = -x + W phi(x) + U u(t) + b``,
readout ``y = V x``. Rate form: ``tau dx/dt = -x + phi(W x + U u + b)``.
Noise: ``x <- x + (dt/tau) f(x) + sigma sqrt(dt) xi`` with ``xi ~ N(0, I)`` per
neuron and step; ``x(0) = 0``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from ..errors import GraphbalError

__all__ = ["Phi", "get_phi", "SimulationResult", "simulate", "HOMOGENEOUS", "NON_HOMOGENEOUS"]

HOMOGENEOUS = ("relu", "linear", "leaky_relu")
NON_HOMOGENEOUS = ("tanh", "sigmoid", "softplus", "elu", "gelu")


@dataclasses.dataclass(frozen=True)
class Phi:
    """An elementwise nonlinearity with its derivative; ``homogeneous`` iff phi(a z) = a phi(z) for a > 0.

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal.dynamics import Phi, get_phi
    >>> cube = Phi("cube", lambda z: z**3, lambda z: 3 * z**2, False)
    >>> get_phi(cube, require_homogeneous=False).df(np.array([2.0]))
    array([12.])
    """

    name: str
    f: Callable
    df: Callable
    homogeneous: bool


def get_phi(phi, *, require_homogeneous: bool = True) -> Phi:
    """Resolve ``phi``: "relu", "linear", ("leaky_relu", slope), "tanh", "sigmoid", ... or a :class:`Phi`.

    Raises
    ------
    GraphbalError
        For a non-homogeneous nonlinearity when ``require_homogeneous``: the
        task-preserving transform (Stock et al. 2022, Eq. 4) needs phi(a z) = a phi(z) for a > 0,
        so it would change the network's function.

    Examples
    --------
    >>> from graphbal.dynamics.rnn import get_phi
    >>> float(get_phi(("leaky_relu", 0.1)).f(-2.0))
    -0.2
    """
    if isinstance(phi, Phi):
        out = phi
    elif isinstance(phi, tuple) and len(phi) == 2 and phi[0] == "leaky_relu":
        slope = float(phi[1])
        out = Phi(
            f"leaky_relu({slope:g})",
            lambda z: np.where(z > 0, z, slope * z),
            lambda z: np.where(z > 0, 1.0, slope),
            True,
        )
    elif phi == "relu":
        out = Phi("relu", lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float), True)
    elif phi == "linear":
        out = Phi("linear", lambda z: z, lambda z: np.ones_like(z), True)
    elif phi == "leaky_relu":
        return get_phi(("leaky_relu", 0.01), require_homogeneous=require_homogeneous)
    elif phi == "tanh":
        out = Phi("tanh", np.tanh, lambda z: 1.0 - np.tanh(z) ** 2, False)
    elif phi == "sigmoid":
        out = Phi("sigmoid", lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2, False)
    elif phi in ("softplus", "elu", "gelu"):
        raise GraphbalError(f"phi={phi!r} is not positively homogeneous and not built in; pass a Phi object")
    else:
        raise GraphbalError(f"unknown nonlinearity {phi!r}; use 'relu', 'linear', ('leaky_relu', slope) or a Phi")
    if require_homogeneous and not out.homogeneous:
        raise GraphbalError(
            f"phi={out.name!r} is not positively homogeneous (phi(a z) != a phi(z) for a > 0): the "
            "task-preserving transform and balancing would change the network's function. Use "
            "relu, leaky_relu or linear, or pass allow_nonhomogeneous=True to simulate anyway."
        )
    return out


@dataclasses.dataclass(frozen=True, eq=False)
class SimulationResult:
    """States and outputs, first axis time: ``states[t]`` is x after input step t (x(0) = 0 not stored).

    ``states`` has shape (T, [batch,] n), ``outputs`` (T, [batch,] k) (``None`` without V).

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> res = graphbal.dynamics.simulate(graphbal.Network(np.zeros((3, 3))), np.zeros((4, 0)))
    >>> res.states.shape, res.outputs is None
    ((4, 3), True)
    """

    states: np.ndarray
    outputs: np.ndarray | None
    dt: float
    substeps: int


def _check_inputs(net, inputs) -> tuple[np.ndarray, bool]:
    u = np.asarray(inputs, dtype=np.float64)
    m = net.n_inputs
    if u.ndim not in (2, 3):
        raise GraphbalError(f"inputs must have shape (T, m) or (T, batch, m), got {u.shape}")
    if u.shape[-1] != m:
        raise GraphbalError(f"inputs have {u.shape[-1]} channels, the network has {m} inputs (U is {net.n}x{m})")
    if not np.isfinite(u).all():
        raise GraphbalError("inputs contain NaN or infinite values")
    return (u[:, None, :], False) if u.ndim == 2 else (u, True)


def _check_settings(dt: float, tau: float, noise: float, form: str, readout: str, substeps: int) -> None:
    """Validate the scalar settings of :func:`simulate`."""
    if not (np.isfinite(dt) and dt > 0):
        raise GraphbalError(f"dt must be > 0, got {dt}")
    if not (np.isfinite(tau) and tau > 0):
        raise GraphbalError(f"tau must be > 0, got {tau}")
    if not (np.isfinite(noise) and noise >= 0):
        raise GraphbalError(f"noise must be >= 0, got {noise}")
    if form not in ("current", "rate") or readout not in ("x", "phi"):
        raise GraphbalError("form must be 'current' or 'rate' and readout 'x' or 'phi'")
    if int(substeps) < 1:
        raise GraphbalError(f"substeps must be >= 1, got {substeps}")


def _euler(
    net, u: np.ndarray, x: np.ndarray, act: Phi, rng, *, a: float, noise: float, sq: float, substeps: int, form: str
) -> np.ndarray:
    """Euler-Maruyama steps from state ``x`` (batch, n); returns the states (T, batch, n) at each input step's end.

    ``a = dt / tau`` and ``sq = noise sqrt(dt)``; the input ``u[t]`` is held for ``substeps`` steps.
    """
    T, B, _ = u.shape
    n = net.n
    W = net.W
    U = np.zeros((n, 0)) if net.U is None else net.U
    b = np.zeros(n) if net.b is None else net.b
    states = np.empty((T, B, n))
    for t in range(T):
        drive = u[t] @ U.T + b
        for _ in range(substeps):
            if form == "current":
                rec = (W @ act.f(x).T).T
                x = x + a * (-x + rec + drive)
            else:
                x = x + a * (-x + act.f((W @ x.T).T + drive))
            if noise > 0:
                x = x + sq * rng.standard_normal((B, n))
        states[t] = x
    return states


def simulate(
    net,
    inputs,
    *,
    dt: float = 0.1,
    tau: float = 1.0,
    phi="relu",
    noise: float = 0.0,
    seed=None,
    substeps: int = 1,
    form: str = "current",
    readout: str = "x",
    x0=None,
    allow_nonhomogeneous: bool = False,
) -> SimulationResult:
    """Simulate the rate network ``net`` on ``inputs`` (Euler-Maruyama; Stock et al. 2022, Eq. 1).

    Parameters
    ----------
    net : Network
        Needs ``U`` matching the input channels (a network without inputs
        takes inputs of shape (T, 0)).
    inputs : array_like, shape (T, m) or (T, batch, m)
        Input per step, held for ``substeps`` Euler steps.
    dt : float
        Euler step.
    tau : float
        Time constant, > 0.
    phi : str, tuple or Phi
        "relu" (default), "linear", ("leaky_relu", slope); non-homogeneous
        ones raise unless ``allow_nonhomogeneous``.
    noise : float
        sigma >= 0 of the additive noise ``sigma sqrt(dt) xi`` per Euler step.
    seed : int or numpy Generator, optional
    substeps : int
        Euler steps per input step; states/outputs are recorded at the end of each input step.
    form : {"current", "rate"}
    readout : {"x", "phi"}
        ``y = V x`` (default, the authors' convention) or ``y = V phi(x)``.
    x0 : array_like, optional
        Initial state (default 0).

    Returns
    -------
    SimulationResult

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> net = graphbal.Network(np.zeros((1, 1)), U=[[1.0]], V=[[2.0]])
    >>> res = graphbal.dynamics.simulate(net, np.ones((3, 1)), dt=0.5)
    >>> res.outputs[:, 0].round(4)   # x <- x + 0.5 (1 - x), y = 2 x
    array([1.  , 1.5 , 1.75])
    """
    _check_settings(dt, tau, noise, form, readout, substeps)
    act = get_phi(phi, require_homogeneous=not allow_nonhomogeneous)
    if net.U is None and net.n_inputs == 0:
        inputs = np.zeros(np.shape(inputs)[:-1] + (0,)) if np.ndim(inputs) in (2, 3) else inputs
    u, batched = _check_inputs(net, inputs)
    B, n = u.shape[1], net.n
    x = np.zeros((B, n)) if x0 is None else np.broadcast_to(np.asarray(x0, float), (B, n)).copy()
    rng = np.random.default_rng(seed)
    states = _euler(
        net, u, x, act, rng, a=dt / tau, noise=noise, sq=noise * np.sqrt(dt), substeps=int(substeps), form=form
    )
    out = None
    if net.V is not None:
        r = states if readout == "x" else act.f(states)
        out = r @ net.V.T
    if not batched:
        states = states[:, 0]
        out = None if out is None else out[:, 0]
    return SimulationResult(states=states, outputs=out, dt=dt, substeps=int(substeps))
