"""Plain CSV edge lists (no pandas): ``pre,post,weight[,role][,type][,alpha]``.

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
import tempfile
import warnings
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .convert import channel_names
from .errors import GraphbalError

__all__ = ["read_edgelist", "write_edgelist", "atomic_write_text", "ELECTRICAL_TYPES"]

ELECTRICAL_TYPES = frozenset({"electrical", "gap", "gap_junction", "gapjunction", "ej"})
_ROLES = ("recurrent", "input", "output")


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` atomically (temporary file + rename)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _parse_float(text: str, what: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise GraphbalError(f"{where}: {what} {text!r} is not a number") from None
    if not np.isfinite(value):
        raise GraphbalError(f"{where}: {what} is {text!r}; weights must be finite")
    return value


def read_edgelist(path: str | os.PathLike, *, gap_junctions: str = "exclude", sparse: bool | None = None,
                  names: Iterable[str] | None = None):
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
    from .network import Network

    if gap_junctions not in ("exclude", "include"):
        raise GraphbalError(f"gap_junctions must be 'exclude' or 'include', got {gap_junctions!r}")
    path = Path(path)
    if not path.exists():
        raise GraphbalError(f"edge list not found: {path}")
    order: dict[str, int] = {}
    if names is not None:
        for name in names:
            order.setdefault(str(name), len(order))
    inputs: dict[str, int] = {}
    outputs: dict[str, int] = {}
    entries: dict[tuple[str, str, str], list[float]] = {}
    with open(path, newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise GraphbalError(f"{path}: file is empty (expected a header pre,post,weight)")
        header = [h.strip().lower() for h in header]
        missing = [c for c in ("pre", "post", "weight") if c not in header]
        if missing:
            raise GraphbalError(f"{path}:1: header lacks column(s) {', '.join(missing)} (got {header})")
        col = {name: header.index(name) for name in header}
        for lineno, row in enumerate(reader, start=2):
            if not row or (len(row) == 1 and not row[0].strip()) or row[0].lstrip().startswith("#"):
                continue
            where = f"{path}:{lineno}"
            if len(row) != len(header):
                raise GraphbalError(f"{where}: expected {len(header)} fields, got {len(row)}")
            pre, post = row[col["pre"]].strip(), row[col["post"]].strip()
            if not pre or not post:
                raise GraphbalError(f"{where}: empty neuron name")
            w = _parse_float(row[col["weight"]], "weight", where)
            role = row[col["role"]].strip().lower() if "role" in col else "recurrent"
            role = role or "recurrent"
            if role not in _ROLES:
                raise GraphbalError(f"{where}: unknown role {role!r} (use one of {', '.join(_ROLES)})")
            if "type" in col and row[col["type"]].strip().lower() in ELECTRICAL_TYPES and gap_junctions == "exclude":
                continue
            alpha = _parse_float(row[col["alpha"]], "alpha", where) if "alpha" in col else 1.0
            if alpha < 0:
                raise GraphbalError(f"{where}: negative alpha {alpha}; cost weights must be >= 0")
            if role == "input":
                inputs.setdefault(pre, len(inputs))
                order.setdefault(post, len(order))
            elif role == "output":
                outputs.setdefault(post, len(outputs))
                order.setdefault(pre, len(order))
            else:
                order.setdefault(pre, len(order))
                order.setdefault(post, len(order))
            key = (role, pre, post)
            if key in entries:
                entries[key][0] += w
                entries[key][2] += 1
            else:
                entries[key] = [w, alpha, 1]
    if not order:
        raise GraphbalError(f"{path}: no synapses found")
    dups = sum(1 for v in entries.values() if v[2] > 1)
    if dups:
        warnings.warn(f"{path}: {dups} synapse(s) listed more than once; their weights were summed",
                      stacklevel=2)
    n = len(order)
    rec = [(order[post], order[pre], v[0], v[1]) for (role, pre, post), v in entries.items() if role == "recurrent"]
    rows, cols, vals, alph = (np.array(x) for x in zip(*rec)) if rec else ([], [], [], [])
    W = sp.csr_array((np.asarray(vals, float), (np.asarray(rows, int), np.asarray(cols, int))), shape=(n, n))
    any_alpha = "alpha" in col
    A = sp.csr_array((np.asarray(alph, float), (np.asarray(rows, int), np.asarray(cols, int))), shape=(n, n))
    U = np.zeros((n, len(inputs))) if inputs else None
    V = np.zeros((len(outputs), n)) if outputs else None
    aU = np.ones_like(U) if (U is not None and any_alpha) else None
    aV = np.ones_like(V) if (V is not None and any_alpha) else None
    for (role, pre, post), (w, a, _) in entries.items():
        if role == "input":
            U[order[post], inputs[pre]] = w
            if aU is not None:
                aU[order[post], inputs[pre]] = a
        elif role == "output":
            V[outputs[post], order[pre]] = w
            if aV is not None:
                aV[outputs[post], order[pre]] = a
    if sparse is None:
        sparse = n > 500
    if not sparse:
        W = W.toarray()
        A = A.toarray() + (W == 0)
    return Network(W, U=U, V=V, names=tuple(order), alpha=A if any_alpha else None, alpha_U=aU, alpha_V=aV,
                   input_names=tuple(inputs) or None, output_names=tuple(outputs) or None)


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
