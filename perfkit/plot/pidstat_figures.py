"""perfkit.plot's figures of pidstat (see :mod:`perfkit.plot`)."""

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


def pidstat(tables: Any, top: int = 5, *, ax: Axes | None = None) -> Figure:
    """``%CPU`` over time of the ``top`` processes that used most CPU over the whole output
    (pidstat prints only processes that ran in an interval: an absent one counts as 0).
    100 % is one CPU; a multi-threaded process can go above."""
    data, facts = capture_source(tables, "pidstat")
    frame = require_samples(interval_samples(table(data, "cpu", "pidstat")), "pidstat")
    fig, ax, owned = one_axes(ax, width=10)
    panels.top_processes(ax, frame, top)
    format_x(ax, positions(frame)[1], frame, facts.get("tz"))
    return finish(fig, owned)
