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
from .sysstat_lines import Columns, Report
from .sysstat_times import _dated, _restart_times, time_width
from .tabular import chunk_bounds
from .times import given_date

#: Distinct header lines of one length that the reader tells apart (more: the careful path).
_MOST_HEADERS = 64
#: Lines of ``Average:`` rows at the end that the careful reader is asked to read.
_MOST_AVERAGE_LINES = 20000
#: ``HH:MM:SS `` at the start of a row: which bytes are digits (the others as shown).
_TIME_SHAPE = np.frombuffer(b"00:00:00 ", dtype=np.uint8)
_TIME_DIGITS = _TIME_SHAPE == ord("0")
#: The bytes of ``HH:MM:SS `` that are not digits, and what each digit is worth in seconds.
_TIME_MARKS = _TIME_SHAPE[~_TIME_DIGITS]
_TIME_WEIGHTS = np.array([36000, 3600, 600, 60, 10, 1], dtype=np.int32)
#: Bytes looked at at once when finding newlines (bounds the scratch memory).
_LINES_CHUNK = 1 << 18
#: Rows (or lines) looked at at once by :func:`_timed_alike`, :func:`_timed_seconds` and
#: :func:`_counts_up_to` (bounds their scratch memory).
_ROWS_CHUNK = 1 << 14
#: Header lines whose keys are compared at once by :func:`_table_keys`.
_HEADS_CHUNK = 1 << 12


def plain_report(text: str, encoded: list[bytes], *, tool: str,
                 text_columns: Collection[str] = (),
                 header_columns: Callable[[list[str]], Columns | None] | None = None,
                 rest_column: str | None = None, dayfirst: bool | None = None,
                 date: object = None, **_careful: Any) -> Report | None:
    """What :func:`~.sysstat.read_report` gives for ``text`` (with the same arguments), when
    the text is laid out plainly (see the module docstring); None otherwise. ``encoded``
    holds the text's ASCII bytes (:func:`~.text.clean_text_and_bytes`); they are left in
    the list, for the careful reader, when the text is not plain (other keyword arguments
    of read_report, such as ``strict``, change nothing for plain text).

    A report of several tables is read from a copy of each table's rows, made from the
    text a piece at a time once the blocks are found; the text's bytes are let go before
    the tables are read (and made again should a table not read cleanly), so that they
    and the frames are never all held at once."""
    if not encoded or len(encoded[0]) != len(text) or not text.endswith("\n"):
        return None
    options = _Options(tool, text_columns, rest_column, False, dayfirst, header_columns,
                       given_date(date))
    data = encoded[0]
    blocks = _narrow_blocks(data, _offset_dtype(data))
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
    rows = _rows(data, blocks, head_table if len(columns_of) > 1 else None)
    del blocks
    if rows.table is None:  # one table: its rows are all the rows (no copies)
        spans: list[_Spans | None] = [_Spans(data=data, starts=rows.starts, ends=rows.ends,
                                             seconds=rows.seconds)]
    else:  # each table's rows copied out of the text, and the text's bytes let go
        encoded.clear()
        del data
        spans = list(_table_spans(text, rows, len(columns_of)))
    del rows
    tables: dict[Columns, pd.DataFrame] = {}
    for index, columns in enumerate(columns_of):
        mine, spans[index] = spans[index], None  # let each table's copy go once read
        assert mine is not None
        times = _dated(dates[0] if dates else None, mine.seconds,
                       day_starts[0] if day_starts else None)
        frame = read_columns(mine.data, mine.starts, mine.ends, list(columns), text_columns,
                             leading={"time": times.to_numpy()})
        del mine, times
        if frame is None:
            del tables, spans
            if not encoded:  # the bytes were let go: the careful reader's again
                encoded.append(text.encode("ascii"))
            return None
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
    #: each row's time of day in seconds (int32), when :func:`_narrow_blocks` read them
    row_seconds: np.ndarray | None


def _blocks(data: bytes) -> _Blocks | None:
    """The blocks of ASCII ``data`` laid out plainly, or None (offsets as int64)."""
    return _narrow_blocks(data, np.dtype(np.int64), timed=False)


def _offset_dtype(data: bytes) -> np.dtype:
    """The smallest integer type that holds every offset into ``data`` (int32 below 2 GiB:
    half the memory of int64 for the per-line and per-row arrays)."""
    return np.dtype(np.int32 if len(data) < 2**31 - 1 else np.int64)


