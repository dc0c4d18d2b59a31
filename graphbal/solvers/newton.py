"""Damped inexact Newton in the log domain with grounded-Laplacian PCG (B5, B8, spec section 4).

The Hessian of C is p^2 L(h) (B5), so the Newton direction solves
``L(h) d = -g(h) / p``; everything is scaled by ``exp(-shift)`` (section 3),
which leaves the direction and the imbalance measures unchanged. The
Laplacian is never assembled (:mod:`graphbal.solvers.laplacian`): index arrays
are built once and each CG matvec applies ``d x - A x - A^T x`` on the edge
arrays (no COO->CSR conversion in any loop).

Choices (documented deviations, README "Choices"): the Jacobi-preconditioned
CG runs as plain CG on ``D^-1/2 L D^-1/2`` in float32 (:mod:`.linsolve`);
when the forcing term ``eta_k`` asks for less than ``F32_RTOL`` (1e-4) the
residual is verified and refined in float64. ``eta_k`` is measured in the
Jacobi-scaled norm, and CG also stops once the linear model predicts
``relnode <= tol / 4``. No neuron is pinned (spec section 3 pins one per
ground-free component): singular blocks are solved on their range and the
ground is an unknown. The warm start solves to 1e-4 (see :func:`warm_start_h`).
"""

from __future__ import annotations

import numpy as np

from ..costgraph import CostGraph, flows, log_total_at_zero, segment_sums
from ..parallel import dot
from .common import SolverOutput, record
from .laplacian import EdgeStructure, GroundedLaplacian, edge_structure
from .linsolve import solve_linear

__all__ = ["solve", "EdgeStructure", "edge_structure", "GroundedLaplacian", "gauge_pins", "solve_linear",
           "warm_start_h"]

DENSE_LIMIT = 150  # dense Cholesky up to this many unknowns (CG is faster beyond ~100: 20 ms vs 176 ms at n = 800)
WARM_RTOL = 1e-4  # tolerance of the warm-start solves (B8 says 1e-6; see warm_start_h)
FORCING = 0.1  # forcing term eta_k = FORCING * sqrt(rel1) (spec section 4)


def gauge_pins(cg: CostGraph) -> np.ndarray:
    """Neurons held fixed during Newton: those without any costed synapse (their h is arbitrary).

    Choice: ground-free components get no pin. Their Laplacian keeps its
    constant null vector and is solved on its range (see
    :mod:`graphbal.solvers.laplacian`); a pinned neuron would instead collect
    the residuals of all other neurons of its component, and its relnode
    could stall above tol while every other neuron is balanced.
    """
    return ~cg.costed()


