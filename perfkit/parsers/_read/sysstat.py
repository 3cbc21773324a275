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

How it stays fast on a million lines: for ASCII text, newlines, blocks and the first line
that is not a sample row are found with numpy on the text's bytes. A block's table is found
from its header: one short slice and a dict lookup for the first blocks, then, since the
headers repeat with the report's period, a numpy check against the header the period
foretells. Each table's rows are squeezed by numpy as rows of a padded 2D array, with no
Python work per block. A report of one table (the commonest) is read in a single call with
its headers cut out (or, for pidstat -h's ``#`` headers, skipped by the reader as comments).
Only odd blocks are read line by line.

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
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...errors import ParseError, ParseWarning, own_tally, warn
from .banner import is_banner
from .numeric import detect_decimal
from .sysstat_averages import AVERAGE_WORDS, average_tables
from .sysstat_engine import (
    _ODD_NOT_KNOWN,
    _first_odd_line,
    _flatten,
    _newline_offsets,
    _read_tables,
    _Request,
    _single_rows,
)
from .sysstat_lines import (
    _ODD_LINE,
    _VISIBLE,
    _WHITE_BLANK,
    Columns,
    Report,
    _Scanner,
    _without_cut_last_row,
)
from .sysstat_runs import SeveralRuns, run_starts
from .sysstat_times import _first_time_of_day, _restart_times, _times, time_width
from .tabular import (
    frame_if_clean,
)
from .text import clean_text_and_bytes, without_host_prefix
from .times import given_date, guess_dayfirst, parse_date


def read_tidy_report(text: str, **options: Any) -> Report | None:
    """:func:`read_report` for a caller with a slower path for odd text: ``None`` instead
    of any :class:`~perfkit.errors.ParseWarning` or :class:`~perfkit.errors.ParseError`
    (the slower path then says what is wrong).

    >>> read_tidy_report("Linux 6.1.0 (h) 11/25/26 _x86_64_ (2 CPU)\\n\\n"
    ...                  "00:15:31 CPU %usr\\n00:15:32 all 42.00 junk\\n", tool="mpstat") is None
    True
    """
    with warnings.catch_warnings(record=True) as caught, own_tally():
        warnings.simplefilter("error", ParseWarning)  # the first one ends the reading
        try:
            report = read_report(text, **options)
        except (ParseError, ParseWarning):
            return None
    for other in caught:
        warnings.warn_explicit(other.message, other.category, other.filename, other.lineno)
    return report


@dataclass
class _Options:
    """How :func:`read_report` reads one report (its keyword arguments)."""

    tool: str
    text_columns: Collection[str]
    rest_column: str | None
    strict: bool
    dayfirst: bool | None
    header_columns: Callable[[list[str]], Columns | None] | None
    date: pd.Timestamp | None = None


@dataclass
class _Text:
    """The report's text made ready: its ASCII bytes and newline offsets when known, where
    its sample rows end (``tail``), whether a blank line holds spaces, and where its banner
    line starts."""

    text: str
    data: bytes | None
    newlines: np.ndarray | None
    tail: int | None
    indented: bool
    banner_at: int


def read_report(text: str, *, tool: str, text_columns: Collection[str] = (),
                rest_column: str | None = None, strict: bool = False,
                dayfirst: bool | None = None,
                header_columns: Callable[[list[str]], Columns | None] | None = None,
                encoded: list[bytes] | None = None, date: object = None,
                runs: bool = False) -> Report:
    """Split a sysstat text report into typed tables (see the module docstring).

    Args:
        text_columns: columns kept as text (``CPU``, ``Command``, ``IFACE``...).
        rest_column: a last column that may contain spaces (pidstat's ``Command``).
        header_columns: for a header line's tokens, the column names, or ``None`` when the
            line is not a header; the default takes the tokens after the time (and AM/PM).
        encoded: a list holding the text's bytes when it is ASCII and the caller has them
            (``clean_text_and_bytes``), to save encoding it again; read_report takes them
            out of the list and lets go of them once read.
        date: the date of a report that prints none (a fragment pasted without its
            banner), or whose banner date cannot be read. Without it, such a report's
            ``time`` is the time of day as ``timedelta64`` (:func:`.times.of_day`) and
            ``attrs["date"]`` is None: perfkit never makes a date up.
        runs: raise :class:`~.sysstat_runs.SeveralRuns` for a text that holds several runs
            (a banner after the first: two outputs joined), for a caller that reads each
            run on its own; the banners are looked for from the first line that is not a
            sample row on (the averages, in a text of one run), so it costs nothing.

    A report of one table is first read in one go; when that meets anything odd, it is read
    again block by block, each odd line reported once.
    """
    options = _Options(tool, text_columns, rest_column, strict, dayfirst, header_columns,
                       given_date(date))
    data = encoded.pop() if encoded else None
    if runs:
        prepared = _prepare_one_run(text, data, options)
    else:
        prepared = _prepare(text, data, options)
    report = _read(prepared, options, careful=False, said=frozenset())
    if not isinstance(report, Report):
        again = _prepare(prepared.text, None, options)
        report = _read(again, options, careful=True, said=report)
        assert isinstance(report, Report)  # a careful read never gives up
        prepared = again
    return _check_fragment(report, prepared, options.tool)


def _prepare_one_run(text: str, data: bytes | None, options: _Options) -> _Text:
    """:func:`_prepare`, then :class:`SeveralRuns` when another banner follows the first
    (what _prepare said is then left unsaid: each run's reading says it)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        prepared = _prepare(text, data, options)
    tail = prepared.tail if prepared.tail is not None else 0
    starts = run_starts(prepared.text, max(tail - 1, 0))
    if starts:
        raise SeveralRuns(starts, prepared.text)
    for said in caught:
        warnings.warn_explicit(said.message, said.category, said.filename, said.lineno)
    return prepared


#: Time zones a locale's ``%X`` may print after each time (``12:38:33 PM IST``); none is
#: the name of a sysstat column.
_ZONES = frozenset(
    "UTC GMT IST CET CEST EET EEST WET WEST BST MSK JST KST HKT SGT PHT ICT WIB AEST AEDT "
    "ACST ACDT AWST NZST NZDT PST PDT MST MDT CST CDT EST EDT AKST AKDT HST BRT ART SAST "
    "CAT EAT WAT PKT NPT IDT".split())
_TIME_LINE = re.compile(r"^(\d{1,2}:\d{2}:\d{2}(?: [AP]M)?) +(\S+) ", re.M)


def without_zone(text: str) -> tuple[str, str | None]:
    """``text`` without the time zone printed after each time, and that zone (kept in
    ``attrs["time_zone"]``; the times stay the printed wall-clock times).

    >>> without_zone("12:38:33 PM IST  CPU  %usr\\n12:38:34 PM IST  all  8.20\\n")
    ('12:38:33 PM  CPU  %usr\\n12:38:34 PM  all  8.20\\n', 'IST')
    """
    first = _TIME_LINE.search(text, 0, 1 << 16)
    if first is None or first.group(2) not in _ZONES:
        return text, None
    zone = first.group(2)
    cut = re.compile(r"^(\d{1,2}:\d{2}:\d{2}(?: [AP]M)?) +" + zone + r"(?= )", re.M)
    return cut.sub(r"\1", text), zone


def clean_report_text(text: str | bytes, tool: str
                      ) -> tuple[str, list[bytes], dict[str, str]]:
    """:func:`~.text.clean_text_and_bytes`, then without the ``host: `` that pdsh puts
    before every line (:func:`~.text.without_host_prefix`) and without a time zone after
    each time (:func:`without_zone`); last, the facts taken out (``host``, ``time_zone``),
    for the caller's ``attrs``.

    >>> clean_report_text("n8: 12:38:33 PM IST  CPU\\n", "mpstat")
    ('12:38:33 PM  CPU\\n', [], {'host': 'n8', 'time_zone': 'IST'})
    """
    text, ascii_bytes = clean_text_and_bytes(text, tool=tool)
    text, host = without_host_prefix(text, starts_report)
    text, zone = without_zone(text)
    facts = {name: value for name, value in (("host", host), ("time_zone", zone)) if value}
    if facts:
        ascii_bytes.clear()  # the bytes of the text as it was
    return text, ascii_bytes, facts


def starts_report(line: str) -> bool:
    """True for a line a sysstat text report (or a fragment of one) may start with: a
    banner, or a line starting with a time."""
    return is_banner(line) or time_width(line.split(None, 2)) > 0


def _check_fragment(report: Report, prepared: _Text, tool: str) -> Report:
    """A text without a banner is read only when it gave rows under a header: a line that
    merely starts with a time (a report flattened to one line by a web page) is refused."""
    if prepared.banner_at >= 0 or any(len(frame) for frame in report.tables.values()):
        return report
    first = prepared.text.lstrip().split("\n", 1)[0]
    raise ParseError("no sysstat banner, and no header with rows under it",
                     line=prepared.text[:len(prepared.text) - len(prepared.text.lstrip())]
                     .count("\n") + 1, text=first, tool=tool)


def _prepare(text: str, data: bytes | None, options: _Options) -> _Text:
    """Drop a last row cut short, find the first odd line, make blank lines blank, and check
    that the text starts with a banner (:class:`ParseError` otherwise)."""
    tool = options.tool
    if data is not None and len(data) != len(text):
        data = None  # not the ASCII bytes of this text
    if options.rest_column is None and not text.endswith("\n"):
        kept = _without_cut_last_row(text, tool)
        if len(kept) != len(text):
            text, data = kept, None if data is None else data[:len(kept)]
    newlines = None if data is None else _newline_offsets(data)
    # one pass finds both a blank line holding spaces and the first line that is not a
    # sample row (where the one-table fast path's rows end)
    odd_at, indented = ((_ODD_NOT_KNOWN, True) if newlines is None
                        else _first_odd_line(text, data, newlines))
    if odd_at == _ODD_NOT_KNOWN:
        odd = _ODD_LINE.search(text)
        odd_at = odd.start() if odd else None
    tail: int | None = len(text) if odd_at is None else odd_at + 1
    if (odd_at is not None and text[odd_at + 1] in " \t") or \
            _WHITE_BLANK.search(text, tail - 1):
        text = _WHITE_BLANK.sub("\n", text)
        data = tail = newlines = None  # all were for the text as it was
    return _Text(text, data, newlines, tail, indented, _banner_start(text, tool))


def _banner_start(text: str, tool: str) -> int:
    """Where the first visible line starts; :class:`ParseError` unless it is a banner or,
    for a fragment pasted without its banner, a line starting with a time (a header or a
    row: -1 then, which also keeps the text off the one-table fast path)."""
    visible = _VISIBLE.search(text)
    if not visible:
        raise ParseError("empty input", line=1, tool=tool)
    line_start = text.rfind("\n", 0, visible.start()) + 1
    line_end = text.find("\n", visible.start())
    first_line = text[line_start: line_end if line_end >= 0 else None]
    if not is_banner(first_line) and time_width(first_line.split(None, 2)):
        return -1
    if not is_banner(first_line):
        raise ParseError("expected a sysstat banner such as 'Linux 6.1.0 (host) 11/24/26 "
                         "_x86_64_ (2 CPU)'", line=text.count("\n", 0, line_start) + 1,
                         text=first_line, tool=tool)
    return line_start


def _read(prepared: _Text, options: _Options, *, careful: bool,
          said: frozenset[str]) -> Report | frozenset[str]:
    """Scan and read the report; in the one-table fast path, the warnings already given
    (to say each once) when something odd means it must be read again carefully."""
    text, tool = prepared.text, options.tool
    scanner = _Scanner(text, tool, options.strict, options.header_columns)
    scanner.said_before = said
    single = (None if careful or prepared.banner_at
              else scanner.scan_single(prepared.tail, prepared.newlines))
    rows = _single_rows(single, text, prepared.data) if single is not None else None
    if single is None:
        scanner.scan(prepared.tail, prepared.data, prepared.newlines)
        scanner.data, scanner.indented = prepared.data, prepared.indented
        sample = _sample_of_groups(scanner, text)
    else:
        sample = single.head(text, 20000)
    prepared.data = prepared.newlines = None  # read or kept by the scanner: let them go
    decimal = detect_decimal(sample.split("\n")[:200])
    facts, dates, day_starts, banner_offsets = _report_facts(scanner, text, decimal,
                                                             options)
    tables = _sample_tables(scanner, text, single, rows, decimal, options, dates,
                            day_starts, banner_offsets, facts)
    if tables is None:
        return frozenset(scanner.said)
    scanner.data = None  # every table is read: let the text's bytes go
    averages = average_tables(scanner, decimal, options.text_columns, options.rest_column,
                              facts)
    restart_frame = pd.DataFrame(
        {"time": _restart_times(scanner.restarts, dates, day_starts),
         "cpus": [cpus for *_, cpus in scanner.restarts]})
    return Report(facts, tables, averages, restart_frame, scanner.order,
                  set(scanner.average_labels))


def _sample_of_groups(scanner: _Scanner, text: str) -> str:
    """The first 20 rows of each table, for guessing the decimal mark."""
    sample_rows: list[str] = []
    for group in scanner.groups.values():
        starts, ends = _flatten(group.spans[:20])
        sample_rows.extend(text[a:b] for a, b in zip(starts[:20].tolist(),
                                                     ends[:20].tolist(), strict=True))
    return "\n".join(sample_rows)


def _report_facts(scanner: _Scanner, text: str, decimal: str, options: _Options, *,
                  day_starts: list[int | None] | None = None
                  ) -> tuple[dict[str, Any], list[pd.Timestamp | None], list[int | None],
                             np.ndarray]:
    """The banner's facts, each banner's date, the time of day each date belongs to (its
    run's first header; ``day_starts`` when the caller knows them), and where each banner
    is."""
    banners = [facts for _, facts in scanner.banners]
    facts = dict(banners[0]) if banners else {}
    translated = bool(scanner.average_labels - set(AVERAGE_WORDS))
    dayfirst = options.dayfirst
    if dayfirst is None and banners:
        dayfirst = guess_dayfirst(decimal=decimal, twelve_hour=scanner.twelve_hour,
                                  translated=translated, date_text=banners[0]["date_text"])
    dates: list[pd.Timestamp | None] = []
    for banner in banners:
        if options.dayfirst is None:  # each run's own date form (a ja_JP run, then a C one)
            dayfirst = guess_dayfirst(decimal=decimal, twelve_hour=scanner.twelve_hour,
                                      translated=translated, date_text=banner["date_text"])
        try:
            dates.append(parse_date(banner["date_text"], dayfirst=dayfirst))
        except ValueError:
            dates.append(options.date)
            if options.date is None:
                _say_no_date(text, scanner, banner, options.tool)
    if not banners and options.date is not None:
        dates.append(options.date)
    labels = sorted(scanner.average_labels)
    facts.update({"tool": options.tool, "date": dates[0] if dates else None,
                  "decimal": decimal, "twelve_hour_clock": scanner.twelve_hour,
                  "average_label": labels[0] if labels else None})
    banner_offsets = np.array([offset for offset, _ in scanner.banners], dtype="int64")
    # a row after midnight is on the next day even when it is the table's first
    if day_starts is None:
        day_starts = [_first_time_of_day(text, offset) for offset in banner_offsets.tolist()]
    return facts, dates, day_starts, banner_offsets


def _say_no_date(text: str, scanner: _Scanner, banner: dict[str, Any], tool: str) -> None:
    """The warning for a banner whose date does not read (a field lost from it): its run's
    times are then times of day without a date (``date=`` supplies one)."""
    offset = next(at for at, facts in scanner.banners if facts is banner)
    end = text.find("\n", offset)
    warn(f"the banner's date {banner['date_text']!r} does not read as a date: times are "
         "times of day without a date (pass date= to give it)",
         line=text.count("\n", 0, offset) + 1, text=text[offset:end if end >= 0 else None],
         tool=tool)


def _sample_tables(scanner: _Scanner, text: str, single: Any, rows: Any, decimal: str,
                   options: _Options, dates: list[pd.Timestamp | None],
                   day_starts: list[int | None], banner_offsets: np.ndarray,
                   facts: dict[str, Any]) -> dict[Columns, pd.DataFrame] | None:
    """Each table's frame with its ``time`` column; None when the one-table fast path met
    something odd (the caller reads again, block by block)."""
    text_columns = options.text_columns
    # the time (and AM/PM) columns each table's rows start with, read and then dropped
    stamps = {columns: ["__time", "__ampm"][:scanner.groups[columns].prefix]
              for columns in scanner.order}
    read: dict[Columns, tuple[pd.DataFrame, np.ndarray]] = {}
    if single is None:  # every table at once: they can be read side by side
        read = dict(zip(scanner.order, _read_tables(scanner, [
            _Request(scanner.groups[columns].spans, [*stamps[columns], *columns],
                     {*text_columns, *stamps[columns]}, decimal, options.rest_column,
                     scratch_columns=stamps[columns]) for columns in scanner.order]),
            strict=True))
    tables: dict[Columns, pd.DataFrame] = {}
    for columns in scanner.order:
        stamp = stamps[columns]
        if single is not None:
            frame = None if rows is None else frame_if_clean(
                rows, [*stamp, *columns], text_columns=text_columns, scratch_columns=stamp,
                decimal=decimal, placeholder_rows=single.remnants, comment=single.comment)
            if frame is None:
                return None
            starts = np.zeros(len(frame), dtype="int64")
        else:
            frame, starts = read.pop(columns)
        segments = (np.searchsorted(banner_offsets, starts, side="right") - 1
                    if len(banner_offsets) > 1 else np.zeros(len(frame), dtype="int64"))
        times = _times(frame, segments, dates, options.tool, scanner, starts, day_starts)
        _put_times_first(frame, times, stamp)
        frame.attrs = dict(facts)
        tables[columns] = frame
    return tables


def _put_times_first(frame: pd.DataFrame, times: pd.Series, stamp: list[str]) -> None:
    """Make ``times`` the frame's first column, ``time``, and drop the stamp columns (in
    place: drop() would copy the whole frame)."""
    scratch = stamp
    if "time" in frame.columns:  # not a sysstat column: keep both, as pandas would
        frame.insert(0, "time", times)
    else:  # the stamps' column (the first) becomes the times: no other column moves
        frame["__time"] = times.to_numpy()
        frame.columns = ["time", *frame.columns[1:]]
        scratch = stamp[1:]
    for name in scratch:
        del frame[name]
