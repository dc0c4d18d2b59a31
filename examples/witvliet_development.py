"""Balancing across C. elegans development (Witvliet et al. 2021, stages 1-8, chemical synapses).

Each stage is balanced (p = 2, limit mode: synapses on no directed cycle are
driven to zero and every strongly connected component balanced on its own),
and the potential h of identified neurons present at every stage is followed
across stages. Writes PNG/SVG and a JSON of the numbers.

    python examples/witvliet_development.py --out out/
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

STAGES = [f"celegans_witvliet2021_stage{k}" for k in range(1, 9)]
AGES = ["L1 (0 h)", "L1 (5 h)", "L1 (8 h)", "L1 (16 h)", "L2 (23 h)", "L3 (27 h)", "adult (50 h)", "adult (50 h)"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="out")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    h, summary = {}, []
    for name in STAGES:
        net = graphbal.datasets.load(name)
        res = graphbal.balance(net, on_infeasible="limit")
        h[name] = dict(zip(net.names, res.h))
        summary.append(
            {
                "stage": name,
                "neurons": net.n,
                "synapses": net.n_edges,
                "transient": len(res.feasibility.transient_synapses),
                "cost_before": res.cost_before,
                "cost_after": res.cost_after,
            }
        )
        print(json.dumps(summary[-1]), flush=True)
    # follow the 10 neurons present at every stage with the largest mean |h| (neurons whose synapses all lie on
    # no directed cycle keep h = 0, the gauge, and carry no information)
    present = [c for c in h[STAGES[0]] if all(c in h[s] for s in STAGES)]
    common = sorted(present, key=lambda c: -np.mean([abs(h[s][c]) for s in STAGES]))[:10]
    fig, ax = plt.subplots(1, 2, figsize=(14, 5))
    x = np.arange(1, 9)
    for c in common:
        ax[0].plot(x, [h[s][c] for s in STAGES], "o-", label=c)
    ax[0].set_xticks(x, [f"{k}\n{a}" for k, a in zip(x, AGES)], fontsize=7)
    ax[0].set_xlabel("developmental stage")
    ax[0].set_ylabel("balancing potential h")
    ax[0].set_title("identified neurons across development (10 largest mean |h|)")
    ax[0].legend(fontsize=7, ncol=2)
    ax[1].plot(x, [r["cost_before"] for r in summary], "o-", label="before balancing")
    ax[1].plot(x, [r["cost_after"] for r in summary], "s-", label="after (limit)")
    ax[1].set_yscale("log")
    ax[1].set_xticks(x)
    ax[1].set_xlabel("developmental stage")
    ax[1].set_ylabel("total cost: sum of squared synapse counts")
    ax[1].set_title("total synaptic cost")
    ax[1].legend()
    fig.tight_layout()
    files = save_figure(fig, out / "witvliet_development.png", svg=True)
    (out / "witvliet_development.json").write_text(
        json.dumps({"stages": summary, "h": {c: [h[s][c] for s in STAGES] for c in common}}, indent=1)
    )
    print(f"followed {len(common)} neurons; wrote {', '.join(map(str, files))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
