"""The continuous balancing flow ``tau dh/dt = -g(h)`` (Stock et al. 2022, Eq. 18; docs/algorithms.rst, 'Flow').

Integrated with ``scipy.integrate.solve_ivp``. The state is ``h`` only; the
weights at time t are ``transform(net, h(t))``, function-preserving whatever
the integration error. ``dC/dt = -(p/tau) ||g||^2``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.integrate import solve_ivp

from .._core.costgraph import CostGraph
from .._core.flows import flows
from .._core.laplacian import laplacian_csr
from .._core.limits import MAX_LOG_SCALE
from ..errors import GraphbalError
from .common import SolverOutput, SolverSpec, record

__all__ = ["solve", "gradient", "jacobian", "trajectory", "SOLVER"]

MAX_WINDOWS = 40  # default number of doubling integration windows
STALL_WINDOWS = 3  # windows without a decrease of C before the flow stops at its error floor


def gradient(cg: CostGraph, h: np.ndarray) -> np.ndarray:
    """True (unscaled) neural gradient ``g = in - out`` at ``h``; raises if it overflows.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> from graphbal._core.costgraph import cost_graph
    >>> gradient(cost_graph(graphbal.Network(np.array([[0.0, 2.0], [1.0, 0.0]])), 2.0), np.zeros(2))
    array([ 3., -3.])
    """
    f = flows(cg, h)
    if f.shift > MAX_LOG_SCALE:
        raise GraphbalError(
            f"the balancing flow's right-hand side overflows float64 (costs ~ e^{f.shift:.0f}); "
            "rescale the weights or use method='newton'"
        )
    return f.unscaled(f.g)


def jacobian(cg: CostGraph, h: np.ndarray, tau: float) -> sp.csr_array:
    """Exact Jacobian of the flow, ``-(p/tau) L(h)``, as a sparse matrix.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> from graphbal._core.costgraph import cost_graph
    >>> jacobian(cost_graph(graphbal.Network(np.array([[0.0, 2.0], [1.0, 0.0]])), 2.0), np.zeros(2), 1.0).toarray()
    array([[-10.,  10.],
           [ 10., -10.]])
    """
    return sp.csr_array(-(cg.p / tau) * laplacian_csr(cg, flows(cg, h)))


def _integrator_options(cg: CostGraph, h0: np.ndarray, tau: float, rtol: float, atol: float, ode_method: str):
    """``solve_ivp`` keyword arguments, the right-hand side and the fastest initial relaxation rate."""
    kwargs = {"method": ode_method, "rtol": rtol, "atol": atol}
    if ode_method in ("BDF", "Radau", "LSODA"):
        kwargs["jac"] = lambda t, h: jacobian(cg, h, tau)
    f0 = flows(cg, h0)
    rate = float(np.max(f0.unscaled(f0.incoming + f0.outgoing), initial=0.0))
    if rate > 0:  # the fastest relaxation rate is ~ 2 p max(in + out) / tau: start below it
        kwargs["first_step"] = 0.1 * tau / (cg.p * rate)
    return kwargs, (lambda t, h: -gradient(cg, h) / tau), rate


def trajectory(
    cg: CostGraph, h0: np.ndarray, times, *, tau: float = 1.0, rtol: float = 1e-9, atol: float = 1e-12
) -> np.ndarray:
    """``h(t)`` of the flow at the given times (rows), integrated to the last one whatever the imbalance.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> from graphbal._core.costgraph import cost_graph
    >>> cg = cost_graph(graphbal.Network(np.array([[0.0, 4.0], [1.0, 0.0]])), 2.0)
    >>> h = trajectory(cg, np.zeros(2), [0.0, 10.0])
    >>> np.round(h[-1], 6)  # the balance: h_0 - h_1 = -log(4) / 2
    array([-0.346574,  0.346574])
    """
    times = _check_times(times, "times")
    kwargs, rhs, _ = _integrator_options(cg, np.array(h0, dtype=np.float64), tau, rtol, atol, "RK45")
    return _integrate_to(rhs, np.array(h0, dtype=np.float64), times, None, kwargs)[1]


def _check_times(t_eval, name: str) -> np.ndarray:
    t_eval = np.asarray(t_eval, dtype=np.float64)
    if t_eval.ndim != 1 or t_eval.size == 0 or np.any(np.diff(t_eval) < 0) or t_eval[0] < 0:
        raise GraphbalError(f"{name} must be a non-empty increasing 1-D array of times >= 0")
    return t_eval


def _integrate_to(rhs, h0: np.ndarray, t_eval: np.ndarray, t_max: float | None, kwargs: dict):
    """One integration returning ``h`` at ``t_eval``: ``(t, h_t, nfev)``."""
    end = float(t_eval[-1] if t_max is None else max(t_max, t_eval[-1]))
    if "first_step" in kwargs:
        kwargs = {**kwargs, "first_step": min(kwargs["first_step"], max(end, 1e-300))}
    sol = solve_ivp(rhs, (0.0, end), h0, t_eval=t_eval, **kwargs)
    if sol.status < 0:
        raise GraphbalError(f"flow integration failed: {sol.message}")
    return sol.t, sol.y.T, sol.nfev


def _integrate_windows(cg, rhs, h0, tol, window, maxiter, stop_after_one, callback, kwargs):
    """Integrate in windows of doubling length until ``relnode <= tol``, the cap, or C stalls."""

    def reached(t, h):
        return flows(cg, h).relnode - 0.5 * tol

    reached.terminal, reached.direction = True, -1
    ts, hs, nfev, t0, h, windows = [0.0], [h0], 0, 0.0, h0, 0
    last_logc, stalled = flows(cg, h0).log_total, 0
    while windows < maxiter:
        windows += 1
        sol = solve_ivp(rhs, (t0, t0 + window), h, events=reached, **kwargs)
        if sol.status < 0:
            raise GraphbalError(f"flow integration failed: {sol.message}")
        nfev += sol.nfev
        h, t0 = sol.y[:, -1], sol.t[-1]
        ts.extend(sol.t[1:].tolist())
        hs.extend(sol.y.T[1:])
        if callback is not None:
            callback(windows, h, record(flows(cg, h)))
        if sol.status == 1 or stop_after_one:
            break
        logc = flows(cg, h).log_total
        stalled = 0 if logc < last_logc - 1e-13 else stalled + 1
        last_logc = min(last_logc, logc)
        if stalled >= STALL_WINDOWS:  # the integration error floor is above tol: stop honestly, not converged
            break
        window *= 2.0
    return np.asarray(ts), np.asarray(hs), nfev, windows


def solve(
    cg: CostGraph,
    h0: np.ndarray,
    *,
    tol: float = 1e-10,
    maxiter: int | None = None,
    callback=None,
    tau: float = 1.0,
    t_max: float | None = None,
    t_eval=None,
    rtol: float | None = None,
    atol: float | None = None,
    ode_method: str = "RK45",
) -> SolverOutput:
    """Integrate the balancing flow (docs/algorithms.rst, 'Flow').

    Parameters
    ----------
    cg : CostGraph
    h0 : ndarray
        Initial potentials (usually 0: the network as given).
    tol : float
        Stop when ``relnode <= tol`` (a terminal event), unless ``t_eval`` is
        given, in which case the whole requested trajectory is returned.
    maxiter : int, optional
        Maximum number of integration windows when ``t_max`` is None (each
        window doubles the horizon; default 40). Integration also stops when
        C stops decreasing for three windows in a row (an error floor).
    callback : callable, optional
        ``callback(window, h, record)`` after each window.
    tau : float
        Time constant of the flow.
    t_max : float, optional
        Final time. Default: integrate in windows of doubling length until
        the tolerance is reached.
    t_eval : array_like, optional
        Times at which to return ``h(t)``, ``C(t)``, ``relnode(t)``.
    rtol, atol : float, optional
        Integrator tolerances; default ``min(1e-8, tol)`` and ``1e-3 * tol``
        so that the integration error does not hide the imbalance target.
    ode_method : str
        Any ``solve_ivp`` method; for "BDF", "Radau", "LSODA" the exact sparse
        Jacobian is supplied.

    Returns
    -------
    SolverOutput
        ``extra`` holds ``t``, ``h_t`` (len(t) x n), ``C_t``, ``relnode_t`` and
        ``nfev``.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> from graphbal._core.costgraph import cost_graph
    >>> out = solve(cost_graph(graphbal.Network(np.array([[0.0, 4.0], [1.0, 0.0]])), 2.0), np.zeros(2), tol=1e-9)
    >>> out.converged, round(out.history[-1]["C"], 6)  # C* = 2 sqrt(16 * 1)
    (True, 8.0)
    """
    if not (np.isfinite(tau) and tau > 0):
        raise GraphbalError(f"tau must be a positive number, got {tau}")
    h0 = np.array(h0, dtype=np.float64)
    rtol = min(1e-8, tol) if rtol is None else rtol
    atol = 1e-3 * tol if atol is None else atol
    kwargs, rhs, rate = _integrator_options(cg, h0, tau, rtol, atol, ode_method)
    if t_eval is not None:
        ts, hs, nfev = _integrate_to(rhs, h0, _check_times(t_eval, "t_eval"), t_max, kwargs)
        windows = 1
    else:
        window = t_max if t_max is not None else 10.0 * tau / (cg.p * rate) if rate > 0 else 1.0
        maxiter = MAX_WINDOWS if maxiter is None else int(maxiter)
        ts, hs, nfev, windows = _integrate_windows(
            cg, rhs, h0, tol, window, maxiter, t_max is not None, callback, kwargs
        )
    recs = [record(flows(cg, h)) for h in hs]
    extra = {
        "t": ts,
        "h_t": hs,
        "C_t": np.array([r["C"] for r in recs]),
        "relnode_t": np.array([r["relnode"] for r in recs]),
        "nfev": int(nfev),
    }
    converged = bool(recs[-1]["relnode"] <= tol)
    return SolverOutput(
        h=np.array(hs[-1]), converged=converged, history=tuple(recs), iterations=int(windows), extra=extra
    )


SOLVER = SolverSpec(name="flow", solve=solve, default_maxiter=None)
