"""Kernel events of a capture's dmesg, for :mod:`perfkit.checklist` and the timeline.

Placeholder until :mod:`perfkit.dmesg` lands.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


def empty() -> pd.DataFrame:
    """An event frame without rows."""
    return pd.DataFrame({"time": pd.Series(dtype="datetime64[ns]"),
                         "kind": pd.Series(dtype=str), "message": pd.Series(dtype=str)})


def kernel_events(capture: Any) -> pd.DataFrame:
    """``time``, ``kind``, ``message`` of the capture's notable kernel events."""
    return empty()
