"""Fig 5: a balanced 12-neuron bidirectional ring, one synapse potentiated, relaxing to a new balance (S15).

Panels: (a) the ring coloured by the final change of h; (b) time courses of the
labelled synapses A-H (log-cost change); (c) Laplacian modes v3, v5, v7 of L0
(right after the perturbation) drawn on the ring; (d) projections of dh(t) on
them, flow (solid) vs the quadratic/eigenmode approximation (S11, dashed).

Choices where the paper is silent: p = 2, all costs 1, synapse A = 0 -> 1
scaled by f = 1.5 (cost x 2.25), tau = 1, no io.

    python examples/fig5_ring_perturbation.py --out out/
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import graphbal  # noqa: E402
from graphbal.draw import layout, save_figure  # noqa: E402

N, F, P = 12, 1.5, 2.0
# caption labels with A = j -> i, a = j = 0, b = i = 1
LABELS = {"A": (0, 1), "B": (1, 0), "C": (1, 2), "D": (2, 1), "E": (11, 0), "F": (0, 11), "G": (6, 7), "H": (7, 6)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="out", help="output folder (default out/)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ring = graphbal.Network(np.roll(np.eye(N), 1, axis=0) + np.roll(np.eye(N), -1, axis=0))
    times = np.linspace(0, 6, 241)
    res = graphbal.perturb(ring, (0, 1), F, p=P, times=times)
    # L0: Laplacian right after the perturbation (S11, Fig 5c)
    W = ring.dense_W()
    W[1, 0] *= F
    modes = graphbal.eigenmodes(graphbal.Network(W), p=P)
    pos = layout(ring, "ring")

    fig = plt.figure(figsize=(13, 8))
    ax = fig.add_subplot(2, 3, 1)
    dh = np.array([res.delta_h[k] for k in range(N)])
    final = {(a, b): res.log_change[(a, b)] for a, b in res.log_change}
    graphbal.draw.draw_network(ring, ax=ax, h=dh, pos=pos, labels=True)
    for lab, (a, b) in LABELS.items():  # label each synapse on its own side of the link
        d = pos[b] - pos[a]
        mid = pos[a] + 0.5 * d + 0.12 * np.array([d[1], -d[0]]) / np.linalg.norm(d)
        ax.annotate(lab, mid, fontsize=9, weight="bold", ha="center", va="center")
    ax.get_legend().remove()
    ax.set_title("(a) final state: node colour = change of h")

    ax = fig.add_subplot(2, 3, (2, 3))
    for lab, (a, b) in LABELS.items():
        tr = P * (res.flow_delta_h[:, b] - res.flow_delta_h[:, a]) + (P * np.log(F) if lab == "A" else 0.0)
        ax.plot(times, tr, label=f"{lab}: {a}->{b}", ls="-" if lab in "ABCDEF" else "--")
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_xlabel("time (tau)")
    ax.set_ylabel("change of log synaptic cost")
    ax.set_title("(b) A potentiated at t = 0; G, H far away respond later to the same end values")
    ax.legend(ncol=2, fontsize=8)

    for col, k in enumerate((2, 4, 6)):  # v3, v5, v7 in ascending numbering (v1 = constant)
        ax = fig.add_subplot(2, 6, 7 + col)
        v = modes.vectors[:, k]
        ax.scatter(pos[:, 0], pos[:, 1], c=v, cmap="coolwarm", vmin=-0.5, vmax=0.5, s=80, edgecolors="k")
        ax.set_aspect("equal")
        ax.set_axis_off()
        ax.set_title(f"(c) v{k + 1}, lambda = {modes.eigenvalues[k]:.3f}", fontsize=9)
    ax = fig.add_subplot(2, 2, 4)
    proj_flow = graphbal.spectral.project(res.flow_delta_h, modes)
    proj_mode = graphbal.spectral.project(res.mode_delta_h, modes)
    for k, c in zip((2, 4, 6), ("tab:blue", "tab:orange", "tab:green")):
        ax.plot(times, proj_flow[:, k], color=c, label=f"v{k + 1}: flow")
        ax.plot(times, proj_mode[:, k], color=c, ls="--", label=f"v{k + 1}: quadratic approx.")
    ax.set_xlabel("time (tau)")
    ax.set_ylabel("projection of dh(t)")
    ax.set_title("(d) mode projections")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    files = save_figure(fig, out / "fig5_ring_perturbation.png", svg=True)
    print(
        f"Fig 5: 12-ring, synapse 0->1 x{F}; final log-cost changes A {final[(0, 1)]:.4f}, B {final[(1, 0)]:.4f}, "
        f"other forward {final[(6, 7)]:+.4f}, backward {final[(7, 6)]:+.4f}; wrote {', '.join(map(str, files))}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
