"""Learn Van der Pol dynamics in an efficient balanced spiking network with the local rule (Alemi et al. 2018).

N = 50 neurons, N_b = 300 tanh basis functions on the readout, k = 50 /s, OU
command input (amplitude 3, 50 ms), trials of 10 s; eta = 1, decayed over
the last trials (hold k, decay eta; docs/dynamics.rst, 'Learning'). Then an autonomous test: lock on
for 1 s with the error feedback, then k = c = 0. Writes the teacher vs
network trajectories, a raster, and a JSON of amplitude, period and rates
(intact and with 25% / 50% of the neurons silenced).

    python examples/ebn_learn_vanderpol.py --out out/ [--trials 14]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from graphbal.draw import save_figure  # noqa: E402
from graphbal.dynamics.spiking import autonomous, learn, make_ebn, oscillation, run  # noqa: E402
from graphbal.dynamics.targets import van_der_pol  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="out")
    parser.add_argument("--trials", type=int, default=14)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tg = van_der_pol()
    t0 = time.perf_counter()
    net, errors = learn(make_ebn(50, 2, n_basis=300, seed=args.seed), tg, trials=args.trials, seed=args.seed)
    seconds = time.perf_counter() - t0
    teacher = run(net, tg, np.zeros((100_000, 2)), k=0, teacher=True)
    dt_rec = teacher.dt * teacher.record_every
    numbers = {"training_seconds": seconds, "trials": args.trials, "training_errors": errors}
    numbers["teacher"] = dict(zip(("amplitude", "period"), oscillation(teacher.x[2000:, 0], dt_rec)))
    rng = np.random.default_rng(7)
    runs = {}
    for frac in (0.0, 0.25, 0.5):
        dead = rng.choice(net.N, int(frac * net.N), replace=False) if frac else None
        a = autonomous(net, tg, dead=dead, seed=11)
        amp, per = oscillation(a.xhat[2000:, 0], dt_rec)
        numbers[f"removed_{frac:g}"] = {"amplitude": amp, "period": per, "mean_rate_hz": float(a.rates.mean())}
        runs[frac] = a
    fig, ax = plt.subplots(1, 3, figsize=(16, 4.5), gridspec_kw={"width_ratios": [2, 1, 2]})
    t = np.arange(runs[0.0].xhat.shape[0]) * dt_rec
    ax[0].plot(np.arange(teacher.x.shape[0]) * dt_rec, teacher.x[:, 0], "k", lw=2, label="teacher y1")
    for frac, c in zip((0.0, 0.25, 0.5), ("tab:blue", "tab:orange", "tab:green")):
        ax[0].plot(t, runs[frac].xhat[:, 0], color=c, lw=1, label=f"network, {int(100 * frac)}% removed")
    ax[0].set_xlim(0, 5)
    ax[0].set_xlabel("time (s)")
    ax[0].set_ylabel("y1")
    ax[0].set_title("autonomous network (k = c = 0) vs teacher")
    ax[0].legend(fontsize=8)
    ax[1].plot(teacher.x[:, 0], teacher.x[:, 1], "k", lw=2, label="teacher")
    ax[1].plot(runs[0.0].xhat[:, 0], runs[0.0].xhat[:, 1], "tab:blue", lw=0.8, label="network")
    ax[1].set_xlabel("y1")
    ax[1].set_ylabel("y2")
    ax[1].set_title("phase plane")
    ax[1].legend(fontsize=8)
    a = runs[0.0]
    keep = a.spike_step * a.dt < 3.0
    ax[2].plot(a.spike_step[keep] * a.dt, a.spike_neuron[keep], "|", ms=4, color="k")
    ax[2].set_xlabel("time (s)")
    ax[2].set_ylabel("neuron")
    ax[2].set_title(f"raster (intact, mean rate {a.rates.mean():.2g} Hz)")
    fig.tight_layout()
    files = save_figure(fig, out / "ebn_learn_vanderpol.png", svg=True)
    (out / "ebn_vanderpol_numbers.json").write_text(json.dumps(numbers, indent=1) + "\n")
    print(json.dumps(numbers))
    print(f"wrote {', '.join(map(str, files))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
