"""Damped inexact Newton in the log domain with grounded-Laplacian PCG (B5, B8, spec section 4).

The Hessian of C is p^2 L(h) (B5), so the Newton direction solves
``L(h) d = -g(h) / p``; everything is scaled by ``exp(-shift)`` (section 3),
which leaves the direction and the imbalance measures unchanged. The
Laplacian's sparsity pattern and a scatter map from edges to its slots are
built once; each iteration only refills the data array.
"""

from __future__ import annotations

import dataclasses
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.sparse import linalg as spla

from ..costgraph import CostGraph, flows
from .common import SolverOutput, record

__all__ = ["solve", "LaplacianPattern", "laplacian_pattern"]

DENSE_LIMIT = 1500  # solve exactly with dense Cholesky up to this many unknowns
WARM_RTOL = 1e-6  # PCG tolerance of the warm-start solves (B8)
THREAD_MIN_NNZ = 200_000  # below this a threaded matvec does not pay
_THREADS = max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))
_POOL = ThreadPoolExecutor(_THREADS - 1, thread_name_prefix="graphbal-matvec") if _THREADS > 1 else None


@dataclasses.dataclass(frozen=True, eq=False)
class LaplacianPattern:
    """CSR pattern of the (grounded) Laplacian and the scatter map of edges into it.

    ``scatter_t`` (m x nnz) has ones at each edge's two slots, (post, pre) and
    (pre, post); ``diag`` holds the diagonal slots.
    ``fixed`` marks neurons held at their current h (gauge pins and neurons
    without costed synapses): their rows and columns become identity rows.
    """

    n: int
    indptr: np.ndarray
    indices: np.ndarray
    scatter_t: sp.csr_array
    diag: np.ndarray
    fixed: np.ndarray
    fixed_entries: np.ndarray

    def matrix(self, w: np.ndarray, diag: np.ndarray) -> sp.csr_array:
        """Assemble L from edge weights ``w`` and the diagonal ``diag`` (no format conversion)."""
        data = -(self.scatter_t.T @ w)
        data[self.fixed_entries] = 0.0
        d = np.where(self.fixed, 1.0, diag)
        data[self.diag] = d
        return sp.csr_array((data, self.indices, self.indptr), shape=(self.n, self.n))


def laplacian_pattern(cg: CostGraph, fixed: np.ndarray) -> LaplacianPattern:
    """Build the Laplacian pattern of ``cg`` once (spec section 3).

    The pattern is the canonical CSR form of ``A + A^T + I`` (A = edge pattern).
    Edge slots come from binary searches with sorted needles: forward keys are
    already in CSR order, backward keys are sorted by one CSR->CSC pass. The
    scatter map is stored as its transpose (m x nnz, two entries per row),
    which needs no sorting to build.
    """
    n, m = cg.n, cg.m
    indptr_e = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(cg.post, minlength=n), out=indptr_e[1:])
    ones = sp.csr_array((np.ones(m, dtype=np.int8), cg.pre, indptr_e), shape=(n, n))
    S = sp.csr_array(ones + ones.T + sp.eye_array(n, dtype=np.int8, format="csr"))
    S.sort_indices()
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(S.indptr))
    keys = rows * n + S.indices
    slot_f = np.searchsorted(keys, cg.post.astype(np.int64) * n + cg.pre)
    ids = sp.csr_array((np.arange(m, dtype=np.int64), cg.pre, indptr_e), shape=(n, n))
    At = ids.T.tocsr()  # rows = pre, data = edge ids, in (pre, post) order
    At.sort_indices()
    t_rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(At.indptr))
    slot_b = np.empty(m, dtype=np.int64)
    slot_b[At.data] = np.searchsorted(keys, t_rows * n + At.indices)
    diag = np.searchsorted(keys, np.arange(n, dtype=np.int64) * (n + 1))
    itype = np.int32 if keys.size < 2**31 - 1 else np.int64
    slots = np.empty(2 * m, dtype=itype)
    slots[0::2], slots[1::2] = slot_f, slot_b
    scatter_t = sp.csr_array((np.ones(2 * m), slots, np.arange(0, 2 * m + 1, 2, dtype=itype)), shape=(m, keys.size))
    fixed_entries = np.flatnonzero(fixed[rows] | fixed[S.indices])
    return LaplacianPattern(n=n, indptr=S.indptr, indices=S.indices, scatter_t=scatter_t, diag=diag,
                            fixed=fixed, fixed_entries=fixed_entries)


def _gauge_pins(cg: CostGraph) -> np.ndarray:
    """Neurons held fixed during Newton: one per ground-free component, and cost-free neurons."""
    ncomp, labels = cg.components()
    grounded = cg.grounded
    touches = np.zeros(ncomp, dtype=bool)
    np.logical_or.at(touches, labels, grounded)
    active = grounded.copy()
    active[cg.post] = True
    active[cg.pre] = True
    fixed = ~active
    idx = np.flatnonzero(active)
    comps, pos = np.unique(labels[idx], return_index=True)
    fixed[idx[pos[~touches[comps]]]] = True
    return fixed


