"""The rules behind :func:`perfkit.checklist.findings`, one function per tool.

Each rule reads one tool's frames from a :class:`Context` and returns finding rows (dicts
with the columns of :data:`perfkit.checklist.COLUMNS`); the thresholds come from
:data:`perfkit.checklist.THRESHOLDS`.

>>> import pandas as pd
>>> share_of(pd.Series([0, 3, 0, 1]) > 0)
50.0
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..plot._base import samples, wide, x_values
from ..plot._panels import process_cpu
from ..synonyms import column, find
from . import RECENT, RETRANS_MIN_SEGMENTS, grade, rule

Row = dict[str, Any]


def share_of(flags: pd.Series) -> float:
    """Percentage of True values (0 for no values)."""
    return float(flags.mean() * 100.0) if len(flags) else 0.0


def median(values: pd.Series) -> float:
    """Median of the numeric values (NaN for none)."""
    values = pd.to_numeric(values, errors="coerce").dropna()
    return float(values.median()) if len(values) else float("nan")


def finding(key: str, observed: float, explanation: str, *, severity: str | None = None,
            threshold: float | None = None, metric: str | None = None,
            scale: float = 1.0) -> Row:
    """A finding row under rule ``key``; ``severity`` graded from ``observed`` unless
    given; ``threshold`` is the limit reached (or the warning limit) times ``scale``."""
    item = rule(key)
    severity = severity or grade(key, observed, scale)
    if threshold is None:
        limit = item.critical if severity == "critical" else item.warning
        threshold = limit * scale if limit is not None else float("nan")
    return {"tool": item.tool, "metric": metric or item.metric, "observed": observed,
            "threshold": threshold, "severity": severity, "explanation": explanation}


def _n(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if pd.notna(value) else "?"


class Context:
    """A capture with its CPU count, start time and the tools it lacks."""

    def __init__(self, capture: Any) -> None:
        self.capture = capture
        self.missing: list[Row] = []
        self._data: dict[str, Any] = {}
        start = capture.meta.get("started_utc")
        stamp = pd.Timestamp(start) if start else None
        if stamp is not None and stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        self.start: pd.Timestamp | None = stamp
        self.cpus = self._cpus()

    def get(self, tool: str) -> Any:
        """The tool's data, or None (with an info finding saying why, once)."""
        if tool in self._data:
            return self._data[tool]
        value, why = None, None
        if tool not in self.capture:
            why = self.capture.reason(tool) if hasattr(self.capture, "reason") else None
            why = f"not in this capture ({why or 'not recorded'})"
        else:
            try:
                value = self.capture[tool]
            except (KeyError, ValueError, OSError) as exc:  # ParseError is a ValueError
                why = f"its output could not be read: {exc}"
        if why:
            self.missing.append({"tool": tool, "metric": "(missing)", "observed": np.nan,
                                 "threshold": np.nan, "severity": "info",
                                 "explanation": f"{tool}: {why}; its checks were skipped."})
        self._data[tool] = value
        return value

    def _cpus(self) -> int | None:
        cpus = self.capture.meta.get("cpus")
        if cpus:
            return int(cpus)
        for tool in ("mpstat", "iostat", "sar", "pidstat"):
            if tool in self.capture:
                try:
                    attrs = self.capture[tool].attrs
                except (KeyError, ValueError, OSError):
                    continue
                if attrs.get("cpus"):
                    return int(attrs["cpus"])
        return None


# -- uptime ---------------------------------------------------------------------------------

