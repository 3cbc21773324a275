"""The checklist's rules over a whole fleet: which hosts were saturated, when, and on what.

:func:`findings` runs each rule as one SQL query over the lake (DuckDB), grouped by host
and time window, so a thousand hosts cost one scan per table, not a thousand captures.
The limits are the checklist's (:data:`perfkit.checklist.THRESHOLDS`), applied to each
window's samples the way :mod:`perfkit.checklist.rules` applies them to a capture:

==============  ======================================  ==============================
resource        measured per host and window             rule (warning / critical)
==============  ======================================  ==============================
cpu             median run queue ``runq-sz`` per CPU,   ``run-queue``: 1 / 2 x CPUs,
                while the median busy share (100 -      counted only when the CPUs are
                ``%idle`` - ``%iowait``: I/O wait is    busy (median busy > ``hot-cpu``
                idle time) of all CPUs is high          90 %)
cpu (steal)     median ``%steal``                       ``steal``: 10 / 30 %
disk (iowait)   median ``%iowait`` of all CPUs          ``iowait``: 20 / 50 %
disk            median ``%util``, ``aqu-sz``, ``await`` ``util`` 60 / 90 %, ``queue`` 1,
                per device                              ``await`` 10 / 100 ms
memory          share of samples with ``pswpin/s`` or   ``swapping``: 20 / 50 %
                ``pswpout/s`` above 0
network         median ``retrseg/s`` (``retrans/s``);   ``retrans`` 1 / 10 per s,
                median ``%ifutil`` per interface        ``ifutil`` 60 / 90 %
==============  ======================================  ==============================

The rules read sar's tables (``sar_cpu``, ``sar_queue``, ``sar_disk``, ``sar_swapping``,
``sar_etcp``, ``sar_dev``), which every sa file and every capture's ``sar -A`` provide; a
table missing from the lake skips its rules. The CPU count of a host is the number of
CPUs its ``sar_cpu`` rows name.

>>> from perfkit.lake import findings
>>> findings("fleet-lake", by="minute")                     # doctest: +SKIP
    host              window resource      rule  metric  observed  threshold severity ...
"""

from __future__ import annotations

import os
import textwrap
from typing import Any

import numpy as np
import pandas as pd

from ..checklist.thresholds import SEVERITIES, rule
from .engines import connect

COLUMNS = ["host", "window", "resource", "rule", "metric", "observed", "threshold",
           "severity", "samples", "detail"]
#: ``--by`` words and the DuckDB intervals they stand for.
WINDOWS = {"second": "1 second", "minute": "1 minute", "hour": "1 hour", "day": "1 day"}
#: A CPU counts as busy above this share (the checklist's hot-cpu level).
BUSY = rule("hot-cpu").warning


def interval(by: str) -> str:
    """A DuckDB interval for ``--by``: ``minute``, ``hour``, ``day`` or ``"10 minutes"``.

    >>> interval("hour"), interval("10 minutes")
    ('1 hour', '10 minutes')
    """
    text = WINDOWS.get(by.strip().lower(), by.strip())
    number, _, unit = text.partition(" ")
    if not number.isdigit() or unit.rstrip("s") not in ("second", "minute", "hour", "day"):
        raise ValueError(f"--by must be minute, hour, day or 'N minutes/hours', not {by!r}")
    return text


def findings(lake: str | os.PathLike, by: str = "hour", *, con: Any = None) -> pd.DataFrame:
    """Every host and window where a rule fires (warning or critical), most severe and
    earliest first; see the module docstring."""
    con = con or connect(lake)
    step = interval(by)
    columns = _columns(con)
    frames = [check(con, step, columns) for check in CHECKS]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    out = out[out["severity"] != "info"]
    rank = out["severity"].map(SEVERITIES.index)
    out = out.assign(_r=rank).sort_values(["window", "host", "resource", "_r"], kind="stable")
    return out.drop(columns="_r").reset_index(drop=True)[COLUMNS]


