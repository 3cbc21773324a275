"""Lines and blocks of a sysstat text report: what each line is (banner, header, sample row,
average row, ``LINUX RESTART``, blank) and which table its rows belong to.

The :class:`_Scanner` walks the text once and gathers, per table (keyed by its columns), the
spans of its rows; :mod:`.sysstat_engine` then reads those spans into frames.

>>> time_width(["00:15:31", "CPU"]), time_width(["12:15:31", "AM", "CPU"])
(1, 2)
>>> label_of("Durchschn.:  all   42,00")
'Durchschn.:'
"""

from __future__ import annotations

import bisect
import collections
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ...errors import ParseError, warn
from .banner import is_banner, parse_banner
from .sysstat_averages import label_of, label_width
from .sysstat_engine import (
    _BLOCK_HEAD,
    _LEARN,
    _block_heads,
    _block_layout,
    _newline_offsets,
    _period,
    _TimeShape,
)
from .sysstat_times import time_width
from .tabular import (
    Rows,
    squeeze_spaces,
)
from .times import AM_PM

Columns = tuple[str, ...]

#: A number as sysstat prints one in a right-aligned column (a text column such as DEV or
#: FILESYSTEM is left-aligned, and its rows do not line up)
_NUMBER = re.compile(r"-?\d[\d.,]*%?")

_VISIBLE = re.compile(r"\S")

_WHITE_BLANK = re.compile(r"\n[ \t]+(?=\n)")

#: A line that is not a sample row: it starts with neither a digit, a blank nor "#"
#: (banners, "Average:" and its translations, foreign text).
_SPECIAL = re.compile(r"\n(?=[^\d\s#])")

#: Either of the two above: the first odd line of a text.
_ODD_LINE = re.compile(r"\n(?=[ \t]+\n|[^\d\s#])")

_ROW_START = re.compile(r"\n[\d#]")

#: A time of day at the start of a header line, and the space after it.
_TIME_AT_START = re.compile(rb"(\d{1,2}:\d\d:\d\d) ")


_NOT_A_SYSSTAT_LINE = "a line that is neither a banner, a header, a sample row nor an average row"


@dataclass
class _Group:
    #: [start, end) offsets of rows: single spans (ints) or batches (two int arrays)
    spans: list[tuple[Any, Any]] = field(default_factory=list)
    prefix: int = 1  # tokens before the columns: 1 (time/epoch) or 2 (time AM/PM)


@dataclass
class _Single:
    """A report of one table (see :meth:`_Scanner.scan_single`): its rows are
    ``text[start:end]`` with every ``old`` (the header lines, or their column names, which
    leaves ``remnants`` rows holding only a time) replaced by ``new``."""

    columns: Columns
    width: int
    start: int
    end: int
    old: str
    new: str
    remnants: int
    #: how many times ``old`` is in the rows
    replacements: int = 0
    #: the header lines are left in and read as comments (pidstat -h's ``# Time ...``)
    comment: str | None = None

    def head(self, text: str, size: int) -> str:
        """The first ``size`` characters of the rows, for guessing the decimal mark."""
        window = 2 * size
        while True:
            stop = min(self.end, self.start + window)
            head = text[self.start:stop].replace(self.old, self.new)
            if stop == self.end or len(head) >= size + len(self.old):
                return head[:size]
            window *= 2

    def rows(self, text: str, encoded: bytes | None) -> Rows:
        """The rows as UTF-8 bytes, squeezed (:func:`~perfkit.parsers._read.tabular.squeeze_spaces`)
        and with the replacement made, which is cheaper once squeezed. ``encoded``: the
        text's ASCII bytes, when it has them (no slice of the rows is then copied)."""
        source, start, end = ((encoded, self.start, self.end) if encoded is not None
                              else (text[self.start:self.end].encode("utf-8"), 0, None))
        squeezed = squeeze_spaces(source, start, end)
        if not self.old:
            return Rows(squeezed, 0, len(squeezed), squeezed=True)
        old, new = squeeze_spaces(self.old.encode()), squeeze_spaces(self.new.encode())
        if not self.old.startswith("\n"):
            old = b" " + old  # a header's column names, after its time
        if squeezed.count(old) == self.replacements:
            squeezed = squeezed.replace(old, new)
            return Rows(squeezed, 0, len(squeezed), squeezed=True)
        del squeezed  # squeezing made the header match elsewhere: replace before squeezing
        old, new = self.old.encode(), self.new.encode()
        if encoded is not None and not (_straddles(encoded, old, self.start)
                                        or _straddles(encoded, old, self.end)):
            shrink = len(old) - len(new)
            before = encoded.count(old, 0, self.start)
            inside = encoded.count(old, self.start, self.end)
            return Rows(encoded.replace(old, new), self.start - shrink * before,
                        self.end - shrink * (before + inside))
        rows = text[self.start:self.end].encode("utf-8").replace(old, new)
        return Rows(rows, 0, len(rows))


