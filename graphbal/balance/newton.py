"""Damped inexact Newton in the log domain with grounded-Laplacian CG (docs/algorithms.rst, 'Newton').

The Hessian of C is ``p^2 L(h)``, so the Newton direction solves
``L(h) d = -g(h) / p``; everything is scaled by ``exp(-shift)``, which leaves
the direction and the imbalance measures unchanged. The Laplacian is never
assembled (:mod:`graphbal._core.laplacian`): index arrays are built once and
each CG matvec applies ``d x - A x - A^T x`` on the edge arrays.

Choices (docs/algorithms.rst, 'Newton'): the Jacobi-preconditioned CG runs as
plain CG on ``D^-1/2 L D^-1/2`` in float32 (:mod:`graphbal._core.linsolve`);
when the forcing term ``eta_k`` asks for less than ``F32_RTOL`` (1e-4) the
residual is verified and refined in float64. ``eta_k`` is measured in the
Jacobi-scaled norm, and CG also stops once the linear model predicts
``relnode <= tol / 4``. No neuron of a ground-free component is pinned:
singular blocks are solved on their range and the ground is an unknown. The
warm start solves to 1e-4 (see :func:`warm_start_h`).
"""

from __future__ import annotations

import numpy as np

from .._core.costgraph import CostGraph
from .._core.flows import Flows, flows, log_total_at_zero, segment_sums
from .._core.gauge import gauge_pins
from .._core.laplacian import EdgeStructure, edge_structure
from .._core.limits import CG_MAXITER, DENSE_NEWTON_MAX
from .._core.linsolve import solve_linear
from .._core.parallel import dot
from .common import SolverOutput, SolverSpec, record

__all__ = ["solve", "warm_start_h", "SOLVER"]

WARM_RTOL = 1e-4  # tolerance of the warm-start solves (see warm_start_h)
FORCING = 0.1  # forcing term eta_k = FORCING * sqrt(rel1)
ARMIJO = 1e-4  # sufficient-decrease constant of the backtracking line search
MAX_HALVINGS = 31  # step halvings before the line search gives up


def warm_start_h(cg: CostGraph, es: EdgeStructure, dense: bool) -> np.ndarray:
    """Log-least-squares warm start (docs/algorithms.rst, 'Warm start').

    Minimises ``sum_e (l_e - kappa + p (h_post - h_pre))^2`` over h and the
    common level kappa: ``h0 = a + kappa b`` from two grounded-Laplacian solves.
    Choice: the log-costs are first centred on their mean ``mu`` (this only
    reparametrises kappa, so the minimiser is unchanged). Both solves run to
    ``WARM_RTOL`` = 1e-4 (one float32 pass) rather than 1e-6: on the
    unpinned systems the Newton steps and CG counts that follow were identical
    for 1e-6, 1e-4 and 1e-3 (random graphs n = 1e5 and 1e6, pins(1e5, 20)).
    Given ``a`` and ``b``, kappa minimises the same sum exactly; its sums over
    edges are evaluated as node sums (``sum_e dx_e dy_e = x^T L0 y`` and
    ``sum_e l_e dx_e = x . (Lam_in - Lam_out)``), so no per-edge pass is needed.
    """
    n, p = cg.n, cg.p
    pre = cg.pre_intp()
    has_in, has_out = np.isfinite(cg.lam_in), np.isfinite(cg.lam_out)
    n_edges = cg.m + int(has_in.sum() + has_out.sum())
    mu = (cg.logc.sum() + cg.lam_in[has_in].sum() + cg.lam_out[has_out].sum()) / max(n_edges, 1)
    ell = cg.logc - mu
    indptr = cg.csr_indptr()
    d_in = np.diff(indptr) + has_in
    d_out = np.bincount(pre, minlength=n) + has_out
    Lam_in = segment_sums(ell, indptr) + np.where(has_in, cg.lam_in - mu, 0.0)
    Lam_out = np.bincount(pre, weights=ell, minlength=n) + np.where(has_out, cg.lam_out - mu, 0.0)
    L0 = es.laplacian(np.ones(cg.m), (d_in + d_out).astype(float), (has_in + has_out).astype(float))
    free = ~es.fixed
    imbalance = np.where(free, d_in - d_out, 0.0)  # sum_e dx_e = x . (d_in - d_out) for x = 0 on fixed neurons
    lam = np.where(free, Lam_in - Lam_out, 0.0)
    a, _ = solve_linear(L0, -lam / p, WARM_RTOL, CG_MAXITER, dense)
    b, _ = solve_linear(L0, imbalance / p, WARM_RTOL, CG_MAXITER, dense)
    # r_e = l_e + p da_e, q_e = p db_e - 1 over all edges (io included, the ground at 0); sum_e l_e = 0
    Lb = L0.matvec(b)
    rq = p * p * dot(a, Lb) + p * dot(b, lam) - p * dot(a, imbalance)
    qq = p * p * dot(b, Lb) - 2 * p * dot(b, imbalance) + n_edges
    kappa = -rq / qq if qq > 0 else 0.0
    return a + kappa * b


