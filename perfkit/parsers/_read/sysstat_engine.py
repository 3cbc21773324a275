"""The numpy and thread engine under :func:`~.sysstat.read_report`: newlines, blocks and
the first odd line found on the text's bytes with numpy; a header's period learnt so
repeated headers are checked, not parsed; rows squeezed and read by pandas' C reader in
chunks, in a worker thread while the main thread gathers the next table.

>>> import numpy as np
>>> _newline_offsets(b"a\\nbb\\n").tolist()
[1, 4]
"""

from __future__ import annotations

import collections
import re
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .tabular import (
    Rows,
    chunk_bounds,
    frame_from_text,
    read_rows,
    squeeze_spans,
)

if TYPE_CHECKING:  # pragma: no cover
    from .sysstat_lines import _Scanner, _Single


#: A blank line and the header line after it: the start of every block.
_BLOCK_HEAD = re.compile(r"\n\n+([^\n]*)")

_CHUNK = 32 << 20  # characters of rows handed to read_csv at once (bounds peak memory)


def _single_rows(single: _Single, text: str, data: bytes | None) -> Rows | None:
    """The rows of a one-table report, for :func:`frame_if_clean` (which lets go of them
    once read); None for text that cannot be encoded (the careful path names the line)."""
    try:
        return single.rows(text, data)
    except UnicodeEncodeError:
        return None

#: Bytes that :func:`_newline_offsets` compares at once (a scratch array that stays in
#: the processor's cache and is reused, rather than one the size of the text).
_NEWLINE_CHUNK = 1 << 20


def _newline_offsets(data: bytes) -> np.ndarray:
    """Where the newlines of ASCII bytes are.

    >>> _newline_offsets(b"a\\nbc\\n\\n").tolist()
    [1, 4, 5]
    """
    codes = np.frombuffer(data, dtype=np.uint8)
    if len(codes) <= _NEWLINE_CHUNK:
        return np.flatnonzero(codes == 10)
    scratch = np.empty(_NEWLINE_CHUNK, dtype=bool)
    found = []
    for start in range(0, len(codes), _NEWLINE_CHUNK):
        chunk = codes[start:start + _NEWLINE_CHUNK]
        is_newline = np.equal(chunk, 10, out=scratch[:len(chunk)])
        found.append(np.flatnonzero(is_newline) + start)
    return np.concatenate(found)

#: :func:`_first_odd_line` could not tell cheaply (too many lines start with a blank).
_ODD_NOT_KNOWN = -1

_LINE_STARTS = np.zeros(256, dtype=bool)  # bytes a sample row, header or blank starts with
_LINE_STARTS[[*range(ord("0"), ord("9") + 1), ord("#"), *b" \t\n\r\x0b\x0c",
              *range(0x1c, 0x20)]] = True


def _first_odd_line(text: str, data: bytes, newlines: np.ndarray) -> tuple[int | None, bool]:
    """What ``_ODD_LINE.search(text).start()`` finds, from the newlines of the text's
    ASCII bytes: the newline before the first line that starts with neither a digit, a
    blank nor "#", or that holds only spaces and tabs; None when there is none. And
    whether any line starts with a space or a tab.

    >>> text = "banner\\n\\n1 a\\n \\n2 b\\nAverage: x\\n"
    >>> _first_odd_line(text, text.encode(), _newline_offsets(text.encode()))
    (11, True)
    """
    codes = np.frombuffer(data, dtype=np.uint8)
    before = newlines[newlines + 1 < len(codes)]  # newlines with a line after them
    firsts = codes[before + 1]
    blanks = (firsts == 32) | (firsts == 9)
    indented = bool(blanks.any()) or data[:1] in (b" ", b"\t")
    found = np.flatnonzero(~_LINE_STARTS[firsts])
    limit = int(found[0]) if len(found) else len(before)
    blank = np.flatnonzero(blanks[:limit])
    if len(blank) > 4096:
        return _ODD_NOT_KNOWN, indented  # a text of indented lines: let the regex look
    for index in blank.tolist():
        start = int(before[index]) + 1
        end = text.find("\n", start)
        if end >= 0 and not text[start:end].strip(" \t"):
            return start - 1, indented
    return (int(before[limit]) if limit < len(before) else None), indented


