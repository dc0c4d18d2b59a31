"""The prediction of a perturbation: changes of log synaptic cost, and the table experimentalists read.

See docs/theory.rst, 'Perturbation analysis'. Every change is of the log
synaptic cost ``log c = log alpha + p log|w|`` against the balanced state
before the perturbation; the weight changes by the factor ``exp(change / p)``.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..feasibility import GROUND

__all__ = ["PerturbationResult", "CONFIDENCE_HIGH", "CONFIDENCE_MEDIUM", "SIGN_TOL"]

SIGN_TOL = 1e-12  # changes of log cost within this of zero count as "unchanged"
CONFIDENCE_HIGH = 0.1  # linear within 10 % of the exact change: "high"
CONFIDENCE_MEDIUM = 0.5  # linear within 50 %: "medium"; otherwise "low"

_PREDICTION = {"strengthen": "potentiate", "weaken": "depress"}


def _confidence(lin: float, ex: float) -> str:
    """Agreement of the linear response with the exact re-balance."""
    if not np.isfinite(ex):
        return "linear only"
    err = abs(lin - ex)
    if err <= CONFIDENCE_HIGH * abs(ex) + SIGN_TOL:
        return "high"
    return "medium" if err <= CONFIDENCE_MEDIUM * abs(ex) else "low"


def _kind(syn) -> str:
    return "input" if syn[0] == GROUND else "output" if syn[1] == GROUND else "recurrent"


@dataclasses.dataclass(frozen=True, eq=False)
class PerturbationResult:
    """Predicted changes after re-balancing. All changes are of log synaptic cost.

    Attributes
    ----------
    perturbed : list of ((pre, post), factor)
    method : "exact" or "linear"
    p : float
    log_change : dict (pre, post) -> float
        Change of log cost of every synapse after re-balancing, against the
        balanced state before the perturbation, the perturbed synapse's own
        change included. io synapses use ``"io"`` for the ground.
    linear_log_change, exact_log_change : dict or None
        Both predictions (exact is None for ``method="linear"``).
    delta_h : dict neuron -> float
        Change of each neuron's potential.
    distance : dict (pre, post) -> int
        Undirected hop distance from the perturbed synapse(s): the smallest
        number of synapses between an endpoint of the synapse and an endpoint
        of a perturbed one (0 for synapses sharing a neuron with it; the
        ground ``io`` is not a neuron and joins nothing; -1 when no path
        joins them).
    half_time : dict (pre, post) -> float
        Time (units of tau) at which the flow reaches half of the final
        change (NaN when no time course was computed or the change is ~0).
    times, flow_delta_h, mode_delta_h : ndarray or None
        Time course of dh from the flow and from the eigenmode (quadratic)
        approximation (Stock et al. 2022, Eq. 39, with the Laplacian and the
        gradient right after the perturbation).
    balanced_first : bool
        True when the input was not balanced and was balanced first.

    Examples
    --------
    >>> import numpy as np, graphbal
    >>> res = graphbal.perturb(graphbal.Network(np.array([[0.0, 1.0], [1.0, 0.0]])), (0, 1), factor=2.0)
    >>> res
    PerturbationResult(method='exact', synapses=2)
    >>> round(float(res.log_change[(1, 0)] / np.log(4)), 6)  # the pair ends at equal costs: half of ln f^p each
    0.5
    """

    perturbed: list
    method: str
    p: float
    log_change: dict
    linear_log_change: dict
    exact_log_change: dict | None
    delta_h: dict
    distance: dict
    half_time: dict
    times: np.ndarray | None = None
    flow_delta_h: np.ndarray | None = None
    mode_delta_h: np.ndarray | None = None
    balanced_first: bool = False

    def sign(self, synapse) -> str:
        """ "strengthen", "weaken" or "unchanged" for one synapse.

        Examples
        --------
        >>> import numpy as np, graphbal
        >>> res = graphbal.perturb(graphbal.Network(np.array([[0.0, 1.0], [1.0, 0.0]])), (0, 1), factor=2.0)
        >>> res.sign((1, 0)), res.sign((0, 1))
        ('strengthen', 'strengthen')
        """
        d = self.log_change[synapse]
        return "strengthen" if d > SIGN_TOL else "weaken" if d < -SIGN_TOL else "unchanged"

    def _row(self, syn, d: float) -> dict:
        lin = self.linear_log_change.get(syn, np.nan)
        ex = np.nan if self.exact_log_change is None else self.exact_log_change.get(syn, np.nan)
        return {
            "pre": syn[0],
            "post": syn[1],
            "kind": _kind(syn),
            "prediction": _PREDICTION.get(self.sign(syn), "none"),
            "log_cost_change": d,
            "weight_fold_change": float(np.exp(d / self.p)),
            "half_time_tau": self.half_time.get(syn, np.nan),
            "distance": self.distance.get(syn, -1),
            "linear": lin,
            "exact": ex,
            "confidence": _confidence(lin, ex),
        }

    def table(self, *, top: int | None = None) -> list[dict]:
        """Plain-language prediction rows, largest absolute change first.

        Columns: ``pre``, ``post``, ``kind`` (recurrent, input or output),
        ``prediction`` (potentiate: the weight grows; depress: it shrinks;
        none), ``log_cost_change``, ``weight_fold_change`` (``exp(change /
        p)``), ``half_time_tau``, ``distance``, ``linear`` and ``exact`` (both
        predictions of the log-cost change) and ``confidence``: "high" when
        the linear response is within 10 % of the exact re-balance, "medium"
        within 50 %, "low" beyond, "linear only" without an exact prediction.

        Examples
        --------
        >>> import numpy as np, graphbal
        >>> net = graphbal.Network(np.array([[0.0, 1.0], [1.0, 0.0]]), U=np.eye(2), V=np.eye(2))
        >>> res = graphbal.perturb(net, (0, 1), factor=2.0)
        >>> [(r["pre"], r["post"], r["prediction"], round(r["weight_fold_change"], 4)) for r in res.table(top=2)]
        [(0, 1, 'potentiate', 1.5165), (1, 0, 'potentiate', 1.3188)]
        """
        rows = [self._row(syn, d) for syn, d in self.log_change.items()]
        rows.sort(key=lambda r: -abs(r["log_cost_change"]))
        return rows[:top] if top else rows

    def to_csv(self, path) -> None:
        """Write :meth:`table` as CSV (atomically; no pandas needed).

        Examples
        --------
        >>> import pathlib, tempfile, numpy as np, graphbal
        >>> res = graphbal.perturb(graphbal.Network(np.array([[0.0, 1.0], [1.0, 0.0]])), (0, 1), factor=2.0)
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "prediction.csv"
        >>> res.to_csv(path)
        >>> path.read_text().splitlines()[0]
        'pre,post,kind,prediction,log_cost_change,weight_fold_change,half_time_tau,distance,linear,exact,confidence'
        """
        import csv
        import io

        from ..io.files import atomic_write_text

        rows = self.table()
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else ["pre", "post"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        atomic_write_text(path, buf.getvalue())

    def to_frame(self):
        """:meth:`table` as a pandas DataFrame (requires pandas).

        Examples
        --------
        >>> import numpy as np, graphbal
        >>> res = graphbal.perturb(graphbal.Network(np.array([[0.0, 1.0], [1.0, 0.0]])), (0, 1), factor=2.0)
        >>> res.to_frame().shape  # doctest: +SKIP
        (2, 11)
        """
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_frame() needs pandas; use table() or to_csv() without it") from None
        return pd.DataFrame(self.table())

    def summary(self, top: int = 8) -> str:
        """What an experimentalist should expect, in words.

        Examples
        --------
        >>> import numpy as np, graphbal
        >>> net = graphbal.Network(np.array([[0.0, 1.0], [1.0, 0.0]]), U=np.eye(2), V=np.eye(2))
        >>> print(graphbal.perturb(net, (0, 1), factor=2.0).summary(top=2))
        Scaling synapse 0 -> 1 by 2 (exact prediction, p=2):
          0 -> 1: potentiate (weight x1.517; distance 0; confidence medium)
          1 -> 0: potentiate (weight x1.319; distance 0; confidence medium)
        """
        (pre, post), f = self.perturbed[0]
        lines = [f"Scaling synapse {pre} -> {post} by {f:g} ({self.method} prediction, p={self.p:g}):"]
        for r in self.table(top=top):
            ht = r["half_time_tau"]
            when = f", half-way after {ht:.3g} tau" if np.isfinite(ht) else ""
            lines.append(
                f"  {r['pre']} -> {r['post']}: {r['prediction']} (weight x{r['weight_fold_change']:.4g}"
                f"{when}; distance {r['distance']}; confidence {r['confidence']})"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"PerturbationResult(method={self.method!r}, synapses={len(self.log_change)})"
