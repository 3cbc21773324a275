"""What every rule shares: the :class:`Context` it reads a capture through, finding rows,
and the summaries (median, share of samples) that keep one spike from making a finding.

>>> import pandas as pd
>>> share_of(pd.Series([0, 3, 0, 1]) > 0)
50.0
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..thresholds import grade, rule

Row = dict[str, Any]



def share_of(flags: pd.Series) -> float:
    """Percentage of True values (0 for no values)."""
    return float(flags.mean() * 100.0) if len(flags) else 0.0


def median(values: pd.Series) -> float:
    """Median of the numeric values (NaN for none)."""
    values = pd.to_numeric(values, errors="coerce").dropna()
    return float(values.median()) if len(values) else float("nan")


def finding(key: str, observed: float, explanation: str, *, severity: str | None = None,
            threshold: float | None = None, metric: str | None = None,
            scale: float = 1.0, next: str | None = None) -> Row:
    """A finding row under rule ``key``; ``severity`` graded from ``observed`` unless
    given; ``threshold`` is the limit reached (or the warning limit) times ``scale``;
    ``next`` (what to run to confirm it) is the rule's unless given.

    >>> row = finding("util", 95.0, "busy")
    >>> row["severity"], row["threshold"], row["key"], row["next"].split(";")[0]
    ('critical', 90.0, 'util', 'iostat -xz 1 (r/s, w/s, sizes)')
    """
    item = rule(key)
    severity = severity or grade(key, observed, scale)
    if threshold is None:
        limit = item.critical if severity == "critical" else item.warning
        threshold = limit * scale if limit is not None else float("nan")
    return {"tool": item.tool, "metric": metric or item.metric, "observed": observed,
            "threshold": threshold, "severity": severity, "explanation": explanation,
            "next": item.next if next is None else next, "key": key}


def fmt(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if pd.notna(value) else "?"


class Context:
    """A capture with its CPU count, start time and the tools it lacks."""

    def __init__(self, capture: Any) -> None:
        self.capture = capture
        self.missing: list[Row] = []
        self._data: dict[str, Any] = {}
        self._optional: dict[str, Any] = {}
        start = capture.meta.get("started_utc")
        stamp = pd.Timestamp(start) if start else None
        if stamp is not None and stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        self.start: pd.Timestamp | None = stamp
        self.cpus = self._cpus()

    def get(self, tool: str) -> Any:
        """The tool's data, or None (with an info finding saying why, once)."""
        if tool in self._data:
            return self._data[tool]
        value, why = None, None
        if tool not in self.capture:
            why = self.capture.reason(tool) if hasattr(self.capture, "reason") else None
            why = f"not in this capture ({why or 'not recorded'})"
        else:
            try:
                value = self.capture[tool]
            except (KeyError, ValueError, OSError) as exc:  # ParseError is a ValueError
                why = f"its output could not be read: {exc}"
        if why:
            self.missing.append({"tool": tool, "metric": "(missing)", "observed": np.nan,
                                 "threshold": np.nan, "severity": "info",
                                 "explanation": f"{tool}: {why}; its checks were skipped.",
                                 "next": f"run {tool} by hand to see why", "key": "missing"})
        self._data[tool] = value
        return value

    def optional(self, tool: str) -> Any:
        """The tool's data when the capture has it and it reads, else None, silently (for
        the extra outputs a rule can do without, such as ``sar-all``)."""
        if tool in self._data:
            return self._data[tool]
        if tool not in self._optional:
            try:
                value = self.capture[tool] if tool in self.capture else None
            except (KeyError, ValueError, OSError):
                value = None
            self._optional[tool] = value
        return self._optional[tool]

    def settle(self, tool: str, value: Any) -> None:
        """Record ``value`` as the tool's data (a rule that explains its absence itself)."""
        self._data[tool] = value

    def _cpus(self) -> int | None:
        cpus = self.capture.meta.get("cpus")
        if cpus:
            return int(cpus)
        for tool in ("mpstat", "iostat", "sar", "pidstat"):
            if tool in self.capture:
                try:
                    attrs = self.capture[tool].attrs
                except (KeyError, ValueError, OSError):
                    continue
                if attrs.get("cpus"):
                    return int(attrs["cpus"])
        return None
