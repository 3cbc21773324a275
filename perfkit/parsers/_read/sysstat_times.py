"""Times of a sysstat report's rows: the banner's date plus each row's time of day, rolling
over midnight from the run's start (its first header), with ``LINUX RESTART`` runs dated
by their own banners.

>>> time_width(["00:15:31", "CPU"])
1
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ...errors import ParseError, warn
from .sysstat_engine import _LEARN
from .times import AM_PM, clock_fields, combine, is_time, of_day, times_of_day

if TYPE_CHECKING:  # pragma: no cover
    from .sysstat_lines import _Scanner


_EPOCH = re.compile(r"^\d{9,11}$")


def time_width(tokens: Sequence[str]) -> int:
    """How many leading tokens make the time: 0 (none), 1, or 2 (``12:15:33 AM``)."""
    if not tokens:
        return 0
    if is_time(tokens[0]):
        return 2 if len(tokens) > 1 and tokens[1] in AM_PM else 1
    if _EPOCH.match(tokens[0]):
        return 1
    return 0


def _lines_after(text: str, offset: int, most: int) -> Iterator[str]:
    """Up to ``most`` lines of ``text`` after the line at ``offset``, without copying the
    rest of a large text."""
    start = text.find("\n", offset) + 1
    for _ in range(most):
        if not start or start >= len(text):
            return
        end = text.find("\n", start)
        yield text[start: end if end >= 0 else len(text)]
        start = end + 1


def _first_time_of_day(text: str, offset: int, lines: int = 20) -> int | None:
    """Seconds since midnight of the time a run after ``offset`` (a banner) starts, the
    banner's date being that day's: its first header's time, or, for pidstat -h (whose
    ``# Time`` header has none), its first row's time less one interval. None when the
    next ``lines`` lines hold no time of day (or stamps are epochs).

    >>> _first_time_of_day("Linux (h) 11/24/26\\n\\n11:55:00 PM  CPU %usr\\n", 0)
    86100
    >>> _first_time_of_day("Linux\\n\\n# Time  PID\\n00:00:00  4\\n00:00:01  4\\n", 0)
    86399
    """
    found: list[int] = []
    under_hash = False
    for number, line in enumerate(_lines_after(text, offset, 4 * _LEARN)):
        tokens = line.split(None, 2)
        if not found and tokens[:1] and tokens[0].startswith("#"):
            under_hash = True
        width = time_width(tokens)
        if not (width and is_time(tokens[0])):
            if not found and number >= lines:
                return None
            continue
        try:
            seconds = int(times_of_day(pd.Series(tokens[:1]),
                                       pd.Series(tokens[1:2]) if width == 2 else None)[0])
        except ValueError:
            return None
        if not under_hash:
            return seconds
        if found and seconds != found[0]:
            step = (seconds - found[0]) % 86400
            return (found[0] - step) % 86400 if step < 43200 else found[0]
        found.append(seconds)
    return found[0] if found else None


def _times(frame: pd.DataFrame, segments: np.ndarray, dates: list, tool: str,
           scanner: _Scanner, starts: np.ndarray, day_starts: list[int | None]) -> pd.Series:
    """Each row's time: its printed time of day on its banner's date (``day_starts``:
    the time of day each banner's date belongs to, see :func:`_first_time_of_day`)."""
    stamps = frame["__time"]
    if stamps.empty:
        return pd.Series(pd.to_datetime([]), dtype="datetime64[ns]")
    if isinstance(stamps.dtype, pd.CategoricalDtype):  # read so (see frame_if_clean)
        codes, found = stamps.cat.codes.to_numpy(), stamps.cat.categories
    else:
        codes, found = pd.factorize(stamps)
    # as a plain list at once: iterating a pandas Index value by value is slow (day-long runs
    # print tens of thousands of distinct times)
    uniques = [str(value) for value in np.asarray(found, dtype=object).tolist()]
    if _EPOCH.match(uniques[codes[0]]):
        seconds = pd.to_numeric(pd.Series(uniques), errors="coerce").to_numpy()[codes]
        if np.isnan(seconds).any():
            row = int(np.flatnonzero(np.isnan(seconds))[0])
            raise ParseError("not a time stamp", line=scanner.line_number(int(starts[row])),
                             text=uniques[codes[row]], tool=tool)
        return pd.Series(pd.to_datetime(seconds, unit="s"), dtype="datetime64[ns]")
    clean = clock_fields(uniques) is not None  # all HH:MM:SS: no need to check each
    odd = [] if clean else [index for index, value in enumerate(uniques) if not is_time(value)]
    if odd:
        # a category may be left from a row dropped as bad (a truncated time): only the
        # values of rows that were kept count
        used = np.bincount(codes[codes >= 0], minlength=len(uniques)) > 0
        bad = [index for index in odd if used[index]]
        if bad:
            row = int(np.flatnonzero(codes == bad[0])[0])
            raise ParseError("not a time of day", line=scanner.line_number(int(starts[row])),
                             text=uniques[bad[0]], tool=tool)
        for index in odd:
            uniques[index] = "00:00:00"
    uniques = pd.Series(uniques, dtype=object)
    per_row = times_of_day(uniques)[codes]
    if "__ampm" in frame:
        marks = frame["__ampm"].to_numpy(dtype=object)
        known = np.isin(marks, list(AM_PM))
        if not known.all():
            row = int(np.flatnonzero(~known)[0])
            raise ParseError("expected AM or PM", line=scanner.line_number(int(starts[row])),
                             text=str(marks[row]), tool=tool)
        pm = np.isin(marks, ["PM", "pm", "p.m."])
        hours = per_row // 3600
        per_row = per_row - hours * 3600 + (hours % 12 + 12 * pm) * 3600
    if len(dates) <= 1 or all(date is None for date in dates):
        return _dated(dates[0] if dates else None, per_row,
                      day_starts[0] if day_starts else None)
    # several runs, some dated: a run without a date gets NaT (never a made-up day)
    result = np.full(len(per_row), np.datetime64("NaT"), dtype="datetime64[ns]")
    for segment in np.unique(segments):  # one per banner (dates and day_starts alike)
        mask = segments == segment
        known = 0 <= segment < len(dates) and dates[segment] is not None
        if not known:
            row = int(np.flatnonzero(mask)[0])
            warn("rows of a run whose date is not known: their time is NaT",
                 line=scanner.line_number(int(starts[row])), tool=tool)
            continue
        result[mask] = combine(dates[segment], per_row[mask], day_starts[segment]).to_numpy()
    return pd.Series(result)


def _dated(date: pd.Timestamp | None, seconds: np.ndarray, start: int | None) -> pd.Series:
    """Times of day on ``date``; without a date, the times of day as ``timedelta64``."""
    return of_day(seconds, start) if date is None else combine(date, seconds, start)


def _restart_times(restarts: list, dates: list, day_starts: list[int | None]) -> pd.Series:
    if not restarts:
        return pd.Series([], dtype="datetime64[ns]")
    stamps = pd.Series([time for _, time, _, _ in restarts])
    ampm = [a for _, _, a, _ in restarts]
    seconds = times_of_day(stamps, pd.Series(ampm) if all(ampm) else None)
    return _dated(dates[0] if dates else None, seconds, day_starts[0] if day_starts else None)