def _threaded(L: sp.csr_array) -> spla.LinearOperator | sp.csr_array:
    """``L`` as a LinearOperator whose matvec runs row blocks in threads.

    scipy's sparse matvec releases the GIL, so row blocks of about equal nnz
    (views on L's arrays, no copy) run in parallel; on the memory-bound random
    graphs of the benchmarks this is 1.8-3x faster on 2 cores.
    """
    if _POOL is None or L.nnz < THREAD_MIN_NNZ:
        return L
    cuts = np.searchsorted(L.indptr, np.linspace(0, L.nnz, _THREADS + 1)[1:-1])
    bounds = [0, *cuts.tolist(), L.shape[0]]
    blocks = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        s, e = L.indptr[a], L.indptr[b]
        blocks.append((a, b, sp.csr_array((L.data[s:e], L.indices[s:e], L.indptr[a:b + 1] - s),
                                          shape=(b - a, L.shape[1]), copy=False)))

    def matvec(x):
        x = np.ravel(x)
        out = np.empty(L.shape[0])
        futures = [(a, b, _POOL.submit(B.__matmul__, x)) for a, b, B in blocks[1:]]
        a, b, B = blocks[0]
        out[a:b] = B @ x
        for a, b, fut in futures:
            out[a:b] = fut.result()
        return out

    return spla.LinearOperator(L.shape, matvec=matvec, rmatvec=matvec, dtype=np.float64)


def _solve_linear(L: sp.csr_array, rhs: np.ndarray, rtol: float, maxiter: int, dense: bool) -> tuple[np.ndarray, int]:
    if dense:
        return sla.solve(L.toarray(), rhs, assume_a="pos"), 0
    d = L.diagonal()
    M = spla.LinearOperator(L.shape, matvec=lambda x: x / d, dtype=np.float64)
    count = [0]

    def cb(_):
        count[0] += 1

    x, _info = spla.cg(_threaded(L), rhs, rtol=rtol, atol=0.0, maxiter=maxiter, M=M, callback=cb)
    return x, count[0]


def _warm_start(cg: CostGraph, pattern: LaplacianPattern, dense: bool) -> np.ndarray:
    """Log-least-squares warm start (B8)."""
    n, p = cg.n, cg.p
    has_in, has_out = np.isfinite(cg.lam_in), np.isfinite(cg.lam_out)
    d_in = np.bincount(cg.post, minlength=n) + has_in
    d_out = np.bincount(cg.pre, minlength=n) + has_out
    Lam_in = np.bincount(cg.post, weights=cg.logc, minlength=n) + np.where(has_in, cg.lam_in, 0.0)
    Lam_out = np.bincount(cg.pre, weights=cg.logc, minlength=n) + np.where(has_out, cg.lam_out, 0.0)
    L0 = pattern.matrix(np.ones(cg.m), (d_in + d_out).astype(float))
    free = ~pattern.fixed
    rhs_a = np.where(free, -(Lam_in - Lam_out) / p, 0.0)
    rhs_b = np.where(free, (d_in - d_out) / p, 0.0)
    a, _ = _solve_linear(L0, rhs_a, WARM_RTOL, 2000, dense)
    b, _ = _solve_linear(L0, rhs_b, WARM_RTOL, 2000, dense)
    r = np.concatenate([cg.logc + p * (a[cg.post] - a[cg.pre]), cg.lam_in[has_in] + p * a[has_in],
                        cg.lam_out[has_out] - p * a[has_out]])
    q = np.concatenate([p * (b[cg.post] - b[cg.pre]) - 1.0, p * b[has_in] - 1.0, -p * b[has_out] - 1.0])
    qq = float(q @ q)
    kappa = -float(r @ q) / qq if qq > 0 else 0.0
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
    fixed = _gauge_pins(cg)
    pattern = laplacian_pattern(cg, fixed)
    n_free = int((~fixed).sum())
    dense = preconditioner == "direct" or (preconditioner == "auto" and n_free <= DENSE_LIMIT)
    h = np.zeros(n) if h0 is None else np.array(h0, dtype=np.float64)
    f = flows(cg, h)
    used_warm = False
    if h0 is None and warm_start and cg.m + n_free > 0 and n_free > 0:
        hw = _warm_start(cg, pattern, dense)
        hw[fixed] = 0.0
        fw = flows(cg, hw)
        if np.isfinite(fw.log_total) and fw.log_total < f.log_total:
            h, f, used_warm = hw, fw, True
    history = [record(f, cg_iterations=0)]
    cg_counts: list[int] = []
    converged = f.relnode <= tol
    it = 0
    while not converged and it < maxiter:
        it += 1
        g = f.g
        L = pattern.matrix(f.edge, f.incoming + f.outgoing)
        rhs = np.where(fixed, 0.0, -g / p)
        # forcing term (spec section 4), never tighter than needed to reach tol in this step
        eta = min(0.5, max(0.1 * np.sqrt(max(f.rel1, 0.0)), 0.5 * tol / max(f.relnode, tol)))
        step, ncg = _solve_linear(L, rhs, eta, cg_maxiter, dense)
        cg_counts.append(ncg)
        slope = p * float(g @ step)  # scaled directional derivative of C
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
    return SolverOutput(h=h, converged=bool(converged), history=tuple(history), iterations=it,
                        extra={"cg_iterations": cg_counts, "warm_start": used_warm, "dense": dense})
