"""A capture's kernel events (:func:`perfkit.dmesg.events`) placed on the capture's clock,
for :mod:`perfkit.checklist` and :func:`perfkit.plot.timeline`.

dmesg prints either wall-clock times (``--time-format iso``, ``-T``: the capture's choice)
or seconds since boot. :func:`on_clock` turns both into UTC times without a zone, like the
other tools' ``time`` columns in a capture: an ISO time minus its printed UTC offset, or
the boot time (the capture's start minus ``uptime``'s ``up``, to the minute uptime prints)
plus the seconds since boot. Without either, the time is ``NaT``.

>>> import pandas as pd
>>> df = pd.DataFrame({"time": pd.to_datetime(["2026-11-25 01:31:54"])})
>>> df.attrs["utc_offset"] = "+01:00"
>>> on_clock(df)["time"].tolist()
[Timestamp('2026-11-25 00:31:54')]
>>> plain = pd.DataFrame({"timestamp": [90.5]})
>>> on_clock(plain, boot=pd.Timestamp("2026-11-25 00:00:00"))["time"].tolist()
[Timestamp('2026-11-25 00:01:30.500000')]
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")

#: Each event kind of :func:`perfkit.dmesg.events` in words (singular, plural).
KIND_WORDS = {"oom_kill": ("OOM kill", "OOM kills"), "hung_task": ("hung task", "hung tasks"),
              "tcp_drop": ("TCP drop", "TCP drops"), "segfault": ("segfault", "segfaults")}


def words(kind: str, count: int) -> str:
    """``"1 OOM kill"``, ``"3 TCP drops"``.

    >>> words("oom_kill", 1), words("tcp_drop", 3)
    ('1 OOM kill', '3 TCP drops')
    """
    one, many = KIND_WORDS.get(kind, (kind, kind))
    return f"{count} {one if count == 1 else many}"


def empty() -> pd.DataFrame:
    """An event frame without rows (``time``, ``kind``, ``pid``, ``comm``, ``message``)."""
    return pd.DataFrame({"time": pd.Series(dtype="datetime64[ns]"),
                         "kind": pd.Series(dtype=str), "pid": pd.Series(dtype="Int64"),
                         "comm": pd.Series(dtype=object), "message": pd.Series(dtype=str)})


def on_clock(frame: pd.DataFrame, boot: pd.Timestamp | None = None) -> pd.DataFrame:
    """``frame`` with a ``time`` column in UTC (see the module docstring)."""
    out = frame.copy()
    if "time" in frame.columns and pd.api.types.is_datetime64_any_dtype(frame["time"]):
        match = _OFFSET.match(str(frame.attrs.get("utc_offset") or ""))
        if match:
            sign = 1 if match.group(1) == "+" else -1
            shift = pd.Timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
            out["time"] = frame["time"] - sign * shift
        return out
    if "timestamp" in frame.columns and boot is not None:
        out["time"] = boot + pd.to_timedelta(frame["timestamp"], unit="s")
    else:
        out["time"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    return out


def boot_time(capture: Any) -> pd.Timestamp | None:
    """When the captured machine booted: its start minus uptime's ``up`` (or None)."""
    start = capture.meta.get("started_utc")
    if not start or "uptime" not in capture:
        return None
    try:
        up = capture["uptime"]["up"].dropna()
    except (KeyError, ValueError, OSError):
        return None
    if up.empty:
        return None
    stamp = pd.Timestamp(start)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp - up.iloc[0]


def kernel_events(capture: Any) -> pd.DataFrame:
    """``time`` (UTC, NaT when unknown), ``kind`` (``oom_kill``, ``segfault``,
    ``hung_task``, ``tcp_drop``), ``pid`` and ``comm`` (the process, where the event names
    one) and ``message`` of the capture's dmesg events; empty when the capture has no
    readable dmesg."""
    from ..derive.kernel_events import events

    if "dmesg" not in capture:
        return empty()
    try:
        frame = capture["dmesg"]
    except (KeyError, ValueError, OSError):
        return empty()
    found = events(frame)
    if found.empty:
        return empty()
    found.attrs.update(frame.attrs)
    placed = on_clock(found, boot_time(capture))
    for name in ("pid", "comm"):
        if name not in placed.columns:
            placed[name] = pd.NA
    return placed[["time", "kind", "pid", "comm", "message"]].reset_index(drop=True)