def _line_ends(data: bytes, dtype: np.dtype) -> np.ndarray:
    """Where the newlines of ASCII ``data`` are, as ``dtype``, found a chunk at a time (no
    int64 array of them all when ``dtype`` is smaller)."""
    codes = np.frombuffer(data, dtype=np.uint8)
    found = [(np.flatnonzero(codes[start:start + _LINES_CHUNK] == 10) + start).astype(dtype)
             for start in range(0, len(codes), _LINES_CHUNK)]
    return np.concatenate(found) if found else np.zeros(0, dtype=dtype)


def _narrow_blocks(data: bytes, dtype: np.dtype, *, timed: bool = True) -> _Blocks | None:
    """:func:`_blocks` with its offsets (and each row's block) as ``dtype``; the scratch
    arrays are per line and of that type (or bytes and booleans). ``timed``: each row's
    time of day read too, as ``row_seconds`` (int32), as its time is checked."""
    if not data.endswith(b"\n"):
        return None
    codes = np.frombuffer(data, dtype=np.uint8)
    ends = _line_ends(data, dtype)
    if len(ends) < 4:
        return None
    starts = np.empty_like(ends)
    starts[0] = 0
    np.add(ends[:-1], 1, out=starts[1:])
    empty = ends == starts
    if empty[0] or not empty[1]:
        return None  # a banner alone on its first line, then a blank line
    # a line of blanks, or a line ending in one: the careful path (numpy: bytes.find of
    # b" \n" is slow on text full of blanks). A blank line's last byte is the newline
    # before it, so every line's can be looked at.
    last_bytes = codes[ends - 1]
    if ((last_bytes == 32) | (last_bytes == 9)).any():
        return None
    del last_bytes
    firsts = codes[starts]  # every start is before the final newline
    sample = ~empty & (((firsts >= 48) & (firsts <= 57)) | (firsts == 35))
    del firsts
    sample[0] = False
    odd = np.flatnonzero(~empty & ~sample)[1:]  # the banner left out
    last = int(odd[0]) if len(odd) else len(ends)  # the first average row (or none)
    del odd
    if data.find(b"\t", int(ends[0]), int(starts[last]) if last < len(ends) else None) >= 0 \
            or data.find(b",", int(ends[0])) >= 0:
        return None  # tabs in the rows, or decimal commas: the careful path
    sample = sample[:last]
    heads = sample.copy()
    heads[1:] &= empty[:last - 1]
    rows = sample & ~heads
    del sample
    head_lines = np.flatnonzero(heads)
    if not len(head_lines) or not rows.any():
        return None
    averages_head = b""
    if last < len(ends) and not empty[last - 1]:
        head = int(head_lines[int(np.searchsorted(head_lines, last - 1, side="right")) - 1])
        averages_head = data[int(starts[head]):int(ends[head])]
    blocks = _Blocks(banner_end=int(ends[0]), head_starts=starts[head_lines],
                     head_ends=ends[head_lines], averages_head=averages_head,
                     averages_at=int(starts[last]) if last < len(ends) else len(data),
                     row_seconds=None)
    del empty
    blocks.row_starts = starts[:last][rows]
    del starts  # (each whole-text array let go as soon as read)
    blocks.row_ends = ends[:last][rows]
    del ends
    if int((blocks.row_ends - blocks.row_starts).min()) <= len(_TIME_SHAPE):
        return None  # a row that is not a time and values
    if timed:
        blocks.row_seconds = _timed_seconds(data, blocks.row_starts)
        if blocks.row_seconds is None:
            return None
    elif not _timed_alike(data, blocks.row_starts):
        return None
    # each row's block: the number of header lines up to it, less one
    blocks.row_block = _counts_up_to(heads, rows, dtype)
    blocks.row_block -= 1
    del heads, rows
    # the blocks only go up, by one at most: every one holds rows when they are as many
    # as the headers
    if np.count_nonzero(blocks.row_block[1:] != blocks.row_block[:-1]) + 1 \
            != len(head_lines):
        return None  # a header without rows
    return blocks


