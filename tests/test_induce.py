"""perfkit induce: the plan for each scenario, the refusals, the sealed mystery, the CLI.

Nothing here starts a load (see test_induce_live.py for that), except the built-in
writer's cap, checked on a small file for a fraction of a second.
"""

from __future__ import annotations

import ast
import csv
import dataclasses
import os
import time
from pathlib import Path

import pytest

from perfkit import capture_induce, induce_cli, induce_loads, induce_worker
from perfkit.cli import build_parser
from perfkit.cli import main as cli_main
from perfkit.induce_plan import (
    DESCRIPTIONS,
    SCENARIOS,
    Facts,
    InduceRefused,
    Plan,
    make_plan,
    unseal,
)

ROOT = Path(__file__).resolve().parent.parent
GIB = 1 << 30
ALL_TOOLS = frozenset({"stress-ng", "ip", "tc", "nft", "mkswap", "swapon", "swapoff"})
ROOT_FACTS = Facts(euid=0, nproc=2, mem_available=16 * GIB, swap_total=0,
                   memory_cgroup="v1", memsw=True, disk_free=50 * GIB, fstype="ext4",
                   tools=ALL_TOOLS)


def facts(**changes) -> Facts:
    return dataclasses.replace(ROOT_FACTS, **changes)


def refusal(scenario: str, the_facts: Facts, **kwargs) -> str:
    with pytest.raises(InduceRefused) as caught:
        make_plan(scenario, 30, the_facts, **kwargs)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_the_scenarios_are_the_recorded_ones_in_their_order():
    with open(ROOT / "data" / "scenarios" / "MANIFEST.tsv", encoding="utf-8") as handle:
        names = [row["name"] for row in csv.DictReader(handle, delimiter="\t")]
    assert list(SCENARIOS) == names
    assert set(DESCRIPTIONS) == set(SCENARIOS)


def test_each_scenario_plans_its_loads_with_stress_ng_where_it_can():
    plans = {name: make_plan(name, 30, ROOT_FACTS) for name in SCENARIOS}
    assert plans["idle"].mechanism == "none" and plans["idle"].loads == []
    assert plans["cpu-saturation"].loads == [
        {"kind": "cpu", "workers": 4, "method": "matrixprod"}]  # 2 x nproc, as recorded
    assert plans["hot-thread"].loads[0]["workers"] == 1
    assert plans["hot-thread"].loads[0]["thread"] is True
    assert plans["oom-kill"].params == {"cgroup_limit_mib": 128, "cgroup_swap_mib": 0}
    assert plans["oom-kill"].loads == [{"kind": "memory", "mib": 300, "restart": True}]
    swap = plans["memory-swap"]
    assert swap.params["swap_file_mib"] == 1024  # the machine has no swap: add a file
    assert swap.loads[0]["mib"] > swap.params["cgroup_limit_mib"]
    assert plans["disk-saturation"].disk_cap_mib() == 512
    assert plans["network-retrans"].params == {"loss_percent": 5}
    assert plans["network-retrans"].mechanism == "built-in"  # stress-ng has no part in it
    for name in ("cpu-saturation", "hot-thread", "memory-swap", "oom-kill",
                 "disk-saturation", "mystery"):
        assert plans[name].mechanism == "stress-ng", name


def test_builtin_is_forced_or_chosen_without_stress_ng():
    assert make_plan("cpu-saturation", 30, ROOT_FACTS, builtin=True).mechanism == "built-in"
    no_stress = facts(tools=ALL_TOOLS - {"stress-ng"})
    assert make_plan("oom-kill", 30, no_stress).mechanism == "built-in"


def test_existing_swap_is_used_instead_of_a_swap_file():
    assert make_plan("memory-swap", 30, facts(swap_total=GIB)).params["swap_file_mib"] == 0


def test_nproc_sets_the_saturating_worker_count():
    plan = make_plan("cpu-saturation", 30, facts(nproc=8))
    assert plan.loads[0]["workers"] == 16


def test_options_change_a_parameter_or_a_load_field():
    plan = make_plan("disk-saturation", 30, ROOT_FACTS, options={"cap_mib": 32, "writers": 1})
    assert plan.disk_cap_mib() == 32
    plan = make_plan("oom-kill", 30, ROOT_FACTS, options={"cgroup_limit_mib": 64})
    assert plan.params["cgroup_limit_mib"] == 64
    with pytest.raises(ValueError, match="unknown option 'colour'"):
        make_plan("idle", 30, ROOT_FACTS, options={"colour": 1})


