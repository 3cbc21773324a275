"""The checklist's rules for uptime."""

from __future__ import annotations

from ..thresholds import grade
from ._common import Context, Row, finding, fmt


def check_load(ctx: Context) -> list[Row]:
    """Load averages against the CPU count, and their trend (uptime, else top's summary)."""
    data = ctx.get("uptime")
    if data is None or data.empty:
        top = ctx.capture["top"] if "top" in ctx.capture else None
        if top is None or "summary" not in top or top["summary"].empty:
            return []
        data = top["summary"]
    line = data.iloc[0]
    one, five, fifteen = (float(line[c]) for c in ("ldavg-1", "ldavg-5", "ldavg-15"))
    rows = []
    if ctx.cpus:
        severity = grade("load", one, ctx.cpus)
        how = {"critical": "more than twice", "warning": "more than"}
        if severity != "info":
            rows.append(finding("load", one, scale=ctx.cpus, explanation=(
                f"1-minute load average {fmt(one, 2)} is {how[severity]} the "
                f"{ctx.cpus} CPUs (5 min: {fmt(five, 2)}, 15 min: {fmt(fifteen, 2)}): tasks "
                "queue for CPU (or wait in uninterruptible I/O, which Linux counts too); "
                "check vmstat r and wa.")))
    if fifteen >= 0.5 * (ctx.cpus or 1) and one < 0.5 * fifteen:
        rows.append(finding("load-trend", one / fifteen, severity="info", threshold=0.5,
                            explanation=(
                                f"load fell: 1 min {fmt(one, 2)} against 15 min "
                                f"{fmt(fifteen, 2)}. Something was busier before the "
                                "capture: you may have arrived late.")))
    elif one >= 0.5 * (ctx.cpus or 1) and one > 2 * max(fifteen, 0.01):
        rows.append(finding("load-trend", one / max(fifteen, 0.01), severity="info",
                            threshold=2.0, explanation=(
                                f"load is rising: 1 min {fmt(one, 2)} against 15 min "
                                f"{fmt(fifteen, 2)}: the activity started in the last "
                                "minutes.")))
    return rows
