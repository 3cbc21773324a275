"""Starting, watching and stopping the loads of a :class:`perfkit.capture.induce.plan.Plan`.

Every load is a :class:`Workload`: one program (stress-ng, or ``worker.py``) started
through :class:`perfkit.runner.Process` in a session and process group of its own, so that
stopping it reaches everything it started (SIGTERM to the group, SIGKILL to what is left).
Each carries its own deadline too (stress-ng ``--timeout``, the worker's ``--until``), so a
load ends by itself even if perfkit is killed with SIGKILL. :func:`build_workloads` turns a
plan's loads into argument lists; :class:`Supervisor` restarts loads meant to be restarted
(the OOM-killed process) and stops all of them at the deadline; :func:`check_hold` says
whether the load has taken hold, from /proc and cgroup counters.

>>> argv = worker_argv("spin", until=123.0, name="perfkit-cpu")
>>> argv[2:]
['--until', '123.0', '--name', 'perfkit-cpu', 'spin']
"""

from __future__ import annotations

import math
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ... import runner
from .plan import Plan
from .resources import CpuCgroup, MemoryCgroup, NetNamespace
from .system import (
    block_device,
    context_switches,
    cpu_share,
    cpu_times,
    disk_counters,
    group_cpu_seconds,
    group_members,
    net_packets,
    processes_started,
    snmp_tcp,
    vm_counters,
)

WORKER = Path(__file__).with_name("worker.py")


def shown_argv(argv: list[str]) -> list[str]:
    """``argv`` as a record shows it: this Python and perfkit's worker by name, not by where
    they are installed (a recording carries no path of the machine that made it).

    >>> shown_argv([sys.executable, str(WORKER), "spin"])
    ['python3', 'perfkit/capture/induce/worker.py', 'spin']
    """
    names = {sys.executable: "python3", str(WORKER): "perfkit/capture/induce/worker.py"}
    return [names.get(arg, arg) for arg in argv]
#: Seconds a load group gets to end after SIGTERM before SIGKILL.
STOP_GRACE = 2.0
#: Pause before a load that ended (OOM-killed) is started again.
RESTART_PAUSE = 0.2


class InduceError(RuntimeError):
    """A load failed to start or ended with an error (the message names it)."""


def worker_argv(kind: str, *args: Any, until: float, cgroup: Path | None = None,
                nice: int = 0, name: str | None = None) -> list[str]:
    """The argument list that runs ``worker.py KIND ARGS`` with its options."""
    argv = [sys.executable, str(WORKER), "--until", f"{until:.1f}"]
    if cgroup is not None:
        argv += ["--cgroup", str(cgroup)]
    if nice:
        argv += ["--nice", str(nice)]
    if name:
        argv += ["--name", name]
    return [*argv, kind, *map(str, args)]


