"""Induce a course scenario on this machine, safely: ``perfkit induce NAME``.

The eight recorded scenarios (``perfkit samples``) can be reproduced on your own Linux
machine or VM, to capture and study them live, and so can two more (short-lived processes,
a high packet rate) for what the checklist alone misses. Each load is bounded:

* in time: it ends ``duration`` seconds after it started (each program also carries its own
  deadline, so it ends even if perfkit is killed with SIGKILL);
* in memory: memory-swap and oom-kill run inside a memory cgroup of their own (cgroup v2
  ``memory.max``/``memory.swap.max``, or v1 ``memory.limit_in_bytes`` and
  ``memory.memsw.limit_in_bytes`` where that is what the machine has), never against the
  whole machine's memory;
* on disk: writes go to capped temporary files (``--dir``, default /var/tmp), deleted after;
* on the network: traffic goes only over a veth link to a private network namespace,
  and packets are lost only there (netem, or nftables inside the namespace where the
  kernel has no netem).

memory-swap needs swap: where the machine has none, it adds a swap file (1 GiB by
default, in ``--dir``), turns it on for the run only, and turns it off and deletes it
afterwards; the cgroup limits how much of the swap the load may use.

Everything is removed on a normal end, on Ctrl-C, SIGTERM and SIGHUP: the loads (each in a
process group of its own, killed as a group, and the cgroup emptied), the cgroup, the
namespace, the swap file, the temporary files. Where the scenario cannot run safely (not
root, no memory cgroup, too little free disk or memory) it is refused with one line saying
what is missing (:class:`InduceRefused`; the command exits with status 2).

``induced()`` starts the load, waits until it has taken hold (the CPUs busy, the cgroup
full, the first OOM kill, disk writes, retransmits) and yields an :class:`InducedRun`, whose
:meth:`~InducedRun.record` is the ground truth to store with a capture:

>>> with induced("hot-thread", duration=60) as run:  # doctest: +SKIP
...     ...  # capture here
>>> run.record()["mechanism"]  # doctest: +SKIP
'stress-ng'

The mystery scenario is the workshop mystery: what it runs is sealed in the record
(``sealed``, read it with :func:`perfkit.capture.induce.plan.unseal`) and not printed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...runner import utc_now
from .loads import (
    InduceError,
    Supervisor,
    Workload,
    build_workloads,
    check_hold,
    sample,
    shown_argv,
)
from .plan import (
    DESCRIPTIONS,
    SCENARIOS,
    Facts,
    InduceRefused,
    Plan,
    make_plan,
    seal,
    unseal,
)
from .resources import (
    PREFIX,
    CpuCgroup,
    MemoryCgroup,
    NetNamespace,
    SetupError,
    SwapFile,
)
from .system import cpu_times, gather_facts

__all__ = ["DESCRIPTIONS", "SCENARIOS", "InduceError", "InduceRefused", "InducedRun",
           "Stopped", "induced", "plan", "unseal"]

#: Where temporary files and swap files go unless told otherwise.
DEFAULT_DIR = "/var/tmp"
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived while a load ran (``signum`` says which); like Ctrl-C's
    KeyboardInterrupt, it ends the ``with`` block after everything is cleaned up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def plan(scenario: str, duration: float = 60.0, *, builtin: bool = False,
         directory: str = DEFAULT_DIR, options: dict[str, Any] | None = None,
         facts: Facts | None = None) -> Plan:
    """What :func:`induced` would run here, or :class:`InduceRefused` (nothing is started).

    >>> plan("idle", 10).mechanism
    'none'
    """
    if facts is None:
        if not os.path.isdir(directory):
            raise InduceRefused(f"{scenario}: the directory for temporary files {directory} "
                                "does not exist (choose another with --dir)")
        facts = gather_facts(directory)
    return make_plan(scenario, duration, facts, builtin=builtin, options=options)


@dataclass
class InducedRun:
    """A running (then finished) scenario: the ground truth for a capture.

    ``until`` is the load's end on the monotonic clock; ``evidence`` is what the machine
    showed when the load took hold; ``left`` lists whatever could not be removed (empty
    after a clean run); ``stopped_by`` names the signal that ended it early.
    """

    plan: Plan
    started_utc: str = ""
    until: float = 0.0
    took_hold: bool = False
    took_hold_utc: str | None = None
    hold_seconds: float | None = None
    waiting_for: list[str] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)
    resources: dict[str, Any] = field(default_factory=dict)
    workloads: list[Workload] = field(default_factory=list)
    ended_utc: str | None = None
    stopped_by: str | None = None
    left: list[str] = field(default_factory=list)

    def remaining(self) -> float:
        """Seconds until the load ends (0 once it has)."""
        return max(0.0, self.until - time.monotonic())

    def record(self) -> dict[str, Any]:
        """The ground truth as a JSON-ready dict: scenario, parameters, mechanism, start and
        end times (UTC ISO), whether and when the load took hold, and what it looked like.
        For the workshop mystery the details are under ``sealed``."""
        details = {
            "parameters": {**self.plan.params, "loads": self.plan.loads},
            "workloads": [{"label": w.label, "mechanism": w.mechanism, "argv": shown_argv(w.argv),
                           "starts": w.starts, "process_groups": w.pgids}
                          for w in self.workloads],
            "evidence": self.evidence,
            "resources": self.resources,
            "waiting_for": self.waiting_for,
        }
        out: dict[str, Any] = {
            "scenario": self.plan.scenario,
            "description": DESCRIPTIONS[self.plan.scenario],
            "mechanism": self.plan.mechanism,
            "duration_s": self.plan.duration,
            "started_utc": self.started_utc,
            "took_hold": self.took_hold,
            "took_hold_utc": self.took_hold_utc,
            "hold_seconds": self.hold_seconds,
            "ended_utc": self.ended_utc,
            "stopped_by": self.stopped_by,
            "left": self.left,
        }
        if self.plan.sealed:
            out["sealed"] = seal(details)
        else:
            out.update(details)
        return out


def _describe(plan: Plan) -> str:
    """One line on what the loads are (not for a sealed plan)."""
    parts = []
    for load in plan.loads:
        kind = load["kind"]
        if kind == "cpu":
            what = "thread" if load.get("thread") else "workers"
            parts.append(f"{load['workers']} CPU {what}" + (
                f" held to {load['quota_percent']} % of one CPU by a cgroup's CPU quota"
                if "quota_percent" in load else ""))
        elif kind == "memory":
            parts.append(f"a process touching {load['mib']} MiB"
                         + (" (started again after each kill)" if load.get("restart") else ""))
        elif kind == "write":
            parts.append(f"{load.get('writers', 1)} writer(s) of {load['block_kib']} KiB "
                         f"blocks ({load['sync']}) to files capped at {load['cap_mib']} MiB")
        elif kind == "tcp":
            parts.append(f"a TCP stream of {load['chunk_kib']} KiB every "
                         f"{load['every_ms']} ms")
        elif kind == "spawn":
            parts.append(f"{load['workers']} process(es) starting {load['program']} up to "
                         f"{load['rate']} times a second each")
        elif kind == "udp":
            parts.append(f"{load['size']}-byte UDP datagrams, up to {load['rate']} a second, "
                         "echoed back")
        elif kind == "switch":
            parts.append(f"{load['pairs']} pair(s) of processes handing a byte back and "
                         "forth over pipes")
    params = plan.params
    if "cgroup_limit_mib" in params:
        parts.append(f"in a memory cgroup of {params['cgroup_limit_mib']} MiB "
                     f"(+{params.get('cgroup_swap_mib', 0)} MiB swap)")
    if params.get("swap_file_mib"):
        parts.append(f"with a {params['swap_file_mib']} MiB swap file for the run")
    if params.get("loss_percent"):
        parts.append(f"losing {params['loss_percent']} % of packets on a private veth link")
    elif "loss_percent" in params:
        parts.append("on a private veth link")
    return "; ".join(parts) or "no load"


@contextlib.contextmanager
def _stop_signals(run: InducedRun) -> Iterator[Callable[[], None]]:
    """While the load runs (main thread only), SIGTERM and SIGHUP raise :class:`Stopped` and
    SIGINT KeyboardInterrupt; the yielded function ignores all three for the cleanup."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: None
        return
    saved = {sig: signal.getsignal(sig) for sig in _STOP_SIGNALS}

    def stop(signum: int, _frame: Any) -> None:
        run.stopped_by = signal.Signals(signum).name
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Stopped(signum)

    for sig in _STOP_SIGNALS:
        signal.signal(sig, stop)

    def hold_off() -> None:
        for sig in _STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)

    try:
        yield hold_off
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def induced(scenario: str, duration: float = 60.0, *, builtin: bool = False,
            directory: str = DEFAULT_DIR, options: dict[str, Any] | None = None,
            hold_timeout: float | None = None, say: Callable[[str], None] | None = None,
            track: list[InducedRun] | None = None) -> Iterator[InducedRun]:
    """Run ``scenario`` for at most ``duration`` seconds; yields its :class:`InducedRun`
    once the load has taken hold (or ``hold_timeout`` seconds passed, default half the
    duration up to 30 s: then ``took_hold`` is False and ``waiting_for`` says what is
    missing). Everything is removed when the block ends, however it ends.

    Raises :class:`InduceRefused` before starting anything when it cannot run safely (or
    when a resource cannot be set up: what was made is removed first), and
    :class:`InduceError` when a load fails. ``builtin`` uses the built-in loads even where
    stress-ng is installed; ``directory`` holds temporary and swap files; ``options``
    change the plan's defaults (see :func:`perfkit.capture.induce.plan.make_plan`); ``say`` gets
    one line per step (``print`` for the command line); ``track`` receives the run as
    soon as it exists (so a caller sees what was left even when setting up failed).
    """
    def tell(line: str) -> None:
        if say is None:
            return
        try:
            say(line)
        except OSError:  # a closed terminal (SIGHUP) or pipe must not stop the cleanup
            pass

    the_plan = plan(scenario, duration, builtin=builtin, directory=directory, options=options)
    run = InducedRun(the_plan)
    if track is not None:
        track.append(run)
    cleanups: list[Callable[[], list[str]]] = []
    with _stop_signals(run) as hold_off:
        try:
            _set_up(run, directory, cleanups, tell)
            _wait_for_hold(run, hold_timeout, tell)
            yield run
        except KeyboardInterrupt:
            run.stopped_by = run.stopped_by or "SIGINT"
            raise
        finally:
            hold_off()
            tell("stopping the load and cleaning up")
            for cleanup in reversed(cleanups):
                try:
                    run.left += cleanup()
                except Exception as exc:  # keep removing the rest
                    run.left.append(f"cleanup failed: {exc}")
            run.ended_utc = utc_now()
            if run.left:
                tell("could not remove: " + "; ".join(run.left))
            else:
                tell("cleaned up: no load process, cgroup, namespace, swap or temporary "
                     "file is left")