def check_load(ctx: Context) -> list[Row]:
    """Load averages against the CPU count, and their trend (uptime, else top's summary)."""
    data = ctx.get("uptime")
    if data is None or data.empty:
        top = ctx.capture["top"] if "top" in ctx.capture else None
        if top is None or "summary" not in top or top["summary"].empty:
            return []
        data = top["summary"]
    line = data.iloc[0]
    one, five, fifteen = (float(line[c]) for c in ("ldavg-1", "ldavg-5", "ldavg-15"))
    rows = []
    if ctx.cpus:
        severity = grade("load", one, ctx.cpus)
        how = {"critical": "more than twice", "warning": "more than"}
        if severity != "info":
            rows.append(finding("load", one, scale=ctx.cpus, explanation=(
                f"1-minute load average {_n(one, 2)} is {how[severity]} the "
                f"{ctx.cpus} CPUs (5 min: {_n(five, 2)}, 15 min: {_n(fifteen, 2)}): tasks "
                "queue for CPU (or wait in uninterruptible I/O, which Linux counts too); "
                "check vmstat r and wa.")))
    if fifteen >= 0.5 * (ctx.cpus or 1) and one < 0.5 * fifteen:
        rows.append(finding("load-trend", one / fifteen, severity="info", threshold=0.5,
                            explanation=(
                                f"load fell: 1 min {_n(one, 2)} against 15 min "
                                f"{_n(fifteen, 2)}. Something was busier before the "
                                "capture: you may have arrived late.")))
    elif one >= 0.5 * (ctx.cpus or 1) and one > 2 * max(fifteen, 0.01):
        rows.append(finding("load-trend", one / max(fifteen, 0.01), severity="info",
                            threshold=2.0, explanation=(
                                f"load is rising: 1 min {_n(one, 2)} against 15 min "
                                f"{_n(fifteen, 2)}: the activity started in the last "
                                "minutes.")))
    return rows


# -- dmesg ----------------------------------------------------------------------------------

_EVENT_RULES = {"oom_kill": "critical", "hung_task": "warning", "tcp_drop": "warning",
                "segfault": "info"}


def check_dmesg(ctx: Context) -> list[Row]:
    """OOM kills, hung tasks, TCP drops (and segfaults, as info) in the kernel log."""
    if ctx.get("dmesg") is None:
        return []
    from .kernel import kernel_events, words

    events = kernel_events(ctx.capture)
    rows = []
    for kind, severity in _EVENT_RULES.items():
        found = events[events["kind"] == kind]
        if found.empty:
            continue
        if ctx.start is not None:
            dated = found["time"].notna()
            recent = found[~dated | (found["time"] >= ctx.start - RECENT)]
        else:
            recent = found
        if not recent.empty:
            rows.append(finding(kind, float(len(recent)), severity=severity, threshold=0.0,
                                explanation=(
                                    f"{words(kind, len(recent))} in the kernel log during "
                                    f"or up to {_minutes(RECENT)} before the capture; the "
                                    f"last: {_example(recent)}")))
        older = found.drop(recent.index)
        if not older.empty:
            rows.append(finding(kind, float(len(older)), severity="info", threshold=0.0,
                                explanation=(
                                    f"{words(kind, len(older))} in the kernel log, more "
                                    f"than {_minutes(RECENT)} before the capture; the "
                                    f"last: {_example(older)}")))
    return rows


def _example(events: pd.DataFrame) -> str:
    """The last event, short: ``process (pid)`` and its time, or its message's start."""
    last = events.iloc[-1]
    when = f" at {last['time']:%Y-%m-%d %H:%M:%S}" if pd.notna(last["time"]) else ""
    if pd.notna(last.get("pid")) and pd.notna(last.get("comm")):
        return f"{last['comm']} ({last['pid']}){when}."
    text = str(last["message"]).splitlines()[0]
    return (text if len(text) <= 100 else text[:97] + "...") + when + "."


def _minutes(delta: pd.Timedelta) -> str:
    return f"{int(delta.total_seconds() // 60)} min"


# -- vmstat ---------------------------------------------------------------------------------

def check_vmstat(ctx: Context) -> list[Row]:
    """Run queue, swapping, I/O wait, steal and system time."""
    data = ctx.get("vmstat")
    if data is None:
        return []
    frame = samples(data)
    if frame.empty:
        return []
    count = len(frame)
    rows = []
    if ctx.cpus and "r" in frame.columns:
        r = median(frame["r"])
        if grade("run-queue", r, ctx.cpus) != "info":
            rows.append(finding("run-queue", r, scale=ctx.cpus, explanation=(
                f"median run queue r = {_n(r)} threads over {count} samples (max "
                f"{_n(float(frame['r'].max()))}) with {ctx.cpus} CPUs: threads wait for "
                "a CPU (CPU saturation).")))
    if {"si", "so"} <= set(frame.columns):
        moving = (frame["si"] > 0) | (frame["so"] > 0)
        share = share_of(moving)
        if share > 0:
            severity = grade("swapping", share)
            rows.append(finding("swapping", share, severity=severity, explanation=(
                f"swap traffic in {int(moving.sum())} of {count} samples (median si "
                f"{_n(median(frame['si']))}, so {_n(median(frame['so']))} KiB/s; max si "
                f"{_n(float(frame['si'].max()))}, so {_n(float(frame['so'].max()))}): "
                + ("the system is swapping: memory is short."
                   if severity != "info" else "occasional swapping."))))
    for key, col, what in (("iowait", "wa", "waiting for I/O (wa)"),
                           ("steal", "st", "stolen by the hypervisor (st)"),
                           ("system", "sy", "in the kernel (sy)")):
        if col not in frame.columns:
            continue
        value = median(frame[col])
        if grade(key, value) != "info":
            rows.append(finding(key, value, explanation=(
                f"CPU time {what}: median {_n(value)} % over {count} samples (max "
                f"{_n(float(frame[col].max()))} %). {rule(key).reason}.")))
    return rows


