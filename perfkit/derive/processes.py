"""Processes as the unit of CPU use: ``Command (PID)`` names and per-process CPU frames.

>>> import pandas as pd
>>> f = pd.DataFrame({"time": pd.to_datetime(["2026-11-25 00:00:01"] * 2),
...                   "PID": [10, 11], "Command": ["dd", "dd"], "%CPU": [4.0, 3.0]})
>>> process_cpu(f).columns.tolist()
['dd (10)', 'dd (11)']
"""

from __future__ import annotations

import pandas as pd

from ..synonyms import column, find
from .intervals import positions
from .wide import ordered, wide


def _ids(values: pd.Series) -> pd.Series:
    """Process or thread ids as text (``4``, not ``4.0``); ``<NA>`` where blank."""
    return pd.to_numeric(values, errors="coerce").astype("Int64").astype("string")


def process_names(frame: pd.DataFrame) -> pd.Series:
    """``Command (PID)`` per row: the ``PID`` (``TGID`` with ``pidstat -t``), or the
    ``TID`` of a thread row.

    >>> f = pd.DataFrame({"TGID": [2.0, None], "TID": [None, 4.0],
    ...                   "Command": ["python3", "|__python3"]})
    >>> process_names(f).tolist()
    ['python3 (2)', '|__python3 (4)']
    """
    command = frame[find(frame, "Command") or "Command"].astype(str)
    ident = None
    for name in ("PID", "TGID"):
        if name in frame.columns:
            ident = _ids(frame[name])
            break
    if "TID" in frame.columns:
        tid = _ids(frame["TID"])
        ident = tid if ident is None else tid.where(tid.notna(), ident)
    if ident is None:
        return command
    return command + " (" + ident.fillna("-").astype(str) + ")"


def process_cpu(frame: pd.DataFrame) -> pd.DataFrame:
    """``%CPU`` per sample (rows) and process (columns, ``Command (PID)``), 0 where
    pidstat printed no row (the process did not run in that interval)."""
    named = frame.assign(_name=process_names(frame))
    return wide(named, "_name", column(named, "%CPU"))


def _process_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of whole processes: with ``pidstat -t``, the thread rows (a ``TID``) are
    left out, as their process's row already counts them."""
    if "TID" in frame.columns:
        tid = pd.to_numeric(frame["TID"], errors="coerce")
        if "TGID" in frame.columns:
            return frame[tid.isna()]
    return frame


def command_cpu(frame: pd.DataFrame) -> pd.DataFrame:
    """``%CPU`` per sample (rows) and command (columns), summed over the command's
    processes: 39 short-lived ``dd`` are one workload. 0 where none of them ran.

    >>> f = pd.DataFrame({"time": pd.to_datetime(["2026-11-25 00:00:01"] * 3
    ...                                          + ["2026-11-25 00:00:02"]),
    ...                   "PID": [10, 11, 12, 12], "Command": ["dd", "dd", "sh", "sh"],
    ...                   "%CPU": [4.0, 3.0, 1.0, 2.0]})
    >>> command_cpu(f).to_dict("list")
    {'dd': [7.0, 0.0], 'sh': [1.0, 2.0]}
    """
    rows = _process_rows(frame)
    x, _ = positions(rows)
    table = pd.DataFrame({"x": x, "command": rows[find(rows, "Command") or "Command"]
                          .astype(str).to_numpy(),
                          "value": pd.to_numeric(column(rows, "%CPU"),
                                                 errors="coerce").to_numpy()})
    out = table.pivot_table(index="x", columns="command", values="value", aggfunc="sum",
                            fill_value=0.0)
    out = out.reindex(columns=ordered(list(out.columns)))
    out.columns.name = "Command"
    return out.astype(float)


def command_pids(frame: pd.DataFrame) -> pd.Series:
    """How many distinct processes each command had over the capture (``dd``: 39 when a
    loop started one after another).

    >>> f = pd.DataFrame({"PID": [10, 11, 10], "Command": ["dd", "dd", "dd"]})
    >>> command_pids(f).to_dict()
    {'dd': 2}
    """
    rows = _process_rows(frame)
    ident = next((c for c in ("PID", "TGID") if c in rows.columns), None)
    command = rows[find(rows, "Command") or "Command"].astype(str)
    if ident is None:
        return command.value_counts().rename(None)
    counts = rows.groupby(command)[ident].nunique()
    counts.index.name = None
    return counts.rename(None)