@dataclass
class Workload:
    """One load program; ``pgids`` are the process groups of every start (restarts too)."""

    label: str
    argv: list[str]
    mechanism: str
    restart: bool = False
    log_dir: Path | None = None
    netns: str | None = None
    process: runner.Process | None = None
    pgids: list[int] = field(default_factory=list)
    starts: int = 0
    err_path: str = os.devnull

    def start(self) -> None:
        """Start (or start again) the program in a process group of its own."""
        argv = ["ip", "netns", "exec", self.netns, *self.argv] if self.netns else self.argv
        self.starts += 1
        log = self.log_dir / f"{self.label}.{self.starts}" if self.log_dir else None
        self.err_path = f"{log}.err" if log else os.devnull
        self.process = runner.Process(
            argv, stdout_path=f"{log}.out" if log else os.devnull, stderr_path=self.err_path)
        if self.process.pid is None:
            raise InduceError(f"cannot start {argv[0]}: {self.process.result.error}"
                              if self.process.result else f"cannot start {argv[0]}")
        self.pgids.append(self.process.pid)

    def alive(self) -> bool:
        """True while the last start is running."""
        return self.process is not None and not self.process.poll()

    def failure(self) -> str | None:
        """The last line the program wrote to stderr, if it ended with an error."""
        if self.process is None or not self.process.poll() or self.process.proc is None:
            return None
        if self.process.proc.returncode in (0, None):
            return None
        err = Path(self.err_path)
        lines = err.read_text(errors="replace").splitlines() if err.is_file() else []
        return lines[-1] if lines else f"exit status {self.process.proc.returncode}"

    def stop(self) -> None:
        """SIGTERM to every group it started, then SIGKILL to whatever is left."""
        for pgid in self.pgids:
            _signal_group(pgid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        while time.monotonic() < deadline and self.left():
            time.sleep(0.05)
        for _ in range(50):
            if not self.left():
                break
            for pgid in self.pgids:
                _signal_group(pgid, signal.SIGKILL)
            time.sleep(0.05)
        if self.process is not None and self.process.proc is not None:
            self.process.proc.wait()
            self.process.wait()

    def left(self) -> list[int]:
        """Processes still alive in any of its groups."""
        pids = []
        for pgid in self.pgids:
            pids += group_members(pgid)
        if self.process is not None and self.process.proc is not None:
            self.process.proc.poll()  # reap the leader when it has ended
        return pids


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _stress_cpu(load: dict[str, Any], seconds: int) -> list[str]:
    return ["stress-ng", "--cpu", str(load["workers"]), "--cpu-method",
            load.get("method", "matrixprod"), "--timeout", f"{seconds}s", "--quiet"]


def _across_the_link(netns: Any, receiver: tuple[str, str], sender: tuple[str, str],
                     port: int, send_args: tuple[Any, ...], until: float,
                     log_dir: Any) -> list[Workload]:
    """A built-in receiver inside the private namespace and its sender on this host: the
    traffic crosses only the veth link between them. ``receiver`` and ``sender`` are the
    worker's mode and the process name it shows."""
    (listen_mode, listen_name), (send_mode, send_name) = receiver, sender
    listen = worker_argv(listen_mode, netns.peer_address, port, until=until,
                         name=listen_name)
    send = worker_argv(send_mode, netns.peer_address, port, *send_args, until=until,
                       name=send_name)
    return [Workload(listen_mode, listen, "built-in", log_dir=log_dir, netns=netns.name),
            Workload(send_mode, send, "built-in", log_dir=log_dir)]


def build_workloads(plan: Plan, *, until: float, cgroup: MemoryCgroup | None = None,
                    netns: NetNamespace | None = None, disk_dir: Path | None = None,
                    log_dir: Path | None = None,
                    cpu_cgroup: CpuCgroup | None = None) -> list[Workload]:
    """The :class:`Workload` list for ``plan``, ending at ``until`` (monotonic clock); a
    CPU load with a quota joins ``cpu_cgroup`` before it starts."""
    seconds = max(1, math.ceil(until - time.monotonic()))
    stress = plan.mechanism == "stress-ng"
    procs = cgroup.procs_file if cgroup is not None else None
    out: list[Workload] = []
    for index, load in enumerate(plan.loads):
        kind, nice = load["kind"], load.get("nice", 0)
        held = None
        if kind == "cpu" and "quota_percent" in load:
            assert cpu_cgroup is not None
            held = cpu_cgroup.procs_file
        if kind == "cpu" and stress:
            argv = worker_argv("exec", *_stress_cpu(load, seconds), until=until, nice=nice,
                               cgroup=held)
            out.append(Workload(f"cpu{index}", argv, "stress-ng", log_dir=log_dir))
        elif kind == "cpu":
            what = "spin-thread" if load.get("thread") else "spin"
            for n in range(load["workers"]):
                argv = worker_argv(what, until=until, nice=nice, name="perfkit-cpu",
                                   cgroup=held)
                out.append(Workload(f"cpu{index}.{n}", argv, "built-in", log_dir=log_dir))
        elif kind == "memory" and stress:
            argv = worker_argv("exec", "stress-ng", "--vm", "1", "--vm-bytes",
                               f"{load['mib']}M", "--vm-keep", "--timeout", f"{seconds}s",
                               "--quiet", until=until, cgroup=procs)
            out.append(Workload(f"memory{index}", argv, "stress-ng",
                                restart=load.get("restart", False), log_dir=log_dir))
        elif kind == "memory":
            argv = worker_argv("touch", load["mib"], until=until, cgroup=procs,
                               name="perfkit-memory")
            out.append(Workload(f"memory{index}", argv, "built-in",
                                restart=load.get("restart", False), log_dir=log_dir))
        elif kind == "write":
            assert disk_dir is not None
            for n in range(load.get("writers", 1)):
                if stress and load["sync"] in ("direct", "fdatasync"):
                    argv = worker_argv(
                        "exec", "stress-ng", "--hdd", "1", "--hdd-bytes",
                        f"{load['cap_mib']}M", "--hdd-write-size", f"{load['block_kib']}K",
                        "--hdd-opts", f"wr-seq,{load['sync']}", "--temp-path", str(disk_dir),
                        "--timeout", f"{seconds}s", "--quiet", until=until, nice=nice)
                    mechanism = "stress-ng"
                else:
                    argv = worker_argv("write", disk_dir / f"write{index}.{n}",
                                       load["cap_mib"], load["block_kib"], load["sync"],
                                       until=until, nice=nice, name="perfkit-write")
                    mechanism = "built-in"
                out.append(Workload(f"write{index}.{n}", argv, mechanism, log_dir=log_dir))
        elif kind == "tcp":
            assert netns is not None
            out += _across_the_link(netns, ("tcp-receive", "perfkit-tcp-recv"),
                                    ("tcp-send", "perfkit-tcp-send"), 5201,
                                    (load["chunk_kib"], load["every_ms"]), until, log_dir)
        elif kind == "spawn":
            for n in range(load["workers"]):
                argv = worker_argv("spawn", load["program"], load["rate"], until=until,
                                   name="perfkit-spawn")
                out.append(Workload(f"spawn{index}.{n}", argv, "built-in", log_dir=log_dir))
        elif kind == "switch":
            for n in range(load["pairs"]):
                argv = worker_argv("pingpong", until=until, nice=nice,
                                   name=load.get("name", "perfkit-switch"))
                out.append(Workload(f"switch{index}.{n}", argv, "built-in", log_dir=log_dir))
        elif kind == "udp":
            assert netns is not None
            out += _across_the_link(netns, ("udp-echo", "perfkit-udp-echo"),
                                    ("udp-send", "perfkit-udp-send"), 5202,
                                    (load["size"], load["rate"]), until, log_dir)
        else:  # pragma: no cover - make_plan only makes the kinds above
            raise ValueError(f"unknown load kind {kind!r}")
    return out


class Supervisor:
    """A thread that starts a load again when it ended early (``restart``: the process the
    OOM killer ends) and stops every load at ``until``."""

    def __init__(self, workloads: list[Workload], until: float) -> None:
        self.workloads = workloads
        self.until = until
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, name="perfkit-induce", daemon=True)

    def start(self) -> None:
        """Start watching."""
        self.thread.start()

    def _watch(self) -> None:
        while not self.done.wait(0.1):
            if time.monotonic() >= self.until:
                for workload in self.workloads:
                    workload.stop()
                return
            for workload in self.workloads:
                if workload.restart and not workload.alive():
                    time.sleep(RESTART_PAUSE)
                    if not self.done.is_set() and time.monotonic() < self.until:
                        workload.start()

    def stop(self) -> None:
        """Stop watching (the caller then stops the loads)."""
        self.done.set()
        if self.thread.is_alive():
            self.thread.join(timeout=5)


