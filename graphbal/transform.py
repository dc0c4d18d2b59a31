"""The task-preserving transformation ``T_h`` (S2, paper eq. 4)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ._core.validate import check_h
from .errors import GraphbalError

__all__ = ["transform", "transform_state"]


def transform(net, h):
    """Apply ``T_h``: ``W -> D W D^-1``, ``U -> D U``, ``b -> D b``, ``V -> V D^-1`` (S2).

    ``D = diag(exp(h))``, so ``W_ij -> exp(h_i - h_j) W_ij``. Signs, zeros and
    self-synapses never change; cost weights ``alpha`` stay attached to their
    synapses. For a positively homogeneous nonlinearity the transformed
    network computes exactly the same input-output map (its state is
    ``x' = D x``, see :func:`transform_state`).

    Parameters
    ----------
    net : Network
    h : array_like, shape (n,)
        One log-scale factor per hidden neuron.

    Returns
    -------
    Network
        A new network; ``net`` is not modified.

    Raises
    ------
    GraphbalError
        If ``h`` has the wrong shape, is not finite, or the rescaled weights
        overflow float64.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> net = graphbal.Network(np.array([[0.0, 1.0], [4.0, 0.0]]), U=[[1.0], [1.0]], V=[[1.0, 1.0]])
    >>> new = graphbal.transform(net, [0.0, np.log(2.0)])
    >>> new.W
    array([[0. , 0.5],
           [8. , 0. ]])
    >>> new.V
    array([[1. , 0.5]])
    """
    h = check_h(h, net.n)
    with np.errstate(over="raise", under="ignore"):
        try:
            d = np.exp(h)
            dinv = np.exp(-h)
            if net.is_sparse:
                W = sp.csr_array(net.W, copy=True)
                counts = np.diff(W.indptr)
                if np.abs(h).max(initial=0.0) < 300:  # the factor exp(h_i) exp(-h_j) lies within e^+-600
                    factor = np.repeat(d, counts)  # CSR rows are postsynaptic: d_post is a repeat
                    factor *= np.take(dinv, W.indices)
                    W.data *= factor
                else:
                    W.data *= np.exp(np.repeat(h, counts) - np.take(h, W.indices))
            else:
                W = net.W * np.exp(h[:, None] - h[None, :])
            U = None if net.U is None else net.U * d[:, None]
            V = None if net.V is None else net.V * dinv[None, :]
            b = None if net.b is None else net.b * d
        except FloatingPointError:
            raise GraphbalError(
                "transform overflows float64: the potentials h span too wide a range for these weights"
            ) from None
    return net.replace(W=W, U=U, V=V, b=b)


def transform_state(x, h) -> np.ndarray:
    """Map states of ``net`` to states of ``transform(net, h)``: ``x' = D x`` (S2).

    ``x`` may have any leading axes; its last axis indexes hidden neurons.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> graphbal.transform_state(np.ones((3, 2)), [0.0, np.log(3.0)])[0]
    array([1., 3.])
    """
    x = np.asarray(x, dtype=np.float64)
    h = np.asarray(h, dtype=np.float64)
    if x.shape[-1:] != h.shape:
        raise GraphbalError(f"state has last axis {x.shape[-1:]} but h has shape {h.shape}")
    return x * np.exp(h)