def test_unknown_scenario_names_the_known_ones():
    with pytest.raises(ValueError, match="known: idle, cpu-saturation"):
        make_plan("fork-bomb", 30, ROOT_FACTS)


@pytest.mark.parametrize("duration", [0, -1, 3601])
def test_duration_is_bounded(duration):
    with pytest.raises(InduceRefused, match="at most 3600 s"):
        make_plan("hot-thread", duration, ROOT_FACTS)


@pytest.mark.parametrize("scenario", ["memory-swap", "oom-kill", "network-retrans"])
def test_not_root_is_refused_where_root_is_needed(scenario):
    assert refusal(scenario, facts(euid=1000)).startswith(f"{scenario} needs root")


@pytest.mark.parametrize("scenario", ["idle", "cpu-saturation", "hot-thread",
                                      "disk-saturation", "mystery"])
def test_loads_that_need_no_privilege_run_without_root(scenario):
    assert make_plan(scenario, 30, facts(euid=1000)).scenario == scenario


@pytest.mark.parametrize("scenario", ["memory-swap", "oom-kill"])
def test_no_memory_cgroup_is_refused(scenario):
    message = refusal(scenario, facts(memory_cgroup=None))
    assert "needs a memory cgroup" in message
    assert "v1 /sys/fs/cgroup/memory" in message


def test_too_little_memory_is_refused_with_the_figures():
    message = refusal("oom-kill", facts(mem_available=300 << 20))
    assert message == "oom-kill needs 640 MiB of available memory; only 300 MiB is available"


def test_swap_file_refusals():
    no_mkswap = facts(tools=ALL_TOOLS - {"mkswap"})
    assert "mkswap is missing" in refusal("memory-swap", no_mkswap)
    assert "on btrfs, which cannot hold a swap file" in refusal(
        "memory-swap", facts(fstype="btrfs"))
    assert "needs 2048 MiB of free disk; only 1500 MiB" in refusal(
        "memory-swap", facts(disk_free=1500 << 20))
    # with swap already on, none of these matter
    assert make_plan("memory-swap", 30, facts(swap_total=GIB, fstype="btrfs",
                                              disk_free=0)).params["swap_file_mib"] == 0


@pytest.mark.parametrize("scenario", ["disk-saturation", "mystery"])
def test_disk_refusals(scenario):
    assert "on tmpfs (memory, not a disk)" in refusal(scenario, facts(fstype="tmpfs"))
    assert "MiB of free disk for its capped temporary files" in refusal(
        scenario, facts(disk_free=100 << 20))


def test_network_refusals():
    assert "needs ip (iproute2)" in refusal("network-retrans", facts(tools=frozenset()))
    assert "needs tc (netem) or nft" in refusal("network-retrans",
                                                facts(tools=frozenset({"ip"})))
    assert make_plan("network-retrans", 30, facts(tools=frozenset({"ip", "nft"})))


def test_the_mystery_is_the_recorded_cause_and_stays_sealed():
    # the recorded load, as the manifest writes it down
    with open(ROOT / "data" / "scenarios" / "MANIFEST.tsv", encoding="utf-8") as handle:
        rows = {row["name"]: row for row in csv.DictReader(handle, delimiter="\t")}
    recorded = rows["mystery"]["commands"]
    assert "bs=4k oflag=dsync" in recorded and "nice -n 10 stress-ng --cpu 1" in recorded
    plan = make_plan("mystery", 30, ROOT_FACTS)
    writer, hog = plan.loads
    assert (writer["kind"], writer["block_kib"], writer["sync"], writer["writers"]) == (
        "write", 4, "dsync", 1)
    assert (hog["kind"], hog["workers"], hog["nice"]) == ("cpu", 1, 10)
    assert plan.sealed and DESCRIPTIONS["mystery"] == "the workshop mystery"
    # its record keeps the loads under "sealed" only
    run = capture_induce.InducedRun(plan, evidence={"nice_cpus": 1.0})
    record = run.record()
    assert "parameters" not in record and "evidence" not in record
    assert unseal(record["sealed"])["parameters"]["loads"] == plan.loads
    text = str({k: v for k, v in record.items() if k != "sealed"})
    for word in ("dsync", "nice", "sync", "write"):
        assert word not in text


