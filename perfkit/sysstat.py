"""The shared reader for sysstat's time-stamped text reports (mpstat, pidstat, sar).

These tools print a banner, then blocks separated by blank lines. Each block starts with a
header (a time, then the column names) followed by rows that start with a time; at the end
come blocks of ``Average:`` rows (translated: ``Moyenne :``, ``Durchschn.:``, ``平均値:``)::

    Linux 6.18.44 (host) \t11/25/26 \t_x86_64_\t(2 CPU)

    00:15:30     CPU    %usr   %nice    %sys %iowait    %irq   %soft  %steal  %guest  %gnice   %idle
    00:15:31     all   42.42    0.00    7.58    0.00    0.00    0.00    0.00    0.00    0.00   50.00
    Average:     all   42.42    0.00    7.58    0.00    0.00    0.00    0.00    0.00    0.00   50.00

:func:`read_report` recognises every line (banner, header, row, average, ``LINUX RESTART``,
blank) and groups rows by their header's columns. Each group becomes one DataFrame in one
``pandas.read_csv`` call, with a ``time`` column of ``datetime64`` (banner date plus time of
day, rolling over midnight) and the columns named as printed. A line that fits nowhere
raises :class:`~perfkit.errors.ParseError` in strict mode and warns otherwise.

>>> text = '''Linux 6.1.0 (h) \\t25.11.2026 \\t_x86_64_\\t(2 CPU)
...
... 00:15:31     CPU    %usr   %idle
... 00:15:32     all   42,00   51,00
... Durchschn.:  all   42,00   51,00
... '''
>>> report = read_report(text, tool="mpstat", text_columns={"CPU"})
>>> table = report.tables[("CPU", "%usr", "%idle")]
>>> str(table["time"].iloc[0]), table["%usr"].iloc[0]
('2026-11-25 00:15:32', np.float64(42.0))
>>> report.averages[("CPU", "%usr", "%idle")]["%idle"].iloc[0]
np.float64(51.0)
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .banner import is_banner, parse_banner
from .errors import ParseError, ParseWarning
from .numeric import detect_decimal
from .tabular import frame_from_lines
from .times import AM_PM, combine, guess_dayfirst, is_time, parse_date, times_of_day

Columns = tuple[str, ...]
_BLOCKS = re.compile(r"\n[ \t]*\n")
_EPOCH = re.compile(r"^\d{9,11}$")
_NOT_A_ROW = re.compile(r"(?m)^(?![ \t]*\d)")
#: Words sysstat prints instead of ``Average:`` in some locales (any label ending in ``:``
#: that is not a time is accepted; these are only used to tell a translated output).
AVERAGE_WORDS = ("Average:",)


@dataclass
class _Group:
    lines: list[str] = field(default_factory=list)
    numbers: list[np.ndarray] = field(default_factory=list)
    segments: list[int] = field(default_factory=list)  # banner segment of each row
    prefix: int = 1  # tokens before the columns: 1 (time/epoch) or 2 (time AM/PM)


@dataclass
class Report:
    """What :func:`read_report` found: tables and averages keyed by their column names."""

    attrs: dict[str, Any]
    tables: dict[Columns, pd.DataFrame]
    averages: dict[Columns, pd.DataFrame]
    restarts: pd.DataFrame
    order: list[Columns]


def read_report(text: str, *, tool: str, text_columns: Collection[str] = (),
                rest_column: str | None = None, strict: bool = False,
                dayfirst: bool | None = None,
                header_columns: Callable[[list[str]], Columns | None] | None = None,
                ) -> Report:
    """Split a sysstat text report into typed tables (see the module docstring).

    Args:
        text_columns: columns kept as text (``CPU``, ``Command``, ``IFACE``...).
        rest_column: a last column that may contain spaces (pidstat's ``Command``).
        header_columns: for a header line's tokens, the column names, or ``None`` when the
            line is not a header; the default takes the tokens after the time (and AM/PM).
    """
    lines_all = text.split("\n")
    last_line = _last_nonblank(lines_all)
    first = next((i for i, line in enumerate(lines_all) if line.strip()), None)
    if first is None:
        raise ParseError("empty input", line=1, tool=tool)
    if not is_banner(lines_all[first]):
        raise ParseError("expected a sysstat banner such as 'Linux 6.1.0 (host) 11/24/26 "
                         "_x86_64_ (2 CPU)'", line=first + 1, text=lines_all[first], tool=tool)
    banners: list[dict[str, Any]] = []
    groups: dict[Columns, _Group] = {}
    avg_groups: dict[Columns, _Group] = {}
    order: list[Columns] = []
    restarts: list[tuple[int, str, str | None, int]] = []
    average_labels: set[str] = set()
    twelve_hour = False

    def bad_line(number: int, line: str, why: str) -> None:
        if number == last_line:
            warnings.warn(f"{tool}: line {number}: the last line is truncated and was "
                          f"dropped: {line!r}", ParseWarning, stacklevel=3)
            return
        if strict:
            raise ParseError(why, line=number, text=line, tool=tool)
        warnings.warn(f"{tool}: line {number}: {why}; line skipped: {line!r}", ParseWarning,
                      stacklevel=3)

    def add_average(columns: Columns, number: int, line: str) -> None:
        tokens = line.split()
        width = _label_width(tokens)
        if not width:
            bad_line(number, line, "expected a sample row (starting with a time) or an "
                     "average row (starting with a label such as 'Average:')")
            return
        average_labels.add(" ".join(tokens[:width]))
        group = avg_groups.setdefault(columns, _Group(prefix=0))
        group.lines.append(line.split(None, width)[width] if len(tokens) > width else "")
        group.numbers.append(np.array([number]))
        group.segments.append(len(banners) - 1)

    start = 0
    for block in _BLOCKS.split(text):
        block_start = start + 1  # 1-based number of the block's first line
        start += block.count("\n") + 2
        lines = block.split("\n")
        while lines and not lines[-1].strip():
            lines.pop()
        # leading blank lines of the text, or of a block after several blank lines
        while lines and not lines[0].strip():
            lines.pop(0)
            block_start += 1
        if not lines:
            continue
        index = 0
        while index < len(lines):
            line = lines[index]
            if is_banner(line):
                banners.append(parse_banner(line))
                index += 1
                continue
            break
        lines = lines[index:]
        block_start += index
        if not lines:
            continue
        header = lines[0]
        tokens = header.split()
        if not tokens:
            continue
        if "RESTART" in tokens and is_time(tokens[0]):
            # sar: "00:00:01     LINUX RESTART\t(2 CPU)"; possibly followed by a header
            ampm = tokens[1] if len(tokens) > 1 and tokens[1] in AM_PM else None
            cpus = re.search(r"\((\d+) CPU\)", header)
            restarts.append((block_start, tokens[0], ampm, int(cpus.group(1)) if cpus else 0))
            twelve_hour |= ampm is not None
            lines = lines[1:]
            block_start += 1
            if not lines:
                continue
            header = lines[0]
            tokens = header.split()
        prefix = _time_prefix(tokens)
        label_width = _label_width(tokens)
        if prefix:
            columns = (header_columns(tokens) if header_columns
                       else tuple(tokens[prefix:]))
            twelve_hour |= prefix == 2 and tokens[1] in AM_PM
        elif tokens[0].startswith("#"):
            # pidstat -h: "#      Time   UID   PID  %usr ..." (the time lives on each row)
            columns = header_columns(tokens) if header_columns else tuple(tokens[2:])
            prefix = _time_prefix(lines[1].split()) if len(lines) > 1 else 1
            twelve_hour |= prefix == 2
        elif label_width:
            # an average block: "Average:  CPU  %usr ..." then "Average:  all  1.00 ..."
            columns = tuple(tokens[label_width:])
            columns = _match_columns(columns, order) or columns
            prefix = 0
        else:
            columns = ()
        if not columns:
            for offset, line in enumerate(lines):
                bad_line(block_start + offset, line, "a line that is neither a header, a "
                         "row nor an average")
            continue
        rows = lines[1:]
        if prefix:
            group = groups.get(columns)
            if group is None:
                group = groups[columns] = _Group(prefix=prefix)
                order.append(columns)
            if _NOT_A_ROW.search("\n".join(rows)):
                rows_kept = []
                for offset, line in enumerate(rows, start=block_start + 1):
                    if line.lstrip()[:1].isdigit():
                        rows_kept.append((offset, line))
                    else:
                        add_average(columns, offset, line)
                group.lines.extend(line for _, line in rows_kept)
                group.numbers.append(np.array([n for n, _ in rows_kept], dtype="int64"))
                group.segments.extend([len(banners) - 1] * len(rows_kept))
            else:
                group.lines.extend(rows)
                group.numbers.append(np.arange(block_start + 1, block_start + 1 + len(rows)))
                group.segments.extend([len(banners) - 1] * len(rows))
        else:
            for offset, line in enumerate(rows, start=block_start + 1):
                add_average(columns, offset, line)

    sample_lines = [line for group in groups.values() for line in group.lines[:50]]
    decimal = detect_decimal(sample_lines)
    facts = dict(banners[0]) if banners else {}
    translated = bool(average_labels - set(AVERAGE_WORDS))
    if dayfirst is None and banners:
        dayfirst = guess_dayfirst(decimal=decimal, twelve_hour=twelve_hour,
                                  translated=translated, date_text=banners[0]["date_text"])
    dates = []
    for banner in banners:
        try:
            dates.append(parse_date(banner["date_text"], dayfirst=dayfirst))
        except ValueError:
            dates.append(None)
    facts.update({"tool": tool, "date": dates[0] if dates else None, "decimal": decimal,
                  "twelve_hour_clock": twelve_hour,
                  "average_label": sorted(average_labels)[0] if average_labels else None})

    tables: dict[Columns, pd.DataFrame] = {}
    for columns in order:
        group = groups[columns]
        numbers = (np.concatenate(group.numbers) if group.numbers
                   else np.zeros(0, dtype="int64"))
        stamp = ["__time", "__ampm"][:group.prefix]
        frame = frame_from_lines(group.lines, numbers, [*stamp, *columns],
                                 text_columns={*text_columns, *stamp}, decimal=decimal,
                                 tool=tool, strict=strict, last_line=last_line,
                                 rest_column=rest_column)
        kept = frame.index.to_numpy()
        frame = frame.reset_index(drop=True)
        segments = np.asarray(group.segments, dtype="int64")[kept]
        frame.insert(0, "time", _times(frame, segments, dates, tool, numbers[kept]))
        frame = frame.drop(columns=stamp)
        frame.attrs = dict(facts)
        tables[columns] = frame
    averages: dict[Columns, pd.DataFrame] = {}
    for columns, group in avg_groups.items():
        numbers = (np.concatenate(group.numbers) if group.numbers
                   else np.zeros(0, dtype="int64"))
        frame = frame_from_lines(group.lines, numbers, list(columns),
                                 text_columns=text_columns, decimal=decimal, tool=tool,
                                 strict=strict, last_line=last_line, rest_column=rest_column)
        frame = frame.reset_index(drop=True)
        frame.attrs = dict(facts)
        averages[columns] = frame
    restart_frame = pd.DataFrame(
        {"time": _restart_times(restarts, dates),
         "cpus": [cpus for *_, cpus in restarts]})
    return Report(facts, tables, averages, restart_frame, order)


def _last_nonblank(lines: list[str]) -> int:
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].strip():
            return index + 1
    return 0


def _time_prefix(tokens: list[str]) -> int:
    """How many leading tokens make the time: 0 (none), 1, or 2 (``12:15:33 AM``)."""
    if not tokens:
        return 0
    if is_time(tokens[0]):
        return 2 if len(tokens) > 1 and tokens[1] in AM_PM else 1
    if _EPOCH.match(tokens[0]):
        return 1
    return 0


def _label_width(tokens: list[str]) -> int:
    """Tokens making an average label (``Average:``, ``Moyenne :``, ``平均値:``), or 0."""
    for index, token in enumerate(tokens[:3]):
        if token.endswith(":") and not is_time(token.rstrip(":")):
            return index + 1
        if token[:1].isdigit():
            return 0
    return 0


def _match_columns(columns: Columns, order: list[Columns]) -> Columns | None:
    """The known table whose columns end the average header (labels may eat a token)."""
    for known in order:
        if known == columns:
            return known
    return None


def _times(frame: pd.DataFrame, segments: np.ndarray, dates: list, tool: str,
           numbers: np.ndarray) -> pd.Series:
    stamps = frame["__time"].astype(str)
    if stamps.empty:
        return pd.Series(pd.to_datetime([]), dtype="datetime64[ns]")
    if _EPOCH.match(stamps.iloc[0]):
        return pd.to_datetime(pd.to_numeric(stamps), unit="s").astype("datetime64[ns]")
    codes, uniques = pd.factorize(stamps)
    ampm = None
    if "__ampm" in frame:
        codes, uniques = pd.factorize(stamps + " " + frame["__ampm"].astype(str))
        parts = pd.Series(uniques).str.split(" ", n=1, expand=True)
        try:
            seconds = times_of_day(parts[0], parts[1])
        except ValueError as exc:
            raise ParseError(str(exc), tool=tool, line=int(numbers[0])) from exc
    else:
        try:
            seconds = times_of_day(pd.Series(uniques))
        except ValueError as exc:
            bad = next(i for i, u in enumerate(uniques) if not is_time(u))
            row = int(np.flatnonzero(codes == bad)[0])
            raise ParseError(str(exc), tool=tool, line=int(numbers[row]),
                             text=str(uniques[bad])) from exc
    per_row = seconds[codes]
    result = pd.Series(np.empty(len(per_row), dtype="datetime64[ns]"))
    for segment in np.unique(segments):
        mask = segments == segment
        date = dates[segment] if 0 <= segment < len(dates) else None
        result[mask] = combine(date, per_row[mask]).to_numpy()
    del ampm
    return result


def _restart_times(restarts: list, dates: list) -> pd.Series:
    if not restarts:
        return pd.Series([], dtype="datetime64[ns]")
    stamps = pd.Series([time for _, time, _, _ in restarts])
    ampm = [a for _, _, a, _ in restarts]
    seconds = times_of_day(stamps, pd.Series(ampm) if all(ampm) else None)
    return combine(dates[0] if dates else None, seconds)
