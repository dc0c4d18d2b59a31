"""The spike coding network: decoder, thresholds, fast and slow weights, and how they are built.

An efficient balanced network (EBN; Boerlin, Machens & Denève 2013; Alemi,
Machens, Denève & Slotine 2018) of N neurons encodes a J-dimensional signal
``x`` in its readout ``xhat = D r``, where ``r`` are the filtered spike trains
(``dr/dt = -lam r + o``; a spike of neuron i adds 1 to ``r_i``). Neuron i
fires when that lowers the loss ``|x - xhat|^2 + mu |r|^2 + nu |r|_1``, which
gives the thresholds ``T_i = (|D_i|^2 + mu + nu) / 2`` and the fast weights
``Omega_f = -(D^T D + mu I)``; the feedforward weights are ``F = D^T``. See
docs/dynamics.rst, 'Spiking networks'. Pure numpy, float64.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ...errors import GraphbalError

__all__ = ["EBN", "make_ebn", "linear_slow_weights"]


@dataclasses.dataclass(frozen=True, eq=False)
class EBN:
    """A spike coding network (see the module docstring for the symbols).

    Attributes
    ----------
    D : ndarray, shape (J, N)
        Decoder (readout) ``xhat = D r``.
    F : ndarray, shape (N, J)
        Feedforward and error-feedback weights (``D^T`` unless transformed).
    thresholds : ndarray, shape (N,)
        Firing thresholds ``T``.
    fast : ndarray, shape (N, N)
        Fast weights; a spike of j adds ``fast[:, j] * spike_size[j]`` to the voltages.
    slow : ndarray, shape (N, N_b)
        Slow weights acting on the basis ``psi`` (N x N when ``psi = r``).
    M, theta : ndarray, optional
        Basis ``psi = tanh(M r + theta)`` (``None``: ``psi = r``).
    spike_size : ndarray, optional
        Jump of ``r_i`` per spike (ones by default).
    lam, mu, nu : float
        Leak of ``r`` and ``V`` (1/s), quadratic and linear spike costs.

    Examples
    --------
    >>> from graphbal.dynamics.spiking import make_ebn
    >>> net = make_ebn(5, 2)
    >>> net.N, net.J, net.slow.shape
    (5, 2, (5, 5))
    """

    D: np.ndarray
    F: np.ndarray
    thresholds: np.ndarray
    fast: np.ndarray
    slow: np.ndarray
    M: np.ndarray | None = None
    theta: np.ndarray | None = None
    spike_size: np.ndarray | None = None
    lam: float = 10.0
    mu: float = 1e-6
    nu: float = 0.0

    @property
    def N(self) -> int:
        """Number of neurons."""
        return self.D.shape[1]

    @property
    def J(self) -> int:
        """Dimension of the encoded signal."""
        return self.D.shape[0]

    def with_slow(self, slow: np.ndarray) -> EBN:
        """The same network with other slow weights.

        Examples
        --------
        >>> import numpy as np
        >>> from graphbal.dynamics.spiking import make_ebn
        >>> net = make_ebn(3, 1)
        >>> net.with_slow(np.ones((3, 3))).slow.sum()
        np.float64(9.0)
        """
        slow = np.asarray(slow, dtype=np.float64)
        if slow.shape != self.slow.shape:
            raise GraphbalError(f"slow weights have shape {slow.shape}, expected {self.slow.shape}")
        return dataclasses.replace(self, slow=slow)


def make_ebn(
    N: int,
    J: int,
    *,
    lam: float = 10.0,
    mu: float = 1e-6,
    nu: float = 0.0,
    decoder_norm: float = 0.1,
    n_basis: int | None = None,
    basis_gain_var: float = 4.0,
    seed: int = 0,
) -> EBN:
    """Build an EBN with random-direction decoders of norm ``decoder_norm``.

    Thresholds ``T_i = (|D_i|^2 + mu + nu) / 2``, fast weights
    ``-(D^T D + mu I)``, ``F = D^T`` and zero slow weights.
    ``n_basis=None`` gives ``psi = r`` (linear variant); otherwise a tanh basis
    on the readout, ``M = G D`` with ``G ~ N(0, basis_gain_var)`` and
    ``theta ~ U(-1.5, 1.5)`` (see docs/dynamics.rst, 'Learning network').
    The decoder and the basis use separate seeded streams.

    Parameters
    ----------
    N, J : int
        Neurons and signal dimension, both >= 1.
    lam, mu, nu : float
        Leak (1/s, > 0), quadratic and linear spike costs (>= 0).
    decoder_norm : float
        Norm of every decoder column ``D_i``.
    n_basis : int, optional
        Number of tanh basis functions.
    basis_gain_var : float
        Variance of the basis gains ``G``.
    seed : int

    Returns
    -------
    EBN

    Examples
    --------
    >>> from graphbal.dynamics.spiking import make_ebn
    >>> net = make_ebn(10, 2)
    >>> net.thresholds.round(5)[:2]   # (|D_i|^2 + mu + nu) / 2
    array([0.005, 0.005])
    """
    if N < 1 or J < 1:
        raise GraphbalError("need N >= 1 neurons and J >= 1 dimensions")
    if lam <= 0 or mu < 0 or nu < 0 or decoder_norm <= 0:
        raise GraphbalError("need lam > 0, mu >= 0, nu >= 0, decoder_norm > 0")
    rng_d = np.random.default_rng([seed, 1])
    D = rng_d.standard_normal((J, N))
    D *= decoder_norm / np.linalg.norm(D, axis=0)
    T = (np.sum(D**2, axis=0) + mu + nu) / 2
    fast = -(D.T @ D + mu * np.eye(N))
    M = theta = None
    nb = N
    if n_basis is not None:
        rng_b = np.random.default_rng([seed, 2])
        G = rng_b.normal(0.0, np.sqrt(basis_gain_var), (n_basis, J))
        M = G @ D
        theta = rng_b.uniform(-1.5, 1.5, n_basis)
        nb = n_basis
    return EBN(
        D=D, F=D.T.copy(), thresholds=T, fast=fast, slow=np.zeros((N, nb)), M=M, theta=theta, lam=lam, mu=mu, nu=nu
    )


def linear_slow_weights(ebn: EBN, A) -> np.ndarray:
    """Closed-form slow weights ``D^T (A + lam I) D`` for ``f(x) = A x`` and ``psi = r``.

    The unit-jump form of the analytic linear network of Boerlin, Machens &
    Denève (2013): with these weights the network follows ``dx/dt = A x + c``
    without learning (see docs/dynamics.rst, 'Linear closed form').

    Parameters
    ----------
    ebn : EBN
        A network without a basis (``n_basis=None``).
    A : array_like, shape (J, J)

    Returns
    -------
    ndarray, shape (N, N)

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal.dynamics.spiking import linear_slow_weights, make_ebn
    >>> net = make_ebn(6, 2)
    >>> W = linear_slow_weights(net, -np.eye(2))   # (lam - 1) D^T D
    >>> bool(np.allclose(W, 9.0 * net.D.T @ net.D))
    True
    """
    if ebn.M is not None:
        raise GraphbalError("the closed form needs psi = r (build the network with n_basis=None)")
    A = np.asarray(A, dtype=np.float64)
    if A.shape != (ebn.J, ebn.J):
        raise GraphbalError(f"A has shape {A.shape}, expected ({ebn.J}, {ebn.J})")
    return ebn.D.T @ (A + ebn.lam * np.eye(ebn.J)) @ ebn.D
