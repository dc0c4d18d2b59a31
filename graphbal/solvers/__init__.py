"""Balancing solvers (B8-B12): one module per method, all on a :class:`graphbal.costgraph.CostGraph`.

Every solver has the signature ``solve(cg, h0, *, tol, maxiter, callback=None, **options)``
and returns a :class:`SolverOutput`. ``h0`` is a full-length potential vector
(hidden neurons); ``tol`` refers to ``relnode`` (B4).
"""

from .common import SolverOutput, record

__all__ = ["SolverOutput", "record"]
