"""The grounded Laplacian of a cost graph: the one assembly, as CSR and matrix-free.

The Hessian of C is ``p^2 L(h)`` (docs/theory.rst, 'The Laplacian'):
``L x = d x - A x - A^T x`` with ``A[post, pre] = w_e`` the synapse costs at
``h`` and ``d`` each neuron's incoming plus outgoing cost (io included, so the
ground's row and column are deleted). :func:`laplacian_csr` assembles it as a
sparse matrix in true units; :class:`GroundedLaplacian` applies it without
assembly for the solvers. ``A`` reuses the
cost graph's CSR order, split once into row blocks of about equal nnz that run
in threads (scipy's sparse kernels release the GIL); ``A^T x`` is the same
blocks' transposed (scatter) product, so no transposed copy of the edges and no
per-step permutation of the weights is ever built. Neurons marked ``fixed``
(neurons without costed synapses, or explicit pins) act as identity rows/columns.
A weak component that touches neither the ground nor a fixed neuron keeps its
Laplacian's null vector (the constant: the gauge); :mod:`graphbal._core.linsolve`
solves such blocks on the range, so no neuron is pinned.

The float32 operator ``D^-1/2 L D^-1/2`` (:meth:`GroundedLaplacian.scaled32`)
has a unit diagonal and off-diagonal entries in [0, 1]; on random graphs the
matvec is bound by random reads of ``x``, and halving their size made it about
3x faster on the benchmark machine.
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import scipy.sparse as sp
from scipy.sparse import linalg as spla

from .costgraph import CostGraph
from .flows import Flows
from .parallel import chunk_bounds, dot, run_each

__all__ = [
    "EdgeStructure",
    "edge_structure",
    "GroundedLaplacian",
    "laplacian_csr",
    "project_to_range",
    "TINY",
    "FLUSH",
]

TINY = 1e-15  # scaled couplings below this are dropped from the float32 operator (relative to its unit diagonal)
FLUSH = 1e-20  # float32 operands below this fraction of the largest are flushed to zero before a product


@dataclasses.dataclass(frozen=True, eq=False)
class EdgeStructure:
    """Index arrays of ``A`` (CSR order of the cost graph) and its row blocks, built once.

    ``fixed`` marks neurons held at their current h (identity rows/columns).
    ``null_labels`` numbers the components whose Laplacian is singular (no
    ground, no fixed neuron; -1 elsewhere), ``n_null`` counts them.
    ``ground_block`` marks the neurons of the components that touch the ground
    when none of them is fixed: there the solve may treat the ground as one
    more unknown (see :mod:`graphbal._core.linsolve`); None otherwise.
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
    ground_block: np.ndarray | None = None

    def laplacian(self, w: np.ndarray, diag: np.ndarray, io: np.ndarray | None = None) -> GroundedLaplacian:
        """The float64 Laplacian for edge weights ``w`` (CSR order) and diagonal ``diag``.

        ``io`` (each neuron's coupling to the ground, ``diag`` minus its edge
        weights) lets the solve treat the ground as an unknown.
        """
        return GroundedLaplacian(self, w, diag, io)


def laplacian_csr(cg: CostGraph, f: Flows) -> sp.csr_array:
    """The grounded Laplacian at the costs ``f`` (from :func:`~graphbal._core.flows.flows`), in true units, as CSR.

    ``L_kl = -(c_kl + c_lk)`` for k != l and ``L_kk = in_k + out_k``.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> from graphbal._core.costgraph import cost_graph
    >>> from graphbal._core.flows import flows
    >>> cg = cost_graph(graphbal.Network(np.array([[0.0, 2.0], [1.0, 0.0]]), U=[[1.0], [0.0]]), 2.0)
    >>> laplacian_csr(cg, flows(cg, np.zeros(2))).toarray()
    array([[ 6., -5.],
           [-5.,  5.]])
    """
    A = _csr(cg.n, f.unscaled(f.edge), cg.pre, cg.indptr)
    return sp.csr_array(sp.diags_array(f.unscaled(f.incoming + f.outgoing)) - A - A.T)


def _csr(n: int, w: np.ndarray, indices: np.ndarray, indptr: np.ndarray) -> sp.csr_array:
    """``A[post, pre] = w`` from edges in CSR order."""
    return sp.csr_array((w, indices, indptr), shape=(n, n))


