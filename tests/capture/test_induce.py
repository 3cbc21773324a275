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

from perfkit import samples
from perfkit.capture import induce as capture_induce
from perfkit.capture.induce import cli as induce_cli
from perfkit.capture.induce import loads as induce_loads
from perfkit.capture.induce import worker as induce_worker
from perfkit.capture.induce.plan import (
    DESCRIPTIONS,
    SCENARIOS,
    Facts,
    InduceRefused,
    Plan,
    make_plan,
    unseal,
)
from perfkit.capture.induce.resources import CpuCgroup, NetNamespace
from perfkit.cli import build_parser
from perfkit.cli import main as cli_main
from perfkit.course import mystery

ROOT = Path(__file__).resolve().parents[2]
GIB = 1 << 30
ALL_TOOLS = frozenset({"stress-ng", "ip", "tc", "nft", "mkswap", "swapon", "swapoff"})
ROOT_FACTS = Facts(euid=0, nproc=2, mem_available=16 * GIB, swap_total=0,
                   memory_cgroup="v1", memsw=True, disk_free=50 * GIB, fstype="ext4",
                   tools=ALL_TOOLS, cpu_cgroup="v1")


def facts(**changes) -> Facts:
    return dataclasses.replace(ROOT_FACTS, **changes)


def refusal(scenario: str, the_facts: Facts, **kwargs) -> str:
    with pytest.raises(InduceRefused) as caught:
        make_plan(scenario, 30, the_facts, **kwargs)
    message = str(caught.value)
    assert "\n" not in message
    return message


def manifest() -> dict[str, dict[str, str]]:
    with open(ROOT / "data" / "scenarios" / "MANIFEST.tsv", encoding="utf-8") as handle:
        return {row["name"]: row for row in csv.DictReader(handle, delimiter="\t")}


def test_the_scenarios_are_the_recorded_ones_in_their_order_then_the_new_ones():
    names = list(manifest())
    assert list(SCENARIOS) == names == list(samples.SCENARIOS)
    assert SCENARIOS[-3:] == ("short-lived", "packet-rate", "cpu-limit")
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
    assert plans["short-lived"].loads == [
        {"kind": "spawn", "workers": 1, "rate": 300, "program": "/bin/true"}]
    assert plans["packet-rate"].loads == [{"kind": "udp", "size": 64, "rate": 20000}]
    assert plans["packet-rate"].params == {"loss_percent": 0}  # no loss: only the rate
    assert plans["packet-rate"].needs_netns and not plans["short-lived"].needs_netns
    for name in ("cpu-saturation", "hot-thread", "memory-swap", "oom-kill",
                 "disk-saturation"):
        assert plans[name].mechanism == "stress-ng", name
    for name in ("network-retrans", "short-lived", "packet-rate", "mystery"):
        assert plans[name].mechanism == "built-in", name
    assert plans["cpu-limit"].mechanism == "stress-ng" and plans["cpu-limit"].needs_cpu_cgroup


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


@pytest.mark.parametrize("scenario", ["memory-swap", "oom-kill", "network-retrans",
                                      "cpu-limit", "packet-rate"])
def test_not_root_is_refused_where_root_is_needed(scenario):
    assert refusal(scenario, facts(euid=1000)).startswith(f"{scenario} needs root")


@pytest.mark.parametrize("scenario", ["idle", "cpu-saturation", "hot-thread",
                                      "disk-saturation", "short-lived"])
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


@pytest.mark.parametrize("scenario", ["disk-saturation"])
def test_disk_refusals(scenario):
    assert "on tmpfs (memory, not a disk)" in refusal(scenario, facts(fstype="tmpfs"))
    assert "MiB of free disk for its capped temporary files" in refusal(
        scenario, facts(disk_free=100 << 20))


