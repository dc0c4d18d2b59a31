"""What :func:`graphbal.balance` returns."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..feasibility import FeasibilityReport

__all__ = ["BalanceResult"]


@dataclasses.dataclass(frozen=True, eq=False)
class BalanceResult:
    """Outcome of :func:`balance`.

    Attributes
    ----------
    h : ndarray, shape (n,)
        Potentials with the gauge fixed (mean zero on ground-free components).
    network : Network
        ``transform(net, h)``; in limit mode the transient synapses are set to 0.
    cost_before, cost_after : float
        Total cost C at h = 0 and at ``h`` (limit mode: the infimum of C).
    converged : bool
        ``relnode <= tol`` reached.
    history : tuple of dict
        Per iteration: ``C``, ``logC``, ``rel1``, ``relnode`` (and solver extras).
    method, p, io_cost :
        The settings used.
    relnode, rel1 : float
        Final imbalance of the returned network (docs/algorithms.rst, 'Tolerances').
    feasibility : FeasibilityReport
        The cycle-condition report (docs/theory.rst, 'Feasibility').
    limit : bool
        True when the network was infeasible and ``on_infeasible="limit"``
        returned the limiting state (not task-preserving in general).
    trajectory : dict
        Solver extras, e.g. the flow's ``t``, ``h_t``, ``C_t``, ``relnode_t``.
    """

    h: np.ndarray
    network: Any
    cost_before: float
    cost_after: float
    converged: bool
    history: tuple
    method: str
    p: float
    io_cost: bool
    relnode: float
    rel1: float
    feasibility: FeasibilityReport
    limit: bool = False
    iterations: int = 0
    trajectory: dict = dataclasses.field(default_factory=dict)

    def summary(self) -> str:
        """One-paragraph plain-text summary."""
        state = "limit (infeasible: transient synapses driven to 0)" if self.limit else "balanced"
        return (
            f"{state} by {self.method} (p={self.p:g}, io_cost={self.io_cost}) in {self.iterations} iteration(s): "
            f"C {self.cost_before:.6g} -> {self.cost_after:.6g} "
            f"({100 * (1 - self.cost_after / self.cost_before) if self.cost_before else 0:.3g}% lower); "
            f"relnode {self.relnode:.2e}, rel1 {self.rel1:.2e}, converged={self.converged}"
        )

    def __repr__(self) -> str:
        return (
            f"BalanceResult(method={self.method!r}, cost_before={self.cost_before:.6g}, "
            f"cost_after={self.cost_after:.6g}, relnode={self.relnode:.2e}, converged={self.converged}, "
            f"limit={self.limit})"
        )
