"""Commands as the unit of work: a program's processes grouped under its name.

A shell loop that starts 39 short-lived ``dd`` is one workload, not 39: pidstat prints a row
per process, and summing them per command shows what the workload cost.

>>> import pandas as pd
>>> f = pd.DataFrame({"time": pd.to_datetime(["2026-11-25 00:00:01"] * 3),
...                   "PID": [10, 11, 12], "Command": ["dd", "dd", "sh"],
...                   "%CPU": [4.0, 3.0, 1.0], "%wait": [1.0, 2.0, 0.0]})
>>> command_cpu(f).loc[:, ["dd", "sh"]].iloc[0].tolist()
[7.0, 1.0]
>>> command_metric(f, "%wait").iloc[0].tolist()
[3.0, 0.0]
>>> command_processes(f).to_dict()
{'dd': 2, 'sh': 1}
"""

from __future__ import annotations

import pandas as pd

from ..synonyms import column, find
from .wide import wide


def commands(frame: pd.DataFrame) -> pd.Series:
    """The command of each row, without pidstat's ``|__`` thread marker."""
    return frame[find(frame, "Command") or "Command"].astype(str).str.replace(
        r"^\|__", "", regex=True)


def processes_only(frame: pd.DataFrame) -> pd.DataFrame:
    """The process rows of ``pidstat -t`` output (its thread rows, ``|__name`` with a
    ``TID``, are parts of the process row above them); other output as it is."""
    if "TID" in frame.columns and "TGID" in frame.columns:
        return frame[pd.to_numeric(frame["TGID"], errors="coerce").notna()]
    return frame


def command_metric(frame: pd.DataFrame, metric: str) -> pd.DataFrame:
    """``metric`` summed over each command's processes: one row per sample, one column per
    command, 0 where the command printed no row (it did not run in that interval). Threads
    (``pidstat -t``) are left out: their process row already counts them."""
    frame = processes_only(frame)
    named = frame.assign(_command=commands(frame))
    values = pd.to_numeric(column(named, metric), errors="coerce").fillna(0.0)
    summed = named.assign(_value=values).groupby(
        [*_time_keys(named), "_command"], sort=False, as_index=False)["_value"].sum()
    return wide(summed, "_command", "_value").rename_axis(columns="Command")


def command_cpu(frame: pd.DataFrame) -> pd.DataFrame:
    """``%CPU`` per sample and command (see :func:`command_metric`)."""
    return command_metric(frame, "%CPU")


def command_processes(frame: pd.DataFrame) -> pd.Series:
    """How many distinct processes each command ran as, most first."""
    frame = processes_only(frame)
    named = frame.assign(_command=commands(frame))
    ident = next((name for name in ("PID", "TGID", "TID") if name in named.columns), None)
    if ident is None:
        return named["_command"].value_counts()
    return named.groupby("_command")[ident].nunique().sort_values(ascending=False,
                                                                  kind="stable")


def _time_keys(frame: pd.DataFrame) -> list[str]:
    for name in ("time", "report", "sample", "iteration"):
        if name in frame.columns:
            return [name]
    return []
