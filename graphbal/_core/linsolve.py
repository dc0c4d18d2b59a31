"""Solving ``L x = rhs`` for the grounded Laplacian: mixed-precision CG (docs/algorithms.rst, 'Newton').

CG runs on the Jacobi-scaled Laplacian ``D^-1/2 L D^-1/2`` in float32
(:meth:`GroundedLaplacian.scaled32`). A float32 pass is trusted down to a
relative residual of ``F32_RTOL``; tighter requests are met by iterative
refinement against the exact float64 operator (and, if that stalls, float64
CG), so the answer has float64 accuracy whatever the tolerance.

Two reformulations keep CG well conditioned; both give exactly the solution
of the grounded system:

* Components without ground and without fixed neurons are singular (their
  constant null vector is the gauge). They are solved on the range: the
  right-hand side is projected onto it (a no-op for consistent systems such
  as Newton's ``-g/p``) and CG stays there. Pinning one neuron instead makes
  the system ill-conditioned, and the pinned neuron collects every other
  neuron's residual.
* When the Laplacian knows its couplings to the ground (``io``), the ground
  becomes unknown ``n``: the augmented Laplacian on n + 1 nodes is singular
  with the constant null vector, the ground's right-hand side is
  ``-sum(rhs)`` over its block (which makes the system consistent), and
  ``x - x_ground`` solves the grounded system (its rows sum to the io
  couplings: ``L 1 = io``). On random graphs with 20 pinned io neurons this
  halved the CG iterations per Newton step.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla

from .costgraph import CostGraph
from .flows import flows
from .gauge import center_gauge, gauge_pins
from .laplacian import GroundedLaplacian, edge_structure, project_to_range
from .limits import DENSE_SOLVE_MAX
from .parallel import dot, norm

__all__ = ["solve_linear", "laplacian_solve", "F32_RTOL", "MAX_REFINE"]

F32_RTOL = 1e-4  # a float32 CG pass is trusted to this relative residual; tighter requests are refined in float64
MAX_REFINE = 12  # refinement rounds before falling back to plain float64 CG


def _cg(
    matvec, b: np.ndarray, atol: float, maxiter: int, weights: np.ndarray | None = None, node_tol: float = 0.0
) -> tuple[np.ndarray, int, np.ndarray]:
    """Plain CG on an SPD operator in the dtype of ``b``, from x = 0; return ``x``, iterations, residual.

    Stops when ``||r|| <= atol`` or, if ``node_tol > 0``, when
    ``max |weights * r| <= node_tol`` (the per-node test Newton needs; scipy's
    ``cg`` can test neither that, nor run allocation-free and without BLAS,
    hence this loop). ``r`` is the recurrence residual.
    """
    x = np.zeros_like(b)
    r = b.copy()
    d = r.copy()
    tmp = np.empty_like(b)
    rr = dot(r, r)
    target = atol * atol

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


def _float32_pass(
    L: GroundedLaplacian, rho: np.ndarray, atol: float, maxiter: int, node_tol: float
) -> tuple[np.ndarray, int, np.ndarray]:
    """One float32 CG pass on the scaled grounded system ``S y = rho``; return ``y``, iterations, residual.

    The system is normalised first (``rho / ||rho||``, node weights ``s / max s``)
    so that float32's range holds it whatever the scale of the costs. With the
    ground as unknown (module docstring) the pass solves the augmented system
    and maps its solution back to the grounded one.
    """
    S = L.scaled32()
    es, n = L.es, L.es.n
    unit = norm(rho)
    if unit == 0.0:
        return np.zeros(n), 0, np.zeros(n)
    s_max = float(S.s.max(initial=0.0)) or 1.0
    w32 = (S.s / s_max).astype(np.float32)  # |r_k| / d_k = |rho_k| s_k for the scaled residual rho = s r
    node = node_tol / (unit * s_max)
    if not S.ground:
        y, its, res = _cg(S.matvec, (rho / unit).astype(np.float32), atol / unit, maxiter, w32, node)
        return y.astype(np.float64) * unit, its, res.astype(np.float64) * unit
    block = es.ground_block
    root_d = np.sqrt(L.d)
    rho_aug = np.empty(n + 1)
    rho_aug[:n] = rho / unit
    rho_aug[n] = -S.s_ground * float(rho_aug[:n][block] @ root_d[block])  # s_g * (-sum of the block's rhs)
    weights = np.append(w32, np.float32(0.0))  # the ground's own residual is not a neuron's
    y, its, res = _cg(S.matvec_grounded, rho_aug.astype(np.float32), atol / unit, maxiter, weights, node)
    y = y.astype(np.float64)
    out = y[:n]
    out[block] -= (S.s_ground * y[n]) * root_d[block]  # x - x_ground on the ground's block, in scaled units
    return out * unit, its, res[:n].astype(np.float64) * unit


def solve_linear(
    L: GroundedLaplacian, rhs: np.ndarray, rtol: float, maxiter: int, dense: bool = False, node_tol: float = 0.0
) -> tuple[np.ndarray, int]:
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
    Singular blocks (no ground, nothing fixed) are solved on the range.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> from graphbal._core.costgraph import cost_graph
    >>> from graphbal._core.flows import flows
    >>> from graphbal._core.laplacian import edge_structure
    >>> cg = cost_graph(graphbal.Network(np.array([[0.0, 1.0], [1.0, 0.0]]), U=[[1.0], [0.0]]), 2.0)
    >>> f = flows(cg, np.zeros(2))
    >>> L = edge_structure(cg, np.zeros(2, dtype=bool)).laplacian(f.edge, f.incoming + f.outgoing, f.io)
    >>> x, _ = solve_linear(L, np.array([1.0, 0.0]), 1e-12, 100)
    >>> np.round(f.unscaled(x), 6)  # L = [[3, -2], [-2, 2]] (unscaled): x = [1, 1]
    array([1., 1.])
    """
    es = L.es
    if dense:
        A = L.toarray()
        if es.n_null:  # L + Z Z^T (Z: scaled indicators of the singular blocks) is SPD, same range solution
            on = np.flatnonzero(es.null_labels >= 0)
            lab = es.null_labels[on]
            size = np.bincount(lab, minlength=es.n_null)
            level = np.bincount(lab, weights=np.diag(A)[on], minlength=es.n_null) / size  # mean diagonal
            Z = np.zeros((es.n, es.n_null))
            Z[on, lab] = np.sqrt(level / size)[lab]  # Z Z^T has eigenvalue `level` on each block's constant
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

    def solved(rho: np.ndarray) -> bool:
        return norm(rho) <= rtol * bnorm or (node_tol > 0 and float(np.max(np.abs(rho) * S.s, initial=0.0)) <= node_tol)

    y, total, rho = _float32_pass(L, b, max(rtol, F32_RTOL) * bnorm, maxiter, node_tol)
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
        dy, its, _ = _float32_pass(L, r, max(rtol * bnorm, F32_RTOL * rnorm), maxiter, node_tol)
        y, total = y + dy, total + its
    r = project_to_range(es, s * (rhs - L.matvec(s * y)), null)
    if solved(r):
        return s * y, total
    dy, its, _ = _cg(lambda v: s * L.matvec(s * v), r, rtol * bnorm, maxiter, S.s, node_tol)
    return s * (y + dy), total + its


