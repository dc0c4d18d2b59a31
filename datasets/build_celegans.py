"""Regenerate the bundled C. elegans connectome CSVs from the ``cect`` wheel (build time only).

The OpenWorm C. elegans Connectome Toolbox (PyPI ``cect``, MIT licence) ships
the published source spreadsheets together with its own parsed cache
(``cect/cache/<Reader>.json``: node list and pre x post count matrices for
chemical synapses ``Generic_CS`` and gap junctions ``Generic_GJ``). This
script reads that cache and cect's cell classification (``cect.Cells``,
which needs pandas) and writes, for each dataset:

- ``celegans/<name>_edges.csv``: ``pre,post,weight,type`` with weight = synapse
  count; ``type`` is ``chemical`` (one row per directed pair) or ``electrical``
  (one row per unordered pair, ``pre < post`` alphabetically: gap junctions
  are symmetric; a gap junction of a cell with itself, present in some sources, is dropped);
- ``celegans/<name>_neurons.csv``: ``name,class,role`` (role: sensory, inter,
  motor or other, from ``cect.Cells.get_SIM_class``; class: the name without
  its left/right, dorsal/ventral or index suffix).

Usage (graphbal never downloads at run time)::

    python -m venv /tmp/build && /tmp/build/bin/pip install pandas numpy
    /tmp/build/bin/pip download --no-deps cect==0.3.5 -d /tmp/cect
    /tmp/build/bin/python datasets/build_celegans.py --wheel /tmp/cect/cect-0.3.5-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "celegans"

SOURCES = {
    "cook2019": "Cook2019HermReader",
    "varshney2011": "VarshneyDataReader",
    **{f"witvliet2021_stage{k}": f"WitvlietDataReader{k}" for k in range(1, 9)},
}

_ROLE = {"Sensory": "sensory", "Interneuron": "inter", "Motorneuron": "motor"}


def neuron_class(name: str) -> str:
    """Class of a cell: strip a trailing index, then a trailing L/R and a D/V position (e.g. RMDDL -> RMD)."""
    base = re.sub(r"\d+$", "", name)
    if len(base) > 2 and base[-1] in "LR":
        base = base[:-1]
    if len(base) > 3 and base[-1] in "DV":
        base = base[:-1]
    return base or name


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(buf.getvalue())
    os.replace(tmp, path)


def source_counts(cache: dict) -> dict:
    """Counts straight from the source matrices (used by the tests and the README table)."""
    cs, gj = cache["connections"]["Generic_CS"], cache["connections"]["Generic_GJ"]
    n = len(cache["nodes"])
    chem = sum(1 for i in range(n) for j in range(n) if cs[i][j] != 0)
    gap = sum(1 for i in range(n) for j in range(i + 1, n) if gj[i][j] != 0 or gj[j][i] != 0)
    self_gap = sum(1 for i in range(n) if gj[i][i] != 0)
    return {
        "nodes": n,
        "chemical": chem,
        "electrical": gap,
        "self_gap_junctions_dropped": self_gap,
        "chemical_synapses": int(sum(sum(r) for r in cs)),
    }


def build(root: Path) -> dict:
    sys.path.insert(0, str(root))
    from cect import Cells  # noqa: E402  (needs pandas)

    OUT.mkdir(exist_ok=True)
    summary = {}
    for name, reader in SOURCES.items():
        cache = json.loads((root / "cect" / "cache" / f"{reader}.json").read_text())
        nodes = cache["nodes"]
        cs, gj = cache["connections"]["Generic_CS"], cache["connections"]["Generic_GJ"]
        rows = []
        for i, pre in enumerate(nodes):
            for j, post in enumerate(nodes):
                if cs[i][j]:
                    rows.append([pre, post, repr(float(cs[i][j])), "chemical"])
        for i, a in enumerate(nodes):
            for j, b in enumerate(nodes):
                if j <= i or not (gj[i][j] or gj[j][i]):
                    continue
                pre, post = sorted([a, b])
                rows.append([pre, post, repr(float(max(gj[i][j], gj[j][i]))), "electrical"])
        write_csv(OUT / f"{name}_edges.csv", ["pre", "post", "weight", "type"], rows)
        neurons = [[c, neuron_class(c), _ROLE.get(Cells.get_SIM_class(c), "other")] for c in nodes]
        write_csv(OUT / f"{name}_neurons.csv", ["name", "class", "role"], neurons)
        summary[name] = {"reader": reader, **source_counts(cache)}
        print(f"{name}: {summary[name]}")
    (OUT / "counts.json").write_text(json.dumps(summary, indent=1) + "\n")
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheel", type=Path, help="path to the downloaded cect wheel")
    parser.add_argument("--dir", type=Path, help="an already extracted cect wheel (contains cect/)")
    args = parser.parse_args(argv)
    if args.dir:
        build(args.dir)
    elif args.wheel:
        with tempfile.TemporaryDirectory() as tmp:
            zipfile.ZipFile(args.wheel).extractall(tmp)
            build(Path(tmp))
    else:
        parser.error("give --wheel or --dir (download with: pip download --no-deps cect==0.3.5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
