"""What every solver returns and declares, and how it records its history.

Every solver module defines ``solve(cg, h0, *, tol, maxiter, callback=None, **options)``
returning a :class:`SolverOutput`, and a module-level ``SOLVER``
(:class:`SolverSpec`) saying its name, default iteration cap and whether it
computes its own start. The options it accepts are the keyword-only
parameters of its ``solve`` (read from the signature, so they cannot drift).
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from .._core.flows import Flows

__all__ = ["SolverOutput", "SolverSpec", "record"]

_COMMON = ("tol", "maxiter", "callback")  # passed by balance() itself, not options


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
        Newton steps, Osborne sweeps, local-rule steps or flow windows.
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


@dataclasses.dataclass(frozen=True)
class SolverSpec:
    """A solver's declaration: its name, ``solve`` function, default ``maxiter`` and start.

    ``own_start`` is True for solvers that compute their own start when
    ``h0`` is None (Newton's warm start); the others start from h = 0.

    Examples
    --------
    >>> from graphbal.balance import local
    >>> local.SOLVER.options
    ('eta', 'record_every')
    """

    name: str
    solve: Callable[..., SolverOutput]
    default_maxiter: int | None
    own_start: bool = False

    @property
    def options(self) -> tuple[str, ...]:
        """The keyword-only options of ``solve`` beyond ``tol``, ``maxiter`` and ``callback``."""
        params = inspect.signature(self.solve).parameters.values()
        return tuple(p.name for p in params if p.kind is p.KEYWORD_ONLY and p.name not in _COMMON)


def record(f: Flows, **more: Any) -> dict:
    """One history entry: ``C`` (may be inf), ``logC``, ``rel1``, ``relnode`` and extras.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> from graphbal._core.costgraph import cost_graph
    >>> from graphbal._core.flows import flows
    >>> cg = cost_graph(graphbal.Network(np.array([[0.0, 2.0], [1.0, 0.0]])), 2.0)
    >>> record(flows(cg, np.zeros(2)))["C"]
    5.0
    """
    return {"C": f.cost, "logC": float(f.log_total), "rel1": f.rel1, "relnode": f.relnode, **more}
