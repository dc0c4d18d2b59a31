"""Conductance matrix, weighted Laplacian and its eigenmodes (S11; B5).

About a balance ``h*`` the flow linearises to ``tau d(dh)/dt = -p L* dh``
(S11): each eigenmode ``v_k`` of the Laplacian relaxes on the timescale
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

from .costgraph import CostGraph, center_gauge, check_h, cost_graph, flows
from .errors import GraphbalError

__all__ = ["conductance", "laplacian", "Eigenmodes", "eigenmodes", "project", "laplacian_solve",
           "laplacian_from_costgraph"]

DENSE_MAX = 3000


def _edge_costs(cg: CostGraph, h: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    f = flows(cg, h)
    scale = np.exp(f.shift)
    return f.edge * scale, f.incoming * scale, f.outgoing * scale


def laplacian_from_costgraph(cg: CostGraph, h: np.ndarray) -> sp.csr_array:
    """Grounded Laplacian at ``h`` as CSR: ``L_kl = -(c_kl + c_lk)``, ``L_kk = in_k + out_k`` (B5)."""
    w, inc, out = _edge_costs(cg, h)
    n = cg.n
    A = sp.csr_array((w, (cg.post, cg.pre)), shape=(n, n))
    return sp.csr_array(sp.diags_array(inc + out) - A - A.T)


def conductance(net, p: float = 2, h=None, *, io_cost: bool = True) -> sp.csr_array:
    """Symmetrised cost matrix ``K_kl = c_kl(h) + c_lk(h)`` (k != l, parallel synapses summed) (S11).

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> K = graphbal.spectral.conductance(graphbal.Network(np.array([[0.0, 2.0], [1.0, 0.0]])))
    >>> K.toarray()
    array([[0., 5.],
           [5., 0.]])
    """
    cg = cost_graph(net, p, io_cost=io_cost)
    w, _, _ = _edge_costs(cg, check_h(h, net.n))
    A = sp.csr_array((w, (cg.post, cg.pre)), shape=(net.n, net.n))
    return sp.csr_array(A + A.T)


def laplacian(net, p: float = 2, h=None, *, io_cost: bool = True) -> sp.csr_array:
    """Weighted (grounded) graph Laplacian ``L(h)``, the Hessian of C divided by ``p^2`` (S11, B5).

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
        """Relaxation times ``tau / (p lambda_k)`` (inf for zero modes) (S11)."""
        lam = self.eigenvalues
        with np.errstate(divide="ignore"):
            return np.where(lam > self._zero, self.tau / (self.p * np.maximum(lam, 1e-300)), np.inf)

    @property
    def _zero(self) -> float:
        return 1e-10 * max(1.0, float(np.abs(self.eigenvalues).max(initial=0.0)))

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
        return (f"{self.eigenvalues.size} Laplacian modes (smallest: {lam}); spectral gap {self.spectral_gap:.4g}, "
                f"slowest relaxation time {self.tau / (self.p * self.spectral_gap):.4g} tau")

    def __repr__(self) -> str:
        return f"Eigenmodes(k={self.eigenvalues.size}, gap={self.spectral_gap:.4g})"


def eigenmodes(net, k: int | None = None, which: str = "smallest", *, p: float = 2, h=None, io_cost: bool = True,
               tau: float = 1.0, method: str = "auto", seed: int = 0) -> Eigenmodes:
    """Eigenmodes of the Laplacian at ``h`` (S11).

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
        method = "dense" if (k is None or n <= DENSE_MAX or k >= n - 1) else "lobpcg"
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
        M = spla.LinearOperator(L.shape, matvec=lambda x: x / np.where(d > 0, d, 1.0)[:, None] if x.ndim > 1
                                else x / np.where(d > 0, d, 1.0))
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


def laplacian_solve(cg: CostGraph, h: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve ``L(h) x = rhs`` with the pseudoinverse convention (S12).

    On components touching the ground the grounded Laplacian is invertible;
    on ground-free components ``rhs`` must sum to zero there and the solution
    is the mean-zero one (``L^+ rhs``).
    """
    from .solvers.laplacian import edge_structure
    from .solvers.linsolve import solve_linear
    from .solvers.newton import gauge_pins

    fixed = gauge_pins(cg)
    es = edge_structure(cg, fixed)
    f = flows(cg, h)
    L = es.laplacian(f.edge, f.incoming + f.outgoing, f.io)
    scale = np.exp(f.shift)
    b = np.where(fixed, 0.0, rhs / scale)
    x, _ = solve_linear(L, b, 1e-12, 20_000, dense=cg.n <= 2000)
    return center_gauge(cg, x)  # mean zero on ground-free components (x is already 0 on fixed neurons)
