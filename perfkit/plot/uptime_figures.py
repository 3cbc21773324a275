"""perfkit.plot's figures of uptime (see :mod:`perfkit.plot`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ..derive.intervals import positions
from ..derive.tables import capture_source, cpu_count
from ._base import (
    finish,
    format_x,
    legend,
    one_axes,
    require_samples,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def uptime(df: Any, *, cpus: int | None = None, row: int | None = -1,
           ax: Axes | None = None) -> Figure:
    """The 1, 5 and 15 minute load averages of one line (the last by default) as bars,
    with a dashed line at the CPU count when known: above it, more tasks wanted to run (or
    waited for disk) than there were CPUs.

    ``row=None`` draws every row over time instead: a loop of ``uptime`` lines, top's
    summary, or ``sar -q``'s ``queue`` table (which names the load averages the same way;
    its ``runq-sz``, the tasks runnable at each sample, is drawn as a grey step line)."""
    data, facts = capture_source(df, "uptime")
    frame = require_samples(data, "uptime")
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
        when = line["time"]
        if isinstance(when, pd.Timedelta):  # a time of day, the date not printed
            when = pd.Timestamp(2000, 1, 1) + when % pd.Timedelta(days=1)
        stamp = f" at {pd.Timestamp(when):%H:%M:%S}"
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
