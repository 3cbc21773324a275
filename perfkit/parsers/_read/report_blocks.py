"""The layout of a long text of reports made of blocks (a header line, its rows, a blank
line), as ``iostat`` prints them, found with numpy on the text's bytes in a few passes
instead of a Python step per line.

Headers are known by how they start (``avg-cpu:``, ``Device``) and must each be printed the
same way every time; a non-blank line under a header, with no blank line in between, is one
of its rows; any other line must be the banner (the first line) or a time stamp (which the
caller checks). When the text is anything else (a second banner, a header printed another
way, a line that ends in a space, no blank line at the end...) :func:`lay_out` gives None,
and the caller takes its careful path, which names each odd line.

>>> text = (b"Linux 6.1.0 (h) \\t11/25/26 \\t_x86_64_\\t(2 CPU)\\n\\n"
...         b"avg-cpu:  %user  %idle\\n          1.00  99.00\\n\\n"
...         b"Device  tps\\nvda  2.00\\nsda  3.00\\n\\n"
...         b"avg-cpu:  %user  %idle\\n          2.00  98.00\\n\\n"
...         b"Device  tps\\nvda  4.00\\nsda  5.00\\n\\n")
>>> layout = lay_out(text, (b"avg-cpu:", b"Device"))
>>> layout.headers, layout.reports, layout.stamps
([b'avg-cpu:  %user  %idle', b'Device  tps'], 2, [])
>>> [(rows.lines + 1).tolist() for rows in layout.rows], [r.report.tolist() for r in layout.rows]
([[4, 11], [7, 8, 14, 15]], [[0, 1], [0, 0, 1, 1]])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .sysstat_engine import _newline_offsets


@dataclass
class BlockRows:
    """The rows under one kind of header: each row's line index (0-based), where it
    starts and ends in the text, and the report it belongs to."""

    lines: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    report: np.ndarray


@dataclass
class Layout:
    """What :func:`lay_out` found: the banner, each kind's header (as printed) and rows,
    how many reports, and the time stamp lines (line index, text) between the blocks."""

    banner: bytes
    headers: list[bytes | None]
    rows: list[BlockRows]
    reports: int
    #: for each report, the index of the line that opened it
    report_lines: np.ndarray
    stamps: list[tuple[int, bytes]]
    #: for each entry of ``stamps``, the report it opens
    stamp_reports: np.ndarray


def _words(data: bytes) -> np.ndarray:
    """Every 8 bytes of ``data`` from each offset on, as one little-endian integer (a view:
    ``_words(data)[i]`` holds ``data[i:i + 8]``)."""
    return np.ndarray(shape=(len(data) - 7,), dtype="<u8", buffer=data, strides=(1,))


def _prefix_word(prefix: bytes) -> tuple[int, int]:
    """(value, mask) that pick out lines starting with ``prefix`` (8 bytes at most)."""
    value = int.from_bytes(prefix.ljust(8, b"\0"), "little")
    mask = int.from_bytes((b"\xff" * len(prefix)).ljust(8, b"\0"), "little")
    return value, mask


def lay_out(data: bytes, prefixes: tuple[bytes, bytes]) -> Layout | None:
    """The :class:`Layout` of ASCII ``data`` whose headers start with ``prefixes`` (two
    kinds of header, the first opening a report), or None when the text is not laid out
    plainly (see the module docstring). Reports are numbered as iostat's careful reader
    numbers them: a time stamp opens one, and so does a header whose kind the current
    report has already, or the first kind's header after any block."""
    if not data.endswith(b"\n\n") or len(data) < 16 or len(prefixes) != 2:
        return None
    codes = np.frombuffer(data, dtype=np.uint8)
    # int32 offsets: half the memory of the per-line arrays of a long text
    ends = _newline_offsets(data).astype(np.int32 if len(data) < 1 << 31 else np.int64)
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    lengths = ends - starts
    empty = lengths == 0
    last_bytes = codes[ends[~empty] - 1]
    if ((last_bytes == 32) | (last_bytes == 9)).any():
        return None  # a line ending in blanks (or of blanks only): the careful path
    del last_bytes
    words = _words(data)[np.minimum(starts, len(data) - 8)]  # a line's first 8 bytes
    kind = np.full(len(ends), -1, dtype=np.int8)
    for index, prefix in enumerate(prefixes):
        value, mask = _prefix_word(prefix)
        kind[((words & np.uint64(mask)) == np.uint64(value)) & (lengths >= len(prefix))] = index
    del words
    is_head = kind >= 0
    heads = np.flatnonzero(is_head)
    headers: list[bytes | None] = []
    for index in range(len(prefixes)):
        mine = heads[kind[heads] == index]
        if not _alike(data, starts[mine], lengths[mine]):
            return None  # a header printed two ways: the careful path compares them
        headers.append(data[starts[mine[0]]:ends[mine[0]]] if len(mine) else None)
    del lengths
    last_head = _last_where(is_head)
    last_blank = _last_where(empty)
    filled = ~is_head
    filled &= ~empty
    in_block = last_head > last_blank
    in_block &= filled
    del last_blank
    outside = np.flatnonzero(filled & ~in_block)
    del filled
    nonblank = np.flatnonzero(~empty)
    if not len(outside) or outside[0] != nonblank[0] or not in_block[nonblank[-1]]:
        return None  # no banner first, or a text that does not end with a row
    stamp_lines = outside[1:]
    # the events that may open a report: time stamps (kind -1) and headers, in text order
    event_lines = np.sort(np.concatenate((heads, stamp_lines)))
    if not len(heads):
        return None
    event_kind = kind[event_lines]
    before = np.concatenate(([-2], event_kind[:-1]))
    opens = (event_kind == -1) | (before == -2) | (event_kind == before) | \
        ((event_kind == 0) & (before != -1))
    event_report = np.cumsum(opens) - 1
    reports = int(event_report[-1]) + 1
    if not _complete(event_kind, event_report, reports):
        return None
    rows = []
    block_lines = np.flatnonzero(in_block)
    row_head = last_head[block_lines]
    row_report = event_report[np.searchsorted(event_lines, row_head)]
    for index in range(len(prefixes)):
        mine = kind[row_head] == index
        lines = block_lines[mine]
        rows.append(BlockRows(lines, starts[lines], ends[lines], row_report[mine]))
    stamp_at = np.searchsorted(event_lines, stamp_lines)
    return Layout(banner=data[starts[outside[0]]:ends[outside[0]]], headers=headers,
                  rows=rows, reports=reports, report_lines=event_lines[opens],
                  stamps=[(line, data[starts[line]:ends[line]])
                          for line in stamp_lines.tolist()],
                  stamp_reports=event_report[stamp_at])


def _alike(data: bytes, starts: np.ndarray, lengths: np.ndarray) -> bool:
    """Whether the lines at ``starts`` (of ``lengths``) are all the same bytes."""
    if not len(starts):
        return True
    width = int(lengths[0])
    if (lengths != width).any():
        return False
    lines = np.ndarray(shape=(len(data) - width + 1,), dtype=f"S{width}", buffer=data,
                       strides=(1,))[starts]
    return bool((lines == lines[0]).all())


def _last_where(flags: np.ndarray) -> np.ndarray:
    """For each position, the last position at or before it where ``flags`` is set
    (-1 before the first)."""
    found = np.arange(len(flags), dtype=np.int32 if len(flags) < 1 << 31 else np.int64)
    found[~flags] = -1
    return np.maximum.accumulate(found, out=found)


def _complete(event_kind: np.ndarray, event_report: np.ndarray, reports: int) -> bool:
    """Whether the last report has a block of every kind the report before it has (a text
    cut in its last report is the careful path's to report)."""
    last = set(event_kind[event_report == reports - 1].tolist())
    if last <= {-1}:
        return False  # a time stamp without its report
    if reports == 1:
        return True
    return last - {-1} == set(event_kind[event_report == reports - 2].tolist()) - {-1}
