"""The checklist's rules for dmesg."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..thresholds import RECENT
from ._common import Context, Row, finding

_EVENT_RULES = {"oom_kill": "critical", "hung_task": "warning", "tcp_drop": "warning",
                "segfault": "info"}


def _unread(ctx: Context) -> list[Row] | None:
    """An info row when dmesg ran but gave no text: an empty kernel log told apart from one
    that could not be read (its exit status and error). None when dmesg gave text, or did
    not run (then the usual missing-tool row says so)."""
    if "dmesg" in ctx.capture:
        return None
    entries = [e for e in (ctx.capture.meta.get("commands") or [])
               if e.get("tool") == "dmesg" or e.get("name") == "dmesg"]
    if not entries:
        return None
    entry = entries[-1]
    error = ""
    path = getattr(ctx.capture, "path", None)
    if entry.get("stderr") and path is not None:
        try:
            error = (Path(path) / entry["stderr"]).read_text(errors="replace").strip()
        except OSError:
            error = ""
    error = error or str(entry.get("error") or "")
    code = entry.get("returncode")
    ctx.settle("dmesg", None)
    if code == 0 and not error:
        return [finding("dmesg-read", 0.0, severity="info", threshold=float("nan"),
                        metric="kernel log (empty)", explanation=(
                            f"`{entry.get('command', 'dmesg')}` ran and printed nothing: the "
                            "kernel log is empty (cleared, or nothing logged since boot), so "
                            "no OOM kill, hung task or drop was logged."))]
    return [finding("dmesg-read", float("nan"), severity="info", threshold=float("nan"),
                    metric="kernel log (unreadable)", explanation=(
                        f"`{entry.get('command', 'dmesg')}` could not read the kernel log "
                        f"(exit status {code}: {error.splitlines()[0] if error else 'no text'})"
                        ": nothing is known about OOM kills, hung tasks or drops; an empty "
                        "kernel log would have printed nothing and exited 0. Read it as root "
                        "(kernel.dmesg_restrict)."))]


def check_dmesg(ctx: Context) -> list[Row]:
    """OOM kills, hung tasks, TCP drops (and segfaults, as info) in the kernel log; a kernel
    log that was empty, or could not be read."""
    unread = _unread(ctx)
    if unread is not None:
        return unread
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
