"""Measures and graph export for spiking networks: oscillation, ISI CV, E/I balance, co-transform (E15, E16)."""

from __future__ import annotations

import dataclasses

import numpy as np

from ..errors import GraphbalError
from ..network import Network
from .spiking import EBN

__all__ = ["oscillation", "isi_cv", "ei_balance", "cotransform", "to_network", "from_network"]


def oscillation(signal: np.ndarray, dt: float) -> tuple[float, float]:
    """(amplitude, period) of a 1-D oscillation: median peak |value| and mean interval of upward zero crossings."""
    sig = np.asarray(signal, dtype=np.float64)
    up = np.flatnonzero((sig[:-1] < 0) & (sig[1:] >= 0))
    if up.size < 2:
        return float(np.max(np.abs(sig))), float("nan")
    peaks = [np.max(np.abs(sig[a:b])) for a, b in zip(up[:-1], up[1:])]
    return float(np.median(peaks)), float(np.mean(np.diff(up)) * dt)


def isi_cv(spike_neuron: np.ndarray, spike_step: np.ndarray, N: int, *, min_spikes: int = 5) -> np.ndarray:
    """Coefficient of variation of the inter-spike intervals per neuron (NaN with fewer than ``min_spikes``)."""
    out = np.full(N, np.nan)
    for i in range(N):
        t = spike_step[spike_neuron == i]
        if t.size >= min_spikes:
            isi = np.diff(t).astype(float)
            out[i] = isi.std() / isi.mean()
    return out


def ei_balance(currents: dict, dt_record: float, *, tau: float = 0.01, burn_in: float = 0.1) -> dict:
    """E/I balance (E15): per neuron, corr(E, -I) and mean|E + I| / mean(|E| + |I|) after low-pass filtering.

    Returns medians over active neurons and the per-neuron values.
    """
    E, I = np.asarray(currents["E"]), np.asarray(currents["I"])
    a = np.exp(-dt_record / tau)
    from scipy.signal import lfilter

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
    return {"median_corr": float(np.nanmedian(corr)), "median_index": float(np.nanmedian(index)), "corr": corr,
            "index": index}


def cotransform(ebn: EBN, h) -> EBN:
    """The full co-transform of E16 that leaves spike trains and the readout unchanged.

    With ``E = diag(e^h)``: fast -> E fast E^-1, slow -> E slow E^-1 (psi = r) or
    E slow (tanh basis, whose M -> M E^-1), F -> E F, D -> D E^-1, thresholds ->
    E T, spike sizes -> e^h. Noise must also be scaled per neuron by e^h.
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
    return dataclasses.replace(ebn, D=ebn.D / e[None, :], F=ebn.F * e[:, None], thresholds=ebn.thresholds * e,
                               fast=ebn.fast * e[:, None] / e[None, :], slow=slow, M=M, spike_size=size * e)


def to_network(ebn: EBN, which: str = "slow") -> Network:
    """Export as a :class:`graphbal.Network` (E15): W = slow (psi = r), fast, or their sum; U = F, V = D.

    Thresholds, spike sizes and the EBN constants travel in ``meta`` (the graph
    transform does not carry them).
    """
    if which not in ("slow", "fast", "sum"):
        raise GraphbalError(f"which must be 'slow', 'fast' or 'sum', got {which!r}")
    if which != "fast" and ebn.M is not None:
        raise GraphbalError("slow weights act on a tanh basis (N x N_b): export which='fast', or use psi = r")
    W = {"slow": ebn.slow, "fast": ebn.fast, "sum": ebn.slow + ebn.fast if ebn.M is None else None}[which]
    meta = {"ebn_which": which, "thresholds": ebn.thresholds.copy(),
            "spike_size": np.ones(ebn.N) if ebn.spike_size is None else ebn.spike_size.copy(), "lam": ebn.lam,
            "mu": ebn.mu, "nu": ebn.nu, "fast": ebn.fast.copy(), "slow": ebn.slow.copy()}
    return Network(W, U=ebn.F, V=ebn.D, meta=meta)


def from_network(net: Network) -> EBN:
    """Rebuild the EBN exported by :func:`to_network` (round trip)."""
    m = net.meta
    if "ebn_which" not in m:
        raise GraphbalError("this network was not exported by to_network (no EBN metadata)")
    return EBN(D=np.array(net.V), F=np.array(net.U), thresholds=np.array(m["thresholds"]), fast=np.array(m["fast"]),
               slow=np.array(m["slow"]), spike_size=np.array(m["spike_size"]), lam=m["lam"], mu=m["mu"], nu=m["nu"])
