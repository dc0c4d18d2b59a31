"""The ``graphbal analyze`` report: feasibility, balance, spectrum and a perturbation prediction, with figures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from tqdm import tqdm

from .balance import balance
from .costgraph import cost_graph
from .costs import node_costs, synaptic_cost
from .draw import class_summary, draw_network, plot_perturbation, plt, save_figure
from .edgelist import atomic_write_text
from .errors import GraphbalError
from .feasibility import feasibility
from .perturb import perturb
from .spectral import eigenmodes

__all__ = ["analyze", "prepare_output_dir"]

FILES = ("report.md", "report.json", "h_by_group.png", "h_by_group.svg", "costs_before_after.png",
         "costs_before_after.svg", "class_diagram.png", "class_diagram.svg", "perturbation.png", "perturbation.svg")


def prepare_output_dir(out: Path, force: bool) -> Path:
    """Create ``out``; refuse a non-empty existing folder unless ``force`` (which only overwrites our files)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise GraphbalError(f"{out} exists and is not a directory")
    if out.exists() and any(out.iterdir()) and not force:
        raise GraphbalError(f"output directory {out} exists and is not empty; pass --force to overwrite the report "
                            "files in it (nothing else is touched)")
    out.mkdir(parents=True, exist_ok=True)
    return out


def _groups(net) -> tuple[str, np.ndarray]:
    for key in ("role", "neuron_class"):
        if key in net.meta and len(net.meta[key]) == net.n:
            return key, np.asarray(net.meta[key])
    return "all", np.array(["all"] * net.n)


def analyze(net, out: Path, *, name: str = "network", p: float = 2, io_cost: bool = True, force: bool = False,
            progress: bool = True, k_modes: int = 10) -> dict:
    """Run the full analysis of ``net`` and write ``out/report.md``, ``out/report.json`` and figures.

    Returns the numbers written to ``report.json``.
    """
    out = prepare_output_dir(out, force)
    bar = tqdm(total=6, desc="graphbal analyze", disable=not progress, unit="step")
    nums: dict = {"name": name, "p": p, "io_cost": io_cost, "neurons": net.n, "synapses": net.n_edges,
                  "inputs": net.n_inputs, "outputs": net.n_outputs}
    bar.set_postfix_str("feasibility")
    rep = feasibility(net, p, io_cost=io_cost)
    sizes = [len(c) for c in rep.components]
    nums.update(finite=rep.finite, n_components=len(sizes), largest_component=max(sizes, default=0),
                n_transient=len(rep.transient_synapses))
    bar.update()
    bar.set_postfix_str("balance")
    res = balance(net, p, io_cost=io_cost, on_infeasible="limit")
    nums.update(cost_before=res.cost_before, cost_after=res.cost_after, relnode=res.relnode, limit=res.limit,
                converged=res.converged)
    key, groups = _groups(net)
    h_stats = {}
    for g in sorted(set(groups)):
        hv = res.h[groups == g]
        h_stats[g] = {"n": int(hv.size), "median": float(np.median(hv)), "q10": float(np.quantile(hv, 0.1)),
                      "q90": float(np.quantile(hv, 0.9))}
    nums["h_by_" + key] = h_stats
    bar.update()
    bar.set_postfix_str("figures")
    _fig_h(res.h, groups, key, out / "h_by_group.png")
    _fig_costs(net, res, p, out / "costs_before_after.png")
    bar.update()
    bar.set_postfix_str("spectrum")
    ncomp = cost_graph(res.network, p, io_cost=io_cost).components()[0]
    modes = eigenmodes(res.network, k=min(ncomp + k_modes, net.n), p=p, io_cost=io_cost)
    nonzero = modes.eigenvalues > 1e-10 * max(1.0, modes.eigenvalues.max())
    zero = int((~nonzero).sum())
    nums.update(eigenvalues=modes.eigenvalues[nonzero][:k_modes].tolist(),
                timescales=modes.timescales[nonzero][:k_modes].tolist(), zero_modes=zero,
                spectral_gap=modes.spectral_gap)
    bar.update()
    bar.set_postfix_str("perturbation")
    syn, pred = _perturbation(res, p, io_cost)
    if pred is not None:
        plot_perturbation(pred, out / "perturbation.png", top=12, svg=True)
        nums["perturbation"] = {"synapse": [str(x) for x in syn], "factor": 2.0,
                                "top": [{k: (v if isinstance(v, (int, float, str)) else str(v)) for k, v in r.items()}
                                        for r in pred.table(top=10)]}
    bar.update()
    bar.set_postfix_str("diagram")
    _fig_classes(res, out / "class_diagram.png")
    bar.update()
    bar.close()
    atomic_write_text(out / "report.json", json.dumps(nums, indent=1, default=float) + "\n")
    atomic_write_text(out / "report.md", _markdown(nums, rep, res, modes, pred, key))
    return nums


