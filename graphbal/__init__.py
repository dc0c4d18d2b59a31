"""graphbal: synaptic balancing of neural networks and connectomes as weighted directed graphs.

The public face of the package: everything here is re-exported from the
module that implements it.
"""

from . import datasets, dynamics, spectral  # noqa: E402  (subpackages as attributes)
from .balance import METHODS, BalanceResult, balance
from .conserved import CycleInvariants, cycle_invariants, cycle_products
from .costs import (
    Imbalance,
    SynapticCost,
    imbalance,
    log_total_cost,
    neural_gradient,
    node_costs,
    synaptic_cost,
    total_cost,
)
from .errors import ConvergenceWarning, GraphbalError, InfeasibleError
from .feasibility import FeasibilityReport, feasibility
from .io.edgelist import read_edgelist, write_edgelist
from .network import Network
from .perturb import PerturbationResult, perturb
from .spectral import Eigenmodes, eigenmodes
from .transform import transform, transform_state

__version__ = "0.1.0"

_LAZY = ("draw", "viz", "report", "io", "cli")  # loaded on first access: they pull in matplotlib and friends


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'graphbal' has no attribute {name!r}")


__all__ = [
    "PerturbationResult",
    "perturb",
    "Eigenmodes",
    "datasets",
    "dynamics",
    "eigenmodes",
    "spectral",
    "METHODS",
    "BalanceResult",
    "CycleInvariants",
    "FeasibilityReport",
    "balance",
    "cycle_invariants",
    "cycle_products",
    "feasibility",
    "ConvergenceWarning",
    "GraphbalError",
    "Imbalance",
    "InfeasibleError",
    "Network",
    "SynapticCost",
    "imbalance",
    "log_total_cost",
    "neural_gradient",
    "node_costs",
    "read_edgelist",
    "synaptic_cost",
    "total_cost",
    "transform",
    "transform_state",
    "write_edgelist",
]
