"""The discrete local plasticity rule ``h <- h - eta g(h)`` (Stock et al. 2022, Eq. 18; docs/algorithms.rst).


Each neuron uses only its own incoming and outgoing costs. The potentials
are accumulated and the network is transformed once at the end (no drift off
the task-preserving manifold). With the default step
``eta = 1 / (4 p max_k(in_k + out_k))``, recomputed every step, C strictly
decreases unless the network is balanced.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._core.costgraph import CostGraph
from .._core.flows import flows
from ..errors import GraphbalError
from .common import SolverOutput, SolverSpec, record

__all__ = ["solve", "SOLVER"]


def solve(
    cg: CostGraph,
    h0: np.ndarray,
    *,
    tol: float = 1e-10,
    maxiter: int | None = 100_000,
    callback=None,
    eta: float | None = None,
    record_every: int = 1,
) -> SolverOutput:
    """Run the local rule until ``relnode <= tol`` .

    Parameters
    ----------
    cg : CostGraph
    h0 : ndarray
        Initial potentials.
    tol : float
        Target ``relnode``.
    maxiter : int
        Maximum number of steps (default 100 000).
    callback : callable, optional
        ``callback(step, h, record)``.
    eta : float, optional
        Learning rate (in units where costs are the true costs). Default: the
        provably descending step ``1 / (4 p max_k(in_k + out_k))`` each step.
        A user-given eta is used as is; a rise of C is recorded (``"rose"`` in
        the history) and warned about once.
    record_every : int
        Keep every k-th history entry (the last one is always kept).

    Returns
    -------
    SolverOutput
    """
    if eta is not None and not (np.isfinite(eta) and eta > 0):
        raise GraphbalError(f"eta must be a positive number, got {eta}")
    maxiter = 100_000 if maxiter is None else int(maxiter)
    p = cg.p
    h = np.array(h0, dtype=np.float64)
    f = flows(cg, h)
    history = [record(f, rose=False)]
    converged = f.relnode <= tol
    step, warned = 0, False
    while not converged and step < maxiter:
        step += 1
        h_prev = h
        if eta is None:
            h = h - f.g / (4 * p * np.max(f.incoming + f.outgoing))
        else:
            with np.errstate(over="ignore", invalid="ignore"):
                h = h - eta * f.unscaled(f.g)
            if not np.isfinite(h).all():
                warnings.warn(f"local rule diverged at step {step}: eta={eta} is far too large", stacklevel=3)
                h = h_prev
                break
        fn = flows(cg, h)
        rose = bool(fn.log_total > f.log_total + 1e-12)
        if rose and not warned:
            warnings.warn(
                f"local rule: the cost rose at step {step}; eta={eta} is too large for this network", stacklevel=3
            )
            warned = True
        f = fn
        converged = f.relnode <= tol
        if step % record_every == 0 or converged or step == maxiter:
            rec = record(f, rose=rose, step=step)
            history.append(rec)
            if callback is not None:
                callback(step, h, rec)
    return SolverOutput(h=h, converged=bool(converged), history=tuple(history), iterations=step, flows=f)


SOLVER = SolverSpec(name="local", solve=solve, default_maxiter=100_000)
