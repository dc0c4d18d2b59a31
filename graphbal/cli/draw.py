"""``graphbal draw EDGELIST --out fig.png [--balanced]``: a network diagram."""

from __future__ import annotations

import argparse

from .common import load_network, output_path


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``draw`` command."""
    p = sub.add_parser("draw", help="draw a network (optionally before/after balancing)")
    p.add_argument("source", help="CSV edge list or bundled dataset name")
    p.add_argument("--out", required=True, help="figure path (.png or .svg)")
    p.add_argument("--balanced", action="store_true", help="draw before/after balancing side by side")
    p.add_argument("--layout", default="neato", help="neato, dot, circo, sfdp, fdp, twopi or ring")
    p.add_argument(
        "--by",
        choices=["none", "neuron_class", "role"],
        default="none",
        help="aggregate neurons by class or role first (datasets)",
    )
    p.add_argument("--p", type=float, default=2.0, help="cost exponent (default 2)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code."""
    from ..balance import balance
    from ..viz import class_summary, draw_before_after, draw_network, pyplot, save_figure

    out = output_path(args.out, args.force)
    net = load_network(args.source)
    if args.by != "none":
        net = class_summary(net, by=args.by)
    if args.balanced:
        res = balance(net, args.p, on_infeasible="limit")
        draw_before_after(net, res, out, prog=args.layout)
    else:
        fig, ax = pyplot().subplots(figsize=(7, 7))
        draw_network(net, ax=ax, p=args.p, prog=args.layout)
        save_figure(fig, out)
    print(f"wrote {out}")
    return 0
