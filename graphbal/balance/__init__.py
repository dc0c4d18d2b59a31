"""Balancing: :func:`balance`, its result, and the solvers behind it (docs/algorithms.rst).

``graphbal.balance`` (the function) is the front end; the solver modules
``newton``, ``osborne``, ``flow`` and ``local`` each declare their defaults
and options (:data:`SOLVERS`).
"""

from .common import SolverOutput, SolverSpec, record
from .flow import trajectory as flow_trajectory
from .frontend import balance
from .registry import METHODS, SOLVERS
from .result import BalanceResult

__all__ = ["balance", "BalanceResult", "METHODS", "SOLVERS", "SolverOutput", "SolverSpec", "record", "flow_trajectory"]
