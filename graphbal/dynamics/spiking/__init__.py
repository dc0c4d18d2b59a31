"""Efficient balanced spiking networks (spike coding networks) that learn dynamics.

After Boerlin, Machens & Denève (2013) and Alemi, Machens, Denève & Slotine
(2018); see docs/dynamics.rst, 'Spiking networks'.

- :mod:`.model`: the network (:class:`EBN`, :func:`make_ebn`, :func:`linear_slow_weights`);
- :mod:`.run`: the simulation (:func:`run`, :class:`SpikingRun`, :func:`relative_error`);
- :mod:`.analysis`: measures and graph export (:func:`oscillation`, :func:`isi_cv`,
  :func:`ei_balance`, :func:`cotransform`, :func:`to_network`, :func:`from_network`);
- :mod:`.learn`: learning and testing (:func:`eta_schedule`, :func:`learn`, :func:`autonomous`).

Note that ``graphbal.dynamics.spiking.run`` is the function :func:`run`; the
module is reachable as ``sys.modules["graphbal.dynamics.spiking.run"]``.
"""

from __future__ import annotations

from .analysis import cotransform, ei_balance, from_network, isi_cv, oscillation, to_network
from .learn import autonomous, eta_schedule, learn
from .model import EBN, linear_slow_weights, make_ebn
from .run import SpikingRun, relative_error, run

__all__ = [
    "EBN",
    "SpikingRun",
    "autonomous",
    "cotransform",
    "ei_balance",
    "eta_schedule",
    "from_network",
    "isi_cv",
    "learn",
    "linear_slow_weights",
    "make_ebn",
    "oscillation",
    "relative_error",
    "run",
    "to_network",
]
