"""The grounded Laplacian of a cost graph, applied without assembly, and its mixed-precision solve (B5, section 3).

``L x = d x - A x - A^T x`` with ``A[post, pre] = w_e`` (B5). ``A`` reuses the
cost graph's CSR order, split once into row blocks of about equal nnz that run
in threads (scipy's sparse kernels release the GIL); ``A^T x`` is the same
blocks' transposed (scatter) product, so no transposed copy of the edges and no
per-step permutation of the weights is ever built. Neurons marked ``fixed``
(neurons without costed synapses, or explicit pins) act as identity rows/columns.
A weak component that touches neither the ground nor a fixed neuron keeps its
Laplacian's null vector (the constant, S8 gauge); such systems are solved on
the range: the right-hand side is projected onto it (a no-op when it is
consistent, as Newton's ``-g/p`` always is) and CG stays there. No node is
pinned, so no node collects the other nodes' residuals.

Solves are Jacobi-preconditioned CG in mixed precision (:func:`solve_linear`):
CG runs on the symmetrically scaled Laplacian ``D^-1/2 L D^-1/2``, whose
off-diagonal entries lie in [0, 1], stored and applied in float32 (on random
graphs the matvec is bound by random reads of ``x``; halving their size made it
about 3x faster on the benchmark machine). A float32 pass is trusted down to a
relative residual of ``F32_RTOL``; tighter requests are met by iterative
refinement against the exact float64 operator (and, if that stalls, float64
CG), so the answer has float64 accuracy whatever the tolerance.
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.sparse import linalg as spla

from ..costgraph import CostGraph
from ..parallel import chunk_bounds, dot, norm, run_each

__all__ = ["EdgeStructure", "edge_structure", "GroundedLaplacian", "solve_linear", "project_to_range", "F32_RTOL",
           "MAX_REFINE"]

F32_RTOL = 1e-4  # a float32 CG pass is trusted to this relative residual; tighter requests are refined in float64
TINY = 1e-15  # scaled couplings below this are dropped from the float32 operator (relative to its unit diagonal)
FLUSH = 1e-20  # float32 operands below this fraction of the largest are flushed to zero before a product
MAX_REFINE = 12  # refinement rounds before falling back to plain float64 CG


@dataclasses.dataclass(frozen=True, eq=False)
class EdgeStructure:
    """Index arrays of ``A`` (CSR order of the cost graph) and its row blocks, built once.

    ``fixed`` marks neurons held at their current h (identity rows/columns).
    ``null_labels`` numbers the components whose Laplacian is singular (no
    ground, no fixed neuron; -1 elsewhere), ``n_null`` counts them.
    ``blocks`` holds ``(a, b, rows, rows_T)``: rows a..b-1 of the pattern as CSR
    and their transpose as CSC over the same index arrays (scipy copies sliced
    views on construction, so they are sliced here once); each Laplacian only
    attaches its data. ``pre`` is the intp copy used for gathers.
    """

    n: int
    indptr: np.ndarray
    indices: np.ndarray
    post: np.ndarray
    pre: np.ndarray
    fixed: np.ndarray
    blocks: tuple = ()
    null_labels: np.ndarray | None = None
    n_null: int = 0

    def laplacian(self, w: np.ndarray, diag: np.ndarray) -> GroundedLaplacian:
        """The float64 Laplacian for edge weights ``w`` (CSR order) and diagonal ``diag``."""
        return GroundedLaplacian(self, w, diag)


def edge_structure(cg: CostGraph, fixed: np.ndarray) -> EdgeStructure:
    """Build the :class:`EdgeStructure` of ``cg`` once (spec section 3)."""
    n, m = cg.n, cg.m
    itype = np.int32 if max(n, m) < 2**31 - 1 else np.int64  # one index dtype: scipy would copy to unify
    indptr = cg.csr_indptr().astype(itype)
    indices = cg.pre.astype(itype, copy=False)
    bounds = chunk_bounds(n, indptr[1:]) if m > 0 else chunk_bounds(n)
    blocks = tuple((a, b) + _rows(indptr, indices, a, b, n) for a, b in bounds)
    fixed = np.asarray(fixed, dtype=bool)
    null_labels, n_null = _null_components(cg, fixed)
    return EdgeStructure(n=n, indptr=indptr, indices=indices, post=cg.post, pre=cg.pre_intp(),
                         fixed=fixed, blocks=blocks, null_labels=null_labels, n_null=n_null)


def _null_components(cg: CostGraph, fixed: np.ndarray) -> tuple[np.ndarray, int]:
    """Label the weak components that touch neither the ground nor a fixed neuron (singular blocks of L)."""
    ncomp, labels = cg.components()
    anchored = np.zeros(ncomp, dtype=bool)
    np.logical_or.at(anchored, labels, cg.grounded | fixed)
    keep = ~anchored
    number = np.full(ncomp, -1, dtype=np.intp)
    number[keep] = np.arange(int(keep.sum()))
    return number[labels], int(keep.sum())


def project_to_range(es: EdgeStructure, x: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Remove from ``x`` its component along the null vector ``v`` of each singular block (a copy)."""
    x = np.array(x, copy=True)
    if es.n_null == 0:
        return x
    lab = es.null_labels
    on = lab >= 0
    vv = np.bincount(lab[on], weights=v[on] * v[on], minlength=es.n_null)
    xv = np.bincount(lab[on], weights=x[on] * v[on], minlength=es.n_null)
    coef = np.divide(xv, vv, out=np.zeros_like(xv), where=vv > 0)
    x[on] -= coef[lab[on]] * v[on]
    return x


