"""Interval samples and where each row sits in time: the first step from a parsed frame.

A tool that reports rates every interval often prints a first row of averages since boot
(vmstat's first line, iostat's first report); the parsers flag it in ``since_boot``. Plots,
findings and the fleet lake all read the interval samples only.

>>> import pandas as pd
>>> df = pd.DataFrame({"r": [5, 1, 2], "since_boot": [True, False, False]})
>>> interval_samples(df)["r"].tolist()
[1, 2]
>>> positions(interval_samples(df))[1]
'sample'
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def interval_samples(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without its since-boot rows (vmstat's first line, iostat's first report)."""
    if "since_boot" in frame.columns:
        keep = ~frame["since_boot"].fillna(False).astype(bool)
        out = frame.loc[keep]
        out.attrs.update(frame.attrs)
        return out
    return frame


def positions(frame: pd.DataFrame) -> tuple[np.ndarray, str]:
    """The positions of a frame's rows and their axis label: ``time`` when the frame has
    times, else ``report``/``sample``/``iteration`` numbers, else the row number. Times of
    day printed without a date (``timedelta64``) are placed on a clock axis that shows
    only HH:MM:SS (their positions count from 1970-01-01, a plotting origin, not a date)."""
    if "time" in frame.columns and pd.api.types.is_datetime64_any_dtype(frame["time"]):
        return frame["time"].to_numpy(), "time"
    if "time" in frame.columns and pd.api.types.is_timedelta64_dtype(frame["time"]) \
            and frame["time"].notna().any():
        return np.datetime64(0, "ns") + frame["time"].to_numpy(), "time"
    for name in ("report", "sample", "iteration"):
        if name in frame.columns:
            return frame[name].to_numpy(), name
    return np.arange(len(frame)), "sample"
