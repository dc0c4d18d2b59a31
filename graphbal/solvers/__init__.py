"""Compatibility aliases: the solvers now live in :mod:`graphbal.balance` and the linear algebra in ``graphbal._core``.

``graphbal.solvers.newton`` is :mod:`graphbal.balance.newton`, and so on for
``osborne``, ``flow``, ``local``, ``common``; ``graphbal.solvers.laplacian``
and ``graphbal.solvers.linsolve`` are ``graphbal._core.laplacian`` and
``graphbal._core.linsolve``.
"""

from ..balance.common import SolverOutput, record

__all__ = ["SolverOutput", "record"]
