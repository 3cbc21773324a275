"""perfkit.plot's figures of mpstat (see :mod:`perfkit.plot`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..derive.intervals import interval_samples, positions
from ..derive.tables import capture_source, table
from . import _panels as panels
from ._base import (
    finish,
    format_x,
    one_axes,
    require_samples,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def mpstat(tables: Any, *, ax: Axes | None = None) -> Figure:
    """Heatmap of each CPU's busy % (100 - ``%idle``): one row per CPU (CPU 0 at the top),
    one column per sample. A single hot row among cool ones is a single-threaded
    bottleneck; all rows hot is CPU saturation."""
    data, facts = capture_source(tables, "mpstat")
    cpu = require_samples(interval_samples(table(data, "cpu", "mpstat")), "mpstat")
    count = cpu.loc[cpu["CPU"].astype(str) != "all", "CPU"].nunique()
    fig, ax, owned = one_axes(ax, height=max(2.5, 0.25 * count + 1.5), width=10)
    panels.busy_heatmap(ax, cpu)
    format_x(ax, positions(cpu)[1], cpu, facts.get("tz"))
    return finish(fig, owned)
