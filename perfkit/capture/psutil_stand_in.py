"""A stand-in for sysstat and procps when they are missing: the same quantities from psutil.

When ``vmstat``, ``mpstat``, ``pidstat``, ``iostat``, ``sar``, ``uptime`` or ``free`` is not
installed, ``perfkit capture`` samples the same counters through psutil at the same interval
and writes them as CSV files whose columns carry the tool's C-locale names, so that
``load_capture(...)["mpstat"]["cpu"]["%usr"]`` works on any machine. Every file starts with a
comment line saying it is psutil-derived, not the tool's output, and ``capture.json`` lists
the files under ``psutil``.

=====================  ==================  ==============================================
file                   stands in for       columns
=====================  ==================  ==============================================
psutil-vmstat.csv      ``vmstat``          time r b swpd free buff cache si so bi bo in
                                           cs us sy id wa st gu (KiB, KiB/s, %)
psutil-mpstat.csv      ``mpstat -P ALL``   time CPU %usr %nice %sys %iowait %irq %soft
                                           %steal %guest %gnice %idle
psutil-pidstat.csv     ``pidstat``         time UID PID %usr %system %guest %CPU CPU
                                           Command (processes that used CPU)
psutil-iostat.csv      ``iostat -xz``      time Device r/s rkB/s rrqm/s r_await w/s wkB/s
                                           wrqm/s w_await %util (busy devices)
psutil-sar-dev.csv     ``sar -n DEV``      time IFACE rxpck/s txpck/s rxkB/s txkB/s
psutil-sar-edev.csv    ``sar -n EDEV``     time IFACE rxerr/s txerr/s rxdrop/s txdrop/s
psutil-uptime.csv      ``uptime``          time ldavg-1 ldavg-5 ldavg-15 (at the start)
psutil-free.csv        ``free``            when kind total used free shared buff/cache
                                           available (KiB, at the start and the end)
=====================  ==================  ==============================================

Times are UTC. Rates are per second over each interval; the first row of each interval
table is the first interval, not an average since boot. TCP counters (``sar -n TCP,ETCP``)
are not available from psutil and are not written.

>>> cpu_percentages({"user": 10, "nice": 0, "system": 5, "idle": 85, "iowait": 0,
...                  "guest": 0})["%usr"]
10.0
"""

from __future__ import annotations

import csv
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

NOTE = "psutil-derived, not the tool's output"

#: Which file stands in for which tool (sar has two).
FILES = {
    "vmstat": ["psutil-vmstat.csv"], "mpstat": ["psutil-mpstat.csv"],
    "pidstat": ["psutil-pidstat.csv"], "iostat": ["psutil-iostat.csv"],
    "sar": ["psutil-sar-dev.csv", "psutil-sar-edev.csv"], "uptime": ["psutil-uptime.csv"],
    "free": ["psutil-free.csv"],
}

_CPU_COLUMNS = ["%usr", "%nice", "%sys", "%iowait", "%irq", "%soft", "%steal", "%guest",
                "%gnice", "%idle"]


def available() -> bool:
    """True when psutil can be imported."""
    try:
        import psutil  # noqa: F401
    except ImportError:
        return False
    return True


def _stamp(when: float | None = None) -> str:
    return datetime.fromtimestamp(time.time() if when is None else when,
                                  UTC).strftime("%Y-%m-%d %H:%M:%S")


def cpu_percentages(delta: dict[str, float]) -> dict[str, float]:
    """mpstat's percentages from the growth of psutil's CPU time fields over an interval
    (Linux counts guest time inside user time, as mpstat subtracts it)."""
    total = sum(v for k, v in delta.items() if k not in ("guest", "guest_nice"))
    if total <= 0:
        return {name: 0.0 for name in _CPU_COLUMNS}
    guest = delta.get("guest", 0.0)
    gnice = delta.get("guest_nice", 0.0)

    def pct(value: float) -> float:
        return round(100.0 * max(0.0, value) / total, 2)

    return {
        "%usr": pct(delta.get("user", 0.0) - guest),
        "%nice": pct(delta.get("nice", 0.0) - gnice),
        "%sys": pct(delta.get("system", 0.0)),
        "%iowait": pct(delta.get("iowait", 0.0)),
        "%irq": pct(delta.get("irq", 0.0)),
        "%soft": pct(delta.get("softirq", 0.0)),
        "%steal": pct(delta.get("steal", 0.0)),
        "%guest": pct(guest),
        "%gnice": pct(gnice),
        "%idle": pct(delta.get("idle", 0.0)),
    }