def test_network_refusals():
    assert "needs ip (iproute2)" in refusal("network-retrans", facts(tools=frozenset()))
    assert "needs tc (netem) or nft" in refusal("network-retrans",
                                                facts(tools=frozenset({"ip"})))
    assert make_plan("network-retrans", 30, facts(tools=frozenset({"ip", "nft"})))
    # without packet loss, neither tc nor nft is needed
    assert make_plan("packet-rate", 30, facts(tools=frozenset({"ip"})))
    assert "needs ip (iproute2)" in refusal("packet-rate", facts(tools=frozenset()))


def test_cpu_limit_is_refused_in_one_line_without_its_cgroup_controller():
    message = refusal("cpu-limit", facts(cpu_cgroup=None))
    assert message == ("cpu-limit needs a cgroup controller this machine does not offer "
                       "(neither enabled in cgroup v2 nor mounted as v1)")
    assert make_plan("cpu-limit", 30, facts(cpu_cgroup="v2")).needs_cpu_cgroup


def test_cpu_limit_holds_one_cpu_bound_process_to_a_quota():
    plan = make_plan("cpu-limit", 30, ROOT_FACTS)
    (hog,) = plan.loads  # one CPU-bound process that wants a whole CPU, held to a fifth
    assert hog == {"kind": "cpu", "workers": 1, "method": "matrixprod", "quota_percent": 20}
    assert plan.needs_cpu_cgroup and not plan.needs_cgroup and plan.params == {}
    assert not plan.sealed
    assert make_plan("cpu-limit", 30, ROOT_FACTS, builtin=True).mechanism == "built-in"
    assert make_plan("cpu-limit", 30, ROOT_FACTS, options={"quota_percent": 35}
                     ).loads[0]["quota_percent"] == 35
    assert "quota_percent must be from 1 to 100" in refusal(
        "cpu-limit", ROOT_FACTS, options={"quota_percent": 0})


#: Words that would give the mystery's cause away where a learner can read them (kept in
#: the sealed answer, not spelled here).
GIVEAWAYS = tuple(mystery.unseal()["keywords"])


def test_the_mystery_is_the_recorded_one_and_stays_sealed():
    plan = make_plan("mystery", 30, ROOT_FACTS)
    # the recorded mystery's load (sealed: see perfkit mystery --reveal), built in
    assert [load["kind"] for load in plan.loads] == ["switch"]
    assert plan.sealed and DESCRIPTIONS["mystery"] == "the workshop mystery"
    assert plan.mechanism == "built-in"
    # the manifest's command column does not spell it out either
    recorded = manifest()["mystery"]["commands"].lower()
    for word in GIVEAWAYS:
        assert word not in recorded
    # its record keeps the loads under "sealed" only
    run = capture_induce.InducedRun(plan, evidence={"nice_cpus": 0.9})
    record = run.record()
    assert "parameters" not in record and "evidence" not in record
    assert "resources" not in record
    assert unseal(record["sealed"])["parameters"]["loads"] == plan.loads
    text = str({k: v for k, v in record.items() if k != "sealed"}).lower()
    for word in GIVEAWAYS:
        assert word not in text


def test_no_docstring_gives_the_mystery_away():
    """The docstrings that speak of the mystery say nothing about what it runs."""
    for name in ("__init__", "cli", "plan", "loads", "system", "resources", "worker"):
        path = ROOT / "perfkit" / "capture" / "induce" / f"{name}.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)):
                doc = ast.get_docstring(node) or ""
                if "mystery" in doc:
                    for word in GIVEAWAYS:
                        assert word not in doc.lower(), (name,
                                                         getattr(node, "name", "module"))


def test_a_sealed_plan_prints_no_loads(capsys):
    lines: list[str] = []
    plan = make_plan("mystery", 30, ROOT_FACTS)
    described = capture_induce._describe(plan).lower()  # what it would say, if asked...
    assert any(word in described for word in GIVEAWAYS)
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
                     "what it runs is sealed; mechanism: built-in; for 30 s"]


