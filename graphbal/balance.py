"""``balance``: find the balanced network on the task-preserving manifold (S8, S9; B7-B12)."""

from __future__ import annotations

import dataclasses
import importlib
import warnings
from typing import Any

import numpy as np

from .costgraph import CostGraph, center_gauge, check_h, check_p, cost_graph, flows, log_total_at_zero
from .errors import ConvergenceWarning, GraphbalError, InfeasibleError
from .feasibility import FeasibilityReport, report_from_costgraph
from .transform import transform

__all__ = ["BalanceResult", "balance", "METHODS"]

METHODS = ("newton", "osborne", "flow", "local")
_DEFAULT_MAXITER = {"newton": 100, "osborne": 10_000, "flow": None, "local": 100_000}


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
        Final imbalance (B4).
    feasibility : FeasibilityReport
        The cycle-condition report (S9).
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
        return (f"{state} by {self.method} (p={self.p:g}, io_cost={self.io_cost}) in {self.iterations} iteration(s): "
                f"C {self.cost_before:.6g} -> {self.cost_after:.6g} "
                f"({100 * (1 - self.cost_after / self.cost_before) if self.cost_before else 0:.3g}% lower); "
                f"relnode {self.relnode:.2e}, rel1 {self.rel1:.2e}, converged={self.converged}")

    def __repr__(self) -> str:
        return (f"BalanceResult(method={self.method!r}, cost_before={self.cost_before:.6g}, "
                f"cost_after={self.cost_after:.6g}, relnode={self.relnode:.2e}, converged={self.converged}, "
                f"limit={self.limit})")


def _limit_graph(cg: CostGraph, report: FeasibilityReport) -> CostGraph:
    """Drop transient edges: each SCC is then balanced on its own (B7, limit mode)."""
    a = report.analysis
    keep = ~a.edge_transient
    return dataclasses.replace(
        cg, post=cg.post[keep], pre=cg.pre[keep], logc=cg.logc[keep],
        lam_in=np.where(a.in_transient, -np.inf, cg.lam_in), lam_out=np.where(a.out_transient, -np.inf, cg.lam_out))


def _zero_transient(net, cg: CostGraph, report: FeasibilityReport, io_cost: bool):
    a = report.analysis
    W = net.W.copy() if not net.is_sparse else net.W.tolil()
    W[cg.post[a.edge_transient], cg.pre[a.edge_transient]] = 0.0
    W = W.tocsr() if net.is_sparse else W
    changes: dict[str, Any] = {"W": W}
    if io_cost and net.U is not None and a.in_transient.any():
        U = net.U.copy()
        U[a.in_transient, :] = 0.0
        changes["U"] = U
    if io_cost and net.V is not None and a.out_transient.any():
        V = net.V.copy()
        V[:, a.out_transient] = 0.0
        changes["V"] = V
    return net.replace(**changes)


def balance(net, p: float = 2, *, method: str = "newton", tol: float = 1e-10, maxiter: int | None = None,
            io_cost: bool = True, h0=None, on_infeasible: str = "raise", callback=None,
            **options: Any) -> BalanceResult:
    """Balance a network: minimise the total synaptic cost over the task-preserving manifold (S8).

    Finds ``h`` such that every hidden neuron's incoming cost equals its
    outgoing cost (``g = 0``, S8), i.e. the minimiser of
    ``C(h) = sum_ij c_ij e^{p(h_i - h_j)}`` (B2), and returns the balanced
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
        Target relative node imbalance ``relnode`` (B4).
    maxiter : int, optional
        Iteration cap (method-specific default).
    io_cost : bool
        Cost input/output synapses through the pinned ground node (default).
    h0 : array_like, optional
        Starting potentials.
    on_infeasible : {"raise", "limit"}
        No finite balanced state exists when a synapse lies on no directed
        cycle (S9): raise :class:`InfeasibleError` (default), or return the
        limiting state: each strongly connected component balanced on its own,
        transient synapses set to zero, ``cost_after`` = inf C, ``limit=True``.
    callback : callable, optional
        ``callback(iteration, h, record)`` after each iteration.
    **options
        Passed to the solver (e.g. ``eta``, ``tau``, ``t_eval``,
        ``preconditioner``).

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
    p = check_p(p)
    if method not in METHODS:
        raise GraphbalError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if on_infeasible not in ("raise", "limit"):
        raise GraphbalError(f"on_infeasible must be 'raise' or 'limit', got {on_infeasible!r}")
    if not (np.isfinite(tol) and tol > 0):
        raise GraphbalError(f"tol must be a positive number, got {tol}")
    cg = cost_graph(net, p, io_cost=io_cost)
    report = report_from_costgraph(cg, net.labels)
    limit = not report.finite
    if limit and on_infeasible == "raise":
        raise InfeasibleError("no finite balanced state exists (" + report.summary() + ")"
                              + ". Use on_infeasible='limit' for the limiting state, or feasibility(net) for "
                              "reasons.", report)
    solve_cg = _limit_graph(cg, report) if limit else cg
    # without transient edges, weak components of the free graph that avoid the ground are exactly the SCCs
    solve_cg.set_components(report.analysis.n_components, report.analysis.labels[:net.n])
    h_start = None if h0 is None else check_h(h0, net.n)
    if h_start is None and method != "newton":
        h_start = np.zeros(net.n)
    solver = importlib.import_module(f"graphbal.solvers.{method}")
    out = solver.solve(solve_cg, h_start, tol=tol, maxiter=maxiter if maxiter is not None else _DEFAULT_MAXITER[method],
                       callback=callback, **options)
    h = center_gauge(solve_cg, out.h)  # shifts h by constants on ground-free components: no cost changes
    f1 = out.flows if out.flows is not None else flows(solve_cg, h)
    if not out.converged:
        warnings.warn(f"balance(method={method!r}) stopped after {out.iterations} iteration(s) with relnode "
                      f"{f1.relnode:.3e} > tol {tol:.1e}", ConvergenceWarning, stacklevel=2)
    balanced = transform(net, h)
    if limit:
        balanced = _zero_transient(balanced, cg, report, io_cost)
    with np.errstate(over="ignore"):
        before = float(np.exp(log_total_at_zero(cg)))
        after = float(np.exp(f1.shift) * f1.total)
    return BalanceResult(h=h, network=balanced, cost_before=before, cost_after=after, converged=out.converged,
                         history=out.history, method=method, p=p, io_cost=io_cost, relnode=f1.relnode, rel1=f1.rel1,
                         feasibility=report, limit=limit, iterations=out.iterations, trajectory=dict(out.extra))
