"""Training (optional torch extra): the torch forward pass equals the numpy simulation; the penalty acts."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from graphbal.dynamics import cdi_batch, simulate  # noqa: E402
from graphbal.dynamics.train import torch_outputs, train_cdi  # noqa: E402


def test_torch_forward_matches_numpy_simulation():
    res = train_cdi(n=12, lam=0.0, iterations=3, T=8, seed=3, progress=False)
    batch = cdi_batch(2, T=8, seed=1)
    y_torch = torch_outputs(res.network, batch.inputs)
    y_numpy = simulate(res.network, batch.inputs, dt=0.1, substeps=10).outputs
    np.testing.assert_allclose(y_torch, y_numpy, rtol=1e-12, atol=1e-12)


def test_training_records_and_l2_penalty():
    a = train_cdi(n=16, lam=0.0, iterations=25, T=10, seed=0, progress=False)
    b = train_cdi(n=16, lam=0.3, iterations=25, T=10, seed=0, progress=False)
    assert a.losses.shape == (25,) and a.g_norms.shape == (26,) and np.isfinite(a.losses).all()
    np.testing.assert_allclose(a.g_norms[0], b.g_norms[0])  # one initialisation shared by all lambda
    assert (b.network.W**2).sum() < (a.network.W**2).sum()  # the penalty shrinks W
    assert a.network.W.shape == (16, 16) and a.network.U.shape == (16, 6) and a.network.V.shape == (2, 16)
