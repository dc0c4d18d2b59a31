"""CSV edge lists: round trip, malformed files (file and line in the message), duplicates, gap junctions."""

from __future__ import annotations

import numpy as np
import pytest

import graphbal
from graphbal import GraphbalError, Network


def test_round_trip_with_io_alpha_and_awkward_names(tmp_path):
    W = np.array([[0.0, 2.0, 0.0], [-1.5, 3.0, 0.0], [0.0, 0.5, 0.0]])
    net = Network(
        W,
        U=[[1.0], [0.0], [2.0]],
        V=[[0.0, 0.0, 4.0]],
        names=["a,1", 'b "q"', "c"],
        alpha=np.full((3, 3), 2.0),
        alpha_U=[[1.0], [1.0], [0.5]],
        alpha_V=[[1.0, 1.0, 3.0]],
    )
    path = tmp_path / "net.csv"
    graphbal.write_edgelist(net, path)
    back = graphbal.read_edgelist(path)
    order = [back.index(x) for x in net.names]
    np.testing.assert_array_equal(back.dense_W()[np.ix_(order, order)], W)
    np.testing.assert_array_equal(back.U[order], net.U)
    np.testing.assert_array_equal(back.V[:, order], net.V)
    assert graphbal.total_cost(back) == pytest.approx(graphbal.total_cost(net), rel=1e-15)


@pytest.mark.parametrize(
    "text, match",
    [
        ("", "file is empty"),
        ("pre,post\na,b\n", "lacks column"),
        ("pre,post,weight\na,b\n", ":2: expected 3 fields"),
        ("pre,post,weight\na,b,1\nb,a,x\n", ":3: weight 'x' is not a number"),
        ("pre,post,weight\na,b,nan\n", ":2: weight is 'nan'"),
        ("pre,post,weight,role\na,b,1,sideways\n", ":2: unknown role"),
        ("pre,post,weight,alpha\na,b,1,-2\n", ":2: negative alpha"),
        ("pre,post,weight\n,b,1\n", ":2: empty neuron name"),
    ],
)
def test_malformed_files_name_file_and_line(tmp_path, text, match):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(GraphbalError, match=match) as info:
        graphbal.read_edgelist(path)
    assert str(path) in str(info.value)


def test_duplicates_self_loops_and_gap_junctions(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("pre,post,weight,type\na,b,1,chemical\na,b,2,chemical\nb,b,5,chemical\nb,a,3,electrical\n")
    with pytest.warns(UserWarning, match="summed"):
        net = graphbal.read_edgelist(path)
    assert net.weight("a", "b") == 3.0 and net.weight("b", "b") == 5.0 and net.weight("b", "a") == 0.0
    with pytest.warns(UserWarning):
        with_gap = graphbal.read_edgelist(path, gap_junctions="include")
    assert with_gap.weight("b", "a") == 3.0
    with pytest.raises(GraphbalError, match="not found"):
        graphbal.read_edgelist(tmp_path / "missing.csv")


def test_atomic_write_replaces_whole_file(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old content that is longer than the new one " * 10)
    graphbal.write_edgelist(Network(np.array([[0.0, 1.0], [1.0, 0.0]])), path)
    assert path.read_text().startswith("pre,post,weight,role\n") and "old content" not in path.read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary file left behind
