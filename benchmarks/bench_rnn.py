"""RNN benchmark: simulation steps per second (numpy) and the cost of one training iteration (torch).

python benchmarks/bench_rnn.py [--json out.json]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from benchlib import write_json

import graphbal
from graphbal.dynamics import simulate


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json")
    parser.add_argument("--n", type=int, default=256)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    n = args.n
    net = graphbal.Network(
        rng.normal(size=(n, n)) / np.sqrt(n),
        U=rng.normal(size=(n, 6)) / np.sqrt(n),
        V=rng.normal(size=(2, n)) / np.sqrt(n),
    )
    u = rng.normal(size=(50, args.batch, 6))
    t = time.perf_counter()
    simulate(net, u, dt=0.1, substeps=10, noise=0.1, seed=0)
    sim = time.perf_counter() - t
    records = [{"case": f"simulate N={n} batch={args.batch}", "euler_steps_per_s": 500 / sim, "seconds": sim}]
    try:
        from graphbal.dynamics.train import train_cdi

        threads = int(os.environ.get("THREADS", "0")) or None
        res = train_cdi(n=n, lam=0.1, iterations=20, progress=False, threads=threads)
        per_iter = res.seconds / 20
        records.append(
            {
                "case": f"train_cdi N={n} (batch 8, 500 substeps)",
                "seconds_per_iteration": per_iter,
                "minutes_for_6000_iterations": per_iter * 6000 / 60,
            }
        )
    except graphbal.GraphbalError as exc:
        records.append({"case": "train_cdi", "error": str(exc)})
    for r in records:
        print(" | ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in r.items()))
    write_json(records, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
