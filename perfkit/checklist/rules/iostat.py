"""The checklist's rules for iostat."""

from __future__ import annotations

from ...derive.intervals import interval_samples, positions
from ...derive.wide import wide
from ...synonyms import find
from ..thresholds import grade, rule
from ._common import Context, Row, finding, fmt, median


def check_iostat(ctx: Context) -> list[Row]:
    """Per device: utilisation, queue length and request latency."""
    data = ctx.get("iostat")
    if data is None or "devices" not in data:
        return []
    frame = interval_samples(data["devices"])
    if frame.empty:
        return []
    device = find(frame, "Device") or "Device"
    reports = positions(interval_samples(data["cpu"]))[0] if "cpu" in data else None
    rows = []
    checks = [("util", ["%util"], "%"), ("queue", ["aqu-sz"], ""),
              ("await", ["r_await", "w_await"] if find(frame, "r_await") else ["await"], " ms")]
    for key, metrics, unit in checks:
        for metric in metrics:
            name = find(frame, metric)
            if not name:
                continue
            grid = wide(frame, device, name, xs=reports)
            for dev in grid.columns:
                value = median(grid[dev])
                severity = grade(key, value)
                if severity == "info":
                    continue
                rows.append(finding(key, value, metric=f"{metric} of {dev}", explanation=(
                    f"{dev}: {metric} median {fmt(value)}{unit} over {len(grid)} reports "
                    f"(max {fmt(float(grid[dev].max()))}{unit}). {rule(key).reason}.")))
    return rows
