"""A capture measures the machine, not itself: under the same load, vmstat's ``r`` (tasks
running or waiting for a CPU) during ``perfkit capture`` is what vmstat alone reports.

Live on this machine, with ``stress-ng --cpu 1`` as the load in both runs, alternated
(alone, capture, alone, capture) so that other work on the machine weighs on both alike.
"""

from __future__ import annotations

import statistics
import subprocess
import warnings

import pytest
from conftest import needs_tool

import perfkit
from perfkit.capture import capture

pytestmark = pytest.mark.live


def _r(text: str) -> list[int]:
    frame = perfkit.parse(text, "vmstat")
    return frame.loc[~frame["since_boot"], "r"].astype(int).tolist()


@needs_tool("stress-ng", "vmstat", "mpstat", "pidstat", "iostat", "sar", "top", "free",
            "uptime", "dmesg")
def test_vmstat_r_during_a_capture_is_what_vmstat_alone_sees(tmp_path):
    load = subprocess.Popen(["stress-ng", "--cpu", "1", "--timeout", "120"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    alone: list[int] = []
    during: list[int] = []
    try:
        subprocess.run(["sleep", "2"], check=True)  # the load is running
        for turn in range(2):
            run = subprocess.run(["vmstat", "-w", "-t", "1", "7"], capture_output=True,
                                 text=True, check=True, env={"LC_ALL": "C", "TZ": "UTC"})
            alone += _r(run.stdout)
            capture(tmp_path / f"cap{turn}", duration=6, interval=1)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # procps-ng 4.0.2's frozen memory note
                during += _r((tmp_path / f"cap{turn}" / "vmstat.txt").read_text())
    finally:
        load.kill()
        load.wait()
    print(f"vmstat r alone: {alone} (median {statistics.median(alone)}); during a capture: "
          f"{during} (median {statistics.median(during)})")
    assert len(alone) == len(during) == 12
    # r counts vmstat itself, and the stress-ng worker: at least 2 in both
    assert statistics.median(alone) >= 2 and statistics.median(during) >= 2
    # the capture's own tools sleep between samples: they add less than one runnable task
    assert statistics.median(during) - statistics.median(alone) < 1