def _remove_dir(path: Path) -> list[str]:
    shutil.rmtree(path, ignore_errors=True)
    return [f"directory {path}"] if path.exists() else []


def _set_up(run: InducedRun, directory: str, cleanups: list[Callable[[], list[str]]],
            tell: Callable[[str], None]) -> None:
    """Create the resources, then start the loads (each step registers its cleanup first)."""
    the_plan = run.plan
    sealed = the_plan.sealed
    tell(f"{the_plan.scenario}: {DESCRIPTIONS[the_plan.scenario]}")
    if not sealed:
        tell(f"{_describe(the_plan)}; mechanism: {the_plan.mechanism}; "
             f"for {the_plan.duration:g} s")
    else:
        tell(f"what it runs is sealed; mechanism: {the_plan.mechanism}; "
             f"for {the_plan.duration:g} s")
    log_dir = Path(tempfile.mkdtemp(prefix=f"{PREFIX}-{run_id()}-log-"))
    cleanups.append(lambda: _remove_dir(log_dir))
    params = the_plan.params
    disk_dir = cgroup = netns = cpu_cgroup = None
    try:
        if the_plan.needs_disk:
            disk_dir = Path(tempfile.mkdtemp(prefix=f"{PREFIX}-{run_id()}-", dir=directory))
            cleanups.append(lambda: _remove_dir(disk_dir))
            run.resources["temporary_directory"] = str(disk_dir)
            if not sealed:
                tell(f"temporary files in {disk_dir} (capped at "
                     f"{the_plan.disk_cap_mib()} MiB)")
        if params.get("swap_file_mib"):
            swap = SwapFile(Path(directory), params["swap_file_mib"])
            cleanups.append(swap.remove)
            tell(f"adding a {swap.mib} MiB swap file in {directory} for the run")
            swap.create()
            run.resources["swap_file"] = str(swap.path)
        if the_plan.needs_cgroup:
            cgroup = MemoryCgroup(f"{PREFIX}-{run_id()}-{the_plan.scenario}",
                                  params["cgroup_limit_mib"], params.get("cgroup_swap_mib", 0))
            cleanups.append(cgroup.remove)
            cgroup.create()
            run.resources["cgroup"] = str(cgroup.path)
            run.resources["cgroup_version"] = cgroup.version
            tell(f"memory cgroup {cgroup.path} ({cgroup.version})")
        if the_plan.needs_cpu_cgroup:
            quota = next(load["quota_percent"] for load in the_plan.loads
                         if "quota_percent" in load)
            cpu_cgroup = CpuCgroup(f"{PREFIX}-{run_id()}-{the_plan.scenario}-cpu", quota)
            cleanups.append(cpu_cgroup.remove)
            cpu_cgroup.create()
            run.resources["cpu_cgroup"] = str(cpu_cgroup.path)
            run.resources["cpu_cgroup_version"] = cpu_cgroup.version
            if not sealed:
                tell(f"cpu cgroup {cpu_cgroup.path} ({cpu_cgroup.version}): at most "
                     f"{cpu_cgroup.quota_percent} % of one CPU")
        if the_plan.needs_netns:
            netns = NetNamespace(params["loss_percent"])
            cleanups.append(netns.remove)
            netns.create()
            run.resources.update(netns=netns.name, veth=[netns.host_if, netns.peer_if],
                                 addresses=[netns.host_address, netns.peer_address],
                                 loss=netns.loss_method)
            tell(f"network namespace {netns.name}: {netns.host_if} {netns.host_address} "
                 f"<-> {netns.peer_address}; loss: {netns.loss_method}")
    except SetupError as exc:
        raise InduceRefused(f"{the_plan.scenario}: {exc}") from exc
    except OSError as exc:  # a directory that is not writable, a full disk
        raise InduceRefused(f"{the_plan.scenario}: cannot set up: {exc}") from exc
    run.until = time.monotonic() + the_plan.duration
    run.started_utc = utc_now()
    workloads = build_workloads(the_plan, until=run.until, cgroup=cgroup, netns=netns,
                                disk_dir=disk_dir, log_dir=log_dir, cpu_cgroup=cpu_cgroup)
    run.workloads = workloads
    supervisor = Supervisor(workloads, run.until)

    def stop_loads() -> list[str]:
        supervisor.stop()
        left = []
        for workload in workloads:
            workload.stop()
            left += [f"process {pid} ({workload.label})" for pid in workload.left()]
        return left

    cleanups.append(stop_loads)
    for workload in workloads:
        workload.start()
    supervisor.start()
    if workloads:
        tell(f"started {len(workloads)} load process(es) at {run.started_utc}")


