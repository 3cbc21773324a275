"""What ``perfkit induce`` would do for a scenario here, or why it refuses: no side effects.

:func:`make_plan` takes the scenario, the duration and the :class:`Facts` of the machine
(gathered by :func:`perfkit.capture.induce.system.gather_facts`, or written by hand in tests) and
returns a :class:`Plan`: the loads to start, the resources they need (a memory cgroup, a
swap file, a network namespace, a directory for capped temporary files) and the mechanism
(stress-ng, or the built-in loads of ``worker.py``). When the scenario cannot run
safely it raises :class:`InduceRefused` with one line saying what is missing.

>>> facts = Facts(euid=0, nproc=2, mem_available=8 << 30, swap_total=0,
...               memory_cgroup="v1", memsw=True, disk_free=50 << 30, fstype="ext4",
...               tools=frozenset({"stress-ng", "ip", "tc", "mkswap", "swapon", "swapoff"}))
>>> plan = make_plan("cpu-saturation", 30, facts)
>>> plan.mechanism, plan.loads
('stress-ng', [{'kind': 'cpu', 'workers': 4, 'method': 'matrixprod'}])
>>> make_plan("oom-kill", 30, Facts(**{**facts.__dict__, "euid": 1000}))
Traceback (most recent call last):
...
perfkit.capture.induce.plan.InduceRefused: oom-kill needs root (a memory cgroup); run it as root
"""

from __future__ import annotations

import base64
import copy
import json
from dataclasses import dataclass, field
from typing import Any

#: The scenarios, in the course's order: the recorded ones first (as
#: data/scenarios/MANIFEST.tsv lists them), then those not recorded yet.
SCENARIOS = ("idle", "cpu-saturation", "hot-thread", "memory-swap", "oom-kill",
             "disk-saturation", "network-retrans", "mystery", "short-lived", "packet-rate",
             "cpu-limit")

#: What each scenario does, as ``perfkit induce`` prints it.
DESCRIPTIONS = {
    "idle": "no load: the machine as it is, for comparison",
    "cpu-saturation": "more busy threads than CPUs: every CPU busy, a run queue",
    "hot-thread": "one thread keeps one CPU at 100 % while the others idle",
    "memory-swap": "a process larger than its memory cgroup: its pages go to swap",
    "oom-kill": "a process outgrows its memory cgroup (no swap): the OOM killer ends it, "
                "again and again",
    "disk-saturation": "direct writes (O_DIRECT) to capped temporary files keep their disk busy",
    "network-retrans": "a TCP stream over a private veth link that loses packets: "
                       "retransmits",
    "mystery": "the workshop mystery",
    "short-lived": "hundreds of processes a second, each living milliseconds: CPU time "
                   "that no process listed accounts for",
    "packet-rate": "small UDP packets at a high rate over a private veth link: the "
                   "network's cost in CPU (softirq, system time)",
    "cpu-limit": "a CPU-bound process held by a CPU quota (a cgroup of its own) at a fifth "
                 "of one CPU: it waits to run while the CPUs sit idle",
}

#: Load kinds only the built-in loads do (stress-ng has no part in them).
BUILTIN_ONLY = frozenset({"tcp", "spawn", "udp", "switch"})
#: Longest load perfkit induces (seconds).
MAX_DURATION = 3600.0
#: Most processes a second the short-lived load may start, and packets a second.
MAX_SPAWN_RATE = 2000
MAX_PACKET_RATE = 200000
#: Free disk kept beyond a temporary file or swap file (bytes).
DISK_MARGIN = 1 << 30
#: Free memory kept beyond a memory cgroup's limit (bytes).
MEMORY_MARGIN = 512 << 20
#: File systems that keep files in memory, or cannot hold a swap file.
MEMORY_FILESYSTEMS = frozenset({"tmpfs", "ramfs"})
NO_SWAPFILE_FILESYSTEMS = MEMORY_FILESYSTEMS | {"overlay", "btrfs", "nfs", "nfs4", "cifs",
                                                "fuse", "zfs", "9p", "virtiofs"}

