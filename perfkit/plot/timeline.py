"""``perfkit.plot.timeline``: a whole capture on one time axis.

>>> import perfkit
>>> perfkit.plot.timeline(perfkit.samples.load("oom-kill"))  # doctest: +SKIP

Panels, top to bottom, for the tools the capture holds (a tool that is missing or cannot be
read is left out and named under the title):

1. vmstat ``r`` and ``b`` against the CPU count;
2. vmstat ``us sy wa st`` stacked, in %;
3. mpstat busy % per CPU as a heatmap;
4. iostat ``%util`` of each device that did any I/O;
5. sar ``rxkB/s`` (solid) and ``txkB/s`` (dashed) of each interface with traffic;
6. sar ``retrans/s`` (``retrseg/s``).

Kernel events from dmesg (OOM kills, hung tasks, segfaults, TCP drops: see
:func:`events`) are drawn as vertical lines across every panel when they fall inside the
capture or shortly before it (``perfkit capture`` reads dmesg when it starts, so the events
it holds happened before the first sample), and counted under the title when older.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..derive.intervals import interval_samples, positions
from ..derive.kernel_events import words
from ..derive.tables import table
from . import _panels as panels
from ._base import finish, format_x, make_axes

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Events this long before the first sample are still drawn (see :func:`_mark`).
LEAD = pd.Timedelta(seconds=5)
#: Colours of the dmesg event kinds on the timeline.
EVENT_COLORS = {"oom_kill": "red", "hung_task": "purple", "segfault": "orange",
                "tcp_drop": "blue"}


def load(capture: Any, tool: str) -> tuple[Any, str | None]:
    """``(data, None)``, or ``(None, why)`` when the capture lacks the tool or its output
    cannot be read."""
    if tool not in capture:
        reason = capture.reason(tool) if hasattr(capture, "reason") else "not captured"
        return None, f"{tool}: {reason}"
    try:
        return capture[tool], None
    except (KeyError, ValueError, OSError) as exc:  # ParseError is a ValueError
        return None, f"{tool}: {exc}"


def events(capture: Any) -> pd.DataFrame:
    """The capture's dmesg events worth a marker: ``time``, ``kind`` (a key of
    :data:`EVENT_COLORS`) and ``message``; empty when dmesg is missing or has none."""
    from ..derive.kernel_events import capture_events

    return capture_events(capture)


def _plan(capture: Any) -> tuple[list[tuple[str, Callable[[Axes], None]]], list[str]]:
    """The panels to draw (name, drawer) and the reasons for tools left out."""
    plan: list[tuple[str, Callable[[Axes], None]]] = []
    skipped: list[str] = []
    cpus = capture.meta.get("cpus")

    vm, why = load(capture, "vmstat")
    if vm is not None and not interval_samples(vm).empty:
        frame = interval_samples(vm)
        plan.append(("vmstat r/b", lambda ax: panels.run_queue(ax, frame, cpus)))
        plan.append(("vmstat cpu", lambda ax: panels.cpu_split(ax, frame)))
    elif why:
        skipped.append(why)

    mp, why = load(capture, "mpstat")
    if mp is not None and "cpu" in mp and not interval_samples(mp["cpu"]).empty:
        cpu = interval_samples(table(mp, "cpu", "mpstat"))
        plan.append(("mpstat", lambda ax: panels.busy_heatmap(ax, cpu)))
    elif why:
        skipped.append(why)

    io, why = load(capture, "iostat")
    if io is not None and "devices" in io and "%util" in io["devices"].columns:
        devices = interval_samples(io["devices"])
        busy = panels.active(devices, "Device", ["r/s", "w/s", "d/s", "%util"])
        reports = positions(interval_samples(io["cpu"]))[0] if "cpu" in io else None

        def draw_io(ax: Axes) -> None:
            if panels.per_key(ax, devices, "Device", ["%util"], xs=reports, keys=busy) == 0:
                ax.text(0.5, 0.5, "no device did any I/O", transform=ax.transAxes,
                        ha="center", va="center")
            ax.set_ylabel("% of time busy")
            ax.set_title("iostat: device utilisation (%util) of devices with I/O")
        plan.append(("iostat", draw_io))
    elif why:
        skipped.append(why)

    sar, why = load(capture, "sar")
    if sar is not None and "DEV" in sar:
        dev = interval_samples(sar["DEV"])
        moving = panels.active(dev, "IFACE", ["rxkB/s", "txkB/s"])

        def draw_dev(ax: Axes) -> None:
            if panels.per_key(ax, dev, "IFACE", ["rxkB/s", "txkB/s"], keys=moving) == 0:
                ax.text(0.5, 0.5, "no traffic on any interface", transform=ax.transAxes,
                        ha="center", va="center")
            ax.set_ylabel("kB/s")
            ax.set_title("sar -n DEV: received (solid) and sent (dashed) per interface")
        plan.append(("sar DEV", draw_dev))
    if sar is not None and "ETCP" in sar:
        etcp = interval_samples(sar["ETCP"])
        plan.append(("sar ETCP", lambda ax: panels.retransmits(ax, etcp)))
    if sar is None and why:
        skipped.append(why)
    return plan, skipped


def _mark(axes: list[Axes], found: pd.DataFrame) -> list[str]:
    """Draw the events inside the panels' time span, or shortly before it (up to a quarter
    of the span, at least :data:`LEAD`, widening the axis to show them); describe the
    older and undated ones. Returns those descriptions."""
    import matplotlib.dates as mdates

    low, high = (pd.Timestamp(mdates.num2date(v).replace(tzinfo=None))
                 for v in axes[0].get_xlim())
    lead = max((high - low) / 4, LEAD)
    shown = found[(found["time"] >= low - lead) & (found["time"] <= high)]
    if not shown.empty and shown["time"].min() < low:
        axes[0].set_xlim(left=mdates.date2num(shown["time"].min() - lead / 10))
    for kind, group in shown.groupby("kind", sort=True):
        color = EVENT_COLORS.get(str(kind), "black")
        for when in group["time"]:
            for ax in axes:
                ax.axvline(when, color=color, linestyle=":", linewidth=1.2)
        first = group["time"].min()
        axes[0].annotate(words(str(kind), len(group)), xy=(first, 1.0),
                         xycoords=("data", "axes fraction"), xytext=(2, -10),
                         textcoords="offset points", color=color, fontsize="small")
    notes = []
    before = found[found["time"] < low - lead]
    for kind, group in before.groupby("kind", sort=True):
        notes.append(f"dmesg: {words(str(kind), len(group))} before the capture (the last at "
                     f"{group['time'].max():%Y-%m-%d %H:%M:%S})")
    undated = found[found["time"].isna()]
    for kind, group in undated.groupby("kind", sort=True):
        notes.append(f"dmesg: {words(str(kind), len(group))} (time unknown)")
    return notes


def timeline(capture: Any, *, axes: Any = None, mark_events: bool = True) -> Figure:
    """All of a capture's time series on one shared time axis (see the module docstring),
    with dmesg events marked when ``mark_events``. ``axes=``: as many axes as panels."""
    plan, skipped = _plan(capture)
    if not plan:
        raise ValueError("timeline: the capture holds none of vmstat, mpstat, iostat, sar"
                         + (f" ({'; '.join(skipped)})" if skipped else ""))
    fig, axs, owned = make_axes(len(plan), axes=axes, height=2.0)
    for ax, (_, draw) in zip(axs, plan, strict=True):
        draw(ax)
    tz = (capture.meta.get("environment") or {}).get("TZ")
    kind = "time"
    for ax in axs:
        format_x(ax, kind, None, tz) if ax is axs[-1] else ax.set_xlabel("")
    notes = list(skipped)
    if mark_events:
        found = events(capture)
        if not found.empty:
            notes += _mark(axs, found)
    path = getattr(capture, "path", None)
    title = f"capture {getattr(path, 'name', path) or ''}".strip()
    started = capture.meta.get("started_utc")
    if started:
        title += f" ({started})"
    if notes:
        title += "\n" + "\n".join(notes)
    if owned:
        fig.suptitle(title, fontsize="medium")
    return finish(fig, owned)
