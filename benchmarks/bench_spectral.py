"""Spectral and perturbation benchmark on large sparse graphs: prints a table, optionally writes JSON.

Each case runs in a fresh subprocess (peak RSS per case). Cases: eigenmodes(k=10)
by shift-invert and by LOBPCG, and a linear perturbation prediction, on the
balanced random(n) graph of bench_balance.py (10 edges per node). Nothing is asserted.

    python benchmarks/bench_spectral.py [--sizes 10000 100000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from benchlib import run_case_in_subprocess, write_json


def run_case(case: dict) -> dict:
    import resource

    import numpy as np

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_balance import random_graph

    import graphbal

    net = graphbal.balance(graphbal.Network(random_graph(case["n"]))).network
    t = time.perf_counter()
    if case["task"] == "perturb":
        W = net.W
        j, i = int(W.indices[0]), 0
        res = graphbal.perturb(net, (j, i), 1.1, method="linear")
        detail = f"{len(res.log_change)} synapses predicted"
    else:
        modes = graphbal.eigenmodes(net, k=10, method=case["task"])
        detail = f"gap {modes.spectral_gap:.4g}, lambda_10 {modes.eigenvalues[-1]:.4g}"
    seconds = time.perf_counter() - t
    del np
    return {
        **case,
        "seconds": seconds,
        "peak_mem_MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "detail": detail,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--tasks",
        nargs="+",
        default=["lobpcg", "perturb"],
        help="shift-invert is also available (slow: LU fill-in on expanders)",
    )
    parser.add_argument("--json", help="write the records to this JSON file")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        print(json.dumps(run_case(json.loads(args.case))))
        return 0
    print("task | n | seconds | peak_mem_MB | detail")
    records = []
    for n in args.sizes:
        for task in args.tasks:
            case = {"task": task, "n": n}
            rec = run_case_in_subprocess(__file__, case, args.timeout)
            records.append(rec)
            if "error" in rec:
                print(f"{task} | {n} | ERROR {rec['error']}", flush=True)
            else:
                print(f"{task} | {n} | {rec['seconds']:.3g} | {rec['peak_mem_MB']:.0f} | {rec['detail']}", flush=True)
    write_json(records, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