# The workshop's mystery: its loads are kept sealed (base64 of their JSON) so that neither
# this file's text nor ``perfkit induce``'s output gives the answer away; see
# :func:`unseal`.
_SEALED_MYSTERY = (
    "W3sia2luZCI6ICJzd2l0Y2giLCAicGFpcnMiOiAyLCAibmFtZSI6ICJhcHAtd29ya2VyIn1d"
)


class InduceRefused(RuntimeError):
    """A scenario cannot run safely here; the message is one line saying what is missing."""


@dataclass(frozen=True)
class Facts:
    """What the plan depends on, read from the machine (or written by a test).

    ``memory_cgroup`` is ``"v2"``, ``"v1"`` or ``None``; ``memsw`` says whether a v1 cgroup
    can limit memory+swap; ``disk_free`` and ``fstype`` describe the directory for temporary
    files; ``tools`` are the programs found on ``PATH``; ``cpu_cgroup`` is ``"v2"``,
    ``"v1"`` or ``None``: where a CPU quota can be set.
    """

    euid: int
    nproc: int
    mem_available: int
    swap_total: int
    memory_cgroup: str | None
    memsw: bool
    disk_free: int
    fstype: str
    tools: frozenset[str] = field(default_factory=frozenset)
    cpu_cgroup: str | None = None


@dataclass
class Plan:
    """What to start: ``loads`` (dicts with a ``kind``: cpu, memory, write, tcp, spawn,
    udp, switch; a cpu load with ``quota_percent`` runs in a CPU cgroup of its own) and the
    resources in ``params`` (``cgroup_limit_mib``, ``cgroup_swap_mib``, ``swap_file_mib``,
    ``loss_percent``...), the ``mechanism`` (``"stress-ng"``, ``"built-in"`` or ``"none"``).
    ``sealed`` plans do not say what they do."""

    scenario: str
    duration: float
    mechanism: str
    loads: list[dict[str, Any]]
    params: dict[str, Any]
    sealed: bool = False

    @property
    def needs_cgroup(self) -> bool:
        """True when the loads run in a memory cgroup of their own."""
        return "cgroup_limit_mib" in self.params

    @property
    def needs_cpu_cgroup(self) -> bool:
        """True when a CPU load runs under a CPU quota (in a cgroup of its own)."""
        return any("quota_percent" in load for load in self.loads)

    @property
    def needs_disk(self) -> bool:
        """True when a load writes temporary files."""
        return any(load["kind"] == "write" for load in self.loads)

    @property
    def needs_netns(self) -> bool:
        """True when the scenario needs its private network namespace."""
        return any(load["kind"] in ("tcp", "udp") for load in self.loads)

    def disk_cap_mib(self) -> int:
        """MiB all temporary files together may reach."""
        return sum(load["cap_mib"] * load.get("writers", 1) for load in self.loads
                   if load["kind"] == "write")


def unseal(text: str) -> Any:
    """The JSON a sealed record holds (for teachers).

    >>> unseal(seal({"a": 1}))
    {'a': 1}
    """
    return json.loads(base64.b64decode(text.encode("ascii")).decode("utf-8"))


def seal(value: Any) -> str:
    """``value`` as base64 of its JSON: readable with :func:`unseal`, not at a glance."""
    return base64.b64encode(json.dumps(value).encode("utf-8")).decode("ascii")


