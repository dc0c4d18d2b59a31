"""``graphbal balance EDGELIST``: balance a network and optionally write the balanced edge list."""

from __future__ import annotations

import argparse

from .common import load_network, output_path


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``balance`` command."""
    p = sub.add_parser(
        "balance",
        help="balance a network (edge list or dataset) and report the cost reduction",
        description="Balance a network: minimise its total synaptic cost on the task-preserving manifold.",
    )
    p.add_argument("source", help="CSV edge list (pre,post,weight[,role]) or bundled dataset name")
    p.add_argument("--p", type=float, default=2.0, help="cost exponent (default 2)")
    p.add_argument("--method", default="newton", choices=["newton", "osborne", "flow", "local"])
    p.add_argument("--tol", type=float, default=1e-10, help="target relative node imbalance (default 1e-10)")
    p.add_argument("--no-io-cost", action="store_true", help="cost recurrent synapses only")
    p.add_argument(
        "--limit",
        action="store_true",
        help="if no finite balanced state exists, return the limiting state instead of failing",
    )
    p.add_argument("--out", help="write the balanced network as a CSV edge list")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code."""
    from ..balance import balance
    from ..errors import GraphbalError, InfeasibleError
    from ..io.edgelist import write_edgelist

    out = output_path(args.out, args.force) if args.out else None
    net = load_network(args.source)
    try:
        res = balance(
            net,
            p=args.p,
            method=args.method,
            tol=args.tol,
            io_cost=not args.no_io_cost,
            on_infeasible="limit" if args.limit else "raise",
        )
    except InfeasibleError as exc:
        raise GraphbalError(
            f"{exc.report.summary()}. Pass --limit for the limiting state, or run "
            "'graphbal feasibility' for the reasons."
        ) from None
    print(res.summary())
    if res.limit:
        print(res.feasibility.summary())
    if out is not None:
        write_edgelist(res.network, out)
        print(f"wrote {out}")
    return 0
