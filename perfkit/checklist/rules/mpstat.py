"""The checklist's rules for mpstat."""

from __future__ import annotations

from ...derive.cpu import busy_grid
from ...derive.intervals import interval_samples
from ..thresholds import rule
from ._common import Context, Row, finding, fmt, median, share_of


def check_mpstat(ctx: Context) -> list[Row]:
    """A single hot CPU while the others have room."""
    data = ctx.get("mpstat")
    if data is None or "cpu" not in data:
        return []
    cpu = interval_samples(data["cpu"])
    busy = busy_grid(cpu).dropna(how="all")
    if busy.shape[1] < 2 or busy.empty:
        return []
    hottest = busy.max(axis=1)
    which = busy.idxmax(axis=1)
    others = (busy.sum(axis=1) - hottest) / (busy.notna().sum(axis=1) - 1)
    hot = (hottest > rule("hot-cpu").warning) & (others < rule("hot-cpu-others").warning)
    share = share_of(hot)
    if share < rule("hot-cpu-share").warning:
        return []
    names = which[hot].value_counts()
    top_cpu = names.index[0]
    level = median(hottest[hot])
    rest = median(others[hot])
    return [finding("hot-cpu", level, metric=f"busy % of CPU {top_cpu}", severity="warning",
                    explanation=(
                        f"one CPU at {fmt(level)} % busy (median) while the other "
                        f"{busy.shape[1] - 1} averaged {fmt(rest)} %, in {int(hot.sum())} of "
                        f"{len(hot)} samples (mostly CPU {top_cpu}): a single hot thread; "
                        "pidstat shows which process."))]
