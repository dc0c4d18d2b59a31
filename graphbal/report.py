"""The ``graphbal analyze`` report: feasibility, balance, spectrum and a perturbation prediction (docs/tutorial.rst).

:func:`analyze` is the pipeline; the figures are drawn by :mod:`graphbal.viz.report_figures`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from tqdm import tqdm

from .balance import balance
from .costs import node_costs
from .feasibility import feasibility
from .io.files import atomic_write_text, prepare_output_dir
from .perturb import perturb
from .spectral import eigenmodes, zero_cutoff, zero_mode_count
from .viz import plot_perturbation
from .viz.report_figures import class_diagram, costs_before_after, h_by_group

__all__ = ["analyze", "prepare_output_dir", "FILES"]

FILES = (
    "report.md",
    "report.json",
    "h_by_group.png",
    "h_by_group.svg",
    "costs_before_after.png",
    "costs_before_after.svg",
    "class_diagram.png",
    "class_diagram.svg",
    "perturbation.png",
    "perturbation.svg",
)
PERTURBATION_FACTOR = 2.0  # the report doubles the strongest synapse


def _groups(net) -> tuple[str, np.ndarray]:
    for key in ("role", "neuron_class"):
        if key in net.meta and len(net.meta[key]) == net.n:
            return key, np.asarray(net.meta[key])
    return "all", np.array(["all"] * net.n)


def analyze(
    net,
    out: Path,
    *,
    name: str = "network",
    p: float = 2,
    io_cost: bool = True,
    force: bool = False,
    progress: bool = True,
    k_modes: int = 10,
) -> dict:
    """Run the full analysis of ``net`` and write ``out/report.md``, ``out/report.json`` and figures.

    Returns the numbers written to ``report.json``.

    Examples
    --------
    >>> import os, tempfile, numpy as np, graphbal
    >>> from graphbal.report import analyze
    >>> W = np.roll(np.eye(5), 1, axis=0) * np.arange(1.0, 6.0) + np.roll(np.eye(5), -1, axis=0)
    >>> nums = analyze(graphbal.Network(W), os.path.join(tempfile.mkdtemp(), "r"), progress=False)
    >>> nums["finite"], nums["cost_after"] < nums["cost_before"]
    (True, True)
    """
    out = prepare_output_dir(out, force)
    bar = tqdm(total=5, desc="graphbal analyze", disable=not progress, unit="step")
    nums: dict = {"name": name, "p": p, "io_cost": io_cost, "neurons": net.n, "synapses": net.n_edges,
                  "inputs": net.n_inputs, "outputs": net.n_outputs}  # fmt: skip

    def step(label, fn):
        bar.set_postfix_str(label)
        value = fn()
        bar.update()
        return value

    rep = step("feasibility", lambda: _feasibility_numbers(net, p, io_cost, nums))
    res = step("balance", lambda: _balance_numbers(net, p, io_cost, nums, out))
    step("spectrum", lambda: _spectrum_numbers(res, p, io_cost, k_modes, nums))
    pred = step("perturbation", lambda: _perturbation_numbers(res, p, io_cost, nums, out))
    step("diagram", lambda: class_diagram(res, out / "class_diagram.png"))
    bar.close()
    atomic_write_text(out / "report.json", json.dumps(nums, indent=1, default=float) + "\n")
    atomic_write_text(out / "report.md", _markdown(nums, rep, pred, _groups(net)[0]))
    return nums


def _feasibility_numbers(net, p, io_cost, nums):
    rep = feasibility(net, p, io_cost=io_cost)
    sizes = [len(c) for c in rep.components]
    nums.update(finite=rep.finite, n_components=len(sizes), largest_component=max(sizes, default=0),
                n_transient=len(rep.transient_synapses))  # fmt: skip
    return rep


def _balance_numbers(net, p, io_cost, nums, out):
    res = balance(net, p, io_cost=io_cost, on_infeasible="limit")
    nums.update(cost_before=res.cost_before, cost_after=res.cost_after, relnode=res.relnode, limit=res.limit,
                converged=res.converged)  # fmt: skip
    key, groups = _groups(net)
    nums["h_by_" + key] = {
        g: {"n": int(hv.size), "median": float(np.median(hv)), "q10": float(np.quantile(hv, 0.1)),
            "q90": float(np.quantile(hv, 0.9))}
        for g in sorted(set(groups)) for hv in [res.h[groups == g]]
    }  # fmt: skip
    h_by_group(res.h, groups, key, out / "h_by_group.png")
    costs_before_after(net, res, p, out / "costs_before_after.png")
    return res


def _spectrum_numbers(res, p, io_cost, k_modes, nums):
    zero = zero_mode_count(res.network, p, io_cost=io_cost)
    modes = eigenmodes(res.network, k=min(zero + k_modes, res.network.n), p=p, io_cost=io_cost)
    nonzero = modes.eigenvalues > zero_cutoff(modes.eigenvalues)
    nums.update(eigenvalues=modes.eigenvalues[nonzero][:k_modes].tolist(),
                timescales=modes.timescales[nonzero][:k_modes].tolist(), zero_modes=int((~nonzero).sum()),
                spectral_gap=modes.spectral_gap)  # fmt: skip
    return modes


def _perturbation_numbers(res, p, io_cost, nums, out):
    syn, pred = _perturbation(res, p, io_cost)
    if pred is None:
        return None
    plot_perturbation(pred, out / "perturbation.png", top=12, svg=True)
    top = [{k: (v if isinstance(v, (int, float, str)) else str(v)) for k, v in r.items()} for r in pred.table(top=10)]
    nums["perturbation"] = {"synapse": [str(x) for x in syn], "factor": PERTURBATION_FACTOR, "top": top}
    return pred


def _perturbation(res, p, io_cost):
    """Perturb the strongest synapse that lies on a cycle (largest |weight| among the balanced network's)."""
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
    pred = perturb(res.network, syn, PERTURBATION_FACTOR, p=p, io_cost=io_cost, method="exact", times=times)
    return syn, pred


def _markdown(nums, rep, pred, key) -> str:
    parts = [_md_graph(nums), _md_feasibility(nums, rep), _md_balance(nums, key), _md_spectrum(nums)]
    if pred is not None:
        parts.append(_md_perturbation(nums, pred))
    parts.append(["", "## Diagram", "", "![diagram](class_diagram.png)", ""])
    return "\n".join(line for part in parts for line in part)


def _md_graph(nums) -> list[str]:
    return [
        f"# graphbal analysis: {nums['name']}",
        "",
        f"Cost exponent p = {nums['p']:g}; io synapses costed: {nums['io_cost']}.",
        "",
        "## Graph",
        "",
        "| quantity | value |",
        "| --- | --- |",
        f"| neurons (hidden) | {nums['neurons']} |",
        f"| synapses | {nums['synapses']} |",
        f"| input channels | {nums['inputs']} |",
        f"| output channels | {nums['outputs']} |",
        "",
    ]


def _md_feasibility(nums, rep) -> list[str]:
    L = ["## Feasibility (the cycle condition; see docs/theory.rst, 'Feasibility')", ""]
    if rep.finite:
        return L + ["Every synapse lies on a directed cycle: a finite balanced state exists."]
    L += [
        f"**No finite balanced state exists**: {nums['n_transient']} synapse(s) lie on no directed cycle "
        f"(the graph has {nums['n_components']} strongly connected components; the largest has "
        f"{nums['largest_component']} nodes).",
        "",
        "Balancing drives the cost of each such synapse to zero (its two ends drift apart in h without "
        "bound) and balances each strongly connected component on its own. The numbers below are that "
        "**limit**; the limiting network is not task-preserving.",
        "",
        "First transient synapses:",
        "",
    ]
    return L + [f"- `{pair[0]} -> {pair[1]}`: {rep.reasons[pair]}" for pair in rep.transient_synapses[:8]]


def _md_balance(nums, key) -> list[str]:
    L = [
        "",
        "## Balancing",
        "",
        f"- total cost before: {nums['cost_before']:.6g}",
        f"- total cost after: {nums['cost_after']:.6g} "
        f"({100 * (1 - nums['cost_after'] / nums['cost_before']):.2f}% lower)",
        f"- remaining relative imbalance (relnode): {nums['relnode']:.2e}",
        "",
        f"Potential h per {key} (h > 0: the neuron's inputs were scaled up and outputs down; cells whose "
        "synapses all lie on no cycle keep h = 0, the gauge):",
        "",
        f"| {key} | n | median h | 10% | 90% |",
        "| --- | --- | --- | --- | --- |",
    ]
    for g, s in nums["h_by_" + key].items():
        L.append(f"| {g} | {s['n']} | {s['median']:.3f} | {s['q10']:.3f} | {s['q90']:.3f} |")
    return L + ["", "![h by group](h_by_group.png)", "", "![costs](costs_before_after.png)", ""]


def _md_spectrum(nums) -> list[str]:
    L = [
        "## Spectrum of the balanced network (docs/theory.rst, 'The Laplacian')",
        "",
        f"The Laplacian has {nums['zero_modes']} zero eigenvalues (one per ground-free connected component of the "
        "balanced graph: pure gauge directions, including cells left without any costed synapse). The slowest "
        "relaxation modes after them:",
        "",
        "| mode | eigenvalue | timescale (tau) |",
        "| --- | --- | --- |",
    ]
    for k, (lam, ts) in enumerate(zip(nums["eigenvalues"], nums["timescales"]), start=1):
        L.append(f"| {k} | {lam:.6g} | {ts:.6g} |")
    return L


def _md_perturbation(nums, pred) -> list[str]:
    s = nums["perturbation"]["synapse"]
    L = [
        "",
        "## Perturbation prediction (docs/theory.rst, 'Perturbation analysis')",
        "",
        f"Doubling the strongest synapse `{s[0]} -> {s[1]}` of the balanced network and re-balancing; largest "
        "predicted changes of log cost (potentiate = strengthen). Half-time: when the balancing flow has "
        "done half of the change; confidence: agreement of the linear response with the exact re-balance "
        "(high: within 10%).",
        "",
        "| synapse | prediction | weight x | half-time (tau) | distance | confidence |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in pred.table(top=10):
        L.append(
            f"| {r['pre']} -> {r['post']} | {r['prediction']} | {r['weight_fold_change']:.4g} | "
            f"{r['half_time_tau']:.3g} | {r['distance']} | {r['confidence']} |"
        )
    return L + ["", "![perturbation](perturbation.png)"]
