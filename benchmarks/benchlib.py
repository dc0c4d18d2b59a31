"""Helpers shared by the benchmark scripts: fresh-process cases and atomic JSON output."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def run_case_in_subprocess(script: str, case: dict, timeout: float) -> dict:
    """Run ``script --case JSON`` in a fresh Python process (so ru_maxrss is per case); return its record."""
    try:
        proc = subprocess.run(
            [sys.executable, script, "--case", json.dumps(case)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=dict(os.environ, PYTHONWARNINGS="ignore"),
        )
    except subprocess.TimeoutExpired:
        return {**case, "error": f"timeout after {timeout:.0f} s"}
    if proc.returncode != 0:
        return {**case, "error": proc.stderr.strip().splitlines()[-1:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def write_json(records: list, path: str | None) -> None:
    """Write the records to ``path`` atomically (no-op when path is None)."""
    if not path:
        return
    with open(path + ".tmp", "w") as fh:
        json.dump(records, fh, indent=1)
    os.replace(path + ".tmp", path)
