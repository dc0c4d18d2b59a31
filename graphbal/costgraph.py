"""Shared log-domain machinery: the augmented cost graph of a network (B1-B4, spec section 3).

A :class:`CostGraph` holds the free-free synapses as edge arrays in CSR order
(sorted by post, then pre) with log-costs ``logc = log(alpha) + p log|w|``, the
io synapses collapsed to per-neuron log-costs ``lam_in``/``lam_out`` (``-inf``
when absent) and the self-synapses collapsed to one constant. Every solver and
analysis works on these arrays; nothing here loops over edges in Python.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph
from scipy.special import logsumexp

from .errors import GraphbalError
from .parallel import MIN_PARALLEL, chunk_bounds, run_chunks, run_each

__all__ = ["CostGraph", "cost_graph", "check_p", "check_h", "Flows", "flows", "segment_sums", "log_total_at_zero",
           "center_gauge"]


def check_p(p: float) -> float:
    """Validate the cost exponent ``p > 0`` (S3)."""
    try:
        p = float(p)
    except (TypeError, ValueError):
        raise GraphbalError(f"p must be a positive number, got {p!r}") from None
    if not np.isfinite(p) or p <= 0:
        raise GraphbalError(f"p must be a finite number > 0, got {p}")
    return p


def check_h(h, n: int) -> np.ndarray:
    """Validate a potential vector ``h`` of length ``n`` (None means zeros)."""
    if h is None:
        return np.zeros(n)
    h = np.array(h, dtype=np.float64, copy=True)
    if h.shape != (n,):
        raise GraphbalError(f"h has shape {h.shape}, expected ({n},): one potential per hidden neuron")
    if not np.isfinite(h).all():
        raise GraphbalError("h contains NaN or infinite values")
    return h


def _log_abs_pow(values: np.ndarray, p: float) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return p * np.log(np.abs(values))


def _log_alpha(alpha, rows, cols) -> np.ndarray | float:
    if alpha is None:
        return 0.0
    if sp.issparse(alpha):
        vals = np.asarray(sp.csr_array(alpha)[rows, cols]).ravel()
    else:
        vals = np.asarray(alpha)[rows, cols]
    with np.errstate(divide="ignore"):
        return np.log(vals)


def _io_logcost(M: np.ndarray | None, alpha: np.ndarray | None, p: float, axis: int, n: int) -> np.ndarray:
    """Per-neuron log of the summed io costs (all channels of a neuron merge into one ground edge, B1)."""
    out = np.full(n, -np.inf)
    if M is None or M.size == 0:
        return out
    A = M if axis == 1 else M.T  # neurons along rows
    rows, cols = np.nonzero(A)  # row-major: rows sorted
    logc = _log_abs_pow(A[rows, cols], p)
    if alpha is not None:
        with np.errstate(divide="ignore"):
            logc = logc + np.log((alpha if axis == 1 else alpha.T)[rows, cols])
    keep = np.isfinite(logc)
    rows, logc = rows[keep], logc[keep]
    if rows.size == 0:
        return out
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    top = np.maximum.reduceat(logc, starts)
    sums = np.add.reduceat(np.exp(logc - np.repeat(top, np.diff(np.r_[starts, rows.size]))), starts)
    out[rows[starts]] = top + np.log(sums)
    return out


@dataclasses.dataclass(frozen=True, eq=False)
class CostGraph:
    """Edge arrays of the augmented cost graph (B1, B3); see module docstring."""

    n: int
    p: float
    post: np.ndarray
    pre: np.ndarray
    logc: np.ndarray
    lam_in: np.ndarray
    lam_out: np.ndarray
    log_self: float
    io_cost: bool

    @property
    def m(self) -> int:
        """Number of free-free (off-diagonal, costed) synapses."""
        return self.post.size

    @property
    def grounded(self) -> np.ndarray:
        """Boolean mask of neurons with a costed io synapse."""
        return np.isfinite(self.lam_in) | np.isfinite(self.lam_out)

    @property
    def has_ground(self) -> bool:
        return bool(self.grounded.any())

    def set_components(self, ncomp: int, labels: np.ndarray) -> None:
        """Cache known weak components (e.g. the SCCs of a feasible graph, which coincide with them)."""
        object.__setattr__(self, "_components", (int(ncomp), np.asarray(labels)))

    def csr_indptr(self) -> np.ndarray:
        """Row pointer of the edges in CSR order (rows = post; cached)."""
        cached = self.__dict__.get("_indptr")
        if cached is None:
            cached = np.zeros(self.n + 1, dtype=np.int64)
            np.cumsum(np.bincount(self.post, minlength=self.n), out=cached[1:])
            object.__setattr__(self, "_indptr", cached)
        return cached

    def pre_intp(self) -> np.ndarray:
        """``pre`` as native index integers (cached): numpy gathers with them without converting each time."""
        cached = self.__dict__.get("_pre_intp")
        if cached is None:
            cached = self.pre.astype(np.intp)
            object.__setattr__(self, "_pre_intp", cached)
        return cached

    def row_chunks(self) -> list[tuple[int, int, int, int]]:
        """``(row_a, row_b, edge_a, edge_b)`` chunks of about equal edge counts for threaded kernels (cached)."""
        cached = self.__dict__.get("_row_chunks")
        if cached is None:
            indptr = self.csr_indptr()
            bounds = chunk_bounds(self.n, indptr[1:]) if self.m >= MIN_PARALLEL else [(0, self.n)]
            cached = [(a, b, int(indptr[a]), int(indptr[b])) for a, b in bounds]
            object.__setattr__(self, "_row_chunks", cached)
        return cached

    def components(self) -> tuple[int, np.ndarray]:
        """Weakly connected components of the free-free graph (ground excluded; cached)."""
        cached = self.__dict__.get("_components")
        if cached is None:
            A = sp.csr_array((np.ones(self.m), self.pre, self.csr_indptr()), shape=(self.n, self.n))
            cached = csgraph.connected_components(A, directed=True, connection="weak")
            object.__setattr__(self, "_components", cached)
        return cached

    def components_touching(self, mask: np.ndarray) -> np.ndarray:
        """Per weak component (:meth:`components`): does any of its neurons have ``mask`` set?"""
        ncomp, labels = self.components()
        out = np.zeros(ncomp, dtype=bool)
        np.logical_or.at(out, labels, mask)
        return out

    def costed(self) -> np.ndarray:
        """Neurons with at least one costed synapse (free-free or io; cached). The others have arbitrary h."""
        cached = self.__dict__.get("_costed")
        if cached is None:
            cached = self.grounded.copy()
            cached[self.post] = True
            cached[self.pre] = True
            object.__setattr__(self, "_costed", cached)
        return cached


def cost_graph(net, p: float = 2.0, *, io_cost: bool = True, alpha=None) -> CostGraph:
    """Build the :class:`CostGraph` of ``net`` at h = 0 (B1).

    ``alpha`` overrides ``net.alpha`` for the recurrent synapses. Zero weights,
    zero cost weights and stored zeros are dropped.
    """
    p = check_p(p)
    n = net.n
    W = net.W
    if sp.issparse(W):
        post = np.repeat(np.arange(n, dtype=np.int64), np.diff(W.indptr))
        pre = W.indices.astype(np.int64)
        vals = W.data
    else:
        post, pre = np.nonzero(W)
        vals = W[post, pre]
    alpha = net.alpha if alpha is None else alpha
    logc = _log_abs_pow(vals, p) + _log_alpha(alpha, post, pre)
    keep = np.isfinite(logc)
    diag = post == pre
    log_self = float(logsumexp(logc[keep & diag])) if (keep & diag).any() else -np.inf
    keep &= ~diag
    itype = np.int32 if n < 2**31 - 1 else np.int64
    if io_cost:
        lam_in = _io_logcost(net.U, net.alpha_U, p, 1, n)
        lam_out = _io_logcost(net.V, net.alpha_V, p, 0, n)
    else:
        lam_in = np.full(n, -np.inf)
        lam_out = np.full(n, -np.inf)
    return CostGraph(n=n, p=p, post=post[keep].astype(itype), pre=pre[keep].astype(itype),
                     logc=np.ascontiguousarray(logc[keep]), lam_in=lam_in, lam_out=lam_out,
                     log_self=log_self, io_cost=io_cost)


@dataclasses.dataclass(frozen=True)
class Flows:
    """Incoming/outgoing costs at some h, all scaled by ``exp(-shift)`` (B3, B4)."""

    shift: float
    incoming: np.ndarray
    outgoing: np.ndarray
    edge: np.ndarray
    total: float  # scaled total cost, self-synapses and io included
    io: np.ndarray | None = None  # each neuron's io costs (input + output), the couplings to the ground

    @property
    def g(self) -> np.ndarray:
        return self.incoming - self.outgoing

    @property
    def log_total(self) -> float:
        return self.shift + np.log(self.total) if self.total > 0 else -np.inf

    @property
    def relnode(self) -> float:
        s = self.incoming + self.outgoing
        active = s > 0
        return float(np.max(np.abs(self.g[active]) / s[active])) if active.any() else 0.0

    @property
    def rel1(self) -> float:
        return float(np.abs(self.g).sum() / self.total) if self.total > 0 else 0.0


PRODUCT_RANGE = 600.0  # flows multiplies exp factors when they all lie within e^-600 (B3; see flows)


def _edge_costs_log(cg: CostGraph, ph: np.ndarray, out: np.ndarray) -> float:
    """``out = logc + ph_post - ph_pre`` per edge (threaded); return its maximum."""
    indptr, pre, chunks = cg.csr_indptr(), cg.pre_intp(), cg.row_chunks()
    counts = np.diff(indptr)

    def chunk(c):
        ra, rb, ea, eb = chunks[c]
        seg = out[ea:eb]
        np.take(ph, pre[ea:eb], out=seg)
        np.subtract(np.repeat(ph[ra:rb], counts[ra:rb]), seg, out=seg)
        seg += cg.logc[ea:eb]
        return seg.max(initial=-np.inf)

    return max(run_each(chunk, len(chunks)), default=-np.inf)


def _scaled_costs(cg: CostGraph) -> tuple[np.ndarray, float, float]:
    """``exp(logc - max logc)`` per edge, ``max logc`` and the log-cost range (cached)."""
    cached = cg.__dict__.get("_scaled_costs")
    if cached is None:
        top = float(cg.logc.max(initial=-np.inf))
        bottom = float(cg.logc.min(initial=np.inf))
        cached = (np.exp(cg.logc - top), top, top - bottom) if cg.m else (np.zeros(0), -np.inf, 0.0)
        object.__setattr__(cg, "_scaled_costs", cached)
    return cached


def flows(cg: CostGraph, h: np.ndarray) -> Flows:
    """Evaluate costs of every synapse at ``h`` in O(m), overflow-free (spec section 3).

    Everything is scaled by ``exp(-shift)``. Two evaluations, both threaded
    over row chunks (``h_post`` a repeat since edges are in CSR order,
    ``h_pre`` one gather, incoming costs segment sums, outgoing costs a
    per-chunk ``bincount``):

    * product form, when every factor lies within ``e^-PRODUCT_RANGE``:
      ``w_e = c_e' E_post F_pre`` with ``c' = exp(logc - max logc)`` (cached),
      ``E = exp(ph - max ph - extra)``, ``F = exp(-ph - max(-ph))``; no
      exponential per edge, nothing can underflow or overflow, and ``shift``
      (a bound on the largest log-cost, at most 700) exceeds it by less than
      ``PRODUCT_RANGE``;
    * log form otherwise: ``s_e = logc + ph_post - ph_pre``, ``shift = max s``
      (also over io and self costs), ``w_e = exp(s_e - shift)``.
    """
    p, n = cg.p, cg.n
    ph = p * np.asarray(h, dtype=np.float64)
    indptr, pre, chunks = cg.csr_indptr(), cg.pre_intp(), cg.row_chunks()
    counts = np.diff(indptr)
    s_in = cg.lam_in + ph
    s_out = cg.lam_out - ph
    io_top = max(s_in.max(initial=-np.inf), s_out.max(initial=-np.inf), cg.log_self)
    w = np.empty(cg.m)
    c_scaled, lc_top, lc_range = _scaled_costs(cg)
    hi, lo = float(ph.max(initial=0.0)), float(ph.min(initial=0.0))
    product = False
    if cg.m:
        bound = lc_top + hi - lo  # >= every edge log-cost
        shift = max(bound, io_top)
        extra = shift - bound
        product = lc_range + 2 * (hi - lo) + extra < PRODUCT_RANGE and shift <= 700.0
    if product:
        E = np.exp(ph - hi - extra)
        F = np.exp(lo - ph)

        def fill(c):
            ra, rb, ea, eb = chunks[c]
            seg = w[ea:eb]
            np.take(F, pre[ea:eb], out=seg)
            seg *= np.repeat(E[ra:rb], counts[ra:rb])
            seg *= c_scaled[ea:eb]

        run_each(fill, len(chunks))
    else:
        shift = max(_edge_costs_log(cg, ph, w), io_top)
        if not np.isfinite(shift):
            shift = 0.0
    w_in = np.exp(s_in - shift)
    incoming = w_in.copy()

    def accumulate(c):
        ra, rb, ea, eb = chunks[c]
        seg = w[ea:eb]
        if not product:
            seg -= shift
            np.exp(seg, out=seg)
        rows = counts[ra:rb] > 0
        if eb > ea:
            incoming[ra:rb][rows] += np.add.reduceat(seg, indptr[ra:rb][rows] - ea)
        return np.bincount(pre[ea:eb], weights=seg, minlength=n), float(seg.sum())

    parts = run_each(accumulate, len(chunks))
    w_out = np.exp(s_out - shift)
    outgoing = w_out + sum(part for part, _ in parts)
    total = sum(t for _, t in parts) + w_in.sum() + w_out.sum() + np.exp(cg.log_self - shift)
    return Flows(shift=float(shift), incoming=incoming, outgoing=outgoing, edge=w, total=float(total), io=w_in + w_out)


def segment_sums(values: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Sums of ``values`` over the CSR rows ``indptr`` (0 for empty rows); faster than a weighted bincount.

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal.costgraph import segment_sums
    >>> segment_sums(np.array([1.0, 2.0, 3.0]), np.array([0, 2, 2, 3]))
    array([3., 0., 3.])
    """
    out = np.zeros(indptr.size - 1)
    nonempty = indptr[1:] > indptr[:-1]
    if values.size:
        out[nonempty] = np.add.reduceat(values, indptr[:-1][nonempty])
    return out


