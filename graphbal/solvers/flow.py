"""The continuous balancing flow ``tau dh/dt = -g(h)`` (S6, B11; spec section 6).

Integrated with ``scipy.integrate.solve_ivp``. The state is ``h`` only; the
weights at time t are ``transform(net, h(t))``, function-preserving whatever
the integration error. ``dC/dt = -(p/tau) ||g||^2``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.integrate import solve_ivp

from ..costgraph import CostGraph, flows
from ..errors import GraphbalError
from .common import SolverOutput, record

__all__ = ["solve", "gradient", "jacobian"]

_MAX_LOG_SCALE = 700.0  # beyond exp(700) the true gradient overflows float64


def gradient(cg: CostGraph, h: np.ndarray) -> np.ndarray:
    """True (unscaled) neural gradient ``g = in - out`` at ``h`` (S5); raises if it overflows."""
    f = flows(cg, h)
    if f.shift > _MAX_LOG_SCALE:
        raise GraphbalError(f"the balancing flow's right-hand side overflows float64 (costs ~ e^{f.shift:.0f}); "
                            "rescale the weights or use method='newton'")
    return f.g * np.exp(f.shift)


def jacobian(cg: CostGraph, h: np.ndarray, tau: float) -> sp.csr_array:
    """Exact Jacobian of the flow, ``-(p/tau) L(h)`` (B5), as a sparse matrix."""
    f = flows(cg, h)
    scale = np.exp(f.shift)
    n = cg.n
    A = sp.csr_array((f.edge * scale, (cg.post, cg.pre)), shape=(n, n))
    L = sp.diags_array((f.incoming + f.outgoing) * scale) - A - A.T
    return sp.csr_array(-(cg.p / tau) * L)


def solve(cg: CostGraph, h0: np.ndarray, *, tol: float = 1e-10, maxiter: int | None = None, callback=None,
          tau: float = 1.0, t_max: float | None = None, t_eval=None, rtol: float | None = None,
          atol: float | None = None, ode_method: str = "RK45") -> SolverOutput:
    """Integrate the balancing flow (B11).

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
    """
    if not (np.isfinite(tau) and tau > 0):
        raise GraphbalError(f"tau must be a positive number, got {tau}")
    h0 = np.array(h0, dtype=np.float64)
    rtol = min(1e-8, tol) if rtol is None else rtol
    atol = 1e-3 * tol if atol is None else atol
    kwargs = {"method": ode_method, "rtol": rtol, "atol": atol}
    if ode_method in ("BDF", "Radau", "LSODA"):
        kwargs["jac"] = lambda t, h: jacobian(cg, h, tau)

    def rhs(t, h):
        return -gradient(cg, h) / tau

    f0 = flows(cg, h0)
    rate = float(np.max(f0.incoming + f0.outgoing, initial=0.0)) * np.exp(f0.shift)
    if rate > 0:  # the fastest relaxation rate is ~ 2 p max(in + out) / tau: start below it
        kwargs["first_step"] = 0.1 * tau / (cg.p * rate)

    def reached(t, h):
        return flows(cg, h).relnode - 0.5 * tol

    reached.terminal = True
    reached.direction = -1
    if t_eval is not None:
        t_eval = np.asarray(t_eval, dtype=np.float64)
        if t_eval.ndim != 1 or t_eval.size == 0 or np.any(np.diff(t_eval) < 0) or t_eval[0] < 0:
            raise GraphbalError("t_eval must be a non-empty increasing 1-D array of times >= 0")
        end = float(t_eval[-1] if t_max is None else max(t_max, t_eval[-1]))
        if "first_step" in kwargs:
            kwargs["first_step"] = min(kwargs["first_step"], max(end, 1e-300))
        sol = solve_ivp(rhs, (0.0, end), h0, t_eval=t_eval, **kwargs)
        if sol.status < 0:
            raise GraphbalError(f"flow integration failed: {sol.message}")
        ts, hs, nfev, windows = sol.t, sol.y.T, sol.nfev, 1
    else:
        window = t_max if t_max is not None else 10.0 * tau / (cg.p * rate) if rate > 0 else 1.0
        maxiter = 40 if maxiter is None else int(maxiter)
        ts, hs, nfev, t0, h, windows = [0.0], [h0], 0, 0.0, h0, 0
        last_logc, stalled = f0.log_total, 0
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
            if sol.status == 1 or t_max is not None:
                break
            logc = flows(cg, h).log_total
            stalled = 0 if logc < last_logc - 1e-13 else stalled + 1
            last_logc = min(last_logc, logc)
            if stalled >= 3:  # the integration error floor is above tol: stop honestly, not converged
                break
            window *= 2.0
        ts, hs = np.asarray(ts), np.asarray(hs)
    recs = [record(flows(cg, h)) for h in hs]
    final = recs[-1]
    return SolverOutput(h=np.array(hs[-1]), converged=bool(final["relnode"] <= tol), history=tuple(recs),
                        iterations=int(windows), extra={"t": ts, "h_t": hs, "C_t": np.array([r["C"] for r in recs]),
                                                         "relnode_t": np.array([r["relnode"] for r in recs]),
                                                         "nfev": int(nfev)})
