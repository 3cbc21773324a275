"""Figures of bpftrace and bcc output: a histogram, per-interval histograms as a heatmap, and
a map's counts as bars.

They take the tables :mod:`perfkit.parsers.bpftrace` and :mod:`perfkit.parsers.bcc` make:
a histogram table has one row per bucket, ``low <= x < high`` and ``count``, and, when the
program printed it every interval, an ``interval`` column (and a ``time`` column when it
printed ``time()`` headers); a map of counts has key columns and ``value``.

* :func:`histogram`: the buckets as bars, labelled as bpftrace labels them (``[2K, 4K)``;
  ``[1]`` for the bucket holding 1 alone, which the axis label says), all intervals added
  up unless one is picked;
* :func:`histograms`: several histograms of one quantity side by side (a healthy and a
  saturated run queue), on the same buckets and y scale;
* :func:`latency_heatmap`: time (or interval) on x, one row per bucket on y, the count as
  colour: how a distribution changes from second to second;
* :func:`map_bars`: the largest values of a map (``@[comm] = count()``) as horizontal bars.

>>> bucket_label(2048, 4096), bucket_label(300, float("inf")), bucket_label(1, 2)
('[2K, 4K)', '[300, ...)', '[1]')
>>> import pandas as pd
>>> hist = pd.DataFrame({"low": [16.0, 32.0, 16.0], "high": [32.0, 64.0, 32.0],
...                      "count": [19, 178, 188], "interval": [0, 0, 1]})
>>> grid = bucket_grid(hist)
>>> list(grid.index), list(grid.columns), grid.to_numpy().tolist()
(['[16, 32)', '[32, 64)'], [0, 1], [[19, 188], [178, 0]])
>>> fig = histogram(hist, unit="us")
>>> [int(bar.get_height()) for bar in fig.axes[0].patches]
[207, 178]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._base import finish, one_axes

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_SUFFIXES = ((1024**4, "T"), (1024**3, "G"), (1024**2, "M"), (1024, "K"))


def _bound(value: float) -> str:
    """A bucket bound as bpftrace prints it: ``1K`` for 1024, ``...`` for infinity."""
    if math.isinf(value):
        return "..."
    number = int(value)
    for size, suffix in _SUFFIXES:
        if number and number % size == 0:
            return f"{number // size}{suffix}"
    return str(number)


def bucket_label(low: float, high: float) -> str:
    """The label of the bucket ``low <= x < high``: ``[16, 32)``, ``[1]``, ``[300, ...)``,
    ``(..., 0)``."""
    if not math.isinf(low) and not math.isinf(high) and high - low == 1:
        return f"[{_bound(low)}]"
    return f"{'(' if math.isinf(low) else '['}{_bound(low)}, {_bound(high)})"


def _hist_rows(table: pd.DataFrame) -> pd.DataFrame:
    missing = {"low", "high", "count"} - set(table.columns)
    if missing:
        raise ValueError(f"not a histogram table (no {', '.join(sorted(missing))} column): "
                         "pass one map of hist()/lhist(), e.g. tables['@usecs']")
    if table.empty:
        raise ValueError("the histogram is empty: nothing was counted")
    return table


def bucket_grid(table: pd.DataFrame) -> pd.DataFrame:
    """Counts per bucket (rows, smallest first, labelled) and interval (columns; one column
    ``0`` when the histogram was printed once); a bucket absent from a print counts 0."""
    rows = _hist_rows(table)
    interval = rows["interval"] if "interval" in rows.columns else pd.Series(0, rows.index)
    grid = (rows.assign(interval=interval.to_numpy())
            .pivot_table(index=["low", "high"], columns="interval", values="count",
                         aggfunc="sum", fill_value=0)
            .sort_index())
    grid.index = pd.Index([bucket_label(lo, hi) for lo, hi in grid.index], name="bucket")
    grid.columns.name = "interval"
    return grid.astype("int64")


def _bucket_axis(labels: Sequence[str], unit: str) -> str:
    """The bucket axis's label: the unit, and what a one-value bucket (``[1]``, as
    bpftrace prints the bucket that holds 1 alone) means, when one is shown."""
    singles = [label for label in labels if "," not in label]
    if not singles:
        return f"bucket ({unit})"
    said = ", ".join(f"{label} is exactly {label[1:-1]}" for label in singles)
    return f"bucket ({unit}; {said})"


def _unit(table: pd.DataFrame, unit: str | None) -> str:
    if unit:
        return unit
    name = str(table.attrs.get("unit") or table.attrs.get("map", ""))
    for word, short in (("usecs", "us"), ("msecs", "ms"), ("nsecs", "ns"), ("bytes", "bytes")):
        if word in name:
            return short
    return "value"


def histogram(table: pd.DataFrame, *, interval: int | None = None, unit: str | None = None,
              title: str | None = None, ax: Axes | None = None) -> Figure:
    """One histogram as bars, one bar per bucket, smallest bucket on the left.

    ``table`` is a map of ``hist()`` or ``lhist()`` (or a bcc ``hist`` table); printed every
    interval, its prints are added up, or ``interval=`` picks one. ``unit`` labels the x axis
    (by default guessed from the map's name: ``@usecs`` is us). Log2 buckets are each twice
    as wide as the one before, so the bars are evenly spaced labels, not a linear axis.
    """
    grid = bucket_grid(table)
    if interval is not None:
        if interval not in grid.columns:
            raise ValueError(f"no interval {interval}: the table has {list(grid.columns)}")
        counts = grid[interval]
    else:
        counts = grid.sum(axis=1)
    fig, ax, owned = one_axes(ax, width=min(10.0, max(6.0, 0.4 * len(counts) + 2)))
    positions = np.arange(len(counts))
    ax.bar(positions, counts.to_numpy(), width=0.85, color="tab:blue")
    ax.set_xticks(positions, list(counts.index), rotation=45 if len(counts) > 8 else 0,
                  ha="right" if len(counts) > 8 else "center")
    ax.set_xlabel(_bucket_axis(list(counts.index), _unit(table, unit)))
    ax.set_ylabel("count")
    name = table.attrs.get("map", "histogram")
    when = f", interval {interval}" if interval is not None else ""
    ax.set_title(title or f"{name}: {int(counts.sum())} events{when}")
    return finish(fig, owned)


def _log2_span(bounds: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Every ``hist()`` bucket from the smallest to the largest of ``bounds`` (``[0]``,
    ``[1]``, then ``[2^k, 2^(k+1))``), when all of them are such buckets; else ``bounds``."""
    def log2(low: float, high: float) -> bool:
        return (low, high) in ((0.0, 1.0), (1.0, 2.0)) or (
            low >= 2 and high == 2 * low and math.log2(low).is_integer())

    if not bounds or not all(log2(low, high) for low, high in bounds):
        return bounds
    span, low = [], bounds[0][0]
    while low <= bounds[-1][0]:
        high = 1.0 if low == 0 else 2 * low
        span.append((low, high))
        low = high
    return span


def histograms(tables: Mapping[str, pd.DataFrame], *, unit: str | None = None,
               share: bool = True, title: str | None = None) -> Figure:
    """Histograms of the same quantity side by side, one panel each (named by the keys of
    ``tables``: ``{"healthy": ..., "saturated": ...}``), on the same buckets and the same
    y scale, so that a bar of one stands beside the same range of the other. The buckets
    are every bucket any of them printed (log2 ones filled in between); each panel adds up
    its prints. ``share=True`` draws each bucket's share of that histogram's events in %,
    so that recordings of different lengths or rates compare; ``share=False`` the counts.

    >>> hist = pd.DataFrame({"low": [2.0, 16.0], "high": [4.0, 32.0], "count": [3, 1]})
    >>> fig = histograms({"a": hist, "b": hist.assign(count=[0, 4])})
    >>> [tick.get_text() for tick in fig.axes[0].get_xticklabels()]
    ['[2, 4)', '[4, 8)', '[8, 16)', '[16, 32)']
    >>> [round(bar.get_height()) for bar in fig.axes[1].patches]
    [0, 0, 0, 100]
    """
    from ._base import pyplot

    if not tables:
        raise ValueError("no histogram to draw: pass {name: table, ...}")
    counts = {name: _hist_rows(table).groupby(["low", "high"])["count"].sum()
              for name, table in tables.items()}
    bounds = _log2_span(sorted({key for series in counts.values() for key in series.index}))
    labels = [bucket_label(low, high) for low, high in bounds]
    positions = np.arange(len(bounds))
    fig, axes = pyplot().subplots(1, len(counts), sharey=True, squeeze=False,
                                  figsize=(min(16.0, 6.5 * len(counts)), 3.8),
                                  layout="constrained")
    for ax, (name, series) in zip(axes[0], counts.items(), strict=True):
        values = series.reindex(bounds, fill_value=0).to_numpy(dtype=float)
        total = values.sum()
        ax.bar(positions, 100 * values / total if share and total else values, width=0.85,
               color="tab:blue")
        ax.set_xticks(positions, labels, rotation=45 if len(labels) > 8 else 0,
                      ha="right" if len(labels) > 8 else "center")
        ax.set_xlabel(_bucket_axis(labels, _unit(tables[name], unit)))
        ax.set_title(f"{name}: {int(total)} events")
    axes[0][0].set_ylabel("% of the histogram's events" if share else "count")
    return finish(fig, True, title)


def _clock(moment: Any) -> str:
    """HH:MM:SS of a time, or of a time of day printed without a date (a Timedelta)."""
    if isinstance(moment, pd.Timedelta):
        seconds = int(moment.total_seconds()) % 86400
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return pd.Timestamp(moment).strftime("%H:%M:%S")


def _interval_labels(table: pd.DataFrame, intervals: list[Any]) -> list[str]:
    times = table["time"] if "time" in table.columns else None
    if times is not None and "interval" in table.columns and (
            pd.api.types.is_datetime64_any_dtype(times)
            or pd.api.types.is_timedelta64_dtype(times)):
        first = table.groupby("interval")["time"].first()
        return [_clock(first[i]) if i in first and pd.notna(first[i]) else str(i)
                for i in intervals]
    return [str(i) for i in intervals]


def latency_heatmap(table: pd.DataFrame, *, unit: str | None = None, log: bool = True,
                    title: str | None = None, ax: Axes | None = None) -> Figure:
    """A histogram printed every interval as a heatmap: one column per print (labelled by
    its ``time()`` header when there is one), one row per bucket (smallest at the bottom),
    the count as colour (``log=True``: a logarithmic colour scale, so that a bucket of 3
    still shows beside one of 300). Empty cells stay blank."""
    grid = bucket_grid(table)
    values = np.ma.masked_less_equal(grid.to_numpy(dtype=float), 0)
    fig, ax, owned = one_axes(ax, height=max(3.0, 0.28 * len(grid) + 1.4),
                              width=max(6.0, 0.5 * grid.shape[1] + 3))
    from matplotlib.colors import LogNorm, Normalize

    top = max(float(values.max()) if values.count() else 1.0, 1.0)
    norm = LogNorm(vmin=1, vmax=max(top, 2.0)) if log else Normalize(vmin=0, vmax=top)
    image = ax.imshow(values, aspect="auto", interpolation="nearest", cmap="viridis",
                      norm=norm, origin="lower")
    columns = list(grid.columns)
    labels = _interval_labels(table, columns)
    every = max(1, int(np.ceil(len(columns) / 12)))
    ticks = list(range(0, len(columns), every))
    ax.set_xticks(ticks, [labels[i] for i in ticks])
    ax.set_yticks(range(len(grid)), list(grid.index))
    has_times = labels != [str(c) for c in columns]
    ax.set_xlabel("time (the trace's clock)" if has_times else "interval")
    ax.set_ylabel(_bucket_axis(list(grid.index), _unit(table, unit)))
    ax.figure.colorbar(image, ax=ax, label="count", pad=0.01)
    ax.set_title(title or f"{table.attrs.get('map', 'histogram')} per interval")
    return finish(fig, owned)


def map_bars(table: pd.DataFrame, n: int = 15, *, value: str = "value", log: bool = False,
             xlabel: str | None = None, title: str | None = None,
             ax: Axes | None = None) -> Figure:
    """The ``n`` largest values of a map as horizontal bars, the largest on top, labelled
    by their keys (several keys joined by ``, ``), e.g. system calls per process from
    ``@[comm] = count()``; the rest are summed into a note in the title. ``log=True``
    draws the values on a logarithmic axis, for maps where one key dwarfs the others."""
    if value not in table.columns:
        raise ValueError(f"no {value!r} column: pass a map of values (count(), sum()...)")
    keys = [c for c in table.columns if str(c) == "key" or str(c).startswith("key")]
    if not keys:
        raise ValueError("the map has no keys (@x = count() is one number, not bars)")
    labels = table[keys].astype(str).agg(", ".join, axis=1)
    values = pd.Series(pd.to_numeric(table[value]).to_numpy(), index=labels.to_numpy())
    values = values.sort_values(ascending=False)
    shown, rest = values.iloc[:n], values.iloc[n:]
    fig, ax, owned = one_axes(ax, height=max(2.5, 0.3 * len(shown) + 1.2), width=8)
    positions = np.arange(len(shown))[::-1]
    ax.barh(positions, shown.to_numpy(), color="tab:blue")
    ax.set_yticks(positions, list(shown.index))
    if log:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel or (f"{value} (log scale)" if log else value))
    name = table.attrs.get("map", "map")
    note = f" (and {len(rest)} more: {rest.sum():g} together)" if len(rest) else ""
    ax.set_title(title or f"{name}: the {len(shown)} largest{note}")
    return finish(fig, owned)