# -- mpstat ---------------------------------------------------------------------------------

def check_mpstat(ctx: Context) -> list[Row]:
    """A single hot CPU while the others have room."""
    data = ctx.get("mpstat")
    if data is None or "cpu" not in data:
        return []
    cpu = samples(data["cpu"])
    per = cpu[cpu["CPU"].astype(str) != "all"]
    busy = wide(per, "CPU", 100.0 - per["%idle"], fill=None).dropna(how="all")
    if busy.shape[1] < 2 or busy.empty:
        return []
    hottest = busy.max(axis=1)
    which = busy.idxmax(axis=1)
    others = (busy.sum(axis=1) - hottest) / (busy.notna().sum(axis=1) - 1)
    hot = (hottest > rule("hot-cpu").warning) & (others < rule("hot-cpu-others").warning)
    share = share_of(hot)
    if share < rule("hot-cpu-share").warning:
        return []
    names = which[hot].value_counts()
    top_cpu = names.index[0]
    level = median(hottest[hot])
    rest = median(others[hot])
    return [finding("hot-cpu", level, metric=f"busy % of CPU {top_cpu}", severity="warning",
                    explanation=(
                        f"one CPU at {_n(level)} % busy (median) while the other "
                        f"{busy.shape[1] - 1} averaged {_n(rest)} %, in {int(hot.sum())} of "
                        f"{len(hot)} samples (mostly CPU {top_cpu}): a single hot thread; "
                        "pidstat shows which process."))]


# -- pidstat --------------------------------------------------------------------------------

def check_pidstat(ctx: Context) -> list[Row]:
    """The process with the most CPU, and whether it holds a whole CPU."""
    data = ctx.get("pidstat")
    if data is None or "cpu" not in data:
        return []
    frame = samples(data["cpu"])
    if frame.empty or not find(frame, "%CPU"):
        return []
    grid = process_cpu(frame)
    if grid.empty:
        return []
    ranking = pd.DataFrame({"median": grid.median(), "mean": grid.mean()})
    name = ranking.sort_values(["median", "mean"], ascending=False, kind="stable").index[0]
    level, mean = (float(v) for v in ranking.loc[name, ["median", "mean"]])
    severity = grade("top-consumer", level)
    tail = (" It keeps one CPU busy: a hot thread, unless it is multi-threaded."
            if severity != "info" else "")
    return [finding("top-consumer", level, metric=f"%CPU of {name}", severity=severity,
                    threshold=rule("top-consumer").warning, explanation=(
                        f"top CPU consumer: {name}, median {_n(level)} % of one CPU (mean "
                        f"{_n(mean)} %, max {_n(float(grid[name].max()))} %) "
                        f"over {len(grid)} samples.{tail}"))]


# -- iostat ---------------------------------------------------------------------------------

def check_iostat(ctx: Context) -> list[Row]:
    """Per device: utilisation, queue length and request latency."""
    data = ctx.get("iostat")
    if data is None or "devices" not in data:
        return []
    frame = samples(data["devices"])
    if frame.empty:
        return []
    device = find(frame, "Device") or "Device"
    reports = x_values(samples(data["cpu"]))[0] if "cpu" in data else None
    rows = []
    checks = [("util", ["%util"], "%"), ("queue", ["aqu-sz"], ""),
              ("await", ["r_await", "w_await"] if find(frame, "r_await") else ["await"], " ms")]
    for key, metrics, unit in checks:
        for metric in metrics:
            name = find(frame, metric)
            if not name:
                continue
            grid = wide(frame, device, name, xs=reports)
            for dev in grid.columns:
                value = median(grid[dev])
                severity = grade(key, value)
                if severity == "info":
                    continue
                rows.append(finding(key, value, metric=f"{metric} of {dev}", explanation=(
                    f"{dev}: {metric} median {_n(value)}{unit} over {len(grid)} reports "
                    f"(max {_n(float(grid[dev].max()))}{unit}). {rule(key).reason}.")))
    return rows