def _defaults(scenario: str, facts: Facts) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    if scenario == "idle":
        return [], {}
    if scenario == "cpu-saturation":
        return [{"kind": "cpu", "workers": 2 * facts.nproc, "method": "matrixprod"}], {}
    if scenario == "hot-thread":
        return [{"kind": "cpu", "workers": 1, "method": "matrixprod", "thread": True}], {}
    if scenario == "memory-swap":
        params = {"cgroup_limit_mib": 256, "cgroup_swap_mib": 768,
                  "swap_file_mib": 1024 if facts.swap_total == 0 else 0}
        return [{"kind": "memory", "mib": 512}], params
    if scenario == "oom-kill":
        params = {"cgroup_limit_mib": 128, "cgroup_swap_mib": 0}
        return [{"kind": "memory", "mib": 300, "restart": True}], params
    if scenario == "disk-saturation":
        return [{"kind": "write", "writers": 2, "cap_mib": 256, "block_kib": 1024,
                 "sync": "direct"}], {}
    if scenario == "network-retrans":
        return [{"kind": "tcp", "chunk_kib": 64, "every_ms": 10}], {"loss_percent": 5}
    if scenario == "mystery":
        return unseal(_SEALED_MYSTERY), {}
    if scenario == "short-lived":
        return [{"kind": "spawn", "workers": 1, "rate": 300, "program": "/bin/true"}], {}
    if scenario == "packet-rate":
        return [{"kind": "udp", "size": 64, "rate": 20000}], {"loss_percent": 0}
    if scenario == "cpu-limit":
        return [{"kind": "cpu", "workers": 1, "method": "matrixprod", "quota_percent": 20}], {}
    raise ValueError(f"unknown scenario {scenario!r}; known: {', '.join(SCENARIOS)}")


def _apply(loads: list[dict[str, Any]], params: dict[str, Any],
           options: dict[str, Any]) -> None:
    """Options override a param of that name, else the same key of every load that has it."""
    for key, value in options.items():
        if key in params:
            params[key] = value
            continue
        hits = [load for load in loads if key in load]
        if not hits:
            raise ValueError(f"unknown option {key!r}")
        for load in hits:
            load[key] = value


def _check_duration(duration: float) -> None:
    if not 0 < duration <= MAX_DURATION:
        raise InduceRefused(f"duration must be more than 0 and at most {MAX_DURATION:.0f} s "
                            f"(got {duration:g})")


def _check_memory(scenario: str, params: dict[str, Any], facts: Facts) -> None:
    if facts.euid != 0:
        raise InduceRefused(f"{scenario} needs root (a memory cgroup); run it as root")
    if facts.memory_cgroup is None:
        raise InduceRefused(f"{scenario} needs a memory cgroup: neither cgroup v2 with the "
                            "memory controller nor v1 /sys/fs/cgroup/memory is mounted")
    need = (params["cgroup_limit_mib"] << 20) + MEMORY_MARGIN
    if facts.mem_available < need:
        raise InduceRefused(f"{scenario} needs {need >> 20} MiB of available memory; "
                            f"only {facts.mem_available >> 20} MiB is available")
    swap_file = params.get("swap_file_mib", 0)
    if swap_file:
        missing = sorted({"mkswap", "swapon", "swapoff"} - facts.tools)
        if missing:
            raise InduceRefused(f"{scenario}: this machine has no swap and "
                                f"{', '.join(missing)} is missing to add a swap file")
        if facts.fstype in NO_SWAPFILE_FILESYSTEMS:
            raise InduceRefused(f"{scenario}: this machine has no swap and the directory for "
                                f"temporary files is on {facts.fstype}, which cannot hold "
                                "a swap file (choose another with --dir)")
        need_disk = (swap_file << 20) + DISK_MARGIN
        if facts.disk_free < need_disk:
            raise InduceRefused(f"{scenario}: a {swap_file} MiB swap file needs "
                                f"{need_disk >> 20} MiB of free disk; only "
                                f"{facts.disk_free >> 20} MiB is free")


def _check_disk(scenario: str, plan: Plan, facts: Facts) -> None:
    if facts.fstype in MEMORY_FILESYSTEMS:
        raise InduceRefused(f"{scenario}: the directory for temporary files is on "
                            f"{facts.fstype} (memory, not a disk); choose another with --dir")
    need = (plan.disk_cap_mib() << 20) + DISK_MARGIN
    if facts.disk_free < need:
        raise InduceRefused(f"{scenario} needs {need >> 20} MiB of free disk for its capped "
                            f"temporary files; only {facts.disk_free >> 20} MiB is free")