def test_a_sealed_load_that_does_not_take_hold_says_not_what_it_waits_for(monkeypatch):
    plan = make_plan("mystery", 30, ROOT_FACTS)
    run = capture_induce.InducedRun(plan, until=time.monotonic() + 30)
    run.workloads = [induce_loads.Workload("switch0.0", ["x"], "built-in")]
    monkeypatch.setattr(capture_induce, "sample", lambda *a, **k: {
        "busy_cpus": 0.0, "nice_cpus": 0.0, "load_cpus": 0.0, "procs_running": 1.0,
        "context_switches_per_s": 0})
    monkeypatch.setattr(capture_induce, "_failed", lambda _run: None)
    lines: list[str] = []
    capture_induce._wait_for_hold(run, 0.0, lines.append)
    assert not run.took_hold and run.waiting_for  # the record (sealed) keeps what is missing
    (line,) = lines
    assert line.startswith("warning: after ") and line.endswith(" s the load has not taken hold")


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


def test_a_record_names_python_and_the_worker_without_their_paths():
    import sys

    plan = make_plan("hot-thread", 12, ROOT_FACTS, builtin=True)
    run = capture_induce.InducedRun(plan)
    run.workloads = induce_loads.build_workloads(plan, until=time.monotonic() + 12)
    (shown,) = [w["argv"] for w in run.record()["workloads"]]
    assert shown[:2] == ["python3", "perfkit/capture/induce/worker.py"]
    assert sys.executable not in shown and str(induce_loads.WORKER) not in shown


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
    held = make_plan("cpu-limit", 30, ROOT_FACTS)
    assert induce_loads.check_hold(held, {**seen, "cgroup_throttled_periods_per_s": 0.0},
                                   2) == ["periods in which the cgroup is held back"]
    assert induce_loads.check_hold(held, {**seen, "cgroup_throttled_periods_per_s": 9.0},
                                   2) == []
    # 300 a second asked; 4 runnable threads on 2 CPUs: a quarter of half is 38 a second
    short = make_plan("short-lived", 30, ROOT_FACTS)
    assert induce_loads.check_hold(short, {**seen, "processes_started_per_s": 20.0}, 2) == [
        "38 processes started a second"]
    assert induce_loads.check_hold(short, {**seen, "processes_started_per_s": 40.0}, 2) == []
    packets = make_plan("packet-rate", 30, ROOT_FACTS)
    assert induce_loads.check_hold(packets, {**seen, "rx_packets_per_s": 5000,
                                             "tx_packets_per_s": 500}, 2) == [
        "1000 packets a second each way on the veth link"]


