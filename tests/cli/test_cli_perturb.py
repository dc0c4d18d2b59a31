"""`graphbal perturb` and `graphbal spectrum` on an edge list."""

from __future__ import annotations

import csv

import numpy as np
import pytest

import graphbal
from graphbal.cli import main


@pytest.fixture
def ring_csv(tmp_path):
    n = 12
    net = graphbal.Network(
        np.roll(np.eye(n), 1, axis=0) + np.roll(np.eye(n), -1, axis=0), names=[f"n{k}" for k in range(n)]
    )
    path = tmp_path / "ring.csv"
    graphbal.write_edgelist(net, path)
    return path


def test_perturb_command_matches_library(ring_csv, tmp_path, capsys):
    out, fig = tmp_path / "pred.csv", tmp_path / "pred.png"
    assert (
        main(
            [
                "perturb",
                str(ring_csv),
                "--synapse",
                "n0",
                "n1",
                "--factor",
                "1.5",
                "--out",
                str(out),
                "--plot",
                str(fig),
                "--time",
                "5",
            ]
        )
        == 0
    )
    assert "potentiate" in capsys.readouterr().out
    rows = {(r["pre"], r["post"]): float(r["log_cost_change"]) for r in csv.DictReader(out.open())}
    direct = graphbal.perturb(graphbal.read_edgelist(ring_csv), ("n0", "n1"), 1.5)
    for key, value in direct.log_change.items():
        assert rows[key] == pytest.approx(value, rel=1e-12)
    assert fig.stat().st_size > 1000
    assert main(["perturb", str(ring_csv), "--synapse", "n0", "n5", "--factor", "2"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_spectrum_command(ring_csv, capsys):
    assert main(["spectrum", str(ring_csv), "--k", "4"]) == 0
    text = capsys.readouterr().out
    lam = 4 * (1 - np.cos(2 * np.pi / 12))
    assert f"{lam:.6g}" in text  # the unit-ring gap 0.535898...
