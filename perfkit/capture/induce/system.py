"""What ``perfkit induce`` reads from the machine: facts for the plan, and counters.

* :func:`gather_facts`: what :func:`perfkit.capture.induce.plan.make_plan` needs to know (memory,
  swap, the memory and cpu cgroup hierarchies, free disk, the tools installed);
* counters read from ``/proc`` and ``/sys``: :func:`cpu_times`, :func:`disk_counters`,
  :func:`snmp_tcp`, :func:`vm_counters`, :func:`group_cpu_seconds`,
  :func:`processes_started`, :func:`net_packets`, to see that a load has taken hold.

>>> cpu = cpu_times()
>>> cpu["all"]["busy"] >= 0 and len(cpu) > 1
True
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from ... import runner
from .plan import Facts

CGROUP_ROOT = Path("/sys/fs/cgroup")
_TOOLS = ("stress-ng", "ip", "tc", "nft", "mkswap", "swapon", "swapoff")


# --------------------------------------------------------------------------- facts


def meminfo() -> dict[str, int]:
    """/proc/meminfo in bytes (``MemAvailable``, ``SwapTotal``...)."""
    out = {}
    for line in Path("/proc/meminfo").read_text().splitlines():
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts:
            out[name] = int(parts[0]) * (1024 if parts[1:] == ["kB"] else 1)
    return out


def fstype(path: str | os.PathLike) -> str:
    """The type of the file system holding ``path`` (the longest mount point above it).

    >>> fstype("/proc")
    'proc'
    """
    target = os.path.realpath(path)
    best, kind = "", "unknown"
    for line in Path("/proc/mounts").read_text().splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind


def memory_cgroup_kind() -> tuple[str | None, Path | None, bool]:
    """``("v2", root, False)``, ``("v1", /sys/fs/cgroup/memory, memsw)`` or ``(None, None,
    False)``: the memory cgroup hierarchy to use, v2 where its memory controller is on."""
    for root in (CGROUP_ROOT, CGROUP_ROOT / "unified"):
        controllers = root / "cgroup.controllers"
        subtree = root / "cgroup.subtree_control"
        if controllers.is_file() and "memory" in controllers.read_text().split():
            if subtree.is_file() and "memory" in subtree.read_text().split():
                return "v2", root, False
    v1 = CGROUP_ROOT / "memory"
    if (v1 / "memory.limit_in_bytes").is_file():
        return "v1", v1, (v1 / "memory.memsw.limit_in_bytes").is_file()
    return None, None, False


def cpu_cgroup_kind() -> tuple[str | None, Path | None]:
    """``("v2", root)``, ``("v1", /sys/fs/cgroup/cpu)`` or ``(None, None)``: where a CPU
    quota can be set (v2 ``cpu.max`` where the cpu controller is enabled for children, v1
    ``cpu.cfs_quota_us``)."""
    for root in (CGROUP_ROOT, CGROUP_ROOT / "unified"):
        subtree = root / "cgroup.subtree_control"
        if subtree.is_file() and "cpu" in subtree.read_text().split():
            return "v2", root
    for name in ("cpu", "cpu,cpuacct"):
        v1 = CGROUP_ROOT / name
        if (v1 / "cpu.cfs_quota_us").is_file():
            return "v1", v1
    return None, None


def gather_facts(directory: str | os.PathLike) -> Facts:
    """The :class:`Facts` of this machine, with ``directory`` as the place for temporary
    files (its free space and file system type)."""
    info = meminfo()
    kind, _, memsw = memory_cgroup_kind()
    stat = os.statvfs(directory)
    return Facts(euid=os.geteuid(), nproc=os.cpu_count() or 1,
                 mem_available=info.get("MemAvailable", info.get("MemFree", 0)),
                 swap_total=info.get("SwapTotal", 0), memory_cgroup=kind, memsw=memsw,
                 disk_free=stat.f_bavail * stat.f_frsize, fstype=fstype(directory),
                 tools=frozenset(t for t in _TOOLS if runner.which(t)),
                 cpu_cgroup=cpu_cgroup_kind()[0])


# --------------------------------------------------------------------------- counters


def cpu_times() -> dict[str, dict[str, int]]:
    """/proc/stat's cpu lines: ``{"all": {...}, "cpu0": {...}}`` with user, nice, system,
    idle, iowait... in clock ticks, plus ``busy`` (all but idle and iowait) and ``total``."""
    names = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")
    out: dict[str, dict[str, int]] = {}
    for line in Path("/proc/stat").read_text().splitlines():
        if not line.startswith("cpu"):
            continue
        fields = line.split()
        values = dict(zip(names, map(int, fields[1:9]), strict=False))
        values["total"] = sum(values.values())
        values["busy"] = values["total"] - values["idle"] - values.get("iowait", 0)
        out["all" if fields[0] == "cpu" else fields[0]] = values
    return out


def processes_started() -> int:
    """Processes (and threads) started since boot: /proc/stat's ``processes`` line."""
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("processes "):
            return int(line.split()[1])
    return 0


