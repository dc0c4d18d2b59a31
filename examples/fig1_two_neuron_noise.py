"""Fig 1: two networks related by the task-preserving transform compute the same function, but differ under noise.

1 input -> 2 recurrent ReLU neurons -> 1 output (current form, tau = 1,
dt = 0.01). Network b = T_h(network a) with h = (1, -1) (our choice; the paper
gives no values). Panels: the input; identical noiseless outputs; hidden
traces equal up to the per-neuron factors e^h; 50 noisy trials (sigma = 0.1 on
every neuron) of the outputs of both networks. Writes PNG/SVG and a JSON of the
numbers.

    python examples/fig1_two_neuron_noise.py --out out/
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import graphbal  # noqa: E402
from graphbal.draw import save_figure  # noqa: E402
from graphbal.dynamics import simulate  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="out")
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--sigma", type=float, default=0.1)
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    a = graphbal.Network(np.array([[0.0, 0.8], [0.6, 0.0]]), U=[[1.0], [0.5]], V=[[1.0, 1.0]])
    h = np.array([1.0, -1.0])
    b = graphbal.transform(a, h)
    dt, T = 0.01, 1000
    t = np.arange(1, T + 1) * dt
    u = np.where((t > 1) & (t < 4), 1.0, 0.0)[:, None] * np.sin(2 * np.pi * t / 3)[:, None] ** 2
    ra, rb = simulate(a, u, dt=dt), simulate(b, u, dt=dt)
    noisy = np.repeat(u[:, None, :], args.trials, axis=1)
    na = simulate(a, noisy, dt=dt, noise=args.sigma, seed=0).outputs[..., 0]
    nb = simulate(b, noisy, dt=dt, noise=args.sigma, seed=0).outputs[..., 0]
    fig, ax = plt.subplots(2, 3, figsize=(14, 7))
    ax[0, 0].plot(t, u[:, 0], "k")
    ax[0, 0].set_title("input u(t)")
    ax[0, 1].plot(t, ra.outputs[:, 0], lw=3, label="network a")
    ax[0, 1].plot(t, rb.outputs[:, 0], "--", lw=2, label="network b = T_h(a)")
    ax[0, 1].set_title("noiseless outputs are identical")
    ax[0, 1].legend()
    for k, c in enumerate(("tab:blue", "tab:orange")):
        ax[0, 2].plot(t, ra.states[:, k], color=c, label=f"a: x{k + 1}")
        ax[0, 2].plot(t, rb.states[:, k], color=c, ls="--", label=f"b: x{k + 1} = e^{h[k]:+g} a: x{k + 1}")
    ax[0, 2].set_title("hidden traces differ by per-neuron factors")
    ax[0, 2].legend(fontsize=8)
    for axis, y, name in ((ax[1, 0], na, "a"), (ax[1, 1], nb, "b")):
        axis.plot(t, y, color="grey", alpha=0.15, lw=0.6)
        axis.plot(t, ra.outputs[:, 0], "k", lw=1.5, label="noiseless")
        axis.set_title(f"network {name}: {args.trials} noisy trials (sigma = {args.sigma:g})")
        axis.legend()
    mse_a = float(np.mean((na - ra.outputs[:, :1]) ** 2))
    mse_b = float(np.mean((nb - rb.outputs[:, :1]) ** 2))
    ax[1, 2].bar(["a", "b"], [mse_a, mse_b], color=["tab:blue", "tab:orange"])
    ax[1, 2].set_ylabel("output MSE vs noiseless")
    ax[1, 2].set_title("same function, different noise robustness")
    for axis in ax.ravel()[:5]:
        axis.set_xlabel("time (tau)")
    fig.tight_layout()
    files = save_figure(fig, out / "fig1_two_neuron_noise.png", svg=True)
    costs = {"a": graphbal.total_cost(a, io_cost=False), "b": graphbal.total_cost(b, io_cost=False)}
    numbers = {
        "max_noiseless_output_difference": float(np.max(np.abs(ra.outputs - rb.outputs))),
        "noisy_output_mse": {"a": mse_a, "b": mse_b},
        "recurrent_cost": costs,
        "h": h.tolist(),
    }
    (out / "fig1_numbers.json").write_text(json.dumps(numbers, indent=1) + "\n")
    print(
        f"Fig 1: outputs differ by {numbers['max_noiseless_output_difference']:.1e} without noise; "
        f"noisy MSE a {mse_a:.4g} vs b {mse_b:.4g}; wrote {', '.join(map(str, files))}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
