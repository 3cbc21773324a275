"""The checklist's rules for vmstat."""

from __future__ import annotations

from ...derive.intervals import interval_samples
from ..thresholds import grade, rule
from ._common import Context, Row, finding, fmt, median, share_of


def check_vmstat(ctx: Context) -> list[Row]:
    """Run queue, swapping, I/O wait, steal and system time."""
    data = ctx.get("vmstat")
    if data is None:
        return []
    frame = interval_samples(data)
    if frame.empty:
        return []
    count = len(frame)
    rows = []
    if ctx.cpus and "r" in frame.columns:
        r = median(frame["r"])
        if grade("run-queue", r, ctx.cpus) != "info":
            rows.append(finding("run-queue", r, scale=ctx.cpus, explanation=(
                f"median run queue r = {fmt(r)} threads over {count} samples (max "
                f"{fmt(float(frame['r'].max()))}) with {ctx.cpus} CPUs: threads wait for "
                "a CPU (CPU saturation).")))
    if {"si", "so"} <= set(frame.columns):
        moving = (frame["si"] > 0) | (frame["so"] > 0)
        share = share_of(moving)
        if share > 0:
            severity = grade("swapping", share)
            rows.append(finding("swapping", share, severity=severity, explanation=(
                f"swap traffic in {int(moving.sum())} of {count} samples (median si "
                f"{fmt(median(frame['si']))}, so {fmt(median(frame['so']))} KiB/s; max si "
                f"{fmt(float(frame['si'].max()))}, so {fmt(float(frame['so'].max()))}): "
                + ("the system is swapping: memory is short."
                   if severity != "info" else "occasional swapping."))))
    for key, col, what in (("iowait", "wa", "waiting for I/O (wa)"),
                           ("steal", "st", "stolen by the hypervisor (st)"),
                           ("system", "sy", "in the kernel (sy)")):
        if col not in frame.columns:
            continue
        value = median(frame[col])
        if grade(key, value) != "info":
            rows.append(finding(key, value, explanation=(
                f"CPU time {what}: median {fmt(value)} % over {count} samples (max "
                f"{fmt(float(frame[col].max()))} %). {rule(key).reason}.")))
    return rows