def edge_structure(cg: CostGraph, fixed: np.ndarray) -> EdgeStructure:
    """Build the :class:`EdgeStructure` of ``cg`` once.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> from graphbal._core.costgraph import cost_graph
    >>> cg = cost_graph(graphbal.Network(np.array([[0.0, 1.0], [1.0, 0.0]]), U=[[1.0], [0.0]]), 2.0)
    >>> es = edge_structure(cg, np.zeros(2, dtype=bool))
    >>> es.n_null, es.ground_block.tolist()  # grounded: nothing singular, both neurons in the ground's block
    (0, [True, True])
    """
    n, m = cg.n, cg.m
    itype = np.int32 if max(n, m) < 2**31 - 1 else np.int64  # one index dtype: scipy would copy to unify
    indptr = cg.csr_indptr().astype(itype)
    indices = cg.pre.astype(itype, copy=False)
    bounds = chunk_bounds(n, indptr[1:]) if m > 0 else chunk_bounds(n)
    blocks = tuple((a, b) + _rows(indptr, indices, a, b, n) for a, b in bounds)
    fixed = np.asarray(fixed, dtype=bool)
    null_labels, n_null, ground_block = _components(cg, fixed)
    return EdgeStructure(
        n=n,
        indptr=indptr,
        indices=indices,
        post=cg.post,
        pre=cg.pre_intp(),
        fixed=fixed,
        blocks=blocks,
        null_labels=null_labels,
        n_null=n_null,
        ground_block=ground_block,
    )


def _components(cg: CostGraph, fixed: np.ndarray) -> tuple[np.ndarray, int, np.ndarray | None]:
    """Singular blocks of L (components touching neither ground nor a fixed neuron) and the ground's block."""
    ncomp, labels = cg.components()
    grounded = cg.components_touching(cg.grounded)
    pinned = cg.components_touching(fixed)
    keep = ~(grounded | pinned)
    number = np.full(ncomp, -1, dtype=np.intp)
    number[keep] = np.arange(int(keep.sum()))
    ground_block = grounded[labels] if grounded.any() and not (grounded & pinned).any() else None
    return number[labels], int(keep.sum()), ground_block


def project_to_range(es: EdgeStructure, x: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Remove from ``x`` its component along the null vector ``v`` of each singular block (a copy).

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> from graphbal._core.costgraph import cost_graph
    >>> cg = cost_graph(graphbal.Network(np.array([[0.0, 1.0], [1.0, 0.0]])), 2.0)  # no ground: singular
    >>> es = edge_structure(cg, np.zeros(2, dtype=bool))
    >>> project_to_range(es, np.array([3.0, 1.0]), np.ones(2))
    array([ 1., -1.])
    """
    x = np.array(x, copy=True)
    if es.n_null == 0:
        return x
    lab = es.null_labels
    if es.n_null == 1 and lab[0] >= 0 and lab.min() == 0:  # one singular block holding every neuron
        vv = dot(v, v)
        if vv > 0:
            x -= (dot(x, v) / vv) * v
        return x
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
    ind, ptr, zero = indices[s:e], indptr[a : b + 1] - s, np.zeros(e - s, dtype=np.float32)
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
        seg = data[es.indptr[a] : es.indptr[b]]
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
    """Matrix-free float64 (grounded) Laplacian with identity rows/columns on fixed neurons."""

    def __init__(self, es: EdgeStructure, w: np.ndarray, diag: np.ndarray, io: np.ndarray | None = None):
        n = es.n
        super().__init__(dtype=np.float64, shape=(n, n))
        self.es, self.w = es, w
        self.io = None if io is None or es.ground_block is None else np.where(es.fixed, 0.0, io)
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
        A = _csr(n, self.w, es.indices, es.indptr)
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
        self.ground = L.io is not None and float(L.io.sum()) > 0
        if self.ground:  # the ground as unknown n: its diagonal is the total io cost, its couplings io_k
            self.s_ground = 1.0 / np.sqrt(float(L.io.sum()))
            self.c32 = (L.io * self.s * self.s_ground).astype(np.float32)  # <= 1, like the other couplings

    def _matvec(self, y):
        y32 = np.ravel(y).astype(np.float32)  # a copy: the caller's vector is not flushed
        y32[np.abs(y32) < FLUSH * float(np.abs(y32).max(initial=0.0))] = 0.0  # no subnormal products (slow)
        out = _symmetric_apply(self.es, self.blocks, y32)
        np.subtract(y, out, out=out, casting="unsafe")
        return out

    def matvec_grounded(self, y: np.ndarray) -> np.ndarray:
        """The same operator with the ground as unknown ``n`` (``y`` has n + 1 float32 entries)."""
        n = self.es.n
        out = np.empty(n + 1, dtype=np.float32)
        out[:n] = self._matvec(y[:n])
        out[:n] -= self.c32 * y[n]
        out[n] = y[n] - dot(self.c32, y[:n])
        return out

    def _rmatvec(self, y):
        return self._matvec(y)
