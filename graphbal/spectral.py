"""Conductance matrix, weighted Laplacian and its eigenmodes (docs/theory.rst, 'The Laplacian').

About a balance ``h*`` the flow linearises to ``tau d(dh)/dt = -p L* dh``
(Stock et al. 2022, Eq. 39): each eigenmode ``v_k`` of the Laplacian relaxes on the timescale
``tau / (p lambda_k)``. With costed io the ground row and column are deleted
(grounded Laplacian); ground-free components keep a constant null vector
(pure gauge).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.sparse import linalg as spla

from ._core.costgraph import CostGraph, cost_graph
from ._core.flows import flows
from ._core.laplacian import laplacian_csr
from ._core.limits import DENSE_EIG_MAX, ZERO_EIGENVALUE_RTOL, zero_cutoff
from ._core.linsolve import laplacian_solve
from ._core.validate import check_h
from .errors import GraphbalError

__all__ = [
    "conductance",
    "laplacian",
    "Eigenmodes",
    "eigenmodes",
    "project",
    "laplacian_solve",
    "laplacian_from_costgraph",
    "zero_cutoff",
    "zero_mode_count",
    "ZERO_EIGENVALUE_RTOL",
]

DENSE_MAX = DENSE_EIG_MAX  # eigenmodes use dense eigh up to this many neurons


def laplacian_from_costgraph(cg: CostGraph, h: np.ndarray) -> sp.csr_array:
    """Grounded Laplacian at ``h`` as CSR: ``L_kl = -(c_kl + c_lk)``, ``L_kk = in_k + out_k``.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> from graphbal._core.costgraph import cost_graph
    >>> cg = cost_graph(graphbal.Network(np.array([[0.0, 2.0], [1.0, 0.0]])), 2.0)
    >>> laplacian_from_costgraph(cg, np.zeros(2)).toarray()
    array([[ 5., -5.],
           [-5.,  5.]])
    """
    return laplacian_csr(cg, flows(cg, h))


def conductance(net, p: float = 2, h=None, *, io_cost: bool = True) -> sp.csr_array:
    """Symmetrised cost matrix ``K_kl = c_kl(h) + c_lk(h)`` (k != l, parallel synapses summed).

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> K = graphbal.spectral.conductance(graphbal.Network(np.array([[0.0, 2.0], [1.0, 0.0]])))
    >>> K.toarray()
    array([[0., 5.],
           [5., 0.]])
    """
    cg = cost_graph(net, p, io_cost=io_cost)
    f = flows(cg, check_h(h, net.n))
    A = sp.csr_array((f.unscaled(f.edge), cg.pre, cg.indptr), shape=(net.n, net.n))
    return sp.csr_array(A + A.T)


def laplacian(net, p: float = 2, h=None, *, io_cost: bool = True) -> sp.csr_array:
    """Weighted (grounded) graph Laplacian ``L(h)``, the Hessian of C divided by ``p^2``.

    ``L = diag(K 1) + diag(io conductance) - K``; with ``io_cost=True`` the
    diagonal keeps each neuron's conductance to the ground.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> L = graphbal.spectral.laplacian(graphbal.Network(np.array([[0.0, 2.0], [1.0, 0.0]]), U=[[1.0], [0.0]]))
    >>> L.toarray()
    array([[ 6., -5.],
           [-5.,  5.]])
    """
    cg = cost_graph(net, p, io_cost=io_cost)
    return laplacian_from_costgraph(cg, check_h(h, net.n))


@dataclasses.dataclass(frozen=True, eq=False)
class Eigenmodes:
    """Eigenpairs of the Laplacian, ascending (mode 1 = the smallest; the gauge mode when no ground).

    Attributes
    ----------
    eigenvalues : ndarray, shape (k,)
    vectors : ndarray, shape (n, k)
        Orthonormal columns.
    p, tau : float
        Cost exponent and flow time constant used for the timescales.
    """

    eigenvalues: np.ndarray
    vectors: np.ndarray
    p: float
    tau: float = 1.0

    @property
    def timescales(self) -> np.ndarray:
        """Relaxation times ``tau / (p lambda_k)`` (inf for zero modes)."""
        lam = self.eigenvalues
        with np.errstate(divide="ignore"):
            return np.where(lam > self._zero, self.tau / (self.p * np.maximum(lam, 1e-300)), np.inf)

    @property
    def _zero(self) -> float:
        return zero_cutoff(self.eigenvalues)

    @property
    def spectral_gap(self) -> float:
        """Smallest non-zero eigenvalue among the computed ones."""
        nz = self.eigenvalues[self.eigenvalues > self._zero]
        return float(nz[0]) if nz.size else float("nan")

    @property
    def fiedler(self) -> np.ndarray:
        """Eigenvector of the spectral gap (the slowest non-gauge mode)."""
        k = int(np.flatnonzero(self.eigenvalues > self._zero)[0])
        return self.vectors[:, k]

    def summary(self) -> str:
        lam = ", ".join(f"{x:.4g}" for x in self.eigenvalues[:6])
        return (
            f"{self.eigenvalues.size} Laplacian modes (smallest: {lam}); spectral gap {self.spectral_gap:.4g}, "
            f"slowest relaxation time {self.tau / (self.p * self.spectral_gap):.4g} tau"
        )

    def __repr__(self) -> str:
        return f"Eigenmodes(k={self.eigenvalues.size}, gap={self.spectral_gap:.4g})"


def zero_mode_count(net, p: float = 2, *, io_cost: bool = True) -> int:
    """The number of zero eigenvalues of the Laplacian: one per weakly connected component without ground.

    Each such component (a neuron without any costed synapse counts as one)
    can shift its potentials by a constant without changing any cost: a pure
    gauge direction (docs/theory.rst, 'Balance and the gauge').

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> W = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])  # a pair and a lone neuron
    >>> graphbal.spectral.zero_mode_count(graphbal.Network(W))
    2
    """
    cg = cost_graph(net, p, io_cost=io_cost)
    return int((~cg.components_touching(cg.grounded)).sum())


def eigenmodes(
    net,
    k: int | None = None,
    which: str = "smallest",
    *,
    p: float = 2,
    h=None,
    io_cost: bool = True,
    tau: float = 1.0,
    method: str = "auto",
    seed: int = 0,
) -> Eigenmodes:
    """Eigenmodes of the Laplacian at ``h`` (docs/theory.rst, 'The Laplacian').

    Parameters
    ----------
    net : Network
    k : int, optional
        Number of modes (default: all, dense).
    which : {"smallest", "largest"}
    p, h, io_cost :
        Cost settings; ``h`` defaults to 0 (the network as given, which should
        be balanced for the linearisation to hold).
    tau : float
        Flow time constant for :attr:`Eigenmodes.timescales`.
    method : {"auto", "dense", "shift-invert", "lobpcg"}
        "auto": dense ``eigh`` up to 3000 neurons or when all modes are
        asked for; otherwise LOBPCG with a Jacobi preconditioner for the
        smallest modes (shift-invert Lanczos factorises L, whose fill-in on
        random expanders cost 88 s and 1.1 GB at n = 1e4 in
        benchmarks/bench_spectral.py, against 0.4 s for LOBPCG), plain Lanczos
        for the largest.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> ring = np.roll(np.eye(12), 1, axis=0) + np.roll(np.eye(12), -1, axis=0)  # bidirectional unit ring
    >>> modes = graphbal.eigenmodes(graphbal.Network(ring), p=2)
    >>> modes.eigenvalues[:3].round(3)
    array([0.   , 0.536, 0.536])
    """
    if which not in ("smallest", "largest"):
        raise GraphbalError(f"which must be 'smallest' or 'largest', got {which!r}")
    if not (np.isfinite(tau) and tau > 0):
        raise GraphbalError(f"tau must be positive, got {tau}")
    cg = cost_graph(net, p, io_cost=io_cost)
    L = laplacian_from_costgraph(cg, check_h(h, net.n))
    n = net.n
    if k is not None and not (1 <= int(k) <= n):
        raise GraphbalError(f"k must be between 1 and n={n}, got {k}")
    if method == "auto":
        method = "dense" if (k is None or n <= DENSE_EIG_MAX or k >= n - 1) else "lobpcg"
    if method == "dense":
        lam, vec = sla.eigh(L.toarray())
        if k is not None:
            sl = slice(0, k) if which == "smallest" else slice(n - k, n)
            lam, vec = lam[sl], vec[:, sl]
    elif which == "largest":
        lam, vec = spla.eigsh(L, k=k, which="LA")
    elif method == "shift-invert":
        sigma = -1e-6 * float(L.diagonal().mean())
        lam, vec = spla.eigsh(L.tocsc(), k=k, sigma=sigma, which="LM")
    elif method == "lobpcg":
        rng = np.random.default_rng(seed)
        d = L.diagonal()
        M = spla.LinearOperator(
            L.shape,
            matvec=lambda x: x / np.where(d > 0, d, 1.0)[:, None] if x.ndim > 1 else x / np.where(d > 0, d, 1.0),
        )
        lam, vec = spla.lobpcg(L, rng.normal(size=(n, k)), M=M, largest=False, tol=1e-8, maxiter=2000)
    else:
        raise GraphbalError(f"unknown method {method!r}")
    order = np.argsort(lam)
    lam = np.clip(lam[order], 0.0, None)
    return Eigenmodes(eigenvalues=lam, vectors=vec[:, order], p=float(p), tau=float(tau))


def project(h_t, modes: Eigenmodes, h_ref=None) -> np.ndarray:
    """Coefficients of a trajectory ``h(t)`` (T x n) on the modes: ``(h(t) - h_ref) @ V`` (T x k).

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> modes = graphbal.eigenmodes(graphbal.Network(np.array([[0.0, 1.0], [1.0, 0.0]])))
    >>> np.abs(graphbal.spectral.project(np.array([[1.0, -1.0]]), modes)).round(6)  # eigenvector signs are arbitrary
    array([[0.      , 1.414214]])
    """
    h_t = np.atleast_2d(np.asarray(h_t, dtype=np.float64))
    if h_t.shape[1] != modes.vectors.shape[0]:
        raise GraphbalError(f"trajectory has {h_t.shape[1]} neurons, the modes {modes.vectors.shape[0]}")
    if h_ref is not None:
        h_t = h_t - np.asarray(h_ref, dtype=np.float64)
    return h_t @ modes.vectors
