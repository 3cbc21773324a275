"""Load as the capture saw it: the load averages at its start and through it, and vmstat's
run queue without vmstat itself.

A load average is a decaying mean: the 1-minute one still carries most of what ran in the
minute *before* a capture. So a load judged by the start snapshot alone blames the capture
for its predecessor. :func:`load_seen` puts every load average the capture recorded in time
order (``capture.json``'s ``loadavg_start``, uptime, ``sar -q`` each second, top at the
start and end), and :func:`runnable` gives vmstat's ``r`` less the one thread vmstat always
counts: itself, running while it reads the counters (an idle machine prints ``r`` = 1).

>>> import pandas as pd
>>> runnable(pd.DataFrame({"r": [1, 3, 0]})).tolist()
[0.0, 2.0, 0.0]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

#: What vmstat counts in ``r`` besides the workload: itself, running while it samples.
VMSTAT_SELF = 1

_LOADS = ("ldavg-1", "ldavg-5", "ldavg-15")


def runnable(vmstat: pd.DataFrame) -> pd.Series:
    """vmstat's ``r`` less :data:`VMSTAT_SELF` (never below 0), as floats."""
    r = pd.to_numeric(vmstat["r"], errors="coerce").astype(float)
    return (r - VMSTAT_SELF).clip(lower=0.0)


def _from_meta(value: Any) -> tuple[float, float, float] | None:
    """``loadavg_start`` of capture.json as three numbers: a list ``[1, 5, 15]``, a
    mapping keyed ``ldavg-1``/``1``/``1min``..., or /proc/loadavg's text."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.split()[:3]
    if isinstance(value, Mapping):
        found = []
        for minutes in ("1", "5", "15"):
            key = next((k for k in value if str(k).replace("ldavg-", "").replace(
                "min", "").replace("m", "").strip("_ -") == minutes), None)
            if key is None:
                return None
            found.append(value[key])
        value = found
    if isinstance(value, Sequence) and len(value) >= 3:
        try:
            one, five, fifteen = (float(v) for v in list(value)[:3])
        except (TypeError, ValueError):
            return None
        return one, five, fifteen
    return None


def _rows(frame: pd.DataFrame | None, source: str) -> pd.DataFrame | None:
    if frame is None or frame.empty or not set(_LOADS) <= set(frame.columns):
        return None
    out = frame[[c for c in ("time", *_LOADS) if c in frame.columns]].copy()
    if "time" not in out.columns:
        out["time"] = pd.NaT
    out["source"] = source
    return out


def load_seen(capture: Any) -> pd.DataFrame:
    """Every load average the capture recorded, start first: columns ``time``,
    ``ldavg-1``, ``ldavg-5``, ``ldavg-15`` and ``source`` (``capture.json``, ``uptime``,
    ``sar -q``, ``top``). Empty when it recorded none.

    >>> from perfkit import samples
    >>> seen = load_seen(samples.load("hot-thread"))  # doctest: +SKIP
    >>> seen.iloc[[0, -1]][["ldavg-1", "source"]].to_string(index=False)  # doctest: +SKIP
    """
    parts = []
    start = _from_meta((getattr(capture, "meta", None) or {}).get("loadavg_start"))
    if start is not None:
        stamp = capture.meta.get("started_utc")
        when = pd.Timestamp(stamp) if stamp else pd.NaT
        if pd.notna(when) and when.tzinfo is not None:
            when = when.tz_convert("UTC").tz_localize(None)
        parts.append(pd.DataFrame({"time": [when], "ldavg-1": [start[0]],
                                   "ldavg-5": [start[1]], "ldavg-15": [start[2]],
                                   "source": ["capture.json"]}))
    for tool, source, pick in (("uptime", "uptime", None), ("sar-all", "sar -q", "queue"),
                               ("top", "top", "summary")):
        try:
            data = capture[tool] if tool in capture else None
        except (KeyError, ValueError, OSError):
            data = None
        if data is not None and pick is not None:
            data = data[pick] if pick in data else None
        rows = _rows(data, source)
        if rows is not None:
            parts.append(rows)
    if not parts:
        return pd.DataFrame(columns=["time", *_LOADS, "source"])
    out = pd.concat(parts, ignore_index=True)
    out["time"] = pd.to_datetime(out["time"], errors="coerce")
    first = out.iloc[:1]  # the start snapshot stays first even when undated
    rest = out.iloc[1:].sort_values("time", kind="stable", na_position="last")
    return pd.concat([first, rest], ignore_index=True)
