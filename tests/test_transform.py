"""The transform's invariants (S2, S10): property tests with hypothesis."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

import graphbal
from graphbal import GraphbalError, Network
from tests.graphs import feasible_networks


@settings(max_examples=50, deadline=None)
@given(net=feasible_networks(max_n=9, log_ranges=(0.5, 2.0)), seed=st.integers(0, 2**32 - 1))
def test_transform_conserves_spectrum_signs_diagonal_and_cycle_invariants(net, seed):
    h = np.random.default_rng(seed).normal(size=net.n)
    moved = graphbal.transform(net, h)
    W, M = net.dense_W(), moved.dense_W()
    np.testing.assert_array_equal(np.sign(M), np.sign(W))
    np.testing.assert_array_equal(np.diag(M), np.diag(W))
    ev, em = np.linalg.eigvals(W), np.linalg.eigvals(M)
    # match the two spectra by a minimum-cost assignment: sorting misorders values whose real parts are ~0
    rows, cols = linear_sum_assignment(np.abs(ev[:, None] - em[None, :]))
    np.testing.assert_allclose(em[cols], ev[rows], atol=1e-8 * max(1.0, np.abs(ev).max()))
    inv = graphbal.cycle_invariants(net)
    np.testing.assert_allclose(graphbal.cycle_invariants(moved).values, inv.values, atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(net=feasible_networks(max_n=9, log_ranges=(0.5, 2.0)))
def test_balancing_conserves_cycle_products_and_path_products(net):
    res = graphbal.balance(net)
    inv = graphbal.cycle_invariants(net)
    np.testing.assert_allclose(graphbal.cycle_invariants(res.network).values, inv.values, atol=1e-8)
    n = net.n
    cycle = list(range(n))
    W = net.dense_W()
    if all(W[(k + 1) % n, k] != 0 for k in range(n)):
        np.testing.assert_allclose(
            graphbal.cycle_products(res.network, [cycle]), graphbal.cycle_products(net, [cycle]), rtol=1e-9
        )


def test_invariant_count_matches_networkx():
    import networkx as nx

    rng = np.random.default_rng(3)
    W = (rng.random((12, 12)) < 0.2) * 1.0
    np.fill_diagonal(W, 0)
    W[0, 0] = 2.0
    net = Network(W)
    G = nx.Graph()
    G.add_nodes_from(range(12))
    G.add_edges_from((int(j), int(i)) for i, j in zip(*np.nonzero(W)) if i != j)
    m = int(np.count_nonzero(W - np.diag(np.diag(W))))
    expected = m - 12 + nx.number_connected_components(G) + 1  # + one self-synapse
    assert len(graphbal.cycle_invariants(net)) == expected


def test_composition_and_bad_h():
    rng = np.random.default_rng(0)
    net = Network(rng.normal(size=(4, 4)), U=rng.normal(size=(4, 1)), V=rng.normal(size=(1, 4)), b=np.ones(4))
    h1, h2 = rng.normal(size=4), rng.normal(size=4)
    a = graphbal.transform(graphbal.transform(net, h1), h2)
    b = graphbal.transform(net, h1 + h2)
    for x, y in ((a.W, b.W), (a.U, b.U), (a.V, b.V), (a.b, b.b)):
        np.testing.assert_allclose(x, y, rtol=1e-12)
    with pytest.raises(GraphbalError, match="h has shape"):
        graphbal.transform(net, np.zeros(3))
    with pytest.raises(GraphbalError, match="NaN"):
        graphbal.transform(net, [np.nan, 0, 0, 0])
    with pytest.raises(GraphbalError, match="overflows"):
        graphbal.transform(net, [800.0, -800.0, 0, 0])
    with pytest.raises(GraphbalError, match="no synapse"):
        graphbal.cycle_products(Network(np.eye(3)), [[0, 1]])


@pytest.mark.parametrize("scale, big", [(1.0, 1e200), (350.0, 1.0)])
def test_sparse_transform_matches_the_elementwise_definition(scale, big):
    """W_ij -> exp(h_i - h_j) W_ij for sparse W, on both evaluation paths (|h| < 300 and beyond), extreme weights."""
    rng = np.random.default_rng(5)
    n = 200
    W = sp.random(n, n, density=0.05, random_state=1, format="csr") * big
    W.data[::7] = 1e-200
    h = rng.uniform(-1, 1, n) * scale
    new = graphbal.transform(graphbal.Network(W), h)
    dense = W.toarray()
    rows, cols = np.nonzero(dense)
    expected = dense[rows, cols] * np.exp(h[rows] - h[cols])
    finite = np.isfinite(expected) & (expected != 0)
    got = new.W.toarray()[rows, cols]
    np.testing.assert_allclose(got[finite], expected[finite], rtol=1e-12)
