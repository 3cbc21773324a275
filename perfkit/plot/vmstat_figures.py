"""perfkit.plot's figures of vmstat (see :mod:`perfkit.plot`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..derive.intervals import interval_samples, positions
from ..derive.tables import capture_source, cpu_count
from . import _panels as panels
from ._base import (
    finish,
    format_x,
    make_axes,
    require_samples,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


def vmstat(df: Any, *, cpus: int | None = None, axes: Any = None) -> Figure:
    """Four panels over time: run queue, CPU split, swap traffic, memory.

    * ``r`` (runnable: running or waiting for a CPU) and ``b`` (blocked in uninterruptible
      sleep, usually disk I/O), with a dashed line at the CPU count when known (``cpus=``,
      ``df.attrs["cpus"]`` or the capture's): ``r`` above it means CPU saturation;
    * ``us``, ``sy``, ``wa``, ``st`` stacked, in % of CPU time;
    * ``si`` and ``so``, swap-ins and swap-outs, printed in KiB/s and drawn in MiB/s;
    * ``free``, ``buff`` and ``cache`` (``inact`` and ``active`` with ``-a``) in MiB.
    """
    data, facts = capture_source(df, "vmstat")
    frame = require_samples(interval_samples(data), "vmstat")
    cpus = cpu_count(cpus, facts.get("cpus"), data)
    fig, (queue, split, swap, memory), owned = make_axes(4, axes=axes)
    panels.run_queue(queue, frame, cpus)
    panels.cpu_split(split, frame)
    panels.swap_traffic(swap, frame)
    panels.memory(memory, frame)
    format_x(memory, positions(frame)[1], data, facts.get("tz"))
    return finish(fig, owned, "vmstat")
