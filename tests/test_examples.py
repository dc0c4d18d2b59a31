"""The figure scripts run and write their PNG/SVG files (their maths is tested in the module tests)."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.slow
@pytest.mark.parametrize(
    "script", ["fig1_two_neuron_noise", "fig3_two_unit_networks", "fig5_ring_perturbation", "ebn_robustness"]
)
def test_example_writes_figures(script, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", [script, "--out", str(tmp_path)])
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(EXAMPLES / f"{script}.py"), run_name="__main__")
    assert done.value.code == 0
    for suffix in (".png", ".svg"):
        assert (tmp_path / f"{script}{suffix}").stat().st_size > 10_000
    assert "wrote" in capsys.readouterr().out
