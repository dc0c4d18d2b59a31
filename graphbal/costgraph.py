"""Compatibility module: the cost graph machinery now lives in ``graphbal._core``."""

from ._core.costgraph import CostGraph, cost_graph
from ._core.flows import Flows, flows, log_total_at_zero, segment_sums
from ._core.gauge import center_gauge
from ._core.validate import check_h, check_p

__all__ = ["CostGraph", "cost_graph", "check_p", "check_h", "Flows", "flows", "segment_sums", "log_total_at_zero",
           "center_gauge"]  # fmt: skip
