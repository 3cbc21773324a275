"""perfkit.plot's figures of iostat (see :mod:`perfkit.plot`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..derive.intervals import interval_samples, positions
from ..derive.tables import capture_source, table
from ..synonyms import find
from . import _panels as panels
from ._base import (
    finish,
    format_x,
    make_axes,
    one_axes,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


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


#: Each time per request with the rates of the requests it averages (``await``, reads and
#: writes together: ``r/s`` and ``w/s``, or ``tps`` in the short layout, ``-s``). Where no
#: such request completed in an interval, iostat prints 0.00: nothing was averaged.
_AWAIT_OF = {"r_await": (("r/s",),), "w_await": (("w/s",),), "d_await": (("d/s",),),
             "f_await": (("f/s",),), "await": (("r/s", "w/s"), ("tps",))}

#: The wait panel's title: what a gap in its lines means.
GAP_NOTE = "a gap: no request of that kind completed"


def _rates(frame: pd.DataFrame, metric: str) -> list[str]:
    """The columns of the request rates ``metric`` averages over ([] if not printed)."""
    for names in _AWAIT_OF.get(metric, ()):
        found = [find(frame, name) for name in names]
        if all(found):
            return [str(name) for name in found]
    return []


def without_idle_awaits(frame: pd.DataFrame, metrics: Sequence[str]) -> pd.DataFrame:
    """``frame`` with each await of ``metrics`` set to NaN in the rows where its requests'
    rates are all 0 and it printed 0.00: an interval without such a request has no wait to
    show, and a line dropping to 0 there would read as a fast device.

    >>> f = pd.DataFrame({"r/s": [0.0, 5.0], "r_await": [0.0, 0.2]})
    >>> without_idle_awaits(f, ["r_await"])["r_await"].tolist()
    [nan, 0.2]
    """
    out = frame.copy()
    for metric in metrics:
        rates = _rates(frame, metric)
        if not rates:
            continue
        idle = (frame[rates].apply(pd.to_numeric, errors="coerce")
                .fillna(0).eq(0).all(axis=1))
        out.loc[idle & pd.to_numeric(frame[metric], errors="coerce").eq(0), metric] = np.nan
    return out


def iostat(tables: Any, *, devices: Sequence[str] | None = None,
           axes: Any = None) -> Figure:
    """Per device over time: ``%util``, ``r_await``/``w_await`` (``await`` in old
    versions), ``aqu-sz`` (``avgqu-sz``) from ``iostat -x``; without ``-x``, ``tps`` and
    ``kB_read/s``/``kB_wrtn/s``. A device ``iostat -z`` left out of a report was idle then
    and counts as 0, except in the wait panel: where no request completed there is no time
    per request, and its line has a gap (the panel's title says so). When no device did
    any I/O the figure says so. ``devices=`` picks some."""
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
        waits = any(metric in _AWAIT_OF for metric in metrics)
        if waits:
            drawn = panels.per_key(ax, without_idle_awaits(frame, metrics), device, metrics,
                                   xs=reports, gaps=True)
            title = f"{title}; {GAP_NOTE}"
            if not drawn:
                ax.text(0.5, 0.5, "no request completed in these reports", ha="center",
                        va="center", transform=ax.transAxes)
        else:
            panels.per_key(ax, frame, device, metrics, xs=reports)
        ax.set_ylabel(unit)
        ax.set_title(f"iostat: {title}")
    format_x(axs[-1], positions(frame)[1], frame, facts.get("tz"))
    return finish(fig, owned, "iostat")