# --------------------------------------------------------------------------- taking hold


def _io_bytes(pgids: list[int]) -> int:
    total = 0
    for pgid in pgids:
        for pid in group_members(pgid):
            try:
                for line in Path(f"/proc/{pid}/io").read_text().splitlines():
                    if line.startswith("write_bytes:"):
                        total += int(line.split()[1])
            except (OSError, ValueError):
                continue
    return total


def sample(plan: Plan, workloads: list[Workload], *, window: float = 1.0,
           cgroup: MemoryCgroup | None = None, disk_dir: Path | None = None,
           cpu_cgroup: CpuCgroup | None = None, interface: str | None = None
           ) -> dict[str, Any]:
    """What the machine shows over ``window`` seconds: busy and nice CPUs (of /proc/stat),
    the CPUs the loads use, disk writes and utilisation, TCP retransmits, cgroup memory,
    processes started, the CPU cgroup's throttling, ``interface``'s packets."""
    pgids = [pgid for w in workloads for pgid in w.pgids]
    device = block_device(disk_dir) if disk_dir is not None else None
    cpu0, load0, snmp0, vm0 = cpu_times(), group_cpu_seconds(pgids), snmp_tcp(), vm_counters()
    disk0, io0 = (disk_counters(device) if device else None), _io_bytes(pgids)
    running0, forks0, switches0 = _procs_running(), processes_started(), context_switches()
    held0 = cpu_cgroup.stat() if cpu_cgroup is not None else {}
    net0 = net_packets(interface) if interface else None
    start = time.monotonic()
    time.sleep(window)
    elapsed = time.monotonic() - start
    cpu1, load1, snmp1, vm1 = cpu_times(), group_cpu_seconds(pgids), snmp_tcp(), vm_counters()
    disk1, io1 = (disk_counters(device) if device else None), _io_bytes(pgids)
    forks1, switches1 = processes_started(), context_switches()
    held1 = cpu_cgroup.stat() if cpu_cgroup is not None else {}
    net1 = net_packets(interface) if interface else None
    busy, nice = cpu_share(cpu0, cpu1), cpu_share(cpu0, cpu1, "nice")
    ncpu = len(cpu1) - 1
    out: dict[str, Any] = {
        "window_s": round(elapsed, 2),
        "busy_cpus": round(busy["all"] * ncpu, 2),
        "nice_cpus": round(nice["all"] * ncpu, 2),
        "busiest_cpu_busy": round(max((v for k, v in busy.items() if k != "all"),
                                      default=0.0), 2),
        "load_cpus": round(max(0.0, load1 - load0) / elapsed, 2),
        "procs_running": round((running0 + _procs_running()) / 2, 1),
        "loadavg_1min": float(Path("/proc/loadavg").read_text().split()[0]),
        "tcp_retrans_per_s": round((snmp1["RetransSegs"] - snmp0["RetransSegs"]) / elapsed, 1),
        "tcp_out_segs_per_s": round((snmp1["OutSegs"] - snmp0["OutSegs"]) / elapsed, 1),
        "swap_in_pages_per_s": round((vm1.get("pswpin", 0) - vm0.get("pswpin", 0)) / elapsed, 1),
        "swap_out_pages_per_s": round((vm1.get("pswpout", 0) - vm0.get("pswpout", 0))
                                      / elapsed, 1),
    }
    if any(load["kind"] == "switch" for load in plan.loads):
        out["context_switches_per_s"] = round((switches1 - switches0) / elapsed)
    if any(load["kind"] == "spawn" for load in plan.loads):
        out["processes_started_per_s"] = round((forks1 - forks0) / elapsed, 1)
    if held0 and held1:
        out["cgroup_throttled_periods_per_s"] = round(
            (held1.get("nr_throttled", 0) - held0.get("nr_throttled", 0)) / elapsed, 1)
        out["cgroup_throttled_share"] = round(
            (held1.get("throttled_s", 0) - held0.get("throttled_s", 0)) / elapsed, 2)
    if net0 and net1:
        out["interface"] = interface
        out["rx_packets_per_s"] = round((net1["rx_packets"] - net0["rx_packets"]) / elapsed)
        out["tx_packets_per_s"] = round((net1["tx_packets"] - net0["tx_packets"]) / elapsed)
    if plan.needs_disk:
        out["load_write_mib_per_s"] = round(max(0, io1 - io0) / elapsed / 2**20, 1)
    if disk0 and disk1:
        out["disk"] = device
        out["disk_writes_per_s"] = round((disk1["writes"] - disk0["writes"]) / elapsed, 1)
        out["disk_util"] = round(min(1.0, (disk1["io_ticks"] - disk0["io_ticks"])
                                     / 1000 / elapsed), 2)
    if cgroup is not None:
        out["cgroup_memory_mib"] = round(cgroup.usage() / 2**20, 1)
        swapped = cgroup.swap_usage()
        out["cgroup_swap_mib"] = None if swapped is None else round(swapped / 2**20, 1)
        out["cgroup_oom_kills"] = cgroup.oom_kills()
    return out


