"""perfkit.plot's figures of pidstat (see :mod:`perfkit.plot`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..derive.intervals import interval_samples, positions
from ..derive.tables import capture_source, table
from . import _panels as panels
from ._base import (
    finish,
    format_x,
    make_axes,
    one_axes,
    require_samples,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def pidstat(tables: Any, top: int = 5, *, ax: Axes | None = None,
            axes: Any = None) -> Figure:
    """``%CPU`` over time of the ``top`` commands that used most CPU over the whole output
    (each command's processes summed; pidstat prints only processes that ran in an
    interval: an absent one counts as 0), and below it their ``%wait`` when pidstat printed
    it (time runnable but waiting for a CPU: contention, or a CPU quota). 100 % is one CPU;
    a multi-threaded process can go above. ``ax=`` draws the %CPU panel alone."""
    data, facts = capture_source(tables, "pidstat")
    frame = require_samples(interval_samples(table(data, "cpu", "pidstat")), "pidstat")
    with_wait = "%wait" in frame.columns and ax is None
    if with_wait:
        fig, (cpu, wait), owned = make_axes(2, axes=axes)
    else:
        fig, cpu, owned = one_axes(ax, width=10)
    chosen = panels.top_processes(cpu, frame, top)
    if with_wait:
        panels.waiting(wait, frame, chosen)
    format_x(wait if with_wait else cpu, positions(frame)[1], frame, facts.get("tz"))
    return finish(fig, owned)