def _columns(con: Any) -> dict[str, set[str]]:
    rows = con.execute("SELECT table_name, column_name FROM information_schema.columns"
                       ).fetchall()
    out: dict[str, set[str]] = {}
    for table, column in rows:
        out.setdefault(table, set()).add(column)
    return out


def _grade(key: str, values: pd.Series, scale: pd.Series | float = 1.0) -> pd.Series:
    """``critical``/``warning``/``info`` for each value under rule ``key`` (vectorised
    :func:`perfkit.checklist.grade`)."""
    item = rule(key)
    out = np.full(len(values), "info", dtype=object)
    for severity, limit in (("warning", item.warning), ("critical", item.critical)):
        if limit is None:
            continue
        limits = limit * (scale.to_numpy() if isinstance(scale, pd.Series) else scale)
        over = values.to_numpy() > limits if item.above else values.to_numpy() < limits
        out[np.asarray(over, dtype=bool)] = severity
    return pd.Series(out, index=values.index)


def _threshold(key: str, severity: pd.Series, scale: pd.Series | float = 1.0) -> pd.Series:
    item = rule(key)
    limit = severity.map({"critical": item.critical, "warning": item.warning}).astype(float)
    return limit * scale


def _rows(frame: pd.DataFrame, *, resource: str, key: str, metric: Any, observed: str,
          scale: pd.Series | float = 1.0, detail: Any = "") -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    severity = _grade(key, frame[observed], scale)
    return pd.DataFrame({
        "host": frame["host"].astype("string"), "window": frame["window"],
        "resource": resource, "rule": key, "metric": metric,
        "observed": frame[observed].astype(float),
        "threshold": _threshold(key, severity, scale), "severity": severity,
        "samples": frame["samples"].astype(int), "detail": detail})


def _has(columns: dict[str, set[str]], table: str, *names: str) -> bool:
    return table in columns and set(names) <= columns[table]


def check_cpu(con: Any, step: str, columns: dict[str, set[str]]) -> pd.DataFrame:
    """CPU saturation: run queue beyond the CPUs while they are busy; steal; and I/O wait
    (reported as a disk finding: idle CPUs waiting for I/O)."""
    if not _has(columns, "sar_cpu", "CPU", "%idle"):
        return pd.DataFrame(columns=COLUMNS)
    iowait = 'coalesce("%iowait", 0)' if "%iowait" in columns["sar_cpu"] else "0"
    steal = '"%steal"' if "%steal" in columns["sar_cpu"] else "NULL"
    cpu = con.execute(f"""
        WITH cpus AS (
            SELECT host, greatest(count(DISTINCT "CPU"), 1) AS cpus FROM sar_cpu
            WHERE "CPU" NOT IN ('all', '-1') GROUP BY host),
        total AS (
            SELECT host, time_bucket(INTERVAL '{step}', time) AS window,
                   median(100 - "%idle" - {iowait}) AS busy,
                   median({iowait}) AS iowait, median({steal}) AS steal,
                   count(*) AS samples
            FROM sar_cpu WHERE "CPU" IN ('all', '-1') AND time IS NOT NULL
            GROUP BY ALL)
        SELECT total.*, coalesce(cpus.cpus, 1) AS cpus FROM total LEFT JOIN cpus USING (host)
    """).df()
    frames = []
    if _has(columns, "sar_queue", "runq-sz"):
        queue = con.execute(f"""
            SELECT host, time_bucket(INTERVAL '{step}', time) AS window,
                   median("runq-sz") AS runq, count(*) AS queue_samples
            FROM sar_queue WHERE time IS NOT NULL GROUP BY ALL""").df()
        both = cpu.merge(queue, on=["host", "window"])
        both = both[both["busy"] > BUSY]
        both["per_cpu"] = both["runq"] / both["cpus"]
        frames.append(_rows(both, resource="cpu", key="run-queue", metric="runq-sz",
                            observed="runq", scale=both["cpus"],
                            detail=[f"{c:.0f} CPUs, {b:.0f} % busy"
                                    for c, b in zip(both["cpus"], both["busy"], strict=True)]))
    # I/O wait is idle CPU time with I/O pending: a sign of I/O-bound work, so a disk finding
    frames.append(_rows(cpu.dropna(subset=["iowait"]), resource="disk", key="iowait",
                        metric="%iowait", observed="iowait"))
    frames.append(_rows(cpu.dropna(subset=["steal"]), resource="cpu", key="steal",
                        metric="%steal", observed="steal"))
    return pd.concat(frames, ignore_index=True)