def _procs_running() -> int:
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("procs_running"):
            return int(line.split()[1])
    return 0


def fair_share(workers: int, nproc: int, runnable: float) -> float:
    """CPUs ``workers`` busy threads get when ``runnable`` threads (theirs included) share
    ``nproc`` CPUs equally.

    >>> fair_share(4, 2, 4), fair_share(1, 2, 1), fair_share(1, 2, 4), fair_share(4, 2, 16)
    (2, 1, 0.5, 0.5)
    """
    return min(workers, nproc, nproc * workers / max(runnable, workers, 1))


def check_hold(plan: Plan, seen: dict[str, Any], nproc: int) -> list[str]:
    """What has not taken hold yet in ``seen`` (a :func:`sample`): empty once it has."""
    waiting = []
    params = plan.params
    for load in plan.loads:
        kind = load["kind"]
        if kind == "cpu" and "quota_percent" in load:
            # held back: the quota runs out period after period, and it still runs
            if seen.get("cgroup_throttled_periods_per_s", 0) <= 0:
                waiting.append("periods in which the cgroup is held back")
            if seen["load_cpus"] < 0.05:
                waiting.append("CPU time of the held load")
        elif kind == "cpu" and load.get("nice"):
            # a niced load only takes what others leave: any niced time shows it runs
            if seen["nice_cpus"] < 0.05 or seen["load_cpus"] < 0.05:
                waiting.append("niced CPU time")
        elif kind == "cpu":
            # the CPUs it can fill are busy, and the load has at least a quarter of its fair
            # part of them (other work on a shared machine takes the rest)
            cpus = min(load["workers"], nproc)
            if seen["busy_cpus"] < 0.8 * cpus:
                waiting.append(f"{0.8 * cpus:.1f} busy CPUs")
            want = 0.25 * fair_share(load["workers"], nproc, seen["procs_running"])
            if seen["load_cpus"] < want:
                waiting.append(f"the loads to use {want:.2f} CPUs")
        elif kind == "memory" and load.get("restart"):
            if seen.get("cgroup_oom_kills", 0) < 1:
                waiting.append("an OOM kill in the cgroup")
        elif kind == "memory":
            limit = params["cgroup_limit_mib"]
            swap_goal = min(params.get("cgroup_swap_mib", 0), load["mib"] - limit) * 0.25
            if seen.get("cgroup_memory_mib", 0) < 0.8 * limit:
                waiting.append("the cgroup's memory to reach its limit")
            elif seen.get("cgroup_swap_mib") is None:  # v1 without swap accounting
                if seen.get("swap_out_pages_per_s", 0) <= 0:
                    waiting.append("pages going to swap")
            elif seen["cgroup_swap_mib"] < swap_goal:
                waiting.append(f"{swap_goal:.0f} MiB of the cgroup in swap")
        elif kind == "write":
            if seen.get("load_write_mib_per_s", 0) <= 0 and seen.get("disk_writes_per_s",
                                                                      0) <= 0:
                waiting.append("disk writes")
        elif kind == "tcp" and seen["tcp_retrans_per_s"] <= 0:
            waiting.append("TCP retransmits")
        elif kind == "spawn":
            # a quarter of the asked rate (the starter gets only its part of a busy machine)
            want = 0.25 * load["rate"] * load["workers"] * fair_share(
                1, nproc, seen["procs_running"])
            if seen.get("processes_started_per_s", 0) < want:
                waiting.append(f"{want:.0f} processes started a second")
        elif kind == "switch":
            # a hand-over is two switches; a pair makes tens of thousands a second even on
            # a slow or shared machine
            if seen.get("context_switches_per_s", 0) < 20000 * load["pairs"]:
                waiting.append(f"{20000 * load['pairs']} context switches a second")
        elif kind == "udp":
            want = min(1000.0, 0.05 * load["rate"])
            if min(seen.get("rx_packets_per_s", 0), seen.get("tx_packets_per_s", 0)) < want:
                waiting.append(f"{want:.0f} packets a second each way on the veth link")
    return waiting
