"""The checklist's rules for sar."""

from __future__ import annotations

import pandas as pd

from ...derive.intervals import interval_samples
from ...derive.wide import wide
from ...synonyms import column, find
from ..thresholds import RETRANS_MIN_SEGMENTS, grade, rule
from ._common import Context, Row, finding, fmt, median


def check_sar(ctx: Context) -> list[Row]:
    """TCP retransmits (rate and share of sent segments) and interface utilisation."""
    data = ctx.get("sar")
    if data is None:
        return []
    rows = []
    if "ETCP" in data and find(data["ETCP"], "retrseg/s"):
        etcp = interval_samples(data["ETCP"])
        retrans = column(etcp, "retrseg/s")
        name = find(etcp, "retrseg/s") or "retrans/s"
        rate = median(retrans)
        total = float(retrans.sum())
        sent = None
        if "TCP" in data and "oseg/s" in data["TCP"].columns:
            sent = float(interval_samples(data["TCP"])["oseg/s"].sum())
        share = total / sent * 100.0 if sent else float("nan")
        by_rate = grade("retrans", rate)
        by_share = (grade("retrans-share", share)
                    if pd.notna(share) and total >= RETRANS_MIN_SEGMENTS else "info")
        severity = min(by_rate, by_share, key=("critical", "warning", "info").index)
        if severity != "info" or total > 0:
            share_text = f"{fmt(share, 2)} % of oseg/s" if pd.notna(share) else "oseg/s unknown"
            key = "retrans" if by_rate == severity else "retrans-share"
            observed = rate if key == "retrans" else share
            rows.append(finding(key, observed, severity=severity, metric=(
                name if key == "retrans" else f"{name} of oseg/s"), explanation=(
                    f"TCP retransmits: median {fmt(rate, 2)}/s over {len(etcp)} samples "
                    f"(max {fmt(float(retrans.max()), 2)}/s, {share_text}). "
                    + (rule("retrans").reason + "." if severity != "info"
                       else "A few retransmits: no sustained loss."))))
    if "DEV" in data and "%ifutil" in data["DEV"].columns:
        dev = interval_samples(data["DEV"])
        grid = wide(dev, "IFACE", "%ifutil")
        for iface in grid.columns:
            value = median(grid[iface])
            if grade("ifutil", value) != "info":
                rows.append(finding("ifutil", value, metric=f"%ifutil of {iface}",
                                    explanation=(
                                        f"{iface} at {fmt(value)} % of its bandwidth (median "
                                        f"over {len(grid)} samples): the link is nearly "
                                        "full.")))
    return rows
