"""``graphbal feasibility EDGELIST``: does a finite balanced state exist, and if not, why."""

from __future__ import annotations

import argparse

from .common import load_network


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``feasibility`` command."""
    p = sub.add_parser("feasibility", help="check the cycle condition for a finite balanced state")
    p.add_argument("source", help="CSV edge list or bundled dataset name")
    p.add_argument("--p", type=float, default=2.0, help="cost exponent (default 2)")
    p.add_argument("--no-io-cost", action="store_true", help="cost recurrent synapses only")
    p.add_argument("--reasons", type=int, default=20, help="print at most this many reasons (default 20)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the command; exit code 0 if feasible, 1 if not."""
    from ..feasibility import feasibility

    rep = feasibility(load_network(args.source), p=args.p, io_cost=not args.no_io_cost)
    print(rep.summary())
    for pair in rep.transient_synapses[: args.reasons]:
        print(f"  {pair[0]} -> {pair[1]}: {rep.reasons[pair]}")
    return 0 if rep.finite else 1