def check_disk(con: Any, step: str, columns: dict[str, set[str]]) -> pd.DataFrame:
    """Disk saturation per device: %util, queue length, await."""
    have = columns.get("sar_disk", set())
    if "Device" not in have:
        return pd.DataFrame(columns=COLUMNS)
    metrics = [(key, name) for key, name in (("util", "%util"), ("queue", "aqu-sz"),
                                             ("await", "await")) if name in have]
    if not metrics:
        return pd.DataFrame(columns=COLUMNS)
    medians = ", ".join(f'median("{name}") AS "{name}"' for _, name in metrics)
    disk = con.execute(f"""
        SELECT host, time_bucket(INTERVAL '{step}', time) AS window, "Device", {medians},
               count(*) AS samples
        FROM sar_disk WHERE time IS NOT NULL GROUP BY ALL""").df()
    return pd.concat([_rows(disk, resource="disk", key=key, metric=name, observed=name,
                            detail=disk["Device"].astype(str)) for key, name in metrics],
                     ignore_index=True)


def check_memory(con: Any, step: str, columns: dict[str, set[str]]) -> pd.DataFrame:
    """Memory saturation: the share of samples with pages moving to or from swap."""
    if not _has(columns, "sar_swapping", "pswpin/s", "pswpout/s"):
        return pd.DataFrame(columns=COLUMNS)
    swap = con.execute(f"""
        SELECT host, time_bucket(INTERVAL '{step}', time) AS window,
               100.0 * avg(CASE WHEN "pswpin/s" > 0 OR "pswpout/s" > 0 THEN 1 ELSE 0 END)
                   AS share,
               median("pswpin/s") AS si, median("pswpout/s") AS so, count(*) AS samples
        FROM sar_swapping WHERE time IS NOT NULL GROUP BY ALL""").df()
    return _rows(swap, resource="memory", key="swapping", metric="% of samples swapping",
                 observed="share",
                 detail=[f"median {i:.0f} pages/s in, {o:.0f} out"
                         for i, o in zip(swap["si"], swap["so"], strict=True)])


def check_network(con: Any, step: str, columns: dict[str, set[str]]) -> pd.DataFrame:
    """TCP retransmits and interface utilisation."""
    frames = []
    if _has(columns, "sar_etcp", "retrseg/s"):
        etcp = con.execute(f"""
            SELECT host, time_bucket(INTERVAL '{step}', time) AS window,
                   median("retrseg/s") AS retrans, count(*) AS samples
            FROM sar_etcp WHERE time IS NOT NULL GROUP BY ALL""").df()
        frames.append(_rows(etcp, resource="network", key="retrans", metric="retrseg/s",
                            observed="retrans"))
    if _has(columns, "sar_dev", "IFACE", "%ifutil"):
        dev = con.execute(f"""
            SELECT host, time_bucket(INTERVAL '{step}', time) AS window, "IFACE",
                   median("%ifutil") AS ifutil, count(*) AS samples
            FROM sar_dev WHERE time IS NOT NULL GROUP BY ALL""").df()
        frames.append(_rows(dev, resource="network", key="ifutil", metric="%ifutil",
                            observed="ifutil", detail=dev["IFACE"].astype(str)))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


CHECKS = (check_cpu, check_disk, check_memory, check_network)


