"""Synaptic costs, total cost and the neural gradient (docs/theory.rst, 'Synaptic costs')."""

from __future__ import annotations

import dataclasses

import numpy as np
import scipy.sparse as sp

from ._core.costgraph import cost_graph, cost_values
from ._core.flows import flows
from ._core.validate import check_h, check_p

__all__ = [
    "SynapticCost",
    "Imbalance",
    "synaptic_cost",
    "total_cost",
    "log_total_cost",
    "neural_gradient",
    "node_costs",
    "imbalance",
]


@dataclasses.dataclass(frozen=True, eq=False)
class SynapticCost:
    """Per-synapse costs ``c_ij(h) = alpha_ij |W_ij|^p e^{p(h_i - h_j)}`` (Stock et al. 2022, Eq. 13).

    ``W`` has the shape and format (dense or CSR) of ``net.W``; ``U`` and
    ``V`` are ``None`` when the network has no inputs/outputs or when
    ``io_cost=False``.
    """

    W: np.ndarray | sp.csr_array
    U: np.ndarray | None
    V: np.ndarray | None


@dataclasses.dataclass(frozen=True)
class Imbalance:
    """Imbalance measures: ``relnode = max_k |g_k|/(in_k+out_k)``, ``rel1 = sum_k |g_k| / C``."""

    relnode: float
    rel1: float


def synaptic_cost(net, p: float = 2, h=None, *, io_cost: bool = True) -> SynapticCost:
    """Cost of every synapse of ``T_h(net)`` (Stock et al. 2022, Eq. 13).

    Parameters
    ----------
    net : Network
    p : float
        Cost exponent, ``p > 0``.
    h : array_like, shape (n,), optional
        Node potentials; the costs are those of ``transform(net, h)``.
    io_cost : bool
        Also return the costs of input and output synapses.

    Returns
    -------
    SynapticCost
        Matrices ``W``, ``U``, ``V`` of costs (same shapes as the weights).

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> net = graphbal.Network(np.array([[0.0, 2.0], [-3.0, 0.0]]))
    >>> graphbal.synaptic_cost(net, p=2).W
    array([[0., 4.],
           [9., 0.]])
    """
    from .transform import transform

    p = check_p(p)
    if h is not None:
        net = transform(net, h)
    cW = cost_values(net.W, net.alpha, p)
    cU = cV = None
    if io_cost:
        cU = None if net.U is None else cost_values(net.U, net.alpha_U, p)
        cV = None if net.V is None else cost_values(net.V, net.alpha_V, p)
    return SynapticCost(W=cW, U=cU, V=cV)


def log_total_cost(net, p: float = 2, h=None, *, io_cost: bool = True) -> float:
    """Natural log of the total cost ``C(h)``, computed without overflow (Stock et al. 2022, Eq. 12).

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> net = graphbal.Network(np.array([[0.0, 1e200], [1e200, 0.0]]))
    >>> round(graphbal.log_total_cost(net, p=2), 3)  # C = 2e400 overflows float64
    921.727
    """
    cg = cost_graph(net, p, io_cost=io_cost)
    return float(flows(cg, check_h(h, net.n)).log_total)


def total_cost(net, p: float = 2, h=None, *, io_cost: bool = True) -> float:
    """Total synaptic cost ``C(h) = sum_ij c_ij e^{p(h_i - h_j)}`` (Stock et al. 2022, Eq. 12).

    Self-synapses are included; with ``io_cost=True`` (default) input and
    output synapses are too, the inputs and outputs acting as one ground node
    pinned at ``h = 0``.

    Parameters
    ----------
    net : Network
    p : float
        Cost exponent, ``p > 0``.
    h : array_like, shape (n,), optional
        Node potentials (default 0).
    io_cost : bool
        Cost input and output synapses (default True).

    Returns
    -------
    float
        ``C(h)`` (``inf`` if it overflows; see :func:`log_total_cost`).

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> net = graphbal.Network(np.array([[0.0, 2.0], [1.0, 0.0]]))
    >>> graphbal.total_cost(net, p=2)
    5.0
    >>> round(graphbal.total_cost(net, p=2, h=[0.0, np.log(2) / 2]), 12)
    4.0
    """
    return flows(cost_graph(net, p, io_cost=io_cost), check_h(h, net.n)).cost


def node_costs(net, p: float = 2, h=None, *, io_cost: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Incoming and outgoing cost of every hidden neuron, self-synapses excluded.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> inc, out = graphbal.node_costs(graphbal.Network(np.array([[0.0, 2.0], [1.0, 0.0]])))
    >>> inc, out
    (array([4., 1.]), array([1., 4.]))
    """
    cg = cost_graph(net, p, io_cost=io_cost)
    f = flows(cg, check_h(h, net.n))
    return f.unscaled(f.incoming), f.unscaled(f.outgoing)


def neural_gradient(net, p: float = 2, h=None, *, io_cost: bool = True) -> np.ndarray:
    """Neural gradient ``g_k = in_k - out_k`` (Stock et al. 2022, Eq. 17).

    ``dC/dh_k = p g_k``; the network is balanced when ``g = 0``.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> graphbal.neural_gradient(graphbal.Network(np.array([[0.0, 2.0], [1.0, 0.0]])))
    array([ 3., -3.])
    """
    inc, out = node_costs(net, p, h, io_cost=io_cost)
    return inc - out


def imbalance(net, p: float = 2, h=None, *, io_cost: bool = True) -> Imbalance:
    """Relative imbalance ``relnode`` and ``rel1`` of ``T_h(net)`` (docs/algorithms.rst, 'Tolerances').

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> graphbal.imbalance(graphbal.Network(np.array([[0.0, 2.0], [2.0, 0.0]])))
    Imbalance(relnode=0.0, rel1=0.0)
    """
    cg = cost_graph(net, p, io_cost=io_cost)
    f = flows(cg, check_h(h, net.n))
    return Imbalance(relnode=f.relnode, rel1=f.rel1)
