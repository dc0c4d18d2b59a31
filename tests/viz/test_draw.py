"""Diagrams: layouts, class aggregation, files written."""

from __future__ import annotations

import numpy as np
import pytest

import graphbal
from graphbal import GraphbalError, Network
from graphbal import viz as draw
from graphbal.viz import perturbation as perturbation_module


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


def _edge_segments(ax):
    """The LineCollection of the synapses and, per segment, its (pre, post) index pair from the positions."""
    from matplotlib.collections import LineCollection

    (coll,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    return coll, coll.get_segments()


def _which_edge(seg, pos, candidates):
    for pre, post in candidates:
        if np.allclose(seg[0], pos[pre]) and np.allclose(seg[-1], pos[post]):
            return pre, post
    raise AssertionError(f"segment {seg} matches no synapse")


def test_edge_colours_follow_the_sign():
    """Excitatory (w > 0) synapses in the legend's 'w > 0' colour (tab:red), inhibitory in 'w < 0' (tab:blue)."""
    from matplotlib.colors import to_rgb

    W = np.array([[0.0, 1.0], [-2.0, 0.0]])  # 1 -> 0 excitatory, 0 -> 1 inhibitory
    net = Network(W)
    pos = draw.layout(net, "ring")
    ax = draw.draw_network(net, pos=pos)
    coll, segs = _edge_segments(ax)
    colours = coll.get_colors()
    assert len(colours) == len(segs) == 2
    by_edge = {_which_edge(s, pos, [(1, 0), (0, 1)]): tuple(c[:3]) for s, c in zip(segs, colours)}
    leg = ax.get_legend()
    legend = {t.get_text(): to_rgb(h.get_color()) for t, h in zip(leg.get_texts(), leg.legend_handles)}
    assert by_edge[(1, 0)] == pytest.approx(to_rgb("tab:red"))
    assert by_edge[(0, 1)] == pytest.approx(to_rgb("tab:blue"))
    assert legend["w > 0"] == pytest.approx(to_rgb("tab:red")) and legend["w < 0"] == pytest.approx(to_rgb("tab:blue"))
    draw.pyplot().close("all")


def test_edge_values_are_attached_to_their_own_synapse():
    """With edge_values keyed (pre, post), each drawn segment carries its own synapse's value (green > 0 in PiYG)."""
    W = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    net = Network(W)
    pos = draw.layout(net, "ring")
    values = {(1, 0): 0.5, (0, 1): -0.25, (1, 2): 0.1, (2, 1): -0.4}
    ax = draw.draw_network(net, pos=pos, edge_values=values)
    coll, segs = _edge_segments(ax)
    drawn = {_which_edge(s, pos, list(values)): v for s, v in zip(segs, coll.get_array())}
    assert drawn == pytest.approx(values)
    rgba = coll.to_rgba(np.array([0.5, -0.4]))
    assert rgba[0][1] > rgba[0][0] and rgba[1][0] > rgba[1][1]  # potentiated greenish, depressed purplish
    draw.pyplot().close("all")


def test_perturbation_bars_green_for_potentiation(monkeypatch, tmp_path):
    """plot_perturbation: bar i is row i of the table, green (tab:green) when the change is > 0, else tab:purple."""
    from matplotlib.colors import to_rgb

    figs = []
    monkeypatch.setattr(perturbation_module, "save_figure", lambda fig, path, svg=False: figs.append(fig) or [path])
    ring = Network(np.roll(np.eye(6), 1, axis=0) + np.roll(np.eye(6), -1, axis=0))
    pred = graphbal.perturb(ring, (0, 1), factor=1.5)
    draw.plot_perturbation(pred, tmp_path / "p.png", top=12)
    (ax,) = figs[0].axes
    bars = sorted(ax.patches, key=lambda b: -b.get_y())  # the first row is drawn at the top
    rows = pred.table(top=12)
    assert len(bars) == len(rows) and any(r["log_cost_change"] < 0 for r in rows)
    for bar, row in zip(bars, rows):
        assert bar.get_width() == pytest.approx(row["log_cost_change"])
        colour = "tab:green" if row["log_cost_change"] > 0 else "tab:purple"
        assert to_rgb(bar.get_facecolor()) == pytest.approx(to_rgb(colour))
    draw.pyplot().close("all")


def test_line_widths_follow_the_cost_including_alpha():
    """Line width is linear in log(alpha |w|^p): a synapse made 100x cheaper by alpha is drawn thinner."""
    W = np.array([[0.0, 1.0], [1.0, 0.0]])
    plain = draw.draw_network(Network(W), pos=draw.layout(Network(W), "ring"))
    weighted = draw.draw_network(Network(W, alpha=[[1.0, 1.0], [0.01, 1.0]]), pos=draw.layout(Network(W), "ring"))
    w_plain = plain.collections[0].get_linewidths()
    w_alpha = weighted.collections[0].get_linewidths()
    assert np.ptp(w_plain) == 0  # equal costs, equal widths
    # edge order is COO order of W: (0, 1) first, then (1, 0) whose alpha is 0.01
    assert w_alpha[1] < w_alpha[0]
    draw.pyplot().close("all")


def test_importing_graphbal_does_not_select_a_matplotlib_backend():
    import subprocess
    import sys

    code = (
        "import sys, graphbal, graphbal.viz, graphbal.draw; "
        "print('matplotlib.pyplot' in sys.modules, 'matplotlib.backends' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
