"""The gauge of the potentials (docs/theory.rst, 'Balance and the gauge').

C(h) does not change when h shifts by a constant on a weakly connected
component that no costed io synapse touches, and a neuron without any costed
synapse has arbitrary h. graphbal fixes both freedoms the same way
everywhere: mean zero on ground-free components, zero on cost-free neurons.
"""

from __future__ import annotations

import numpy as np

from .costgraph import CostGraph

__all__ = ["center_gauge", "gauge_pins"]


def center_gauge(cg: CostGraph, h: np.ndarray) -> np.ndarray:
    """Fix the gauge of ``h`` (a copy): mean zero on ground-free components, 0 on cost-free neurons.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> from graphbal._core.costgraph import cost_graph
    >>> cg = cost_graph(graphbal.Network(np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])), 2.0)
    >>> center_gauge(cg, np.array([3.0, 1.0, 5.0]))  # neuron 2 has no synapse
    array([ 1., -1.,  0.])
    """
    h = np.array(h, dtype=np.float64, copy=True)
    ncomp, labels = cg.components()
    size = np.maximum(np.bincount(labels, minlength=ncomp), 1)
    mean = np.bincount(labels, weights=h, minlength=ncomp) / size
    free = ~cg.components_touching(cg.grounded)[labels]
    h[free] -= mean[labels[free]]
    h[~cg.costed()] = 0.0
    return h


def gauge_pins(cg: CostGraph) -> np.ndarray:
    """Neurons held fixed by the solvers: those without any costed synapse (their h is arbitrary).

    Ground-free components get no pin: their Laplacian keeps its constant
    null vector and is solved on its range (:mod:`graphbal._core.linsolve`).
    A pinned neuron would instead collect the residuals of all other neurons
    of its component, and its relnode could stall above tol while every other
    neuron is balanced.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> from graphbal._core.costgraph import cost_graph
    >>> cg = cost_graph(graphbal.Network(np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])), 2.0)
    >>> gauge_pins(cg).tolist()
    [False, False, True]
    """
    return ~cg.costed()
