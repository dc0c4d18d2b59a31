"""``graphbal spectrum EDGELIST [--k K]``: Laplacian eigenvalues and relaxation timescales."""

from __future__ import annotations

import argparse

from .common import load_network


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``spectrum`` command."""
    p = sub.add_parser("spectrum", help="slowest Laplacian modes and relaxation timescales of the balanced network")
    p.add_argument("source", help="CSV edge list or bundled dataset name")
    p.add_argument("--k", type=int, default=10, help="number of modes (default 10)")
    p.add_argument("--p", type=float, default=2.0, help="cost exponent (default 2)")
    p.add_argument("--tau", type=float, default=1.0, help="flow time constant (default 1)")
    p.add_argument("--no-io-cost", action="store_true", help="cost recurrent synapses only")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code."""
    from ..balance import balance
    from ..spectral import eigenmodes

    net = load_network(args.source)
    res = balance(net, args.p, io_cost=not args.no_io_cost, on_infeasible="limit")
    print(res.summary())
    modes = eigenmodes(res.network, k=min(args.k, net.n), p=args.p, io_cost=not args.no_io_cost, tau=args.tau)
    print(modes.summary())
    print("mode | eigenvalue | timescale (tau)")
    for k, (lam, ts) in enumerate(zip(modes.eigenvalues, modes.timescales), start=1):
        print(f"{k} | {lam:.6g} | {ts:.6g}")
    return 0
