"""Dynamics: rate RNN simulation, the CDI task, noise robustness, optional training (torch), spiking networks.

``graphbal.dynamics.train`` needs the optional ``train`` extra (PyTorch); everything
else is numpy-only. The spiking networks live in the subpackage
:mod:`graphbal.dynamics.spiking`; ``spiking_analysis`` and ``spiking_learn``
are kept as aliases of its ``analysis`` and ``learn`` modules.
"""

from __future__ import annotations

from . import spiking_analysis, spiking_learn  # noqa: F401  (old module paths stay importable as attributes)
from .rnn import Phi, SimulationResult, get_phi, simulate
from .robustness import (
    BalanceConditionTest,
    balance_condition_test,
    compare_function,
    noise_robustness,
    robustness_cost,
)
from .spiking import (
    EBN,
    SpikingRun,
    autonomous,
    cotransform,
    ei_balance,
    eta_schedule,
    from_network,
    isi_cv,
    learn,
    linear_slow_weights,
    make_ebn,
    oscillation,
    relative_error,
    to_network,
)
from .spiking import run as run_spiking
from .targets import TargetSystem, bistable, damped_oscillator, linear, lorenz, ou_input, van_der_pol
from .tasks import CDIBatch, cdi_batch

__all__ = [
    "EBN",
    "BalanceConditionTest",
    "CDIBatch",
    "Phi",
    "SimulationResult",
    "SpikingRun",
    "TargetSystem",
    "autonomous",
    "balance_condition_test",
    "bistable",
    "cdi_batch",
    "compare_function",
    "cotransform",
    "damped_oscillator",
    "ei_balance",
    "eta_schedule",
    "from_network",
    "get_phi",
    "isi_cv",
    "learn",
    "linear",
    "linear_slow_weights",
    "lorenz",
    "make_ebn",
    "noise_robustness",
    "oscillation",
    "ou_input",
    "relative_error",
    "robustness_cost",
    "run_spiking",
    "simulate",
    "to_network",
    "van_der_pol",
]
