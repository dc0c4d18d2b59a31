"""Diagrams: layouts, class aggregation, files written."""

from __future__ import annotations

import numpy as np
import pytest

import graphbal
from graphbal import GraphbalError, Network, draw


@pytest.mark.parametrize("prog", ["neato", "dot", "circo", "ring"])
def test_layouts(prog):
    net = Network(np.roll(np.eye(6), 1, axis=0))
    pos = draw.layout(net, prog)
    assert pos.shape == (6, 2) and np.isfinite(pos).all()
    assert len({tuple(np.round(p, 6)) for p in pos}) == 6  # distinct positions
    with pytest.raises(GraphbalError, match="unknown layout"):
        draw.layout(net, "spring")


def test_class_summary_sums_weights():
    W = np.array([[0, 1.0, 2.0], [3.0, 0, 0], [0, 5.0, 0]])
    net = Network(W, meta={"role": ("x", "x", "y")})
    s = draw.class_summary(net, by="role")
    assert s.names == ("x", "y")
    np.testing.assert_allclose(s.W, [[4.0, 2.0], [5.0, 0.0]])  # W[post_group, pre_group]
    with pytest.raises(GraphbalError, match="no per-neuron"):
        draw.class_summary(Network(W), by="role")


def test_before_after_and_cli(tmp_path):
    net = Network(np.array([[0, 4.0, 0], [1.0, 0, -2.0], [0.5, 0, 0]]), names=["a", "b", "c"])
    res = graphbal.balance(net)
    files = draw.draw_before_after(net, res, tmp_path / "ba.png", prog="circo")
    assert [f.suffix for f in files] == [".png", ".svg"] and all(f.stat().st_size > 1000 for f in files)
    edges = tmp_path / "e.csv"
    graphbal.write_edgelist(net, edges)
    from graphbal.cli import main

    assert main(["draw", str(edges), "--out", str(tmp_path / "d.png"), "--balanced"]) == 0
    assert main(["draw", str(edges), "--out", str(tmp_path / "d.png")]) == 2  # exists: refuse without --force
