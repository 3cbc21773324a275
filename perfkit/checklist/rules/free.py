"""The checklist's rules for free."""

from __future__ import annotations

from ..thresholds import grade, rule
from ._common import Context, Row, finding, fmt


def check_free(ctx: Context) -> list[Row]:
    """Available memory as a share of the total; swap in use."""
    data = ctx.get("free")
    if data is None or "kind" not in data.columns:
        return []
    rows = []
    mem = data[data["kind"] == "Mem"]
    if not mem.empty and "available" in mem.columns:
        shares = (mem["available"] / mem["total"] * 100.0).dropna()
        if len(shares):
            low = float(shares.min())
            severity = grade("available", low)
            if severity != "info":
                rows.append(finding("available", low, explanation=(
                    f"only {fmt(low)} % of memory is available (the lower of "
                    f"{len(shares)} free snapshots). {rule('available').reason}.")))
    swap = data[data["kind"] == "Swap"]
    if not swap.empty and (swap["used"] > 0).any():
        used = float(swap["used"].max())
        total = float(swap["total"].max())
        share = used / total * 100.0 if total else float("nan")
        rows.append(finding("swap-used", share, explanation=(
                                f"{fmt(used / 1024)} MiB of {fmt(total / 1024)} MiB swap in "
                                "use: memory was short at some point (vmstat si/so say "
                                "whether it still is).")))
    return rows
