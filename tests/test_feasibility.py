"""feasibility(): the cycle condition against an independent networkx computation (S9, B7)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphbal
from graphbal import Network


def nx_transient(W, U=None, V=None):
    """Transient synapses by networkx SCCs of the augmented graph (ground 'io'), written independently."""
    G = nx.DiGraph()
    n = W.shape[0]
    G.add_nodes_from(range(n))
    for i, j in zip(*np.nonzero(W)):
        if i != j:
            G.add_edge(int(j), int(i))
    if U is not None:
        for i in np.flatnonzero(np.abs(U).sum(axis=1)):
            G.add_edge("io", int(i))
    if V is not None:
        for i in np.flatnonzero(np.abs(V).sum(axis=0)):
            G.add_edge(int(i), "io")
    comp = {}
    for k, c in enumerate(nx.strongly_connected_components(G)):
        for v in c:
            comp[v] = k
    return {(u, v) for u, v in G.edges if comp[u] != comp[v]}, len(set(comp.values()))


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 25),
    density=st.floats(0.0, 0.4),
    seed=st.integers(0, 2**32 - 1),
    io=st.sampled_from(["none", "in", "out", "both"]),
)
def test_matches_networkx_scc_criterion(n, density, seed, io):
    rng = np.random.default_rng(seed)
    W = (rng.random((n, n)) < density) * rng.normal(size=(n, n))
    U = (rng.random((n, 2)) < 0.2) * 1.0 if io in ("in", "both") else None
    V = (rng.random((1, n)) < 0.2) * 1.0 if io in ("out", "both") else None
    rep = graphbal.feasibility(Network(W, U=U, V=V))
    expected, _ = nx_transient(W, U if U is not None and U.any() else None, V if V is not None and V.any() else None)
    assert set(rep.transient_synapses) == expected
    assert rep.finite == (not expected)
    assert set(rep.reasons) == expected


def test_components_and_names():
    names = ["a", "b", "c", "d", "e"]
    W = np.zeros((5, 5))
    W[1, 0] = W[0, 1] = 1.0  # a <-> b
    W[2, 1] = 1.0  # bridge b -> c
    W[3, 2] = W[4, 3] = W[2, 4] = 1.0  # cycle c -> d -> e -> c
    rep = graphbal.feasibility(Network(W, names=names))
    assert not rep.finite
    assert rep.transient_synapses == [("b", "c")]
    assert sorted(map(sorted, rep.components)) == [["a", "b"], ["c", "d", "e"]]
    assert "different strongly connected components" in rep.reasons[("b", "c")]
    assert "b->c" in rep.summary()


def test_io_cost_changes_feasibility():
    """Lone synapse 1 -> 2: infeasible alone (S13); costing input->1 and 2->output closes the cycle."""
    net = Network(np.array([[0.0, 0.0], [2.0, 0.0]]), U=[[1.0], [0.0]], V=[[0.0, 1.0]])
    assert graphbal.feasibility(net).finite
    rep = graphbal.feasibility(net, io_cost=False)
    assert not rep.finite and rep.transient_synapses == [(0, 1)]
    assert any("io" in c for c in graphbal.feasibility(net).components)


def test_output_without_input_is_transient():
    net = Network(np.array([[0.0, 1.0], [1.0, 0.0]]), V=[[1.0, 0.0]])
    rep = graphbal.feasibility(net)
    assert rep.transient_synapses == [(0, "io")]
    assert "not reachable from any input" in rep.reasons[(0, "io")]


def test_self_loops_and_zero_alpha_do_not_count():
    W = np.array([[5.0, 0.0], [1.0, 0.0]])
    assert not graphbal.feasibility(Network(W)).finite
    alpha = np.ones((2, 2))
    alpha[1, 0] = 0.0  # the bridge is not costed
    assert graphbal.feasibility(Network(W, alpha=alpha)).finite


@pytest.mark.parametrize("seed", range(3))
def test_sparse_large_agrees_with_networkx(seed):
    rng = np.random.default_rng(seed)
    n = 400
    import scipy.sparse as sp

    W = sp.random_array((n, n), density=2.0 / n, rng=rng, format="csr")
    rep = graphbal.feasibility(Network(W))
    expected, ncomp = nx_transient(W.toarray())
    assert set(rep.transient_synapses) == expected
    assert len(rep.components) == ncomp