def _straddles(data: bytes, old: bytes, offset: int) -> bool:
    """True when an occurrence of ``old`` in ``data`` starts before ``offset`` and ends
    after it (replacing in all of ``data`` would then differ from replacing in a part)."""
    found = data.find(old, max(0, offset - len(old) + 1), offset + len(old) - 1)
    return 0 <= found < offset


@dataclass
class Report:
    """What :func:`read_report` found: tables and averages keyed by their column names."""

    attrs: dict[str, Any]
    tables: dict[Columns, pd.DataFrame]
    averages: dict[Columns, pd.DataFrame]
    restarts: pd.DataFrame
    order: list[Columns]
    #: every average label seen (``Average:``, ``Moyenne :``; sar -x's ``Minimum:``...)
    labels: set[str] = field(default_factory=set)


class _Scanner:
    """Walks the blocks of a report, keeping rows as (start, end) spans of the text."""

    def __init__(self, text: str, tool: str, strict: bool,
                 header_columns: Callable[[list[str]], Columns | None] | None) -> None:
        self.text = text
        self.tool = tool
        #: warnings given (and those a first, abandoned reading of the text gave)
        self.said: list[str] = []
        self.said_before: frozenset[str] = frozenset()
        self.strict = strict
        self.header_columns = header_columns
        self._last_line: int | None = None
        self._newlines: list[int] | None = None
        self.groups: dict[Columns, _Group] = {}
        self.avg_groups: dict[Columns, _Group] = {}
        self.order: list[Columns] = []
        self.first_seen: dict[Columns, int] = {}
        self.banners: list[tuple[int, dict[str, Any]]] = []  # (offset, facts)
        self.restarts: list[tuple[int, str, str | None, int]] = []
        self.average_labels: set[str] = set()
        self.twelve_hour = False
        self._keys: dict[str, tuple[Columns, int] | None] = {}
        #: the text's ASCII bytes while its rows are read, when it has them
        self.data: bytes | None = None
        #: whether a line of ``data`` may start with a space or a tab
        self.indented = True
        #: the table whose rows came last in a block read line by line, for a row that a
        #: blank line (a web page's) cut from its header
        self.last_table: tuple[Columns, int] | None = None
        self.told_headless = False

    # -- errors -------------------------------------------------------------------------
    @property
    def last_line(self) -> int:
        """The number of the text's last non-blank line (a truncated sample lives there)."""
        if self._last_line is None:
            self._last_line = self.text.rstrip().count("\n") + 1
        return self._last_line

    def line_number(self, offset: int) -> int:
        if self._newlines is None:  # found once: counting from the start each time is quadratic
            self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        return bisect.bisect_left(self._newlines, offset) + 1

    def bad_line(self, offset: int, line: str, why: str) -> None:
        number = self.line_number(offset)
        if number == self.last_line:
            self.warn("the last line is truncated and was dropped", number, line)
            return
        if self.strict:
            raise ParseError(why, line=number, text=line, tool=self.tool)
        self.warn(f"{why}; line skipped", number, line)

    def warn(self, message: str, number: int | None = None, line: str = "") -> None:
        """A ParseWarning naming the line, unless an earlier reading of the same text gave
        it already."""
        key = f"{number}\0{message}\0{line}"
        self.said.append(key)
        if key not in self.said_before:
            warn(message, line=number, text=line, tool=self.tool)

    # -- headers ------------------------------------------------------------------------
    def header_key(self, header: str) -> tuple[Columns, int] | None:
        """(columns, tokens before them) for a header line starting with a time, cached."""
        parts = header.split(None, 2)
        if len(parts) < 2:
            return None
        prefix = 2 if parts[1] in AM_PM else 1
        rest = parts[2] if prefix == 2 and len(parts) > 2 else header.split(None, 1)[1]
        if rest in self._keys:
            return self._keys[rest]
        tokens = header.split()
        columns = (self.header_columns(tokens) if self.header_columns
                   else tuple(tokens[prefix:]))
        if columns and (len(set(columns)) != len(columns) or _looks_numeric(columns)):
            columns = None  # a sample row where a header should be (its header was lost)
        key = (columns, prefix) if columns else None
        self._keys[rest] = key
        return key

    def hash_key(self, header: str, start: int, end: int) -> tuple[Columns, int] | None:
        """(columns, tokens before them) for pidstat -h's ``# Time UID PID ...`` header,
        whose rows carry the time: the first line of ``text[start:end]`` (the block after
        the header) that starts with a time tells how many tokens (a stray line before it
        does not count)."""
        tokens = header.split()
        columns = (self.header_columns(tokens) if self.header_columns
                   else tuple(tokens[2:]))
        if not columns:
            return None
        width = self.first_time_width(start, end)
        if width == 1 and self.rows_with_ampm(end):
            width = 2  # the first row lost its AM/PM: it is reported when its time is read
        return columns, width

    def first_time_width(self, start: int, end: int) -> int:
        """The time width (:func:`time_width`) of the first line of ``text[start:end]``
        that starts with a time; 1 when none does."""
        text = self.text
        while start < end:
            stop = text.find("\n", start, end)
            stop = end if stop < 0 else stop
            width = time_width(text[start:stop].split(None, 2))
            if width:
                return width
            start = stop + 1
        return 1

    def rows_with_ampm(self, start: int, lines: int = 40) -> bool:
        """Whether one of the next ``lines`` lines from ``start`` starts with a 12-hour time
        (``12:00:01 AM``): a 24-hour output never prints one, so a row of the same header
        without it lost a word."""
        text = self.text
        for _ in range(lines):
            if start >= len(text):
                return False
            stop = text.find("\n", start)
            stop = len(text) if stop < 0 else stop
            if time_width(text[start:stop].split(None, 2)) == 2:
                return True
            start = stop + 1
        return False

    def group(self, columns: Columns, prefix: int, at: int | None = None) -> _Group:
        """The table of ``columns``, made on first use; ``at``: where a header or row of
        it starts in the text (tables are given in the order they first appear)."""
        group = self.groups.get(columns)
        if group is None:
            group = self.groups[columns] = _Group(prefix=prefix)
            self.order.append(columns)
        if at is not None and at < self.first_seen.get(columns, at + 1):
            self.first_seen[columns] = at
        if prefix == 2:
            self.twelve_hour = True
        return group

    # -- the walk -----------------------------------------------------------------------
    def scan(self, tail: int | None = None, data: bytes | None = None,
             newlines: np.ndarray | None = None) -> None:
        """Find every block with C-speed searches; only odd blocks are read line by line.
        ``tail``: where the first line that is not a sample row starts, when known;
        ``data``: the text's ASCII bytes, when it has them (blocks are then found with
        numpy, and only one short slice per block is taken in Python), and ``newlines``
        their :func:`_newline_offsets`, when known."""
        text = self.text
        size = len(text)
        if data is not None:
            runs, seps, heads = _block_layout(
                _newline_offsets(data) if newlines is None else newlines, len(data))
            key_ids, keys = self.block_keys_ascii(data, seps, heads)
        else:
            runs, seps, heads, headers = _block_heads(text)
            key_ids, keys = np.full(len(seps), -1, dtype="int64"), []
        ends = np.append(runs[1:], size)
        ends = np.where(ends > heads, ends, heads)
        if text.endswith("\n") and len(ends):
            ends[-1] = max(heads[-1], size - 1)
        # the banner and anything before the first blank line
        self.scan_lines(0, int(runs[0]) if len(runs) else size)
        specials = np.array([m.start() + 1 for m in _SPECIAL.finditer(
            text, 0 if tail is None else tail - 1)], dtype="int64")
        odd = np.zeros(len(seps), dtype=bool)
        if len(specials):
            block_of = np.searchsorted(seps, specials, side="right") - 1
            odd[block_of[block_of >= 0]] = True
        ids: dict[str, int] = {}
        for index in np.flatnonzero(key_ids < 0).tolist():
            header = (headers[index] if data is None
                      else text[int(seps[index]):int(heads[index])])
            rest = header.partition(" ")[2]
            key_id = ids.get(rest)
            if key_id is None:
                key_id = ids[rest] = len(keys)
                keys.append(self.block_key(header, int(heads[index]), int(ends[index])))
            key_ids[index] = key_id
        found, first_block = np.unique(key_ids, return_index=True)
        first_of = dict(zip(found.tolist(), seps[first_block].tolist(), strict=True))
        for key_id, key in enumerate(keys):
            if key is None:
                odd |= key_ids == key_id
            else:
                self.group(*key, at=first_of[key_id])
        for index in np.flatnonzero(odd).tolist():
            before = int(key_ids[index - 1]) if index else -1
            if index and not odd[index - 1] and before >= 0:
                self.last_table = keys[before]
            self.scan_lines(int(seps[index]), int(ends[index]))
        normal = ~odd
        for key_id, key in enumerate(keys):
            if key is None:
                continue
            # a header with no rows (pidstat's empty reports) gives no span
            mask = normal & (key_ids == key_id) & (ends > heads + 1)
            if mask.any():
                self.group(*key).spans.append((heads[mask] + 1, ends[mask]))
        # a table first met in a block read line by line was made after the others
        self.order.sort(key=lambda columns: self.first_seen.get(columns, size))

    def block_key(self, header: str, head: int, end: int) -> tuple[Columns, int] | None:
        """The table of a block whose header line (ending at ``head``; the block ends at
        ``end``) is ``header``; None for a block to read line by line."""
        if header[:1] == "#":
            return self.hash_key(header, head + 1, end)
        timed = header[:1].isdigit() and time_width(header.split(None, 2)) > 0
        return self.header_key(header) if timed and "RESTART" not in header else None

    def block_keys_ascii(self, data: bytes, seps: np.ndarray, heads: np.ndarray,
                         ) -> tuple[np.ndarray, list[tuple[Columns, int] | None]]:
        """For each block, the index of its key in the returned list, found from the
        header's bytes after a time of the first header's shape (``00:15:31``); -1 for a
        header of another shape (the caller looks at those one by one).

        sysstat prints its reports in the same order every interval, so the headers of a
        long report repeat with a period: the first :data:`_LEARN` blocks are looked up
        one by one and give it; the later blocks' headers are checked with numpy against
        the header their place in the period foretells, and only those that differ are
        looked up."""
        key_ids = np.full(len(seps), -1, dtype="int64")
        keys: list[tuple[Columns, int] | None] = []
        if not len(seps):
            return key_ids, keys
        stamp = _TIME_AT_START.match(data, int(seps[0]), int(heads[0]))
        if stamp is None:
            return key_ids, keys
        time_shape = _TimeShape(stamp.group(1))
        ids: dict[bytes, int] = collections.defaultdict(itertools.count().__next__)
        learned = min(len(seps), _LEARN)
        key_ids[:learned] = time_shape.ids(data, seps[:learned], heads[:learned], ids)
        rest = np.arange(learned, len(seps))
        period = _period(key_ids[:learned])
        if period is not None and len(rest):
            foretold = key_ids[:period][rest % period]
            same = time_shape.same_headers(data, seps[rest], heads[rest], foretold, list(ids))
            key_ids[rest[same]] = foretold[same]
            rest = rest[~same]
        key_ids[rest] = time_shape.ids(data, seps[rest], heads[rest], ids)
        # ids are numbered as first met: each first shows where the running maximum grows
        firsts = np.flatnonzero(np.diff(np.maximum.accumulate(key_ids), prepend=-1) > 0)
        for block in firsts.tolist():
            header = self.text[int(seps[block]):int(heads[block])]
            end = int(seps[block + 1]) if block + 1 < len(seps) else len(self.text)
            keys.append(self.block_key(header, int(heads[block]), end))
        return key_ids, keys

    def scan_single(self, tail: int | None = None,
                    newlines: np.ndarray | None = None) -> _Single | None:
        """The fast path for the commonest report: one banner, then blocks that all have
        the same header, then (optionally) the averages. Returns the table's columns, its
        time width and where its rows are (see :class:`_Single`); ``None`` when the report
        is anything else. ``tail``: where the first line that is not a sample row starts
        (the averages), when the caller knows; ``newlines``: the :func:`_newline_offsets`
        of the text's ASCII bytes, when it has them."""
        text = self.text
        body_start = text.find("\n\n")
        if body_start < 0:
            return None
        if tail is None:
            special = _SPECIAL.search(text)
            tail = special.start() + 1 if special else len(text)
        if tail <= body_start or _ROW_START.search(text, tail):
            return None
        # a report of several tables shows it in its first blocks: stop before a search
        # of the whole text
        some = [m.group(1) for m in itertools.islice(
            _BLOCK_HEAD.finditer(text, body_start, tail), 64)]
        if len({h if h[:1] == "#" else h.partition(" ")[2] for h in some if h}) > 1:
            return None
        if newlines is None:
            headers = _BLOCK_HEAD.findall(text, body_start, tail)
            if headers and not headers[-1]:
                headers.pop()  # the blank line that ends the text
            count, first = len(headers), (headers[0] if headers else "")
        else:
            _, seps, heads = _block_layout(
                newlines[(newlines >= body_start) & (newlines < tail)], tail)
            count = int((seps < tail).sum())  # not the blank line that ends the text
            first = text[int(seps[0]):int(heads[0])] if count else ""
        if not count:
            return None
        if first[:1] == "#":
            # every block's header (frame_if_clean finds a header that is not: its words
            # are no numbers), and perhaps the same header again where a blank line was lost
            copies = text.count("\n" + first + "\n", body_start, tail)
            if copies < count:
                return None
            row_start = text.find(first, body_start, tail) + len(first) + 1
            key = self.hash_key(first, row_start, tail)
            cut, remnants = ("\n" + first + "\n", "\n"), 0
            if copies == count and first.count("#") == 1 and \
                    text.count("#", body_start, tail) == count:
                cut = ("", "")  # no other "#": the reader skips the headers as comments
        else:
            rest = first.partition(" ")[2]
            if not (first[:1].isdigit() and time_width(first.split(None, 2))) or \
                    "RESTART" in first or text.count(rest, body_start, tail) != count:
                return None
            key = self.header_key(first)
            cut, remnants = (rest, ""), count
        if key is None:
            return None
        self.group(*key)
        self.scan_lines(0, body_start)
        if tail < len(text):
            self.scan_lines(tail, len(text), current=key)
        return _Single(key[0], key[1], body_start, tail, *cut, remnants,
                       replacements=copies if first[:1] == "#" else count,
                       comment=None if cut[0] else "#")

    def scan_lines(self, start: int, end: int,
                   current: tuple[Columns, int] | None = None) -> None:
        """The careful path, line by line, for blocks with banners, averages or odd lines;
        ``current`` is the table whose rows come just before ``start``.

        An average header of a table no sample header named (sar -I's ``Summary: INTR
        CPU0 ...``) counts only once an average row follows it: a stray ``word: ...`` line
        is reported, and the real average rows after it still reach their table."""
        text = self.text
        average: Columns | None = None
        unconfirmed: tuple[int, str] | None = None  # such a header, no row under it yet
        offset = start

        def confirm(row_follows: bool) -> None:
            nonlocal unconfirmed
            if unconfirmed is not None and not row_follows:
                self.bad_line(*unconfirmed, _NOT_A_SYSSTAT_LINE)
            elif unconfirmed is not None:
                self.average_labels.add(label_of(unconfirmed[1]))
            unconfirmed = None

        for line in text[start:end].split("\n"):
            line_start = offset
            offset += len(line) + 1
            stripped = line.strip()
            if not stripped:
                confirm(False)
                current = average = None
                continue
            first = stripped[0]
            if first.isdigit() or first == "#" or is_banner(line):
                confirm(False)
                average = None
            if is_banner(line):
                self.banners.append((line_start, parse_banner(line)))
                current = None
            elif first.isdigit():
                if current is None:
                    if "RESTART" in line:
                        self.restart(line_start, line)
                        continue
                    current = self.header_key(line) if time_width(line.split()) else None
                    if current is None and self.headless_row(line_start, line):
                        current = self.last_table
                        assert current is not None
                        self.group(*current, at=line_start).spans.append(
                            (line_start, line_start + len(line)))
                    elif current is None:
                        self.bad_line(line_start, line, "expected a header line")
                    else:
                        self.group(*current, at=line_start)
                        self.last_table = current
                else:
                    if not current[1]:  # after a "#" header: the first row shows the width
                        current = (current[0], time_width(line.split()) or 1)
                    self.group(*current, at=line_start).spans.append(
                        (line_start, line_start + len(line)))
                    self.last_table = current
            elif first == "#":
                tokens = line.split()
                columns = (self.header_columns(tokens) if self.header_columns
                           else tuple(tokens[2:]))
                # pidstat -h: the time (1 token, or 2 with AM/PM) lives on each row
                current = (columns, 0) if columns else None
                if current is None:
                    self.bad_line(line_start, line, "expected a header line")
            else:
                tokens = line.split()
                width = label_width(tokens)
                if not width:
                    self.bad_line(line_start, line, _NOT_A_SYSSTAT_LINE)
                    continue
                rest = tuple(tokens[width:])
                if (average is None and current is None and len(set(rest)) != len(rest)
                        and not _looks_numeric(rest)):
                    confirm(False)  # rows after it reach their table only by their shape
                    self.bad_line(line_start, line, "an average header that names a column "
                                  "twice (a word printed twice?)")
                    current = average = None
                    continue
                known = rest in self.groups
                if known or (average is None and current is None and not _looks_numeric(rest)):
                    confirm(False)
                    if known:
                        self.average_labels.add(" ".join(tokens[:width]))
                    else:
                        unconfirmed = (line_start, line)
                    average = rest
                    current = None
                    continue
                target = average or (current[0] if current else None)
                if target is None and self.last_table is not None and self.headless_row(
                        line_start, " ".join(["-"] * self.last_table[1] + list(rest))):
                    target = self.last_table[0]  # an average row a blank line cut off
                if target is None:
                    self.bad_line(line_start, line, "an average row before any header")
                    continue
                confirm(True)
                self.average_labels.add(" ".join(tokens[:width]))
                cut = len(line) - len(line.lstrip())
                for token in tokens[:width]:
                    cut = line.index(token, cut) + len(token)
                self.avg_groups.setdefault(target, _Group(prefix=0)).spans.append(
                    (line_start + cut, line_start + len(line)))
        confirm(False)

    def headless_row(self, offset: int, line: str) -> bool:
        """True for a sample row that a blank line cut from its header (a web page doubled
        the line breaks): as many fields as the table of the rows just before it, which it
        then joins, with one warning for the text (:class:`ParseError` with ``strict``)."""
        table = self.last_table
        if table is None or len(line.split()) != len(table[0]) + table[1]:
            return False
        if self.strict:
            raise ParseError("a sample row after a blank line, without its header",
                             line=self.line_number(offset), text=line, tool=self.tool)
        if not self.told_headless:
            self.told_headless = True
            self.warn("sample rows after a blank line, without their header: read under "
                      "the header above, whose columns they fit", self.line_number(offset),
                      line)
        return True

    def restart(self, offset: int, line: str) -> None:
        tokens = line.split()
        ampm = tokens[1] if len(tokens) > 1 and tokens[1] in AM_PM else None
        cpus = re.search(r"\((\d+) CPU\)", line)
        self.restarts.append((offset, tokens[0], ampm, int(cpus.group(1)) if cpus else 0))
        self.twelve_hour |= ampm is not None