# -- free -----------------------------------------------------------------------------------

def check_free(ctx: Context) -> list[Row]:
    """Available memory as a share of the total; swap in use."""
    data = ctx.get("free")
    if data is None or "kind" not in data.columns:
        return []
    rows = []
    mem = data[data["kind"] == "Mem"]
    if not mem.empty and "available" in mem.columns:
        shares = (mem["available"] / mem["total"] * 100.0).dropna()
        if len(shares):
            low = float(shares.min())
            severity = grade("available", low)
            if severity != "info":
                rows.append(finding("available", low, explanation=(
                    f"only {_n(low)} % of memory is available (the lower of "
                    f"{len(shares)} free snapshots). {rule('available').reason}.")))
    swap = data[data["kind"] == "Swap"]
    if not swap.empty and (swap["used"] > 0).any():
        used = float(swap["used"].max())
        total = float(swap["total"].max())
        share = used / total * 100.0 if total else float("nan")
        rows.append(finding("swap-used", share, explanation=(
                                f"{_n(used / 1024)} MiB of {_n(total / 1024)} MiB swap in "
                                "use: memory was short at some point (vmstat si/so say "
                                "whether it still is).")))
    return rows


# -- sar ------------------------------------------------------------------------------------

def check_sar(ctx: Context) -> list[Row]:
    """TCP retransmits (rate and share of sent segments) and interface utilisation."""
    data = ctx.get("sar")
    if data is None:
        return []
    rows = []
    if "ETCP" in data and find(data["ETCP"], "retrseg/s"):
        etcp = samples(data["ETCP"])
        retrans = column(etcp, "retrseg/s")
        name = find(etcp, "retrseg/s") or "retrans/s"
        rate = median(retrans)
        total = float(retrans.sum())
        sent = None
        if "TCP" in data and "oseg/s" in data["TCP"].columns:
            sent = float(samples(data["TCP"])["oseg/s"].sum())
        share = total / sent * 100.0 if sent else float("nan")
        by_rate = grade("retrans", rate)
        by_share = (grade("retrans-share", share)
                    if pd.notna(share) and total >= RETRANS_MIN_SEGMENTS else "info")
        severity = min(by_rate, by_share, key=("critical", "warning", "info").index)
        if severity != "info" or total > 0:
            share_text = f"{_n(share, 2)} % of oseg/s" if pd.notna(share) else "oseg/s unknown"
            key = "retrans" if by_rate == severity else "retrans-share"
            observed = rate if key == "retrans" else share
            rows.append(finding(key, observed, severity=severity, metric=(
                name if key == "retrans" else f"{name} of oseg/s"), explanation=(
                    f"TCP retransmits: median {_n(rate, 2)}/s over {len(etcp)} samples "
                    f"(max {_n(float(retrans.max()), 2)}/s, {share_text}). "
                    + (rule("retrans").reason + "." if severity != "info"
                       else "A few retransmits: no sustained loss."))))
    if "DEV" in data and "%ifutil" in data["DEV"].columns:
        dev = samples(data["DEV"])
        grid = wide(dev, "IFACE", "%ifutil")
        for iface in grid.columns:
            value = median(grid[iface])
            if grade("ifutil", value) != "info":
                rows.append(finding("ifutil", value, metric=f"%ifutil of {iface}",
                                    explanation=(
                                        f"{iface} at {_n(value)} % of its bandwidth (median "
                                        f"over {len(grid)} samples): the link is nearly "
                                        "full.")))
    return rows


#: The rules in checklist order.
RULES: tuple[Callable[[Context], list[Row]], ...] = (
    check_load, check_dmesg, check_vmstat, check_mpstat, check_pidstat, check_iostat,
    check_free, check_sar,
)


def run_rules(ctx: Context) -> list[Row]:
    """Every rule's findings, then one info row per missing tool."""
    rows: list[Row] = []
    for check in RULES:
        rows.extend(check(ctx))
    return rows + ctx.missing
