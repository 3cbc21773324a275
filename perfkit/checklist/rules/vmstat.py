"""The checklist's rules for vmstat.

The run queue is CPU saturation only when the CPUs are busy: ``r`` less vmstat itself
(:func:`perfkit.derive.load.runnable`) above the CPU count, with busy (``100 - id - wa``)
at or above :data:`~perfkit.checklist.thresholds.SATURATION_BUSY` %. More runnable threads
while the CPUs have idle or iowait time is reported as info.
"""

from __future__ import annotations

from ...derive.cpu import vmstat_busy
from ...derive.intervals import interval_samples
from ...derive.load import runnable
from ..thresholds import SATURATION_BUSY, grade, rule
from ._common import Context, Row, finding, fmt, median, share_of


def _run_queue(ctx: Context, frame, count: int) -> list[Row]:
    if not ctx.cpus or "r" not in frame.columns or "id" not in frame.columns:
        return []
    waiting = median(runnable(frame))
    busy = median(vmstat_busy(frame))
    severity = grade("run-queue", waiting, ctx.cpus)
    if severity == "info":
        return []
    said = (f"median r = {fmt(median(frame['r']))} over {count} samples (max "
            f"{fmt(float(frame['r'].max()))}), {fmt(waiting)} besides vmstat itself, with "
            f"{ctx.cpus} CPUs {fmt(busy)} % busy (100 - id - wa)")
    if busy >= SATURATION_BUSY:
        return [finding("run-queue", waiting, scale=ctx.cpus, metric="r - 1", explanation=(
            f"{said}: threads wait for a CPU (CPU saturation)."))]
    return [finding("run-queue-idle", waiting, severity="info", threshold=ctx.cpus,
                    explanation=(f"{said}: more runnable threads than CPUs while the CPUs "
                                 "have room, so not CPU saturation: short bursts, or "
                                 "threads held back by a CPU limit."))]


def check_vmstat(ctx: Context) -> list[Row]:
    """Run queue, swapping, I/O wait, steal, system time and context switches."""
    data = ctx.get("vmstat")
    if data is None:
        return []
    frame = interval_samples(data)
    if frame.empty:
        return []
    count = len(frame)
    rows = _run_queue(ctx, frame, count)
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
    blocked = (f"; b (tasks blocked on I/O) median {fmt(median(frame['b']))}, max "
               f"{fmt(float(frame['b'].max()))}" if "b" in frame.columns else "")
    for key, col, what in (("iowait", "wa", "waiting for I/O (wa)"),
                           ("steal", "st", "stolen by the hypervisor (st)"),
                           ("system", "sy", "in the kernel (sy)")):
        if col not in frame.columns:
            continue
        value = median(frame[col])
        if grade(key, value) != "info":
            extra = blocked if key == "iowait" else ""
            rows.append(finding(key, value, explanation=(
                f"CPU time {what}: median {fmt(value)} % over {count} samples (max "
                f"{fmt(float(frame[col].max()))} %){extra}. {rule(key).reason}.")))
    return rows + _context_switches(ctx, frame, count)


def _context_switches(ctx: Context, frame, count: int) -> list[Row]:
    """Context switches per second against the CPU count."""
    if not ctx.cpus or "cs" not in frame.columns:
        return []
    value = median(frame["cs"])
    if grade("context-switches", value, ctx.cpus) == "info":
        return []
    split = (f"; sy {fmt(median(frame['sy']))} % against us {fmt(median(frame['us']))} %"
             if {"us", "sy"} <= set(frame.columns) else "")
    return [finding("context-switches", value, scale=ctx.cpus, explanation=(
        f"median cs = {fmt(value, 0)} context switches a second over {count} samples, "
        f"{fmt(value / ctx.cpus, 0)} per CPU{split}: {rule('context-switches').reason}."))]