def _rows(indptr: np.ndarray, indices: np.ndarray, a: int, b: int, n: int) -> tuple[sp.csr_array, sp.csc_array]:
    """Rows a..b-1 of a CSR pattern and its transpose (CSC, same arrays), with placeholder data.

    Each Laplacian attaches its own data with :func:`_with_data`; building the
    transpose here once avoids scipy's per-call copies in ``.T``.
    """
    s, e = indptr[a], indptr[b]
    ind, ptr, zero = indices[s:e], indptr[a:b + 1] - s, np.zeros(e - s, dtype=np.float32)
    return sp.csr_array((zero, ind, ptr), shape=(b - a, n)), sp.csc_array((zero, ind, ptr), shape=(n, b - a))


def _with_data(template: sp.csr_array, data: np.ndarray) -> sp.csr_array:
    """A shallow copy of a CSR block sharing its index arrays, with new data (no copy, no checks)."""
    out = copy.copy(template)
    out.data = data
    return out


def _attach(es: EdgeStructure, data: np.ndarray) -> list:
    """The row blocks of ``es`` (and their transposes) carrying slices of ``data``."""
    out = []
    for a, b, A, At in es.blocks:
        seg = data[es.indptr[a]:es.indptr[b]]
        out.append((a, b, _with_data(A, seg), _with_data(At, seg)))
    return out


def _symmetric_apply(es: EdgeStructure, blocks: list, z: np.ndarray) -> np.ndarray:
    """``(A + A^T) z`` from the row blocks of ``A``: a gather for ``A z`` and a scatter for ``A^T z`` per block."""
    n = es.n
    out = np.empty(n, dtype=z.dtype)

    def block(i):
        a, b, A, At = blocks[i]
        out[a:b] = A @ z
        return At @ z[a:b]

    for part in run_each(block, len(blocks)):
        out += part
    return out