def _check_options(scenario: str, loads: list[dict[str, Any]], params: dict[str, Any],
                   facts: Facts) -> None:
    """Changed defaults stay sane: positive sizes, a bounded number of processes."""
    most = max(8, 4 * facts.nproc)
    for load in loads:
        if not 1 <= load.get("workers", 1) <= most:
            raise InduceRefused(f"{scenario}: workers must be from 1 to {most} here")
        for key in ("mib", "cap_mib", "block_kib", "chunk_kib", "every_ms", "rate", "size",
                    "pairs"):
            if key in load and not (isinstance(load[key], int) and load[key] > 0):
                raise InduceRefused(f"{scenario}: {key} must be a whole number above 0")
    for key, value in params.items():
        if not isinstance(value, (int, float)) or value < 0:
            raise InduceRefused(f"{scenario}: {key} must be a number, 0 or more")
    if not 0 <= params.get("loss_percent", 0) <= 100:
        raise InduceRefused(f"{scenario}: loss_percent must be from 0 to 100")
    for load in loads:
        if not 1 <= load.get("quota_percent", 1) <= 100:
            raise InduceRefused(f"{scenario}: quota_percent must be from 1 to 100")
        if load["kind"] == "switch" and load["pairs"] > most:
            raise InduceRefused(f"{scenario}: pairs must be from 1 to {most} here")
        if load["kind"] == "spawn" and load["rate"] > MAX_SPAWN_RATE:
            raise InduceRefused(f"{scenario}: rate must be at most {MAX_SPAWN_RATE} here")
        if load["kind"] == "udp" and not (load["rate"] <= MAX_PACKET_RATE
                                          and load["size"] <= 1400):
            raise InduceRefused(f"{scenario}: rate must be at most {MAX_PACKET_RATE} and "
                                "size at most 1400 bytes")


def _check_network(scenario: str, params: dict[str, Any], facts: Facts) -> None:
    if facts.euid != 0:
        raise InduceRefused(f"{scenario} needs root (a network namespace); run it as root")
    if "ip" not in facts.tools:
        raise InduceRefused(f"{scenario} needs ip (iproute2) for its network namespace")
    if params.get("loss_percent") and not {"tc", "nft"} & facts.tools:
        raise InduceRefused(f"{scenario} needs tc (netem) or nft to drop packets")


def _check_cpu_cgroup(scenario: str, facts: Facts) -> None:
    # in general terms, as a refusal is printed before anything runs
    if facts.euid != 0:
        raise InduceRefused(f"{scenario} needs root (a cgroup); run it as root")
    if facts.cpu_cgroup is None:
        raise InduceRefused(f"{scenario} needs a cgroup controller this machine does not "
                            "offer (neither enabled in cgroup v2 nor mounted as v1)")


def make_plan(scenario: str, duration: float, facts: Facts, *, builtin: bool = False,
              options: dict[str, Any] | None = None) -> Plan:
    """The plan for ``scenario`` for ``duration`` seconds, or :class:`InduceRefused`.

    ``builtin`` forces the built-in loads even where stress-ng is installed; ``options``
    change a default (``{"workers": 2}``, ``{"cgroup_limit_mib": 64}``, ``{"cap_mib": 32}``).
    """
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; known: {', '.join(SCENARIOS)}")
    _check_duration(duration)
    loads, params = _defaults(scenario, facts)
    loads = copy.deepcopy(loads)
    _apply(loads, params, options or {})
    if not loads:
        mechanism = "none"
    elif builtin or "stress-ng" not in facts.tools or all(
            load["kind"] in BUILTIN_ONLY for load in loads):
        mechanism = "built-in"
    else:
        mechanism = "stress-ng"
    _check_options(scenario, loads, params, facts)
    plan = Plan(scenario, float(duration), mechanism, loads, params,
                sealed=scenario == "mystery")
    if plan.needs_cgroup:
        _check_memory(scenario, params, facts)
    if plan.needs_disk:
        _check_disk(scenario, plan, facts)
    if plan.needs_netns:
        _check_network(scenario, params, facts)
    if plan.needs_cpu_cgroup:
        _check_cpu_cgroup(scenario, facts)
    return plan
