"""perfkit.plot's figures of sar (see :mod:`perfkit.plot`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..derive.intervals import interval_samples, positions
from ..derive.tables import capture_source, table
from . import _panels as panels
from ._base import (
    finish,
    format_x,
    make_axes,
    require_samples,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


def sar_dev(tables: Any, *, interfaces: Sequence[str] | None = None,
            axes: Any = None) -> Figure:
    """``rxkB/s`` and ``txkB/s`` per network interface (``sar -n DEV``) over time."""
    data, facts = capture_source(tables, "sar")
    frame = interval_samples(table(data, "DEV", "sar -n DEV"))
    if interfaces is not None:
        frame = frame[frame["IFACE"].astype(str).isin(interfaces)]
    frame = require_samples(frame, "sar -n DEV")
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
