"""Command-line front end: ``graphbal <command> ...`` (argparse; no maths here).

Each command lives in ``graphbal/cli/<name>.py`` and provides
``add_parser(subparsers)`` (which sets ``func`` on its parser via
``set_defaults``) and the function it registers. Register it in ``COMMANDS``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import GraphbalError

COMMANDS = ["balance", "feasibility", "perturb", "spectrum", "analyze", "draw"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered command."""
    parser = argparse.ArgumentParser(prog="graphbal", description="Synaptic balancing of networks and connectomes.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(f"graphbal.cli.{name}").add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``graphbal`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except GraphbalError as exc:
        print(f"graphbal {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
