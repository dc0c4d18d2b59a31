"""``graphbal analyze EDGELIST|DATASET --out DIR``: the full report (markdown + figures)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``analyze`` command."""
    p = sub.add_parser(
        "analyze",
        help="feasibility, balance, spectrum and a perturbation prediction, as a report",
        description="Analyse a network or bundled connectome and write DIR/report.md with figures.",
    )
    p.add_argument("source", help="CSV edge list or bundled dataset name (see graphbal.datasets.available())")
    p.add_argument("--out", required=True, help="output directory (refused if non-empty unless --force)")
    p.add_argument("--p", type=float, default=2.0, help="cost exponent (default 2)")
    p.add_argument("--inputs", nargs="+", help="neurons (or a role: sensory) to treat as inputs (datasets only)")
    p.add_argument("--outputs", nargs="+", help="neurons (or a role: motor) to treat as outputs (datasets only)")
    p.add_argument("--gap-junctions", choices=["exclude", "include"], default="exclude")
    p.add_argument("--no-io-cost", action="store_true", help="cost recurrent synapses only")
    p.add_argument("--force", action="store_true", help="overwrite the report files in a non-empty --out")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code."""
    from .. import datasets
    from ..errors import GraphbalError
    from ..io.files import prepare_output_dir
    from ..report import analyze
    from .common import load_network

    prepare_output_dir(Path(args.out), args.force)  # fail before any work
    roles = ("sensory", "motor", "inter", "other")

    def spec(values):
        if not values:
            return None
        return values[0] if len(values) == 1 and values[0] in roles else values

    if args.source in datasets.available() and not Path(args.source).exists():
        net = datasets.load(
            args.source, gap_junctions=args.gap_junctions, inputs=spec(args.inputs), outputs=spec(args.outputs)
        )
    else:
        if args.inputs or args.outputs:
            raise GraphbalError(
                "--inputs/--outputs apply to bundled datasets; give io synapses in the edge list "
                "with the role column (input/output) instead"
            )
        net = load_network(args.source, gap_junctions=args.gap_junctions)
    nums = analyze(
        net,
        Path(args.out),
        name=args.source,
        p=args.p,
        io_cost=not args.no_io_cost,
        force=True,
        progress=not args.quiet,
    )
    print(
        f"wrote {Path(args.out) / 'report.md'}: C {nums['cost_before']:.6g} -> {nums['cost_after']:.6g}, "
        f"{nums['n_transient']} synapse(s) on no cycle"
    )
    return 0
