"""``uptime`` (procps-ng and macOS), ``uptime -p``, ``uptime -s``, ``/proc/loadavg`` and
``/proc/uptime``: one row per line.

A line recorded on the course machine (procps-ng 4.0.2, C locale) and its frame:

>>> df = parse(" 00:25:41 up 12 min,  0 user,  load average: 2.37, 0.90, 0.35\\n")
>>> print(df.to_string())
             time              up  users  ldavg-1  ldavg-5  ldavg-15
0 0 days 00:25:41 0 days 00:12:00      0     2.37      0.9      0.35
>>> df.attrs["date"] is None
True
>>> parse(" 00:25:41 up 12 min,  0 user,  load average: 2.37, 0.90, 0.35\\n",
...       date="2026-11-25")["time"].iloc[0]
Timestamp('2026-11-25 00:25:41')

Columns (only those the text carries appear, in this order):

* ``time``: the time of day the line was printed. uptime prints no date, so ``time`` is
  the time of day as a ``timedelta64`` (:func:`perfkit.parsers._read.times.of_day`) and
  ``df.attrs["date"]`` is ``None``; never a made-up date. ``parse(text, date="2026-11-25")``
  gives ``datetime64`` times on that date instead. A day more counts each time the uptime
  says one passed (a loop of lines over midnight: ``23:59:59 up 2:14`` then ``00:00:09 up
  2:14``). A time of day that goes back while the uptime does not grow by a day (two
  outputs joined out of order, another boot's or host's output appended, a clock change)
  warns naming its line: the day is then a guess (the next day after a step back of more
  than twelve hours, the same day otherwise; see :mod:`perfkit.parsers._read.clock_days`).
* ``boot`` (``uptime -s``): the boot time, a full date and time.
* ``up``: how long the system has been up, a ``timedelta64``. The classic line rounds to
  minutes (``up 2 days, 3:04``, ``up 5 min``); ``uptime -p`` counts years as 365 days and
  weeks as 7 days, as procps does; ``/proc/uptime`` gives seconds to 1/100.
* ``idle`` (``/proc/uptime``): idle time summed over all CPUs, a ``timedelta64``.
* ``users``: the number of login sessions (procps 4.0.2 prints ``0 user``, singular).
* ``ldavg-1``, ``ldavg-5``, ``ldavg-15``: load averages, named as ``sar -q`` names them;
  decimal commas (``2,37`` in de_DE) are read as decimal marks.
* ``runnable``, ``tasks``, ``last_pid`` (``/proc/loadavg``): runnable and total
  scheduling entities, and the last PID handed out (in the reader's PID namespace).

macOS lines (``10:09  up 3 mins, 3 users, load averages: 5.63 7.26 3.53``) print the time
without seconds; they are read the same way, as are uutils' ``up  8 days 23:11`` (no comma
after the days) and load averages with one decimal (``1.3``). A line pasted into Markdown is
read without its marks: a leading ``>`` quote and ``**`` bold (``attrs["markdown"]``).
A time of day or boot time that does not exist (``80:13:05``) is not an uptime line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..errors import ParseError, warn
from ._read.clock_days import days_passed
from ._read.text import clean_text
from ._read.times import combine, given_date, of_day, times_of_day

NAME = "uptime"

#: The columns parse may give, in their order (see :mod:`perfkit.parsers.columns`).
COLUMNS: dict[str, dict[str, str]] = {
    "": {"time": "datetime|timedelta", "boot": "datetime", "up": "timedelta", "idle": "timedelta",
         "users": "int", "ldavg-1": "float", "ldavg-5": "float", "ldavg-15": "float",
         "runnable": "int", "tasks": "int", "last_pid": "int"},
}

_LOAD_NUM = r"\d+[.,]\d{1,2}"
_TIME = r"(?P<time>\d{1,2}:\d{2}(?::\d{2})?)(?:\s?(?P<ampm>[AaPp]\.?[Mm]\.?))?"
_LOAD = (rf"load averages?:\s*(?P<l1>{_LOAD_NUM}),?\s+(?P<l5>{_LOAD_NUM}),?\s+"
         rf"(?P<l15>{_LOAD_NUM})")
_CLASSIC = re.compile(rf"^\s*{_TIME}\s+up\s+(?P<up>.+?),\s+"
                      rf"(?:(?P<users>\d+)\s+users?,\s+)?{_LOAD}\s*$")
_PRETTY = re.compile(r"^\s*up\s+(?P<up>\S.*?)\s*$")
_SINCE = re.compile(r"^\s*(?P<boot>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\s*$")
_LOADAVG = re.compile(r"^\s*(?P<l1>\d+\.\d{2}) (?P<l5>\d+\.\d{2}) (?P<l15>\d+\.\d{2}) "
                      r"(?P<runnable>\d+)/(?P<tasks>\d+) (?P<last_pid>\d+)\s*$")
_PROC_UPTIME = re.compile(r"^\s*(?P<up>\d+\.\d{2}) (?P<idle>\d+\.\d{2})\s*$")
# how a cut-off line of any of the forms above begins
_STARTS_LIKE = re.compile(r"^\s*(?:\d{1,2}:\d{2}|up\b|\d)")

_SECONDS = {
    "decade": 3650 * 86400, "year": 365 * 86400, "week": 7 * 86400, "day": 86400,
    "hour": 3600, "hr": 3600, "minute": 60, "min": 60, "second": 1, "sec": 1,
}
_PART = re.compile(r"^(\d+)\s+([a-z]+?)s?$")
_CLOCK = re.compile(r"^(?:(\d+)\s+days?\s+)?(\d+):(\d{2})$")
#: Markdown marks around a pasted line: a ``>`` quote before it, ``**`` bold inside
_MARKDOWN = re.compile(r"^\s*>(?=\s)|\*\*")


def detect(lines: Sequence[str]) -> bool:
    """True when the first line is one of the forms this module reads."""
    return bool(lines) and _read_line(lines[0]) is not None


def _duration(text: str) -> float | None:
    """Seconds in ``2 days, 3:04``, ``5 min``, ``1 week, 2 hours, 5 minutes``; None if not
    (a unit given twice, units out of order, or a clock after hours or minutes: a field
    printed twice or lost).

    >>> _duration("2 days, 3:04"), _duration("1 week, 2 hours, 5 minutes")
    (183840.0, 612300.0)
    >>> _duration("1 day, 1:47, 1:47"), _duration("5 min, 2 days")
    (None, None)
    """
    total = 0
    smallest = float("inf")  # the unit of the part before, in seconds
    for part in (p.strip() for p in text.split(",")):
        clock = _CLOCK.match(part)
        if clock:  # "3:04", or uutils' "8 days 23:11"
            if smallest <= 3600:
                return None
            days, hours, minutes = (int(g or 0) for g in clock.groups())
            total += days * 86400 + hours * 3600 + minutes * 60
            smallest = 60
            continue
        match = _PART.match(part)
        if not match or match.group(2) not in _SECONDS:
            return None
        unit = _SECONDS[match.group(2)]
        if unit >= smallest:
            return None
        total += int(match.group(1)) * unit
        smallest = unit
    return float(total)


def _load(match: re.Match[str]) -> dict[str, float]:
    return {f"ldavg-{n}": float(match.group(f"l{n}").replace(",", "."))
            for n in (1, 5, 15)}


def _read_line(line: str) -> dict[str, Any] | None:
    """The values on one line as a dict, or None when it is none of the known forms."""
    match = _CLASSIC.match(line)
    if match:
        up = _duration(match.group("up"))
        if up is None:
            return None
        clock = match.group("time")
        if clock.count(":") == 2 and re.fullmatch(r"\d+\s+days?", match.group("up").strip()):
            return None  # procps and busybox print "N min" or "H:MM" after the days
        hours, minutes = (int(part) for part in clock.split(":")[:2])
        if hours > 23 or minutes > 59 or (match.group("ampm") and not 1 <= hours <= 12):
            return None  # not a time of day
        row: dict[str, Any] = {"_clock": clock if clock.count(":") == 2 else clock + ":00",
                               "_ampm": match.group("ampm"), "up": up}
        if match.group("users") is not None:
            row["users"] = int(match.group("users"))
        row.update(_load(match))
        return row
    match = _PRETTY.match(line)
    if match:
        up = _duration(match.group("up"))
        return None if up is None else {"up": up}
    match = _SINCE.match(line)
    if match:
        try:
            pd.Timestamp(match.group("boot"))
        except ValueError:  # no such time ("2026-11-25 80:13:05")
            return None
        return {"boot": match.group("boot")}
    match = _LOADAVG.match(line)
    if match:
        row = _load(match)
        row.update({name: int(match.group(name)) for name in ("runnable", "tasks", "last_pid")})
        return row
    match = _PROC_UPTIME.match(line)
    if match:
        return {"up": float(match.group("up")), "idle": float(match.group("idle"))}
    return None


def parse(text: str | bytes, *, strict: bool = False,
          dayfirst: bool | None = None, date: object = None) -> pd.DataFrame:
    """Parse uptime lines into a frame, one row per line (see the module docstring).

    ``dayfirst`` is accepted for the common parser signature; uptime prints no ambiguous date.
    ``date``: the day the lines were printed, for ``datetime64`` times.
    """
    text = clean_text(text, tool=NAME)
    markdown = bool(_MARKDOWN.search(text))
    if markdown:
        text = "\n".join(_MARKDOWN.sub("", line) for line in text.split("\n"))
    lines = text.split("\n")
    numbered = [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    last_number = numbered[-1][0]
    rows: list[dict[str, Any]] = []
    # warnings (message, line number, line), given once the text is known to be uptime's
    skipped: list[tuple[str, int, str]] = []
    for number, line in numbered:
        row = _read_line(line)
        if row is not None:
            row["_line"] = number
            rows.append(row)
            continue
        if number == last_number and not text.endswith("\n") and _STARTS_LIKE.match(line):
            skipped.append(("the last line is truncated and was dropped", number, line))
            continue
        if strict:
            raise ParseError("not an uptime line", line=number, text=line, tool=NAME)
        skipped.append(("not an uptime line; skipped", number, line))
    if not rows:
        number, line = numbered[0]
        raise ParseError("no uptime, uptime -p/-s, /proc/loadavg or /proc/uptime line",
                         line=number, text=line, tool=NAME)
    for message, number, line in skipped:
        warn(message, line=number, text=line, tool=NAME)
    frame = _frame(rows, given_date(date), lines)
    if markdown:
        frame.attrs["markdown"] = True
    return frame


def _frame(rows: list[dict[str, Any]], date: pd.Timestamp | None,
           lines: list[str]) -> pd.DataFrame:
    raw = pd.DataFrame(rows)
    frame = pd.DataFrame(index=raw.index)
    if "_clock" in raw:
        has_time = raw["_clock"].notna()
        clocks = raw.loc[has_time, "_clock"]
        ampm = raw.loc[has_time, "_ampm"]
        seconds = times_of_day(clocks, ampm if ampm.notna().all() else None)
        days, notes = days_passed(seconds, raw.loc[has_time, "up"].to_numpy(dtype=float))
        numbers = raw.loc[has_time, "_line"].to_numpy()
        for position, why in notes:
            number = int(numbers[position])
            warn(why, line=number, text=lines[number - 1], tool=NAME)
        seconds = seconds + days * 86400
        dated = date is not None
        times = pd.Series(pd.NaT, index=raw.index,
                          dtype="datetime64[ns]" if dated else "timedelta64[ns]")
        times[has_time] = (combine(date, seconds) if dated else of_day(seconds)).to_numpy()
        frame["time"] = times
    if "boot" in raw:
        frame["boot"] = pd.to_datetime(raw["boot"], format="%Y-%m-%d %H:%M:%S").astype(
            "datetime64[ns]")
    for name in ("up", "idle"):
        if name in raw:
            frame[name] = pd.to_timedelta(raw[name], unit="s").astype("timedelta64[ns]")
    for name in COLUMNS[""]:
        if name in raw and name not in frame:
            column = raw[name]
            if name in ("users", "runnable", "tasks", "last_pid"):
                column = column.astype("int64" if column.notna().all() else "Int64")
            frame[name] = column
    frame.attrs["date"] = date
    return frame
