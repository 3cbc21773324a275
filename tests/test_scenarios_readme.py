"""data/scenarios/README.md is what scripts/scenarios_readme.py computes from the recordings:
no number in it is typed by hand, so a re-recording cannot leave it stale."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import perfkit

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("scenarios_readme",
                                                  ROOT / "scripts" / "scenarios_readme.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_scenarios_readme_is_computed_from_the_data():
    assert _script().main(["--check"]) == 0


def test_a_readme_number_is_the_data_s():
    """One figure traced by hand: hot-thread's busiest CPU is the median of mpstat's
    100 - %idle - %iowait for that CPU."""
    cpu = perfkit.samples.load("hot-thread")["mpstat"]["cpu"]
    busy = (100 - cpu["%idle"] - cpu["%iowait"])[cpu["CPU"].astype(str) == "1"].median()
    text = (ROOT / "data" / "scenarios" / "README.md").read_text()
    section = text.split("## hot-thread", 1)[1].split("\n## ", 1)[0]
    assert f"CPU 1 {busy:.0f} %" in section
