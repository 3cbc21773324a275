"""The checklist's rules for dmesg."""

from __future__ import annotations

import pandas as pd

from ..thresholds import RECENT
from ._common import Context, Row, finding

_EVENT_RULES = {"oom_kill": "critical", "hung_task": "warning", "tcp_drop": "warning",
                "segfault": "info"}


def check_dmesg(ctx: Context) -> list[Row]:
    """OOM kills, hung tasks, TCP drops (and segfaults, as info) in the kernel log."""
    if ctx.get("dmesg") is None:
        return []
    from ...derive.kernel_events import capture_events, words

    events = capture_events(ctx.capture)
    rows = []
    for kind, severity in _EVENT_RULES.items():
        found = events[events["kind"] == kind]
        if found.empty:
            continue
        if ctx.start is not None:
            dated = found["time"].notna()
            recent = found[~dated | (found["time"] >= ctx.start - RECENT)]
        else:
            recent = found
        if not recent.empty:
            rows.append(finding(kind, float(len(recent)), severity=severity, threshold=0.0,
                                explanation=(
                                    f"{words(kind, len(recent))} in the kernel log during "
                                    f"or up to {_minutes(RECENT)} before the capture; the "
                                    f"last: {_example(recent)}")))
        older = found.drop(recent.index)
        if not older.empty:
            rows.append(finding(kind, float(len(older)), severity="info", threshold=0.0,
                                explanation=(
                                    f"{words(kind, len(older))} in the kernel log, more "
                                    f"than {_minutes(RECENT)} before the capture; the "
                                    f"last: {_example(older)}")))
    return rows


def _example(events: pd.DataFrame) -> str:
    """The last event, short: ``process (pid)`` and its time, or its message's start."""
    last = events.iloc[-1]
    when = f" at {last['time']:%Y-%m-%d %H:%M:%S}" if pd.notna(last["time"]) else ""
    if pd.notna(last.get("pid")) and pd.notna(last.get("comm")):
        return f"{last['comm']} ({last['pid']}){when}."
    text = str(last["message"]).splitlines()[0]
    return (text if len(text) <= 100 else text[:97] + "...") + when + "."


def _minutes(delta: pd.Timedelta) -> str:
    return f"{int(delta.total_seconds() // 60)} min"
