"""The augmented cost graph of a network, in the log domain (docs/algorithms.rst, 'The cost graph').

A :class:`CostGraph` holds the free-free synapses as edge arrays in CSR order
(sorted by post, then pre) with log-costs ``logc = log(alpha) + p log|w|``, the
io synapses collapsed to per-neuron log-costs ``lam_in``/``lam_out`` (``-inf``
when absent) and the self-synapses collapsed to one constant. Every solver and
analysis works on these arrays; nothing here loops over edges in Python.

The cost of a synapse, ``c = alpha |w|^p`` (Stock et al. 2022, Eq. 13), is
written once, here: :func:`cost_values` in the linear domain and
:func:`log_cost_values` in the log domain.

A CostGraph is immutable. Its index arrays (row pointer, native-integer
``pre``, thread chunks, the costed-neuron mask) are built by
:func:`make_cost_graph`; its weak components are either given to it (e.g.
the strongly connected components of a feasible graph) or computed on first
use and kept, like the other values derived from its arrays, in its explicit
:class:`DerivedValues` memo.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph
from scipy.special import logsumexp

from .parallel import MIN_PARALLEL, chunk_bounds
from .validate import check_p

__all__ = [
    "CostGraph",
    "DerivedValues",
    "cost_graph",
    "make_cost_graph",
    "restrict",
    "with_components",
    "cost_values",
    "log_cost_values",
]


def cost_values(weights, alpha, p: float):
    """``alpha |w|^p`` elementwise (dense arrays or CSR; ``alpha=None`` means 1).

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal._core.costgraph import cost_values
    >>> cost_values(np.array([2.0, -3.0]), np.array([1.0, 0.5]), 2.0)
    array([4. , 4.5])
    """
    if sp.issparse(weights):
        out = sp.csr_array(weights, copy=True)
        out.data = np.abs(out.data) ** p
        return out if alpha is None else sp.csr_array(out.multiply(alpha))
    c = np.abs(weights) ** p
    return c if alpha is None else c * (alpha.toarray() if sp.issparse(alpha) else alpha)


def log_cost_values(weights: np.ndarray, p: float, log_alpha: np.ndarray | float = 0.0) -> np.ndarray:
    """``p log|w| + log(alpha)`` elementwise: the log of :func:`cost_values` (``-inf`` for zeros).

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal._core.costgraph import log_cost_values
    >>> np.exp(log_cost_values(np.array([2.0, 0.0]), 2.0)).tolist()
    [4.0, 0.0]
    """
    with np.errstate(divide="ignore"):
        return p * np.log(np.abs(weights)) + log_alpha


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
    """Per-neuron log of the summed io costs (all channels of a neuron merge into one ground edge)."""
    out = np.full(n, -np.inf)
    if M is None or M.size == 0:
        return out
    A = M if axis == 1 else M.T  # neurons along rows
    rows, cols = np.nonzero(A)  # row-major: rows sorted
    log_alpha = 0.0 if alpha is None else _log_alpha(alpha if axis == 1 else alpha.T, rows, cols)
    logc = log_cost_values(A[rows, cols], p, log_alpha)
    keep = np.isfinite(logc)
    rows, logc = rows[keep], logc[keep]
    if rows.size == 0:
        return out
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    top = np.maximum.reduceat(logc, starts)
    sums = np.add.reduceat(np.exp(logc - np.repeat(top, np.diff(np.r_[starts, rows.size]))), starts)
    out[rows[starts]] = top + np.log(sums)
    return out


class DerivedValues:
    """An explicit memo of values derived from a :class:`CostGraph`'s (immutable) arrays.

    Each value is computed on first request by the function that defines it
    and then kept; nothing else is ever stored here, so the graph itself
    never changes.
    """

    __slots__ = ("_values", "_lock")

    def __init__(self, **known: Any):
        self._values = dict(known)
        self._lock = threading.Lock()

    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        """The value under ``key``, computed by ``compute()`` the first time."""
        with self._lock:
            if key in self._values:
                return self._values[key]
        value = compute()
        with self._lock:
            return self._values.setdefault(key, value)


@dataclasses.dataclass(frozen=True, eq=False)
class CostGraph:
    """Edge arrays of the augmented cost graph (see the module docstring); build with :func:`make_cost_graph`.

    Attributes
    ----------
    n, p : int, float
        Hidden neurons and cost exponent.
    post, pre, logc : ndarray, shape (m,)
        Free-free (off-diagonal, costed) synapses in CSR order and their log-costs.
    lam_in, lam_out : ndarray, shape (n,)
        Log of each neuron's summed input (ground -> k) and output (k -> ground) costs.
    log_self : float
        Log of the summed self-synapse costs (counted in C, never in g or L).
    io_cost : bool
        Whether io synapses are costed.
    indptr, pre_index, chunks, costed_mask :
        Index arrays built once: CSR row pointer, ``pre`` as ``intp``, thread chunks
        ``(row_a, row_b, edge_a, edge_b)``, neurons with at least one costed synapse.
    """

    n: int
    p: float
    post: np.ndarray
    pre: np.ndarray
    logc: np.ndarray
    lam_in: np.ndarray
    lam_out: np.ndarray
    log_self: float
    io_cost: bool
    indptr: np.ndarray
    pre_index: np.ndarray
    chunks: tuple
    costed_mask: np.ndarray
    derived: DerivedValues = dataclasses.field(repr=False)

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
        """Whether any io synapse is costed."""
        return bool(self.grounded.any())

    def csr_indptr(self) -> np.ndarray:
        """Row pointer of the edges in CSR order (rows = post)."""
        return self.indptr

    def pre_intp(self) -> np.ndarray:
        """``pre`` as native index integers: numpy gathers with them without converting each time."""
        return self.pre_index

    def row_chunks(self) -> tuple:
        """``(row_a, row_b, edge_a, edge_b)`` chunks of about equal edge counts for threaded kernels."""
        return self.chunks

    def costed(self) -> np.ndarray:
        """Neurons with at least one costed synapse (free-free or io). The others have arbitrary h."""
        return self.costed_mask

    def components(self) -> tuple[int, np.ndarray]:
        """Weak components of the free-free graph (ground excluded), or those given at construction."""
        return self.derived.get("components", self._weak_components)

    def _weak_components(self) -> tuple[int, np.ndarray]:
        A = sp.csr_array((np.ones(self.m), self.pre, self.indptr), shape=(self.n, self.n))
        return csgraph.connected_components(A, directed=True, connection="weak")

    def components_touching(self, mask: np.ndarray) -> np.ndarray:
        """Per component (:meth:`components`): does any of its neurons have ``mask`` set?"""
        ncomp, labels = self.components()
        out = np.zeros(ncomp, dtype=bool)
        np.logical_or.at(out, labels, mask)
        return out


def make_cost_graph(
    n: int,
    p: float,
    post: np.ndarray,
    pre: np.ndarray,
    logc: np.ndarray,
    lam_in: np.ndarray,
    lam_out: np.ndarray,
    log_self: float,
    io_cost: bool,
    components: tuple[int, np.ndarray] | None = None,
) -> CostGraph:
    """Assemble a :class:`CostGraph` from edge arrays in CSR order, building its index arrays once.

    ``components`` (count, labels) replaces the weak components when the
    caller knows a partition with the same role (no edge between two parts).

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal._core.costgraph import make_cost_graph
    >>> cg = make_cost_graph(2, 2.0, np.array([0, 1]), np.array([1, 0]), np.zeros(2),
    ...                      np.full(2, -np.inf), np.full(2, -np.inf), -np.inf, True)
    >>> cg.m, cg.csr_indptr().tolist(), cg.components()[0]
    (2, [0, 1, 2], 1)
    """
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(post, minlength=n), out=indptr[1:])
    bounds = chunk_bounds(n, indptr[1:]) if post.size >= MIN_PARALLEL else [(0, n)]
    chunks = tuple((a, b, int(indptr[a]), int(indptr[b])) for a, b in bounds)
    costed = np.isfinite(lam_in) | np.isfinite(lam_out)
    costed[post] = True
    costed[pre] = True
    known = {} if components is None else {"components": (int(components[0]), np.asarray(components[1]))}
    return CostGraph(
        n=n,
        p=p,
        post=post,
        pre=pre,
        logc=logc,
        lam_in=lam_in,
        lam_out=lam_out,
        log_self=log_self,
        io_cost=io_cost,
        indptr=indptr,
        pre_index=pre.astype(np.intp),
        chunks=chunks,
        costed_mask=costed,
        derived=DerivedValues(**known),
    )


def cost_graph(net, p: float = 2.0, *, io_cost: bool = True, alpha=None) -> CostGraph:
    """Build the :class:`CostGraph` of ``net`` at h = 0 (docs/algorithms.rst, 'The cost graph').

    ``alpha`` overrides ``net.alpha`` for the recurrent synapses. Zero weights,
    zero cost weights and stored zeros are dropped.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> from graphbal._core.costgraph import cost_graph
    >>> cg = cost_graph(graphbal.Network(np.array([[0.0, 2.0], [1.0, 0.0]])), 2.0)
    >>> np.exp(cg.logc).tolist()  # edge 1 -> 0 (cost 4), then 0 -> 1 (cost 1)
    [4.0, 1.0]
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
    logc = log_cost_values(vals, p, _log_alpha(alpha, post, pre))
    keep = np.isfinite(logc)
    diag = post == pre
    log_self = float(logsumexp(logc[keep & diag])) if (keep & diag).any() else -np.inf
    keep &= ~diag
    itype = np.int32 if n < 2**31 - 1 else np.int64
    no_io = np.full(n, -np.inf)
    lam_in = _io_logcost(net.U, net.alpha_U, p, 1, n) if io_cost else no_io
    lam_out = _io_logcost(net.V, net.alpha_V, p, 0, n) if io_cost else no_io.copy()
    return make_cost_graph(
        n, p, post[keep].astype(itype), pre[keep].astype(itype), np.ascontiguousarray(logc[keep]),
        lam_in, lam_out, log_self, io_cost,
    )  # fmt: skip


