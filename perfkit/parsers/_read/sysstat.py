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

import collections
import itertools
import re
import warnings
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ...errors import ParseError, ParseWarning
from .banner import is_banner, parse_banner
from .numeric import detect_decimal
from .tabular import (
    Rows,
    chunk_bounds,
    frame_from_text,
    frame_if_clean,
    read_rows,
    squeeze_spaces,
    squeeze_spans,
)
from .times import AM_PM, combine, guess_dayfirst, is_time, parse_date, times_of_day

Columns = tuple[str, ...]
_EPOCH = re.compile(r"^\d{9,11}$")
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
#: A blank line and the header line after it: the start of every block.
_BLOCK_HEAD = re.compile(r"\n\n+([^\n]*)")
_ROW_START = re.compile(r"\n[\d#]")
#: A time of day at the start of a header line, and the space after it.
_TIME_AT_START = re.compile(rb"(\d{1,2}:\d\d:\d\d) ")
#: Words sysstat prints as the average label in the C locale; any other label (``Moyenne :``)
#: tells a translated output.
AVERAGE_WORDS = ("Average:",)
_NOT_A_SYSSTAT_LINE = "a line that is neither a banner, a header, a sample row nor an average row"
_CHUNK = 32 << 20  # characters of rows handed to read_csv at once (bounds peak memory)


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

    # -- errors -------------------------------------------------------------------------
    @property
    def last_line(self) -> int:
        """The number of the text's last non-blank line (a truncated sample lives there)."""
        if self._last_line is None:
            self._last_line = self.text.rstrip().count("\n") + 1
        return self._last_line

    def line_number(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def bad_line(self, offset: int, line: str, why: str) -> None:
        number = self.line_number(offset)
        if number == self.last_line:
            self.warn(f"{self.tool}: line {number}: the last line is truncated and was "
                      f"dropped: {line!r}")
            return
        if self.strict:
            raise ParseError(why, line=number, text=line, tool=self.tool)
        self.warn(f"{self.tool}: line {number}: {why}; line skipped: {line!r}")

    def warn(self, message: str) -> None:
        """A ParseWarning, unless an earlier reading of the same text gave it already."""
        self.said.append(message)
        if message not in self.said_before:
            warnings.warn(message, ParseWarning, stacklevel=5)

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
        return columns, self.first_time_width(start, end)

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
        for index in np.flatnonzero(odd):
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
                    if current is None:
                        self.bad_line(line_start, line, "expected a header line")
                    else:
                        self.group(*current, at=line_start)
                else:
                    if not current[1]:  # after a "#" header: the first row shows the width
                        current = (current[0], time_width(line.split()) or 1)
                    self.group(*current, at=line_start).spans.append(
                        (line_start, line_start + len(line)))
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

    def restart(self, offset: int, line: str) -> None:
        tokens = line.split()
        ampm = tokens[1] if len(tokens) > 1 and tokens[1] in AM_PM else None
        cpus = re.search(r"\((\d+) CPU\)", line)
        self.restarts.append((offset, tokens[0], ampm, int(cpus.group(1)) if cpus else 0))
        self.twelve_hour |= ampm is not None


def read_tidy_report(text: str, **options: Any) -> Report | None:
    """:func:`read_report` for a caller with a slower path for odd text: ``None`` instead
    of any :class:`~perfkit.errors.ParseWarning` or :class:`~perfkit.errors.ParseError`
    (the slower path then says what is wrong).

    >>> read_tidy_report("Linux 6.1.0 (h) 11/25/26 _x86_64_ (2 CPU)\\n\\n"
    ...                  "00:15:31 CPU %usr\\n00:15:32 all 42.00 junk\\n", tool="mpstat") is None
    True
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ParseWarning)
        try:
            report = read_report(text, **options)
        except ParseError:
            return None
    odd = [w for w in caught if issubclass(w.category, ParseWarning)]
    for other in caught:
        if not issubclass(other.category, ParseWarning):
            warnings.warn_explicit(other.message, other.category, other.filename, other.lineno)
    return None if odd else report


def read_report(text: str, *, tool: str, text_columns: Collection[str] = (),
                rest_column: str | None = None, strict: bool = False,
                dayfirst: bool | None = None,
                header_columns: Callable[[list[str]], Columns | None] | None = None,
                encoded: list[bytes] | None = None, _careful: bool = False,
                _said: frozenset[str] = frozenset()) -> Report:
    """Split a sysstat text report into typed tables (see the module docstring).

    Args:
        text_columns: columns kept as text (``CPU``, ``Command``, ``IFACE``...).
        rest_column: a last column that may contain spaces (pidstat's ``Command``).
        header_columns: for a header line's tokens, the column names, or ``None`` when the
            line is not a header; the default takes the tokens after the time (and AM/PM).
        encoded: a list holding the text's bytes when it is ASCII and the caller has them
            (:func:`~perfkit.parsers._read.text.clean_text_and_bytes`), to save encoding it again;
            read_report takes them out of the list and lets go of them once read.
    """
    data = encoded.pop() if encoded else None
    if data is not None and len(data) != len(text):
        data = None  # not the ASCII bytes of this text
    if rest_column is None and not text.endswith("\n"):
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
    visible = _VISIBLE.search(text)
    if not visible:
        raise ParseError("empty input", line=1, tool=tool)
    line_start = text.rfind("\n", 0, visible.start()) + 1
    line_end = text.find("\n", visible.start())
    first_line = text[line_start: line_end if line_end >= 0 else None]
    if not is_banner(first_line):
        raise ParseError("expected a sysstat banner such as 'Linux 6.1.0 (host) 11/24/26 "
                         "_x86_64_ (2 CPU)'", line=text.count("\n", 0, line_start) + 1,
                         text=first_line, tool=tool)
    scanner = _Scanner(text, tool, strict, header_columns)
    scanner.said_before = _said
    single = None if _careful or line_start else scanner.scan_single(tail, newlines)
    rows = _single_rows(single, text, data) if single is not None else None
    if single is None:
        scanner.scan(tail, data, newlines)
        scanner.data, scanner.indented = data, indented  # for reading the rows' bytes
        sample_rows: list[str] = []
        for group in scanner.groups.values():
            starts, ends = _flatten(group.spans[:20])
            sample_rows.extend(text[a:b] for a, b in zip(starts[:20].tolist(),
                                                         ends[:20].tolist(), strict=True))
        sample = "\n".join(sample_rows)
    else:
        sample = single.head(text, 20000)
    data = newlines = None  # read or kept by the scanner: let these references go
    decimal = detect_decimal(sample.split("\n")[:200])
    banners = [facts for _, facts in scanner.banners]
    facts = dict(banners[0]) if banners else {}
    translated = bool(scanner.average_labels - set(AVERAGE_WORDS))
    if dayfirst is None and banners:
        dayfirst = guess_dayfirst(decimal=decimal, twelve_hour=scanner.twelve_hour,
                                  translated=translated, date_text=banners[0]["date_text"])
    dates: list[pd.Timestamp | None] = []
    for banner in banners:
        try:
            dates.append(parse_date(banner["date_text"], dayfirst=dayfirst))
        except ValueError:
            dates.append(None)
    labels = sorted(scanner.average_labels)
    facts.update({"tool": tool, "date": dates[0] if dates else None, "decimal": decimal,
                  "twelve_hour_clock": scanner.twelve_hour,
                  "average_label": labels[0] if labels else None})
    banner_offsets = np.array([offset for offset, _ in scanner.banners], dtype="int64")
    # the time of day each banner's date belongs to: its run's first header (a row after
    # midnight is on the next day even when it is the table's first)
    day_starts = [_first_time_of_day(text, offset) for offset in banner_offsets.tolist()]

    tables: dict[Columns, pd.DataFrame] = {}
    # the time (and AM/PM) columns each table's rows start with, read and then dropped
    stamps = {columns: ["__time", "__ampm"][:scanner.groups[columns].prefix]
              for columns in scanner.order}
    read: dict[Columns, tuple[pd.DataFrame, np.ndarray]] = {}
    if single is None:  # every table at once: they can be read side by side
        read = dict(zip(scanner.order, _read_tables(scanner, [
            _Request(scanner.groups[columns].spans, [*stamps[columns], *columns],
                     {*text_columns, *stamps[columns]}, decimal, rest_column,
                     scratch_columns=stamps[columns]) for columns in scanner.order]),
            strict=True))
    for columns in scanner.order:
        stamp = stamps[columns]
        if single is not None:
            frame = None if rows is None else frame_if_clean(
                rows, [*stamp, *columns], text_columns=text_columns, scratch_columns=stamp,
                decimal=decimal, placeholder_rows=single.remnants, comment=single.comment)
            if frame is None:  # something odd: read it again, line by line
                return read_report(text, tool=tool, text_columns=text_columns,
                                   rest_column=rest_column, strict=strict,
                                   dayfirst=dayfirst, header_columns=header_columns,
                                   _careful=True, _said=frozenset(scanner.said))
            starts = np.zeros(len(frame), dtype="int64")
        else:
            frame, starts = read.pop(columns)
        segments = (np.searchsorted(banner_offsets, starts, side="right") - 1
                    if len(banner_offsets) > 1 else np.zeros(len(frame), dtype="int64"))
        times = _times(frame, segments, dates, tool, scanner, starts, day_starts)
        scratch = stamp
        if "time" in frame.columns:  # not a sysstat column: keep both, as pandas would
            frame.insert(0, "time", times)
        else:  # the stamps' column (the first) becomes the times: no other column moves
            frame["__time"] = times.to_numpy()
            frame.columns = ["time", *frame.columns[1:]]
            scratch = stamp[1:]
        for name in scratch:
            del frame[name]  # in place: drop() would copy the whole frame
        frame.attrs = dict(facts)
        tables[columns] = frame
    scanner.data = None  # every table is read: let the text's bytes go
    averages: dict[Columns, pd.DataFrame] = {}
    for columns, group in scanner.avg_groups.items():
        [(frame, _)] = _read_tables(scanner, [_Request(group.spans, list(columns),
                                                       set(text_columns), decimal,
                                                       rest_column)])
        frame.attrs = dict(facts)
        averages[columns] = frame
    restart_frame = pd.DataFrame(
        {"time": _restart_times(scanner.restarts, dates, day_starts),
         "cpus": [cpus for *_, cpus in scanner.restarts]})
    return Report(facts, tables, averages, restart_frame, scanner.order,
                  set(scanner.average_labels))


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


def time_width(tokens: Sequence[str]) -> int:
    """How many leading tokens make the time: 0 (none), 1, or 2 (``12:15:33 AM``)."""
    if not tokens:
        return 0
    if is_time(tokens[0]):
        return 2 if len(tokens) > 1 and tokens[1] in AM_PM else 1
    if _EPOCH.match(tokens[0]):
        return 1
    return 0


def label_of(line: str) -> str:
    """The average label a line starts with (``Average:``, ``Moyenne :``), or ``""``.

    >>> label_of("Moyenne :      all      2,51")
    'Moyenne :'
    """
    tokens = line.split()
    return " ".join(tokens[:label_width(tokens)])


def label_width(tokens: Sequence[str]) -> int:
    """Tokens making an average label (``Average:``, ``Moyenne :``, ``平均値:``), or 0."""
    for index, token in enumerate(tokens[:3]):
        if token.endswith(":") and not is_time(token.rstrip(":")):
            return index + 1
        if token[:1].isdigit():
            return 0
    return 0


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
        warnings.warn(f"{tool}: line {text.count(chr(10)) + 1}: the last line is truncated "
                      f"(no newline after it, shorter than the row above) and was dropped: "
                      f"{last!r}", ParseWarning, stacklevel=3)
        return text[:cut + 1]
    return text


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
    uniques = [str(value) for value in found]
    if _EPOCH.match(uniques[codes[0]]):
        seconds = pd.to_numeric(pd.Series(uniques), errors="coerce").to_numpy()[codes]
        if np.isnan(seconds).any():
            row = int(np.flatnonzero(np.isnan(seconds))[0])
            raise ParseError("not a time stamp", line=scanner.line_number(int(starts[row])),
                             text=uniques[codes[row]], tool=tool)
        return pd.Series(pd.to_datetime(seconds, unit="s"), dtype="datetime64[ns]")
    odd = [index for index, value in enumerate(uniques) if not is_time(value)]
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
    if len(dates) <= 1:
        return combine(dates[0] if dates else None, per_row,
                       day_starts[0] if day_starts else None)
    result = np.empty(len(per_row), dtype="datetime64[ns]")
    for segment in np.unique(segments):  # one per banner (dates and day_starts alike)
        mask = segments == segment
        known = 0 <= segment < len(dates)
        result[mask] = combine(dates[segment] if known else None, per_row[mask],
                               day_starts[segment] if known else None).to_numpy()
    return pd.Series(result)


def _restart_times(restarts: list, dates: list, day_starts: list[int | None]) -> pd.Series:
    if not restarts:
        return pd.Series([], dtype="datetime64[ns]")
    stamps = pd.Series([time for _, time, _, _ in restarts])
    ampm = [a for _, _, a, _ in restarts]
    seconds = times_of_day(stamps, pd.Series(ampm) if all(ampm) else None)
    return combine(dates[0] if dates else None, seconds,
                   day_starts[0] if day_starts else None)
