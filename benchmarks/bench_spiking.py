"""Spiking benchmark: simulated seconds per wall-clock second for N = 50, 100, 400 (numpy kernel).

Linear variant (psi = r, closed-form slow weights, the analytic damped-oscillator set-up) and the
basis variant used for Van der Pol (N_b = 6 N, learning on).

    python benchmarks/bench_spiking.py [--json out.json]
"""

from __future__ import annotations

import argparse
import time

from benchlib import write_json

from graphbal.dynamics.spiking import linear_slow_weights, make_ebn, run
from graphbal.dynamics.targets import damped_oscillator, ou_input, van_der_pol


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json")
    parser.add_argument("--seconds", type=float, default=1.0, help="simulated seconds per case")
    args = parser.parse_args(argv)
    steps = int(args.seconds / 1e-4)
    records = []
    for n in (50, 100, 400):
        tg = damped_oscillator()
        net = make_ebn(n, 2, seed=0)
        net = net.with_slow(linear_slow_weights(net, tg.A))
        c = ou_input(steps, 2, amplitude=30, seed=1)
        t = time.perf_counter()
        run(net, tg, c)
        wall = time.perf_counter() - t
        records.append({"case": "linear, no learning", "N": n, "sim_s_per_wall_s": args.seconds / wall})
        vnet = make_ebn(n, 2, n_basis=6 * n, seed=0)
        t = time.perf_counter()
        run(vnet, van_der_pol(), ou_input(steps, 2, amplitude=3, seed=1), k=50, eta=1.0)
        wall = time.perf_counter() - t
        records.append({"case": "tanh basis 6N, learning", "N": n, "sim_s_per_wall_s": args.seconds / wall})
    print("case | N | simulated s per wall s")
    for r in records:
        print(f"{r['case']} | {r['N']} | {r['sim_s_per_wall_s']:.3g}")
    write_json(records, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
