"""The shipped scenarios: each loads from data/scenarios, its files match the manifest, and
its headline symptom is in the data itself (checked on the parsed frames against the raw
text, not through the checklist's thresholds)."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

import pytest

import perfkit
from perfkit import samples

RECORDED = samples.list()
pytestmark = pytest.mark.skipif(not RECORDED, reason="no scenarios recorded in data/")


def _digest(folder: Path) -> str:
    listing = subprocess.run(
        "find . -type f | LC_ALL=C sort | xargs sha256sum", shell=True, cwd=folder,
        capture_output=True, text=True, check=True).stdout
    return hashlib.sha256(listing.encode()).hexdigest()


def test_all_eight_scenarios_are_shipped():
    assert list(RECORDED) == list(samples.SCENARIOS)


@pytest.mark.parametrize("name", samples.SCENARIOS)
def test_scenario_loads_and_matches_its_manifest(name):
    cap = samples.load(name)
    row = next(r for r in samples.manifest() if r["name"] == name)
    assert _digest(samples.path(name)) == row["sha256"]
    assert cap.meta["complete"] is True
    assert cap.meta["redacted"]["done"] is True
    vm = cap["vmstat"]
    assert len(vm[~vm["since_boot"]]) >= 30, "at least 30 one-second samples"
    for tool in ("uptime", "dmesg", "vmstat", "mpstat", "pidstat", "iostat", "sar", "free",
                 "top"):
        assert tool in cap, tool


def test_cpu_saturation_run_queue_exceeds_the_cpus():
    cap = samples.load("cpu-saturation")
    cpus = cap.meta["cpus"]
    vm = cap["vmstat"]
    assert vm.loc[~vm["since_boot"], "r"].median() > cpus
    first = cap.raw("uptime")
    load1 = float(re.search(r"load average: ([\d.]+)", first).group(1))
    # uptime runs as the capture starts, once the load has taken hold: the 1-minute
    # average has not caught up yet (the machine had cooled down before the scenario)
    assert cap["uptime"]["ldavg-1"].iloc[0] == load1 < cpus
    assert cap.meta["induced"]["took_hold"]


def test_oom_kill_dmesg_holds_oom_kills():
    cap = samples.load("oom-kill")
    kills = perfkit.dmesg.oom_kills(cap["dmesg"])
    assert len(kills) > 0
    assert len(kills) == cap.raw("dmesg").count("Killed process")
    assert set(kills["comm"]) == {"stress-ng-vm"}


def test_network_retrans_has_retransmissions():
    cap = samples.load("network-retrans")
    etcp = cap["sar"]["ETCP"]
    column = perfkit.column(etcp, "retrseg/s")
    assert (column > 0).mean() > 0.9
    assert column.median() > 1


def test_memory_swap_swaps_within_its_cgroup_while_the_machine_has_room():
    cap = samples.load("memory-swap")
    vm = cap["vmstat"]
    vm = vm[~vm["since_boot"]]
    assert ((vm["si"] > 0) | (vm["so"] > 0)).mean() > 0.9
    free = cap["free"]
    mem = free[free["kind"] == "Mem"]
    assert (mem["available"] / mem["total"]).min() > 0.5  # the limit is the cgroup's
    swap = free[free["kind"] == "Swap"]
    assert swap["used"].max() > 0
    limits = cap.meta["induced"]["parameters"]
    assert limits["cgroup_limit_mib"] == 256 and limits["cgroup_swap_mib"] == 768


def test_hot_thread_one_cpu_busy_beside_an_idle_one():
    cap = samples.load("hot-thread")
    cpu = cap["mpstat"]["cpu"]
    per_cpu = cpu[cpu["CPU"] != "all"].groupby("CPU")["%idle"].median()
    assert per_cpu.min() < 5 and per_cpu.max() > 70
    top = cap["pidstat"]["cpu"].groupby("Command")["%CPU"].median().idxmax()
    assert top == "stress-ng-cpu"


def test_disk_saturation_iostat_and_vmstat_show_it():
    cap = samples.load("disk-saturation")
    dev = cap["iostat"]["devices"]
    dev = dev[~dev["since_boot"]]
    busiest = dev.groupby("Device")["%util"].median()
    assert busiest.max() > 80
    assert dev.groupby("Device")["aqu-sz"].median().max() > 1
    vm = cap["vmstat"]
    vm = vm[~vm["since_boot"]]
    assert vm["wa"].median() > 20 and vm["b"].median() >= 1


def test_idle_is_quiet():
    cap = samples.load("idle")
    vm = cap["vmstat"]
    vm = vm[~vm["since_boot"]]
    assert vm["r"].median() <= 2 and vm["id"].median() > 85
    assert cap["uptime"]["ldavg-1"].iloc[0] < cap.meta["cpus"]


def test_the_idle_recording_is_the_pressure_baseline_the_rules_quote():
    """The PSI rules (and perfkit.derive.pressure) say that on the idle recording memory and
    I/O stall shares are 0 %, and every share within 0.2 % of 0."""
    from perfkit.derive.pressure import stall_shares

    shares = stall_shares(samples.load("idle")["sar-all"]).drop(columns="time").median()
    assert shares["%smem"] == 0 and shares["%sio"] == 0
    assert (shares <= 0.2).all(), shares.to_dict()