def _perturbation(res, p, io_cost):
    """Perturb the strongest synapse that lies on a cycle (largest |weight| among the balanced network's)."""
    import scipy.sparse as sp

    W = sp.coo_array(res.network.W)
    off = (W.row != W.col) & (W.data != 0)
    if not off.any():
        return None, None
    k = np.argmax(np.abs(W.data) * off)
    labels = res.network.labels
    syn = (labels[W.col[k]], labels[W.row[k]])
    inc, out = node_costs(res.network, p, io_cost=io_cost)
    rate = p * (inc[W.row[k]] + out[W.row[k]])  # relaxation rate at the postsynaptic neuron (1/tau)
    times = np.concatenate([[0.0], np.geomspace(1e-3, 1e3, 90) / rate])
    pred = perturb(res.network, syn, 2.0, p=p, io_cost=io_cost, method="exact", times=times)
    return syn, pred


def _fig_h(h, groups, key, path):
    names = sorted(set(groups))
    fig, ax = plt.subplots(figsize=(max(5, 1.2 * len(names)), 4))
    data = [h[groups == g] for g in names]
    ax.boxplot(data, showfliers=True)
    ax.set_xticks(np.arange(1, len(names) + 1), [f"{g}\n(n={len(d)})" for g, d in zip(names, data)])
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_ylabel("balancing potential h (log rescaling)")
    ax.set_xlabel(key)
    ax.set_title("h > 0: inputs scaled up, outputs scaled down by balancing", fontsize=9)
    save_figure(fig, path, svg=True)


def _fig_costs(net, res, p, path):
    before = synaptic_cost(net, p).W
    after = synaptic_cost(res.network, p).W
    import scipy.sparse as sp

    B, A = sp.coo_array(before), sp.csr_array(after)
    off = B.row != B.col
    b = B.data[off]
    a = np.asarray(A[B.row[off], B.col[off]]).ravel()
    fig, ax = plt.subplots(figsize=(5, 5))
    kept = a > 0
    ax.loglog(b[kept], a[kept], ".", ms=3, alpha=0.5, label="on a cycle (balanced)")
    if (~kept).any():
        ax.loglog(b[~kept], np.full((~kept).sum(), a[kept].min() / 10 if kept.any() else 1e-3), "x", ms=3,
                  color="tab:red", label="on no cycle (limit: cost -> 0)")
    lims = [min(b.min(), a[kept].min() if kept.any() else b.min()), max(b.max(), a.max())]
    ax.plot(lims, lims, "k--", lw=0.7, label="unchanged")
    ax.set_xlabel(f"synaptic cost before, |w|^{p:g}")
    ax.set_ylabel("synaptic cost after balancing")
    ax.set_title(f"total cost {res.cost_before:.4g} -> {res.cost_after:.4g}", fontsize=9)
    ax.legend(fontsize=7)
    save_figure(fig, path, svg=True)


def _fig_classes(res, path):
    net = res.network
    key = "neuron_class" if "neuron_class" in net.meta else None
    if key is None or net.n <= 40:
        fig, ax = plt.subplots(figsize=(7, 7))
        draw_network(net, ax=ax, h=res.h, p=res.p, title="balanced network (node colour = h)")
        save_figure(fig, path, svg=True)
        return
    summary = class_summary(net, by="role") if "role" in net.meta else class_summary(net, by=key)
    hs = []
    roles = np.asarray(net.meta.get("role", net.meta[key]))
    for g in summary.names:
        hs.append(float(np.mean(res.h[roles == g])))
    fig, ax = plt.subplots(figsize=(6, 6))
    draw_network(summary, ax=ax, h=hs, p=1.0, prog="circo", labels=True,
                 title="balanced network aggregated by role\n(line width ~ log summed synapse weight)")
    save_figure(fig, path, svg=True)