def _block_layout(newlines: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What :func:`_block_heads` finds (but the header texts), from the newlines of a
    text of ``size`` characters (:func:`_newline_offsets`): for each run of two or more
    newlines, where it starts, and where the line after it starts and ends.

    >>> data = b"banner\\n\\nh1\\nr\\n\\n\\nh2\\nr\\n"
    >>> [a.tolist() for a in _block_layout(_newline_offsets(data), len(data))]
    [[6, 12], [8, 15], [10, 17]]
    """
    pair = newlines[1:] == newlines[:-1] + 1
    before = np.concatenate(([False], pair[:-1]))
    after = np.concatenate((pair[1:], [False]))
    firsts = np.flatnonzero(pair & ~before)
    lasts = np.flatnonzero(pair & ~after) + 1
    following = np.minimum(lasts + 1, len(newlines) - 1)
    heads = np.where(lasts + 1 < len(newlines), newlines[following], size)
    return newlines[firsts], newlines[lasts] + 1, heads.astype("int64")

#: Blocks whose headers :meth:`_Scanner.block_keys_ascii` looks up one by one before it
#: looks for a period.
_LEARN = 2048


class _TimeShape:
    """The shape of the time that starts a report's first header (``00:15:31``: digits
    and colons), and how to find the headers of blocks that start with a time so shaped.

    >>> shape = _TimeShape(b"00:15:31")
    >>> data = b"\\n\\n00:15:32 CPU %usr\\n\\n00:15:33 CPU %usr\\n\\nAverage: CPU %usr\\n"
    >>> seps, heads = np.array([2, 21, 40]), np.array([19, 38, 57])
    >>> import collections, itertools
    >>> ids = collections.defaultdict(itertools.count().__next__)
    >>> shape.ids(data, seps, heads, ids).tolist(), list(ids)
    ([0, 0, -1], [b' CPU %usr'])
    >>> shape.same_headers(data, seps, heads, np.array([0, 0, 0]), list(ids)).tolist()
    [True, True, False]
    """

    def __init__(self, time: bytes) -> None:
        self.width = len(time)
        self.pattern = np.frombuffer(time, dtype=np.uint8)
        self.digit = self.pattern != ord(":")

    def shaped(self, data: bytes, seps: np.ndarray, heads: np.ndarray) -> np.ndarray:
        """Which headers (``data[sep:head]``) start with a time of this shape and a space."""
        long_enough = heads - seps > self.width
        codes = np.frombuffer(data, dtype=np.uint8)
        stamps = codes[np.minimum(seps[:, None] + np.arange(self.width + 1), len(codes) - 1)]
        return long_enough & (stamps[:, -1] == ord(" ")) & self._holds_time(stamps[:, :-1])

    def _holds_time(self, stamps: np.ndarray) -> np.ndarray:
        """Which rows of bytes hold a time of this shape."""
        return np.where(self.digit, (stamps >= ord("0")) & (stamps <= ord("9")),
                        stamps == self.pattern).all(axis=1)

    def ids(self, data: bytes, seps: np.ndarray, heads: np.ndarray,
            ids: dict[bytes, int]) -> np.ndarray:
        """For each header, the id (in ``ids``, which numbers new ones) of its bytes after
        the time; -1 for a header that does not start with a time of this shape."""
        found = np.full(len(seps), -1, dtype="int64")
        where = np.flatnonzero(self.shaped(data, seps, heads))
        found[where] = [ids[data[a:b]] for a, b in zip(
            (seps[where] + self.width).tolist(), heads[where].tolist(), strict=True)]
        return found

    def same_headers(self, data: bytes, seps: np.ndarray, heads: np.ndarray,
                     foretold: np.ndarray, keys: list[bytes]) -> np.ndarray:
        """Which headers are a time of this shape followed by exactly ``keys[id]`` (for
        each header's ``foretold`` id; -1 foretells nothing), read 8 bytes at a time."""
        same = np.zeros(len(seps), dtype=bool)
        order = np.argsort(foretold, kind="stable")
        bounds = np.flatnonzero(np.diff(foretold[order])) + 1
        words = np.ndarray(shape=(max(len(data) - 7, 0),), dtype="<u8", buffer=data,
                           strides=(1,))
        for members in np.split(order, bounds) if len(order) else []:
            key_id = int(foretold[members[0]])
            if key_id < 0:
                continue
            key = keys[key_id]
            size = self.width + len(key)  # the header line's length
            count = -(-size // 8)
            fits = (heads[members] - seps[members] == size) & \
                (seps[members] + 8 * count <= len(data))
            members = members[fits]
            line = np.frombuffer((b"\0" * self.width + key).ljust(8 * count, b"\0"),
                                 dtype="<u8")
            mask = np.frombuffer((b"\0" * self.width + b"\xff" * len(key)).ljust(
                8 * count, b"\0"), dtype="<u8")
            starts = seps[members]
            first = words[starts]
            match = self._holds_time(first.view(np.uint8).reshape(-1, 8)[:, :self.width])
            for index in range(count):
                value = first if index == 0 else words[starts + 8 * index]
                match &= (value & mask[index]) == line[index]
            same[members] = match
        return same


def _period(ids: np.ndarray) -> int | None:
    """The shortest period with which ``ids`` repeat (twice at least), or None.

    >>> _period(np.array([0, 1, 2, 0, 1, 2, 0])), _period(np.array([0, 1, 1, 0]))
    (3, None)
    """
    for period in np.flatnonzero(ids == ids[0])[1:].tolist() if len(ids) else []:
        if period * 2 > len(ids):
            break
        if (ids[period:] == ids[:-period]).all():
            return period
    return None


def _block_heads(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """For each block: where its blank lines start, where its header line starts and
    ends, and the header line itself."""
    found = [(m.start(), m.start(1), m.end(), m.group(1)) for m in _BLOCK_HEAD.finditer(text)]
    runs = np.fromiter((f[0] for f in found), dtype="int64", count=len(found))
    starts = np.fromiter((f[1] for f in found), dtype="int64", count=len(found))
    heads = np.fromiter((f[2] for f in found), dtype="int64", count=len(found))
    return runs, starts, heads, [f[3] for f in found]


@dataclass
class _Request:
    """One table to read from a group's row spans (see :func:`_read_tables`)."""

    spans: list[tuple[Any, Any]]
    names: list[str]
    text_columns: Collection[str]
    decimal: str
    rest_column: str | None
    scratch_columns: Collection[str] = ()

#: Bytes of rows from which :func:`_read_tables` reads in worker threads (below, threads
#: cost more than they give).
_THREADED = 8 << 20

#: Worker threads that read tables while the main thread gathers the next one's rows
#: (one: on two cores, a second worker only competes with the main thread).
_WORKERS = 1


def _read_tables(scanner: _Scanner, requests: list[_Request],
                 ) -> list[tuple[pd.DataFrame, np.ndarray]]:
    """Read each table's rows (``spans``, chunk by chunk) into one frame, with the text
    offset of each kept row's block (for banner segments and error messages).

    The rows of each chunk are gathered and squeezed here, in order, and read by
    :func:`~perfkit.parsers._read.tabular.read_rows` in a worker thread when there are many (pandas
    and numpy let go of the interpreter meanwhile, so the next chunk is gathered while
    one is read); each frame is then checked here, so that warnings and errors come in
    the text's order, as without threads."""
    source = scanner.text if scanner.data is None else scanner.data
    jobs = [(index, starts, ends) for index, request in enumerate(requests)
            for starts, ends in _chunks(request.spans)]
    # sysstat's banner holds tabs: look for them from the first row on (chunks are in
    # text order)
    first_row = min((int(starts[0]) for _, starts, _ in jobs if len(starts)), default=0)
    tabs = isinstance(source, bytes) and source.find(b"\t", first_row) >= 0
    layout = {"tabs": tabs, "indented": scanner.indented}
    total = sum(int((ends - starts).sum()) for _, starts, ends in jobs)
    pieces: list[list[pd.DataFrame]] = [[] for _ in requests]
    kept: list[list[np.ndarray]] = [[] for _ in requests]

    def finish(index: int, rows: _ChunkRows,
               first_read: Callable[[], pd.DataFrame | None] | None) -> None:
        frame, kept_starts = _read_chunk(scanner, requests[index], rows, first_read)
        pieces[index].append(frame)
        if kept_starts is not None:
            kept[index].append(kept_starts)

    if total < _THREADED or len(jobs) < 2:
        for index, starts, ends in jobs:
            finish(index, _ChunkRows.gather(source, starts, ends, **layout), None)
    else:
        with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
            waiting: collections.deque = collections.deque()
            for index, starts, ends in jobs:
                rows = _ChunkRows.gather(source, starts, ends, **layout)
                future = pool.submit(rows.read, requests[index])
                waiting.append((index, rows, future.result))
                if len(waiting) > 2:  # at most three chunks' rows held at once
                    finish(*waiting.popleft())
            while waiting:
                finish(*waiting.popleft())
    results = []
    for index, frames in enumerate(pieces):  # each request has a chunk, if an empty one
        frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        starts = (np.concatenate(kept[index]) if kept[index]
                  else np.zeros(len(frame), dtype="int64"))
        results.append((frame, starts))
    return results


def _chunks(spans: list[tuple[Any, Any]]) -> list[tuple[np.ndarray, np.ndarray]]:
    """The spans in text order, in chunks of about :data:`_CHUNK` characters (bounds the
    memory that one read needs)."""
    starts_all, ends_all = _flatten(spans)
    order = np.argsort(starts_all, kind="stable")
    starts_all, ends_all = starts_all[order], ends_all[order]
    chunks = [(starts_all[low:high], ends_all[low:high])
              for low, high in chunk_bounds(ends_all - starts_all, _CHUNK)]
    return chunks or [(starts_all[:0], ends_all[:0])]


@dataclass
class _ChunkRows:
    """One chunk's rows, ``source[start:end]`` for each span: squeezed by numpy when the
    source is ASCII bytes (:func:`~perfkit.parsers._read.tabular.squeeze_spans`), joined as they are
    only when something needs the rows as printed (a row in error, or spans too uneven
    to squeeze so)."""

    source: str | bytes
    starts: np.ndarray
    ends: np.ndarray
    squeezed: bytes | None
    _joined: str | bytes | None = None

    @classmethod
    def gather(cls, source: str | bytes, starts: np.ndarray, ends: np.ndarray, *,
               tabs: bool, indented: bool) -> _ChunkRows:
        squeezed = (squeeze_spans(source, starts, ends, tabs=tabs, indented=indented)
                    if isinstance(source, bytes) else None)
        rows = cls(source, starts, ends, squeezed)
        if squeezed is None:
            rows.joined()  # now, not in a worker thread
        return rows

    def joined(self) -> str | bytes:
        """The rows as printed, one per line."""
        if self._joined is None:
            self._joined = _join_spans(self.source, self.starts, self.ends)
        return self._joined

    def count(self) -> int:
        """How many rows (squeezing keeps every newline)."""
        if not len(self.starts):
            return 0
        rows = self.joined() if self.squeezed is None else self.squeezed
        return rows.count(b"\n" if isinstance(rows, bytes) else "\n") + 1

    def read(self, request: _Request) -> pd.DataFrame | None:
        """``read_rows`` of these rows (safe in a worker thread)."""
        squeezed = self.squeezed is not None
        return read_rows(self.squeezed if squeezed else self.joined(), request.names,
                         text_columns=request.text_columns,
                         scratch_columns=request.scratch_columns, decimal=request.decimal,
                         squeezed=squeezed)


def _read_chunk(scanner: _Scanner, request: _Request, rows: _ChunkRows,
                first_read: Callable[[], pd.DataFrame | None] | None,
                ) -> tuple[pd.DataFrame, np.ndarray | None]:
    """One chunk's rows as a frame, checked row by row; and, when the text has several
    banners, the text offset of each kept row's block."""
    text = scanner.text
    chunk_starts, chunk_ends = rows.starts, rows.ends
    counted: list[np.ndarray] = []

    def rows_before() -> np.ndarray:
        """How many rows the spans before each span hold, and all of them at the end."""
        if not counted:
            counts = np.fromiter(
                (text.count("\n", a, b) + 1 for a, b in zip(chunk_starts.tolist(),
                                                            chunk_ends.tolist(), strict=True)),
                dtype="int64", count=len(chunk_starts))
            counted.append(np.concatenate(([0], np.cumsum(counts))))
        return counted[0]

    def row_starts() -> np.ndarray:
        """Where the span of each row starts (its block, for the banner it comes after)."""
        return np.repeat(chunk_starts, np.diff(rows_before()))

    def locate(row: int) -> tuple[int | None, str, bool]:
        # row ``row`` of the joined rows is line k of its span: its place in the text
        # exactly (a search for its text could find an earlier row it is a prefix of)
        before = rows_before()
        span = int(np.searchsorted(before, row, side="right")) - 1
        at = int(chunk_starts[span])
        for _ in range(row - int(before[span])):
            at = text.index("\n", at) + 1
        # an average row is read without its label: quote the line as printed
        begin = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        number = scanner.line_number(begin)
        return number, text[begin: end if end >= 0 else len(text)], \
            number == scanner.last_line

    frame = frame_from_text(rows.joined, rows.count(), request.names, locate=locate,
                            text_columns=request.text_columns,
                            scratch_columns=request.scratch_columns,
                            decimal=request.decimal, tool=scanner.tool,
                            strict=scanner.strict, rest_column=request.rest_column,
                            first_read=first_read or (lambda: rows.read(request)))
    kept_starts = (row_starts()[frame.index.to_numpy()]
                   if scanner.banners and len(scanner.banners) > 1 else None)
    return frame.reset_index(drop=True), kept_starts


def _join_spans(source: str | bytes, starts: np.ndarray, ends: np.ndarray) -> str | bytes:
    """The spans ``source[start:end]`` of a text or its bytes, one per line.

    >>> _join_spans(b"a b c", np.array([0, 4]), np.array([1, 5]))
    b'a\\nc'
    """
    newline = b"\n" if isinstance(source, bytes) else "\n"
    return newline.join([source[a:b] for a, b in zip(starts.tolist(), ends.tolist(),
                                                     strict=True)])


def _flatten(spans: list[tuple[Any, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """All spans as two arrays of start and end offsets."""
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    singles_s: list[int] = []
    singles_e: list[int] = []
    for a, b in spans:
        if isinstance(a, np.ndarray):
            starts.append(a)
            ends.append(b)
        else:
            singles_s.append(a)
            singles_e.append(b)
    starts.append(np.array(singles_s, dtype="int64"))
    ends.append(np.array(singles_e, dtype="int64"))
    return np.concatenate(starts), np.concatenate(ends)
