"""``perfkit checklist``: what a capture of the 60-second checklist says, as findings.

::

    perfkit checklist CAPTURE_DIR      # a perfkit capture directory, or a scenario name

>>> import perfkit
>>> perfkit.checklist.findings(perfkit.samples.load("hot-thread"))  # doctest: +SKIP
      tool                     metric  observed  threshold severity  explanation
0   mpstat            busy % of CPU 1     100.0       90.0  warning  one CPU at 100 % ...
1  pidstat  %CPU of stress-ng-cpu (8)      99.0       90.0  warning  top CPU consumer: ...

:func:`findings` applies the rules of :data:`THRESHOLDS` (Brendan Gregg, "Linux Performance
Analysis in 60,000 Milliseconds", Netflix Tech Blog, 2015) to a capture and returns one row
per finding: ``tool``, ``metric``, ``observed`` (a number, in the unit the explanation
names), ``threshold`` (the limit it was compared with, NaN for a plain observation),
``severity`` (``"info"``, ``"warning"`` or ``"critical"``) and ``explanation``, the most
severe first and otherwise in the checklist's order.

How values are summarised, so that one spike does not make a finding:

* every sample that reports an average since boot (vmstat's first line, iostat's first
  report) is left out;
* a rate or percentage is the **median** over the capture's samples (a device, interface
  or process missing from a sample, because ``iostat -z`` or ``pidstat`` leave idle ones
  out, counts as 0 there), so it must hold for at least half of the samples;
* swapping and the hot CPU count the **share of samples** in which they happened;
* ``uptime``'s load averages and ``free`` are snapshots: the load of the capture's start,
  and the lower ``available`` of the start and end snapshots;
* dmesg events count when they happened during the capture or at most :data:`RECENT`
  before it; older ones are reported as ``info``.

A tool missing from the capture (not installed, refused, or output that cannot be read)
gives one ``info`` finding saying so and why; its rules are skipped. ``info`` findings are
observations (the top CPU consumer, the load trend, swap in use); a healthy capture has
no ``warning`` or ``critical`` finding.

>>> table = thresholds().loc[["run-queue", "util"]].rename_axis(None)
>>> print(table[["tool", "metric", "warning", "critical", "unit"]].to_string())
             tool metric  warning  critical    unit
run-queue  vmstat      r      1.0       2.0  x CPUs
util       iostat  %util     60.0      90.0       %
"""

from __future__ import annotations

import argparse
import textwrap
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Threshold:
    """One rule: ``metric`` of ``tool`` is a problem beyond ``warning``/``critical``
    (above them, or below when ``above`` is False), measured as ``statistic``."""

    key: str
    tool: str
    metric: str
    warning: float | None
    critical: float | None
    unit: str
    statistic: str
    reason: str
    above: bool = True