def _counts_up_to(flags: np.ndarray, at: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """For each True of ``at``, how many of ``flags`` are True up to it (itself included):
    ``np.cumsum(flags)[at]`` as ``dtype``, a chunk of lines at a time.

    >>> _counts_up_to(np.array([1, 0, 0, 1, 0], bool), np.array([0, 1, 0, 0, 1], bool),
    ...               np.dtype(np.int32)).tolist()
    [1, 2]
    """
    counts = np.empty(np.count_nonzero(at), dtype=dtype)
    done = total = 0
    for low in range(0, len(flags), _ROWS_CHUNK):
        running = np.cumsum(flags[low:low + _ROWS_CHUNK], dtype=dtype)
        running += total
        total = int(running[-1])
        mine = running[at[low:low + _ROWS_CHUNK]]
        counts[done:done + len(mine)] = mine
        done += len(mine)
    return counts


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
    key_of = np.full(len(starts), -1, dtype=np.int8)  # (at most _MOST_HEADERS keys)
    keys: list[bytes] = []
    first_head: list[int] = []  # each key's first header
    lengths = ends - key_starts
    for length in np.unique(lengths).tolist():
        if length <= 0:
            return None
        alike = np.flatnonzero(lengths == length)
        found: list[int] = []  # the keys of this length
        for low in range(0, len(alike), _HEADS_CHUNK):  # (bounds the scratch memory)
            members = alike[low:low + _HEADS_CHUNK]
            printed = np.ndarray(shape=(len(data) - length + 1,), dtype=f"S{length}",
                                 buffer=data, strides=(1,))[key_starts[members]]
            for key in found:
                same = printed == keys[key]
                key_of[members[same]] = key
                members, printed = members[~same], printed[~same]
            while len(members):
                if len(keys) >= _MOST_HEADERS:
                    return None
                same = printed == printed[0]
                key_of[members[same]] = len(keys)
                found.append(len(keys))
                first_head.append(int(members[0]))
                keys.append(data[int(key_starts[members[0]]):int(ends[members[0]])])
                members, printed = members[~same], printed[~same]
    columns_of: list[Columns] = []
    table_of_key = np.full(len(keys), -1, dtype=np.int64)
    for key in sorted(range(len(keys)), key=first_head.__getitem__):  # as they first come
        head = first_head[key]
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
    windows = np.lib.stride_tricks.sliding_window_view(
        np.frombuffer(data, dtype=np.uint8), len(_TIME_SHAPE))
    for low in range(0, len(starts), _ROWS_CHUNK):
        printed = windows[starts[low:low + _ROWS_CHUNK]]
        digits = (printed >= ord("0")) & (printed <= ord("9"))
        if not np.where(_TIME_DIGITS, digits, printed == _TIME_SHAPE).all():
            return False
    return True


def _seconds(data: bytes, starts: np.ndarray) -> np.ndarray:
    """Seconds since midnight of the ``HH:MM:SS`` at each of ``starts`` (as
    :func:`~.times.times_of_day` reads them), every one of them checked by
    :func:`_timed_alike` already (:func:`_blocks` does)."""
    return _narrow_seconds(data, starts, np.dtype(np.int64))


def _narrow_seconds(data: bytes, starts: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """:func:`_seconds` as ``dtype`` (int32 holds any time of day), in that type all along."""
    codes = np.frombuffer(data, dtype=np.uint8)
    seconds = np.zeros(len(starts), dtype=dtype)
    for at, weight in ((0, 36000), (1, 3600), (3, 600), (4, 60), (6, 10), (7, 1)):
        digit = codes[starts + at].astype(dtype)
        digit -= ord("0")
        digit *= weight
        seconds += digit
    return seconds


def _timed_seconds(data: bytes, starts: np.ndarray) -> np.ndarray | None:
    """The seconds since midnight (int32) of the ``HH:MM:SS`` each line at ``starts``
    begins with, as :func:`_seconds` reads them; None unless every one begins with
    ``HH:MM:SS`` and a space (:func:`_timed_alike`), which is checked on the way: one
    gather of each line's first bytes serves both."""
    if int(starts.max()) + len(_TIME_SHAPE) > len(data):
        return None
    windows = np.lib.stride_tricks.sliding_window_view(
        np.frombuffer(data, dtype=np.uint8), len(_TIME_SHAPE))
    seconds = np.empty(len(starts), dtype=np.int32)
    for low in range(0, len(starts), _ROWS_CHUNK):
        printed = windows[starts[low:low + _ROWS_CHUNK]]
        digits = printed[:, _TIME_DIGITS]
        digits -= ord("0")  # (a copy: wraps around below '0')
        if (digits > 9).any() or (printed[:, ~_TIME_DIGITS] != _TIME_MARKS).any():
            return None
        seconds[low:low + len(printed)] = digits.astype(np.int32) @ _TIME_WEIGHTS
    return seconds


class _Rows(SimpleNamespace):
    """The sample rows of a report: each row's values' span (after its time), its time
    of day in seconds, and its table (None when the report has one table)."""

    starts: np.ndarray
    ends: np.ndarray
    seconds: np.ndarray
    table: np.ndarray | None


class _Spans(SimpleNamespace):
    """One table's rows: the bytes holding them, each row's span in those bytes (after
    its time) and its time of day in seconds."""

    data: bytes | bytearray
    starts: np.ndarray
    ends: np.ndarray
    seconds: np.ndarray


def _rows(data: bytes, blocks: _Blocks, head_table: np.ndarray | None) -> _Rows:
    """The rows of ``blocks`` (the blocks' arrays taken, not copied), each row's table
    given by its block's in ``head_table`` (None: one table)."""
    seconds = blocks.row_seconds
    if seconds is None:
        seconds = _narrow_seconds(data, blocks.row_starts, np.dtype(np.int32))
    starts = blocks.row_starts
    starts += len(_TIME_SHAPE)
    table = None if head_table is None else head_table.astype(np.int8)[blocks.row_block]
    return _Rows(starts=starts, ends=blocks.row_ends, seconds=seconds, table=table)


#: Characters of text encoded at once when rows are copied out into their tables.
_PIECE = 1 << 20


def _table_spans(text: str, rows: _Rows, count: int) -> list[_Spans]:
    """Each of ``count`` tables' rows copied, one after another, into bytes of their
    own, from ``text`` (ASCII: a character's offset is its byte's) encoded a piece at a
    time: with the text's bytes let go, the copies take the place of the text's."""
    assert rows.table is not None
    lengths = rows.ends - rows.starts
    sizes = np.bincount(rows.table, weights=lengths, minlength=count).astype(np.int64)
    buffers = [bytearray(int(size)) for size in sizes.tolist()]
    views = [np.frombuffer(buffer, dtype=np.uint8) for buffer in buffers]
    filled = [0] * count
    for low, high in chunk_bounds(lengths, _PIECE):
        first = int(rows.starts[low])
        piece = text[first:int(rows.ends[high - 1])].encode("ascii")
        table = rows.table[low:high]
        order = np.argsort(table, kind="stable")
        starts, spans = rows.starts[low:high][order] - first, lengths[low:high][order]
        bounds = np.cumsum(np.bincount(table, minlength=count)).tolist()
        for index, (begin, end) in enumerate(zip([0, *bounds[:-1]], bounds, strict=True)):
            if end > begin:
                copied = _copy_spans(piece, starts[begin:end], spans[begin:end])
                views[index][filled[index]:filled[index] + len(copied)] = copied
                filled[index] += len(copied)
    del views
    order = np.argsort(rows.table, kind="stable")  # each table's rows, in the text's order
    bounds = np.cumsum(np.bincount(rows.table, minlength=count)).tolist()
    tables = []
    for index, (begin, end) in enumerate(zip([0, *bounds[:-1]], bounds, strict=True)):
        mine = order[begin:end]
        spans = lengths[mine]
        ends = np.cumsum(spans, dtype=np.int64)
        tables.append(_Spans(data=buffers[index], starts=ends - spans, ends=ends,
                             seconds=rows.seconds[mine]))
    return tables


def _copy_spans(piece: bytes, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The spans ``piece[start:start + length]``, one after another (a 2-D gather when
    they are all as long, as a table's rows usually are).

    >>> _copy_spans(b"ab cde f", np.array([0, 3, 7]), np.array([2, 3, 1])).tobytes()
    b'abcdef'
    >>> _copy_spans(b"ab cd ef", np.array([0, 6]), np.array([2, 2])).tobytes()
    b'abef'
    """
    width = int(lengths[0])
    if (lengths == width).all():
        rows = np.ndarray((len(piece) - width + 1, width), dtype=np.uint8, buffer=piece,
                          strides=(1, 1))
        return rows[starts].ravel()
    total = int(lengths.sum())
    shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return np.frombuffer(piece, dtype=np.uint8)[np.arange(total, dtype=shift.dtype) + shift]


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
    return averages_only(mini, options)


def averages_only(mini: str, options: _Options) -> Report | None:
    """The careful reader's report of ``mini`` (a banner, then ``Average:`` rows under
    their headers), or None when it finds anything odd in them or any sample row."""
    report = read_tidy_report(mini, tool=options.tool, text_columns=options.text_columns,
                              rest_column=options.rest_column, dayfirst=options.dayfirst,
                              header_columns=options.header_columns, date=options.date)
    if report is None or len(report.restarts) or any(
            len(frame) for frame in report.tables.values()):
        return None
    return report
