"""The checklist's rules for sar."""

from __future__ import annotations

import pandas as pd

from ...derive.intervals import interval_samples
from ...derive.pressure import stall_shares
from ...derive.wide import wide
from ...synonyms import column, find
from ..thresholds import PACKETS_MIN, RETRANS_MIN_SEGMENTS, grade, rule
from ._common import Context, Row, finding, fmt, median


def check_sar(ctx: Context) -> list[Row]:
    """TCP retransmits (rate and share of sent segments), interface utilisation (not on
    loopback, which has no link speed), packets per second and the kernel CPU they cost,
    processes started per second, and memory and I/O pressure (PSI)."""
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
            if iface == "lo":  # no link speed: sar prints %ifutil 0 whatever it carries
                continue
            value = median(grid[iface])
            if grade("ifutil", value) != "info":
                rows.append(finding("ifutil", value, metric=f"%ifutil of {iface}",
                                    explanation=(
                                        f"{iface} at {fmt(value)} % of its bandwidth (median "
                                        f"over {len(grid)} samples): the link is nearly "
                                        "full.")))
    if "DEV" in data:
        rows += _packets(ctx, interval_samples(data["DEV"]))
    return rows + _interface_errors(ctx, data) + _pressure(ctx)


_EDEV = ("rxerr/s", "txerr/s", "coll/s", "rxdrop/s", "txdrop/s", "txcarr/s", "rxfram/s",
         "rxfifo/s", "txfifo/s")


def _interface_errors(ctx: Context, data) -> list[Row]:
    """Errors and drops per interface (sar -n EDEV, in the capture's sar or sar -A)."""
    source = data if "EDEV" in data else ctx.optional("sar-all")
    if source is None or "EDEV" not in source:
        return []
    edev = interval_samples(source["EDEV"])
    present = [c for c in _EDEV if c in edev.columns]
    if edev.empty or not present:
        return []
    total = edev[present].apply(pd.to_numeric, errors="coerce").fillna(0.0).sum(axis=1)
    grid = wide(edev, "IFACE", total)
    rows = []
    for iface in grid.columns:
        if not (grid[iface] > 0).any():
            continue
        value = median(grid[iface])
        mine = edev[edev["IFACE"].astype(str) == iface][present].apply(
            pd.to_numeric, errors="coerce")
        which = ", ".join(f"{c} {fmt(float(mine[c].max()), 2)}" for c in present
                          if mine[c].max() > 0)
        rows.append(finding("net-errors", value, metric=f"errors and drops/s of {iface}",
                            severity="warning" if value > 0 else "info", explanation=(
                                f"{iface}: errors or drops in {int((grid[iface] > 0).sum())} "
                                f"of {len(grid)} samples (median {fmt(value, 2)}/s; the "
                                f"highest: {which}). {rule('net-errors').reason}.")))
    return rows


def _packets(ctx: Context, dev: pd.DataFrame) -> list[Row]:
    """Packets per second on each interface, with the kernel CPU (mpstat %sys, %soft)."""
    if not {"rxpck/s", "txpck/s"} <= set(dev.columns):
        return []
    grid = wide(dev, "IFACE", dev["rxpck/s"] + dev["txpck/s"])
    cost, soft = "", float("nan")
    mpstat = ctx.optional("mpstat")
    if mpstat is not None and "cpu" in mpstat:
        cpu = interval_samples(mpstat["cpu"])
        whole = cpu[cpu["CPU"].astype(str) == "all"]
        if not whole.empty and {"%sys", "%soft"} <= set(whole.columns):
            soft = median(whole["%soft"])
            cost = (f"; the kernel's CPU meanwhile: %soft {fmt(soft)} %, %sys "
                    f"{fmt(median(whole['%sys']))} % of all CPUs (mpstat, median)")
    sar = ctx.optional("sar-all")
    if sar is not None and "SOFT" in sar and "total/s" in sar["SOFT"].columns:
        table = interval_samples(sar["SOFT"])
        table = table[table["CPU"].astype(str) == "all"]
        if not table.empty:
            cost += f", {fmt(median(table['total/s']))} softirq packets/s (sar SOFT)"
    rows = []
    for iface in grid.columns:
        value = median(grid[iface])
        if not value >= PACKETS_MIN:
            continue
        heavy = pd.notna(soft) and soft >= rule("system").warning / 2
        where = (" (loopback: no link speed, so %ifutil says nothing; packets/s and the "
                 "kernel CPU are its load)" if iface == "lo" else "")
        rows.append(finding("packets", value, metric=f"packets/s of {iface}",
                            severity="warning" if heavy else "info",
                            threshold=PACKETS_MIN, explanation=(
                                f"{iface} carries {fmt(value)} packets/s (rx + tx, median "
                                f"over {len(grid)} samples){where}{cost}. "
                                + ("The kernel spends much CPU on packets."
                                   if heavy else "At this rate they cost little CPU."))))
    return rows


def _pressure(ctx: Context) -> list[Row]:
    """Memory and I/O stall shares (PSI) against the idle recording's baseline."""
    shares = stall_shares(ctx.optional("sar-all"))
    rows = []
    for key, col, what in (("psi-memory", "%smem", "memory"), ("psi-io", "%sio", "I/O")):
        if col not in shares.columns:
            continue
        value = median(shares[col])
        if grade(key, value) == "info":
            continue
        full = col.replace("%s", "%f")
        both = (f", every task at once {fmt(median(shares[full]))} %"
                if full in shares.columns else "")
        rows.append(finding(key, value, explanation=(
            f"some task stalled on {what} {fmt(value)} % of the time (PSI, sar {col}, "
            f"median over {len(shares)} intervals{both}; on the idle recording it is 0 %): "
            f"{rule(key).reason}.")))
    return rows