#: The rules, in the checklist's order. ``x CPUs``: the limit times the CPU count.
THRESHOLDS: tuple[Threshold, ...] = (
    Threshold("load", "uptime", "ldavg-1", 1.0, 2.0, "x CPUs", "snapshot at the start",
              "more tasks want to run (or wait on disk, on Linux) than there are CPUs: "
              "saturation"),
    Threshold("load-trend", "uptime", "ldavg-1 / ldavg-15", None, None, "ratio",
              "snapshot at the start (info below 0.5 or above 2)",
              "a 1-minute load much lower than the 15-minute one means the problem may "
              "have passed: you arrived late; much higher means load is rising"),
    Threshold("run-queue", "vmstat", "r", 1.0, 2.0, "x CPUs", "median",
              "r counts threads running and waiting for a CPU: more than the CPUs is "
              "CPU saturation"),
    Threshold("swapping", "vmstat", "si, so", 20.0, 50.0, "% of samples",
              "share of samples with si or so > 0",
              "pages moving to or from swap: memory is short and every access to a "
              "swapped page waits for disk"),
    Threshold("iowait", "vmstat", "wa", 20.0, 50.0, "%", "median",
              "CPUs idle while I/O they wait for is pending: the work is I/O bound"),
    Threshold("steal", "vmstat", "st", 10.0, 30.0, "%", "median",
              "time the hypervisor gave this VM's CPUs to someone else"),
    Threshold("system", "vmstat", "sy", 20.0, 50.0, "%", "median",
              "much kernel time: system calls, I/O, page faults, locks"),
    Threshold("hot-cpu", "mpstat", "busy % of the busiest CPU", 90.0, None, "%",
              "per sample: busiest CPU above this while the others average below "
              "hot-cpu-others; in at least hot-cpu-share of the samples",
              "one CPU saturated while the others idle: a single-threaded bottleneck "
              "that more CPUs would not help"),
    Threshold("hot-cpu-others", "mpstat", "mean busy % of the other CPUs", 50.0, None, "%",
              "per sample (see hot-cpu)", "the rest of the machine has room", above=False),
    Threshold("hot-cpu-share", "mpstat", "samples with a hot CPU", 50.0, None,
              "% of samples", "share of samples", "sustained, not a spike"),
    Threshold("top-consumer", "pidstat", "%CPU", 90.0, None, "% of one CPU",
              "median of the process with the highest mean %CPU",
              "the process using most CPU; near 100 % it saturates one CPU (a hot "
              "thread) unless it is multi-threaded"),
    Threshold("util", "iostat", "%util", 60.0, 90.0, "%", "median per device",
              "share of time the device was busy: past 60 % queueing grows fast (for "
              "devices that serve requests in parallel, 100 % is not yet saturation)"),
    Threshold("queue", "iostat", "aqu-sz", 1.0, None, "requests", "median per device",
              "more than one request queued on average: requests wait for each other"),
    Threshold("await", "iostat", "r_await, w_await", 10.0, 100.0, "ms",
              "median per device",
              "time a request takes, queueing included: beyond a few ms for virtual and "
              "SSD disks the device or its queue is slow"),
    Threshold("available", "free", "available", 10.0, 5.0, "% of total",
              "the lower of the start and end snapshots",
              "memory left for new work without swapping; below 10 % the kernel "
              "reclaims hard and the OOM killer is near", above=False),
    Threshold("swap-used", "free", "Swap used", None, None, "% of swap",
              "the higher of the start and end snapshots (info only)",
              "swap in use: memory was short at some point; vmstat si/so say whether "
              "pages still move"),
    Threshold("oom_kill", "dmesg", "OOM kills", None, 0.0, "events", "count, recent",
              "the kernel killed a process to free memory"),
    Threshold("hung_task", "dmesg", "hung tasks", 0.0, None, "events", "count, recent",
              "a task blocked in uninterruptible sleep for minutes: I/O or a lock stuck"),
    Threshold("tcp_drop", "dmesg", "TCP drops", 0.0, None, "events", "count, recent",
              "the kernel dropped connection requests (SYN flood, full queues or tables)"),
    Threshold("segfault", "dmesg", "segfaults", None, None, "events", "count, recent",
              "a process crashed: a bug rather than a performance problem, but it may "
              "explain missing work"),
    Threshold("retrans", "sar", "retrans/s", 1.0, 10.0, "segments/s", "median",
              "retransmitted TCP segments: packet loss or a congested path or receiver"),
    Threshold("retrans-share", "sar", "retrans/s of oseg/s", 1.0, 5.0, "%",
              "sum of retrans/s over the sum of oseg/s (with at least "
              "RETRANS_MIN_SEGMENTS retransmitted)",
              "the share of sent segments sent again"),
    Threshold("ifutil", "sar", "%ifutil", 60.0, 90.0, "%", "median per interface",
              "share of the interface's bandwidth in use"),
)

#: How long before the capture's start a dmesg event still counts as current.
RECENT = pd.Timedelta(minutes=5)
#: The fewest retransmitted segments (summed over the samples) for the share rule.
RETRANS_MIN_SEGMENTS = 10.0
#: The order of tools in the checklist (and of findings of equal severity).
TOOLS = ("uptime", "dmesg", "vmstat", "mpstat", "pidstat", "iostat", "free", "sar", "top")
SEVERITIES = ("critical", "warning", "info")
COLUMNS = ["tool", "metric", "observed", "threshold", "severity", "explanation"]


def rule(key: str) -> Threshold:
    """The threshold named ``key`` in :data:`THRESHOLDS`."""
    for item in THRESHOLDS:
        if item.key == key:
            return item
    raise KeyError(key)


