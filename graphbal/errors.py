"""Exceptions raised by graphbal."""

from __future__ import annotations

__all__ = ["GraphbalError", "InfeasibleError", "ConvergenceWarning"]


class GraphbalError(ValueError):
    """Invalid input or an operation graphbal cannot carry out.

    Subclasses :class:`ValueError`, so ``except ValueError`` also catches it.
    """


class InfeasibleError(GraphbalError):
    """No finite balanced state exists (some synapse lies on no directed cycle).

    The attribute ``report`` holds the :class:`graphbal.FeasibilityReport`.
    """

    def __init__(self, message: str, report=None):
        super().__init__(message)
        self.report = report


class ConvergenceWarning(UserWarning):
    """A solver stopped before reaching the requested tolerance."""
