"""`graphbal analyze`: report numbers against direct computations; output-directory safety; CLI errors."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

import graphbal
from graphbal import datasets
from graphbal.cli import main

NAME = "celegans_witvliet2021_stage1"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("rep") / "report"
    assert main(["analyze", NAME, "--out", str(out), "--quiet"]) == 0
    return out, json.loads((out / "report.json").read_text())


def test_report_numbers_match_direct_computation(report):
    out, nums = report
    net = datasets.load(NAME)
    G = nx.DiGraph()
    G.add_nodes_from(range(net.n))
    W = sp.coo_array(net.W)
    G.add_edges_from((int(j), int(i)) for i, j in zip(W.row, W.col) if i != j)
    comp = {v: k for k, c in enumerate(nx.strongly_connected_components(G)) for v in c}
    transient = sum(comp[u] != comp[v] for u, v in G.edges)
    assert nums["n_transient"] == transient
    assert nums["n_components"] == len(set(comp.values()))
    assert nums["finite"] == (transient == 0)
    res = graphbal.balance(net, on_infeasible="limit")
    assert nums["cost_before"] == pytest.approx(float((net.W.data**2).sum()), rel=1e-12)
    assert nums["cost_after"] == pytest.approx(res.cost_after, rel=1e-10)
    # the limit cost is the sum of the SCC minima: balance each SCC separately and add up
    total = 0.0
    dense = net.dense_W()
    for c in nx.strongly_connected_components(G):
        idx = sorted(c)
        if len(idx) > 1:
            total += graphbal.balance(graphbal.Network(dense[np.ix_(idx, idx)])).cost_after
        else:
            total += dense[idx[0], idx[0]] ** 2
    assert nums["cost_after"] == pytest.approx(total, rel=1e-9)
    md = (out / "report.md").read_text()
    assert f"{nums['cost_after']:.6g}" in md and f"{nums['n_transient']} synapse(s) lie on no directed cycle" in md
    for fig in ("h_by_group", "costs_before_after", "class_diagram", "perturbation"):
        assert (out / f"{fig}.png").stat().st_size > 1000 and (out / f"{fig}.svg").exists()


def test_output_directory_is_never_overwritten_silently(report, tmp_path, capsys):
    out, _ = report
    assert main(["analyze", NAME, "--out", str(out), "--quiet"]) == 2
    assert "not empty" in capsys.readouterr().err
    keep = tmp_path / "mine"
    keep.mkdir()
    (keep / "notes.txt").write_text("precious")
    assert main(["analyze", NAME, "--out", str(keep), "--quiet", "--force"]) == 0
    assert (keep / "notes.txt").read_text() == "precious" and (keep / "report.md").exists()


def test_unknown_names_and_inputs(tmp_path, capsys):
    assert main(["analyze", "celegans_nope", "--out", str(tmp_path / "a"), "--quiet"]) == 2
    assert "neither an existing edge-list file nor a bundled dataset" in capsys.readouterr().err
    assert main(["analyze", NAME, "--out", str(tmp_path / "b"), "--quiet", "--inputs", "XYZ1"]) == 2
    assert "unknown neuron name(s) in inputs: XYZ1" in capsys.readouterr().err


def test_edgelist_with_duplicates_and_self_loops(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("pre,post,weight\na,b,1\nb,a,4\na,b,1\nb,b,3\n")
    with pytest.warns(UserWarning, match="summed"):
        assert main(["analyze", str(path), "--out", str(tmp_path / "r"), "--quiet"]) == 0
    nums = json.loads((tmp_path / "r" / "report.json").read_text())
    # a->b summed to 2; self-loop b->b is cost-invariant: C* = 2 sqrt(4 * 16) + 9
    assert nums["cost_after"] == pytest.approx(2 * np.sqrt(4 * 16) + 9, rel=1e-12)


def test_report_perturbation_rows_are_labelled_by_their_sign(report):
    """The report's perturbation table: potentiate iff the log cost grows; weight factor exp(change / p)."""
    out, nums = report
    rows = nums["perturbation"]["top"]
    assert rows and {r["prediction"] for r in rows} <= {"potentiate", "depress", "none"}
    for r in rows:
        d = float(r["log_cost_change"])
        assert r["prediction"] == ("potentiate" if d > 1e-12 else "depress" if d < -1e-12 else "none")
        assert float(r["weight_fold_change"]) == pytest.approx(np.exp(d / nums["p"]), rel=1e-12)
        assert r["confidence"] in {"high", "medium", "low"}  # the report uses the exact method
    md = (out / "report.md").read_text()
    for r in rows:
        assert f"| {r['pre']} -> {r['post']} | {r['prediction']} | {float(r['weight_fold_change']):.4g} |" in md
