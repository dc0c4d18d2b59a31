"""Laplacian, conductance and eigenmodes (S11, B5, section 13 item 6)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import graphbal
from graphbal import Network
from graphbal.spectral import conductance, laplacian, project
from tests.graphs import strongly_connected_W


def ring(n=12, bidirectional=True):
    W = np.roll(np.eye(n), 1, axis=0)
    return W + np.roll(np.eye(n), -1, axis=0) if bidirectional else W


@pytest.mark.parametrize("p", [1.0, 2.0])
def test_laplacian_is_finite_difference_hessian_of_cost(p):
    rng = np.random.default_rng(int(p))
    n = 7
    net = Network(strongly_connected_W(n, rng), U=rng.normal(size=(n, 1)), V=rng.normal(size=(2, n)))
    h = rng.normal(scale=0.3, size=n)
    L = laplacian(net, p, h).toarray()
    eps = 1e-4
    H = np.zeros((n, n))
    for a in range(n):
        for b in range(n):
            ea, eb = np.eye(n)[a] * eps, np.eye(n)[b] * eps
            C = lambda d: graphbal.total_cost(net, p, h + d)  # noqa: E731
            H[a, b] = (C(ea + eb) - C(ea - eb) - C(-ea + eb) + C(-ea - eb)) / (4 * eps**2)
    np.testing.assert_allclose(H, p**2 * L, rtol=1e-5, atol=1e-5 * np.abs(H).max())
    K = conductance(net, p, h).toarray()
    np.testing.assert_allclose(K, K.T)
    np.testing.assert_allclose(-L[~np.eye(n, dtype=bool)], K[~np.eye(n, dtype=bool)])


def test_unit_ring_spectra():
    """Section 13 item 6: bidirectional {0, 0.536 x2, 2 x2, 4 x2, 6 x2, 7.464 x2, 8}; unidirectional half."""
    lam = graphbal.eigenmodes(Network(ring())).eigenvalues
    expected = np.sort(4 * (1 - np.cos(2 * np.pi * np.arange(12) / 12)))
    np.testing.assert_allclose(lam, expected, atol=1e-12)
    assert lam[1] == pytest.approx(0.536, abs=1e-3) and lam[-1] == pytest.approx(8.0)
    np.testing.assert_allclose(
        graphbal.eigenmodes(Network(ring(bidirectional=False))).eigenvalues, expected / 2, atol=1e-12
    )
    modes = graphbal.eigenmodes(Network(ring()), p=2, tau=3.0)
    assert modes.spectral_gap == pytest.approx(expected[1])
    assert modes.timescales[1] == pytest.approx(3.0 / (2 * expected[1]))
    assert np.isinf(modes.timescales[0])
    assert abs(modes.fiedler @ np.ones(12)) < 1e-10


@pytest.mark.parametrize("method", ["shift-invert", "lobpcg"])
def test_sparse_eigenmodes_match_dense(method):
    rng = np.random.default_rng(5)
    n = 400
    W = sp.random_array((n, n), density=0.02, rng=rng, format="csr")
    W = sp.csr_array(W + sp.csr_array(np.roll(np.eye(n), 1, axis=0)))
    U = np.zeros((n, 1))
    U[:5] = 1.0
    net = Network(W, U=U)
    dense = np.linalg.eigvalsh(laplacian(net).toarray())
    modes = graphbal.eigenmodes(net, k=6, method=method)
    np.testing.assert_allclose(modes.eigenvalues, dense[:6], rtol=1e-6, atol=1e-8)
    L = laplacian(net).toarray()
    for k in range(6):
        v = modes.vectors[:, k]
        np.testing.assert_allclose(L @ v, modes.eigenvalues[k] * v, atol=1e-5)


def test_projection_of_a_trajectory():
    modes = graphbal.eigenmodes(Network(ring()))
    coeffs = np.array([[0.0, 2.0, -1.0] + [0.0] * 9])
    h_t = coeffs @ modes.vectors.T
    np.testing.assert_allclose(project(h_t, modes), coeffs, atol=1e-12)
    with pytest.raises(graphbal.GraphbalError, match="neurons"):
        project(np.ones((2, 5)), modes)


def test_bad_arguments():
    net = Network(ring())
    with pytest.raises(graphbal.GraphbalError, match="which"):
        graphbal.eigenmodes(net, which="middle")
    with pytest.raises(graphbal.GraphbalError, match="k must be"):
        graphbal.eigenmodes(net, k=0)