def laplacian_solve(cg: CostGraph, h: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve ``L(h) x = rhs`` accurately (1e-12), with the pseudoinverse convention on ground-free components.

    On components touching the ground the grounded Laplacian is invertible;
    on ground-free components ``rhs`` must sum to zero there and the solution
    is the mean-zero one (``L^+ rhs``). Neurons without costed synapses get 0.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> from graphbal._core.costgraph import cost_graph
    >>> cg = cost_graph(graphbal.Network(np.array([[0.0, 1.0], [1.0, 0.0]]), U=[[1.0], [0.0]]), 2.0)
    >>> laplacian_solve(cg, np.zeros(2), np.array([1.0, 0.0])).round(6)  # L = [[3, -2], [-2, 2]]
    array([1., 1.])
    """
    fixed = gauge_pins(cg)
    es = edge_structure(cg, fixed)
    f = flows(cg, h)
    L = es.laplacian(f.edge, f.incoming + f.outgoing, f.io)
    b = np.where(fixed, 0.0, rhs / f.unscaled(1.0))
    x, _ = solve_linear(L, b, 1e-12, 20_000, dense=cg.n <= DENSE_SOLVE_MAX)
    return center_gauge(cg, x)  # mean zero on ground-free components (x is already 0 on fixed neurons)
