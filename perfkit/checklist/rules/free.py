"""The checklist's rules for free."""

from __future__ import annotations

from ..thresholds import grade, rule
from ._common import Context, Row, finding, fmt, median


def _huge_pages(ctx: Context, total: float) -> str:
    """A sentence on huge pages reserved (sar -H: kbhugfree + kbhugused) when they hold
    a tenth of memory or more: free counts them as used, yet no process holds them."""
    sar = ctx.optional("sar-all")
    if sar is None or "hugepages" not in sar or ctx.capture.meta.get("memory_kib") is None:
        return ""
    table = sar["hugepages"]
    if not {"kbhugfree", "kbhugused"} <= set(table.columns):
        return ""
    reserved = median(table["kbhugfree"] + table["kbhugused"])
    memory = float(ctx.capture.meta["memory_kib"])
    if not reserved >= 0.1 * memory:
        return ""
    unused = median(table["kbhugfree"])
    return (f" Of the memory, {fmt(reserved / 1048576)} GiB ({fmt(reserved / memory * 100)} % of "
            f"memory) is reserved as huge pages (sar -H), {fmt(unused / 1048576)} GiB of "
            "them unused: free counts them as used, yet no process holds them; the "
            "reservation (vm.nr_hugepages) is what leaves the rest short.")


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
                    f"{len(shares)} free snapshots). {rule('available').reason}."
                    + _huge_pages(ctx, float(mem["total"].max())))))
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