def _delta(new: Any, old: Any) -> dict[str, float]:
    return {k: getattr(new, k) - getattr(old, k) for k in new._fields}


class _Writer:
    """A CSV file with the psutil note on its first line, flushed row by row."""

    def __init__(self, path: Path, columns: list[str], interval: float | None) -> None:
        import psutil

        self.handle = open(path, "w", encoding="utf-8", newline="")
        every = f" every {interval:g} s" if interval else ""
        self.handle.write(f"# {NOTE}: perfkit capture sampled psutil {psutil.__version__}"
                          f"{every}; times in UTC\n")
        self.writer = csv.DictWriter(self.handle, fieldnames=columns, extrasaction="ignore")
        self.writer.writeheader()
        self.handle.flush()

    def rows(self, rows: list[dict[str, Any]]) -> None:
        self.writer.writerows(rows)
        self.handle.flush()

    def close(self) -> None:
        self.handle.close()


def free_snapshot(directory: str | Path, when: str) -> str:
    """Append this moment's memory and swap (as ``free`` prints them, in KiB) to
    ``psutil-free.csv``; returns the file name."""
    import psutil

    path = Path(directory) / "psutil-free.csv"
    columns = ["when", "kind", "total", "used", "free", "shared", "buff/cache", "available"]
    if path.exists():
        handle = open(path, "a", encoding="utf-8", newline="")
        writer = csv.DictWriter(handle, fieldnames=columns)
    else:
        out = _Writer(path, columns, None)
        handle, writer = out.handle, out.writer
    vm = psutil.virtual_memory()
    swap = psutil.swap_memory()
    kib = 1024
    buff_cache = getattr(vm, "buffers", 0) + getattr(vm, "cached", 0)
    writer.writerow({"when": when, "kind": "Mem", "total": vm.total // kib,
                     "used": vm.used // kib, "free": vm.free // kib,
                     "shared": getattr(vm, "shared", 0) // kib,
                     "buff/cache": buff_cache // kib, "available": vm.available // kib})
    writer.writerow({"when": when, "kind": "Swap", "total": swap.total // kib,
                     "used": swap.used // kib, "free": swap.free // kib})
    handle.close()
    return path.name


def uptime_snapshot(directory: str | Path) -> str:
    """Write the load averages now to ``psutil-uptime.csv``; returns the file name."""
    import psutil

    out = _Writer(Path(directory) / "psutil-uptime.csv",
                  ["time", "ldavg-1", "ldavg-5", "ldavg-15"], None)
    one, five, fifteen = psutil.getloadavg()
    out.rows([{"time": _stamp(), "ldavg-1": round(one, 2), "ldavg-5": round(five, 2),
               "ldavg-15": round(fifteen, 2)}])
    out.close()
    return "psutil-uptime.csv"


class Collector(threading.Thread):
    """Samples psutil every ``interval`` seconds, ``count`` times (or until ``stop`` is
    set), writing the interval files of the tools in ``tools`` (vmstat, mpstat, pidstat,
    iostat, sar)."""

    def __init__(self, directory: str | Path, *, tools: set[str], interval: float,
                 count: int, stop: threading.Event) -> None:
        super().__init__(name="perfkit-psutil", daemon=True)
        self.directory = Path(directory)
        self.tools = set(tools) & {"vmstat", "mpstat", "pidstat", "iostat", "sar"}
        self.interval = interval
        self.count = count
        self.stop_event = stop
        self.samples = 0
        self.error: str | None = None
        self.files = [name for tool in sorted(self.tools) for name in FILES[tool]]

    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # recorded in capture.json, never lost
            self.error = f"{type(exc).__name__}: {exc}"

    def _run(self) -> None:
        import psutil

        writers: dict[str, _Writer] = {}
        samplers: list[Callable[[float, str], None]] = []
        d = self.directory
        if "vmstat" in self.tools:
            writers["vmstat"] = _Writer(d / "psutil-vmstat.csv", [
                "time", "r", "b", "swpd", "free", "buff", "cache", "si", "so", "bi", "bo",
                "in", "cs", "us", "sy", "id", "wa", "st", "gu"], self.interval)
            samplers.append(self._vmstat(psutil, writers["vmstat"]))
        if "mpstat" in self.tools:
            writers["mpstat"] = _Writer(d / "psutil-mpstat.csv", ["time", "CPU", *_CPU_COLUMNS],
                                        self.interval)
            samplers.append(self._mpstat(psutil, writers["mpstat"]))
        if "pidstat" in self.tools:
            writers["pidstat"] = _Writer(d / "psutil-pidstat.csv", [
                "time", "UID", "PID", "%usr", "%system", "%guest", "%CPU", "CPU", "Command"],
                self.interval)
            samplers.append(self._pidstat(psutil, writers["pidstat"]))
        if "iostat" in self.tools:
            writers["iostat"] = _Writer(d / "psutil-iostat.csv", [
                "time", "Device", "r/s", "rkB/s", "rrqm/s", "r_await", "w/s", "wkB/s",
                "wrqm/s", "w_await", "%util"], self.interval)
            samplers.append(self._iostat(psutil, writers["iostat"]))
        if "sar" in self.tools:
            writers["dev"] = _Writer(d / "psutil-sar-dev.csv", [
                "time", "IFACE", "rxpck/s", "txpck/s", "rxkB/s", "txkB/s"], self.interval)
            writers["edev"] = _Writer(d / "psutil-sar-edev.csv", [
                "time", "IFACE", "rxerr/s", "txerr/s", "rxdrop/s", "txdrop/s"], self.interval)
            samplers.append(self._sar(psutil, writers["dev"], writers["edev"]))
        try:
            start = last = time.monotonic()
            for k in range(1, self.count + 1):
                if self.stop_event.wait(max(0.0, start + k * self.interval - time.monotonic())):
                    break
                now = time.monotonic()
                elapsed, last = max(now - last, 1e-3), now
                stamp = _stamp()
                for sample in samplers:
                    sample(elapsed, stamp)
                self.samples += 1
        finally:
            for writer in writers.values():
                writer.close()

    # Each sampler keeps its previous counters and writes one interval's rows per call.
    def _vmstat(self, psutil: Any, out: _Writer) -> Callable[[float, str], None]:
        state = {"cpu": psutil.cpu_times(), "swap": psutil.swap_memory(),
                 "disk": psutil.disk_io_counters(), "stats": psutil.cpu_stats()}

        def sample(elapsed: float, stamp: str) -> None:
            cpu, swap = psutil.cpu_times(), psutil.swap_memory()
            disk, stats, vm = psutil.disk_io_counters(), psutil.cpu_stats(), psutil.virtual_memory()
            pct = cpu_percentages(_delta(cpu, state["cpu"]))
            running = blocked = 0
            for proc in psutil.process_iter(["status"]):
                status = proc.info.get("status")
                running += status == psutil.STATUS_RUNNING
                blocked += status == psutil.STATUS_DISK_SLEEP

            def rate(new: float, old: float, scale: float = 1.0) -> int:
                return round((new - old) / scale / elapsed)

            read_bytes = disk.read_bytes if disk else 0
            write_bytes = disk.write_bytes if disk else 0
            old_disk = state["disk"]
            out.rows([{
                "time": stamp, "r": running, "b": blocked, "swpd": swap.used // 1024,
                "free": vm.free // 1024, "buff": getattr(vm, "buffers", 0) // 1024,
                "cache": getattr(vm, "cached", 0) // 1024,
                "si": rate(swap.sin, state["swap"].sin, 1024),
                "so": rate(swap.sout, state["swap"].sout, 1024),
                "bi": rate(read_bytes, old_disk.read_bytes if old_disk else 0, 1024),
                "bo": rate(write_bytes, old_disk.write_bytes if old_disk else 0, 1024),
                "in": rate(stats.interrupts, state["stats"].interrupts),
                "cs": rate(stats.ctx_switches, state["stats"].ctx_switches),
                "us": round(pct["%usr"] + pct["%nice"]),
                "sy": round(pct["%sys"] + pct["%irq"] + pct["%soft"]),
                "id": round(pct["%idle"]), "wa": round(pct["%iowait"]),
                "st": round(pct["%steal"]), "gu": round(pct["%guest"] + pct["%gnice"]),
            }])
            state.update(cpu=cpu, swap=swap, disk=disk, stats=stats)

        return sample

    def _mpstat(self, psutil: Any, out: _Writer) -> Callable[[float, str], None]:
        state = {"all": psutil.cpu_times(), "per": psutil.cpu_times(percpu=True)}

        def sample(elapsed: float, stamp: str) -> None:
            now_all, now_per = psutil.cpu_times(), psutil.cpu_times(percpu=True)
            rows = [{"time": stamp, "CPU": "all",
                     **cpu_percentages(_delta(now_all, state["all"]))}]
            for index, (new, old) in enumerate(zip(now_per, state["per"], strict=False)):
                rows.append({"time": stamp, "CPU": str(index),
                             **cpu_percentages(_delta(new, old))})
            out.rows(rows)
            state.update(all=now_all, per=now_per)

        return sample

    def _pidstat(self, psutil: Any, out: _Writer) -> Callable[[float, str], None]:
        fields = ["pid", "uids", "name", "cpu_times", "cpu_num"]
        previous: dict[tuple[int, float], Any] = {}

        def snapshot() -> dict[tuple[int, float], dict[str, Any]]:
            seen = {}
            for proc in psutil.process_iter(fields):
                info = proc.info
                if info.get("cpu_times") is None:
                    continue
                try:
                    key = (info["pid"], proc.create_time())
                except psutil.Error:
                    continue
                seen[key] = info
            return seen

        previous.update(snapshot())

        def sample(elapsed: float, stamp: str) -> None:
            current = snapshot()
            rows = []
            for key, info in sorted(current.items()):
                old = previous.get(key)
                if old is None:
                    continue
                new_t, old_t = info["cpu_times"], old["cpu_times"]
                usr = max(0.0, new_t.user - old_t.user)
                sys_ = max(0.0, new_t.system - old_t.system)
                if usr + sys_ <= 0:
                    continue
                uids = info.get("uids")
                rows.append({
                    "time": stamp, "UID": uids.real if uids else "", "PID": info["pid"],
                    "%usr": round(100 * usr / elapsed, 2),
                    "%system": round(100 * sys_ / elapsed, 2), "%guest": 0.0,
                    "%CPU": round(100 * (usr + sys_) / elapsed, 2),
                    "CPU": info.get("cpu_num", ""), "Command": info.get("name") or "",
                })
            out.rows(rows)
            previous.clear()
            previous.update(current)

        return sample

    def _iostat(self, psutil: Any, out: _Writer) -> Callable[[float, str], None]:
        state = {"disks": psutil.disk_io_counters(perdisk=True) or {}}

        def sample(elapsed: float, stamp: str) -> None:
            disks = psutil.disk_io_counters(perdisk=True) or {}
            rows = []
            for name, new in sorted(disks.items()):
                old = state["disks"].get(name)
                if old is None:
                    continue
                reads = new.read_count - old.read_count
                writes = new.write_count - old.write_count
                busy = getattr(new, "busy_time", 0) - getattr(old, "busy_time", 0)
                if reads == 0 and writes == 0 and busy == 0:
                    continue  # iostat -z leaves idle devices out
                rows.append({
                    "time": stamp, "Device": name,
                    "r/s": round(reads / elapsed, 2),
                    "rkB/s": round((new.read_bytes - old.read_bytes) / 1024 / elapsed, 2),
                    "rrqm/s": round((getattr(new, "read_merged_count", 0)
                                     - getattr(old, "read_merged_count", 0)) / elapsed, 2),
                    "r_await": round((new.read_time - old.read_time) / reads, 2) if reads else 0.0,
                    "w/s": round(writes / elapsed, 2),
                    "wkB/s": round((new.write_bytes - old.write_bytes) / 1024 / elapsed, 2),
                    "wrqm/s": round((getattr(new, "write_merged_count", 0)
                                     - getattr(old, "write_merged_count", 0)) / elapsed, 2),
                    "w_await": (round((new.write_time - old.write_time) / writes, 2)
                                if writes else 0.0),
                    "%util": round(min(100.0, busy / 10 / elapsed), 2),
                })
            out.rows(rows)
            state["disks"] = disks

        return sample

    def _sar(self, psutil: Any, dev: _Writer, edev: _Writer) -> Callable[[float, str], None]:
        state = {"nics": psutil.net_io_counters(pernic=True)}

        def sample(elapsed: float, stamp: str) -> None:
            nics = psutil.net_io_counters(pernic=True)
            dev_rows, edev_rows = [], []
            for name, new in sorted(nics.items()):
                old = state["nics"].get(name)
                if old is None:
                    continue

                def rate(field: str, scale: float = 1.0, new=new, old=old) -> float:
                    return round((getattr(new, field) - getattr(old, field)) / scale / elapsed,
                                 2)

                dev_rows.append({"time": stamp, "IFACE": name,
                                 "rxpck/s": rate("packets_recv"),
                                 "txpck/s": rate("packets_sent"),
                                 "rxkB/s": rate("bytes_recv", 1024),
                                 "txkB/s": rate("bytes_sent", 1024)})
                edev_rows.append({"time": stamp, "IFACE": name, "rxerr/s": rate("errin"),
                                  "txerr/s": rate("errout"), "rxdrop/s": rate("dropin"),
                                  "txdrop/s": rate("dropout")})
            dev.rows(dev_rows)
            edev.rows(edev_rows)
            state["nics"] = nics

        return sample
