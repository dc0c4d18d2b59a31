"""What every solver returns, and how it records its history (B4)."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..costgraph import Flows

__all__ = ["SolverOutput", "record"]


@dataclasses.dataclass(frozen=True, eq=False)
class SolverOutput:
    """Result of one solver run.

    Attributes
    ----------
    h : ndarray, shape (n,)
        Final potentials (gauge not yet fixed; ``balance`` re-centres).
    converged : bool
        Whether ``relnode <= tol`` was reached.
    history : tuple of dict
        One record per iteration (see :func:`record`), the first at ``h0``.
    iterations : int
        Newton steps, Osborne sweeps, local-rule steps or flow RHS evaluations.
    extra : dict
        Solver-specific data, e.g. the flow's ``t``, ``h_t``, ``C_t``.
    flows : Flows, optional
        The costs evaluated at ``h``, when the solver has them (saves a pass).
    """

    h: np.ndarray
    converged: bool
    history: tuple
    iterations: int
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)
    flows: Flows | None = None


def record(f: Flows, **more: Any) -> dict:
    """One history entry: ``C`` (may be inf), ``logC``, ``rel1``, ``relnode`` and extras."""
    with np.errstate(over="ignore"):
        C = float(np.exp(f.shift) * f.total)
    return {"C": C, "logC": float(f.log_total), "rel1": f.rel1, "relnode": f.relnode, **more}
