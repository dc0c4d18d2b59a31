"""Bundled connectomes: shipped counts = README = source matrices; loaders build matching Networks."""

from __future__ import annotations

import csv
import json
import os
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest

import graphbal
from graphbal import GraphbalError, datasets

ROOT = Path(__file__).resolve().parent.parent / "datasets"


def readme_counts() -> dict:
    rows = re.findall(
        r"^\| `(\w+)` \| `(\w+)` \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$", (ROOT / "README.md").read_text(), flags=re.M
    )
    return {name: tuple(map(int, r)) for name, _, *r in rows}


def csv_counts(stem: str) -> tuple[int, int, int, int]:
    with open(ROOT / "celegans" / f"{stem}_neurons.csv", newline="") as fh:
        cells = sum(1 for _ in csv.DictReader(fh))
    chem = gap = total = 0
    with open(ROOT / "celegans" / f"{stem}_edges.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["type"] == "chemical":
                chem += 1
                total += float(row["weight"])
            else:
                gap += 1
    return cells, chem, gap, int(total)


def test_readme_lists_every_dataset():
    assert sorted(readme_counts()) == sorted(datasets.available())


@pytest.mark.parametrize("name", datasets.available())
def test_shipped_csv_counts_match_readme_and_loader(name):
    stem = datasets._FILES[name]
    counts = csv_counts(stem)
    assert counts == readme_counts()[name]
    net = datasets.load(name)
    assert net.n == counts[0]
    assert net.n_edges == counts[1]
    assert net.W.sum() == pytest.approx(counts[3])
    with_gaps = datasets.load(name, gap_junctions="include")
    # gap junctions add both directions (merged with a chemical synapse where one exists)
    dense = with_gaps.dense_W() - net.dense_W()
    assert np.allclose(dense, dense.T)
    assert np.count_nonzero(np.triu(dense > 0, k=1)) == counts[2]


@pytest.mark.skipif(
    not os.environ.get("CECT_WHEEL"), reason="set CECT_WHEEL to the cect wheel to compare with the source matrices"
)
@pytest.mark.parametrize("name", datasets.available())
def test_counts_match_source_matrices(name):
    stem = datasets._FILES[name]
    reader = json.loads((ROOT / "celegans" / "counts.json").read_text())[stem]["reader"]
    with zipfile.ZipFile(os.environ["CECT_WHEEL"]) as zf:
        src = json.loads(zf.read(f"cect/cache/{reader}.json"))
    cs = np.array(src["connections"]["Generic_CS"])
    gj = np.array(src["connections"]["Generic_GJ"])
    gap_pairs = int(np.count_nonzero(np.triu((gj + gj.T) > 0, k=1)))
    assert csv_counts(stem) == (len(src["nodes"]), np.count_nonzero(cs), gap_pairs, int(cs.sum()))


def test_inputs_outputs_by_role_and_name_checks():
    table = datasets.neuron_table("celegans_witvliet2021_stage8")
    net = datasets.load("celegans_witvliet2021_stage8", inputs="sensory", outputs="motor")
    n_sens = sum(r == "sensory" for _, r in table.values())
    n_mot = sum(r == "motor" for _, r in table.values())
    assert net.n_inputs == n_sens and net.n_outputs == n_mot and net.n == len(table) - n_sens - n_mot
    assert set(net.meta["role"]) <= {"inter", "other"}
    full = datasets.load("celegans_witvliet2021_stage8")
    kept = net.W.sum() + net.U.sum() + net.V.sum()
    lost = sum(net.meta["dropped"].values())
    assert kept <= full.W.sum() and lost > 0
    with pytest.raises(GraphbalError, match="unknown neuron name"):
        datasets.load("celegans_witvliet2021_stage8", inputs=["NOT_A_NEURON"])
    with pytest.raises(GraphbalError, match="available: celegans_cook2019_chem"):
        datasets.load("celegans_hermaphrodite")


def test_balance_runs_on_cook():
    net = datasets.load("celegans_cook2019_chem")
    rep = graphbal.feasibility(net)
    assert not rep.finite  # muscles receive but do not project: synapses onto them lie on no cycle
    res = graphbal.balance(net, on_infeasible="limit")
    assert res.limit and res.converged and res.cost_after < res.cost_before