def warm_start_h(cg: CostGraph, es: EdgeStructure, dense: bool) -> np.ndarray:
    """Log-least-squares warm start (B8).

    Minimises ``sum_e (l_e - kappa + p (h_post - h_pre))^2`` over h and the
    common level kappa: ``h0 = a + kappa b`` from two grounded-Laplacian solves.
    Choice: the log-costs are first centred on their mean ``mu`` (this only
    reparametrises kappa, so the minimiser is unchanged). Both solves run to
    ``WARM_RTOL`` = 1e-4 (one float32 pass) rather than the spec's 1e-6: on the
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
    a, _ = solve_linear(L0, -lam / p, WARM_RTOL, 2000, dense)
    b, _ = solve_linear(L0, imbalance / p, WARM_RTOL, 2000, dense)
    # r_e = l_e + p da_e, q_e = p db_e - 1 over all edges (io included, the ground at 0); sum_e l_e = 0
    Lb = L0.matvec(b)
    rq = p * p * dot(a, Lb) + p * dot(b, lam) - p * dot(a, imbalance)
    qq = p * p * dot(b, Lb) - 2 * p * dot(b, imbalance) + n_edges
    kappa = -rq / qq if qq > 0 else 0.0
    return a + kappa * b


def solve(cg: CostGraph, h0: np.ndarray | None = None, *, tol: float = 1e-10, maxiter: int | None = None,
          callback=None, warm_start: bool = True, preconditioner: str = "auto", cg_maxiter: int = 2000) -> SolverOutput:
    """Balance ``cg`` by damped inexact Newton (spec section 4).

    Parameters
    ----------
    cg : CostGraph
        A feasible cost graph.
    h0 : ndarray, optional
        Start; default: the log-least-squares warm start (B8), kept only if it
        lowers C below C(0).
    tol : float
        Target ``relnode`` (B4).
    maxiter : int, optional
        Newton steps (default 100).
    callback : callable, optional
        ``callback(iteration, h, record)`` after each step.
    warm_start : bool
        Use (B8) when ``h0`` is None.
    preconditioner : {"auto", "jacobi", "direct"}
        "direct" (dense Cholesky) is used automatically for small problems.
    cg_maxiter : int
        Cap on conjugate-gradient iterations per Newton step.

    Returns
    -------
    SolverOutput
        ``extra`` holds ``cg_iterations`` (per step) and ``warm_start``.
    """
    maxiter = 100 if maxiter is None else int(maxiter)
    n, p = cg.n, cg.p
    fixed = gauge_pins(cg)
    es = edge_structure(cg, fixed)
    n_free = int((~fixed).sum())
    dense = preconditioner == "direct" or (preconditioner == "auto" and n_free <= DENSE_LIMIT)
    h = np.zeros(n) if h0 is None else np.array(h0, dtype=np.float64)
    f = None
    used_warm = False
    if h0 is None and warm_start and cg.m + n_free > 0 and n_free > 0:
        hw = warm_start_h(cg, es, dense)
        hw[fixed] = 0.0
        fw = flows(cg, hw)
        if np.isfinite(fw.log_total) and fw.log_total < log_total_at_zero(cg):  # C(0) without a flows pass
            h, f, used_warm = hw, fw, True
    if f is None:
        f = flows(cg, h)
    history = [record(f, cg_iterations=0)]
    cg_counts: list[int] = []
    converged = f.relnode <= tol
    it = 0
    while not converged and it < maxiter:
        it += 1
        g = f.g
        L = es.laplacian(f.edge, f.incoming + f.outgoing, f.io)
        rhs = np.where(fixed, 0.0, -g / p)
        # forcing term (spec section 4); CG also stops once the linear model predicts relnode <= tol / 4
        eta = min(0.5, FORCING * np.sqrt(max(f.rel1, 0.0)))
        step, ncg = solve_linear(L, rhs, eta, cg_maxiter, dense, node_tol=0.25 * tol / p)
        cg_counts.append(ncg)
        if not step.any():  # nothing left that the linear solve can resolve: stop rather than idle
            break
        slope = p * dot(g, step)  # scaled directional derivative of C
        t, accepted = 1.0, False
        g1 = np.abs(g).sum()
        for _ in range(31):
            trial = h + t * step
            ft = flows(cg, trial)
            if np.isfinite(ft.log_total):
                ratio = np.exp(ft.log_total - f.log_total)
                if ratio <= 1.0 + 1e-4 * t * slope / f.total:
                    accepted = True
                elif abs(slope) < 100 * np.finfo(float).eps * f.total and t == 1.0:
                    accepted = np.abs(ft.g).sum() * np.exp(ft.shift - f.shift) <= 2 * g1
                if accepted:
                    break
            t *= 0.5
        if not accepted:
            break
        h, f = trial, ft
        rec = record(f, cg_iterations=ncg, step=t)
        history.append(rec)
        if callback is not None:
            callback(it, h, rec)
        converged = f.relnode <= tol
    return SolverOutput(h=h, converged=bool(converged), history=tuple(history), iterations=it, flows=f,
                        extra={"cg_iterations": cg_counts, "warm_start": used_warm, "dense": dense})
