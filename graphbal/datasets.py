"""Bundled C. elegans connectomes (Cook 2019, Varshney 2011, Witvliet 2021 stages 1-8).

The CSVs live in the repository's ``datasets/celegans/`` folder (provenance,
citations and licences in ``datasets/README.md``); they were generated from
the ``cect`` wheel by ``datasets/build_celegans.py``. Nothing is downloaded at
run time.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .errors import GraphbalError
from .io.assemble import INPUT, OUTPUT, RECURRENT, assemble_network
from .io.edgelist import ELECTRICAL_TYPES
from .network import Network

__all__ = ["available", "load", "data_dir", "neuron_table"]

_FILES = {
    "celegans_cook2019_chem": "cook2019",
    "celegans_varshney2011": "varshney2011",
    **{f"celegans_witvliet2021_stage{k}": f"witvliet2021_stage{k}" for k in range(1, 9)},
}


def data_dir() -> Path:
    """Folder holding the bundled CSVs (``$GRAPHBAL_DATA`` overrides the repository's ``datasets/celegans``)."""
    env = os.environ.get("GRAPHBAL_DATA")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "datasets" / "celegans"


def available() -> list[str]:
    """Names of the bundled datasets.

    Examples
    --------
    >>> import graphbal.datasets
    >>> "celegans_cook2019_chem" in graphbal.datasets.available()
    True
    """
    return list(_FILES)


def _path(name: str, kind: str) -> Path:
    if name not in _FILES:
        raise GraphbalError(f"unknown dataset {name!r}; available: {', '.join(available())}")
    path = data_dir() / f"{_FILES[name]}_{kind}.csv"
    if not path.exists():
        raise GraphbalError(f"dataset file missing: {path} (regenerate with datasets/build_celegans.py)")
    return path


def neuron_table(name: str) -> dict[str, tuple[str, str]]:
    """Mapping neuron name -> (class, role) of a bundled dataset."""
    with open(_path(name, "neurons"), newline="") as fh:
        return {row["name"]: (row["class"], row["role"]) for row in csv.DictReader(fh)}


def _select(spec, table: dict, role: str, what: str) -> list[str]:
    if spec is None:
        return []
    if isinstance(spec, str) and spec in ("sensory", "motor", "inter", "other"):
        return [c for c, (_, r) in table.items() if r == spec]
    names = [spec] if isinstance(spec, str) else list(spec)
    unknown = [c for c in names if c not in table]
    if unknown:
        raise GraphbalError(f"unknown neuron name(s) in {what}: {', '.join(map(str, unknown[:10]))}")
    return names


def load(
    name: str,
    *,
    gap_junctions: str = "exclude",
    inputs: str | Sequence[str] | None = None,
    outputs: str | Sequence[str] | None = None,
) -> Network:
    """Load a bundled connectome as a :class:`graphbal.Network` (weights = synapse counts).

    Parameters
    ----------
    name : str
        One of :func:`available`.
    gap_junctions : {"exclude", "include"}
        Gap junctions are symmetric electrical synapses and are left out of
        the balancing cost by default; "include" adds each as two directed
        synapses of the same weight.
    inputs, outputs : "sensory", "motor", "inter", "other", or list of names, optional
        Neurons to treat as input channels (their outgoing synapses become
        ``U``; synapses onto them are dropped) and output channels (their
        incoming synapses become ``V``; their outgoing synapses are dropped).
        Inputs and outputs form the pinned ground node. By default all cells
        are hidden neurons.

    Returns
    -------
    Network
        ``names`` are cell names; ``meta`` holds ``neuron_class`` and ``role``
        (aligned with ``names``), ``dataset`` and ``dropped`` (counts of
        synapses a role assignment left out).

    Notes
    -----
    Neurotransmitter identities are not in the bundled tables, so weights
    are unsigned synapse counts.

    Examples
    --------
    >>> import graphbal.datasets
    >>> net = graphbal.datasets.load("celegans_cook2019_chem")
    >>> net.n, net.n_edges
    (473, 4879)
    """
    if gap_junctions not in ("exclude", "include"):
        raise GraphbalError(f"gap_junctions must be 'exclude' or 'include', got {gap_junctions!r}")
    table = neuron_table(name)
    ins = _select(inputs, table, "inputs", "inputs")
    outs = _select(outputs, table, "outputs", "outputs")
    both = set(ins) & set(outs)
    if both:
        raise GraphbalError(f"neurons cannot be both inputs and outputs: {', '.join(sorted(both)[:10])}")
    hidden = [c for c in table if c not in set(ins) | set(outs)]
    triples, dropped = _triples(_path(name, "edges"), hidden, ins, outs, gap_junctions == "exclude")
    role, post, pre, w = (np.asarray(x) for x in zip(*triples)) if triples else ([],) * 4
    meta = {
        "dataset": name,
        "neuron_class": tuple(table[c][0] for c in hidden),
        "role": tuple(table[c][1] for c in hidden),
        "dropped": dropped,
        "gap_junctions": gap_junctions,
    }
    return assemble_network(
        hidden, role, post, pre, w, input_names=ins, output_names=outs, sparse=True, meta=meta
    ).network


def _triples(path: Path, hidden: list, ins: list, outs: list, drop_electrical: bool) -> tuple[list, dict]:
    """Edge triples of a dataset's CSV with the given roles, and counts of the synapses the roles leave out."""
    h_idx = {c: i for i, c in enumerate(hidden)}
    i_idx = {c: i for i, c in enumerate(ins)}
    o_idx = {c: i for i, c in enumerate(outs)}
    dropped = {"onto_inputs": 0, "from_outputs": 0, "input_to_output": 0}
    triples = []
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            w = float(row["weight"])
            pairs = [(row["pre"], row["post"])]
            if row["type"].lower() in ELECTRICAL_TYPES:
                if drop_electrical:
                    continue
                pairs.append((row["post"], row["pre"]))
            for pre, post in pairs:
                if post in i_idx:
                    dropped["onto_inputs"] += 1
                elif pre in o_idx:
                    dropped["from_outputs"] += 1
                elif pre in i_idx and post in o_idx:
                    dropped["input_to_output"] += 1
                elif pre in i_idx:
                    triples.append((INPUT, h_idx[post], i_idx[pre], w))
                elif post in o_idx:
                    triples.append((OUTPUT, o_idx[post], h_idx[pre], w))
                else:
                    triples.append((RECURRENT, h_idx[post], h_idx[pre], w))
    return triples, dropped
