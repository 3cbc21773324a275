"""A numpy reader for plainly laid out sysstat text (mpstat, pidstat, sar): one banner, then
blocks of a header and its rows, each row starting with a 24-hour ``HH:MM:SS``, the blocks
apart by blank lines, and the ``Average:`` rows at the end.

:func:`plain_report` finds the blocks on the text's bytes in a few numpy passes, reads each
row's time of day from its fixed place (no Python string per row), and each table's values
with :func:`~.sysstat_columns.read_columns` (fixed-width columns parsed by numpy, or one
``read_csv`` call). It gives exactly the :class:`~.sysstat_lines.Report` that
:func:`~.sysstat.read_report` gives, or None for any text that is not so plain (a second
banner, a ``LINUX RESTART``, a header printed two ways for one table, a line that is not a
row, a 12-hour clock, decimal commas, tabs, trailing blanks, no newline at the end...): the
careful reader then reads it, naming each odd line. The ``Average:`` rows, a few lines at the
end, are read by the careful reader itself.

>>> text = ("Linux 6.1.0 (h) \\t11/25/26 \\t_x86_64_\\t(2 CPU)\\n\\n"
...         "23:59:59     CPU    %usr   %idle\\n00:00:00     all   42.00   51.00\\n\\n"
...         "00:00:00     CPU    %usr   %idle\\n00:00:01     all    2.50   97.50\\n"
...         "Average:     all   22.25   74.25\\n")
>>> report = plain_report(text, [text.encode()], tool="mpstat", text_columns={"CPU"})
>>> frame = report.tables[("CPU", "%usr", "%idle")]
>>> frame["time"].astype(str).tolist(), frame["%usr"].tolist()
(['2026-11-26 00:00:00', '2026-11-26 00:00:01'], [42.0, 2.5])
>>> report.averages[("CPU", "%usr", "%idle")]["%idle"].tolist(), report.labels
([74.25], {'Average:'})
>>> plain_report(text.replace("23:59:59", "11:59:59 PM"), [], tool="mpstat") is None
True
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from .banner import is_banner, parse_banner
from .sysstat import _Options, _report_facts, read_tidy_report
from .sysstat_columns import read_columns
from .sysstat_engine import _newline_offsets
from .sysstat_lines import Columns, Report
from .sysstat_times import _dated, _restart_times, time_width
from .times import given_date

#: Distinct header lines of one length that the reader tells apart (more: the careful path).
_MOST_HEADERS = 64
#: Lines of ``Average:`` rows at the end that the careful reader is asked to read.
_MOST_AVERAGE_LINES = 20000
#: ``HH:MM:SS `` at the start of a row: which bytes are digits (the others as shown).
_TIME_SHAPE = np.frombuffer(b"00:00:00 ", dtype=np.uint8)
_TIME_DIGITS = _TIME_SHAPE == ord("0")


def plain_report(text: str, encoded: list[bytes], *, tool: str,
                 text_columns: Collection[str] = (),
                 header_columns: Callable[[list[str]], Columns | None] | None = None,
                 rest_column: str | None = None, dayfirst: bool | None = None,
                 date: object = None, **_careful: Any) -> Report | None:
    """What :func:`~.sysstat.read_report` gives for ``text`` (with the same arguments), when
    the text is laid out plainly (see the module docstring); None otherwise. ``encoded``
    holds the text's ASCII bytes (:func:`~.text.clean_text_and_bytes`); they are left in
    the list, for the careful reader, when the text is not plain (other keyword arguments
    of read_report, such as ``strict``, change nothing for plain text)."""
    if not encoded or len(encoded[0]) != len(text) or not text.endswith("\n"):
        return None
    options = _Options(tool, text_columns, rest_column, False, dayfirst, header_columns,
                       given_date(date))
    data = encoded[0]
    blocks = _blocks(data)
    if blocks is None:
        return None
    banner = data[:blocks.banner_end].decode("ascii")
    if not is_banner(banner):
        return None
    keys = _table_keys(data, blocks, header_columns)
    if keys is None:
        return None
    columns_of, head_table = keys
    averages = _averages(text, data, blocks, options)
    if averages is None:
        return None
    scanner = SimpleNamespace(banners=[(0, parse_banner(banner))],
                              average_labels=averages.labels, twelve_hour=False)
    facts, dates, day_starts, _ = _report_facts(scanner, text, ".", options)  # type: ignore[arg-type]
    # every row's time of day, read once; then each row's start moved past its time
    row_seconds = _seconds(data, blocks.row_starts)
    row_starts, row_ends = blocks.row_starts, blocks.row_ends
    row_starts += len(_TIME_SHAPE)
    row_table = head_table[blocks.row_block] if len(columns_of) > 1 else None
    del blocks
    tables: dict[Columns, pd.DataFrame] = {}
    for index, columns in enumerate(columns_of):
        if row_table is None:  # one table: its rows are all the rows (no copies)
            starts, ends, seconds = row_starts, row_ends, row_seconds
        else:
            mine = row_table == index
            starts, ends, seconds = row_starts[mine], row_ends[mine], row_seconds[mine]
            del mine
        frame = read_columns(data, starts, ends, list(columns), text_columns)
        del starts, ends
        if frame is None:
            return None
        times = _dated(dates[0] if dates else None, seconds,
                       day_starts[0] if day_starts else None)
        del seconds
        frame.insert(0, "time", times.to_numpy())
        frame.attrs = dict(facts)
        tables[columns] = frame
    for frame in averages.averages.values():
        frame.attrs = dict(facts)
    encoded.clear()  # read: let the text's bytes go
    restarts = pd.DataFrame({"time": _restart_times([], dates, day_starts), "cpus": []})
    return Report(facts, tables, averages.averages, restarts, list(columns_of),
                  set(averages.labels))


class _Blocks(SimpleNamespace):
    """Where the banner ends, each sample row (start, end, block), each block's header
    (start, end), and where the ``Average:`` rows start (the text's length when none)."""

    banner_end: int
    row_starts: np.ndarray
    row_ends: np.ndarray
    row_block: np.ndarray
    head_starts: np.ndarray
    head_ends: np.ndarray
    averages_at: int
    #: the header line of the block the first average row is in, when no blank line
    #: comes before it (averages printed right under the last block's rows)
    averages_head: bytes


def _blocks(data: bytes) -> _Blocks | None:
    """The blocks of ASCII ``data`` laid out plainly, or None."""
    if not data.endswith(b"\n"):
        return None
    codes = np.frombuffer(data, dtype=np.uint8)
    ends = _newline_offsets(data)
    if len(ends) < 4:
        return None
    starts = np.empty_like(ends)
    starts[0] = 0
    np.add(ends[:-1], 1, out=starts[1:])
    empty = ends == starts
    if empty[0] or not empty[1]:
        return None  # a banner alone on its first line, then a blank line
    firsts = codes[starts]  # every start is before the final newline
    filled = ~empty
    # a line of blanks, or a line ending in one: the careful path (numpy: bytes.find of
    # b" \n" is slow on text full of blanks)
    if np.isin(codes[ends[filled] - 1], (32, 9)).any():
        return None
    sample = filled & (((firsts >= 48) & (firsts <= 57)) | (firsts == 35))
    del firsts
    sample[0] = False
    odd = np.flatnonzero(filled & ~sample)[1:]  # the banner left out
    last = int(odd[0]) if len(odd) else len(ends)  # the first average row (or none)
    if data.find(b"\t", int(ends[0]), int(starts[last]) if last < len(ends) else None) >= 0 \
            or data.find(b",", int(ends[0])) >= 0:
        return None  # tabs in the rows, or decimal commas: the careful path
    sample = sample[:last]
    heads = sample.copy()
    heads[1:] &= empty[:last - 1]
    row_lines = np.flatnonzero(sample & ~heads)
    head_lines = np.flatnonzero(heads)
    del sample, heads
    if not len(head_lines) or not len(row_lines):
        return None
    row_starts, row_ends = starts[row_lines], ends[row_lines]
    if int((row_ends - row_starts).min()) <= len(_TIME_SHAPE) or \
            not _timed_alike(data, row_starts):
        return None  # a row that is not a time and values
    # each row's block: the last header line before it
    row_block = np.searchsorted(head_lines, row_lines, side="right") - 1
    del row_lines
    if (np.bincount(row_block, minlength=len(head_lines)) == 0).any():
        return None  # a header without rows
    averages_head = b""
    if last < len(ends) and not empty[last - 1]:
        head = int(head_lines[int(np.searchsorted(head_lines, last - 1, side="right")) - 1])
        averages_head = data[int(starts[head]):int(ends[head])]
    return _Blocks(banner_end=int(ends[0]), row_starts=row_starts,
                   row_ends=row_ends, row_block=row_block,
                   head_starts=starts[head_lines], head_ends=ends[head_lines],
                   averages_at=int(starts[last]) if last < len(ends) else len(data),
                   averages_head=averages_head)


def _table_keys(data: bytes, blocks: _Blocks,
                header_columns: Callable[[list[str]], Columns | None] | None
                ) -> tuple[list[Columns], np.ndarray] | None:
    """The tables' columns (in the order they first come) and each block's table; None
    when a header is not one the tool prints, is printed with a 12-hour clock, or names a
    column twice."""
    starts, ends = blocks.head_starts, blocks.head_ends
    timed = np.frombuffer(data, dtype=np.uint8)[starts] != ord("#")
    # a header's key: its bytes after the time (a '#' header: all of them)
    key_starts = np.where(timed, starts + len(_TIME_SHAPE) - 1, starts)
    if not _timed_alike(data, starts[timed]):
        return None
    key_of = np.full(len(starts), -1, dtype=np.int64)
    keys: list[bytes] = []
    lengths = ends - key_starts
    for length in np.unique(lengths).tolist():
        members = np.flatnonzero(lengths == length)
        if length <= 0:
            return None
        printed = np.ndarray(shape=(len(data) - length + 1,), dtype=f"S{length}",
                             buffer=data, strides=(1,))[key_starts[members]]
        while len(members):
            if len(keys) >= _MOST_HEADERS:
                return None
            first = printed[0]
            same = printed == first
            key_of[members[same]] = len(keys)
            keys.append(data[int(key_starts[members[0]]):int(ends[members[0]])])
            members, printed = members[~same], printed[~same]
    order = np.unique(key_of, return_index=True)[1]  # each key's first block
    columns_of: list[Columns] = []
    table_of_key = np.full(len(keys), -1, dtype=np.int64)
    for key in key_of[np.sort(order)].tolist():
        head = int(np.flatnonzero(key_of == key)[0])
        line = data[int(starts[head]):int(ends[head])].decode("ascii")
        tokens = line.split()
        if timed[head] and time_width(tokens) != 1:
            return None  # a 12-hour clock (or an epoch): the careful path
        columns = (header_columns(tokens) if header_columns is not None
                   else tuple(tokens[1:]))
        if not columns or len(set(columns)) != len(columns) or "time" in columns \
                or any(name.startswith("__") for name in columns):
            return None
        if columns not in columns_of:
            columns_of.append(columns)
        table_of_key[key] = columns_of.index(columns)
    return columns_of, table_of_key[key_of]


def _timed_alike(data: bytes, starts: np.ndarray) -> bool:
    """Whether every line at ``starts`` begins with ``HH:MM:SS`` and a space."""
    if not len(starts):
        return True
    if int(starts.max()) + len(_TIME_SHAPE) > len(data):
        return False
    printed = np.lib.stride_tricks.sliding_window_view(
        np.frombuffer(data, dtype=np.uint8), len(_TIME_SHAPE))[starts]
    digits = (printed >= ord("0")) & (printed <= ord("9"))
    return bool(np.where(_TIME_DIGITS, digits, printed == _TIME_SHAPE).all())


def _seconds(data: bytes, starts: np.ndarray) -> np.ndarray:
    """Seconds since midnight of the ``HH:MM:SS`` at each of ``starts`` (as
    :func:`~.times.times_of_day` reads them), every one of them checked by
    :func:`_timed_alike` already (:func:`_blocks` does)."""
    codes = np.frombuffer(data, dtype=np.uint8)
    seconds = np.zeros(len(starts), dtype=np.int64)
    for at, weight in ((0, 36000), (1, 3600), (3, 600), (4, 60), (6, 10), (7, 1)):
        seconds += (codes[starts + at].astype(np.int64) - ord("0")) * weight
    return seconds


def _averages(text: str, data: bytes, blocks: _Blocks, options: _Options) -> Report | None:
    """The ``Average:`` rows at the end of the text, read by the careful reader (with the
    banner, and the header the first of them comes under); None when they are not only
    average rows, or the careful reader finds anything odd in them."""
    at = blocks.averages_at
    if at == len(data):
        return Report({}, {}, {}, pd.DataFrame(), [], set())
    tail = data[at:]
    if tail.count(b"\n") > _MOST_AVERAGE_LINES:
        return None
    for line in tail.split(b"\n"):
        if line[:1].isdigit() or line[:1] == b"#" or is_banner(line.decode("ascii")):
            return None  # more samples, or another run, after the averages
    head = blocks.averages_head
    mini = (text[:blocks.banner_end] + "\n\n" + (head.decode("ascii") + "\n" if head else "")
            + text[at:])
    report = read_tidy_report(mini, tool=options.tool, text_columns=options.text_columns,
                              rest_column=options.rest_column, dayfirst=options.dayfirst,
                              header_columns=options.header_columns, date=options.date)
    if report is None or len(report.restarts) or any(
            len(frame) for frame in report.tables.values()):
        return None
    return report