def run_id() -> str:
    """This process's id, the part of every resource name that keeps runs apart."""
    return str(os.getpid())


def _failed(run: InducedRun) -> str | None:
    for workload in run.workloads:
        if not workload.restart and not workload.alive():
            problem = workload.failure()
            if problem and time.monotonic() < run.until:
                label = "a load" if run.plan.sealed else workload.label
                return f"{label} ({workload.mechanism}) failed: {problem}"
    return None


def _wait_for_hold(run: InducedRun, hold_timeout: float | None,
                   tell: Callable[[str], None]) -> None:
    the_plan = run.plan
    if not the_plan.loads:
        run.took_hold, run.took_hold_utc, run.hold_seconds = True, utc_now(), 0.0
        return
    limit = hold_timeout if hold_timeout is not None else min(30.0, the_plan.duration / 2)
    start = time.monotonic()
    nproc = len(cpu_times()) - 1
    cgroup_path = run.resources.get("cgroup")
    cgroup = None
    if cgroup_path:
        cgroup = MemoryCgroup(Path(cgroup_path).name, 0, 0, run.resources["cgroup_version"],
                              Path(cgroup_path))
    cpu_cgroup = None
    if run.resources.get("cpu_cgroup"):
        held = Path(run.resources["cpu_cgroup"])
        cpu_cgroup = CpuCgroup(held.name, 0, run.resources["cpu_cgroup_version"], held)
    veth = run.resources.get("veth")
    disk_dir = run.resources.get("temporary_directory")
    while True:
        seen = sample(the_plan, run.workloads, window=1.0, cgroup=cgroup,
                      disk_dir=Path(disk_dir) if disk_dir else None, cpu_cgroup=cpu_cgroup,
                      interface=veth[0] if veth else None)
        problem = _failed(run)
        if problem:
            raise InduceError(problem)
        waiting = check_hold(the_plan, seen, nproc)
        elapsed = time.monotonic() - start
        if not waiting or elapsed >= limit or run.remaining() <= 0:
            break
    run.evidence, run.waiting_for = seen, waiting
    run.hold_seconds = round(elapsed, 1)
    run.took_hold = not waiting
    if run.took_hold:
        run.took_hold_utc = utc_now()
        if the_plan.sealed:
            tell(f"the load took hold after {elapsed:.1f} s")
        else:
            tell(f"the load took hold after {elapsed:.1f} s: {_evidence_line(seen)}")
    elif the_plan.sealed:  # what it waits for would say what it runs
        tell(f"warning: after {elapsed:.1f} s the load has not taken hold")
    else:
        tell(f"warning: after {elapsed:.1f} s still waiting for " + ", ".join(waiting))


def _evidence_line(seen: dict[str, Any]) -> str:
    names = ("busy_cpus", "nice_cpus", "load_cpus", "procs_running", "cgroup_memory_mib",
             "cgroup_swap_mib", "cgroup_oom_kills", "swap_in_pages_per_s",
             "swap_out_pages_per_s", "disk_util", "disk_writes_per_s",
             "load_write_mib_per_s", "tcp_retrans_per_s", "processes_started_per_s",
             "cgroup_throttled_periods_per_s", "cgroup_throttled_share",
             "rx_packets_per_s", "tx_packets_per_s")
    return ", ".join(f"{name} {seen[name]}" for name in names if name in seen)
