"""Target systems dx/dt = f(x) + c and the OU command input."""

from __future__ import annotations

import numpy as np
import pytest

from graphbal import GraphbalError
from graphbal.dynamics.targets import TargetSystem, bistable, damped_oscillator, lorenz, ou_input, van_der_pol


def test_builtin_targets_have_the_right_fixed_points_and_shapes():
    np.testing.assert_allclose(damped_oscillator().f(np.zeros(2)), 0.0)
    b = bistable()
    assert b.f(np.array([1.0]))[0] == pytest.approx(0.0) and b.f(np.array([0.5]))[0] > 0
    v = van_der_pol()
    np.testing.assert_allclose(v.f(np.zeros(2)), 0.0)
    lz = lorenz()
    assert lz.J == 3 and np.isfinite(lz.f(lz.x0)).all()
    with pytest.raises(GraphbalError, match="returned shape"):
        TargetSystem(lambda x: np.zeros(3), 2, np.zeros(2))
    with pytest.raises(GraphbalError, match="x0 has shape"):
        TargetSystem(lambda x: x, 2, np.zeros(3))


def test_ou_input_statistics():
    c = ou_input(200_000, 2, dt=1e-4, tau_c=0.05, amplitude=3.0, seed=0)
    assert c.std(axis=0) == pytest.approx([3.0, 3.0], rel=0.1)
    lag = int(0.05 / 1e-4)  # autocorrelation e^-1 at one correlation time
    r = np.corrcoef(c[:-lag, 0], c[lag:, 0])[0, 1]
    assert r == pytest.approx(np.exp(-1), abs=0.1)
    np.testing.assert_array_equal(ou_input(100, 2, seed=3), ou_input(100, 2, seed=3))
