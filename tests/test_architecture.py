"""The package's shape: layers import only downwards, small modules and functions, one home per formula.

Everything here reads the source with ``ast`` (or as text); nothing is imported.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "graphbal"

# Lowest first. A module may import from its own layer and the layers below it, never above.
LAYERS = [
    {"errors"},
    {"_core"},
    {"network", "io"},  # the boundary: Network's from_/to_ converters delegate to io, io builds Networks
    {"costs", "transform", "conserved", "feasibility", "datasets"},
    {"balance"},
    {"spectral", "dynamics"},
    {"perturb"},
    {"viz"},
    {"report"},
    {"cli"},
]
# Old import paths kept working for users; graphbal's own modules must not use them.
COMPAT = {"costgraph", "parallel", "solvers", "edgelist", "convert", "draw"}
LAYER_OF = {name: k for k, names in enumerate(LAYERS) for name in names}


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _unit(path: Path) -> str:
    """The top-level unit of graphbal a file belongs to (``balance`` for graphbal/balance/newton.py)."""
    rel = path.relative_to(PACKAGE).with_suffix("")
    return rel.parts[0]


def _imported_units(path: Path) -> set[str]:
    """Top-level graphbal units imported anywhere in ``path`` (module level or inside functions)."""
    return _units_in(path.read_text(), list(path.relative_to(PACKAGE.parent).with_suffix("").parts)[:-1])


def _units_in(source: str, package: list[str]) -> set[str]:
    """Top-level graphbal units imported by ``source``, a module of the package ``package`` (dotted parts)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                target = package[: len(package) - node.level + 1] + (node.module.split(".") if node.module else [])
            else:
                target = node.module.split(".") if node.module else []
            if target[:1] != ["graphbal"]:
                continue
            if len(target) > 1:
                found.add(target[1])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "graphbal" and len(parts) > 1:
                    found.add(parts[1])
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_lower_layers_never_import_higher_ones(path):
    unit = _unit(path)
    if unit == "__init__" or unit in COMPAT:
        return
    assert unit in LAYER_OF, f"{unit} is not placed in a layer: add it to LAYERS"
    for target in _imported_units(path) - {unit}:
        assert target not in COMPAT, f"{path.name} imports the compatibility alias graphbal.{target}"
        assert target in LAYER_OF, f"{path.name} imports graphbal.{target}, which is in no layer"
        assert LAYER_OF[target] <= LAYER_OF[unit], (
            f"{path.relative_to(PACKAGE)} (layer {unit}) imports the higher layer graphbal.{target}"
        )


def test_the_layer_check_sees_upward_imports_of_every_form():
    """The checker itself: relative, absolute, lazy and ``from graphbal import x`` imports are all found."""
    source = (
        "from ..balance import balance\nimport graphbal.viz.layout\nfrom graphbal import report\n"
        "def f():\n    from .. import cli\n    from .flows import flows\n"
    )
    assert _units_in(source, ["graphbal", "_core"]) == {"balance", "viz", "report", "cli", "_core"}


def _function_lengths(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0]
            doc = 0
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                doc = first.end_lineno - first.lineno + 1
            yield node.name, node.lineno, node.end_lineno - node.lineno + 1 - doc


def test_no_function_over_60_lines_docstring_excluded():
    long = [
        f"{p.relative_to(PACKAGE)}:{line} {name} ({n} lines)"
        for p in _modules()
        for name, line, n in _function_lengths(p)
        if n > 60
    ]
    assert not long, long


def test_no_module_over_400_lines():
    long = [f"{p.relative_to(PACKAGE)} ({n})" for p in _modules() if (n := p.read_text().count("\n")) > 400]
    assert not long, long


def test_nothing_is_mutated_behind_a_frozen_back():
    users = [str(p.relative_to(PACKAGE)) for p in _modules() if "object.__setattr__" in p.read_text()]
    assert not users, users


def _code_lines(path: Path) -> list[str]:
    """Source lines without comments and docstrings' doctest lines (rough but enough for the greps below)."""
    out = []
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith(("#", ">>>", "...")):
            continue
        out.append(line.split("  #")[0])
    return out


def _files_matching(pattern: str) -> set[str]:
    rx = re.compile(pattern)
    return {
        str(p.relative_to(PACKAGE))
        for p in _modules()
        if _unit(p) not in COMPAT and any(rx.search(line) for line in _code_lines(p))
    }


@pytest.mark.parametrize(
    ("what", "pattern", "home"),
    [
        ("the cost formula alpha |w|^p", r"np\.abs\([^)]*\)\s*\*\*\s*p\b|np\.log\(np\.abs\(", {"_core/costgraph.py"}),
        ("the Laplacian assembly d - A - A^T", r"- A - A\.T|-\s*A\s*-\s*A\.T", {"_core/laplacian.py"}),
        ("undoing the flows' scale", r"exp\([\w.]*\.shift\)", {"_core/flows.py"}),
        ("atomic replacement of a file", r"os\.replace\(|mkstemp\(", {"io/files.py"}),
        ("the zero-eigenvalue cut-off", r"1e-10 \* max\(", {"_core/limits.py"}),
        ("selecting a matplotlib backend", r"matplotlib\.use\(", set()),
    ],
)
def test_one_home_per_formula(what, pattern, home):
    assert _files_matching(pattern) <= home, f"{what} is written outside {home or 'graphbal'}"


@pytest.mark.parametrize("reader", ["io/edgelist.py", "io/networkx.py", "datasets.py"])
def test_readers_assemble_networks_through_the_one_assembler(reader):
    text = "\n".join(_code_lines(PACKAGE / reader))
    assert "assemble_network(" in text
    assert "Network(" not in text.replace("assemble_network(", "") and "csr_array((" not in text