def test_no_docstring_gives_the_mystery_away():
    """The docstrings that speak of the mystery say nothing about what it runs."""
    for name in ("capture_induce", "induce_cli", "induce_plan", "induce_loads",
                 "induce_system", "induce_resources"):
        tree = ast.parse((ROOT / "perfkit" / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)):
                doc = ast.get_docstring(node) or ""
                if "mystery" in doc:
                    for word in ("dsync", "O_DSYNC", "nice", "small writes"):
                        assert word not in doc, (name, getattr(node, "name", "module"))


def test_a_sealed_plan_prints_no_loads(capsys):
    lines: list[str] = []
    plan = make_plan("mystery", 30, ROOT_FACTS)
    assert "dsync" in capture_induce._describe(plan)  # what it would say, if asked...
    run = capture_induce.InducedRun(plan)
    cleanups: list = []
    # ...but setting up says only that it is sealed (stopped before any load starts)
    original = capture_induce.tempfile.mkdtemp

    def refuse(*args, **kwargs):
        raise RuntimeError("stop here")

    capture_induce.tempfile.mkdtemp = refuse
    try:
        with pytest.raises(RuntimeError, match="stop here"):
            capture_induce._set_up(run, "/var/tmp", cleanups, lines.append)
    finally:
        capture_induce.tempfile.mkdtemp = original
    assert lines == ["mystery: the workshop mystery",
                     "what it runs is sealed; mechanism: stress-ng; for 30 s"]


def test_record_of_a_plain_scenario():
    plan = make_plan("oom-kill", 12, ROOT_FACTS)
    run = capture_induce.InducedRun(plan, started_utc="2026-12-05T10:00:00.000000Z",
                                    took_hold=True, evidence={"cgroup_oom_kills": 2})
    record = run.record()
    assert record["scenario"] == "oom-kill" and record["mechanism"] == "stress-ng"
    assert record["duration_s"] == 12.0
    assert record["parameters"]["cgroup_limit_mib"] == 128
    assert record["parameters"]["loads"][0]["mib"] == 300
    assert record["evidence"] == {"cgroup_oom_kills": 2}


def test_hold_checks_say_what_is_missing():
    plan = make_plan("cpu-saturation", 30, ROOT_FACTS)
    seen = {"busy_cpus": 2.0, "nice_cpus": 0.0, "load_cpus": 0.2, "tcp_retrans_per_s": 0,
            "procs_running": 4}
    assert induce_loads.check_hold(plan, seen, 2) == ["the loads to use 0.50 CPUs"]
    assert induce_loads.check_hold(plan, {**seen, "load_cpus": 1.1}, 2) == []
    # 16 runnable threads share the 2 CPUs: the 4 workers' fair part is half a CPU
    assert induce_loads.check_hold(plan, {**seen, "procs_running": 16}, 2) == []
    oom = make_plan("oom-kill", 30, ROOT_FACTS)
    assert induce_loads.check_hold(oom, {**seen, "cgroup_oom_kills": 0}, 2) == [
        "an OOM kill in the cgroup"]
    swap = make_plan("memory-swap", 30, ROOT_FACTS)
    full = {**seen, "cgroup_memory_mib": 255.0, "cgroup_swap_mib": 10.0}
    unaccounted = {**full, "cgroup_swap_mib": None, "swap_out_pages_per_s": 0.0}
    assert induce_loads.check_hold(swap, unaccounted, 2) == ["pages going to swap"]
    assert induce_loads.check_hold(swap, full, 2) == ["64 MiB of the cgroup in swap"]
    net = make_plan("network-retrans", 30, ROOT_FACTS)
    assert induce_loads.check_hold(net, seen, 2) == ["TCP retransmits"]


def test_workload_argument_lists(tmp_path):
    plan = make_plan("mystery", 30, ROOT_FACTS)
    loads = induce_loads.build_workloads(plan, until=time.monotonic() + 30,
                                         disk_dir=tmp_path)
    writer, hog = loads
    assert writer.mechanism == "built-in"
    assert writer.argv[-5:] == ["write", str(tmp_path / "write0.0"), "64", "4", "dsync"]
    assert hog.argv[hog.argv.index("--nice") + 1] == "10"
    assert hog.argv[hog.argv.index("exec") + 1:][:3] == ["stress-ng", "--cpu", "1"]
    assert "--timeout" in hog.argv
    builtin = make_plan("cpu-saturation", 30, ROOT_FACTS, builtin=True)
    spinners = induce_loads.build_workloads(builtin, until=time.monotonic() + 30)
    assert len(spinners) == 4 and all(w.argv[-1] == "spin" for w in spinners)