def _markdown(nums, rep, res, modes, pred, key) -> str:
    L = [f"# graphbal analysis: {nums['name']}", "",
         f"Cost exponent p = {nums['p']:g}; io synapses costed: {nums['io_cost']}.", "", "## Graph", "",
         "| quantity | value |", "| --- | --- |", f"| neurons (hidden) | {nums['neurons']} |",
         f"| synapses | {nums['synapses']} |", f"| input channels | {nums['inputs']} |",
         f"| output channels | {nums['outputs']} |", "", "## Feasibility (cycle condition, S9)", ""]
    if rep.finite:
        L.append("Every synapse lies on a directed cycle: a finite balanced state exists.")
    else:
        L += [f"**No finite balanced state exists**: {nums['n_transient']} synapse(s) lie on no directed cycle "
              f"(the graph has {nums['n_components']} strongly connected components; the largest has "
              f"{nums['largest_component']} nodes).", "",
              "Balancing drives the cost of each such synapse to zero (its two ends drift apart in h without "
              "bound) and balances each strongly connected component on its own. The numbers below are that "
              "**limit**; the limiting network is not task-preserving.", "", "First transient synapses:", ""]
        for pair in rep.transient_synapses[:8]:
            L.append(f"- `{pair[0]} -> {pair[1]}`: {rep.reasons[pair]}")
    L += ["", "## Balancing", "", f"- total cost before: {nums['cost_before']:.6g}",
          f"- total cost after: {nums['cost_after']:.6g} "
          f"({100 * (1 - nums['cost_after'] / nums['cost_before']):.2f}% lower)",
          f"- remaining relative imbalance (relnode): {nums['relnode']:.2e}", "",
          f"Potential h per {key} (h > 0: the neuron's inputs were scaled up and outputs down; cells whose "
          "synapses all lie on no cycle keep h = 0, the gauge):", "",
          f"| {key} | n | median h | 10% | 90% |", "| --- | --- | --- | --- | --- |"]
    for g, s in nums["h_by_" + key].items():
        L.append(f"| {g} | {s['n']} | {s['median']:.3f} | {s['q10']:.3f} | {s['q90']:.3f} |")
    L += ["", "![h by group](h_by_group.png)", "", "![costs](costs_before_after.png)", "",
          "## Spectrum of the balanced network (S11)", "",
          f"The Laplacian has {nums['zero_modes']} zero eigenvalues (one per ground-free connected component of the "
          "balanced graph: pure gauge directions, including cells left without any costed synapse). The slowest "
          "relaxation modes after them:", "",
          "| mode | eigenvalue | timescale (tau) |", "| --- | --- | --- |"]
    for k, (lam, ts) in enumerate(zip(nums["eigenvalues"], nums["timescales"]), start=1):
        L.append(f"| {k} | {lam:.6g} | {ts:.6g} |")
    if pred is not None:
        s = nums["perturbation"]["synapse"]
        L += ["", "## Perturbation prediction (S12)", "",
              f"Doubling the strongest synapse `{s[0]} -> {s[1]}` of the balanced network and re-balancing; largest "
              "predicted changes of log cost (potentiate = strengthen). Half-time: when the balancing flow has "
              "done half of the change; confidence: agreement of the linear response with the exact re-balance "
              "(high: within 10%).", "",
              "| synapse | prediction | weight x | half-time (tau) | distance | confidence |",
              "| --- | --- | --- | --- | --- | --- |"]
        for r in pred.table(top=10):
            L.append(f"| {r['pre']} -> {r['post']} | {r['prediction']} | {r['weight_fold_change']:.4g} | "
                     f"{r['half_time_tau']:.3g} | {r['distance']} | {r['confidence']} |")
        L += ["", "![perturbation](perturbation.png)"]
    L += ["", "## Diagram", "", "![diagram](class_diagram.png)", ""]
    return "\n".join(L)
