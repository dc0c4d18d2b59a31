"""The :class:`Network`: a weighted directed graph with inputs and outputs (docs/theory.rst, 'The network model').

Conventions: ``W[i, j]`` is the synapse from presynaptic
neuron ``j`` onto postsynaptic neuron ``i`` (edge ``j -> i``); ``U`` (n x m)
holds input weights, ``V`` (k x n) readout weights, ``b`` (n,) biases.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

from .errors import GraphbalError

__all__ = ["Network", "channel_names", "FIELDS"]


def channel_names(net, which: str) -> tuple:
    """Names of the input (``which="input"``) or output channels, defaulting to ``in0``, ``out0``, ...

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> channel_names(graphbal.Network(np.eye(2), U=np.ones((2, 1))), "input")
    ('in0',)
    """
    if which == "input":
        return net.input_names or tuple(f"in{l}" for l in range(net.n_inputs))
    return net.output_names or tuple(f"out{l}" for l in range(net.n_outputs))


def _check_finite(name: str, values: np.ndarray) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        kind = "NaN" if np.isnan(values[bad]).any() else "infinite"
        raise GraphbalError(f"{name} contains {int(bad.sum())} {kind} value(s); weights must be finite")


def _as_matrix(name: str, M: Any, shape: tuple[int, int] | None, *, sparse: bool) -> Any:
    """Copy ``M`` into a float64 dense array or canonical CSR array; validate it."""
    if sp.issparse(M):
        out = sp.csr_array(M, dtype=np.float64, copy=True)
        out.sum_duplicates()
        out.eliminate_zeros()
        out.sort_indices()
        values = out.data
    else:
        try:
            out = np.array(M, dtype=np.float64, copy=True)
        except (TypeError, ValueError) as exc:
            raise GraphbalError(f"{name} must be a numeric matrix: {exc}") from None
        if out.ndim != 2:
            raise GraphbalError(f"{name} must be 2-D, got an array of shape {out.shape}")
        if sparse:
            out = sp.csr_array(out)
            out.eliminate_zeros()
            out.sort_indices()
        values = out.data if sp.issparse(out) else out
    if shape is not None and out.shape != shape:
        raise GraphbalError(f"{name} has shape {out.shape}, expected {shape}")
    _check_finite(name, values)
    return out


FIELDS = ("W", "U", "V", "b", "names", "alpha", "alpha_U", "alpha_V", "input_names", "output_names", "meta")


def _width(M: Any, axis: int) -> int:
    return 0 if M is None else M.shape[axis]


def _rebuild(fields: dict) -> Network:
    return Network(**fields)


def _freeze(M: Any) -> Any:
    if M is None:
        return None
    arr = M.data if sp.issparse(M) else M
    arr.setflags(write=False)
    return M


class Network:
    """A recurrent network as a weighted directed graph (docs/theory.rst, 'The network model').

    Parameters
    ----------
    W : array_like or scipy.sparse matrix, shape (n, n)
        Recurrent weights; ``W[i, j]`` is the synapse from ``j`` onto ``i``.
        Signed values are allowed. Sparse input is kept sparse (CSR).
    U : array_like, shape (n, m), optional
        Input weights (input channel ``l`` onto neuron ``i`` is ``U[i, l]``).
    V : array_like, shape (k, n), optional
        Readout weights (neuron ``i`` onto output ``l`` is ``V[l, i]``).
    b : array_like, shape (n,), optional
        Biases; transformed by balancing, never costed.
    names : sequence of hashable, optional
        One unique name per hidden neuron (default: the indices ``0..n-1``).
    alpha, alpha_U, alpha_V : array_like, optional
        Non-negative per-synapse cost weights for ``W``, ``U``, ``V``
        (default 1), so that ``c_ij = alpha_ij |W_ij|**p`` (Stock et al. 2022, Eq. 13).
    input_names, output_names : sequence of hashable, optional
        Names of the input and output channels.
    meta : mapping, optional
        Free-form per-network metadata (e.g. neuron classes); carried along
        unchanged by every transformation.

    Notes
    -----
    All arrays are copied and made read-only: a Network never changes and
    nothing the caller passed is modified. Use :func:`graphbal.transform` or
    :meth:`replace` to derive new networks.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> net = graphbal.Network(np.array([[0.0, 2.0], [0.5, 0.0]]))
    >>> net.n, net.n_edges
    (2, 2)
    """

    __slots__ = ("_fields", "_lookup")

    def __init__(
        self,
        W: Any,
        U: Any = None,
        V: Any = None,
        b: Any = None,
        names: Sequence[Hashable] | None = None,
        alpha: Any = None,
        alpha_U: Any = None,
        alpha_V: Any = None,
        input_names: Sequence[Hashable] | None = None,
        output_names: Sequence[Hashable] | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> None:
        fields = self._validated(W, U, V, b, alpha, alpha_U, alpha_V)
        n = fields["W"].shape[0]
        fields["names"] = self._names("names", names, n)
        fields["input_names"] = self._names("input_names", input_names, _width(fields["U"], 1))
        fields["output_names"] = self._names("output_names", output_names, _width(fields["V"], 0))
        fields["meta"] = dict(meta or {})
        self._fields = {
            k: (_freeze(v) if isinstance(v, np.ndarray) or sp.issparse(v) else v) for k, v in fields.items()
        }
        self._lookup = None if fields["names"] is None else {name: i for i, name in enumerate(fields["names"])}

    @classmethod
    def _validated(cls, W, U, V, b, alpha, alpha_U, alpha_V) -> dict[str, Any]:
        """Copies of the weight matrices, checked for shape and finiteness."""
        if W is None:
            raise GraphbalError("W is required (an n x n matrix of recurrent weights)")
        is_sparse = sp.issparse(W)
        W = _as_matrix("W", W, None, sparse=is_sparse)
        n = W.shape[0]
        if W.shape[0] != W.shape[1]:
            raise GraphbalError(f"W must be square (n x n), got shape {W.shape}")
        if n == 0:
            raise GraphbalError("empty network: W has no neurons (shape (0, 0))")
        U = None if U is None else _as_matrix("U", U, None, sparse=False)
        if U is not None and U.shape[0] != n:
            raise GraphbalError(f"U has shape {U.shape}, expected ({n}, m) to match W ({n} neurons)")
        V = None if V is None else _as_matrix("V", V, None, sparse=False)
        if V is not None and V.shape[1] != n:
            raise GraphbalError(f"V has shape {V.shape}, expected (k, {n}) to match W ({n} neurons)")
        if b is not None:
            b = np.array(b, dtype=np.float64, copy=True)
            if b.shape != (n,):
                raise GraphbalError(f"b has shape {b.shape}, expected ({n},)")
            _check_finite("b", b)
        return {
            "W": W,
            "U": U,
            "V": V,
            "b": b,
            "alpha": cls._alpha("alpha", alpha, W.shape, is_sparse),
            "alpha_U": cls._alpha("alpha_U", alpha_U, None if U is None else U.shape, False),
            "alpha_V": cls._alpha("alpha_V", alpha_V, None if V is None else V.shape, False),
        }

    W = property(lambda self: self._fields["W"], doc="Recurrent weights, ``W[post, pre]`` (read-only).")
    U = property(lambda self: self._fields["U"], doc="Input weights (n x m) or None.")
    V = property(lambda self: self._fields["V"], doc="Readout weights (k x n) or None.")
    b = property(lambda self: self._fields["b"], doc="Biases (n,) or None.")
    names = property(lambda self: self._fields["names"], doc="Neuron names, or None.")
    alpha = property(lambda self: self._fields["alpha"], doc="Cost weights of W, or None (all 1).")
    alpha_U = property(lambda self: self._fields["alpha_U"], doc="Cost weights of U, or None.")
    alpha_V = property(lambda self: self._fields["alpha_V"], doc="Cost weights of V, or None.")
    input_names = property(lambda self: self._fields["input_names"], doc="Input channel names, or None.")
    output_names = property(lambda self: self._fields["output_names"], doc="Output channel names, or None.")
    meta = property(lambda self: self._fields["meta"], doc="Free-form metadata (a copy of what was given).")

    def __reduce__(self):
        return (_rebuild, (dict(self._fields),))

    @staticmethod
    def _alpha(name: str, alpha: Any, shape: tuple | None, sparse: bool) -> Any:
        if alpha is None:
            return None
        if shape is None:
            raise GraphbalError(f"{name} was given but the matching weight matrix is absent")
        a = _as_matrix(name, alpha, shape, sparse=sparse)
        values = a.data if sp.issparse(a) else a
        if (values < 0).any():
            raise GraphbalError(f"{name} has {int((values < 0).sum())} negative entries; cost weights must be >= 0")
        return a

    @staticmethod
    def _names(field: str, names: Sequence | None, count: int) -> tuple | None:
        if names is None:
            return None
        names = tuple(names)
        if len(names) != count:
            raise GraphbalError(f"{field} has {len(names)} entries, expected {count}")
        if len(set(names)) != len(names):
            dup = sorted({str(x) for x in names if names.count(x) > 1})[:5]
            raise GraphbalError(f"{field} must be unique; repeated: {', '.join(dup)}")
        return names

    # ------------------------------------------------------------------ basics
    @property
    def n(self) -> int:
        """Number of hidden neurons."""
        return self.W.shape[0]

    @property
    def n_inputs(self) -> int:
        """Number of input channels ``m``."""
        return 0 if self.U is None else self.U.shape[1]

    @property
    def n_outputs(self) -> int:
        """Number of output channels ``k``."""
        return 0 if self.V is None else self.V.shape[0]

    @property
    def is_sparse(self) -> bool:
        """True when ``W`` is stored as a scipy.sparse CSR array."""
        return sp.issparse(self.W)

    @property
    def n_edges(self) -> int:
        """Number of non-zero recurrent synapses (self-synapses included)."""
        return int(self.W.nnz) if self.is_sparse else int(np.count_nonzero(self.W))

    @property
    def labels(self) -> tuple:
        """Neuron names, or indices ``0..n-1`` when the network has no names."""
        return self.names if self.names is not None else tuple(range(self.n))

    def index(self, neuron: Hashable) -> int:
        """Index of a neuron given by name (or by index when unnamed).

        Examples
        --------
        >>> import numpy as np, graphbal
        >>> graphbal.Network(np.eye(2), names=["a", "b"]).index("b")
        1
        """
        if self.names is None:
            if isinstance(neuron, (int, np.integer)) and 0 <= int(neuron) < self.n:
                return int(neuron)
            raise GraphbalError(f"unknown neuron {neuron!r}: this network has no names; use an index 0..{self.n - 1}")
        lookup = self._lookup
        if neuron not in lookup:
            raise GraphbalError(f"unknown neuron {neuron!r} (not among the network's {self.n} names)")
        return lookup[neuron]

    def weight(self, pre: Hashable, post: Hashable) -> float:
        """The weight of synapse ``pre -> post`` (0.0 if absent)."""
        return float(self.W[self.index(post), self.index(pre)])

    def replace(self, **changes: Any) -> Network:
        """A copy with some fields replaced (validated again).

        Examples
        --------
        >>> import numpy as np, graphbal
        >>> graphbal.Network(np.eye(2)).replace(names=["a", "b"]).names
        ('a', 'b')
        """
        unknown = sorted(set(changes) - set(FIELDS))
        if unknown:
            raise GraphbalError(f"Network has no field(s) {', '.join(unknown)}; fields are {', '.join(FIELDS)}")
        return type(self)(**{**self._fields, **changes})

    def dense_W(self) -> np.ndarray:
        """``W`` as a dense float64 array (a copy)."""
        return self.W.toarray() if self.is_sparse else np.array(self.W)

    def to_sparse(self) -> sp.csr_array:
        """``W`` as a scipy.sparse CSR array (a copy)."""
        return sp.csr_array(self.W, copy=True)

    @classmethod
    def from_sparse(cls, W: Any, **kwargs: Any) -> Network:
        """Build a network from a scipy.sparse matrix, keeping it sparse.

        Examples
        --------
        >>> import scipy.sparse as sp, graphbal
        >>> graphbal.Network.from_sparse(sp.random(50, 50, density=0.1, random_state=0)).is_sparse
        True
        """
        return cls(sp.csr_array(W), **kwargs)

    def __repr__(self) -> str:
        kind = "sparse" if self.is_sparse else "dense"
        return f"Network(n={self.n}, synapses={self.n_edges}, inputs={self.n_inputs}, outputs={self.n_outputs}, {kind})"

    # -------------------------------------------------------------- networkx
    @classmethod
    def from_networkx(
        cls,
        G: nx.DiGraph,
        weight: str = "weight",
        *,
        inputs: Sequence[Hashable] = (),
        outputs: Sequence[Hashable] = (),
        alpha: str | None = None,
        sparse: bool | None = None,
    ) -> Network:
        """Build a network from a directed graph (edge ``u -> v``: ``u`` presynaptic).

        Parameters
        ----------
        G : networkx.DiGraph
            Nodes are neurons; edge data ``weight`` is the synaptic weight
            (default 1.0 when missing).
        weight : str
            Edge attribute holding the weight.
        inputs, outputs : sequence of nodes
            Nodes of ``G`` that are input channels (only outgoing edges) and
            output channels (only incoming edges). They become ``U`` and ``V``.
        alpha : str, optional
            Edge attribute holding per-synapse cost weights.
        sparse : bool, optional
            Store ``W`` sparse (default: when n > 500).

        Examples
        --------
        >>> import networkx as nx, graphbal
        >>> G = nx.DiGraph([("a", "b", {"weight": 2.0}), ("b", "a", {"weight": 0.5})])
        >>> net = graphbal.Network.from_networkx(G)
        >>> net.weight("a", "b")
        2.0
        """
        from .io.networkx import network_from_networkx

        return network_from_networkx(G, weight, inputs, outputs, alpha, sparse)

    def to_networkx(self) -> nx.DiGraph:
        """This network as a ``networkx.DiGraph`` (edge ``u -> v``: ``u`` presynaptic).

        Hidden nodes carry ``role="hidden"``; input and output channels (named
        by ``input_names``/``output_names``, default ``"in0"``, ``"out0"``, ...)
        carry ``role="input"``/``"output"``. Edges carry ``weight`` and, when
        set, ``alpha``.

        Examples
        --------
        >>> import numpy as np, graphbal
        >>> G = graphbal.Network(np.array([[0.0, 1.0], [3.0, 0.0]])).to_networkx()
        >>> G[0][1]["weight"]
        3.0
        """
        from .io.networkx import network_to_networkx

        return network_to_networkx(self)
