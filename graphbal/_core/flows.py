"""Costs of every synapse at a potential h, overflow-free (docs/algorithms.rst, 'The cost graph').

:func:`flows` evaluates each neuron's incoming and outgoing costs at ``h`` in
O(m), all scaled by ``exp(-shift)`` so that nothing overflows; :class:`Flows`
holds them with the imbalance measures (``relnode``, ``rel1``) and the one
place where the scale is undone (:attr:`Flows.cost`, :meth:`Flows.unscaled`).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .costgraph import CostGraph
from .parallel import chunk_bounds, run_chunks, run_each

__all__ = ["Flows", "flows", "segment_sums", "log_total_at_zero", "PRODUCT_RANGE"]


@dataclasses.dataclass(frozen=True)
class Flows:
    """Incoming/outgoing costs at some h, all scaled by ``exp(-shift)``.

    Attributes
    ----------
    shift : float
        Every cost below is the true cost times ``exp(-shift)``.
    incoming, outgoing : ndarray, shape (n,)
        Each neuron's summed incoming and outgoing costs (io included).
    edge : ndarray, shape (m,)
        The cost of every free-free synapse, in the cost graph's CSR order.
    total : float
        The total cost C, self-synapses and io included.
    io : ndarray, shape (n,)
        Each neuron's io costs (input + output): its couplings to the ground.
    """

    shift: float
    incoming: np.ndarray
    outgoing: np.ndarray
    edge: np.ndarray
    total: float
    io: np.ndarray

    @property
    def g(self) -> np.ndarray:
        """The neural gradient ``in - out`` per neuron (scaled)."""
        return self.incoming - self.outgoing

    @property
    def log_total(self) -> float:
        """``log C``, exact even where C itself over- or underflows float64."""
        return self.shift + np.log(self.total) if self.total > 0 else -np.inf

    @property
    def cost(self) -> float:
        """The true total cost C (``inf`` if it overflows float64, 0.0 if it underflows)."""
        with np.errstate(over="ignore"):
            return float(np.exp(self.shift) * self.total)

    def unscaled(self, values):
        """``values * exp(shift)``: a scaled quantity (costs, ``g``, Laplacian entries) in true units."""
        with np.errstate(over="ignore"):
            return values * np.exp(self.shift)

    @property
    def relnode(self) -> float:
        """``max_k |g_k| / (in_k + out_k)`` over neurons with costs (0 when none)."""
        s = self.incoming + self.outgoing
        active = s > 0
        return float(np.max(np.abs(self.g[active]) / s[active])) if active.any() else 0.0

    @property
    def rel1(self) -> float:
        """``sum_k |g_k| / C``."""
        return float(np.abs(self.g).sum() / self.total) if self.total > 0 else 0.0


PRODUCT_RANGE = 600.0  # flows multiplies exp factors when they all lie within e^-600 (see flows)


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

    def compute():
        if not cg.m:
            return np.zeros(0), -np.inf, 0.0
        top, bottom = float(cg.logc.max()), float(cg.logc.min())
        return np.exp(cg.logc - top), top, top - bottom

    return cg.derived.get("scaled_costs", compute)


def flows(cg: CostGraph, h: np.ndarray) -> Flows:
    """Evaluate costs of every synapse at ``h`` in O(m), overflow-free .

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
    >>> from graphbal._core.flows import segment_sums
    >>> segment_sums(np.array([1.0, 2.0, 3.0]), np.array([0, 2, 2, 3]))
    array([3., 0., 3.])
    """
    out = np.zeros(indptr.size - 1)
    nonempty = indptr[1:] > indptr[:-1]
    if values.size:
        out[nonempty] = np.add.reduceat(values, indptr[:-1][nonempty])
    return out


def log_total_at_zero(cg: CostGraph) -> float:
    """``log C(0)``  without evaluating the flows: a log-sum-exp of all log-costs (cached on ``cg``).

    Threaded over chunks of the edges: one pass for the maximum, one for the
    scaled sum.
    """
    return cg.derived.get("log_total_at_zero", lambda: _log_total_at_zero(cg))


def _log_total_at_zero(cg: CostGraph) -> float:
    io = np.concatenate([cg.lam_in[np.isfinite(cg.lam_in)], cg.lam_out[np.isfinite(cg.lam_out)], [cg.log_self]])
    bounds = chunk_bounds(cg.m)
    top = max([io.max()] + run_chunks(lambda a, b: float(cg.logc[a:b].max(initial=-np.inf)), bounds))
    if not np.isfinite(top):
        value = -np.inf
    else:
        parts = run_chunks(lambda a, b: float(np.exp(cg.logc[a:b] - top).sum()), bounds)
        value = float(top + np.log(sum(parts) + np.exp(io - top).sum()))
    return value
