"""Robustness of an efficient balanced spiking network: neuron loss and voltage noise.

The analytic linear network (damped oscillator, N = 40, closed-form slow
weights, OU input of amplitude 30) is run with a growing fraction of neurons
silenced and with growing voltage noise; we report the readout error, mean
firing rate, ISI CV and E/I balance (median corr(E, -I), tau = 10 ms).
Writes PNG/SVG and a JSON of the numbers.

    python examples/ebn_robustness.py --out out/
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from graphbal.draw import save_figure  # noqa: E402
from graphbal.dynamics.spiking import (  # noqa: E402
    ei_balance,
    isi_cv,
    linear_slow_weights,
    make_ebn,
    relative_error,
    run,
)
from graphbal.dynamics.targets import damped_oscillator, ou_input  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="out")
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tg = damped_oscillator()
    net = make_ebn(40, 2, seed=0)
    net = net.with_slow(linear_slow_weights(net, tg.A))
    c = ou_input(int(args.seconds / 1e-4), 2, amplitude=30, seed=1)
    rng = np.random.default_rng(5)
    order = rng.permutation(net.N)
    rows = {"removed": [], "noise": []}
    for frac in (0.0, 0.25, 0.5, 0.75, 0.9):
        res = run(net, tg, c, dead=order[: int(frac * net.N)], record_currents=True)
        ei = ei_balance(res.currents, res.dt * res.record_every)
        rows["removed"].append(
            {
                "fraction": frac,
                "error": relative_error(res.x, res.xhat),
                "rate_hz": float(res.rates.mean()),
                "ei_corr": ei["median_corr"],
            }
        )
    for sigma in (0.0, 0.0005, 0.001, 0.002, 0.004):
        res = run(net, tg, c, sigma_V=sigma, seed=3)
        cv = isi_cv(res.spike_neuron, res.spike_step, net.N)
        rows["noise"].append(
            {
                "sigma_V": sigma,
                "noise_std_over_T": sigma / np.sqrt(2 * net.lam) / net.thresholds[0],
                "error": relative_error(res.x, res.xhat),
                "rate_hz": float(res.rates.mean()),
                "median_isi_cv": float(np.nanmedian(cv)),
            }
        )
    fig, ax = plt.subplots(1, 2, figsize=(11, 4))
    rem = rows["removed"]
    ax[0].semilogy([r["fraction"] for r in rem], [r["error"] for r in rem], "o-", label="readout error")
    ax[0].set_xlabel("fraction of neurons removed")
    ax[0].set_ylabel("relative readout error")
    ax2 = ax[0].twinx()
    ax2.plot([r["fraction"] for r in rem], [r["rate_hz"] for r in rem], "s--", color="tab:orange")
    ax2.set_ylabel("mean rate of all neurons (Hz)", color="tab:orange")
    ax[0].set_title("neuron loss")
    noi = rows["noise"]
    ax[1].semilogy([r["noise_std_over_T"] for r in noi], [r["error"] for r in noi], "o-")
    ax[1].set_xlabel("stationary voltage-noise std / threshold")
    ax[1].set_ylabel("relative readout error")
    ax[1].set_title("voltage noise")
    fig.tight_layout()
    files = save_figure(fig, out / "ebn_robustness.png", svg=True)
    (out / "ebn_robustness.json").write_text(json.dumps(rows, indent=1) + "\n")
    print(json.dumps(rows))
    print(f"wrote {', '.join(map(str, files))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
