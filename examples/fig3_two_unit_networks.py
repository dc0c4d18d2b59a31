"""Fig 3: two units, a lone synapse (no finite optimum) vs a reciprocal pair (finite optimum) (S13).

io_cost=False (inputs and outputs exist but are not costed, as in the paper).
Left column: lone synapse 1 -> 2 with cost c0 = 1; right column: reciprocal
pair with c12 = 2 (2 -> 1) and c21 = 0.5 (1 -> 2) (values are not legible in
the paper: our choice). Rows: cost trajectories under the flow (closed forms
of S13 as dots), the (h1, h2) plane with flow lines and cost contours, the
synaptic costs vs h2 - h1, and the total cost vs h2 - h1.

    python examples/fig3_two_unit_networks.py --out out/
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import graphbal  # noqa: E402
from graphbal.draw import save_figure  # noqa: E402

P, TAU = 2.0, 1.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="out", help="output folder (default out/)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    c0, c12, c21 = 1.0, 2.0, 0.5
    lone = graphbal.Network(np.array([[0.0, 0.0], [c0 ** (1 / P), 0.0]]))  # 1 -> 2 (indices 0 -> 1)
    pair = graphbal.Network(np.array([[0.0, c12 ** (1 / P)], [c21 ** (1 / P), 0.0]]))
    t = np.linspace(0, 3, 61)
    fig, axes = plt.subplots(4, 2, figsize=(10, 14))
    delta = np.linspace(-2, 2, 201)
    for col, (net, name) in enumerate(((lone, "lone synapse 1 -> 2"), (pair, "reciprocal pair"))):
        from graphbal.costgraph import cost_graph
        from graphbal.solvers import flow

        traj = flow.solve(cost_graph(net, P, io_cost=False), np.zeros(2), tau=TAU, t_eval=t, rtol=1e-10, atol=1e-12)
        costs = np.array([graphbal.synaptic_cost(net, P, h, io_cost=False).W for h in traj.extra["h_t"]])
        ax = axes[0, col]
        if col == 0:
            ax.plot(t, costs[:, 1, 0], label="c21 (1 -> 2), flow")
            ax.plot(t[::6], c0 / (1 + 2 * P * c0 * t[::6] / TAU), "o", ms=4, label="c0 / (1 + 2 p c0 t / tau)")
        else:
            ax.plot(t, costs[:, 0, 1], label="c12 (2 -> 1)")
            ax.plot(t, costs[:, 1, 0], label="c21 (1 -> 2)")
            ax.axhline(np.sqrt(c12 * c21), color="k", ls=":", label="sqrt(c12 c21)")
        ax.set_xlabel("time (tau)")
        ax.set_ylabel("synaptic cost")
        ax.set_title(f"{name}: cost under the balancing flow")
        ax.legend(fontsize=8)
        # (h1, h2) plane: contours of C and flow lines -g (S6); the diagonal is the gauge direction
        ax = axes[1, col]
        H1, H2 = np.meshgrid(np.linspace(-1.5, 1.5, 41), np.linspace(-1.5, 1.5, 41))
        C = np.array(
            [graphbal.total_cost(net, P, [a, b], io_cost=False) for a, b in zip(H1.ravel(), H2.ravel())]
        ).reshape(H1.shape)
        G = [graphbal.neural_gradient(net, P, [a, b], io_cost=False) for a, b in zip(H1.ravel(), H2.ravel())]
        G = np.array(G).reshape(*H1.shape, 2)
        ax.contour(H1, H2, np.log(C), levels=15, cmap="viridis", linewidths=0.7)
        ax.streamplot(H1, H2, -G[..., 0], -G[..., 1], color="grey", density=0.7, linewidth=0.6)
        ax.plot(traj.extra["h_t"][:, 0], traj.extra["h_t"][:, 1], "r-", lw=2, label="flow from h = 0")
        if col == 1:
            d = np.log(c12 / c21) / (2 * P)
            ax.plot([-1.5, 1.5], [-1.5 + d, 1.5 + d], "k--", lw=1, label="minimisers (h2 - h1 = ln(c12/c21)/2p)")
        ax.set_xlabel("h1")
        ax.set_ylabel("h2")
        ax.set_title("log C contours, flow lines")
        ax.legend(fontsize=7, loc="lower right")
        ax = axes[2, col]
        if col == 0:
            ax.semilogy(delta, c0 * np.exp(P * delta), label="c21(h) = c0 exp(p (h2 - h1))")
        else:
            ax.semilogy(delta, c12 * np.exp(-P * delta), label="c12(h)")
            ax.semilogy(delta, c21 * np.exp(P * delta), label="c21(h)")
        ax.set_xlabel("h2 - h1")
        ax.set_ylabel("synaptic cost")
        ax.legend(fontsize=8)
        ax = axes[3, col]
        if col == 0:
            ax.plot(delta, c0 * np.exp(P * delta))
            ax.set_title("no minimum: inf C = 0 as h2 - h1 -> -infinity")
        else:
            Cd = c12 * np.exp(-P * delta) + c21 * np.exp(P * delta)
            ax.plot(delta, Cd)
            ax.plot(np.log(c12 / c21) / (2 * P), 2 * np.sqrt(c12 * c21), "ro", label="C* = 2 sqrt(c12 c21)")
            ax.legend(fontsize=8)
            ax.set_title("finite minimum")
        ax.set_xlabel("h2 - h1")
        ax.set_ylabel("total cost C")
    fig.tight_layout()
    files = save_figure(fig, out / "fig3_two_unit_networks.png", svg=True)
    print(
        f"Fig 3: lone synapse has no finite optimum (feasible: {graphbal.feasibility(lone, io_cost=False).finite}); "
        f"reciprocal pair C* = {graphbal.balance(pair, P, io_cost=False).cost_after:.4f} = 2 sqrt(c12 c21); "
        f"wrote {', '.join(map(str, files))}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
