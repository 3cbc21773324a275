"""CPU time split into busy, waiting for I/O and idle, per CPU and per sample.

``%iowait`` is idle time: a CPU waiting for I/O has nothing to run. So *busy* is
``100 - %idle - %iowait`` everywhere in perfkit (mpstat's heatmap, the hot-CPU rule,
vmstat's panel), and ``%iowait`` is shown apart as *waiting*.

>>> import pandas as pd
>>> cpu = pd.DataFrame({"time": pd.to_datetime(["2026-11-25 00:00:01"] * 2),
...                     "CPU": ["0", "1"], "%idle": [10.0, 60.0], "%iowait": [30.0, 0.0]})
>>> busy_grid(cpu).iloc[0].tolist()
[60.0, 40.0]
"""

from __future__ import annotations

import pandas as pd

from .wide import wide


def busy_percent(frame: pd.DataFrame) -> pd.Series:
    """Busy % of each row of a CPU table: ``100 - %idle - %iowait`` (mpstat, sar -u, top's
    CPU lines under their C-locale names; a missing ``%iowait`` counts as 0).

    >>> busy_percent(pd.DataFrame({"%idle": [20.0], "%iowait": [50.0]})).tolist()
    [30.0]
    """
    idle = pd.to_numeric(frame["%idle"], errors="coerce")
    wait = pd.to_numeric(frame["%iowait"], errors="coerce").fillna(0.0) \
        if "%iowait" in frame.columns else 0.0
    return (100.0 - idle - wait).clip(lower=0.0)


def busy_grid(cpu: pd.DataFrame) -> pd.DataFrame:
    """Busy % (:func:`busy_percent`) per sample (rows) and CPU (columns), ``all`` left out."""
    per = cpu[cpu["CPU"].astype(str) != "all"]
    return wide(per, "CPU", busy_percent(per), fill=None)


def vmstat_busy(frame: pd.DataFrame) -> pd.Series:
    """Busy % of all CPUs per vmstat sample: ``100 - id - wa`` (``wa`` is idle time, as
    ``%iowait`` is in mpstat).

    >>> vmstat_busy(pd.DataFrame({"id": [11], "wa": [60]})).tolist()
    [29.0]
    """
    idle = pd.to_numeric(frame["id"], errors="coerce").astype(float)
    wait = pd.to_numeric(frame["wa"], errors="coerce").fillna(0.0) \
        if "wa" in frame.columns else 0.0
    return (100.0 - idle - wait).clip(lower=0.0)
