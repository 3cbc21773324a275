"""The checklist's rules for iostat."""

from __future__ import annotations

from ...derive.intervals import interval_samples, positions
from ...derive.wide import wide
from ...synonyms import find
from ..thresholds import SYNC_WRITES_UTIL, grade, rule
from ._common import Context, Row, finding, fmt, median


def check_iostat(ctx: Context) -> list[Row]:
    """Per device: utilisation, queue length, request latency and forced (synchronous)
    writes."""
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
    return rows + _sync_writes(frame, device, reports)


def _sync_writes(frame, device: str, reports) -> list[Row]:
    """Many flush requests (f/s): writes forced to stable storage one by one."""
    flushes = find(frame, "f/s")
    if not flushes:
        return []
    rows = []
    grid = wide(frame, device, flushes, xs=reports)
    writes = wide(frame, device, "w/s", xs=reports) if "w/s" in frame.columns else None
    size = wide(frame, device, "wareq-sz", xs=reports) if "wareq-sz" in frame.columns \
        else None
    util = wide(frame, device, "%util", xs=reports) if "%util" in frame.columns else None
    for dev in grid.columns:
        value = median(grid[dev])
        if grade("sync-writes", value) == "info":
            continue
        detail = ""
        if writes is not None and dev in writes.columns:
            detail = f", beside {fmt(median(writes[dev]))} writes/s"
            if size is not None and dev in size.columns:
                detail += f" of {fmt(median(size[dev]))} kB on average"
        busy = median(util[dev]) if util is not None and dev in util.columns else None
        idle = busy is not None and busy < SYNC_WRITES_UTIL
        if busy is not None:
            detail += f", {fmt(busy)} %util"
        rows.append(finding("sync-writes", value, metric=f"f/s of {dev}",
                            severity="info" if idle else None, explanation=(
                                f"{dev}: {fmt(value)} flush requests/s (median over "
                                f"{len(grid)} reports{detail}): "
                                f"{rule('sync-writes').reason}."
                                + (" The device has room: they cost little here."
                                   if idle else ""))))
    return rows
