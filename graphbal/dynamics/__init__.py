"""Dynamics: rate RNN simulation, the CDI task, noise robustness, optional training (torch), spiking networks.

``graphbal.dynamics.train`` needs the optional ``train`` extra (PyTorch); everything
else is numpy-only.
"""

from .rnn import Phi, SimulationResult, get_phi, simulate
from .robustness import (
    BalanceConditionTest,
    balance_condition_test,
    compare_function,
    noise_robustness,
    robustness_cost,
)
from .tasks import CDIBatch, cdi_batch

__all__ = ["BalanceConditionTest", "CDIBatch", "Phi", "SimulationResult", "balance_condition_test", "cdi_batch",
           "compare_function", "get_phi", "noise_robustness", "robustness_cost", "simulate"]
