"""perfkit.plot's figures of free (see :mod:`perfkit.plot`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..derive.tables import capture_source
from ._base import (
    finish,
    legend,
    one_axes,
    require_samples,
)
from ._panels import KIB_PER_MIB

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


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
    frame = require_samples(data, "free")
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