class GroundedLaplacian(spla.LinearOperator):
    """Matrix-free float64 (grounded) Laplacian with identity rows/columns on fixed neurons (B5)."""

    def __init__(self, es: EdgeStructure, w: np.ndarray, diag: np.ndarray):
        n = es.n
        super().__init__(dtype=np.float64, shape=(n, n))
        self.es, self.w = es, w
        self.d = np.where(es.fixed, 1.0, diag)
        self.free = (~es.fixed).astype(np.float64)
        self.blocks = _attach(es, w)
        self._scaled = None

    def diagonal(self) -> np.ndarray:
        return self.d

    def _matvec(self, x):
        x = np.ravel(x)
        return self.d * x - self.free * _symmetric_apply(self.es, self.blocks, x * self.free)

    def _rmatvec(self, x):
        return self._matvec(x)

    def toarray(self) -> np.ndarray:
        """Dense form (small problems only)."""
        n, es = self.shape[0], self.es
        A = sp.csr_array((self.w, es.indices, es.indptr), shape=(n, n))
        off = (A + A.T).toarray() * np.outer(self.free, self.free)
        return np.diag(self.d) - off

    def scaled32(self) -> _ScaledLaplacian32:
        """``D^-1/2 L D^-1/2`` with float32 off-diagonal data (unit diagonal); built once per Laplacian."""
        if self._scaled is None:
            self._scaled = _ScaledLaplacian32(self)
        return self._scaled


class _ScaledLaplacian32(spla.LinearOperator):
    """``y -> y - S (A + A^T) S y``, ``S = D^-1/2`` on free neurons (0 on fixed), entirely in float32.

    Its dtype is float32, so CG keeps its vectors in float32 too: half the
    memory traffic of the vector updates, and on large graphs the vectors stay
    in cache beside the matvec's gathers.
    """

    def __init__(self, L: GroundedLaplacian):
        es = L.es
        super().__init__(dtype=np.float32, shape=L.shape)
        self.es = es
        self.s = np.where(es.fixed, 0.0, 1.0 / np.sqrt(np.where(L.d > 0, L.d, 1.0)))
        s32 = self.s.astype(np.float32)
        data = np.empty(L.w.size, dtype=np.float32)
        w, pre, indptr = L.w, es.pre, es.indptr
        counts = np.diff(indptr)

        def fill(i):  # w_e s_post s_pre <= 1 (w_e <= d_post and <= d_pre): float32 loses nothing that matters
            a, b = es.blocks[i][:2]
            ea, eb = indptr[a], indptr[b]
            v = w[ea:eb] * np.repeat(self.s[a:b], counts[a:b])  # edges are in CSR order: s_post is a repeat
            v *= np.take(s32, pre[ea:eb])
            v[v < TINY] = 0.0  # against the unit diagonal these are nothing, and float32 subnormals are slow
            data[ea:eb] = v

        run_each(fill, len(es.blocks))
        self.blocks = _attach(es, data)

    def _matvec(self, y):
        y32 = np.ravel(y).astype(np.float32)  # a copy: the caller's vector is not flushed
        y32[np.abs(y32) < FLUSH * float(np.abs(y32).max(initial=0.0))] = 0.0  # no subnormal products (slow)
        out = _symmetric_apply(self.es, self.blocks, y32)
        np.subtract(y, out, out=out, casting="unsafe")
        return out

    def _rmatvec(self, y):
        return self._matvec(y)


def _cg(matvec, b: np.ndarray, rtol: float, maxiter: int, weights: np.ndarray | None = None,
        node_tol: float = 0.0) -> tuple[np.ndarray, int, np.ndarray]:
    """Plain CG on an SPD operator in the dtype of ``b``, from x = 0; return ``x``, iterations, residual.

    Stops when ``||r|| <= rtol ||b||`` or, if ``node_tol > 0``, when
    ``max |weights * r| <= node_tol`` (the per-node test Newton needs; scipy's
    ``cg`` can test neither that, nor run allocation-free and without BLAS, hence this loop).
    ``r`` is the recurrence residual.
    """
    x = np.zeros_like(b)
    r = b.copy()
    d = r.copy()
    tmp = np.empty_like(b)
    rr = dot(r, r)
    target = (rtol * np.sqrt(rr)) ** 2

    def node_met() -> bool:
        np.abs(r, out=tmp)
        np.multiply(tmp, weights, out=tmp)
        return float(tmp.max(initial=0.0)) <= node_tol

    its = 0
    while rr > target and not (node_tol > 0 and node_met()) and its < maxiter:
        q = matvec(d)
        alpha = rr / dot(d, q)
        x += np.multiply(d, alpha, out=tmp)
        r -= np.multiply(q, alpha, out=tmp)
        rr_new = dot(r, r)
        d *= rr_new / rr
        d += r
        rr = rr_new
        its += 1
    return x, its, r


