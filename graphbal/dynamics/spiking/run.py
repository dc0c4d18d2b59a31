"""Simulating a spike coding network alongside its teacher, optionally learning the slow weights.

Per Euler step n (``dt = 1e-4`` s by default; docs/dynamics.rst, 'Simulation'):

1. error ``e = x - D r``; basis ``psi = tanh(M r + theta)`` (or ``psi = r``);
2. ``V += dt (-lam V + F c_n + Omega_s psi + k F e) + sigma_V sqrt(dt) xi_n``; dead neurons held at 0;
3. spikes: the live neuron with the largest relative margin ``(V_i - T_i) / T_i > 0``
   fires, ``V += Omega_f[:, i] s_i`` and ``r_i += s_i`` (docs/dynamics.rst, 'Spike resolution');
4. learning ``Omega_s += eta dt outer(F e, psi)`` with the local rule of Alemi et al. (2018);
5. leak ``r -= lam dt r``; teacher ``x += dt (f(x) + c_n)``.

The noise has its own seeded stream and is drawn in chunks outside the step.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
from tqdm import tqdm

from ...errors import GraphbalError
from ..targets import TargetSystem
from .model import EBN

__all__ = ["SpikingRun", "run", "relative_error"]

_CHUNK = 10_000  # steps of noise drawn at once


@dataclasses.dataclass(frozen=True, eq=False)
class SpikingRun:
    """A recorded run.

    Attributes
    ----------
    x, xhat : ndarray, shape (steps // record_every, J)
        Teacher state and readout ``D r`` at every ``record_every``-th step.
    spike_neuron, spike_step : ndarray of int64
        The spikes as flat arrays (neuron, step), in firing order.
    slow : ndarray
        Slow weights at the end (learned if ``eta != 0``).
    rates : ndarray, shape (N,)
        Firing rate of each neuron (Hz).
    dt : float
    record_every : int
    currents : dict, optional
        ``"E"`` and ``"I"``: excitatory and inhibitory input currents per neuron,
        averaged between recordings (with ``record_currents=True``).
    final_state : tuple
        ``(V, r, x)`` at the end, to continue a run.

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal.dynamics.spiking import make_ebn, run
    >>> from graphbal.dynamics.targets import damped_oscillator
    >>> res = run(make_ebn(4, 2), damped_oscillator(), np.zeros((100, 2)))
    >>> res.x.shape, res.spike_neuron.size   # at rest: nothing to encode, no spikes
    ((10, 2), 0)
    """

    x: np.ndarray
    xhat: np.ndarray
    spike_neuron: np.ndarray
    spike_step: np.ndarray
    slow: np.ndarray
    rates: np.ndarray
    dt: float
    record_every: int
    currents: dict | None = None
    final_state: tuple | None = None


def relative_error(x: np.ndarray, xhat: np.ndarray) -> float:
    """Relative coding error ``sum_j var(x_j - xhat_j) / sum_j var(x_j)``.

    Parameters
    ----------
    x, xhat : ndarray, shape (steps, J)
        Teacher and readout.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal.dynamics.spiking import relative_error
    >>> x = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> relative_error(x, 0.5 * x)   # var(x / 2) / var(x)
    0.25
    """
    return float(np.sum(np.var(x - xhat, axis=0)) / np.sum(np.var(x, axis=0)))


def _check_run(ebn: EBN, target, inputs, dt: float, spikes: str) -> np.ndarray:
    """Validate the arguments of :func:`run`, warn about a large ``dt``; return the inputs as float64."""
    if not isinstance(target, TargetSystem):
        raise GraphbalError("target must be a TargetSystem (wrap your f(x) with TargetSystem(f, J, x0))")
    if target.J != ebn.J:
        raise GraphbalError(f"the target has dimension {target.J}, the network decodes {ebn.J}")
    c = np.asarray(inputs, dtype=np.float64)
    if c.ndim != 2 or c.shape[1] != ebn.J:
        raise GraphbalError(f"inputs must have shape (steps, {ebn.J}), got {c.shape}")
    if not np.isfinite(c).all():
        raise GraphbalError("inputs contain NaN or infinite values")
    if dt <= 0:
        raise GraphbalError(f"dt must be > 0, got {dt}")
    if spikes not in ("one", "sequential"):
        raise GraphbalError(f"spikes must be 'one' or 'sequential', got {spikes!r}")
    if dt > 1e-4 * (1 + 1e-9):
        warnings.warn(
            f"dt = {dt:g} s is above 0.1 ms: the one-spike-per-step greedy rule loosens (use dt <= 1e-4)",
            UserWarning,
            stacklevel=3,
        )
    return c


@dataclasses.dataclass(frozen=True, eq=False)
class _Settings:
    """The constants of one run."""

    ebn: EBN
    target: TargetSystem
    dt: float
    k: float
    eta: float
    dead: np.ndarray  # bool mask of silenced neurons
    s: np.ndarray  # spike sizes
    cap: int  # most spikes per step
    spikes: str
    teacher: bool

    @property
    def learn(self) -> bool:
        return self.eta != 0

    @property
    def feedback(self) -> bool:
        return self.k != 0


class _Recorder:
    """Readout, teacher and (optionally) E/I currents, sampled every ``record_every`` steps."""

    def __init__(self, ebn: EBN, steps: int, record_every: int, dt: float, currents: bool):
        N, self.every, self.dt = ebn.N, record_every, dt
        self.nrec = steps // record_every
        self.X, self.Xh = np.empty((self.nrec, ebn.J)), np.empty((self.nrec, ebn.J))
        self.cur = {"E": np.zeros((self.nrec, N)), "I": np.zeros((self.nrec, N))} if currents else None
        self.accE, self.accI = np.zeros(N), np.zeros(N)
        self.offdiag_fast = ebn.fast - np.diag(np.diag(ebn.fast))

    def spike(self, i: int, size: float) -> None:
        """A spike of i is an impulse of size ``Omega_f[:, i] s_i`` on the other neurons."""
        kick = self.offdiag_fast[:, i] * (size / self.dt)
        self.accE += np.clip(kick, 0, None)
        self.accI += np.clip(kick, None, 0)

    def synaptic(self, ff: np.ndarray, sl: np.ndarray, fb: np.ndarray | None) -> None:
        """Split the feedforward, slow and feedback currents by sign."""
        self.accE += np.clip(ff, 0, None) + np.clip(sl, 0, None)
        self.accI += np.clip(ff, None, 0) + np.clip(sl, None, 0)
        if fb is not None:
            self.accE += np.clip(fb, 0, None)
            self.accI += np.clip(fb, None, 0)

    def sample(self, n: int, x: np.ndarray, xhat: np.ndarray) -> None:
        """Store step ``n`` (its end) as one record; currents are means over the interval."""
        j = (n + 1) // self.every - 1
        self.X[j], self.Xh[j] = x, xhat
        if self.cur is not None:
            self.cur["E"][j], self.cur["I"][j] = self.accE / self.every, self.accI / self.every
            self.accE[:], self.accI[:] = 0.0, 0.0

    def due(self, n: int) -> bool:
        return (n + 1) % self.every == 0 and (n + 1) // self.every <= self.nrec


class _Simulation:
    """The mutable state of one run (voltages, filtered spikes, teacher, slow weights) and its step."""

    def __init__(self, cfg: _Settings, rec: _Recorder, V, r, x):
        self.cfg, self.rec = cfg, rec
        self.V, self.r, self.x = V, r, x
        self.slow = cfg.ebn.slow.copy()
        self.spk_n: list[int] = []
        self.spk_t: list[int] = []
        self.capped = cfg.spikes == "one"  # the one-spike rule never warns

    def step(self, n: int, c_n: np.ndarray, xi_n: np.ndarray | None) -> None:
        """Advance by one Euler step (voltages, spikes, learning, leak, teacher, recording)."""
        cfg, ebn, rec = self.cfg, self.cfg.ebn, self.rec
        e = self.x - ebn.D @ self.r if (cfg.learn or cfg.feedback) else None
        psi = self.r if ebn.M is None else np.tanh(ebn.M @ self.r + ebn.theta)
        ff = ebn.F @ c_n
        sl = self.slow @ psi
        dV = -ebn.lam * self.V + ff + sl
        fb = None
        if cfg.feedback:
            fb = cfg.k * (ebn.F @ e)
            dV += fb
        self.V += cfg.dt * dV
        if xi_n is not None:
            self.V += xi_n
        self.V[cfg.dead] = 0.0
        self._resolve_spikes(n)
        if rec.cur is not None:
            rec.synaptic(ff, sl, fb)
        if cfg.learn:
            self.slow += (cfg.eta * cfg.dt) * np.outer(ebn.F @ e, psi)
        self.r -= ebn.lam * cfg.dt * self.r
        self.r[cfg.dead] = 0.0
        if cfg.teacher:
            self.x = self.x + cfg.dt * (cfg.target.f(self.x) + c_n)
        if rec.due(n):
            rec.sample(n, self.x, ebn.D @ self.r)

    def _resolve_spikes(self, n: int) -> None:
        """Fire the live neuron with the largest relative margin above threshold, up to ``cap`` times."""
        cfg, ebn = self.cfg, self.cfg.ebn
        T = ebn.thresholds
        for _ in range(cfg.cap):
            margin = (self.V - T) / T
            margin[cfg.dead] = -np.inf
            i = int(np.argmax(margin))
            if margin[i] <= 0:
                return
            self.V += ebn.fast[:, i] * cfg.s[i]
            self.r[i] += cfg.s[i]
            self.spk_n.append(i)
            self.spk_t.append(n)
            if self.rec.cur is not None:
                self.rec.spike(i, cfg.s[i])
        if not self.capped:
            warnings.warn(
                f"sequential spiking hit the cap of {cfg.cap} spikes in one step (step {n})",
                UserWarning,
                stacklevel=4,  # the caller of run()
            )
            self.capped = True

    def result(self, steps: int) -> SpikingRun:
        """Assemble the :class:`SpikingRun`."""
        spk_n, spk_t = np.asarray(self.spk_n, dtype=np.int64), np.asarray(self.spk_t, dtype=np.int64)
        return SpikingRun(
            x=self.rec.X,
            xhat=self.rec.Xh,
            spike_neuron=spk_n,
            spike_step=spk_t,
            slow=self.slow,
            rates=np.bincount(spk_n, minlength=self.cfg.ebn.N) / (steps * self.cfg.dt),
            dt=self.cfg.dt,
            record_every=self.rec.every,
            currents=self.rec.cur,
            final_state=(self.V.copy(), self.r.copy(), self.x.copy()),
        )


def _initial_state(ebn: EBN, target: TargetSystem, x0, state) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(V, r, x)``: rest and the teacher's (or the given) ``x0``, or a previous run's final state."""
    if state is not None:
        V, r, x = (np.array(a, dtype=np.float64) for a in state)
        return V, r, x
    x = (target.x0 if x0 is None else np.asarray(x0, float)).copy()
    return np.zeros(ebn.N), np.zeros(ebn.N), x


def _dead_mask(N: int, dead) -> np.ndarray:
    """Boolean mask of silenced neurons from indices or a mask."""
    live = np.ones(N, dtype=bool)
    if dead is not None:
        live[np.asarray(dead)] = False
    return ~live


def _noise_chunks(sigma_V, N: int, steps: int, dt: float, seed: int):
    """Yield ``(start, stop, xi)`` per chunk of steps; ``xi`` (stop - start, N) is ``None`` without noise."""
    sig = np.broadcast_to(np.asarray(sigma_V, dtype=np.float64), (N,))
    rng = np.random.default_rng([seed, 3])
    sq = np.sqrt(dt)
    for start in range(0, steps, _CHUNK):
        stop = min(start + _CHUNK, steps)
        yield start, stop, (rng.standard_normal((stop - start, N)) * (sig * sq) if sig.any() else None)


def run(
    ebn: EBN,
    target: TargetSystem,
    inputs,
    *,
    dt: float = 1e-4,
    k: float = 0.0,
    eta: float = 0.0,
    sigma_V: float = 0.0,
    dead=None,
    x0=None,
    seed: int = 0,
    record_every: int = 10,
    progress: bool = False,
    record_currents: bool = False,
    teacher: bool = True,
    state: tuple | None = None,
    spikes: str = "one",
) -> SpikingRun:
    """Simulate ``ebn`` alongside ``target`` driven by ``inputs``, optionally learning the slow weights.

    The voltages follow ``dV/dt = -lam V + F c + Omega_s psi + k F (x - D r) + sigma_V xi``
    between spikes (see the module docstring for the step and
    docs/dynamics.rst, 'Simulation').

    Parameters
    ----------
    ebn : EBN
    target : TargetSystem
        The teacher ``dx/dt = f(x) + c``.
    inputs : array_like, shape (steps, J)
        Command input ``c``, one row per Euler step.
    dt : float
        Euler step (s).
    k : float
        Error-feedback gain (1/s); 0 runs the network autonomously.
    eta : float
        Learning rate of the slow weights (0: no learning).
    sigma_V : float or array_like, shape (N,)
        Voltage noise density (``V += sigma_V sqrt(dt) xi``), per neuron.
    dead : array of int or bool mask, optional
        Silenced neurons (V = r = 0, never selected to fire).
    x0 : array_like, optional
        Initial teacher state (default ``target.x0``).
    seed : int
        Seed of the voltage-noise stream.
    record_every : int
        Record ``x``, ``xhat`` (and currents) every this many steps.
    progress : bool
        Show a progress bar.
    record_currents : bool
        Also record excitatory and inhibitory input currents per neuron
        (docs/dynamics.rst, 'E/I balance'), averaged between recordings.
    teacher : bool
        Integrate the teacher alongside (needed for k > 0, learning and errors).
    state : (V, r, x), optional
        Continue from a previous run's ``final_state`` (default: V = r = 0, x = x0).
    spikes : {"one", "sequential"}
        At most one spike per step (default), or fire the winner, apply
        its fast column, recompute and repeat until no neuron is above
        threshold (capped at 4N spikes per step, with a warning); see
        docs/dynamics.rst, 'Spike resolution'.

    Returns
    -------
    SpikingRun

    Warns
    -----
    UserWarning
        If ``dt > 1e-4`` s (the greedy spike rule needs dt <= 0.1 ms), or
        when sequential spiking hits its cap (once per run).

    Examples
    --------
    >>> from graphbal.dynamics.spiking import linear_slow_weights, make_ebn, relative_error, run
    >>> from graphbal.dynamics.targets import damped_oscillator, ou_input
    >>> target = damped_oscillator()
    >>> net = make_ebn(20, 2, seed=0)
    >>> net = net.with_slow(linear_slow_weights(net, target.A))
    >>> res = run(net, target, ou_input(5000, 2, amplitude=30, seed=1))
    >>> relative_error(res.x, res.xhat) < 0.05   # the readout follows the teacher
    True
    """
    c = _check_run(ebn, target, inputs, dt, spikes)
    steps = c.shape[0]
    cfg = _Settings(
        ebn=ebn,
        target=target,
        dt=dt,
        k=k,
        eta=eta,
        dead=_dead_mask(ebn.N, dead),
        s=np.ones(ebn.N) if ebn.spike_size is None else ebn.spike_size,
        cap=1 if spikes == "one" else 4 * ebn.N,
        spikes=spikes,
        teacher=teacher,
    )
    sim = _Simulation(
        cfg, _Recorder(ebn, steps, record_every, dt, record_currents), *_initial_state(ebn, target, x0, state)
    )
    chunks = _noise_chunks(sigma_V, ebn.N, steps, dt, seed)
    total = -(-steps // _CHUNK)
    for start, stop, xi in tqdm(chunks, total=total, disable=not progress, desc="EBN", unit="chunk"):
        for n in range(start, stop):
            sim.step(n, c[n], None if xi is None else xi[n - start])
    return sim.result(steps)
