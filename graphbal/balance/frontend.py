"""``balance``: the balanced network on the task-preserving manifold (docs/theory.rst, 'Balance')."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .._core.costgraph import cost_graph
from .._core.flows import flows, log_total_at_zero
from .._core.gauge import center_gauge
from .._core.validate import check_h, check_p, check_tol
from ..errors import ConvergenceWarning, GraphbalError, InfeasibleError
from ..feasibility import report_from_costgraph
from ..transform import transform
from .limit import solve_graph, zero_transient
from .registry import check_options, get_solver
from .result import BalanceResult

__all__ = ["balance"]


def balance(
    net,
    p: float = 2,
    *,
    method: str = "newton",
    tol: float = 1e-10,
    maxiter: int | None = None,
    io_cost: bool = True,
    h0=None,
    on_infeasible: str = "raise",
    callback=None,
    **options: Any,
) -> BalanceResult:
    """Balance a network: minimise the total synaptic cost over the task-preserving manifold.

    Finds ``h`` such that every hidden neuron's incoming cost equals its
    outgoing cost (``g = 0``; Stock et al. 2022, Eq. 21), i.e. the minimiser of
    ``C(h) = sum_ij c_ij e^{p(h_i - h_j)}`` (Eq. 12), and returns the balanced
    network ``transform(net, h)``, which computes the same function.

    Parameters
    ----------
    net : Network
    p : float
        Cost exponent, ``p > 0`` (default 2).
    method : {"newton", "osborne", "flow", "local"}
        "newton" (default): damped inexact Newton, exact and fast at any size.
        "osborne": exact coordinate minimisation (with the global shift when
        io is costed). "flow": the continuous balancing flow ``tau dh/dt = -g``
        integrated with ``scipy.integrate.solve_ivp`` (options ``tau``,
        ``t_max``, ``t_eval``; the trajectory is in ``result.trajectory``).
        "local": the discrete local plasticity rule ``h <- h - eta g``
        (option ``eta``).
    tol : float
        Target relative node imbalance ``relnode`` (docs/algorithms.rst, 'Tolerances').
    maxiter : int, optional
        Iteration cap (method-specific default).
    io_cost : bool
        Cost input/output synapses through the pinned ground node (default).
    h0 : array_like, optional
        Starting potentials.
    on_infeasible : {"raise", "limit"}
        No finite balanced state exists when a synapse lies on no directed
        cycle (docs/theory.rst, 'Feasibility'): raise :class:`InfeasibleError` (default), or return the
        limiting state: each strongly connected component balanced on its own,
        transient synapses set to zero, ``cost_after`` = inf C, ``limit=True``.
    callback : callable, optional
        ``callback(iteration, h, record)`` after each iteration.
    **options
        The method's own options: newton ``warm_start``, ``preconditioner``,
        ``cg_maxiter``; osborne ``seed``; flow ``tau``, ``t_max``, ``t_eval``,
        ``rtol``, ``atol``, ``ode_method``; local ``eta``, ``record_every``.
        Any other name raises :class:`GraphbalError` listing the accepted ones.

    Returns
    -------
    BalanceResult

    Raises
    ------
    InfeasibleError
        If no finite balanced state exists and ``on_infeasible="raise"``.
    GraphbalError
        On invalid arguments.

    Warns
    -----
    ConvergenceWarning
        If the tolerance was not reached.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> net = graphbal.Network(np.array([[0.0, 4.0], [1.0, 0.0]]))   # reciprocal pair, costs 16 and 1
    >>> res = graphbal.balance(net, p=2)
    >>> round(res.cost_before, 6), round(res.cost_after, 6)            # C* = 2 sqrt(16 * 1)
    (17.0, 8.0)
    >>> np.abs(res.network.W).round(6)
    array([[0., 2.],
           [2., 0.]])
    """
    p, tol = check_p(p), check_tol(tol)
    solver = get_solver(method)
    check_options(solver, options)
    if on_infeasible not in ("raise", "limit"):
        raise GraphbalError(f"on_infeasible must be 'raise' or 'limit', got {on_infeasible!r}")
    cg = cost_graph(net, p, io_cost=io_cost)
    report = report_from_costgraph(cg, net.labels)
    limit = not report.finite
    if limit and on_infeasible == "raise":
        raise InfeasibleError(
            "no finite balanced state exists (" + report.summary() + "). Use on_infeasible='limit' for the "
            "limiting state, or feasibility(net) for reasons.",
            report,
        )
    solve_cg = solve_graph(cg, report, limit)
    h_start = None if h0 is None else check_h(h0, net.n)
    if h_start is None and not solver.own_start:
        h_start = np.zeros(net.n)
    cap = maxiter if maxiter is not None else solver.default_maxiter
    out = solver.solve(solve_cg, h_start, tol=tol, maxiter=cap, callback=callback, **options)
    h = center_gauge(solve_cg, out.h)  # shifts h by constants on ground-free components: no cost changes
    f1 = out.flows if out.flows is not None else flows(solve_cg, h)
    if not out.converged:
        warnings.warn(
            f"balance(method={method!r}) stopped after {out.iterations} iteration(s) with relnode "
            f"{f1.relnode:.3e} > tol {tol:.1e}; raise maxiter or try method='newton'",
            ConvergenceWarning,
            stacklevel=2,
        )
    balanced = transform(net, h)
    if limit:
        balanced = zero_transient(balanced, cg, report, io_cost)
    with np.errstate(over="ignore"):
        before = float(np.exp(log_total_at_zero(cg if limit else solve_cg)))  # same arrays; reuses the solver's memo
    return BalanceResult(
        h=h, network=balanced, cost_before=before, cost_after=f1.cost, converged=out.converged,
        history=out.history, method=method, p=p, io_cost=io_cost, relnode=f1.relnode, rel1=f1.rel1,
        feasibility=report, limit=limit, iterations=out.iterations, trajectory=dict(out.extra),
    )  # fmt: skip
