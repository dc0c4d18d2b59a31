"""Perturbation propagation: linear vs exact, ring closed forms, Fig 5 pattern, time courses, the prediction table.

Closed forms: docs/theory.rst, 'Perturbation analysis' (bidirectional ring, directed cycle); the hand-derived
io pair below. Time courses are checked against an independent integration written here.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.optimize as opt
from scipy.integrate import solve_ivp

import graphbal
from graphbal import GraphbalError, Network
from tests.graphs import strongly_connected_W

N = 12


def ring(n=N):
    return Network(np.roll(np.eye(n), 1, axis=0) + np.roll(np.eye(n), -1, axis=0))


def test_ring_linear_closed_form():
    """Bidirectional unit ring, fractions of eps = p ln f: 13/24, 11/24, +1/24 (other forward), -1/24 (backward)."""
    f, p = 1.001, 2.0
    eps = p * np.log(f)
    res = graphbal.perturb(ring(), (0, 1), factor=f, method="linear", p=p)
    lc = {k: v / eps for k, v in res.log_change.items()}
    assert lc[(0, 1)] == pytest.approx(13 / 24, rel=1e-9)
    assert lc[(1, 0)] == pytest.approx(11 / 24, rel=1e-9)
    for k in range(1, N):
        assert lc[(k, (k + 1) % N)] == pytest.approx(1 / 24, rel=1e-9)
        assert lc[((k + 1) % N, k)] == pytest.approx(-1 / 24, rel=1e-9)
    # the effective resistance R_ab = (n-1)/(n kappa) with kappa = 2c: ln f (1 - c R_ab)
    assert res.log_change[(0, 1)] / p == pytest.approx(np.log(f) * (1 - (N - 1) / (2 * N)), rel=1e-9)


@pytest.mark.parametrize("f", [1.5, 3.0])
def test_ring_exact_equilibrium_closed_form(f):
    """Exact ring equilibrium: other forward costs c e^x, backward c e^-x, a->b A e^{-(n-1)x}, b->a e^{(n-1)x}."""
    p = 2.0
    A = f**p
    x = opt.brentq(lambda x: A * np.exp(-(N - 1) * x) - np.exp((N - 1) * x) - 2 * np.sinh(x), 0, 1)
    res = graphbal.perturb(ring(), (0, 1), factor=f, method="exact", p=p)
    lc = res.log_change
    assert lc[(0, 1)] == pytest.approx(np.log(A) - (N - 1) * x, rel=1e-8)
    assert lc[(1, 0)] == pytest.approx((N - 1) * x, rel=1e-8)
    assert lc[(5, 6)] == pytest.approx(x, rel=1e-8)
    assert lc[(6, 5)] == pytest.approx(-x, rel=1e-8)


def test_linear_error_is_second_order():
    rng = np.random.default_rng(2)
    net = graphbal.balance(Network(strongly_connected_W(10, rng, density=0.4))).network
    syn = next((j, i) for i, j in zip(*np.nonzero(net.W)) if i != j)
    errs = []
    for eps_f in (1e-2, 5e-3):
        res = graphbal.perturb(net, syn, factor=np.exp(eps_f), method="exact")
        errs.append(max(abs(res.linear_log_change[k] - res.exact_log_change[k]) for k in res.log_change))
    assert errs[0] / errs[1] == pytest.approx(4.0, rel=0.05)


def test_fig5_pattern_and_timing():
    """Post neuron b: other inputs weaken, outputs strengthen; pre neuron a: the reverse; distant ones later."""
    a, b = 0, 1
    res = graphbal.perturb(ring(), (a, b), factor=1.5, times=np.linspace(0, 30, 301))
    assert res.sign((b + 1, b)) == "weaken"  # D: another input of the postsynaptic neuron
    assert res.sign((b, b + 1)) == "strengthen"  # output of b
    assert res.sign((N - 1, a)) == "strengthen"  # input of the presynaptic neuron
    assert res.sign((a, N - 1)) == "weaken"  # another output of a
    assert res.sign((b, a)) == "strengthen"  # the return path b -> a
    near, far = res.half_time[(b, b + 1)], res.half_time[(6, 7)]
    assert res.distance[(6, 7)] > res.distance[(b, b + 1)]
    assert far > near
    # distant synapses reach the same end value as near ones of the same orientation
    assert res.log_change[(6, 7)] == pytest.approx(res.log_change[(b, b + 1)], rel=1e-9)
    final_flow = 2 * (res.flow_delta_h[-1, 7] - res.flow_delta_h[-1, 6])
    assert final_flow == pytest.approx(res.log_change[(6, 7)], rel=1e-3)


def test_flow_and_mode_approximation_agree_near_equilibrium():
    res = graphbal.perturb(ring(), (0, 1), factor=1.02, times=np.linspace(0, 40, 41))
    flow, mode = res.flow_delta_h, res.mode_delta_h
    late = slice(20, None)
    rel = np.abs(flow[late] - mode[late]).max() / np.abs(flow[-1]).max()
    assert rel < 0.05


def test_add_synapse_and_multiple():
    net = ring()
    res = graphbal.perturb(net, (0, 5), add_weight=0.5)
    assert res.exact_log_change[(0, 5)] != 0 and res.perturbed[0][0] == (0, 5)
    both = graphbal.perturb(net, synapses={(0, 1): 1.01, (6, 7): 1.01}, method="linear")
    one = graphbal.perturb(net, (0, 1), 1.01, method="linear")
    two = graphbal.perturb(net, (6, 7), 1.01, method="linear")
    for k in both.log_change:  # linear responses superpose
        assert both.log_change[k] == pytest.approx(one.log_change[k] + two.log_change[k], abs=1e-12)


def test_prediction_table_csv(tmp_path):
    res = graphbal.perturb(ring(), (0, 1), factor=1.2, times=np.linspace(0, 10, 21))
    path = tmp_path / "pred.csv"
    res.to_csv(path)
    text = path.read_text().splitlines()
    assert text[0].startswith("pre,post,kind,prediction,log_cost_change")
    assert len(text) == 1 + 2 * N
    assert "potentiate" in res.summary() and "depress" in res.summary()


def test_bad_input():
    net = ring()
    with pytest.raises(GraphbalError, match="does not exist"):
        graphbal.perturb(net, (0, 5), factor=2.0)
    for f in (0.0, -1.0, np.nan):
        with pytest.raises(GraphbalError, match="factor"):
            graphbal.perturb(net, (0, 1), factor=f)
    with pytest.raises(GraphbalError, match="unknown neuron"):
        graphbal.perturb(net, (0, 99), factor=2.0)
    unbalanced = Network(np.array([[0.0, 4.0], [1.0, 0.0]]))
    with pytest.warns(UserWarning, match="not balanced"):
        res = graphbal.perturb(unbalanced, (0, 1), factor=2.0)
    assert res.balanced_first
    with pytest.raises(GraphbalError, match="not balanced"):
        graphbal.perturb(unbalanced, (0, 1), factor=2.0, on_unbalanced="raise")


# --- the prediction table against independent truth ---------------------------------------------------------------


def io_pair():
    """Reciprocal pair 0 <-> 1 of unit weights, one unit input and one unit output per neuron (balanced)."""
    return Network(np.array([[0.0, 1.0], [1.0, 0.0]]), U=np.eye(2), V=np.eye(2))


def io_pair_closed_form(f: float, p: float = 2.0):
    """Log-cost changes after scaling 0 -> 1 of :func:`io_pair` by f, derived by hand (io costed, p = 2).

    Grounded Laplacian: L = [[4, -2], [-2, 4]] (each neuron: in + out = 2 + 2; link conductance 1 + 1).
    Linear: a current ln(f) sent from 0 to 1 gives dh = -(ln f) L^-1 (e_1 - e_0) = (eps/p) (1/6, -1/6).
    Exact: by symmetry h_1 = -h_0 = -y, and node 0 balances when u = e^(p y) solves u^4 + u^3 - u - f^p = 0.
    """
    eps = p * np.log(f)
    u = opt.brentq(lambda u: u**4 + u**3 - u - f**p, 1e-9, 1e9, xtol=1e-15)
    y = np.log(u) / p
    lin = {("io", 0): eps / 6, (0, "io"): -eps / 6, ("io", 1): -eps / 6, (1, "io"): eps / 6}
    lin |= {(1, 0): eps / 3, (0, 1): 2 * eps / 3}
    ex = {("io", 0): p * y, (0, "io"): -p * y, ("io", 1): -p * y, (1, "io"): p * y}
    ex |= {(1, 0): 2 * p * y, (0, 1): eps - 2 * p * y}
    return lin, ex


def expected_label(lin: float, ex: float) -> str:
    """The documented confidence rule (PerturbationResult.table): high within 10 %, medium within 50 %."""
    rel = abs(lin - ex) / abs(ex)
    return "high" if rel <= 0.1 else "medium" if rel <= 0.5 else "low"


@pytest.mark.parametrize("f", [1.05, 1 / 1.05])
def test_table_signs_and_kinds_match_hand_derivation(f):
    """Potentiate/depress against the hand-derived signs of io_pair_closed_form; kinds from the ground."""
    lin, _ = io_pair_closed_form(f)
    res = graphbal.perturb(io_pair(), (0, 1), factor=f, method="linear")
    rows = {(r["pre"], r["post"]): r for r in res.table()}
    assert set(rows) == set(lin)
    for syn, value in lin.items():
        assert rows[syn]["log_cost_change"] == pytest.approx(value, rel=1e-9)
        assert rows[syn]["prediction"] == ("potentiate" if value > 0 else "depress")
        assert rows[syn]["weight_fold_change"] == pytest.approx(np.exp(value / 2), rel=1e-12)
        assert rows[syn]["kind"] == ("input" if syn[0] == "io" else "output" if syn[1] == "io" else "recurrent")
        assert rows[syn]["confidence"] == "linear only"
    # strengthening 0 -> 1: the presynaptic neuron's input and the postsynaptic neuron's output potentiate
    up = f > 1
    assert rows[("io", 0)]["prediction"] == ("potentiate" if up else "depress")
    assert rows[(1, "io")]["prediction"] == ("potentiate" if up else "depress")
    assert rows[("io", 1)]["prediction"] == ("depress" if up else "potentiate")
    assert rows[(1, 0)]["prediction"] == ("potentiate" if up else "depress")  # the return path


@pytest.mark.parametrize("f", [1.5, 1 / 1.5])
def test_ring_table_signs(f):
    """Bidirectional unit ring: other forward synapses move with the perturbed one, backward ones against it."""
    res = graphbal.perturb(ring(), (0, 1), factor=f, method="exact")
    rows = {(r["pre"], r["post"]): r["prediction"] for r in res.table()}
    same, other = ("potentiate", "depress") if f > 1 else ("depress", "potentiate")
    assert rows[(0, 1)] == rows[(1, 0)] == same
    for k in range(1, N):
        assert rows[(k, (k + 1) % N)] == same
        assert rows[((k + 1) % N, k)] == other


@pytest.mark.parametrize("f", [2.0, 0.5])
def test_directed_cycle_every_weight_by_nth_root(f):
    """Directed n-cycle: scaling one weight by f leaves every weight, the perturbed one included, at f^(1/n)."""
    n = 7
    res = graphbal.perturb(Network(np.roll(np.eye(n), 1, axis=0)), (0, 1), factor=f)
    rows = res.table()
    assert len(rows) == n
    for r in rows:
        assert r["weight_fold_change"] == pytest.approx(f ** (1 / n), rel=1e-9)
        assert r["prediction"] == ("potentiate" if f > 1 else "depress")


@pytest.mark.parametrize(
    ("f", "labels"),
    [(1.05, {"high"}), (0.3, {"medium", "low"}), (2.0, {"medium"})],
)
def test_confidence_labels_from_closed_forms(f, labels):
    """The confidence label follows the closed-form linear and exact changes through the documented rule."""
    lin, ex = io_pair_closed_form(f)
    res = graphbal.perturb(io_pair(), (0, 1), factor=f, method="exact")
    rows = {(r["pre"], r["post"]): r for r in res.table()}
    for syn in lin:
        assert rows[syn]["linear"] == pytest.approx(lin[syn], rel=1e-9)
        assert rows[syn]["exact"] == pytest.approx(ex[syn], rel=1e-8)
        assert rows[syn]["log_cost_change"] == pytest.approx(ex[syn], rel=1e-8)
        assert rows[syn]["confidence"] == expected_label(lin[syn], ex[syn])
    assert {r["confidence"] for r in rows.values()} == labels
    # f = 0.3: the perturbed synapse is within 10-50 % (medium), the io and return synapses beyond 50 % (low)
    if f == 0.3:
        assert rows[(0, 1)]["confidence"] == "medium" and rows[("io", 0)]["confidence"] == "low"


def nx_distance(W: np.ndarray, synapse, perturbed_ends) -> int:
    """Hop distance by networkx on the undirected graph of off-diagonal synapses (ground excluded)."""
    G = nx.Graph()
    G.add_nodes_from(range(W.shape[0]))
    G.add_edges_from((int(j), int(i)) for i, j in zip(*np.nonzero(W)) if i != j)
    best = np.inf
    for x in synapse:
        if x == "io":
            continue
        lengths = nx.single_source_shortest_path_length(G, x)
        best = min([best] + [lengths[y] for y in perturbed_ends if y in lengths])
    return -1 if best == np.inf else int(best)


def sparse_balanced_network():
    """Two components: a sparse strongly connected one with inputs and outputs, and a lone reciprocal pair."""
    rng = np.random.default_rng(7)
    n = 24
    W = np.zeros((n + 2, n + 2))
    W[:n, :n] = strongly_connected_W(n, rng, density=0.06)
    W[n, n + 1], W[n + 1, n] = 1.0, -1.0
    U = np.zeros((n + 2, 1))
    U[[2, 9], 0] = 1.0
    V = np.zeros((1, n + 2))
    V[0, [5, 17]] = 1.0
    return graphbal.balance(Network(W, U=U, V=V)).network


@pytest.mark.parametrize("perturbed", [[(0, 1)], [(0, 1), (13, 14)]])
def test_hop_distance_matches_networkx(perturbed):
    """Docstring: smallest number of synapses from an end of the synapse to an end of a perturbed one."""
    net = sparse_balanced_network()
    W = net.dense_W()
    chosen = []
    for pre, _ in perturbed:  # an existing synapse out of each named presynaptic neuron
        post = int(np.flatnonzero(W[:, pre])[0])
        chosen.append((pre, post))
    res = graphbal.perturb(net, synapses={s: 1.01 for s in chosen}, method="linear")
    ends = {x for s in chosen for x in s}
    for syn, d in res.distance.items():
        assert d == nx_distance(W, syn, ends), syn
    for s in chosen:
        assert res.distance[s] == 0
    seen = set(res.distance.values())
    assert {-1, 0, 1, 2} <= seen  # the lone pair is unreachable; neighbours at 1 and beyond
    assert {r["distance"] for r in res.table()} == seen


def independent_flow(W: np.ndarray, p: float, times: np.ndarray, tau: float = 1.0):
    """tau dh/dt = -g with g_k = in_k - out_k from c_ij(h) = |W_ij|^p e^(p (h_i - h_j)) (no io), written here."""
    c = np.abs(W) ** p
    np.fill_diagonal(c, 0.0)

    def rhs(t, h):
        ch = c * np.exp(p * (h[:, None] - h[None, :]))
        return -(ch.sum(axis=1) - ch.sum(axis=0)) / tau

    return solve_ivp(
        rhs, (0.0, times[-1]), np.zeros(W.shape[0]), method="DOP853", rtol=1e-11, atol=1e-13, dense_output=True
    )


def test_half_time_is_the_50_percent_crossing_of_an_independent_flow():
    """Half-time: first requested time at which the flow has done half of the final (exact) change."""
    f, p = 1.5, 2.0
    times = np.linspace(0, 30, 3001)
    dt = times[1]
    res = graphbal.perturb(ring(), (0, 1), factor=f, p=p, times=times)
    Wp = np.array(ring().dense_W())
    Wp[1, 0] *= f
    sol = independent_flow(Wp, p, times)
    np.testing.assert_allclose(res.flow_delta_h, sol.sol(times).T, atol=1e-6)
    A = f**p
    x = opt.brentq(lambda x: A * np.exp(-(N - 1) * x) - np.exp((N - 1) * x) - 2 * np.sinh(x), 0, 1, xtol=1e-15)
    final = {(1, 2): x, (2, 1): -x, (6, 7): x, (7, 6): -x, (11, 0): x, (1, 0): (N - 1) * x, (0, 1): np.log(A) - 11 * x}
    fine = np.linspace(0, 30, 300_001)
    H = sol.sol(fine)
    for (a, b), target in final.items():
        traj = p * (H[b] - H[a]) + (p * np.log(f) if (a, b) == (0, 1) else 0.0)
        assert traj[-1] == pytest.approx(target, rel=1e-4)  # the flow has settled: the target is its end
        k = int(np.flatnonzero(np.abs(traj) >= 0.5 * abs(target))[0])
        t_cross = fine[k]
        if k > 0:  # refine the crossing between the two fine samples
            own = p * np.log(f) if (a, b) == (0, 1) else 0.0

            def excess(t, a=a, b=b, own=own, target=target):
                return abs(p * (sol.sol(t)[b] - sol.sol(t)[a]) + own) - 0.5 * abs(target)

            t_cross = opt.brentq(excess, fine[k - 1], fine[k], xtol=1e-12)
        ht = res.half_time[(a, b)]
        assert t_cross - 1e-6 <= ht <= t_cross + dt + 1e-6, ((a, b), ht, t_cross)
    assert all(r["half_time_tau"] == res.half_time[(r["pre"], r["post"])] for r in res.table())


def test_eigenmode_approximation_solves_the_linearised_flow():
    """mode_delta_h solves tau d/dt delta = -g0 - p L0 delta (L0, g0 built here from the costs at h = 0)."""
    f, p, tau = 1.3, 2.0, 1.0
    times = np.linspace(0, 20, 81)
    res = graphbal.perturb(ring(), (0, 1), factor=f, p=p, times=times, tau=tau)
    Wp = np.array(ring().dense_W())
    Wp[1, 0] *= f
    c = Wp**2
    K = c + c.T
    L0 = np.diag(K.sum(axis=1)) - K
    g0 = c.sum(axis=1) - c.sum(axis=0)
    sol = solve_ivp(
        lambda t, d: (-g0 - p * L0 @ d) / tau,
        (0, times[-1]),
        np.zeros(N),
        t_eval=times,
        method="DOP853",
        rtol=1e-11,
        atol=1e-13,
    )
    np.testing.assert_allclose(res.mode_delta_h, sol.y.T, atol=1e-8)
