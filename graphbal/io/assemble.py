"""The one place where a :class:`~graphbal.network.Network` is assembled from edge triples.

CSV edge lists, networkx graphs and the bundled connectomes all reduce to
arrays of ``(role, post, pre, weight[, alpha])``: role 0 is a recurrent
synapse ``pre -> post`` between hidden neurons, role 1 an input synapse from
channel ``pre`` onto hidden ``post``, role 2 an output synapse from hidden
``pre`` onto channel ``post``. Repeated triples are summed (the first one's
``alpha`` is kept) and counted, so that each reader can say so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..network import Network

__all__ = ["RECURRENT", "INPUT", "OUTPUT", "Assembled", "assemble_network", "SPARSE_ABOVE"]

RECURRENT, INPUT, OUTPUT = 0, 1, 2
SPARSE_ABOVE = 500  # networks with more neurons are stored sparse unless the caller says otherwise


@dataclasses.dataclass(frozen=True)
class Assembled:
    """The assembled network and how many triples were repeated (and summed)."""

    network: Network
    duplicates: int


def _merge(role, post, pre, weight, alpha):
    """Sum repeated (role, post, pre) triples; keep the first alpha; return unique arrays and the repeat count."""
    order = np.lexsort((pre, post, role))  # stable: the first occurrence of a key stays first
    role, post, pre, weight = role[order], post[order], pre[order], weight[order]
    alpha = None if alpha is None else alpha[order]
    if role.size == 0:
        return role, post, pre, weight, alpha, 0
    new = np.r_[True, (role[1:] != role[:-1]) | (post[1:] != post[:-1]) | (pre[1:] != pre[:-1])]
    starts = np.flatnonzero(new)
    summed = np.add.reduceat(weight, starts)
    repeated = int(np.count_nonzero(np.diff(np.r_[starts, role.size]) > 1))
    first_alpha = None if alpha is None else alpha[starts]
    return role[starts], post[starts], pre[starts], summed, first_alpha, repeated


def _recurrent(n, post, pre, weight, alpha, sparse: bool):
    W = sp.csr_array((weight, (post, pre)), shape=(n, n))
    A = None if alpha is None else sp.csr_array((alpha, (post, pre)), shape=(n, n))
    if sparse:
        return W, A
    W = W.toarray()
    if A is not None:
        A = A.toarray()
        A[W == 0] = 1.0  # the cost weight of an absent synapse never matters; 1 is the default
    return W, A


def _channels(shape, rows, cols, weight, alpha):
    if shape[0] == 0 or shape[1] == 0:
        return None, None
    M = np.zeros(shape)
    M[rows, cols] = weight
    if alpha is None:
        return M, None
    A = np.ones(shape)
    A[rows, cols] = alpha
    return M, A


def assemble_network(
    names: Sequence,
    role: np.ndarray,
    post: np.ndarray,
    pre: np.ndarray,
    weight: np.ndarray,
    *,
    alpha: np.ndarray | None = None,
    input_names: Sequence | None = None,
    output_names: Sequence | None = None,
    sparse: bool | None = None,
    meta: Mapping[str, Any] | None = None,
) -> Assembled:
    """Build a :class:`Network` from edge triples (indices into ``names`` and the channel names).

    Parameters
    ----------
    names : sequence
        Hidden neurons, in order.
    role, post, pre, weight : array_like, shape (m,)
        One entry per synapse; for role ``INPUT`` ``pre`` indexes
        ``input_names``, for role ``OUTPUT`` ``post`` indexes ``output_names``.
    alpha : array_like, shape (m,), optional
        Per-synapse cost weights (default: none, i.e. 1).
    input_names, output_names : sequence, optional
        Channel names (None or empty: no inputs/outputs).
    sparse : bool, optional
        Store ``W`` sparse (default: above ``SPARSE_ABOVE`` neurons).
    meta : mapping, optional
        Passed to the Network.

    Returns
    -------
    Assembled
        The network and the number of repeated triples that were summed.

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal.io.assemble import assemble_network, RECURRENT, INPUT
    >>> out = assemble_network(["a", "b"], np.array([RECURRENT, RECURRENT, INPUT]), np.array([1, 1, 0]),
    ...                        np.array([0, 0, 0]), np.array([2.0, 1.0, 5.0]), input_names=["u"])
    >>> out.network.weight("a", "b"), out.network.U.tolist(), out.duplicates
    (3.0, [[5.0], [0.0]], 1)
    """
    n, k_in, k_out = len(names), len(input_names or ()), len(output_names or ())
    arrays = [np.asarray(x) for x in (role, post, pre)]
    role, post, pre = (x.astype(np.int64) if x.size else np.zeros(0, np.int64) for x in arrays)
    weight = np.asarray(weight, dtype=np.float64).reshape(-1)
    alpha = None if alpha is None else np.asarray(alpha, dtype=np.float64).reshape(-1)
    role, post, pre, weight, alpha, repeated = _merge(role, post, pre, weight, alpha)
    sparse = n > SPARSE_ABOVE if sparse is None else bool(sparse)
    sel = [role == r for r in (RECURRENT, INPUT, OUTPUT)]
    part = [None if alpha is None else alpha[s] for s in sel]
    W, A = _recurrent(n, post[sel[0]], pre[sel[0]], weight[sel[0]], part[0], sparse)
    U, aU = _channels((n, k_in), post[sel[1]], pre[sel[1]], weight[sel[1]], part[1])
    V, aV = _channels((k_out, n), post[sel[2]], pre[sel[2]], weight[sel[2]], part[2])
    net = Network(
        W, U=U, V=V, names=tuple(names), alpha=A, alpha_U=aU, alpha_V=aV,
        input_names=tuple(input_names) if k_in else None, output_names=tuple(output_names) if k_out else None,
        meta=dict(meta or {}),
    )  # fmt: skip
    return Assembled(network=net, duplicates=repeated)
