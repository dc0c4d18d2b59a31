"""Learning the slow weights of a spiking network trial by trial with the local rule (E11, E12), and testing it.

Schedules (spec section 5): hold the error gain k and decay eta over the last
trials. Each trial drives the teacher and the network with a fresh OU command
input; the teacher state carries over between trials.
"""

from __future__ import annotations

import numpy as np
from tqdm import tqdm

from ..errors import GraphbalError
from .spiking import EBN, SpikingRun, run
from .targets import TargetSystem, ou_input

__all__ = ["eta_schedule", "learn", "autonomous"]


def eta_schedule(trials: int, eta: float = 1.0, tail=(0.3, 0.1, 0.03)) -> list[float]:
    """``eta`` for every trial but the last ``len(tail)``, which use ``eta * tail``.

    Examples
    --------
    >>> from graphbal.dynamics.spiking_learn import eta_schedule
    >>> eta_schedule(5)
    [1.0, 1.0, 0.3, 0.1, 0.03]
    """
    if trials < 1:
        raise GraphbalError(f"trials must be >= 1, got {trials}")
    tail = list(tail)[: max(0, trials - 1)]
    return [eta] * (trials - len(tail)) + [eta * t for t in tail]


def learn(ebn: EBN, target: TargetSystem, *, trials: int = 14, trial_seconds: float = 10.0, k: float = 50.0,
          etas=None, amplitude: float = 3.0, tau_c: float = 0.05, dt: float = 1e-4, seed: int = 0,
          progress: bool = True) -> tuple[EBN, list[float]]:
    """Learn the slow weights over ``trials`` trials; returns the trained network and training errors.

    ``etas`` defaults to :func:`eta_schedule` (1, then 0.3, 0.1, 0.03 over the last three trials).
    """
    from .spiking import relative_error

    etas = eta_schedule(trials) if etas is None else list(etas)
    if len(etas) != trials:
        raise GraphbalError(f"etas has {len(etas)} entries for {trials} trials")
    steps = int(round(trial_seconds / dt))
    x0, errors = target.x0, []
    for trial in tqdm(range(trials), desc="EBN learning", disable=not progress, unit="trial"):
        c = ou_input(steps, ebn.J, dt=dt, tau_c=tau_c, amplitude=amplitude, seed=[seed, trial])
        res = run(ebn, target, c, dt=dt, k=k, eta=etas[trial], seed=trial, x0=x0)
        ebn, x0 = ebn.with_slow(res.slow), res.x[-1]
        errors.append(relative_error(res.x, res.xhat))
    return ebn, errors


def autonomous(ebn: EBN, target: TargetSystem, *, seconds: float = 10.0, lock_seconds: float = 1.0,
               k_lock: float = 50.0, dead=None, sigma_V: float = 0.0, seed: int = 0, dt: float = 1e-4) -> SpikingRun:
    """Lock on for ``lock_seconds`` with error feedback (no input), then run with k = c = 0 (spec T3)."""
    lock = run(ebn, target, np.zeros((int(lock_seconds / dt), ebn.J)), dt=dt, k=k_lock, seed=seed)
    return run(ebn, target, np.zeros((int(seconds / dt), ebn.J)), dt=dt, k=0.0, seed=seed + 1,
               state=lock.final_state, teacher=False, dead=dead, sigma_V=sigma_V)
