"""CSV edge lists: ``pre,post,weight[,role][,type][,alpha]``.

One row per synapse from ``pre`` onto ``post``. ``role`` is ``recurrent``
(default), ``input`` (``pre`` is an input channel) or ``output`` (``post`` is
an output channel). ``type`` (e.g. ``chemical``/``electrical``) is optional;
electrical synapses (gap junctions) are excluded by default. ``alpha`` holds
optional per-synapse cost weights.
"""

from __future__ import annotations

import csv
import io
import os
import warnings
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ..errors import GraphbalError
from ..network import channel_names
from .assemble import INPUT, OUTPUT, RECURRENT, assemble_network
from .files import atomic_write_text

__all__ = ["read_edgelist", "write_edgelist", "atomic_write_text", "ELECTRICAL_TYPES"]

ELECTRICAL_TYPES = frozenset({"electrical", "gap", "gap_junction", "gapjunction", "ej"})
_ROLES = ("recurrent", "input", "output")


def _parse_float(text: str, what: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise GraphbalError(f"{where}: {what} {text!r} is not a number") from None
    if not np.isfinite(value):
        raise GraphbalError(f"{where}: {what} is {text!r}; weights must be finite")
    return value


def read_edgelist(
    path: str | os.PathLike,
    *,
    gap_junctions: str = "exclude",
    sparse: bool | None = None,
    names: Iterable[str] | None = None,
):
    """Read a network from a CSV edge list (columns ``pre, post, weight``).

    Parameters
    ----------
    path : path-like
        CSV file with a header row. Required columns ``pre``, ``post``,
        ``weight``; optional ``role``, ``type``, ``alpha``.
    gap_junctions : {"exclude", "include"}
        Rows whose ``type`` is electrical are dropped (default) or kept as
        ordinary synapses.
    sparse : bool, optional
        Store ``W`` sparse (default: when there are more than 500 neurons).
    names : iterable of str, optional
        Neuron order (e.g. to include neurons without synapses); by default
        neurons appear in order of first mention.

    Returns
    -------
    Network

    Raises
    ------
    GraphbalError
        Naming the file and line of a malformed row. Duplicate rows are summed
        with a warning.

    Examples
    --------
    >>> import os, tempfile, graphbal
    >>> path = os.path.join(tempfile.mkdtemp(), "net.csv")
    >>> with open(path, "w") as fh:
    ...     _ = fh.write("pre,post,weight\\na,b,2\\nb,a,0.5\\n")
    >>> graphbal.read_edgelist(path).weight("a", "b")
    2.0
    """
    if gap_junctions not in ("exclude", "include"):
        raise GraphbalError(f"gap_junctions must be 'exclude' or 'include', got {gap_junctions!r}")
    path = Path(path)
    if not path.exists():
        raise GraphbalError(f"edge list not found: {path}")
    table = _Rows(names)
    with open(path, newline="") as fh:
        reader = csv.reader(fh)
        col = _header(reader, path)
        for lineno, row in enumerate(reader, start=2):
            table.add(row, col, f"{path}:{lineno}", gap_junctions == "exclude")
    if not table.order:
        raise GraphbalError(f"{path}: no synapses found")
    out = assemble_network(
        tuple(table.order), *(np.asarray(x) for x in (table.role, table.post, table.pre)), np.asarray(table.weight),
        alpha=np.asarray(table.alpha) if "alpha" in col else None, input_names=tuple(table.inputs),
        output_names=tuple(table.outputs), sparse=sparse,
    )  # fmt: skip
    if out.duplicates:
        warnings.warn(
            f"{path}: {out.duplicates} synapse(s) listed more than once; their weights were summed", stacklevel=2
        )
    return out.network


def _header(reader, path: Path) -> dict[str, int]:
    header = next(reader, None)
    if header is None:
        raise GraphbalError(f"{path}: file is empty (expected a header pre,post,weight)")
    header = [h.strip().lower() for h in header]
    missing = [c for c in ("pre", "post", "weight") if c not in header]
    if missing:
        raise GraphbalError(f"{path}:1: header lacks column(s) {', '.join(missing)} (got {header})")
    return {name: header.index(name) for name in header}


class _Rows:
    """Triples collected from the rows of an edge list, with neurons and channels numbered on first mention."""

    def __init__(self, names: Iterable[str] | None):
        self.order: dict[str, int] = {}
        for name in names or ():
            self.order.setdefault(str(name), len(self.order))
        self.inputs: dict[str, int] = {}
        self.outputs: dict[str, int] = {}
        self.role: list[int] = []
        self.post: list[int] = []
        self.pre: list[int] = []
        self.weight: list[float] = []
        self.alpha: list[float] = []

    def add(self, row: list[str], col: dict[str, int], where: str, drop_electrical: bool) -> None:
        """Parse one row (comments, blank rows and dropped gap junctions add nothing)."""
        if not row or (len(row) == 1 and not row[0].strip()) or row[0].lstrip().startswith("#"):
            return
        if len(row) != len(col):
            raise GraphbalError(f"{where}: expected {len(col)} fields, got {len(row)}")
        pre, post = row[col["pre"]].strip(), row[col["post"]].strip()
        if not pre or not post:
            raise GraphbalError(f"{where}: empty neuron name")
        w = _parse_float(row[col["weight"]], "weight", where)
        role = (row[col["role"]].strip().lower() if "role" in col else "") or "recurrent"
        if role not in _ROLES:
            raise GraphbalError(f"{where}: unknown role {role!r} (use one of {', '.join(_ROLES)})")
        if "type" in col and row[col["type"]].strip().lower() in ELECTRICAL_TYPES and drop_electrical:
            return
        alpha = _parse_float(row[col["alpha"]], "alpha", where) if "alpha" in col else 1.0
        if alpha < 0:
            raise GraphbalError(f"{where}: negative alpha {alpha}; cost weights must be >= 0")
        self._append(role, pre, post, w, alpha)

    def _append(self, role: str, pre: str, post: str, w: float, alpha: float) -> None:
        if role == "input":
            j, i, code = self.inputs.setdefault(pre, len(self.inputs)), self._neuron(post), INPUT
        elif role == "output":
            j, i, code = self._neuron(pre), self.outputs.setdefault(post, len(self.outputs)), OUTPUT
        else:
            j = self._neuron(pre)
            i, code = self._neuron(post), RECURRENT
        self.role.append(code)
        self.post.append(i)
        self.pre.append(j)
        self.weight.append(w)
        self.alpha.append(alpha)

    def _neuron(self, name: str) -> int:
        return self.order.setdefault(name, len(self.order))


def write_edgelist(net, path: str | os.PathLike, *, include_io: bool = True) -> None:
    """Write ``net`` as a CSV edge list (atomically; see :func:`read_edgelist`).

    Examples
    --------
    >>> import os, tempfile, numpy as np, graphbal
    >>> net = graphbal.Network(np.array([[0.0, 2.0], [0.5, 0.0]]), names=["a", "b"])
    >>> path = os.path.join(tempfile.mkdtemp(), "net.csv")
    >>> graphbal.write_edgelist(net, path)
    >>> graphbal.read_edgelist(path).weight("a", "b")
    0.5
    """
    labels = [str(x) for x in net.labels]
    has_alpha = any(a is not None for a in (net.alpha, net.alpha_U, net.alpha_V))
    header = ["pre", "post", "weight", "role"] + (["alpha"] if has_alpha else [])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)

    def emit(pre: str, post: str, w: float, role: str, a: float) -> None:
        writer.writerow([pre, post, repr(float(w)), role] + ([repr(float(a))] if has_alpha else []))

    Wc = sp.coo_array(net.W)
    alpha = net.alpha
    for i, j, w in sorted(zip(Wc.row.tolist(), Wc.col.tolist(), Wc.data.tolist())):
        a = 1.0 if alpha is None else float(alpha[i, j])
        emit(labels[j], labels[i], w, "recurrent", a)
    if include_io:
        for l, name in enumerate(channel_names(net, "input")):
            for i in np.flatnonzero(net.U[:, l]):
                emit(str(name), labels[i], net.U[i, l], "input", 1.0 if net.alpha_U is None else net.alpha_U[i, l])
        for l, name in enumerate(channel_names(net, "output")):
            for i in np.flatnonzero(net.V[l]):
                emit(labels[i], str(name), net.V[l, i], "output", 1.0 if net.alpha_V is None else net.alpha_V[l, i])
    atomic_write_text(path, buffer.getvalue())