def context_switches() -> int:
    """Context switches since boot: /proc/stat's ``ctxt`` line."""
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("ctxt "):
            return int(line.split()[1])
    return 0


def net_packets(interface: str) -> dict[str, int] | None:
    """rx_packets and tx_packets of a network interface of this namespace (from
    /sys/class/net), or ``None`` when it is gone."""
    base = Path("/sys/class/net") / interface / "statistics"
    try:
        return {name: int((base / name).read_text()) for name in ("rx_packets",
                                                                  "tx_packets")}
    except OSError:
        return None


def cpu_share(before: dict[str, dict[str, int]], after: dict[str, dict[str, int]],
              key: str = "busy") -> dict[str, float]:
    """For each CPU line, the fraction of its time spent in ``key`` between two readings of
    :func:`cpu_times` (``all`` as a fraction of all CPUs together)."""
    out = {}
    for cpu, values in after.items():
        total = values["total"] - before.get(cpu, values)["total"]
        used = values[key] - before.get(cpu, values)[key]
        out[cpu] = used / total if total > 0 else 0.0
    return out


def block_device(path: str | os.PathLike) -> str | None:
    """The name of the block device (as /proc/diskstats names it) holding ``path``, or
    ``None`` when the file system has no single device (overlay, tmpfs, btrfs)."""
    dev = os.stat(path).st_dev
    link = Path(f"/sys/dev/block/{os.major(dev)}:{os.minor(dev)}")
    return link.resolve().name if link.exists() else None


def disk_counters(device: str) -> dict[str, int] | None:
    """/proc/diskstats for ``device``: reads, writes (completed), sectors_written and
    io_ticks (ms busy), or ``None`` when it is not listed."""
    for line in Path("/proc/diskstats").read_text().splitlines():
        fields = line.split()
        if len(fields) >= 13 and fields[2] == device:
            return {"reads": int(fields[3]), "writes": int(fields[7]),
                    "sectors_written": int(fields[9]), "io_ticks": int(fields[12])}
    return None


def snmp_tcp() -> dict[str, int]:
    """The Tcp counters of /proc/net/snmp of this network namespace (``RetransSegs``,
    ``OutSegs``...)."""
    lines = [line.split() for line in Path("/proc/net/snmp").read_text().splitlines()
             if line.startswith("Tcp:")]
    return {name: int(value) for name, value in zip(lines[0][1:], lines[1][1:], strict=False)}


def vm_counters() -> dict[str, int]:
    """/proc/vmstat as numbers (``pswpin``, ``pswpout``, ``oom_kill``...)."""
    out = {}
    for line in Path("/proc/vmstat").read_text().splitlines():
        name, _, value = line.partition(" ")
        if value.strip().lstrip("-").isdigit():
            out[name] = int(value)
    return out


def group_members(pgid: int) -> list[int]:
    """The live process ids whose process group is ``pgid`` (read from /proc/*/stat; a
    zombie, dead and waiting to be reaped, is not counted)."""
    return [pid for pid, fields in _process_stats() if int(fields[2]) == pgid
            and fields[0] != "Z"]


def group_cpu_seconds(pgids: list[int]) -> float:
    """CPU seconds (user + system, all threads) used so far by the live processes of these
    process groups."""
    total = sum(int(fields[11]) + int(fields[12]) for _, fields in _process_stats()
                if int(fields[2]) in pgids)
    return total / os.sysconf("SC_CLK_TCK")


def _process_stats() -> Iterator[tuple[int, list[str]]]:
    """Each live process's id and the fields of its /proc/PID/stat after the command name
    (state first); a process gone while reading is left out."""
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            text = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        yield int(entry.name), text[text.rindex(")") + 2:].split()
