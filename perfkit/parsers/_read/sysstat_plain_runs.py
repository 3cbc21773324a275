"""Many sysstat runs joined in one text (``mpstat -P ALL 1 1 >> log`` from cron every
minute), read together when every run is laid out plainly: the numpy reader of
:mod:`.sysstat_plain` finds each run's blocks, and each table's rows, from all the runs,
are read in one go, each row dated by its own run's banner.

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
from collections.abc import Callable, Collection
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from .banner import is_banner, parse_banner
from .sysstat import _Options, _report_facts, read_tidy_report
from .sysstat_averages import AVERAGE_WORDS
from .sysstat_columns import read_columns
from .sysstat_lines import Columns, Report
from .sysstat_plain import _MOST_AVERAGE_LINES, _TIME_SHAPE, _blocks, _seconds, _table_keys
from .sysstat_runs import run_starts
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
class _Run:
    """One run's plain layout: its rows (offsets in the whole text), each row's table (an
    index into the report's tables), its rows' times of day, and its averages' text."""

    starts: np.ndarray
    ends: np.ndarray
    table: np.ndarray
    seconds: np.ndarray
    averages: str


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
    data = text.encode("ascii")
    options = _Options(tool, text_columns, rest_column, False, dayfirst, header_columns,
                       given_date(date))
    order: list[Columns] = []
    runs: list[_Run] = []
    banners: list[tuple[int, dict[str, Any]]] = []
    bounds = list(itertools.pairwise([0, *starts, len(data)]))
    for low, high in bounds:
        read = _run_layout(data, low, high, header_columns, order)
        if read is None:
            return None
        run, banner = read
        runs.append(run)
        banners.append((low, banner))
    averages = _averages(text, data, bounds[0], runs, options)
    if averages is None or not averages.labels <= set(AVERAGE_WORDS):
        return None
    scanner = SimpleNamespace(banners=banners, average_labels=averages.labels,
                              twelve_hour=False)
    facts, dates, day_starts, _ = _report_facts(scanner, text, ".", options)  # type: ignore[arg-type]
    if any(day is None for day in dates) or len(dates) != len(runs):
        return None  # a banner date that does not read: run by run, each run says so
    facts["average_label"] = AVERAGE_WORDS[0] if runs[0].averages else None
    tables: dict[Columns, pd.DataFrame] = {}
    run_of_row: dict[Columns, np.ndarray] = {}
    for index, columns in enumerate(order):
        row_starts, row_ends, seconds, run_of = _gather(runs, index)
        frame = read_columns(data, row_starts + len(_TIME_SHAPE), row_ends, list(columns),
                             text_columns)
        del row_starts, row_ends
        if frame is None:
            return None
        frame.insert(0, "time", _times(seconds, run_of, dates, day_starts))
        frame.attrs = dict(facts)
        tables[columns] = frame
        run_of_row[columns] = run_of
    for frame in averages.averages.values():
        frame.attrs = dict(facts)
    restarts = pd.DataFrame({"time": pd.Series([], dtype="datetime64[ns]"), "cpus": []})
    report = Report(facts, tables, averages.averages, restarts, order, set(averages.labels))
    return PlainRuns(report, run_of_row, bounds)


def _run_layout(data: bytes, low: int, high: int,
                header_columns: Callable[[list[str]], Columns | None] | None,
                order: list[Columns]) -> tuple[_Run, dict[str, Any]] | None:
    """The plain layout of the run ``data[low:high]`` and its banner's facts, its tables
    added to ``order``; None when the run is not plain."""
    part = data[low:high]
    blocks = _blocks(part)
    if blocks is None:
        return None
    banner = part[:blocks.banner_end].decode("ascii")
    if not is_banner(banner):
        return None
    keys = _table_keys(part, blocks, header_columns)
    if keys is None:
        return None
    columns_of, head_table = keys
    tail = part[blocks.averages_at:]
    if tail.count(b"\n") > _MOST_AVERAGE_LINES:
        return None
    for line in tail.split(b"\n"):
        if line[:1].isdigit() or line[:1] == b"#" or is_banner(line.decode("ascii")):
            return None  # more samples after the averages
    for columns in columns_of:
        if columns not in order:
            order.append(columns)
    to_order = np.array([order.index(columns) for columns in columns_of], dtype=np.int64)
    head = blocks.averages_head
    averages = (head.decode("ascii") + "\n" if head else "") + tail.decode("ascii") \
        if tail else ""
    run = _Run(starts=blocks.row_starts + low, ends=blocks.row_ends + low,
               table=to_order[head_table[blocks.row_block]],
               seconds=_seconds(part, blocks.row_starts), averages=averages)
    return run, parse_banner(banner)


def _gather(runs: list[_Run], table: int) -> tuple[np.ndarray, ...]:
    """The rows of ``table`` in every run, in the text's order: their starts, ends, times of
    day, and each row's run."""
    mine = [run.table == table for run in runs]
    return (np.concatenate([run.starts[rows] for run, rows in zip(runs, mine, strict=True)]),
            np.concatenate([run.ends[rows] for run, rows in zip(runs, mine, strict=True)]),
            np.concatenate([run.seconds[rows] for run, rows in zip(runs, mine, strict=True)]),
            np.concatenate([np.full(int(rows.sum()), number, dtype=np.int64)
                            for number, rows in enumerate(mine)]))


def _averages(text: str, data: bytes, first: tuple[int, int], runs: list[_Run],
              options: _Options) -> Report | None:
    """Every run's ``Average:`` rows, in the runs' order, read by the careful reader in
    one text (under the first run's banner); None when it finds anything odd."""
    parts = [run.averages for run in runs if run.averages]
    if not parts:
        return Report({}, {}, {}, pd.DataFrame(), [], set())
    banner_end = data.find(b"\n", first[0])
    mini = text[:banner_end] + "\n\n" + "\n".join(parts)
    report = read_tidy_report(mini, tool=options.tool, text_columns=options.text_columns,
                              rest_column=options.rest_column, dayfirst=options.dayfirst,
                              header_columns=options.header_columns, date=options.date)
    if report is None or len(report.restarts) or any(
            len(frame) for frame in report.tables.values()):
        return None
    return report


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