def log_total_at_zero(cg: CostGraph) -> float:
    """``log C(0)`` (B2) without evaluating the flows: a log-sum-exp of all log-costs (cached on ``cg``).

    Threaded over chunks of the edges: one pass for the maximum, one for the
    scaled sum.
    """
    cached = cg.__dict__.get("_log_total_at_zero")
    if cached is not None:
        return cached
    io = np.concatenate([cg.lam_in[np.isfinite(cg.lam_in)], cg.lam_out[np.isfinite(cg.lam_out)], [cg.log_self]])
    bounds = chunk_bounds(cg.m)
    top = max([io.max()] + run_chunks(lambda a, b: float(cg.logc[a:b].max(initial=-np.inf)), bounds))
    if not np.isfinite(top):
        value = -np.inf
    else:
        parts = run_chunks(lambda a, b: float(np.exp(cg.logc[a:b] - top).sum()), bounds)
        value = float(top + np.log(sum(parts) + np.exp(io - top).sum()))
    object.__setattr__(cg, "_log_total_at_zero", value)
    return value


def center_gauge(cg: CostGraph, h: np.ndarray) -> np.ndarray:
    """Fix the gauge: mean zero on ground-free weak components, 0 on cost-free neurons."""
    h = np.array(h, dtype=np.float64, copy=True)
    ncomp, labels = cg.components()
    size = np.maximum(np.bincount(labels, minlength=ncomp), 1)
    mean = np.bincount(labels, weights=h, minlength=ncomp) / size
    free = ~cg.components_touching(cg.grounded)[labels]
    h[free] -= mean[labels[free]]
    h[~cg.costed()] = 0.0
    return h
