"""The checklist's rules for pidstat."""

from __future__ import annotations

import pandas as pd

from ...derive.intervals import interval_samples
from ...derive.processes import process_cpu
from ...synonyms import find
from ..thresholds import grade, rule
from ._common import Context, Row, finding, fmt


def check_pidstat(ctx: Context) -> list[Row]:
    """The process with the most CPU, and whether it holds a whole CPU."""
    data = ctx.get("pidstat")
    if data is None or "cpu" not in data:
        return []
    frame = interval_samples(data["cpu"])
    if frame.empty or not find(frame, "%CPU"):
        return []
    grid = process_cpu(frame)
    if grid.empty:
        return []
    ranking = pd.DataFrame({"median": grid.median(), "mean": grid.mean()})
    name = ranking.sort_values(["median", "mean"], ascending=False, kind="stable").index[0]
    level, mean = (float(v) for v in ranking.loc[name, ["median", "mean"]])
    severity = grade("top-consumer", level)
    tail = (" It keeps one CPU busy: a hot thread, unless it is multi-threaded."
            if severity != "info" else "")
    return [finding("top-consumer", level, metric=f"%CPU of {name}", severity=severity,
                    threshold=rule("top-consumer").warning, explanation=(
                        f"top CPU consumer: {name}, median {fmt(level)} % of one CPU (mean "
                        f"{fmt(mean)} %, max {fmt(float(grid[name].max()))} %) "
                        f"over {len(grid)} samples.{tail}"))]