def thresholds() -> pd.DataFrame:
    """:data:`THRESHOLDS` as a table indexed by key."""
    return pd.DataFrame([asdict(t) for t in THRESHOLDS]).set_index("key")


def grade(key: str, value: float, scale: float = 1.0) -> str:
    """``"critical"``, ``"warning"`` or ``"info"`` for ``value`` under rule ``key``, its
    limits multiplied by ``scale`` (the CPU count for ``x CPUs`` rules).

    >>> grade("util", 95.0), grade("util", 70.0), grade("util", 10.0)
    ('critical', 'warning', 'info')
    >>> grade("available", 7.5), grade("run-queue", 5.0, scale=2)
    ('warning', 'critical')
    """
    item = rule(key)
    for severity, limit in (("critical", item.critical), ("warning", item.warning)):
        if limit is None:
            continue
        limit *= scale
        if (value > limit) if item.above else (value < limit):
            return severity
    return "info"


def findings(capture: Any) -> pd.DataFrame:
    """The findings of a capture (a :class:`~perfkit.capture.Capture`, a capture directory
    or a scenario name); see the module docstring."""
    from .checklist_rules import Context, run_rules

    context = Context(open_capture(capture))
    rows = run_rules(context)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["observed"] = pd.to_numeric(frame["observed"]).astype(float)
    frame["threshold"] = pd.to_numeric(frame["threshold"]).astype(float)
    order = {tool: i for i, tool in enumerate(TOOLS)}
    frame = frame.assign(_s=frame["severity"].map(SEVERITIES.index),
                         _t=frame["tool"].map(lambda t: order.get(t, len(order))))
    frame = frame.sort_values(["_s", "_t"], kind="stable").drop(columns=["_s", "_t"])
    return frame.reset_index(drop=True)


def open_capture(source: Any) -> Any:
    """A Capture from a Capture, a capture directory, or the name of a shipped scenario."""
    if hasattr(source, "meta") and hasattr(source, "tools"):
        return source
    from . import samples
    from .capture_load import load_capture

    path = Path(source)
    if path.is_dir():
        return load_capture(path)
    try:
        known = samples.list()
    except FileNotFoundError:
        known = {}
    if str(source) in known:
        return samples.load(str(source))
    raise FileNotFoundError(f"{source}: neither a capture directory nor a recorded scenario"
                            + (f" ({', '.join(known)})" if known else ""))


def _number(value: float) -> str:
    if pd.isna(value):
        return "-"
    return f"{value:.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:.3g}"


def render(frame: pd.DataFrame, capture: Any = None, width: int = 100) -> str:
    """The findings as text: a line per finding (severity, tool, metric, observed value
    and threshold), its explanation wrapped below, and a count by severity."""
    lines = []
    if capture is not None:
        meta = capture.meta
        lines.append(f"perfkit checklist: {capture.path}")
        lines.append(f"  host {meta.get('host')}, kernel {meta.get('kernel')}, "
                     f"{meta.get('cpus')} CPUs, started {meta.get('started_utc')}, "
                     f"{meta.get('count')} x {meta.get('interval')} s"
                     + ("" if meta.get("complete", True) else
                        f", INCOMPLETE: {meta.get('reason')}"))
        lines.append("")
    if frame.empty:
        lines.append("no findings")
    for row in frame.itertuples(index=False):
        head = (f"{row.severity.upper():9} {row.tool:8} {row.metric:28} "
                f"observed {_number(row.observed):>8}   threshold {_number(row.threshold)}")
        lines.append(head.rstrip())
        lines.extend(textwrap.wrap(row.explanation, width=width, initial_indent=" " * 10,
                                   subsequent_indent=" " * 10))
    counts = frame["severity"].value_counts()
    lines.append("")
    lines.append(", ".join(f"{int(counts.get(s, 0))} {s}" for s in SEVERITIES))
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    """``perfkit checklist CAPTURE_DIR``: print the findings; exit status 0 (1 when the
    capture cannot be opened)."""
    import sys

    if getattr(args, "lake", None) or args.directory is None:
        from .lake.cli import checklist_main

        return checklist_main(args)
    try:
        capture = open_capture(args.directory)
    except (FileNotFoundError, ValueError) as exc:
        print(f"perfkit checklist: {exc}", file=sys.stderr)
        return 1
    print(render(findings(capture), capture))
    return 0
