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
from .wide import wide


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
