"""Many sysstat runs joined in one text (``mpstat -P ALL 1 1 >> log`` from cron every
minute), read together when every run is laid out plainly: the blocks of every run are
found in the same few numpy passes over the whole text as :mod:`.sysstat_plain` makes over
one run, and each table's rows, from all the runs, are read in one go, each row dated by
its own run's banner.

It gives exactly what reading each run on its own and joining the runs gives
(:func:`~.sysstat_runs.read_runs`), at a small cost per run rather than a whole parse per run;
or None for any text where a run is not plain, or the runs are not alike (a translated
average label, a banner date that does not read): the caller then reads run by run.

>>> run = ("Linux 6.1.0 (h) \\t11/25/26 \\t_x86_64_\\t(2 CPU)\\n\\n"
...        "23:59:59     CPU    %usr   %idle\\n00:00:00     all   42.00   51.00\\n"
...        "Average:     all   42.00   51.00\\n")
>>> text = run + "\\n" + run.replace("11/25/26", "11/27/26")
>>> runs = plain_runs(text, run_starts(text), tool="mpstat", text_columns={"CPU"})
>>> frame = runs.report.tables[("CPU", "%usr", "%idle")]
>>> [str(time) for time in frame["time"]], runs.run_of_row[("CPU", "%usr", "%idle")].tolist()
(['2026-11-26 00:00:00', '2026-11-28 00:00:00'], [0, 1])
>>> runs.report.averages[("CPU", "%usr", "%idle")]["%usr"].tolist()
[42.0, 42.0]
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable, Collection
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from .banner import is_banner, parse_banner
from .sysstat import _Options, _report_facts
from .sysstat_averages import AVERAGE_WORDS
from .sysstat_columns import read_columns
from .sysstat_engine import _newline_offsets
from .sysstat_lines import Columns, Report
from .sysstat_plain import _TIME_SHAPE, _seconds, _table_keys, _timed_alike, averages_only
from .sysstat_runs import run_starts
from .sysstat_times import _first_time_of_day
from .times import given_date

__all__ = ["PlainRuns", "plain_runs", "run_starts"]

#: Seconds the clock goes back by at midnight (as :func:`~.times.combine` rolls over).
_HALF_DAY = 43200


@dataclass
class PlainRuns:
    """The runs read together: one :class:`~.sysstat_lines.Report` of all their rows (in
    the text's order), each table's run of every row (0 for the first run), and where each
    run starts and ends in the text."""

    report: Report
    run_of_row: dict[Columns, np.ndarray]
    bounds: list[tuple[int, int]]


@dataclass
class _Layout:
    """Every run's plain layout: the rows (start, end, table: an index into ``order``, time
    of day, run), each run's first header's time of day (None for a ``#`` header), and each
    run's averages' text ("" for a run without)."""

    row_starts: np.ndarray
    row_ends: np.ndarray
    row_table: np.ndarray
    row_seconds: np.ndarray
    row_run: np.ndarray
    order: list[Columns]
    first_times: list[int | None]
    averages: list[str]


def plain_runs(text: str, starts: list[int], *, tool: str,
               text_columns: Collection[str] = (),
               header_columns: Callable[[list[str]], Columns | None] | None = None,
               rest_column: str | None = None, dayfirst: bool | None = None,
               date: object = None, **_careful: Any) -> PlainRuns | None:
    """The runs of ``text`` (the first at 0, the others at ``starts``:
    :func:`~.sysstat_runs.run_starts`) read together, as :func:`~.sysstat.read_report`
    with the same arguments reads each; None unless every run is plain and the runs are
    alike (see the module docstring)."""
    if not text.endswith("\n") or not text.isascii():
        return None
    if not is_banner(text[:text.find("\n")]):
        return None
    data = text.encode("ascii")
    options = _Options(tool, text_columns, rest_column, False, dayfirst, header_columns,
                       given_date(date))
    layout = _layout(data, [0, *starts], header_columns)
    if layout is None:
        return None
    averages = _averages(text, layout.averages, options)
    if averages is None or not averages.labels <= set(AVERAGE_WORDS):
        return None
    facts, dates = _dates(text, [0, *starts], layout, averages.labels, options)
    if any(day is None for day in dates):
        return None  # a banner date that does not read: run by run, each run says so
    facts["average_label"] = AVERAGE_WORDS[0] if layout.averages[0] else None
    day_starts = [first if first is not None else _first_time_of_day(text, banner)
                  for first, banner in zip(layout.first_times, [0, *starts], strict=True)]
    tables: dict[Columns, pd.DataFrame] = {}
    run_of_row: dict[Columns, np.ndarray] = {}
    for index, columns in enumerate(layout.order):
        mine = layout.row_table == index
        frame = read_columns(data, layout.row_starts[mine] + len(_TIME_SHAPE),
                             layout.row_ends[mine], list(columns), text_columns)
        if frame is None:
            return None
        run_of = layout.row_run[mine]
        frame.insert(0, "time", _times(layout.row_seconds[mine], run_of, dates, day_starts))
        frame.attrs = dict(facts)
        tables[columns] = frame
        run_of_row[columns] = run_of
    for frame in averages.averages.values():
        frame.attrs = dict(facts)
    restarts = pd.DataFrame({"time": pd.Series([], dtype="datetime64[ns]"), "cpus": []})
    report = Report(facts, tables, averages.averages, restarts, layout.order,
                    set(averages.labels))
    bounds = list(itertools.pairwise([0, *starts, len(text)]))
    return PlainRuns(report, run_of_row, bounds)


def _layout(data: bytes, banners: list[int], header_columns: Callable[[list[str]],
            Columns | None] | None) -> _Layout | None:
    """Every run's plain layout (``banners``: where each run's banner starts), in a few
    numpy passes over all the text; None when a run is not laid out plainly (as
    :func:`~.sysstat_plain._blocks` judges one run: a banner then a blank line, blocks of
    a header and its rows, the ``Average:`` rows at the end; no tab in the rows, no comma,
    no blank at a line's end)."""
    codes = np.frombuffer(data, dtype=np.uint8)
    ends = _newline_offsets(data)
    count = len(ends)
    starts = np.empty_like(ends)
    starts[0] = 0
    np.add(ends[:-1], 1, out=starts[1:])
    banner_lines = np.searchsorted(starts, banners)
    if (banner_lines >= count).any() or (starts[banner_lines] != banners).any() or \
            (banner_lines + 1 >= count).any():
        return None
    empty = ends == starts
    if empty[banner_lines].any() or not empty[banner_lines + 1].all():
        return None  # each banner on a line of its own, then a blank line
    filled = ~empty
    if np.isin(codes[ends[filled] - 1], (32, 9)).any():
        return None  # a line of blanks, or a line ending in one
    firsts = codes[starts]
    sample = filled & (((firsts >= 48) & (firsts <= 57)) | (firsts == 35))
    del firsts
    sample[banner_lines] = False
    line_run = np.zeros(count, dtype=np.int64)
    line_run[banner_lines[1:]] = 1
    np.cumsum(line_run, out=line_run)
    run_end = np.r_[banner_lines[1:], count]
    odd = filled & ~sample
    odd[banner_lines] = False
    odd_lines = np.flatnonzero(odd)
    del odd
    # each run's first line that is not a sample: where its averages start
    first_odd = np.searchsorted(odd_lines, banner_lines)
    last = np.where(first_odd < len(odd_lines),
                    odd_lines[np.minimum(first_odd, max(len(odd_lines) - 1, 0))]
                    if len(odd_lines) else count, count)
    last = np.minimum(last, run_end)
    in_body = np.arange(count) < last[line_run]
    if (sample & ~in_body).any():
        return None  # a sample line after a run's averages
    if not _only_in(codes, starts, (9,), in_body & ~_at(banner_lines, count), outside=True) \
            or not _only_in(codes, starts, (44,), _at(banner_lines, count)):
        return None  # a tab in a run's rows, or a comma anywhere but in a banner
    heads = sample.copy()
    heads[1:] &= empty[:-1]
    rows = sample & ~heads
    head_lines, row_lines = np.flatnonzero(heads), np.flatnonzero(rows)
    del heads, rows, sample, in_body
    runs = len(banners)
    if (np.bincount(line_run[head_lines], minlength=runs) == 0).any() or \
            (np.bincount(line_run[row_lines], minlength=runs) == 0).any():
        return None  # a run without a header or without rows
    row_starts, row_ends = starts[row_lines], ends[row_lines]
    if int((row_ends - row_starts).min()) <= len(_TIME_SHAPE) or \
            not _timed_alike(data, row_starts):
        return None
    row_block = np.searchsorted(head_lines, row_lines, side="right") - 1
    if (np.bincount(row_block, minlength=len(head_lines)) == 0).any():
        return None  # a header without rows
    blocks = SimpleNamespace(head_starts=starts[head_lines], head_ends=ends[head_lines])
    keys = _table_keys(data, blocks, header_columns)  # type: ignore[arg-type]
    if keys is None:
        return None
    order, head_table = keys
    run_heads = np.searchsorted(head_lines, banner_lines)  # each run's first header
    timed = codes[starts[head_lines[run_heads]]] != ord("#")
    first_seconds = _seconds(data, starts[head_lines[run_heads]][timed])
    first_times: list[int | None] = [None] * runs
    for run, seconds in zip(np.flatnonzero(timed).tolist(), first_seconds.tolist(),
                            strict=True):
        first_times[run] = seconds
    averages = _averages_texts(data, starts, ends, empty, head_lines, last, run_end)
    return _Layout(row_starts=row_starts, row_ends=row_ends,
                   row_table=head_table[row_block], row_seconds=_seconds(data, row_starts),
                   row_run=line_run[row_lines], order=order, first_times=first_times,
                   averages=averages)


def _at(lines: np.ndarray, count: int) -> np.ndarray:
    """A mask of ``count`` lines, True at ``lines``."""
    mask = np.zeros(count, dtype=bool)
    mask[lines] = True
    return mask


def _only_in(codes: np.ndarray, starts: np.ndarray, values: tuple[int, ...],
             lines: np.ndarray, *, outside: bool = False) -> bool:
    """Whether every byte of ``values`` is on a line where ``lines`` is True (with
    ``outside``: where it is False)."""
    found = np.flatnonzero(np.isin(codes, values))
    if not len(found):
        return True
    on = lines[np.searchsorted(starts, found, side="right") - 1]
    return not on.any() if outside else bool(on.all())


def _averages_texts(data: bytes, starts: np.ndarray, ends: np.ndarray, empty: np.ndarray,
                    head_lines: np.ndarray, last: np.ndarray, run_end: np.ndarray
                    ) -> list[str]:
    """Each run's averages (its lines from ``last`` to its end), after the header of the
    block the first of them comes under when no blank line comes before it; "" for a run
    without."""
    texts = []
    for first, end in zip(last.tolist(), run_end.tolist(), strict=True):
        if first >= end:
            texts.append("")
            continue
        tail = data[int(starts[first]):int(ends[end - 1]) + 1].decode("ascii")
        if empty[first - 1]:
            texts.append(tail)
            continue
        head = int(head_lines[int(np.searchsorted(head_lines, first - 1, side="right")) - 1])
        texts.append(data[int(starts[head]):int(ends[head]) + 1].decode("ascii") + tail)
    return texts


def _dates(text: str, banners: list[int], layout: _Layout, labels: set[str],
           options: _Options) -> tuple[dict[str, Any], list[pd.Timestamp | None]]:
    """The first banner's facts, and each run's date (each distinct banner read once)."""
    lines = [text[at:text.find("\n", at)] for at in banners]
    distinct = list(dict.fromkeys(lines))
    scanner = SimpleNamespace(banners=[(0, parse_banner(line)) for line in distinct],
                              average_labels=labels, twelve_hour=False)
    with warnings.catch_warnings(record=True):  # a date that does not read: run by run
        warnings.simplefilter("always")
        facts, dates, _, _ = _report_facts(scanner, text, ".", options,  # type: ignore[arg-type]
                                           day_starts=[None] * len(distinct))
    date_of = dict(zip(distinct, dates, strict=True))
    return facts, [date_of[line] for line in lines]


def _averages(text: str, parts: list[str], options: _Options) -> Report | None:
    """Every run's ``Average:`` rows, in the runs' order, read by the careful reader in
    one text (under the first run's banner); None when it finds anything odd."""
    parts = [part for part in parts if part]
    if not parts:
        return Report({}, {}, {}, pd.DataFrame(), [], set())
    mini = text[:text.find("\n")] + "\n\n" + "\n".join(parts)
    return averages_only(mini, options)


def _times(seconds: np.ndarray, run_of: np.ndarray, dates: list[pd.Timestamp | None],
           day_starts: list[int | None]) -> np.ndarray:
    """Each row's ``datetime64``: its run's date and its time of day, a day more each time
    the clock goes back by more than twelve hours within the run (and one more when the
    run's first row is already past midnight from its first header), as
    :func:`~.times.combine` dates the rows of one run."""
    if not len(seconds):
        return np.array([], dtype="datetime64[ns]")
    first_row = np.flatnonzero(np.r_[True, run_of[1:] != run_of[:-1]])
    back = np.r_[False, np.diff(seconds) < -_HALF_DAY]
    back[first_row] = False  # another run starts its own day count
    counted = np.cumsum(back)
    first_runs = run_of[first_row]
    start_wrap = np.array([
        0 if day_starts[run] is None else int(seconds[row] - day_starts[run] < -_HALF_DAY)
        for run, row in zip(first_runs.tolist(), first_row.tolist(), strict=True)], dtype=np.int64)
    segment = np.cumsum(np.r_[False, run_of[1:] != run_of[:-1]])  # each row's segment
    wraps = counted - counted[first_row][segment] + start_wrap[segment]
    bases = np.array([day.normalize().as_unit("ns").value  # type: ignore[union-attr]
                      for day in dates], dtype=np.int64)
    nanoseconds = (seconds + wraps * 86400) * 1_000_000_000 + bases[run_of]
    return nanoseconds.view("datetime64[ns]")
