"""What a parsed output becomes in the lake: table names and rows with ``host``, ``time``,
``tz`` and ``source``.

A tool's frames are named ``<tool>_<table>`` in lower case, with anything but letters and
digits turned into ``_`` (``sar``'s ``DEV`` is ``sar_dev``, ``psi-CPU`` is ``sar_psi_cpu``,
``iostat``'s ``devices`` is ``iostat_devices``); a single-table tool keeps its own name
(``vmstat``, ``free``, ``dmesg``).

>>> table_name("sar", "ETCP"), table_name("sar", "psi-CPU"), table_name("vmstat", None)
('sar_etcp', 'sar_psi_cpu', 'vmstat')

Columns get their current C-locale name through :mod:`perfkit.synonyms`, so a sysstat 10
``avgqu-sz`` and a sysstat 12 ``aqu-sz`` land in the same column; numbers are stored as
float64 (a column that is whole in one file and fractional in the next keeps one type), text
as strings. ``time`` is UTC when the source names its zone (sadf, a capture run with
``TZ=UTC``; then ``tz`` is ``"UTC"``) and as printed otherwise (``tz`` empty); a time
printed without a date (``uptime``, ``top`` outside a capture) is not guessed: it is left
empty (NaT) and the row goes to the ``undated`` day.

>>> import pandas as pd
>>> frame = pd.DataFrame({"time": pd.to_datetime(["2026-12-05 10:00:00"]),
...                       "Device:": ["sda"], "avgqu-sz": [2]})
>>> out = lake_frame(frame, host="db-1", source="old/iostat.txt", zone="UTC")
>>> list(out.columns), out["aqu-sz"].dtype.name, out["day"].iloc[0]
(['time', 'Device', 'aqu-sz', 'tz', 'source', 'host', 'day'], 'float64', '2026-12-05')
"""

from __future__ import annotations

import re

import pandas as pd

from ..synonyms import canonical

#: The columns every lake row carries (``host`` and ``day`` are also the partition keys).
KEY_COLUMNS = ("time", "tz", "source", "host", "day")
#: The day partition of rows without a date.
UNDATED = "undated"
_NOT_NAME = re.compile(r"[^a-z0-9]+")
#: Names that mean something else in one table than their synonym elsewhere: NFS's
#: ``retrans/s`` counts RPC retransmissions, not TCP segments (``retrseg/s``).
OWN_NAMES = {"sar_nfs": frozenset({"retrans/s"})}


def table_name(tool: str, table: str | None) -> str:
    """The lake table for ``tool``'s frame ``table`` (None for single-table tools)."""
    name = tool if table is None else f"{tool}_{table}"
    return _NOT_NAME.sub("_", name.lower()).strip("_")


def lake_frame(frame: pd.DataFrame, *, host: str, source: str, zone: str | None,
               table: str = "") -> pd.DataFrame:
    """``frame`` as lake rows: canonical column names, float64 numbers, string text, a
    ``time`` column (UTC when ``zone`` names it), ``tz``, ``source``, ``host``, ``day``.
    ``table`` is the lake table's name (see :data:`OWN_NAMES`)."""
    renamed: dict[str, pd.Series] = {}
    own = OWN_NAMES.get(table, frozenset())
    for name in frame.columns:
        key = str(name) if str(name) in own else canonical(str(name))
        if key in KEY_COLUMNS and key != "time":
            key = f"{key}_"  # a tool column called "host" (journalctl) keeps its values
        if key in renamed:  # the same metric under two names: keep the first
            continue
        renamed[key] = frame[name]
    out = pd.DataFrame(renamed, index=pd.RangeIndex(len(frame)))
    for name in list(out.columns):
        values = out[name]
        if name == "time":
            continue
        if pd.api.types.is_bool_dtype(values):
            out[name] = values.astype("boolean")
        elif pd.api.types.is_numeric_dtype(values):
            out[name] = values.astype("float64")
        elif pd.api.types.is_datetime64_any_dtype(values):
            out[name] = _naive(values)
        elif isinstance(values.dtype, pd.CategoricalDtype) or values.dtype == object:
            out[name] = values.astype("string")
        elif pd.api.types.is_timedelta64_dtype(values):
            out[name] = values.dt.total_seconds()
    out["time"] = _times(out["time"] if "time" in out.columns else None, len(out), zone)
    out["tz"] = pd.array(["UTC" if zone == "UTC" else ""] * len(out), dtype="string")
    out["source"] = pd.array([source] * len(out), dtype="string")
    out["host"] = pd.array([host] * len(out), dtype="string")
    days = out["time"].dt.strftime("%Y-%m-%d")
    out["day"] = days.fillna(UNDATED).astype("string")
    return out


def _naive(values: pd.Series) -> pd.Series:
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values.astype("datetime64[us]")


def _times(values: pd.Series | None, count: int, zone: str | None) -> pd.Series:
    if values is None or not pd.api.types.is_datetime64_any_dtype(values):
        return pd.Series(pd.NaT, index=pd.RangeIndex(count), dtype="datetime64[us]")
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    values = values.astype("datetime64[us]")
    # a time of day placed on 1970-01-01 by a parser that saw no date: not a real date
    return values.where(values.dt.year != 1970)
