"""Efficient balanced spiking networks (spike coding networks) that learn dynamics (E1-E13).

Recipe (spec section 12), per Euler step n (dt = 1e-4 s by default):

1. ``e = x - D r``; ``psi = tanh(M r + theta)`` (or ``psi = r``);
2. ``V += dt (-lam V + F c_n + Omega_s psi + k F e) + sigma_V sqrt(dt) xi_n``; dead neurons held at 0;
3. at most one spike: the live neuron with the largest relative margin ``(V_i - T_i)/T_i > 0``
   fires: ``V += Omega_f[:, i] s_i``, ``r_i += s_i`` (spike size s = 1, unit jumps);
4. learning ``Omega_s += eta dt outer(F e, psi)`` (E11);
5. ``r -= lam dt r``; ``x += dt (f(x) + c_n)``.

Thresholds ``T_i = (|D_i|^2 + mu + nu)/2`` (E4), fast weights
``Omega_f = -(D^T D + mu I)`` (E5), feedforward ``F = D^T``. Separate seeded
streams for the decoder, basis, noise and neuron death; noise is drawn outside
the step kernel. Pure numpy, float64.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
from tqdm import tqdm

from ..errors import GraphbalError
from .targets import TargetSystem

__all__ = ["EBN", "make_ebn", "linear_slow_weights", "SpikingRun", "run", "relative_error"]


@dataclasses.dataclass(frozen=True, eq=False)
class EBN:
    """A spike coding network; see the module docstring for the symbols (spec section 0)."""

    D: np.ndarray  # J x N decoder (readout)
    F: np.ndarray  # N x J feedforward / error-feedback weights (D^T unless transformed)
    thresholds: np.ndarray  # N
    fast: np.ndarray  # N x N
    slow: np.ndarray  # N x N_b (N x N when psi = r)
    M: np.ndarray | None = None  # N_b x N basis weights (None: psi = r)
    theta: np.ndarray | None = None  # N_b
    spike_size: np.ndarray | None = None  # N (ones by default)
    lam: float = 10.0
    mu: float = 1e-6
    nu: float = 0.0

    @property
    def N(self) -> int:
        return self.D.shape[1]

    @property
    def J(self) -> int:
        return self.D.shape[0]

    def with_slow(self, slow: np.ndarray) -> EBN:
        """The same network with other slow weights."""
        slow = np.asarray(slow, dtype=np.float64)
        if slow.shape != self.slow.shape:
            raise GraphbalError(f"slow weights have shape {slow.shape}, expected {self.slow.shape}")
        return dataclasses.replace(self, slow=slow)


def make_ebn(N: int, J: int, *, lam: float = 10.0, mu: float = 1e-6, nu: float = 0.0, decoder_norm: float = 0.1,
             n_basis: int | None = None, basis_gain_var: float = 4.0, seed: int = 0) -> EBN:
    """Build an EBN with random-direction decoders of norm ``decoder_norm`` (E4, E5, E8).

    ``n_basis=None`` gives ``psi = r`` (linear variant); otherwise a tanh basis
    on the readout, ``M = G D`` with ``G ~ N(0, basis_gain_var)``,
    ``theta ~ U(-1.5, 1.5)`` (spec E8 default).

    Examples
    --------
    >>> from graphbal.dynamics.spiking import make_ebn
    >>> net = make_ebn(10, 2)
    >>> net.thresholds.round(5)[:2]   # (|D_i|^2 + mu + nu) / 2
    array([0.005, 0.005])
    """
    if N < 1 or J < 1:
        raise GraphbalError("need N >= 1 neurons and J >= 1 dimensions")
    if lam <= 0 or mu < 0 or nu < 0 or decoder_norm <= 0:
        raise GraphbalError("need lam > 0, mu >= 0, nu >= 0, decoder_norm > 0")
    rng_d = np.random.default_rng([seed, 1])
    D = rng_d.standard_normal((J, N))
    D *= decoder_norm / np.linalg.norm(D, axis=0)
    T = (np.sum(D**2, axis=0) + mu + nu) / 2
    fast = -(D.T @ D + mu * np.eye(N))
    M = theta = None
    nb = N
    if n_basis is not None:
        rng_b = np.random.default_rng([seed, 2])
        G = rng_b.normal(0.0, np.sqrt(basis_gain_var), (n_basis, J))
        M = G @ D
        theta = rng_b.uniform(-1.5, 1.5, n_basis)
        nb = n_basis
    return EBN(D=D, F=D.T.copy(), thresholds=T, fast=fast, slow=np.zeros((N, nb)), M=M, theta=theta, lam=lam, mu=mu,
               nu=nu)


def linear_slow_weights(ebn: EBN, A) -> np.ndarray:
    """Closed-form slow weights ``Omega_s* = D^T (A + lam I) D`` for ``f(x) = A x`` and ``psi = r`` (E10)."""
    if ebn.M is not None:
        raise GraphbalError("the closed form needs psi = r (build the network with n_basis=None)")
    A = np.asarray(A, dtype=np.float64)
    if A.shape != (ebn.J, ebn.J):
        raise GraphbalError(f"A has shape {A.shape}, expected ({ebn.J}, {ebn.J})")
    return ebn.D.T @ (A + ebn.lam * np.eye(ebn.J)) @ ebn.D


@dataclasses.dataclass(frozen=True, eq=False)
class SpikingRun:
    """Recorded run: ``x`` teacher and ``xhat`` readout (steps x J, every ``record_every`` step), spikes as
    flat arrays ``spike_neuron``, ``spike_step``; final ``slow`` weights; ``rates`` (Hz) per neuron."""

    x: np.ndarray
    xhat: np.ndarray
    spike_neuron: np.ndarray
    spike_step: np.ndarray
    slow: np.ndarray
    rates: np.ndarray
    dt: float
    record_every: int
    currents: dict | None = None
    final_state: tuple | None = None  # (V, r, x) at the end, to continue a run


def relative_error(x: np.ndarray, xhat: np.ndarray) -> float:
    """``sum_j var(x_j - xhat_j) / sum_j var(x_j)`` (spec section 8)."""
    return float(np.sum(np.var(x - xhat, axis=0)) / np.sum(np.var(x, axis=0)))


def run(ebn: EBN, target: TargetSystem, inputs, *, dt: float = 1e-4, k: float = 0.0, eta: float = 0.0,
        sigma_V: float = 0.0, dead=None, x0=None, seed: int = 0, record_every: int = 10, progress: bool = False,
        record_currents: bool = False, teacher: bool = True, state: tuple | None = None,
        spikes: str = "one") -> SpikingRun:
    """Simulate ``ebn`` alongside ``target`` driven by ``inputs`` (steps x J), optionally learning (E8, E11).

    Parameters
    ----------
    k : float
        Error-feedback gain (s^-1); 0 runs the network autonomously.
    eta : float
        Learning rate of the slow weights (0: no learning).
    sigma_V : float
        Voltage noise density (V += sigma_V sqrt(dt) xi), per neuron; may be an array (N,).
    dead : array of int or bool mask, optional
        Silenced neurons (V = r = 0, never selected).
    record_currents : bool
        Also record excitatory and inhibitory input currents per neuron (E15), averaged between recordings.
    teacher : bool
        Integrate the teacher alongside (needed for k > 0, learning and errors).
    state : (V, r, x), optional
        Continue from a previous run's ``final_state`` (default: V = r = 0, x = x0).
    spikes : {"one", "sequential"}
        At most one spike per step (default, E13), or fire the winner, apply
        its fast column, recompute and repeat until no neuron is above
        threshold (capped at 4N spikes per step, with a warning).

    Warns
    -----
    UserWarning
        If ``dt > 1e-4`` s (the greedy spike rule needs dt <= 0.1 ms, E13).
    """
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
        warnings.warn(f"dt = {dt:g} s is above 0.1 ms: the one-spike-per-step greedy rule loosens (E13)",
                      UserWarning, stacklevel=2)
    N, steps = ebn.N, c.shape[0]
    s = np.ones(N) if ebn.spike_size is None else ebn.spike_size
    live = np.ones(N, dtype=bool)
    if dead is not None:
        dead = np.asarray(dead)
        live[dead] = False
    sig = np.broadcast_to(np.asarray(sigma_V, dtype=np.float64), (N,))
    noise_rng = np.random.default_rng([seed, 3])
    V, r = np.zeros(N), np.zeros(N)
    x = (target.x0 if x0 is None else np.asarray(x0, float)).copy()
    if state is not None:
        V, r, x = (np.array(a, dtype=np.float64) for a in state)
    slow = ebn.slow.copy()
    F, D, T, fast, lam = ebn.F, ebn.D, ebn.thresholds, ebn.fast, ebn.lam
    learn, feedback = eta != 0, k != 0
    nrec = steps // record_every
    X, Xh = np.empty((nrec, ebn.J)), np.empty((nrec, ebn.J))
    cur = {"E": np.zeros((nrec, N)), "I": np.zeros((nrec, N))} if record_currents else None
    accE, accI = np.zeros(N), np.zeros(N)
    offdiag_fast = fast - np.diag(np.diag(fast))
    spk_n, spk_t = [], []
    chunk = 10_000
    sq = np.sqrt(dt)
    cap = 1 if spikes == "one" else 4 * N
    capped = spikes == "one"  # the one-spike rule never warns
    for start in tqdm(range(0, steps, chunk), disable=not progress, desc="EBN", unit="chunk"):
        xi = noise_rng.standard_normal((min(chunk, steps - start), N)) * (sig * sq) if sig.any() else None
        for n in range(start, min(start + chunk, steps)):
            e = x - D @ r if (learn or feedback or record_currents) else None
            psi = r if ebn.M is None else np.tanh(ebn.M @ r + ebn.theta)
            ff = F @ c[n]
            sl = slow @ psi
            dV = -lam * V + ff + sl
            if feedback:
                fb = k * (F @ e)
                dV += fb
            V += dt * dV
            if xi is not None:
                V += xi[n - start]
            V[~live] = 0.0
            for _ in range(cap):
                margin = (V - T) / T
                margin[~live] = -np.inf
                i = int(np.argmax(margin))
                if margin[i] <= 0:
                    break
                V += fast[:, i] * s[i]
                r[i] += s[i]
                spk_n.append(i)
                spk_t.append(n)
                if cur is not None:  # a spike of i is an impulse of size Omega_f[:, i] s_i on the others
                    kick = offdiag_fast[:, i] * (s[i] / dt)
                    accE += np.clip(kick, 0, None)
                    accI += np.clip(kick, None, 0)
            else:
                if spikes == "sequential" and not capped:
                    warnings.warn(f"sequential spiking hit the cap of {cap} spikes in one step (step {n})",
                                  UserWarning, stacklevel=2)
                    capped = True
            if cur is not None:
                accE += np.clip(ff, 0, None) + np.clip(sl, 0, None)
                accI += np.clip(ff, None, 0) + np.clip(sl, None, 0)
                if feedback:
                    accE += np.clip(fb, 0, None)
                    accI += np.clip(fb, None, 0)
            if learn:
                slow += (eta * dt) * np.outer(F @ e, psi)
            r -= lam * dt * r
            r[~live] = 0.0
            if teacher:
                x = x + dt * (target.f(x) + c[n])
            if (n + 1) % record_every == 0 and (n + 1) // record_every <= nrec:
                j = (n + 1) // record_every - 1
                X[j], Xh[j] = x, D @ r
                if cur is not None:  # mean currents over the recording interval
                    cur["E"][j], cur["I"][j] = accE / record_every, accI / record_every
                    accE[:], accI[:] = 0.0, 0.0
    spk_n, spk_t = np.asarray(spk_n, dtype=np.int64), np.asarray(spk_t, dtype=np.int64)
    rates = np.bincount(spk_n, minlength=N) / (steps * dt)
    return SpikingRun(x=X, xhat=Xh, spike_neuron=spk_n, spike_step=spk_t, slow=slow, rates=rates, dt=dt,
                      record_every=record_every, currents=cur, final_state=(V.copy(), r.copy(), x.copy()))