def test_workload_argument_lists(tmp_path):
    plan = make_plan("cpu-limit", 30, ROOT_FACTS)
    held = CpuCgroup("x", 20, "v1", tmp_path / "x")
    (hog,) = induce_loads.build_workloads(plan, until=time.monotonic() + 30, cpu_cgroup=held)
    assert hog.argv[hog.argv.index("--cgroup") + 1] == str(tmp_path / "x" / "cgroup.procs")
    assert hog.argv[hog.argv.index("exec") + 1:][:3] == ["stress-ng", "--cpu", "1"]
    assert "--timeout" in hog.argv and "--nice" not in hog.argv
    builtin = make_plan("cpu-limit", 30, ROOT_FACTS, builtin=True)
    (spinner,) = induce_loads.build_workloads(builtin, until=time.monotonic() + 30,
                                              cpu_cgroup=held)
    assert spinner.argv[-1] == "spin" and "--cgroup" in spinner.argv
    (starter,) = induce_loads.build_workloads(make_plan("short-lived", 30, ROOT_FACTS),
                                              until=time.monotonic() + 30)
    assert starter.argv[-3:] == ["spawn", "/bin/true", "300"]
    netns = NetNamespace(0, name="ns", peer_address="198.18.7.2")
    echo, send = induce_loads.build_workloads(make_plan("packet-rate", 30, ROOT_FACTS),
                                              until=time.monotonic() + 30, netns=netns)
    assert (echo.netns, echo.argv[-3:]) == ("ns", ["udp-echo", "198.18.7.2", "5202"])
    assert (send.netns, send.argv[-5:]) == (None, ["udp-send", "198.18.7.2", "5202", "64",
                                                   "20000"])
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
    monkeypatch.setattr(capture_induce, "gather_facts", lambda _dir: facts(cpu_cgroup=None))
    assert cli_main(["induce", "cpu-limit", "--duration", "5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("perfkit induce: refused: cpu-limit needs a cgroup controller")
    assert err.count("\n") == 1
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


def test_builtin_starter_starts_short_lived_processes_at_its_pace():
    from perfkit.capture.induce.system import processes_started

    before = processes_started()
    induce_worker.spawn("/bin/true", 50, time.monotonic() + 0.5)
    started = processes_started() - before
    assert 10 <= started  # about 25, fewer where the machine is busy (and others' too)


def test_builtin_pingpong_switches_context_for_every_hand_over():
    from perfkit.capture.induce.system import context_switches

    before = context_switches()
    trips = induce_worker.pingpong(time.monotonic() + 0.3)
    switches = context_switches() - before
    assert trips >= 1000  # thousands of round trips in 0.3 s, even on a busy machine
    assert switches >= trips  # each round trip puts one end to sleep and wakes the other


def test_a_switch_load_waits_for_its_context_switches():
    plan = Plan("switching", 30, "built-in", [{"kind": "switch", "pairs": 2}], {})
    seen = {"busy_cpus": 2.0, "nice_cpus": 0.0, "load_cpus": 2.0, "procs_running": 4,
            "context_switches_per_s": 1000}
    assert induce_loads.check_hold(plan, seen, 2) == ["40000 context switches a second"]
    assert induce_loads.check_hold(plan, {**seen, "context_switches_per_s": 400000}, 2) == []
    (argv,) = {tuple(w.argv) for w in induce_loads.build_workloads(
        Plan("x", 30, "built-in", [{"kind": "switch", "pairs": 1, "name": "svc"}], {}),
        until=time.monotonic() + 30)}
    assert argv[-1] == "pingpong" and "svc" in argv


def test_builtin_udp_sender_and_echo_on_loopback():
    import socket
    import threading

    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    until = time.monotonic() + 0.5
    echo = threading.Thread(target=induce_worker.udp_echo, args=("127.0.0.1", port, until))
    echo.start()
    time.sleep(0.05)
    sent, back = induce_worker.udp_send("127.0.0.1", port, 64, 2000, until)
    echo.join()
    # paced at 2000 a second for under half a second (in bursts of 64), and echoed back
    assert 64 <= sent <= 0.5 * 2000 + 64
    assert 0 < back <= sent


def test_builtin_writer_keeps_its_file_under_the_cap(tmp_path):
    target = tmp_path / "capped"
    induce_worker.write(str(target), 1, 256, "none", time.monotonic() + 0.3)
    assert target.stat().st_size == 1 << 20  # wrapped around at 1 MiB many times


def test_plan_type():
    assert isinstance(capture_induce.plan("idle", 1, facts=ROOT_FACTS), Plan)


def test_leftovers_are_recognised_by_the_pid_in_their_name(tmp_path):
    from perfkit.capture.induce import resources as induce_system

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
    ("short-lived", {"rate": 100000}, "rate must be at most 2000 here"),
    ("short-lived", {"rate": 0}, "rate must be a whole number above 0"),
    ("packet-rate", {"size": 9000}, "size at most 1400 bytes"),
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


def test_the_number_of_process_pairs_is_bounded():
    with pytest.raises(InduceRefused, match="pairs must be from 1 to 8"):
        make_plan("mystery", 30, ROOT_FACTS, options={"pairs": 9})
