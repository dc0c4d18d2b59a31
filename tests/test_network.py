"""Network construction, conversions and input validation."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

import graphbal
from graphbal import GraphbalError, Network


def test_dense_sparse_and_networkx_round_trip():
    rng = np.random.default_rng(0)
    W = (rng.random((6, 6)) < 0.4) * rng.normal(size=(6, 6))
    U, V = rng.normal(size=(6, 2)), rng.normal(size=(1, 6))
    net = Network(W, U=U, V=V, names=list("abcdef"), input_names=["x", "y"], output_names=["z"])
    G = net.to_networkx()
    for i, j in zip(*np.nonzero(W)):
        assert G["abcdef"[j]]["abcdef"[i]]["weight"] == W[i, j]  # edge pre -> post
    back = Network.from_networkx(G, inputs=["x", "y"], outputs=["z"])
    order = [back.index(c) for c in "abcdef"]
    np.testing.assert_array_equal(back.W[np.ix_(order, order)], W)
    np.testing.assert_array_equal(back.U[order], U)
    np.testing.assert_array_equal(back.V[:, order], V)
    s = Network.from_sparse(sp.csr_array(W))
    assert s.is_sparse and s.n_edges == np.count_nonzero(W)
    np.testing.assert_array_equal(s.dense_W(), W)
    assert net.weight("a", "b") == W[1, 0]


def test_inputs_are_copied_and_frozen():
    W = np.array([[0.0, 1.0], [2.0, 0.0]])
    net = Network(W)
    W[0, 1] = 99.0
    assert net.W[0, 1] == 1.0
    with pytest.raises(ValueError):
        net.W[0, 1] = 5.0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"W": np.array([[np.nan]])}, "NaN"),
        ({"W": np.array([[np.inf, 0], [0, 0]])}, "infinite"),
        ({"W": np.ones((2, 3))}, "square"),
        ({"W": np.zeros((0, 0))}, "empty network"),
        ({"W": np.ones((2, 2)), "U": np.ones((3, 1))}, "U has shape"),
        ({"W": np.ones((2, 2)), "V": np.ones((1, 3))}, "V has shape"),
        ({"W": np.ones((2, 2)), "b": np.ones(3)}, "b has shape"),
        ({"W": np.ones((2, 2)), "alpha": -np.ones((2, 2))}, "negative"),
        ({"W": np.ones((2, 2)), "alpha": np.ones((3, 3))}, "alpha has shape"),
        ({"W": np.ones((2, 2)), "names": ["a", "a"]}, "unique"),
        ({"W": np.ones((2, 2)), "names": ["a"]}, "names has 1"),
        ({"W": np.ones((2, 2)), "U": np.array([[np.nan], [1.0]])}, "U contains"),
        ({"W": "abc"}, "numeric"),
    ],
)
def test_bad_input_raises_clear_errors(kwargs, match):
    with pytest.raises(GraphbalError, match=match):
        Network(**kwargs)
    assert issubclass(GraphbalError, ValueError)


def test_unknown_names_and_bad_graphs():
    net = Network(np.eye(2), names=["a", "b"])
    with pytest.raises(GraphbalError, match="unknown neuron 'c'"):
        net.index("c")
    with pytest.raises(GraphbalError, match="DiGraph"):
        Network.from_networkx(nx.Graph([(1, 2)]))
    G = nx.DiGraph([("in", "a"), ("a", "out"), ("in", "out")])
    with pytest.raises(GraphbalError, match="not allowed"):
        Network.from_networkx(G, inputs=["in"], outputs=["out"])
    for p in (0, -1, float("nan"), "a"):
        with pytest.raises(GraphbalError, match="p must be"):
            graphbal.total_cost(net, p=p)