def solve(
    cg: CostGraph,
    h0: np.ndarray | None = None,
    *,
    tol: float = 1e-10,
    maxiter: int | None = None,
    callback=None,
    warm_start: bool = True,
    preconditioner: str = "auto",
    cg_maxiter: int = CG_MAXITER,
) -> SolverOutput:
    """Balance ``cg`` by damped inexact Newton (docs/algorithms.rst, 'Newton').

    Parameters
    ----------
    cg : CostGraph
        A feasible cost graph.
    h0 : ndarray, optional
        Start; default: the log-least-squares warm start, kept only if it
        lowers C below C(0).
    tol : float
        Target ``relnode``.
    maxiter : int, optional
        Newton steps (default 100).
    callback : callable, optional
        ``callback(iteration, h, record)`` after each step.
    warm_start : bool
        Use the warm start when ``h0`` is None.
    preconditioner : {"auto", "jacobi", "direct"}
        "direct" (dense Cholesky) is used automatically for small problems.
    cg_maxiter : int
        Cap on conjugate-gradient iterations per Newton step.

    Returns
    -------
    SolverOutput
        ``extra`` holds ``cg_iterations`` (per step), ``warm_start`` and ``dense``.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> from graphbal._core.costgraph import cost_graph
    >>> out = solve(cost_graph(graphbal.Network(np.array([[0.0, 4.0], [1.0, 0.0]])), 2.0), tol=1e-12)
    >>> out.converged, round(out.flows.cost, 9)  # C* = 2 sqrt(16 * 1)
    (True, 8.0)
    """
    maxiter = 100 if maxiter is None else int(maxiter)
    fixed = gauge_pins(cg)
    es = edge_structure(cg, fixed)
    n_free = int((~fixed).sum())
    dense = preconditioner == "direct" or (preconditioner == "auto" and n_free <= DENSE_NEWTON_MAX)
    h, f, used_warm = _start(cg, es, h0, warm_start and n_free > 0, dense)
    history = [record(f, cg_iterations=0)]
    cg_counts: list[int] = []
    converged = f.relnode <= tol
    it = 0
    while not converged and it < maxiter:
        it += 1
        step, ncg = _direction(cg, es, f, tol, cg_maxiter, dense)
        cg_counts.append(ncg)
        if not step.any():  # nothing left that the linear solve can resolve: stop rather than idle
            break
        accepted = _line_search(cg, h, f, step)
        if accepted is None:
            break
        h, f, t = accepted
        rec = record(f, cg_iterations=ncg, step=t)
        history.append(rec)
        if callback is not None:
            callback(it, h, rec)
        converged = f.relnode <= tol
    extra = {"cg_iterations": cg_counts, "warm_start": used_warm, "dense": dense}
    return SolverOutput(h=h, converged=bool(converged), history=tuple(history), iterations=it, flows=f, extra=extra)


def _start(cg: CostGraph, es: EdgeStructure, h0, warm: bool, dense: bool) -> tuple[np.ndarray, Flows, bool]:
    """``h0`` if given, else the warm start if it lowers C below C(0), else 0; with its flows."""
    if h0 is not None:
        h = np.array(h0, dtype=np.float64)
        return h, flows(cg, h), False
    if warm:
        hw = warm_start_h(cg, es, dense)
        hw[es.fixed] = 0.0
        fw = flows(cg, hw)
        if np.isfinite(fw.log_total) and fw.log_total < log_total_at_zero(cg):  # C(0) without a flows pass
            return hw, fw, True
    h = np.zeros(cg.n)
    return h, flows(cg, h), False


def _direction(cg: CostGraph, es: EdgeStructure, f: Flows, tol: float, cg_maxiter: int, dense: bool):
    """The inexact Newton step ``L d = -g / p`` and its CG iteration count."""
    p = cg.p
    L = es.laplacian(f.edge, f.incoming + f.outgoing, f.io)
    rhs = np.where(es.fixed, 0.0, -f.g / p)
    # forcing term; CG also stops once the linear model predicts relnode <= tol / 4
    eta = min(0.5, FORCING * np.sqrt(max(f.rel1, 0.0)))
    return solve_linear(L, rhs, eta, cg_maxiter, dense, node_tol=0.25 * tol / p)


def _line_search(cg: CostGraph, h: np.ndarray, f: Flows, step: np.ndarray):
    """Backtracking (Armijo) along ``step``; ``(h, flows, t)`` of the accepted point, or None.

    Where the slope is at rounding level, a full step is accepted if it does
    not double the gradient's 1-norm (C cannot resolve the decrease there).
    """
    slope = cg.p * dot(f.g, step)  # scaled directional derivative of C
    g1 = np.abs(f.g).sum()
    t = 1.0
    for _ in range(MAX_HALVINGS):
        trial = h + t * step
        ft = flows(cg, trial)
        if np.isfinite(ft.log_total):
            ratio = np.exp(ft.log_total - f.log_total)
            if ratio <= 1.0 + ARMIJO * t * slope / f.total:
                return trial, ft, t
            if abs(slope) < 100 * np.finfo(float).eps * f.total and t == 1.0:
                if np.abs(ft.g).sum() * np.exp(ft.shift - f.shift) <= 2 * g1:
                    return trial, ft, t
        t *= 0.5
    return None


SOLVER = SolverSpec(name="newton", solve=solve, default_maxiter=100, own_start=True)
