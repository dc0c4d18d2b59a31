"""Measures and graph export for spiking networks: oscillation, ISI CV, E/I balance, co-transform.

See docs/dynamics.rst, 'E/I balance' and 'Balancing a spiking network'.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ...errors import GraphbalError
from ...network import Network
from .model import EBN

__all__ = ["oscillation", "isi_cv", "ei_balance", "cotransform", "to_network", "from_network"]


def oscillation(signal: np.ndarray, dt: float) -> tuple[float, float]:
    """Amplitude and period of a 1-D oscillation.

    The amplitude is the median over cycles of the peak ``|value|``, the
    period the mean interval between upward zero crossings.

    Parameters
    ----------
    signal : ndarray, shape (steps,)
    dt : float
        Sampling interval.

    Returns
    -------
    (float, float)
        ``(amplitude, period)``; the period is NaN with fewer than two upward crossings.

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal.dynamics.spiking import oscillation
    >>> t = np.arange(0.0, 2.0, 1e-3)
    >>> amp, period = oscillation(1.5 * np.sin(2 * np.pi * 2.0 * t), 1e-3)
    >>> round(amp, 3), round(period, 3)
    (1.5, 0.5)
    """
    sig = np.asarray(signal, dtype=np.float64)
    up = np.flatnonzero((sig[:-1] < 0) & (sig[1:] >= 0))
    if up.size < 2:
        return float(np.max(np.abs(sig))), float("nan")
    peaks = [np.max(np.abs(sig[a:b])) for a, b in zip(up[:-1], up[1:])]
    return float(np.median(peaks)), float(np.mean(np.diff(up)) * dt)


def isi_cv(spike_neuron: np.ndarray, spike_step: np.ndarray, N: int, *, min_spikes: int = 5) -> np.ndarray:
    """Coefficient of variation of the inter-spike intervals of every neuron.

    Parameters
    ----------
    spike_neuron, spike_step : ndarray of int
        Spikes as flat arrays (as in :class:`SpikingRun`).
    N : int
        Number of neurons.
    min_spikes : int
        Neurons with fewer spikes get NaN.

    Returns
    -------
    ndarray, shape (N,)

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal.dynamics.spiking import isi_cv
    >>> neuron = np.zeros(6, dtype=int)            # neuron 0 fires regularly, neuron 1 never
    >>> isi_cv(neuron, np.arange(0, 60, 10), 2)
    array([ 0., nan])
    """
    out = np.full(N, np.nan)
    for i in range(N):
        t = spike_step[spike_neuron == i]
        if t.size >= min_spikes:
            isi = np.diff(t).astype(float)
            out[i] = isi.std() / isi.mean()
    return out


def ei_balance(currents: dict, dt_record: float, *, tau: float = 0.01, burn_in: float = 0.1) -> dict:
    """E/I balance of the recorded input currents, per neuron and as medians.

    Both currents are low-pass filtered (time constant ``tau``) and the first
    ``burn_in`` seconds dropped; per neuron, ``corr(E, -I)`` and the index
    ``mean|E + I| / mean(|E| + |I|)`` (0: perfect cancellation) are computed
    (docs/dynamics.rst, 'E/I balance').

    Parameters
    ----------
    currents : dict
        ``"E"`` and ``"I"`` arrays (records, N), e.g. ``SpikingRun.currents``.
    dt_record : float
        Interval between records (``dt * record_every``).
    tau, burn_in : float
        Filter time constant and discarded start (s).

    Returns
    -------
    dict
        ``median_corr`` and ``median_index`` over active neurons, and the per-neuron ``corr`` and ``index``.

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal.dynamics.spiking import ei_balance
    >>> E = np.abs(np.random.default_rng(0).normal(size=(500, 3)))
    >>> res = ei_balance({"E": E, "I": -E}, 1e-3)      # inhibition cancels excitation exactly
    >>> round(res["median_corr"], 6), round(res["median_index"], 6)
    (1.0, 0.0)
    """
    from scipy.signal import lfilter

    E, I = np.asarray(currents["E"]), np.asarray(currents["I"])
    a = np.exp(-dt_record / tau)
    Ef = lfilter([1 - a], [1, -a], E, axis=0)
    If = lfilter([1 - a], [1, -a], I, axis=0)
    start = int(burn_in / dt_record)
    Ef, If = Ef[start:], If[start:]
    active = (Ef.std(axis=0) > 0) & (If.std(axis=0) > 0)
    corr = np.full(E.shape[1], np.nan)
    index = np.full(E.shape[1], np.nan)
    for i in np.flatnonzero(active):
        corr[i] = np.corrcoef(Ef[:, i], -If[:, i])[0, 1]
        index[i] = np.mean(np.abs(Ef[:, i] + If[:, i])) / np.mean(np.abs(Ef[:, i]) + np.abs(If[:, i]))
    return {
        "median_corr": float(np.nanmedian(corr)),
        "median_index": float(np.nanmedian(index)),
        "corr": corr,
        "index": index,
    }


def cotransform(ebn: EBN, h) -> EBN:
    """The full co-transform that leaves spike trains and the readout unchanged.

    With ``E = diag(e^h)``: fast -> E fast E^-1, slow -> E slow E^-1 (psi = r) or
    E slow (tanh basis, whose M -> M E^-1), F -> E F, D -> D E^-1, thresholds ->
    E T, spike sizes -> e^h. Noise must also be scaled per neuron by e^h. The
    plain synaptic-balancing transform of the weights alone changes the spikes,
    because a spiking neuron's threshold and spike size do not scale with its
    input (docs/dynamics.rst, 'Balancing a spiking network').

    Parameters
    ----------
    ebn : EBN
    h : array_like, shape (N,)
        Log-scale of every neuron.

    Returns
    -------
    EBN

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal.dynamics.spiking import cotransform, linear_slow_weights, make_ebn, run
    >>> from graphbal.dynamics.targets import damped_oscillator, ou_input
    >>> target = damped_oscillator()
    >>> net = make_ebn(10, 2)
    >>> net = net.with_slow(linear_slow_weights(net, target.A))
    >>> moved = cotransform(net, np.random.default_rng(0).normal(size=10))
    >>> c = ou_input(2000, 2, amplitude=30, seed=1)
    >>> a, b = run(net, target, c), run(moved, target, c)
    >>> a.spike_neuron.size > 0 and np.array_equal(a.spike_neuron, b.spike_neuron)
    True
    """
    h = np.asarray(h, dtype=np.float64)
    if h.shape != (ebn.N,):
        raise GraphbalError(f"h has shape {h.shape}, expected ({ebn.N},)")
    e = np.exp(h)
    size = np.ones(ebn.N) if ebn.spike_size is None else ebn.spike_size
    if ebn.M is None:
        slow, M = ebn.slow * e[:, None] / e[None, :], None
    else:
        slow, M = ebn.slow * e[:, None], ebn.M / e[None, :]
    return dataclasses.replace(
        ebn,
        D=ebn.D / e[None, :],
        F=ebn.F * e[:, None],
        thresholds=ebn.thresholds * e,
        fast=ebn.fast * e[:, None] / e[None, :],
        slow=slow,
        M=M,
        spike_size=size * e,
    )


def to_network(ebn: EBN, which: str = "slow") -> Network:
    """Export as a :class:`graphbal.Network`: W = slow (psi = r), fast, or their sum; U = F, V = D.

    Thresholds, spike sizes and the EBN constants travel in ``meta`` (the graph
    transform does not carry them).

    Parameters
    ----------
    ebn : EBN
    which : {"slow", "fast", "sum"}
        The recurrent weights to export; "slow" and "sum" need ``psi = r``.

    Returns
    -------
    Network

    Examples
    --------
    >>> from graphbal.dynamics.spiking import make_ebn, to_network
    >>> net = to_network(make_ebn(4, 2), "fast")
    >>> net.n, net.meta["ebn_which"]
    (4, 'fast')
    """
    if which not in ("slow", "fast", "sum"):
        raise GraphbalError(f"which must be 'slow', 'fast' or 'sum', got {which!r}")
    if which != "fast" and ebn.M is not None:
        raise GraphbalError("slow weights act on a tanh basis (N x N_b): export which='fast', or use psi = r")
    W = {"slow": ebn.slow, "fast": ebn.fast, "sum": ebn.slow + ebn.fast if ebn.M is None else None}[which]
    meta = {
        "ebn_which": which,
        "thresholds": ebn.thresholds.copy(),
        "spike_size": np.ones(ebn.N) if ebn.spike_size is None else ebn.spike_size.copy(),
        "lam": ebn.lam,
        "mu": ebn.mu,
        "nu": ebn.nu,
        "fast": ebn.fast.copy(),
        "slow": ebn.slow.copy(),
    }
    return Network(W, U=ebn.F, V=ebn.D, meta=meta)


def from_network(net: Network) -> EBN:
    """Rebuild the EBN exported by :func:`to_network` (round trip).

    Parameters
    ----------
    net : Network
        A network made by :func:`to_network` (possibly transformed).

    Returns
    -------
    EBN

    Examples
    --------
    >>> import numpy as np
    >>> from graphbal.dynamics.spiking import from_network, make_ebn, to_network
    >>> net = make_ebn(4, 2)
    >>> bool(np.array_equal(from_network(to_network(net)).fast, net.fast))
    True
    """
    m = net.meta
    if "ebn_which" not in m:
        raise GraphbalError("this network was not exported by to_network (no EBN metadata)")
    return EBN(
        D=np.array(net.V),
        F=np.array(net.U),
        thresholds=np.array(m["thresholds"]),
        fast=np.array(m["fast"]),
        slow=np.array(m["slow"]),
        spike_size=np.array(m["spike_size"]),
        lam=m["lam"],
        mu=m["mu"],
        nu=m["nu"],
    )
