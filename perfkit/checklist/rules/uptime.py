"""The checklist's rules for uptime: the load averages, judged with what the capture saw.

The start snapshot (``capture.json``'s ``loadavg_start``, else uptime, else top) is compared
with the CPU count; before it is called saturation, the capture's own view is asked: the
1-minute load through the capture (``sar -q`` each second, top at the end) and vmstat's run
queue less vmstat itself (:func:`perfkit.derive.load.runnable`) with its blocked tasks.
A load that falls while those stay within the CPUs was made before the capture.
"""

from __future__ import annotations

from ...derive.intervals import interval_samples
from ...derive.load import load_seen, runnable
from ..thresholds import grade
from ._common import Context, Row, finding, fmt, median


def _waiting(ctx: Context) -> float | None:
    """Median threads the capture saw wanting a CPU or blocked on I/O (vmstat r - 1 + b),
    or None without vmstat."""
    data = ctx.optional("vmstat")
    if data is None:
        return None
    frame = interval_samples(data)
    if frame.empty or "r" not in frame.columns:
        return None
    blocked = frame["b"] if "b" in frame.columns else 0.0
    return median(runnable(frame) + blocked)


def check_load(ctx: Context) -> list[Row]:
    """Load averages against the CPU count, and their trend."""
    ctx.get("uptime")  # says so once when uptime is missing
    seen = load_seen(ctx.capture)
    if seen.empty:
        return []
    start = seen.iloc[0]
    one, five, fifteen = (float(start[c]) for c in ("ldavg-1", "ldavg-5", "ldavg-15"))
    end = float(seen["ldavg-1"].iloc[-1])
    during = f"{fmt(one, 2)} at the start, {fmt(end, 2)} at the end"
    waiting = _waiting(ctx)
    rows = []
    cpus = ctx.cpus
    if cpus:
        severity = grade("load", one, cpus)
        falling = len(seen) > 1 and end < one - 0.05
        quiet = waiting is not None and waiting <= cpus
        if severity != "info" and falling and quiet:
            rows.append(finding("load-before", one, severity="info", threshold=cpus,
                                explanation=(
                                    f"1-minute load {during} of the capture (5 min "
                                    f"{fmt(five, 2)}, 15 min {fmt(fifteen, 2)}): above the "
                                    f"{cpus} CPUs at first, but falling while vmstat saw "
                                    f"{fmt(waiting)} thread(s) running or blocked (r - 1 + b, "
                                    "median): load made before the capture, not "
                                    "saturation now.")))
        elif severity != "info":
            how = {"critical": "more than twice", "warning": "more than"}
            seen_now = (f"; vmstat saw {fmt(waiting)} threads running or blocked (r - 1 + b, "
                        "median)" if waiting is not None else "")
            rows.append(finding("load", one, scale=cpus, explanation=(
                f"1-minute load average {during} of the capture is {how[severity]} the "
                f"{cpus} CPUs (5 min: {fmt(five, 2)}, 15 min: {fmt(fifteen, 2)}){seen_now}: "
                "tasks queue for CPU (or wait in uninterruptible I/O, which Linux counts "
                "too); check vmstat r and wa.")))
    room = 0.5 * (cpus or 1)
    if fifteen >= room and one < 0.5 * fifteen:
        rose = len(seen) > 1 and end > one + 0.05
        text = (f"load fell before the capture: 1 min {fmt(one, 2)} against 15 min "
                f"{fmt(fifteen, 2)}; something was busier in the minutes before: you may "
                "have arrived late.")
        if rose:
            text += (f" Through the capture the 1-minute load rose again, to {fmt(end, 2)}: "
                     "the present load is building up.")
        rows.append(finding("load-trend", one / fifteen, severity="info", threshold=0.5,
                            explanation=text))
    elif one >= room and one > 2 * max(fifteen, 0.01):
        rows.append(finding("load-trend", one / max(fifteen, 0.01), severity="info",
                            threshold=2.0, explanation=(
                                f"load is rising: 1 min {fmt(one, 2)} against 15 min "
                                f"{fmt(fifteen, 2)} ({fmt(end, 2)} at the capture's end): "
                                "the activity started in the last minutes.")))
    return rows
