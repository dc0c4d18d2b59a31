"""Numerical limits and cut-offs shared across graphbal: each number lives here once.

Examples
--------
>>> import numpy as np
>>> from graphbal._core.limits import zero_cutoff
>>> zero_cutoff(np.array([0.0, 2.0, 4.0]))
4e-10
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "ZERO_EIGENVALUE_RTOL",
    "zero_cutoff",
    "DENSE_NEWTON_MAX",
    "DENSE_SOLVE_MAX",
    "DENSE_EIG_MAX",
    "CG_MAXITER",
    "MAX_LOG_SCALE",
]

ZERO_EIGENVALUE_RTOL = 1e-10  # Laplacian eigenvalues below this fraction of the largest (or of 1) are zero modes
DENSE_NEWTON_MAX = 150  # Newton: dense Cholesky up to this many unknowns (CG 20 ms vs dense 176 ms at n = 800)
DENSE_SOLVE_MAX = 2000  # accurate Laplacian solves (perturbations): exact dense solve up to this size
DENSE_EIG_MAX = 3000  # eigenmodes and time courses: dense eigh up to this many neurons
CG_MAXITER = 2000  # conjugate-gradient iterations per Newton step and per warm-start solve
MAX_LOG_SCALE = 700.0  # exp(700) ~ 1e304: beyond it a true (unscaled) cost overflows float64


def zero_cutoff(eigenvalues: np.ndarray) -> float:
    """The threshold below which a Laplacian eigenvalue counts as a zero (gauge) mode.

    Examples
    --------
    >>> import numpy as np
    >>> zero_cutoff(np.array([0.0, 0.5]))  # relative to 1 when all eigenvalues are small
    1e-10
    """
    return ZERO_EIGENVALUE_RTOL * max(1.0, float(np.abs(eigenvalues).max(initial=0.0)))
