"""Train the CDI networks shipped in datasets/trained_rnn/ (Stock et al. 2022, Fig 4).

For each lambda and seed: train_cdi(n, lambda, iterations, seed) and save
``cdi_n{n}_lam{lambda}_seed{seed}.npz`` (W, U, V, b as float32 to keep the
files small; analysis casts back to float64) with the per-iteration loss and
||g|| records. One initialisation per seed is shared by all lambda.

    python examples/train_cdi_networks.py --iterations 6000 --seeds 0 1 2   # the paper's set-up (~13 min each)
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from graphbal.dynamics.train import train_cdi

OUT = Path(__file__).resolve().parent.parent / "datasets" / "trained_rnn"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=256)
    parser.add_argument("--lambdas", type=float, nargs="+", default=[0.0, 0.1, 0.3])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--iterations", type=int, default=6000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    log = []
    for seed in args.seeds:
        for lam in args.lambdas:
            t = time.perf_counter()
            res = train_cdi(args.n, lam, iterations=args.iterations, seed=seed, threads=args.threads)
            net = res.network
            path = args.out / f"cdi_n{args.n}_lam{lam:g}_seed{seed}.npz"
            tmp = path.with_suffix(".tmp.npz")
            np.savez_compressed(
                tmp,
                W=net.W.astype(np.float32),
                U=net.U.astype(np.float32),
                V=net.V.astype(np.float32),
                b=net.b.astype(np.float32),
                losses=res.losses.astype(np.float32),
                g_norms=res.g_norms.astype(np.float32),
                lam=lam,
                seed=seed,
                iterations=args.iterations,
            )
            os.replace(tmp, path)
            log.append(
                {
                    "file": path.name,
                    "lambda": lam,
                    "seed": seed,
                    "iterations": args.iterations,
                    "seconds": round(time.perf_counter() - t, 1),
                    "final_rmse": float(res.losses[-50:].mean()),
                    "final_g_norm": float(res.g_norms[-1]),
                }
            )
            print(json.dumps(log[-1]), flush=True)
            (args.out / "training_log.json").write_text(json.dumps(log, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
