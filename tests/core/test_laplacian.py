"""Matrix-free grounded Laplacian and its mixed-precision solve (B5, balancing_algorithms.md section 3)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import graphbal
from graphbal import Network
from graphbal._core import laplacian, linsolve
from graphbal._core.costgraph import cost_graph
from graphbal._core.flows import flows


def _random_net(n, seed, spread=1.0, io=True):
    rng = np.random.default_rng(seed)
    perm = rng.permutation(n)
    rows = np.concatenate([np.roll(perm, -1), rng.integers(0, n, 5 * n)])
    cols = np.concatenate([perm, rng.integers(0, n, 5 * n)])
    keep = rows != cols
    W = sp.csr_array((np.exp(rng.normal(0, spread, keep.sum())), (rows[keep], cols[keep])), shape=(n, n))
    U = V = None
    if io:
        U = np.zeros((n, 1))
        U[:40, 0] = 1.0
        V = np.zeros((1, n))
        V[0, 40:80] = 1.0
    return Network(W, U=U, V=V)


def _dense_reference(cg, w, diag, fixed):
    """L = diag - (A + A^T) with identity rows/columns on fixed neurons, built from the edge lists directly."""
    n = cg.n
    L = np.zeros((n, n))
    np.add.at(L, (cg.post, cg.pre), -w)
    np.add.at(L, (cg.pre, cg.post), -w)
    L[np.arange(n), np.arange(n)] = diag
    L[fixed, :] = 0.0
    L[:, fixed] = 0.0
    L[fixed, fixed] = 1.0
    return L


@pytest.fixture(scope="module")
def system():
    net = _random_net(2500, 0)
    cg = cost_graph(net, 2.0)
    h = np.random.default_rng(1).normal(0, 0.3, cg.n)
    f = flows(cg, h)
    fixed = np.zeros(cg.n, dtype=bool)
    es = laplacian.edge_structure(cg, fixed)
    L = es.laplacian(f.edge, f.incoming + f.outgoing)
    return cg, f, fixed, es, L


def test_matvec_matches_dense_reference(system):
    cg, f, fixed, es, L = system
    dense = _dense_reference(cg, f.edge, f.incoming + f.outgoing, fixed)
    x = np.random.default_rng(2).normal(size=cg.n)
    np.testing.assert_allclose(L.matvec(x), dense @ x, rtol=1e-12, atol=1e-12 * np.abs(dense).max())
    np.testing.assert_allclose(L.toarray(), dense, rtol=1e-12, atol=0)


def test_fixed_neurons_act_as_identity():
    net = _random_net(300, 3)
    cg = cost_graph(net, 2.0)
    f = flows(cg, np.zeros(cg.n))
    fixed = np.zeros(cg.n, dtype=bool)
    fixed[[0, 7, 42]] = True
    L = laplacian.edge_structure(cg, fixed).laplacian(f.edge, f.incoming + f.outgoing)
    dense = _dense_reference(cg, f.edge, f.incoming + f.outgoing, fixed)
    x = np.random.default_rng(4).normal(size=cg.n)
    np.testing.assert_allclose(L.matvec(x), dense @ x, rtol=1e-12, atol=1e-12 * np.abs(dense).max())


def test_float32_operator_is_the_jacobi_scaled_laplacian(system):
    cg, f, fixed, es, L = system
    S = L.scaled32()
    dense = _dense_reference(cg, f.edge, f.incoming + f.outgoing, fixed)
    s = 1.0 / np.sqrt(np.diag(dense))
    scaled = s[:, None] * dense * s[None, :]
    assert np.all(np.abs(scaled[~np.eye(cg.n, dtype=bool)]) <= 1.0 + 1e-12)  # couplings in [0, 1]
    y = np.random.default_rng(5).normal(size=cg.n)
    err = np.linalg.norm(S.matvec(y) - scaled @ y) / np.linalg.norm(y)
    assert err < 1e-5  # float32 products, unit diagonal exact


@pytest.mark.parametrize("rtol", [1e-3, 1e-8, 1e-12])
def test_mixed_precision_solve_reaches_the_requested_float64_residual(system, rtol):
    cg, f, fixed, es, L = system
    dense = _dense_reference(cg, f.edge, f.incoming + f.outgoing, fixed)
    rhs = np.random.default_rng(6).normal(size=cg.n) * np.sqrt(np.diag(dense))  # a grounded system: SPD
    x, its = linsolve.solve_linear(L, rhs, rtol, 5000)
    s = 1.0 / np.sqrt(np.diag(dense))
    rel = np.linalg.norm(s * (rhs - dense @ x)) / np.linalg.norm(s * rhs)  # residual in float64, dense
    assert its > 0
    assert rel <= rtol * 1.001  # float32 passes are trusted only down to F32_RTOL; below it float64 checks
    if rtol <= 1e-8:
        np.testing.assert_allclose(x, np.linalg.solve(dense, rhs), rtol=1e-5, atol=1e-9 * np.abs(x).max())


def test_refinement_fallback_to_float64_still_meets_tolerance(system, monkeypatch):
    cg, f, fixed, es, L = system
    monkeypatch.setattr(linsolve, "MAX_REFINE", 0)  # skip refinement: only the float64 finish remains
    rhs = np.random.default_rng(7).normal(size=cg.n)
    x, _ = linsolve.solve_linear(L, rhs, 1e-11, 5000)
    dense = _dense_reference(cg, f.edge, f.incoming + f.outgoing, fixed)
    s = 1.0 / np.sqrt(np.diag(dense))
    assert np.linalg.norm(s * (rhs - dense @ x)) <= 1.0001e-11 * np.linalg.norm(s * rhs)


def test_wide_cost_range_has_no_float32_trouble():
    """Costs spanning ~1e+-40: the scaled float32 couplings stay accurate, and balancing stays exact."""
    rng = np.random.default_rng(8)
    net = _random_net(1800, 8)
    s = rng.normal(0, 5, net.n)  # hidden diagonal scaling: W -> D W D^-1
    W = sp.csr_array(net.W)
    W.data = W.data * np.exp(s[np.repeat(np.arange(net.n), np.diff(W.indptr))] - s[W.indices])
    wide = Network(W, U=net.U * np.exp(s)[:, None], V=net.V * np.exp(-s)[None, :])
    cg = cost_graph(wide, 2.0)
    f = flows(cg, np.zeros(cg.n))
    assert np.ptp(np.log10(f.edge[f.edge > 0])) > 40
    fixed = np.zeros(cg.n, dtype=bool)
    L = laplacian.edge_structure(cg, fixed).laplacian(f.edge, f.incoming + f.outgoing)
    dense = _dense_reference(cg, f.edge, f.incoming + f.outgoing, fixed)
    sc = 1.0 / np.sqrt(np.diag(dense))
    y = rng.normal(size=cg.n)
    err = np.linalg.norm(L.scaled32().matvec(y) - (sc[:, None] * dense * sc[None, :]) @ y) / np.linalg.norm(y)
    assert err < 1e-5
    iterative = graphbal.balance(wide, p=2, tol=1e-11)
    direct = graphbal.balance(wide, p=2, tol=1e-11, preconditioner="direct")
    assert not iterative.trajectory["dense"] and direct.trajectory["dense"]
    assert iterative.converged and iterative.relnode <= 1e-11
    np.testing.assert_allclose(iterative.h, direct.h, atol=1e-8)


def test_zero_rhs_gives_zero():
    net = _random_net(200, 10)
    cg = cost_graph(net, 2.0)
    f = flows(cg, np.zeros(cg.n))
    L = laplacian.edge_structure(cg, np.zeros(cg.n, dtype=bool)).laplacian(f.edge, f.incoming + f.outgoing)
    x, its = linsolve.solve_linear(L, np.zeros(cg.n), 1e-10, 100)
    assert its == 0 and not x.any()


@pytest.mark.parametrize("node_tol", [1e-4, 1e-9])
def test_node_criterion_stops_when_every_node_residual_is_small(system, node_tol):
    """With node_tol the solve may stop early, but only once max_k |r_k| / d_k <= node_tol in float64."""
    cg, f, fixed, es, L = system
    dense = _dense_reference(cg, f.edge, f.incoming + f.outgoing, fixed)
    d = np.diag(dense)
    rhs = np.random.default_rng(9).normal(size=cg.n) * d * 1e-3  # a Newton-like rhs: small against the diagonal
    x, its = linsolve.solve_linear(L, rhs, 1e-12, 5000, node_tol=node_tol)
    node_res = np.max(np.abs(rhs - dense @ x) / d)
    assert node_res <= node_tol
    _, its_full = linsolve.solve_linear(L, rhs, 1e-12, 5000)
    if node_tol >= 1e-4:
        assert its < its_full  # the 2-norm target alone would have gone on


def test_conjugate_gradients_solve_spd_systems_in_the_dtype_given():
    rng = np.random.default_rng(10)
    M = rng.normal(size=(60, 60))
    A = M @ M.T + 60 * np.eye(60)
    for dtype, rtol in ((np.float64, 1e-12), (np.float32, 1e-5)):
        b = rng.normal(size=60).astype(dtype)
        x, its, r = linsolve._cg(lambda v, t=dtype: (A @ v).astype(t), b, rtol, 500)
        assert x.dtype == dtype and its > 0
        assert np.linalg.norm(b - A @ x) <= 10 * rtol * np.linalg.norm(b)
        np.testing.assert_allclose(r, b - A @ x, atol=50 * rtol * np.linalg.norm(b))  # recurrence tracks it


@pytest.mark.parametrize("dense", [False, True])
def test_ground_free_components_are_solved_on_the_range_without_pins(dense):
    """Two ground-free components, nothing fixed: L is singular; x solves L x = rhs up to a constant per component."""
    a, b = _random_net(700, 12, io=False), _random_net(500, 13, io=False)
    W = sp.block_diag([sp.csr_array(a.W), sp.csr_array(b.W)], format="csr")
    cg = cost_graph(Network(W), 2.0)
    f = flows(cg, np.random.default_rng(14).normal(0, 0.5, cg.n))
    fixed = np.zeros(cg.n, dtype=bool)
    es = laplacian.edge_structure(cg, fixed)
    assert es.n_null == 2
    L = es.laplacian(f.edge, f.incoming + f.outgoing)
    dense_L = _dense_reference(cg, f.edge, f.incoming + f.outgoing, fixed)
    rhs = np.random.default_rng(15).normal(size=cg.n)
    rhs[:700] -= rhs[:700].mean()  # consistent: zero sum on each component
    rhs[700:] -= rhs[700:].mean()
    x, _ = linsolve.solve_linear(L, rhs, 1e-12, 5000, dense=dense)
    d = np.diag(dense_L)
    assert np.linalg.norm((rhs - dense_L @ x) / np.sqrt(d)) <= 1e-11 * np.linalg.norm(rhs / np.sqrt(d))
    ref = np.linalg.pinv(dense_L) @ rhs  # the mean-zero solution per component
    for part in (slice(0, 700), slice(700, None)):
        np.testing.assert_allclose(
            x[part] - x[part].mean(), ref[part] - ref[part].mean(), atol=1e-7 * np.abs(ref).max()
        )


def test_project_to_range_removes_only_the_null_component():
    net = _random_net(300, 16, io=False)
    cg = cost_graph(net, 2.0)
    es = laplacian.edge_structure(cg, np.zeros(cg.n, dtype=bool))
    v = np.random.default_rng(17).random(cg.n) + 0.5
    x = np.random.default_rng(18).normal(size=cg.n)
    y = laplacian.project_to_range(es, x, v)
    assert abs(y @ v) <= 1e-12 * np.linalg.norm(x) * np.linalg.norm(v)
    np.testing.assert_allclose(x - y, ((x @ v) / (v @ v)) * v, atol=1e-12)
    grounded = laplacian.edge_structure(cost_graph(_random_net(300, 16), 2.0), np.zeros(300, dtype=bool))
    assert grounded.n_null == 0 and np.array_equal(laplacian.project_to_range(grounded, x, v), x)


@pytest.mark.parametrize("rtol", [1e-3, 1e-10])
def test_ground_as_unknown_gives_the_grounded_solution(system, rtol):
    """With io couplings the float32 passes solve the augmented (n + 1)-node system; x must still solve L x = rhs."""
    cg, f, fixed, es, _ = system
    L = es.laplacian(f.edge, f.incoming + f.outgoing, f.io)
    assert es.ground_block is not None and L.scaled32().ground
    dense = _dense_reference(cg, f.edge, f.incoming + f.outgoing, fixed)
    np.testing.assert_allclose(dense.sum(axis=1), f.io, rtol=1e-9, atol=1e-12 * dense.max())  # L 1 = io
    rhs = np.random.default_rng(19).normal(size=cg.n) * np.sqrt(np.diag(dense))
    x, its = linsolve.solve_linear(L, rhs, rtol, 5000)
    s = 1.0 / np.sqrt(np.diag(dense))
    assert its > 0
    assert np.linalg.norm(s * (rhs - dense @ x)) <= rtol * 1.001 * np.linalg.norm(s * rhs)
    if rtol <= 1e-8:
        np.testing.assert_allclose(x, np.linalg.solve(dense, rhs), rtol=1e-5, atol=1e-9 * np.abs(x).max())


def test_ground_as_unknown_needs_fewer_iterations_on_few_io_neurons():
    """A few io neurons make the grounded system ill-conditioned; the augmented one is not (same answer)."""
    net = _random_net(3000, 20)  # 80 of 3000 neurons touch the ground
    cg = cost_graph(net, 2.0)
    f = flows(cg, np.random.default_rng(21).normal(0, 0.3, cg.n))
    es = laplacian.edge_structure(cg, np.zeros(cg.n, dtype=bool))
    rhs = np.random.default_rng(22).normal(size=cg.n)
    x_plain, its_plain = linsolve.solve_linear(es.laplacian(f.edge, f.incoming + f.outgoing), rhs, 1e-4, 5000)
    x_aug, its_aug = linsolve.solve_linear(es.laplacian(f.edge, f.incoming + f.outgoing, f.io), rhs, 1e-4, 5000)
    assert its_aug < its_plain
    L = es.laplacian(f.edge, f.incoming + f.outgoing)
    for x in (x_plain, x_aug):
        r = (rhs - L.matvec(x)) / np.sqrt(L.d)
        assert np.linalg.norm(r) <= 1.01e-4 * np.linalg.norm(rhs / np.sqrt(L.d))


def test_explicit_pins_in_a_grounded_component_keep_the_plain_grounded_solve():
    """A fixed neuron inside the ground's component anchors it: the ground must not float (x_fixed stays 0)."""
    net = _random_net(1200, 23)
    cg = cost_graph(net, 2.0)
    f = flows(cg, np.zeros(cg.n))
    fixed = np.zeros(cg.n, dtype=bool)
    fixed[[5, 600]] = True
    es = laplacian.edge_structure(cg, fixed)
    assert es.ground_block is None and es.n_null == 0
    L = es.laplacian(f.edge, f.incoming + f.outgoing, f.io)
    assert not L.scaled32().ground
    dense = _dense_reference(cg, f.edge, f.incoming + f.outgoing, fixed)
    rhs = np.random.default_rng(24).normal(size=cg.n)
    rhs[fixed] = 0.0
    x, _ = linsolve.solve_linear(L, rhs, 1e-10, 5000)
    np.testing.assert_allclose(x, np.linalg.solve(dense, rhs), rtol=1e-6, atol=1e-8 * np.abs(x).max())
    assert np.all(x[fixed] == 0.0)
