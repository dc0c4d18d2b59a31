"""``graphbal perturb EDGELIST --synapse PRE POST --factor F``: predict heterosynaptic changes."""

from __future__ import annotations

import argparse

import numpy as np

from .common import load_network, output_path


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``perturb`` command."""
    p = sub.add_parser(
        "perturb",
        help="predict which synapses strengthen or weaken after scaling one synapse",
        description="Balance the network (if needed), scale one synapse, and predict the change "
        "of every other synapse after re-balancing.",
    )
    p.add_argument("source", help="CSV edge list or bundled dataset name")
    p.add_argument("--synapse", nargs=2, metavar=("PRE", "POST"), required=True, help="the synapse to scale")
    p.add_argument("--factor", type=float, required=True, help="factor multiplying its weight")
    p.add_argument("--p", type=float, default=2.0, help="cost exponent (default 2)")
    p.add_argument("--method", choices=["exact", "linear"], default="exact")
    p.add_argument("--no-io-cost", action="store_true", help="cost recurrent synapses only")
    p.add_argument("--time", type=float, default=None, help="also integrate the time course up to this time (tau)")
    p.add_argument("--top", type=int, default=15, help="rows to print (default 15)")
    p.add_argument("--out", help="write the full prediction table as CSV")
    p.add_argument("--plot", help="write a figure of the predicted changes (PNG/SVG)")
    p.add_argument("--force", action="store_true", help="overwrite --out/--plot if they exist")
    p.set_defaults(func=run)


def _synapse(net, names):
    out = []
    for x in names:
        if net.names is None:
            try:
                x = int(x)
            except ValueError:
                pass
        out.append(x)
    return tuple(out)


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code."""
    from ..balance import balance
    from ..costs import imbalance
    from ..perturb import perturb

    out = output_path(args.out, args.force) if args.out else None
    plot = output_path(args.plot, args.force) if args.plot else None
    net = load_network(args.source)
    io_cost = not args.no_io_cost
    if imbalance(net, args.p, io_cost=io_cost).relnode > 1e-8:
        res = balance(net, args.p, io_cost=io_cost, on_infeasible="limit")
        print(f"balanced first: {res.summary()}")
        net = res.network
    times = np.linspace(0.0, args.time, 200) if args.time else None
    pred = perturb(
        net, _synapse(net, args.synapse), args.factor, method=args.method, p=args.p, io_cost=io_cost, times=times
    )
    print(pred.summary(top=args.top))
    if out is not None:
        pred.to_csv(out)
        print(f"wrote {out}")
    if plot is not None:
        from ..viz import plot_perturbation

        plot_perturbation(pred, plot, top=args.top)
        print(f"wrote {plot}")
    return 0
