"""Benchmark inputs shaped like a long run: a real recording's samples repeated, their times
advancing by the interval and crossing midnight, as a day-long ``mpstat 1`` prints them.

This is a benchmark input, not a fixture: the numbers are a real recording's, repeated; only
the time stamps are rewritten (each repeat moves every time of day, and a printed date with
it, on by the recording's span plus one interval). Tests read the recordings themselves.

>>> text = ("Linux 6.1.0 (h)  11/25/26  _x86_64_  (2 CPU)\\n\\n"
...         "23:59:58     CPU    %usr\\n23:59:59     all    1.00\\n")
>>> print(long_run(text, 5))
Linux 6.1.0 (h)  11/25/26  _x86_64_  (2 CPU)
<BLANKLINE>
23:59:58     CPU    %usr
23:59:59     all    1.00
<BLANKLINE>
00:00:00     CPU    %usr
00:00:01     all    1.00
<BLANKLINE>
<BLANKLINE>
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

#: a time of day, with the date vmstat -t (2026-11-25) or iostat -t (11/25/26) prints before it
_TIME = re.compile(r"(?:(\d{4}-\d\d-\d\d|\d\d/\d\d/\d\d) )?\b(\d\d):(\d\d):(\d\d)\b")
_FORMATS = {10: "%Y-%m-%d", 8: "%m/%d/%y"}


def sample_blocks(text: str) -> tuple[str, str]:
    """(banner, one unit of sample blocks): sysstat's headers and rows (no Average rows), or
    vmstat's two header lines and rows, or iostat's reports."""
    if text.startswith("procs"):  # vmstat prints its two header lines once into a file
        lines = text.rstrip("\n").split("\n")
        return "\n".join(lines[:2]) + "\n", "\n".join(lines[2:]) + "\n"
    banner, _, body = text.partition("\n")
    if "avg-cpu" in body:  # iostat: whole reports, each ends with a blank line
        return banner + "\n\n", body.strip("\n") + "\n\n\n"
    kept = []
    for block in re.split(r"\n[ \t]*\n", body.strip("\n")):
        rows = [r for r in block.split("\n") if r[:1].isdigit() or r[:1] == "#"]
        if any(r[:1].isdigit() for r in rows):
            kept.append("\n".join(rows))
    return banner + "\n\n", "\n\n".join(kept) + "\n\n"


def _moments(unit: str) -> list[dt.datetime]:
    moments = []
    for m in _TIME.finditer(unit):
        day = dt.datetime.strptime(m.group(1), _FORMATS[len(m.group(1))]) if m.group(1) \
            else dt.datetime(2000, 1, 1)
        moments.append(day.replace(hour=int(m.group(2)), minute=int(m.group(3)),
                                   second=int(m.group(4))))
    return moments


def long_run(text: str, min_lines: int) -> str:
    """The recording's samples repeated to at least ``min_lines`` lines, each repeat's times
    moved on by the recording's span plus one interval (so they cross midnight)."""
    banner, unit = sample_blocks(text)
    moments = _moments(unit)
    distinct = sorted(set(moments))
    steps = [b - a for a, b in itertools.pairwise(distinct)]
    interval = min(steps) if steps else dt.timedelta(seconds=1)
    span = (distinct[-1] - distinct[0] + interval) if distinct else interval
    repeats = max(1, -(-min_lines // max(1, unit.count("\n"))))
    base = {m.group(0): when for m, when in zip(_TIME.finditer(unit), moments, strict=True)}
    pieces = _TIME.split(unit)[::5]  # the text between the time stamps
    printed = [m.group(0) for m in _TIME.finditer(unit)]
    parts = [banner]
    for index in range(repeats):
        shift = span * index
        shown = {p: _format(p, when + shift) for p, when in base.items()}
        for piece, stamp in zip(pieces, printed, strict=False):
            parts.append(piece)
            parts.append(shown[stamp])
        parts.append(pieces[-1])
    return "".join(parts)


def _format(printed: str, when: dt.datetime) -> str:
    """``when`` printed as ``printed`` is (a time of day, after a date if it has one)."""
    stamp = when.strftime("%H:%M:%S")
    day = printed[:-9]
    return when.strftime(_FORMATS[len(day)]) + " " + stamp if day else stamp