def test_the_cli_knows_induce_and_refuses_with_status_2(monkeypatch, capsys):
    args = build_parser().parse_args(["induce", "oom-kill", "--duration", "5", "--builtin",
                                      "--set", "cgroup_limit_mib=64"])
    assert (args.scenario, args.duration, args.builtin, args.set) == (
        "oom-kill", 5.0, True, ["cgroup_limit_mib=64"])
    monkeypatch.setattr(capture_induce, "gather_facts", lambda _dir: facts(euid=1000))
    assert cli_main(["induce", "oom-kill", "--duration", "5"]) == 2
    err = capsys.readouterr().err
    assert err == ("perfkit induce: refused: oom-kill needs root (a memory cgroup); "
                   "run it as root\n")
    assert cli_main(["induce", "idle", "--set", "nonsense"]) == 2
    assert "--set takes KEY=VALUE" in capsys.readouterr().err


def test_options_read_numbers():
    assert induce_cli._options(["workers=3", "loss_percent=2.5", "sync=none"]) == {
        "workers": 3, "loss_percent": 2.5, "sync": "none"}


def test_idle_runs_and_cleans_up_without_root(tmp_path, monkeypatch):
    monkeypatch.setattr(capture_induce, "gather_facts",
                        lambda _dir: facts(euid=1000, tools=frozenset()))
    with capture_induce.induced("idle", duration=0.2, directory=str(tmp_path)) as run:
        assert run.took_hold and run.workloads == []
    record = run.record()
    assert record["mechanism"] == "none" and record["left"] == []
    assert record["started_utc"] <= record["ended_utc"]
    assert not list(Path("/tmp").glob(f"perfkit-induce-{os.getpid()}-*"))


def test_builtin_writer_keeps_its_file_under_the_cap(tmp_path):
    target = tmp_path / "capped"
    induce_worker.write(str(target), 1, 256, "none", time.monotonic() + 0.3)
    assert target.stat().st_size == 1 << 20  # wrapped around at 1 MiB many times


def test_plan_type():
    assert isinstance(capture_induce.plan("idle", 1, facts=ROOT_FACTS), Plan)


def test_leftovers_are_recognised_by_the_pid_in_their_name(tmp_path):
    from perfkit import induce_resources as induce_system

    assert induce_system._owner("perfkit-induce-123-oom-kill") == 123
    assert induce_system._owner("perfkit-induce-123.swap") == 123
    assert induce_system._owner("perfkit-induce-123-log-abcd") == 123
    assert induce_system._owner("pki123h") == 123
    assert induce_system._owner("perfkit-induce-test-abcd") is None
    dead = int(Path("/proc/sys/kernel/pid_max").read_text()) + 1  # no process has it
    stale = tmp_path / f"perfkit-induce-{dead}-x1"
    (stale / "sub").mkdir(parents=True)
    alive = tmp_path / f"perfkit-induce-{os.getpid()}-x2"
    alive.mkdir()
    found = [entry for entry in induce_system.leftovers([tmp_path])
             if entry[1].parent == tmp_path]
    assert found == [("file", stale)]
    assert induce_system.remove_leftovers(found) == []
    assert not stale.exists() and alive.exists()


@pytest.mark.parametrize("scenario, options, message", [
    ("cpu-saturation", {"workers": 1000}, "workers must be from 1 to 8 here"),
    ("hot-thread", {"workers": 0}, "workers must be from 1 to 8 here"),
    ("disk-saturation", {"cap_mib": -5}, "cap_mib must be a whole number above 0"),
    ("oom-kill", {"cgroup_limit_mib": "lots"}, "cgroup_limit_mib must be a number"),
    ("network-retrans", {"loss_percent": 150}, "loss_percent must be from 0 to 100"),
])
def test_changed_defaults_stay_bounded(scenario, options, message):
    assert message in refusal(scenario, ROOT_FACTS, options=options)


def test_a_missing_directory_is_refused(tmp_path):
    missing = str(tmp_path / "nowhere")
    with pytest.raises(InduceRefused, match="nowhere does not exist"):
        capture_induce.plan("disk-saturation", 10, directory=missing)


def test_a_load_that_cannot_start_is_an_induce_error(tmp_path):
    workload = induce_loads.Workload("x", ["perfkit-no-such-program"], "built-in",
                                     log_dir=tmp_path)
    with pytest.raises(capture_induce.InduceError, match="cannot start perfkit-no-such-program"):
        workload.start()