def restrict(
    cg: CostGraph,
    keep: np.ndarray,
    in_keep: np.ndarray | None = None,
    out_keep: np.ndarray | None = None,
    components: tuple[int, np.ndarray] | None = None,
) -> CostGraph:
    """The cost graph without the edges where ``keep`` (and the io costs where ``in_keep``/``out_keep``) is False.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> from graphbal._core.costgraph import cost_graph, restrict
    >>> cg = cost_graph(graphbal.Network(np.array([[0.0, 2.0], [1.0, 0.0]])), 2.0)
    >>> restrict(cg, np.array([True, False])).m
    1
    """
    lam_in = cg.lam_in if in_keep is None else np.where(in_keep, cg.lam_in, -np.inf)
    lam_out = cg.lam_out if out_keep is None else np.where(out_keep, cg.lam_out, -np.inf)
    return make_cost_graph(
        cg.n, cg.p, cg.post[keep], cg.pre[keep], cg.logc[keep], lam_in, lam_out, cg.log_self, cg.io_cost,
        components=components,
    )  # fmt: skip


def with_components(cg: CostGraph, components: tuple[int, np.ndarray]) -> CostGraph:
    """The same cost graph (arrays shared) with a known partition in place of its weak components.

    Use a partition with no edge between two parts whose parts each touch the
    ground or are connected, e.g. the strongly connected components of a graph
    without transient edges.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> from graphbal._core.costgraph import cost_graph, with_components
    >>> cg = cost_graph(graphbal.Network(np.array([[0.0, 2.0], [1.0, 0.0]])), 2.0)
    >>> with_components(cg, (1, np.array([0, 0]))).components()[0]
    1
    """
    known = (int(components[0]), np.asarray(components[1]))
    return dataclasses.replace(cg, derived=DerivedValues(components=known))
