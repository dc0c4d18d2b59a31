"""The balancing methods: name -> the solver's own declaration (:class:`~graphbal.balance.common.SolverSpec`).

A new method is a module with ``solve`` and ``SOLVER``, listed here once.
"""

from __future__ import annotations

from ..errors import GraphbalError
from . import flow, local, newton, osborne
from .common import SolverSpec

__all__ = ["SOLVERS", "METHODS", "get_solver", "check_options"]

SOLVERS: dict[str, SolverSpec] = {mod.SOLVER.name: mod.SOLVER for mod in (newton, osborne, flow, local)}
METHODS = tuple(SOLVERS)


def get_solver(method: str) -> SolverSpec:
    """The declaration of ``method``; a :class:`GraphbalError` naming the choices otherwise.

    Examples
    --------
    >>> from graphbal.balance.registry import get_solver
    >>> get_solver("newton").default_maxiter
    100
    """
    try:
        return SOLVERS[method]
    except (KeyError, TypeError):
        raise GraphbalError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}") from None


def check_options(solver: SolverSpec, options: dict) -> None:
    """Refuse options that ``solver`` does not accept, listing the ones it does.

    Examples
    --------
    >>> from graphbal.balance.registry import check_options, get_solver
    >>> check_options(get_solver("local"), {"eta": 0.1})  # accepted: nothing happens
    """
    unknown = sorted(set(options) - set(solver.options))
    if unknown:
        accepted = ", ".join(solver.options) or "none"
        raise GraphbalError(
            f"method={solver.name!r} does not accept the option(s) {', '.join(unknown)}; "
            f"its options are: {accepted} (besides tol, maxiter, callback, h0, io_cost, on_infeasible)"
        )
