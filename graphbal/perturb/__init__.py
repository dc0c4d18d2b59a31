"""Perturbation propagation: which synapses strengthen or weaken after a local change.

Start from a balanced network, scale synapse ``a -> b`` by ``f`` (its cost by
``f**p``), and let balancing restore ``g = 0``. Every other synapse then changes
by ``p (dh_i - dh_j)`` in log cost. Predictions: exact (re-balance), linear
(one grounded-Laplacian solve), and time courses (the flow, and the
eigenmode approximation of the quadratic cost, Stock et al. 2022, Eq. 39).
See docs/theory.rst, 'Perturbation analysis'.

Modules: :mod:`.compute` (parsing, applying the change, linear and exact
predictions, hop distance), :mod:`.timecourse` (flow trajectory, eigenmode
approximation, half-times), :mod:`.result` (:class:`PerturbationResult` and
its table).
"""

from __future__ import annotations

from .compute import BALANCED_TOL, perturb  # noqa: F401  (BALANCED_TOL: module constant kept importable)
from .result import PerturbationResult

__all__ = ["PerturbationResult", "perturb"]