def solve_linear(L: GroundedLaplacian, rhs: np.ndarray, rtol: float, maxiter: int,
                 dense: bool = False, node_tol: float = 0.0) -> tuple[np.ndarray, int]:
    """Solve ``L x = rhs`` to relative residual ``rtol`` (Jacobi-scaled norm); return ``x`` and CG iterations.

    With ``node_tol > 0`` the solve also stops as soon as every node's
    residual is small against its diagonal, ``max_k |r_k| / d_k <= node_tol``
    (``r = rhs - L x``): Newton's last step needs exactly that, in the max norm,
    and not a 2-norm that overshoots it.

    ``dense=True`` factorises the dense matrix (small problems). Otherwise CG
    runs on ``D^-1/2 L D^-1/2`` in float32. Its result is trusted when it met
    ``rtol >= F32_RTOL``; otherwise the float64 residual is checked, and
    iterative refinement follows: each round solves for the correction in
    float32 and recomputes the true residual, until a criterion holds. If
    refinement stalls it finishes with float64 CG on the scaled system from
    the current iterate. ``maxiter`` caps the CG iterations of each pass.
    """
    es = L.es
    if dense:
        A = L.toarray()
        if es.n_null:  # L + Z Z^T (Z: indicators of the singular blocks) is SPD and has the same range solution
            on = np.flatnonzero(es.null_labels >= 0)
            Z = np.zeros((es.n, es.n_null))
            Z[on, es.null_labels[on]] = 1.0
            A += Z @ Z.T
            rhs = project_to_range(es, rhs, np.ones(es.n))
        return sla.solve(A, rhs, assume_a="pos"), 0
    S = L.scaled32()
    s = S.s + es.fixed  # scaling with 1 on fixed neurons (identity rows)
    null = np.where(es.fixed, 0.0, np.sqrt(L.d))  # the scaled operator's null vectors (on singular blocks)
    b = project_to_range(es, s * rhs, null)
    bnorm = norm(b)
    if bnorm == 0.0:
        return np.zeros_like(rhs), 0
    w32 = S.s.astype(np.float32)  # |r_k| / d_k = |rho_k| s_k for the scaled residual rho = s r

    def solved(rho: np.ndarray) -> bool:
        return norm(rho) <= rtol * bnorm or (
            node_tol > 0 and float(np.max(np.abs(rho) * S.s, initial=0.0)) <= node_tol)

    y, total, rho = _cg(S.matvec, b.astype(np.float32), max(rtol, F32_RTOL), maxiter, w32, node_tol)
    y = y.astype(np.float64)
    if rtol >= F32_RTOL and norm(rho) <= rtol * bnorm:
        return s * y, total
    rnorm_prev = np.inf
    for _ in range(MAX_REFINE):
        r = project_to_range(es, s * (rhs - L.matvec(s * y)), null)
        if solved(r):
            return s * y, total
        rnorm = norm(r)
        if rnorm > 0.5 * rnorm_prev:  # float32 passes no longer gain: finish in float64
            break
        rnorm_prev = rnorm
        dy, its, _ = _cg(S.matvec, r.astype(np.float32), max(rtol * bnorm / rnorm, F32_RTOL), maxiter, w32, node_tol)
        y, total = y + dy, total + its
    r = project_to_range(es, s * (rhs - L.matvec(s * y)), null)
    if solved(r):
        return s * y, total
    dy, its, _ = _cg(lambda v: s * L.matvec(s * v), r, rtol * bnorm / norm(r), maxiter, S.s, node_tol)
    return s * (y + dy), total + its
