"""The context-dependent integration (CDI) task (Stock et al. 2022, Fig 4; after Mante & Sussillo 2013).

6 input channels: 2 context channels, then the two evidence channels of context
0 and the two of context 1. Every channel carries N(0, 0.3^2) noise per step;
the cued context channel gets +1, and in each context a binary label puts +1
on one of its two evidence channels. 2 outputs: the running sums of the cued
context's two noisy evidence channels. T = 50 steps, 8 conditions (cued
context x label of context 0 x label of context 1); a batch holds one fresh
trial per condition (repeated ``trials`` times).
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np

from ..errors import GraphbalError

__all__ = ["CDIBatch", "cdi_batch", "CONDITIONS"]

CONDITIONS = tuple(itertools.product((0, 1), (0, 1), (0, 1)))  # (cued context, label ctx 0, label ctx 1)


@dataclasses.dataclass(frozen=True, eq=False)
class CDIBatch:
    """One batch: ``inputs`` (T, B, 6), ``targets`` (T, B, 2), ``mask`` (T, B, 2), ``conditions`` (B, 3)."""

    inputs: np.ndarray
    targets: np.ndarray
    mask: np.ndarray
    conditions: np.ndarray


def cdi_batch(trials: int = 1, *, T: int = 50, noise: float = 0.3, seed=None) -> CDIBatch:
    """Generate ``trials`` fresh trials of each of the 8 conditions (B = 8 * trials).

    Examples
    --------
    >>> from graphbal.dynamics.tasks import cdi_batch
    >>> b = cdi_batch(2, seed=0)
    >>> b.inputs.shape, b.targets.shape
    ((50, 16, 6), (50, 16, 2))
    """
    if trials < 1 or T < 1 or noise < 0:
        raise GraphbalError("trials and T must be >= 1 and noise >= 0")
    rng = np.random.default_rng(seed)
    cond = np.array(CONDITIONS * trials)
    B = cond.shape[0]
    mean = np.zeros((B, 6))
    mean[np.arange(B), cond[:, 0]] = 1.0  # context cue
    mean[np.arange(B), 2 + cond[:, 1]] = 1.0  # context-0 evidence channel chosen by its label
    mean[np.arange(B), 4 + cond[:, 2]] = 1.0  # context-1 evidence channel chosen by its label
    inputs = mean[None] + noise * rng.standard_normal((T, B, 6))
    cued = 2 + 2 * cond[:, 0]
    ev = np.stack([inputs[:, np.arange(B), cued], inputs[:, np.arange(B), cued + 1]], axis=-1)
    targets = np.cumsum(ev, axis=0)
    return CDIBatch(inputs=inputs, targets=targets, mask=np.ones_like(targets), conditions=cond)
