"""Fig 4: the balance condition in trained CDI networks, and noise robustness after balancing (Stock et al. 2022).

Uses the networks shipped in datasets/trained_rnn/ (made by train_cdi_networks.py).
(a) ||g|| (costs W^2) over training for each lambda, with the permutation null
of the final network (10^4 permutations); (b) for the lambda = 0.3 networks:
balance with the robustness cost (alpha_ij = mean presynaptic ReLU gain on
noiseless training trials, p = 2, io_cost=False), then the ratio of task losses
balanced/original versus noise level, both networks on the same noisy trials
(neurons silent on all training trials get their gain floored at 1e-3 of the
mean gain: without it no finite balanced state exists)
(per-trial MSE and MSE of the trial-averaged output: the available paper
text does not say which one it uses); (c) total cost before vs after. Writes PNG/SVG and
fig4_numbers.json.

    python examples/fig4_trained_networks.py --out out/ [--trials 50]
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
from graphbal.dynamics import (  # noqa: E402
    balance_condition_test,
    cdi_batch,
    compare_function,
    noise_robustness,
    robustness_cost,
)

DATA = Path(__file__).resolve().parent.parent / "datasets" / "trained_rnn"
NOISE = np.round(np.arange(0, 0.28, 0.03), 2)


def load(path: Path) -> tuple[graphbal.Network, dict]:
    d = np.load(path)
    net = graphbal.Network(d["W"].astype(float), U=d["U"].astype(float), V=d["V"].astype(float), b=d["b"].astype(float))
    return net, {k: d[k] for k in ("losses", "g_norms", "lam", "seed", "iterations")}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="out")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--trials", type=int, default=50, help="noisy trials per condition and noise level")
    parser.add_argument("--n-perm", type=int, default=10_000)
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    files = sorted(args.data.glob("cdi_*.npz"))
    if not files:
        raise SystemExit(f"no trained networks in {args.data}; run examples/train_cdi_networks.py first")
    numbers = {"networks": [], "noise_levels": NOISE.tolist()}
    fig, ax = plt.subplots(1, 3, figsize=(16, 4.8))
    colors = {0.0: "tab:gray", 0.1: "tab:blue", 0.3: "tab:red"}
    for path in files:
        net, rec = load(path)
        lam, seed = float(rec["lam"]), int(rec["seed"])
        test = balance_condition_test(net, n_perm=args.n_perm, seed=seed)
        entry = {
            "file": path.name,
            "lambda": lam,
            "seed": seed,
            "iterations": int(rec["iterations"]),
            "g_norm_initial": float(rec["g_norms"][0]),
            "g_norm_final": test.statistic,
            "null_mean": float(test.null.mean()),
            "null_q01": float(np.quantile(test.null, 0.01)),
            "pvalue": test.pvalue,
            "final_rmse": float(np.mean(rec["losses"][-50:])),
        }
        ax[0].plot(rec["g_norms"], color=colors.get(lam, "k"), lw=1, label=f"lambda = {lam:g}" if seed == 0 else None)
        ax[0].errorbar(
            len(rec["g_norms"]) * (1.02 + 0.02 * seed),
            test.null.mean(),
            yerr=test.null.std(),
            fmt="o",
            color=colors.get(lam, "k"),
            ms=3,
        )
        if lam == 0.3:
            train = cdi_batch(40, seed=10_000 + seed)
            alpha = robustness_cost(net, train.inputs, dt=0.1, substeps=10)
            # neurons silent on every training trial (gain 0) leave their outgoing synapses uncosted, so no
            # finite balance exists (docs/theory.rst, 'Feasibility'); floor the gain at 1e-3 of the mean so
            # the balance is exact and finite
            silent = int(np.sum(alpha[0] == 0))
            alpha = np.maximum(alpha, 1e-3 * alpha[0].mean())
            res = graphbal.balance(net.replace(alpha=alpha), p=2, io_cost=False)
            bal = res.network.replace(alpha=None)
            evalb = cdi_batch(1, seed=20_000 + seed)
            entry["function_difference"] = compare_function(net, bal, evalb.inputs, dt=0.1, substeps=10)
            r0 = noise_robustness(
                net, evalb.inputs, evalb.targets, NOISE, trials=args.trials, seed=seed, dt=0.1, substeps=10
            )
            r1 = noise_robustness(
                bal, evalb.inputs, evalb.targets, NOISE, trials=args.trials, seed=seed, dt=0.1, substeps=10
            )
            entry.update(
                silent_neurons=silent,
                cost_before=res.cost_before,
                cost_after=res.cost_after,
                relnode=res.relnode,
                loss_original_trial=r0["trial_mse"].tolist(),
                loss_balanced_trial=r1["trial_mse"].tolist(),
                ratio_trial=(r1["trial_mse"] / r0["trial_mse"]).tolist(),
                ratio_mean=(r1["mean_mse"] / r0["mean_mse"]).tolist(),
            )
            ax[1].plot(NOISE, entry["ratio_trial"], "o-", label=f"seed {seed}: per-trial MSE")
            ax[1].plot(NOISE, entry["ratio_mean"], "s--", label=f"seed {seed}: MSE of trial mean")
            ax[2].plot(res.cost_before, res.cost_after, "o", ms=8, label=f"seed {seed}")
        numbers["networks"].append(entry)
        print(json.dumps({k: v for k, v in entry.items() if not isinstance(v, list)}), flush=True)
    ax[0].set_xlabel("training iteration")
    ax[0].set_ylabel("||g|| (costs W^2)")
    ax[0].set_title("(a) neural gradient over training; dots: permutation null (mean +- sd)")
    ax[0].legend()
    ax[1].axhline(1, color="k", lw=0.5)
    ax[1].set_xlabel("noise sigma")
    ax[1].set_ylabel("loss balanced / loss original")
    ax[1].set_title("(b) lambda = 0.3 networks")
    ax[1].legend(fontsize=7)
    lim = ax[2].get_xlim()
    ax[2].plot([0, lim[1]], [0, lim[1]], "k--", lw=0.5)
    ax[2].set_xlabel("robustness cost before")
    ax[2].set_ylabel("after balancing")
    ax[2].set_title("(c) total cost")
    ax[2].legend()
    fig.tight_layout()
    written = save_figure(fig, out / "fig4_trained_networks.png", svg=True)
    (out / "fig4_numbers.json").write_text(json.dumps(numbers, indent=1, default=float) + "\n")
    print(f"Fig 4: wrote {', '.join(map(str, written))} and {out / 'fig4_numbers.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
