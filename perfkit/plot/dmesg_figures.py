"""perfkit.plot's figures of dmesg (see :mod:`perfkit.plot`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..derive.tables import capture_source
from ._base import (
    count_ticks,
    finish,
    format_x,
    legend,
    one_axes,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


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
    count_ticks(ax)
    ax.set_title(f"dmesg: kernel events per {every}")
    legend(ax)
    if kind == "time":
        format_x(ax, "time", data)
    else:
        ax.set_xlabel("seconds since boot")
    return finish(fig, owned)