def _looks_numeric(tokens: Columns) -> bool:
    """True when most tokens are numbers (an average row rather than a header)."""
    numeric = sum(1 for t in tokens if t.replace(",", "").replace(".", "").lstrip("-").isdigit())
    return numeric * 2 >= len(tokens)


def _without_cut_last_row(text: str, tool: str) -> str:
    """``text`` without its last line when that line was cut short in its last field: no
    newline after it, ending in a number like the row above it, with as many fields as
    that row but fewer characters (sysstat pads every number column of a table to one
    width, right-aligned: its rows line up; a header's long names may not).

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     _without_cut_last_row("h\\n00:01  all  84.26\\n00:02  all  84.2", "mpstat")
    'h\\n00:01  all  84.26\\n'
    """
    cut = text.rfind("\n")
    last = text[cut + 1:]
    above = text[text.rfind("\n", 0, max(cut, 0)) + 1: max(cut, 0)]
    # a row starts with its time, an average row with its label: both padded to one width
    if cut < 0 or not all(line[:1].isdigit() or label_of(line) for line in (last, above)):
        return text
    fields, fields_above = last.split(), above.split()
    numbers = all(row and _NUMBER.fullmatch(row[-1]) for row in (fields, fields_above))
    if numbers and len(fields) == len(fields_above) and \
            len(last.rstrip()) < len(above.rstrip()):
        warn("the last line is truncated (no newline after it, shorter than the row above) "
             "and was dropped", line=text.count("\n") + 1, text=last, tool=tool)
        return text[:cut + 1]
    return text
