"""CDI task generator: shapes, seeds, target construction and signs."""

from __future__ import annotations

import numpy as np

from graphbal.dynamics.tasks import CONDITIONS, cdi_batch


def test_shapes_and_seeds():
    b = cdi_batch(3, seed=1)
    assert b.inputs.shape == (50, 24, 6) and b.targets.shape == (50, 24, 2) and b.mask.shape == (50, 24, 2)
    assert len(CONDITIONS) == 8 and b.conditions.shape == (24, 3)
    np.testing.assert_array_equal(cdi_batch(3, seed=1).inputs, b.inputs)
    assert not np.array_equal(cdi_batch(3, seed=2).inputs, b.inputs)


def test_targets_integrate_the_cued_context():
    b = cdi_batch(50, seed=0, T=200)
    for k, (ctx, _, _) in enumerate(b.conditions):
        cued = 2 + 2 * ctx
        np.testing.assert_allclose(b.targets[:, k, 0], np.cumsum(b.inputs[:, k, cued]))
        np.testing.assert_allclose(b.targets[:, k, 1], np.cumsum(b.inputs[:, k, cued + 1]))
    # the channel picked by the cued context's label ramps up (~ +t), the other stays near 0
    label = np.where(b.conditions[:, 0] == 0, b.conditions[:, 1], b.conditions[:, 2])
    final = b.targets[-1]
    chosen = final[np.arange(final.shape[0]), label]
    other = final[np.arange(final.shape[0]), 1 - label]
    assert np.all(chosen > 100) and np.all(np.abs(other) < 30)
    # the context cue is +1 on the cued channel only
    means = b.inputs.mean(axis=0)
    assert np.allclose(means[np.arange(400), b.conditions[:, 0]], 1.0, atol=0.1)
    assert np.allclose(means[np.arange(400), 1 - b.conditions[:, 0]], 0.0, atol=0.1)
