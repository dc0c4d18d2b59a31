"""Gradient-descent training of a ReLU RNN on the CDI task (Stock et al. 2022, Fig 4) with PyTorch.

Optional: needs the ``train`` extra (``pip install graphbal[train]``, torch >= 2.1).
Simulation and analysis stay numpy-only; the trained network is returned as a
float64 :class:`graphbal.Network`.

Set-up (the authors' training code): current form, tau = 1, forward Euler with 10 substeps of dt = 0.1
per input step (input held), readout y = V x at each step's end, x(0) = 0;
W, U, V ~ N(0, 1/N), b = 0 (one initialisation per seed, shared by all lambda);
loss = RMSE over outputs x time, batch-averaged, + lambda sum W^2 (W only);
plain SGD, learning rate 5e-3, global-norm clip 10, 6000 iterations; no
balancing during training. ||g|| (costs W^2) is recorded every iteration.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
from tqdm import tqdm

from ..errors import GraphbalError
from ..network import Network
from .tasks import cdi_batch

__all__ = ["TrainResult", "train_cdi", "torch_outputs", "require_torch"]


def require_torch():
    """Import torch or explain how to get it.

    Returns
    -------
    module
        ``torch``.

    Raises
    ------
    GraphbalError
        If PyTorch is not installed (install the ``train`` extra).

    Examples
    --------
    >>> import pytest
    >>> _ = pytest.importorskip("torch")   # the example needs the optional extra
    >>> from graphbal.dynamics.train import require_torch
    >>> require_torch().float64
    torch.float64
    """
    try:
        import torch
    except ImportError:
        raise GraphbalError("training needs PyTorch: pip install 'graphbal[train]' (a CPU build is enough)") from None
    return torch


@dataclasses.dataclass(frozen=True, eq=False)
class TrainResult:
    """Trained network and the training record.

    ``losses`` holds the RMSE of every iteration, ``g_norms`` the norm of the
    neural gradient of the cost ``W^2`` before training (index 0) and after
    every iteration.
    """

    network: Network
    losses: np.ndarray
    g_norms: np.ndarray
    lam: float
    seed: int
    iterations: int
    seconds: float


def _forward(torch, W, U, V, b, u, dt: float, substeps: int):
    x = torch.zeros(u.shape[1], W.shape[0], dtype=W.dtype)
    ys = []
    for t in range(u.shape[0]):
        drive = u[t] @ U.T + b
        for _ in range(substeps):
            x = x + dt * (-x + torch.relu(x) @ W.T + drive)
        ys.append(x @ V.T)
    return torch.stack(ys)


def torch_outputs(net: Network, inputs, *, dt: float = 0.1, substeps: int = 10) -> np.ndarray:
    """Outputs of ``net`` computed by the torch forward pass (used to check it against ``simulate``).

    Parameters
    ----------
    net : Network
        A current-form ReLU network with inputs ``U`` and readout ``V``.
    inputs : array_like, shape (T, batch, m)
    dt, substeps : float, int
        Euler step and Euler steps per input step.

    Returns
    -------
    ndarray, shape (T, batch, k)

    Examples
    --------
    >>> import pytest
    >>> _ = pytest.importorskip("torch")   # the example needs the optional extra
    >>> import numpy as np, graphbal
    >>> from graphbal.dynamics.train import torch_outputs
    >>> net = graphbal.Network(np.zeros((1, 1)), U=[[1.0]], V=[[2.0]])
    >>> torch_outputs(net, np.ones((2, 1, 1)), dt=0.5, substeps=1)[:, 0, 0]   # as simulate: y = 2 x
    array([1. , 1.5])
    """
    torch = require_torch()
    f = lambda a: torch.tensor(np.asarray(a), dtype=torch.float64)  # noqa: E731
    with torch.no_grad():
        y = _forward(
            torch,
            f(net.dense_W()),
            f(net.U),
            f(net.V),
            f(np.zeros(net.n) if net.b is None else net.b),
            f(inputs),
            dt,
            substeps,
        )
    return y.numpy()


def _init_params(torch, n: int, seed: int) -> list:
    """``W, U, V ~ N(0, 1/n)`` (drawn in that order from one seeded generator) and ``b = 0``, all trainable."""
    gen = torch.Generator().manual_seed(int(seed))
    sd = 1.0 / np.sqrt(n)
    W = (torch.randn(n, n, generator=gen, dtype=torch.float64) * sd).requires_grad_()
    U = (torch.randn(n, 6, generator=gen, dtype=torch.float64) * sd).requires_grad_()
    V = (torch.randn(2, n, generator=gen, dtype=torch.float64) * sd).requires_grad_()
    b = torch.zeros(n, dtype=torch.float64, requires_grad=True)
    return [W, U, V, b]


def _g_norm(torch, W) -> float:
    """``||g||`` of the cost matrix ``W^2`` (self-synapses excluded)."""
    with torch.no_grad():
        C = W.detach() ** 2
        C.fill_diagonal_(0.0)
        return float(torch.linalg.norm(C.sum(1) - C.sum(0)))


def _sgd_step(torch, params: list, opt, batch, *, lam: float, clip: float, dt: float, substeps: int) -> float:
    """One SGD step on a batch (RMSE + ``lam sum W^2``, global-norm clipping); returns the RMSE."""
    W, U, V, b = params
    u = torch.tensor(batch.inputs)
    y = torch.tensor(batch.targets)
    out = _forward(torch, W, U, V, b, u, dt, substeps)
    rmse = torch.sqrt(((out - y) ** 2).mean(dim=(0, 2))).mean()
    loss = rmse + lam * (W**2).sum()
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, clip)
    opt.step()
    return float(rmse.detach())


def train_cdi(
    n: int = 256,
    lam: float = 0.0,
    *,
    iterations: int = 6000,
    lr: float = 5e-3,
    clip: float = 10.0,
    seed: int = 0,
    trials: int = 1,
    dt: float = 0.1,
    substeps: int = 10,
    T: int = 50,
    progress: bool = True,
    threads: int | None = None,
) -> TrainResult:
    """Train a ReLU RNN of ``n`` neurons on the CDI task with an l2 penalty ``lam`` on W.

    Parameters
    ----------
    n : int
        Number of neurons.
    lam : float
        Weight of the penalty ``lam sum W_ij^2``.
    iterations : int
        SGD steps; each draws a fresh batch of ``trials`` trials per condition.
    lr, clip : float
        Learning rate and global gradient-norm clip.
    seed : int
        Seeds the initial weights (torch) and the task batches (numpy, ``seed + 1_000_003``).
    trials : int
    dt, substeps : float, int
        Euler step and Euler steps per input step.
    T : int
        Input steps per trial.
    progress : bool
    threads : int, optional
        Number of torch threads.

    Returns
    -------
    TrainResult

    Examples
    --------
    >>> import pytest
    >>> _ = pytest.importorskip("torch")   # the example needs the optional extra
    >>> from graphbal.dynamics.train import train_cdi
    >>> res = train_cdi(n=6, lam=0.1, iterations=2, T=5, progress=False)
    >>> res.losses.shape, res.g_norms.shape, res.network.U.shape
    ((2,), (3,), (6, 6))
    """
    torch = require_torch()
    if n < 1 or iterations < 0 or lam < 0 or lr <= 0:
        raise GraphbalError("need n >= 1, iterations >= 0, lam >= 0, lr > 0")
    if threads:
        torch.set_num_threads(int(threads))
    params = _init_params(torch, n, seed)
    opt = torch.optim.SGD(params, lr=lr)
    rng = np.random.default_rng(seed + 1_000_003)
    losses, gnorms = [], [_g_norm(torch, params[0])]
    t0 = time.perf_counter()
    for _ in tqdm(range(iterations), desc=f"train CDI n={n} lambda={lam:g} seed={seed}", disable=not progress):
        batch = cdi_batch(trials, T=T, seed=rng)
        losses.append(_sgd_step(torch, params, opt, batch, lam=lam, clip=clip, dt=dt, substeps=substeps))
        gnorms.append(_g_norm(torch, params[0]))
    seconds = time.perf_counter() - t0
    W, U, V, b = (p.detach().numpy().copy() for p in params)
    net = Network(W, U=U, V=V, b=b, meta={"task": "cdi", "lambda": lam, "seed": seed, "iterations": iterations})
    return TrainResult(
        network=net,
        losses=np.array(losses),
        g_norms=np.array(gnorms),
        lam=float(lam),
        seed=int(seed),
        iterations=int(iterations),
        seconds=seconds,
    )
