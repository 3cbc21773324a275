"""The checklist's rules for mpstat."""

from __future__ import annotations

from ...derive.cpu import busy_grid
from ...derive.intervals import interval_samples
from ..thresholds import NICE_SHARE, rule
from ._common import Context, Row, finding, fmt, median, share_of


def _niced(cpu) -> list[Row]:
    """Niced work (%nice of the all row) as info: low priority, it takes what is left."""
    whole = cpu[cpu["CPU"].astype(str) == "all"]
    if whole.empty or "%nice" not in whole.columns:
        return []
    value = median(whole["%nice"])
    if not value >= NICE_SHARE:
        return []
    return [finding("nice", value, severity="info", threshold=NICE_SHARE, explanation=(
        f"niced work takes {fmt(value)} % of all CPU time (mpstat %nice of the all row, "
        f"median over {len(whole)} samples; %usr {fmt(median(whole['%usr']))} %): "
        f"{rule('nice').reason}. Look beside it for what users wait for."))]


def check_mpstat(ctx: Context) -> list[Row]:
    """A single hot CPU while the others have room; niced work."""
    data = ctx.get("mpstat")
    if data is None or "cpu" not in data:
        return []
    cpu = interval_samples(data["cpu"])
    rows = _niced(cpu)
    busy = busy_grid(cpu).dropna(how="all")
    if busy.shape[1] < 2 or busy.empty:
        return rows
    hottest = busy.max(axis=1)
    which = busy.idxmax(axis=1)
    others = (busy.sum(axis=1) - hottest) / (busy.notna().sum(axis=1) - 1)
    hot = (hottest > rule("hot-cpu").warning) & (others < rule("hot-cpu-others").warning)
    share = share_of(hot)
    if share < rule("hot-cpu-share").warning:
        return rows
    names = which[hot].value_counts()
    top_cpu = names.index[0]
    level = median(hottest[hot])
    rest = median(others[hot])
    rows.append(finding("hot-cpu", level, metric=f"busy % of CPU {top_cpu}",
                        severity="warning", explanation=(
                            f"one CPU at {fmt(level)} % busy (median) while the other "
                            f"{busy.shape[1] - 1} averaged {fmt(rest)} %, in "
                            f"{int(hot.sum())} of {len(hot)} samples (mostly CPU "
                            f"{top_cpu}): a single hot thread; pidstat shows which "
                            "process.")))
    return rows
