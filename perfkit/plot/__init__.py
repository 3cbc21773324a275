"""Figures of the 60-second checklist: one function per tool, each returning a matplotlib
``Figure``.

>>> import perfkit
>>> cap = perfkit.load_capture("my-capture")             # doctest: +SKIP
>>> perfkit.plot.vmstat(cap["vmstat"], cpus=2)           # doctest: +SKIP
>>> perfkit.plot.mpstat(cap)                             # doctest: +SKIP
>>> perfkit.plot.timeline(cap)                           # doctest: +SKIP
>>> perfkit.plot.side_by_side(perfkit.plot.vmstat, idle, loaded)  # doctest: +SKIP

Every function takes what the parser returns (a DataFrame or a :class:`perfkit.Tables`) or
a whole :class:`~perfkit.capture.Capture` (then the CPU count comes from ``capture.json``),
and an optional ``ax=`` (one panel) or ``axes=`` (several panels) to draw into a figure of
your own. Samples that report averages since boot (``since_boot``: vmstat's first line,
iostat's first report) are left out. Axes carry their units; times are on a date axis.

A figure perfkit creates is removed from pyplot's list of open figures before it is
returned, so figures do not accumulate and Jupyter shows each one once: leave it as the
value of a cell, pass it to ``display()``, or ``fig.savefig("vmstat.png")``.

matplotlib is imported when a function draws, never by ``import perfkit``.

================  ===========================================================================
function          figure
================  ===========================================================================
``vmstat``        run queue ``r`` and blocked ``b`` against the CPU count; ``us sy wa st``
                  stacked in %; ``si so`` swap traffic; ``free buff cache`` in MiB
``mpstat``        heatmap of busy % (100 - ``%idle``) per CPU (rows) and sample (columns)
``pidstat``       ``%CPU`` over time of the ``top`` processes using most CPU
``iostat``        per device ``%util``, ``r_await``/``w_await`` (or ``await``), ``aqu-sz``
``free``          bars of memory used / buff/cache / free, and swap used / free, in MiB
``sar_dev``       per interface ``rxkB/s`` and ``txkB/s``
``sar_tcp``       ``active/s`` and ``passive/s``; ``retrans/s`` (``retrseg/s``)
``top``           load, tasks and CPU split over iterations; or one iteration's processes
``uptime``        the three load averages as bars against the CPU count (``row=None``:
                  over time, e.g. from ``sar -q``)
``dmesg``         kernel events (OOM kills, segfaults, hung tasks, TCP drops) per second
``timeline``      a capture's tools on one shared time axis, with dmesg events marked
``side_by_side``  the same figure of two captures, columns sharing the y scale
================  ===========================================================================

For bpftrace and bcc output (:mod:`perfkit.plot.trace`): ``histogram`` (a ``hist()`` or
``lhist()`` map as bars per bucket), ``latency_heatmap`` (a histogram printed every interval:
time on x, bucket on y, count as colour) and ``map_bars`` (a map's largest values as bars).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..derive.intervals import interval_samples, positions
from ..derive.tables import capture_source, cpu_count, table
from ..synonyms import column, find
from . import _panels as panels
from ._base import (
    finish,
    format_x,
    legend,
    make_axes,
    one_axes,
    pyplot,
)
from ._panels import KIB_PER_MIB
from .timeline import timeline
from .trace import histogram, latency_heatmap, map_bars

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["dmesg", "free", "histogram", "iostat", "latency_heatmap", "map_bars", "mpstat",
           "pidstat", "sar_dev", "sar_tcp", "side_by_side", "timeline", "top", "uptime", "vmstat"]


def _require(frame: pd.DataFrame, tool: str) -> pd.DataFrame:
    if frame.empty:
        raise ValueError(f"{tool}: no samples to plot (only since-boot rows, or none)")
    return frame


# -- vmstat ----------------------------------------------------------------------------------

def vmstat(df: Any, *, cpus: int | None = None, axes: Any = None) -> Figure:
    """Four panels over time: run queue, CPU split, swap traffic, memory.

    * ``r`` (runnable: running or waiting for a CPU) and ``b`` (blocked in uninterruptible
      sleep, usually disk I/O), with a dashed line at the CPU count when known (``cpus=``,
      ``df.attrs["cpus"]`` or the capture's): ``r`` above it means CPU saturation;
    * ``us``, ``sy``, ``wa``, ``st`` stacked, in % of CPU time;
    * ``si`` and ``so``, swap-ins and swap-outs in KiB/s (vmstat's default ``-S K``);
    * ``free``, ``buff`` and ``cache`` (``inact`` and ``active`` with ``-a``) in MiB.
    """
    data, facts = capture_source(df, "vmstat")
    frame = _require(interval_samples(data), "vmstat")
    cpus = cpu_count(cpus, facts.get("cpus"), data)
    fig, (queue, split, swap, memory), owned = make_axes(4, axes=axes)
    panels.run_queue(queue, frame, cpus)
    panels.cpu_split(split, frame)
    panels.swap_traffic(swap, frame)
    panels.memory(memory, frame)
    format_x(memory, positions(frame)[1], data, facts.get("tz"))
    return finish(fig, owned, "vmstat")


# -- mpstat ---------------------------------------------------------------------------------

def mpstat(tables: Any, *, ax: Axes | None = None) -> Figure:
    """Heatmap of each CPU's busy % (100 - ``%idle``): one row per CPU (CPU 0 at the top),
    one column per sample. A single hot row among cool ones is a single-threaded
    bottleneck; all rows hot is CPU saturation."""
    data, facts = capture_source(tables, "mpstat")
    cpu = _require(interval_samples(table(data, "cpu", "mpstat")), "mpstat")
    count = cpu.loc[cpu["CPU"].astype(str) != "all", "CPU"].nunique()
    fig, ax, owned = one_axes(ax, height=max(2.5, 0.25 * count + 1.5), width=10)
    panels.busy_heatmap(ax, cpu)
    format_x(ax, positions(cpu)[1], cpu, facts.get("tz"))
    return finish(fig, owned)


# -- pidstat --------------------------------------------------------------------------------

def pidstat(tables: Any, top: int = 5, *, ax: Axes | None = None) -> Figure:
    """``%CPU`` over time of the ``top`` processes that used most CPU over the whole output
    (pidstat prints only processes that ran in an interval: an absent one counts as 0).
    100 % is one CPU; a multi-threaded process can go above."""
    data, facts = capture_source(tables, "pidstat")
    frame = _require(interval_samples(table(data, "cpu", "pidstat")), "pidstat")
    fig, ax, owned = one_axes(ax, width=10)
    panels.top_processes(ax, frame, top)
    format_x(ax, positions(frame)[1], frame, facts.get("tz"))
    return finish(fig, owned)


# -- iostat ---------------------------------------------------------------------------------

#: iostat -x panels: (title, ((metrics, y label), ...)); the first group printed is drawn.
IOSTAT_EXTENDED: tuple[tuple[str, tuple[tuple[tuple[str, ...], str], ...]], ...] = (
    ("utilisation (%util)", ((("%util",), "% of time busy"),)),
    ("wait per request (r_await, w_await)", ((("r_await", "w_await"), "ms"),
                                             (("await",), "ms"))),
    ("queue length (aqu-sz)", ((("aqu-sz",), "requests"),)),
)
#: iostat panels without -x.
IOSTAT_BASIC: tuple[tuple[str, tuple[tuple[tuple[str, ...], str], ...]], ...] = (
    ("transfers (tps)", ((("tps",), "transfers/s"),)),
    ("throughput", ((("kB_read/s", "kB_wrtn/s"), "kB/s"), (("MB_read/s", "MB_wrtn/s"), "MB/s"))),
)


def _iostat_panels(frame: pd.DataFrame) -> list[tuple[str, list[str], str]]:
    """The panels a device table can fill: ``-x`` metrics when printed, else the basic."""
    for spec in (IOSTAT_EXTENDED, IOSTAT_BASIC):
        panels = []
        for title, groups in spec:
            for metrics, unit in groups:
                found = [find(frame, name) for name in metrics]
                if all(found):
                    panels.append((title, [str(f) for f in found], unit))
                    break
        if panels:
            return panels
    raise ValueError("iostat: none of %util, await, aqu-sz, tps, kB_read/s here")


def iostat(tables: Any, *, devices: Sequence[str] | None = None,
           axes: Any = None) -> Figure:
    """Per device over time: ``%util``, ``r_await``/``w_await`` (``await`` in old
    versions), ``aqu-sz`` (``avgqu-sz``) from ``iostat -x``; without ``-x``, ``tps`` and
    ``kB_read/s``/``kB_wrtn/s``. A device ``iostat -z`` left out of a report was idle then
    and counts as 0; when no device did any I/O the figure says so. ``devices=`` picks
    some."""
    data, facts = capture_source(tables, "iostat")
    frame = interval_samples(table(data, "devices", "iostat"))
    device = find(frame, "Device") or "Device"
    if devices is not None:
        frame = frame[frame[device].astype(str).isin(devices)]
    if frame.empty:  # a quiet machine: iostat -z printed no device after the first report
        first = axes if axes is None or hasattr(axes, "plot") else next(iter(axes))
        fig, ax, owned = one_axes(first, height=2.5, width=9)
        ax.text(0.5, 0.5, "no device did any I/O in these reports\n(iostat -z leaves idle "
                "devices out)", ha="center", va="center", transform=ax.transAxes)
        ax.set_ylabel("%util")
        ax.set_title("iostat: no device activity")
        return finish(fig, owned, "iostat")
    reports = None
    if not isinstance(data, pd.DataFrame) and "cpu" in data and not data["cpu"].empty:
        reports = positions(interval_samples(data["cpu"]))[0]
    plan = _iostat_panels(frame)
    fig, axs, owned = make_axes(len(plan), axes=axes)
    for ax, (title, metrics, unit) in zip(axs, plan, strict=True):
        panels.per_key(ax, frame, device, metrics, xs=reports)
        ax.set_ylabel(unit)
        ax.set_title(f"iostat: {title}")
    format_x(axs[-1], positions(frame)[1], frame, facts.get("tz"))
    return finish(fig, owned, "iostat")


# -- free -----------------------------------------------------------------------------------

def _buff_cache(row: pd.Series) -> float:
    for name in ("buff/cache",):
        if name in row.index and pd.notna(row[name]):
            return float(row[name])
    parts = [row[c] for c in ("buffers", "cache", "cached") if c in row.index]
    return float(np.nansum(parts)) if parts else 0.0


def free(df: Any, *, ax: Axes | None = None) -> Figure:
    """Horizontal bars in MiB: memory ``used`` | ``buff/cache`` | ``free`` and swap
    ``used`` | ``free``, one pair per snapshot (a capture's ``start`` and ``end``, or each
    sample of ``free -s``), with ``available`` written at the end of the memory bar."""
    data, _ = capture_source(df, "free")
    frame = _require(data, "free")
    group = "when" if "when" in frame.columns else "sample" if "sample" in frame.columns \
        else None
    snapshots = list(dict.fromkeys(frame[group])) if group else [None]
    fig, ax, owned = one_axes(ax, height=1.2 + 0.7 * 2 * len(snapshots), width=9)
    colors = {"used": "C3", "buff/cache": "C1", "free": "C2"}
    labels: list[str] = []
    done: set[str] = set()
    position = 0
    for snap in snapshots:
        rows = frame if snap is None else frame[frame[group] == snap]
        suffix = "" if snap is None or len(snapshots) == 1 else (
            f" ({snap})" if group == "when" else f" (sample {snap})")
        for kind in ("Mem", "Swap"):
            match = rows[rows["kind"] == kind]
            if match.empty:
                continue
            row = match.iloc[0]
            parts = [("used", float(row["used"]))]
            if kind == "Mem":
                parts.append(("buff/cache", _buff_cache(row)))
            parts.append(("free", float(row["free"])))
            left = 0.0
            for name, kib in parts:
                width = kib / KIB_PER_MIB
                ax.barh(position, width, left=left, color=colors[name],
                        label=None if name in done else name)
                done.add(name)
                left += width
            if kind == "Mem" and "available" in row.index and pd.notna(row["available"]):
                ax.text(left, position,
                        f"  available {row['available'] / KIB_PER_MIB:,.0f} MiB",
                        va="center", fontsize="small")
            elif kind == "Swap" and not left:
                ax.text(0, position, "  no swap", va="center", fontsize="small")
            labels.append(f"{kind}{suffix}")
            position += 1
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlabel("MiB")
    ax.set_ylabel("row (snapshot)" if len(snapshots) > 1 else "row")
    ax.set_title("free: memory and swap")
    ax.margins(x=0.2)
    legend(ax)
    return finish(fig, owned)


# -- sar ------------------------------------------------------------------------------------

def sar_dev(tables: Any, *, interfaces: Sequence[str] | None = None,
            axes: Any = None) -> Figure:
    """``rxkB/s`` and ``txkB/s`` per network interface (``sar -n DEV``) over time."""
    data, facts = capture_source(tables, "sar")
    frame = interval_samples(table(data, "DEV", "sar -n DEV"))
    if interfaces is not None:
        frame = frame[frame["IFACE"].astype(str).isin(interfaces)]
    frame = _require(frame, "sar -n DEV")
    fig, (rx, tx), owned = make_axes(2, axes=axes)
    for ax, metric, word in ((rx, "rxkB/s", "received"), (tx, "txkB/s", "sent")):
        panels.per_key(ax, frame, "IFACE", [metric])
        ax.set_ylabel("kB/s")
        ax.set_title(f"sar -n DEV: {word} ({metric})")
    format_x(tx, positions(frame)[1], frame, facts.get("tz"))
    return finish(fig, owned, "sar -n DEV")


def sar_tcp(tables: Any, *, axes: Any = None) -> Figure:
    """``sar -n TCP,ETCP`` over time: new connections (``active/s`` opened here,
    ``passive/s`` accepted) and retransmitted segments (``retrans/s``, ``retrseg/s`` from
    sysstat 12.7.6), with ``oseg/s`` for scale when printed."""
    data, facts = capture_source(tables, "sar")
    tcp = interval_samples(data["TCP"]) if "TCP" in data else None
    etcp = interval_samples(data["ETCP"]) if "ETCP" in data else None
    if tcp is None and etcp is None:
        raise KeyError("sar: no TCP or ETCP table here (sar -n TCP,ETCP)")
    fig, (conn, retrans), owned = make_axes(2, axes=axes)
    frame = tcp if tcp is not None else etcp
    if tcp is not None:
        panels.connections(conn, tcp)
    if etcp is not None:
        panels.retransmits(retrans, etcp)
    format_x(retrans, positions(frame)[1], frame, facts.get("tz"))
    return finish(fig, owned, "sar -n TCP,ETCP")


# -- top ------------------------------------------------------------------------------------

def _top_processes(processes: pd.DataFrame, iteration: int | None, when: str | None, n: int,
                   ax: Any) -> Figure:
    rows = processes
    if when is not None:
        rows = rows[rows["when"] == when]
    if iteration is None:
        iteration = int(rows["iteration"].min())
    rows = rows[rows["iteration"] == iteration]
    if rows.empty:
        raise ValueError(f"top: no processes for iteration {iteration}"
                         + (f" ({when})" if when else ""))
    cpu = column(rows, "%CPU")
    chosen = rows.assign(_cpu=cpu).sort_values("_cpu", ascending=False, kind="stable").head(n)
    fig, (axis,), owned = make_axes(1, axes=ax, height=0.35 * len(chosen) + 1.5, width=8)
    names = chosen["COMMAND"].astype(str) + " (" + chosen["PID"].astype(str) + ")"
    axis.barh(range(len(chosen)), chosen["_cpu"], color="C0")
    axis.set_yticks(range(len(chosen)), names.tolist())
    axis.invert_yaxis()
    axis.set_xlabel("%CPU (100 = one CPU)")
    axis.set_ylabel("process (PID)")
    stamp = ""
    if "time" in chosen.columns and pd.notna(chosen["time"].iloc[0]):
        stamp = f" at {pd.Timestamp(chosen['time'].iloc[0]):%H:%M:%S}"
    label = f"{when}, iteration {iteration}" if when else f"iteration {iteration}"
    axis.set_title(f"top: processes by %CPU{stamp} ({label})")
    return finish(fig, owned)


def top(tables: Any, *, iteration: int | None = None, when: str | None = None, n: int = 10,
        cpus: int | None = None, axes: Any = None) -> Figure:
    """top's summary over its iterations (load averages against the CPU count, task
    counts, CPU split in %), or, given ``iteration=`` and/or ``when=`` (a capture's
    ``"start"``/``"end"``), a bar chart of the ``n`` processes with most ``%CPU`` then."""
    data, facts = capture_source(tables, "top")
    summary = table(data, "summary", "top")
    if iteration is not None or when is not None:
        return _top_processes(table(data, "processes", "top"), iteration, when, n, axes)
    cpus = cpu_count(cpus, facts.get("cpus"), data)
    fig, (load, tasks, split), owned = make_axes(3, axes=axes)
    x, kind = positions(summary)
    for col in ("ldavg-1", "ldavg-5", "ldavg-15"):
        load.plot(x, summary[col], marker="o", label=col)
    if cpus:
        load.axhline(cpus, color="grey", linestyle="--", label=f"CPUs ({cpus})")
    load.set_ylabel("load (tasks)")
    load.set_ylim(bottom=0)
    load.set_title("top: load averages (1, 5, 15 min)")
    legend(load)
    word = "Threads" if any(c.startswith("Threads ") for c in summary.columns) else "Tasks"
    for state in ("total", "running", "sleeping", "stopped", "zombie"):
        col = f"{word} {state}"
        if col in summary.columns:
            tasks.plot(x, summary[col], marker="o", label=state)
    tasks.set_ylabel(word.lower())
    tasks.set_ylim(bottom=0)
    tasks.set_title(f"top: {word.lower()} by state")
    legend(tasks)
    parts = [c for c in ("us", "sy", "ni", "wa", "hi", "si", "st")
             if f"%Cpu {c}" in summary.columns and summary[f"%Cpu {c}"].notna().any()]
    if parts:
        split.stackplot(x, *(summary[f"%Cpu {c}"].fillna(0).to_numpy(dtype=float)
                             for c in parts), labels=parts)
    split.set_ylim(0, 100)
    split.set_ylabel("% of CPU time")
    split.set_title("top: CPU time (%Cpu(s); the rest is idle)")
    legend(split)
    format_x(split, kind, summary, facts.get("tz"))
    return finish(fig, owned, "top")


# -- uptime ---------------------------------------------------------------------------------

def uptime(df: Any, *, cpus: int | None = None, row: int | None = -1,
           ax: Axes | None = None) -> Figure:
    """The 1, 5 and 15 minute load averages of one line (the last by default) as bars,
    with a dashed line at the CPU count when known: above it, more tasks wanted to run (or
    waited for disk) than there were CPUs.

    ``row=None`` draws every row over time instead: a loop of ``uptime`` lines, top's
    summary, or ``sar -q``'s ``queue`` table (which names the load averages the same way;
    its ``runq-sz``, the tasks runnable at each sample, is drawn as a grey step line)."""
    data, facts = capture_source(df, "uptime")
    frame = _require(data, "uptime")
    cpus = cpu_count(cpus, facts.get("cpus"), data)
    names = ["ldavg-1", "ldavg-5", "ldavg-15"]
    if row is None:
        return _load_over_time(frame, names, cpus, ax, facts.get("tz"))
    line = frame.iloc[row]
    fig, ax, owned = one_axes(ax, height=3.2, width=6)
    ax.bar(["1 min", "5 min", "15 min"], [float(line[n]) for n in names],
           color=["C0", "C1", "C2"])
    if cpus:
        ax.axhline(cpus, color="grey", linestyle="--", label=f"CPUs ({cpus})")
        legend(ax)
    ax.set_ylabel("load average (tasks)")
    ax.set_xlabel("averaged over")
    stamp = ""
    if "time" in frame.columns and pd.notna(line["time"]):
        stamp = f" at {pd.Timestamp(line['time']):%H:%M:%S}"
    ax.set_title(f"uptime: load averages{stamp}")
    return finish(fig, owned)


def _load_over_time(frame: pd.DataFrame, names: list[str], cpus: int | None,
                    ax: Axes | None, tz: str | None) -> Figure:
    fig, ax, owned = one_axes(ax, height=3.5, width=9)
    x, kind = positions(frame)
    if "runq-sz" in frame.columns:
        ax.step(x, frame["runq-sz"].to_numpy(dtype=float), where="post", color="grey",
                alpha=0.6, label="runq-sz (runnable now)")
    for name, color in zip(names, ("C0", "C1", "C2"), strict=True):
        ax.plot(x, frame[name].to_numpy(dtype=float), color=color, label=name)
    if cpus:
        ax.axhline(cpus, color="grey", linestyle="--", label=f"CPUs ({cpus})")
    ax.set_ylim(bottom=0)
    ax.set_ylabel("load average (tasks)")
    ax.set_title("load averages over time (1, 5, 15 min)")
    legend(ax)
    format_x(ax, kind, frame, tz)
    return finish(fig, owned)


# -- dmesg ----------------------------------------------------------------------------------

def dmesg(df: Any, *, every: str = "1s", ax: Axes | None = None) -> Figure:
    """Kernel events (:func:`perfkit.dmesg.events`: OOM kills, segfaults, hung tasks, TCP
    drops) counted per ``every`` (a pandas interval: ``"1s"``, ``"1min"``) as stacked bars,
    one colour per kind. Takes a ``dmesg`` or ``journalctl`` frame or a capture; times are
    the frame's ``time`` (wall clock, as printed), else its ``timestamp`` (seconds since
    boot, binned by the seconds in ``every``).

    >>> import perfkit
    >>> fig = perfkit.plot.dmesg(perfkit.samples.load("oom-kill"))  # doctest: +SKIP
    """
    from ..derive import kernel_events as kernel
    from ..derive.kernel_events import words
    from .timeline import EVENT_COLORS

    data, _ = capture_source(df, "dmesg")
    found = kernel.events(data)
    fig, ax, owned = one_axes(ax, height=3.2, width=9)
    width = pd.Timedelta(every)
    if "time" in found.columns and found["time"].notna().any():
        bins = found["time"].dt.floor(width)
        bar_width: Any = width
        kind = "time"
    else:
        seconds = width.total_seconds()
        stamps = found["timestamp"] if "timestamp" in found.columns else pd.Series(
            np.nan, index=found.index)
        bins = (stamps // seconds) * seconds
        bar_width = seconds
        kind = "seconds since boot"
    counts = pd.crosstab(bins, found["kind"]) if len(found) else pd.DataFrame()
    bottom = np.zeros(len(counts))
    for name in counts.columns:
        values = counts[name].to_numpy(dtype=float)
        ax.bar(counts.index, values, width=bar_width, bottom=bottom, align="edge",
               color=EVENT_COLORS.get(str(name), "black"),
               label=words(str(name), int(values.sum())))
        bottom += values
    if counts.empty:
        ax.text(0.5, 0.5, "no OOM kill, segfault, hung task or TCP drop",
                transform=ax.transAxes, ha="center", va="center")
    ax.set_ylabel(f"events per {every}")
    ax.set_title(f"dmesg: kernel events per {every}")
    legend(ax)
    if kind == "time":
        format_x(ax, "time", data)
    else:
        ax.set_xlabel("seconds since boot")
    return finish(fig, owned)


# -- comparisons ----------------------------------------------------------------------------

def _panels(fig: Figure) -> list[Axes]:
    return [a for a in fig.axes if a.get_label() != "<colorbar>"]


def _share_y(first: Axes, second: Axes) -> None:
    """Give two panels drawn apart one y scale covering both (inverted axes stay so)."""
    (a0, a1), (b0, b1) = first.get_ylim(), second.get_ylim()
    if a0 > a1:  # an image's axis runs downwards
        limits = (max(a0, b0), min(a1, b1))
    else:
        limits = (min(a0, b0), max(a1, b1))
    second.sharey(first)
    first.set_ylim(*limits)


def _names_differ(first: Axes, second: Axes) -> bool:
    """True when both panels name their y positions (bars of processes, say) and some
    position carries a different name on each side: a shared scale would mislabel one."""
    from matplotlib.ticker import FixedLocator

    names = []
    for ax in (first, second):
        if not isinstance(ax.yaxis.get_major_locator(), FixedLocator):
            return False
        names.append({float(tick): label.get_text()
                      for tick, label in zip(ax.get_yticks(), ax.get_yticklabels(),
                                             strict=False)})
    return any(names[0][k] != names[1][k] for k in names[0].keys() & names[1].keys())


def side_by_side(plot_function: Callable[..., Figure], left: Any, right: Any,
                 titles: tuple[str, str] = ("idle", "loaded"), **kwargs: Any) -> Figure:
    """The figure ``plot_function`` draws, for ``left`` and for ``right`` next to each other
    (two columns, each panel's y scale shared across the row, unless the rows are named
    differently on each side, as top's processes are): healthy versus sick.
    ``plot_function`` is one of this module's functions (it must take ``ax=`` or ``axes=``);
    ``kwargs`` go to it.

    >>> import perfkit
    >>> fig = perfkit.plot.side_by_side(perfkit.plot.vmstat, idle_cap, busy_cap,
    ...                                 titles=("idle", "cpu-saturation"))  # doctest: +SKIP
    """
    probe = plot_function(left, **kwargs)
    rows = len(_panels(probe))
    plt = pyplot()
    per_panel = probe.get_size_inches()[1] / max(rows, 1)
    fig, grid = plt.subplots(rows, 2, squeeze=False, sharex="col",
                             figsize=(14, per_panel * rows + 0.6), layout="constrained")
    keyword = "axes" if "axes" in inspect.signature(plot_function).parameters else "ax"
    for col, (data, title) in enumerate(zip((left, right), titles, strict=True)):
        target = list(grid[:, col]) if keyword == "axes" else grid[0, col]
        plot_function(data, **{keyword: target}, **kwargs)
        top_ax = grid[0, col]
        top_ax.set_title(f"{title}: {top_ax.get_title()}" if top_ax.get_title() else title)
    for first, second in grid:
        if not _names_differ(first, second):
            _share_y(first, second)
    return finish(fig, True)
