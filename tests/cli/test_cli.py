"""The ``graphbal balance`` and ``graphbal feasibility`` commands."""

from __future__ import annotations

import numpy as np
import pytest

import graphbal
from graphbal.cli import main

EDGES = "pre,post,weight\na,b,3\nb,a,0.2\nc,d,0.5\nd,c,5\nb,c,10\n"


@pytest.fixture
def edgelist(tmp_path):
    path = tmp_path / "net.csv"
    path.write_text(EDGES)
    return path


def test_balance_infeasible_fails_with_hint(edgelist, capsys):
    assert main(["balance", str(edgelist)]) == 2
    err = capsys.readouterr().err
    assert "b->c" in err and "--limit" in err


def test_balance_limit_writes_balanced_edgelist(edgelist, tmp_path, capsys):
    out = tmp_path / "balanced.csv"
    assert main(["balance", str(edgelist), "--limit", "--out", str(out)]) == 0
    net = graphbal.read_edgelist(out)
    # each reciprocal pair ends at sqrt(c12 c21) per synapse (S13); the bridge is gone
    assert abs(net.weight("a", "b")) == pytest.approx((3 * 0.2) ** 0.5, rel=1e-12)
    assert abs(net.weight("c", "d")) == pytest.approx((0.5 * 5) ** 0.5, rel=1e-12)
    assert net.n == 4 and net.weight("b", "c") == 0.0
    before = 3**2 + 0.2**2 + 0.5**2 + 5**2 + 10**2
    after = 2 * np.sqrt(3**2 * 0.2**2) + 2 * np.sqrt(0.5**2 * 5**2)  # sum of the SCC minima
    assert f"C {before:.6g} -> {after:.6g}" in capsys.readouterr().out
    # never overwrite silently
    assert main(["balance", str(edgelist), "--limit", "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["balance", str(edgelist), "--limit", "--out", str(out), "--force"]) == 0


def test_feasibility_command(edgelist, tmp_path, capsys):
    assert main(["feasibility", str(edgelist)]) == 1
    out = capsys.readouterr().out
    assert "b -> c" in out and "different strongly connected components" in out
    ok = tmp_path / "ok.csv"
    ok.write_text("pre,post,weight\na,b,1\nb,a,2\n")
    assert main(["feasibility", str(ok)]) == 0


def test_unknown_source(capsys):
    assert main(["balance", "no-such-file-or-dataset.csv"]) == 2
    assert "neither an existing edge-list file" in capsys.readouterr().err
