"""Learning the slow weights of a spiking network trial by trial with the local rule, and testing it.

The rule of Alemi, Machens, Denève & Slotine (2018) changes ``Omega_s`` by
``eta dt outer(F e, psi)`` per step, from the error fed back to each neuron and
the presynaptic basis activity. Schedule: hold the error gain k and decay eta
over the last trials. Each trial drives the teacher and the network with a
fresh Ornstein-Uhlenbeck command input; the teacher state carries over between
trials. See docs/dynamics.rst, 'Learning'.
"""

from __future__ import annotations

import numpy as np
from tqdm import tqdm

from ...errors import GraphbalError
from ..targets import TargetSystem, ou_input
from .model import EBN
from .run import SpikingRun, relative_error, run

__all__ = ["eta_schedule", "learn", "autonomous"]


def eta_schedule(trials: int, eta: float = 1.0, tail=(0.3, 0.1, 0.03)) -> list[float]:
    """Learning rate per trial: ``eta`` for every trial but the last ``len(tail)``, which use ``eta * tail``.

    Parameters
    ----------
    trials : int
        Number of trials, >= 1.
    eta : float
        Learning rate of the early trials.
    tail : sequence of float
        Factors of the last trials (shortened if there are few trials; the first trial always uses ``eta``).

    Returns
    -------
    list of float

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


def learn(
    ebn: EBN,
    target: TargetSystem,
    *,
    trials: int = 14,
    trial_seconds: float = 10.0,
    k: float = 50.0,
    etas=None,
    amplitude: float = 3.0,
    tau_c: float = 0.05,
    dt: float = 1e-4,
    seed: int = 0,
    progress: bool = True,
) -> tuple[EBN, list[float]]:
    """Learn the slow weights over ``trials`` trials with error feedback ``k``.

    Parameters
    ----------
    ebn : EBN
        Starting network (its slow weights are the initial guess, usually 0).
    target : TargetSystem
        The teacher.
    trials : int
    trial_seconds : float
        Duration of every trial (s).
    k : float
        Error-feedback gain (1/s) during training.
    etas : sequence of float, optional
        Learning rate per trial; defaults to :func:`eta_schedule` (1, then 0.3, 0.1, 0.03 over the last three).
    amplitude, tau_c : float
        Amplitude and correlation time (s) of the Ornstein-Uhlenbeck command input.
    dt : float
    seed : int
        Seed of the command inputs (trial t uses ``[seed, t]``; the voltage noise stream of trial t is ``t``).
    progress : bool

    Returns
    -------
    (EBN, list of float)
        The trained network and the relative training error of every trial.

    Examples
    --------
    >>> from graphbal.dynamics.spiking import learn, make_ebn
    >>> from graphbal.dynamics.targets import damped_oscillator
    >>> net, errors = learn(make_ebn(10, 2), damped_oscillator(), trials=2, trial_seconds=0.05, progress=False)
    >>> len(errors), bool(abs(net.slow).sum() > 0)
    (2, True)
    """
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


def autonomous(
    ebn: EBN,
    target: TargetSystem,
    *,
    seconds: float = 10.0,
    lock_seconds: float = 1.0,
    k_lock: float = 50.0,
    dead=None,
    sigma_V: float = 0.0,
    seed: int = 0,
    dt: float = 1e-4,
) -> SpikingRun:
    """Test a trained network on its own: lock on, then run without feedback or input.

    The network first runs ``lock_seconds`` with error feedback ``k_lock`` and
    no input, so that its readout settles onto the teacher's trajectory; then
    it continues from that state for ``seconds`` with k = c = 0 and no teacher.

    Parameters
    ----------
    ebn : EBN
    target : TargetSystem
    seconds, lock_seconds : float
        Durations of the autonomous run and of the lock-on phase (s).
    k_lock : float
        Error-feedback gain of the lock-on phase.
    dead : array of int or bool mask, optional
        Neurons silenced in the autonomous run.
    sigma_V : float or array
        Voltage noise density of the autonomous run.
    seed : int
        Noise seed of the lock-on phase (``seed + 1`` for the autonomous run).
    dt : float

    Returns
    -------
    SpikingRun
        The autonomous run (its ``x`` is the frozen teacher state; use ``xhat``).

    Examples
    --------
    >>> from graphbal.dynamics.spiking import autonomous, linear_slow_weights, make_ebn
    >>> from graphbal.dynamics.targets import damped_oscillator
    >>> target = damped_oscillator()
    >>> net = make_ebn(10, 2)
    >>> net = net.with_slow(linear_slow_weights(net, target.A))
    >>> autonomous(net, target, seconds=0.05, lock_seconds=0.01).xhat.shape
    (50, 2)
    """
    lock = run(ebn, target, np.zeros((int(lock_seconds / dt), ebn.J)), dt=dt, k=k_lock, seed=seed)
    return run(
        ebn,
        target,
        np.zeros((int(seconds / dt), ebn.J)),
        dt=dt,
        k=0.0,
        seed=seed + 1,
        state=lock.final_state,
        teacher=False,
        dead=dead,
        sigma_V=sigma_V,
    )