def saturated(found: pd.DataFrame) -> pd.DataFrame:
    """Host x window x resource, the worst severity: one row per saturated window.

    The input is :func:`findings`; the output has ``host``, ``window``, ``resource``,
    ``severity`` and ``why`` (the rules that fired, with their values).
    """
    if found.empty:
        return pd.DataFrame(columns=["host", "window", "resource", "severity", "why"])
    why = (found["metric"] + " " + found["observed"].map(lambda v: f"{v:.3g}")
           + np.where(found["detail"].astype(str) != "", " (" + found["detail"].astype(str)
                      + ")", ""))
    rank = found["severity"].map(SEVERITIES.index)
    grouped = found.assign(why=why, _r=rank).groupby(["host", "window", "resource"],
                                                     sort=True)
    out = grouped.agg(_r=("_r", "min"), why=("why", "; ".join)).reset_index()
    out["severity"] = out["_r"].map(lambda r: SEVERITIES[r])
    return out[["host", "window", "resource", "severity", "why"]]


def together(found: pd.DataFrame) -> pd.DataFrame:
    """Windows in which several hosts were saturated on the same resource: ``window``,
    ``resource``, ``hosts`` (sorted, comma-separated) and ``count``."""
    spans = saturated(found)
    if spans.empty:
        return pd.DataFrame(columns=["window", "resource", "hosts", "count"])
    grouped = spans.groupby(["window", "resource"])["host"]
    out = grouped.agg(hosts=lambda h: ", ".join(sorted(h)), count="nunique").reset_index()
    return out[out["count"] > 1].reset_index(drop=True)


def render(found: pd.DataFrame, by: str = "hour", width: int = 100) -> str:
    """The fleet's findings as text: per host and resource, each run of consecutive
    windows with a finding, its worst severity and, per metric, the highest value seen;
    then the windows in which several hosts saturated on the same resource."""
    if found.empty:
        return "no host saturated in any window"
    step = pd.Timedelta(interval(by))
    lines = [f"{found['host'].nunique()} hosts saturated, by windows of {interval(by)}:"]
    for (host, resource), group in found.groupby(["host", "resource"], sort=True):
        for start, end, rows in _runs(group, step):
            worst = min(rows["severity"], key=SEVERITIES.index)
            count = rows["window"].nunique()
            lines.append(f"{worst.upper():9} {host:14} {resource:8} {start:%Y-%m-%d %H:%M} "
                         f"to {end + step:%H:%M} ({count} window{'s' * (count != 1)})")
            lines.extend(textwrap.wrap(_highest(rows), width=width, initial_indent=" " * 10,
                                       subsequent_indent=" " * 10))
    shared = together(found)
    if not shared.empty:
        lines.append("")
        lines.append("saturated together:")
        for row in shared.itertuples(index=False):
            lines.append(f"  {row.window:%Y-%m-%d %H:%M}  {row.resource:8} {row.hosts}")
    return "\n".join(lines)


def _highest(rows: pd.DataFrame) -> str:
    """Per metric (and device), the highest value of a run, with its detail."""
    parts = []
    key = rows["metric"] + "|" + rows["detail"].astype(str).where(
        rows["resource"].isin(["disk", "network"]), "")
    for _, same in rows.groupby(key, sort=False):
        top = same.loc[same["observed"].idxmax()]
        detail = f" ({top['detail']})" if str(top["detail"]) else ""
        parts.append(f"{top['metric']} up to {top['observed']:.3g}{detail}")
    return "; ".join(parts)


def _runs(group: pd.DataFrame, step: pd.Timedelta) -> list[tuple[Any, Any, pd.DataFrame]]:
    """Runs of consecutive windows (``step`` apart): (first, last, their rows)."""
    windows = pd.Series(sorted(group["window"].unique()))
    run_of = dict(zip(windows, (windows.diff() != step).cumsum(), strict=True))
    out = []
    for _, rows in group.groupby(group["window"].map(run_of), sort=True):
        out.append((rows["window"].min(), rows["window"].max(), rows))
    return out
