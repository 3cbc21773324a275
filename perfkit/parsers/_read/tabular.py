"""Whitespace-separated rows to a typed DataFrame, with pandas' C reader doing the splitting.

Parsers first recognise which lines are rows of which table; :func:`frame_from_text` then
turns all rows of one table into a DataFrame in a single ``pandas.read_csv`` call (no Python
loop over lines), after :func:`squeeze_spaces` has made the padding of aligned columns
single spaces with numpy (the C reader splits those more than twice as fast).

It checks every row: a row with too few fields, a number column holding text, or an
unreadable value raises :class:`~perfkit.errors.ParseError` naming the line
(``strict=True``) or is dropped with a :class:`~perfkit.errors.ParseWarning` that names it.
A short *last* row of the input is a truncated sample and is always dropped with a warning.

>>> import numpy as np
>>> df = frame_from_lines(["all 9,23 1", "0 7,00 2"], np.array([3, 4]),
...                       ["CPU", "%usr", "n"], text_columns={"CPU"}, decimal=",", tool="mpstat")
>>> df["%usr"].tolist(), df["CPU"].tolist()
([9.23, 7.0], ['all', '0'])
"""

from __future__ import annotations

import io
import itertools
import warnings
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import is_numeric_dtype

from ...errors import bad_line, warn

#: For a row index of the blob, its (1-based input line number, line text), and whether it
#: is the input's last line (a truncated sample).
Locate = Callable[[int], tuple[int | None, str, bool]]


def frame_from_lines(lines: Sequence[str], line_numbers: np.ndarray | Sequence[int],
                     names: Sequence[str], *, text_columns: Collection[str] = (),
                     decimal: str = ".", tool: str, strict: bool = False,
                     last_line: int | None = None, rest_column: str | None = None,
                     ) -> pd.DataFrame:
    """Parse ``lines`` (one row each) into a frame with columns ``names``.

    Args:
        line_numbers: the 1-based input line number of each row, for error messages.
        text_columns: columns kept as strings; every other column must be numeric.
        decimal: the decimal mark (``","`` in de_DE/fr_FR output).
        last_line: the number of the input's last non-blank line; a short row there is a
            truncated sample (dropped with a warning, even in strict mode).
        rest_column: a last column that takes the rest of the line, spaces included
            (pidstat's ``Command`` with ``-l``).

    The returned frame's index is each row's position in ``lines``, so a caller can line up
    what it kept with data of its own; dropped rows leave gaps.
    """
    numbers = np.asarray(line_numbers, dtype="int64")

    def locate(index: int) -> tuple[int | None, str, bool]:
        number = int(numbers[index])
        return number, lines[index], last_line is not None and number == last_line

    return frame_from_text("\n".join(lines), len(lines), names, locate=locate,
                           text_columns=text_columns, decimal=decimal, tool=tool,
                           strict=strict, rest_column=rest_column)


def frame_from_text(blob: str | bytes | Callable[[], str | bytes], count: int,
                    names: Sequence[str], *, locate: Locate,
                    text_columns: Collection[str] = (), scratch_columns: Collection[str] = (),
                    decimal: str = ".", tool: str,
                    strict: bool = False, rest_column: str | None = None,
                    first_read: Callable[[], pd.DataFrame | None] | None = None,
                    ) -> pd.DataFrame:
    """Like :func:`frame_from_lines`, for ``count`` rows already joined into ``blob``.

    ``locate(i)`` tells where row ``i`` came from; it is called only for rows in error.
    ``blob`` may be UTF-8 bytes, or a function that gives them (called only when the
    first read fails, so a caller may read squeezed rows and join the rows as printed
    only then). ``scratch_columns``: as in :func:`frame_if_clean`.
    ``first_read``: what :func:`read_rows` gave for the same arguments, when the caller
    had it done already (in a worker thread, say); needed when ``blob`` is a function.
    """
    names = list(names)
    rows_of = blob if callable(blob) else lambda: blob
    if count == 0:
        return pd.DataFrame({name: pd.Series(dtype=object if name in text_columns else float)
                             for name in names})
    dtypes = _dtypes(names, text_columns, scratch_columns)
    frame = first_read() if first_read is not None else read_rows(
        rows_of(), names, text_columns=text_columns, scratch_columns=scratch_columns,
        decimal=decimal)
    # rows read as they are: squeezed, their fields are never empty, so a short row is
    # one whose last cell is missing
    short_rows_only = frame is not None and len(frame) == count
    if not short_rows_only:  # a row too long, or the reader gave up
        blob = rows_of()
        squeezed = squeeze_spaces(blob.encode("utf-8") if isinstance(blob, str) else blob)
        frame = _read_fast(squeezed, [*names, *_EXTRA], dtypes, decimal)
        del squeezed
        overlong = None if frame is None or len(frame) != count else (
            frame[list(_EXTRA)].notna().any(axis=1).to_numpy())
        if overlong is not None and (rest_column != names[-1] or not overlong.any()):
            _drop_columns(frame, _EXTRA)
            for index in np.flatnonzero(overlong):
                frame.loc[frame.index[index], names[-1]] = np.nan  # reported as bad below
        else:
            text = blob.decode("utf-8") if isinstance(blob, bytes) else blob
            frame = _split_by_hand(text.replace("\t", " ").split("\n"), names, dtypes,
                                   decimal, rest_column)
    bad = np.zeros(len(frame), dtype=bool)
    for name, dtype in frame.dtypes.items():
        if name not in text_columns and not is_numeric_dtype(dtype):
            column = frame[name]
            raw = column.astype(object)
            if decimal != ".":
                raw = raw.str.replace(decimal, ".", regex=False)
            converted = pd.to_numeric(raw, errors="coerce")
            bad |= (converted.isna() & column.notna()).to_numpy()
            frame[name] = converted
    bad |= _isna(frame[names[-1]]) if short_rows_only else _missing_any(frame)
    if bad.any():
        frame = _drop_bad_rows(frame, bad, locate, tool, strict)
        # the dropped rows' empty cells made whole-number columns float: the first good
        # rows, read alone, tell which were printed as whole numbers
        good = np.flatnonzero(~bad)[:3].tolist()
        if good:
            rows = rows_of()
            lines = (rows.decode("utf-8") if isinstance(rows, bytes) else rows).split("\n")
            sample = "\n".join(lines[index] for index in good).encode("utf-8")
            _restore_integers(frame, squeeze_spaces(sample), names, dtypes, decimal)
    return frame


def read_rows(blob: str | bytes, names: Sequence[str], *, text_columns: Collection[str] = (),
              scratch_columns: Collection[str] = (), decimal: str = ".",
              squeezed: bool = False,
              usecols: Sequence[str] | None = None) -> pd.DataFrame | None:
    """The hopeful first read of :func:`frame_from_text`: ``blob`` squeezed and read in
    one call, or None when its rows do not all fit ``names`` (frame_from_text then finds
    out which). It touches no shared state (no warning filters), so that a caller may run
    it in a worker thread: pandas lets go of the interpreter while it splits and converts.
    ``squeezed``: ``blob`` is bytes that :func:`squeeze_spaces` gave already.
    ``usecols``: the columns to keep (the others are split off, not converted).

    >>> read_rows(b"all  1.5\\n0  2", ["CPU", "v"], text_columns={"CPU"})["v"].tolist()
    [1.5, 2.0]
    >>> read_rows(b"all 1.5 x\\n0 2", ["CPU", "v"]) is None
    True
    """
    names = list(names)
    if squeezed and isinstance(blob, bytes):
        rows = blob
    else:
        rows = squeeze_spaces(blob.encode("utf-8") if isinstance(blob, str) else blob)
    end = rows.find(b"\n")
    first = rows[:end if end >= 0 else len(rows)]
    if first and first.count(b" ") + 1 > len(names):
        return None  # pandas would only warn, and drop the extra fields
    try:
        return pd.read_csv(io.BytesIO(rows), usecols=usecols, **_csv_options(
            names, _dtypes(names, text_columns, scratch_columns), decimal))
    except (pd.errors.ParserError, ValueError):
        return None


def _dtypes(names: Sequence[str], text_columns: Collection[str],
            scratch_columns: Collection[str]) -> dict[str, Any]:
    """read_csv's dtypes: ``str`` for text columns, plain objects for scratch columns (the
    times, factorized by their reader: as categories, pandas checks each of a day-long run's
    distinct times for a true/false spelling)."""
    dtypes: dict[str, Any] = {name: str for name in names if name in text_columns}
    dtypes.update({name: object for name in names if name in scratch_columns})
    return dtypes


def _csv_options(names: list[str], dtypes: dict, decimal: str, *,
                 skip_blank_lines: bool = False, comment: str | None = None) -> dict:
    """The read_csv options for squeezed rows: one space between fields, nothing quoted,
    only an empty field missing, no index."""
    return dict(encoding="utf-8", sep=" ", header=None, names=names, dtype=dtypes,
                decimal=decimal, engine="c", skip_blank_lines=skip_blank_lines,
                comment=comment, quoting=3, keep_default_na=False, na_values=[""],
                index_col=False)


_EXTRA = ("__extra1", "__extra2")
#: What read_csv makes of a ``dtype=str`` column (``str`` from pandas 3 on, object before),
#: so that rows split by hand give the same frame.
_TEXT_DTYPE: Any = "str" if int(pd.__version__.split(".")[0]) >= 3 else object


def _read_fast(data: bytes, names: list[str], dtypes: dict, decimal: str, *,
               skip_blank_lines: bool = False, comment: str | None = None,
               ) -> pd.DataFrame | None:
    """One read_csv call on rows squeezed by :func:`squeeze_spaces`; None when the C reader
    cannot take them as they are, a row with more fields than ``names`` among them (with
    ``index_col=False`` pandas stops there instead of making the extra fields an index).

    ``names`` may end with :data:`_EXTRA`, spare columns that take such fields, so that a
    caller can tell which rows are too long; their type is left to pandas (all-NaN floats
    when no row is too long: cheaper than empty strings), since only whether they hold
    anything matters.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            return pd.read_csv(io.BytesIO(data), **_csv_options(
                names, dtypes, decimal, skip_blank_lines=skip_blank_lines, comment=comment))
        except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError):
            return None


#: Bytes of text squeezed at once by :func:`squeeze_spaces` (bounds its scratch memory).
_SQUEEZE_CHUNK = 1 << 23


def squeeze_spaces(data: bytes, start: int = 0, end: int | None = None) -> bytes:
    """``data[start:end]`` with every run of spaces and tabs made one space, and no space
    at the start or end of a line. The C reader splits single spaces two to three times
    faster than it skips the padding of aligned columns; squeezing costs less than the
    difference.

    >>> squeeze_spaces(b"  all    1.00 \\t 2 \\n  0  3.00 4\\n")
    b'all 1.00 2\\n0 3.00 4\\n'
    """
    end = len(data) if end is None else end
    tabs = data.find(b"\t", start, end) >= 0
    whole = np.frombuffer(data, dtype=np.uint8)[start:end]
    if tabs:
        whole = np.where(whole == 9, np.uint8(32), whole)
    pieces: list[bytes] = []
    leading = False
    for offset in range(0, len(whole), _SQUEEZE_CHUNK):
        stop = min(offset + _SQUEEZE_CHUNK, len(whole))
        chunk = whole[offset:stop]
        space = chunk == 32
        # a space goes when a space or a newline follows it: the last of a run stays
        after = whole[offset + 1:stop + 1]
        ends_run = np.ones(len(chunk), dtype=bool)  # the very last byte: nothing follows
        np.logical_or(after == 32, after == 10, out=ends_run[:len(after)])
        pieces.append(chunk[~(space & ends_run)].tobytes())
        # a run at the start of a line leaves one space there: rare, taken out below
        leading = leading or bool(space[0] and (offset == 0 or whole[offset - 1] == 10)) \
            or bool(np.any(space[1:] & (chunk[:-1] == 10)))
    squeezed = b"".join(pieces)
    if leading:
        squeezed = squeezed.replace(b"\n ", b"\n").removeprefix(b" ")
    return squeezed


def chunk_bounds(sizes: np.ndarray, chunk: int) -> list[tuple[int, int]]:
    """Split items of ``sizes`` into runs of about ``chunk`` in all: each run's first and
    last-plus-one index (no empty run).

    >>> chunk_bounds(np.array([3, 3, 3, 3, 3]), 6)
    [(0, 1), (1, 3), (3, 5)]
    """
    total = np.cumsum(sizes)
    cuts = np.searchsorted(total, np.arange(chunk, int(total[-1]) if len(total) else 0, chunk))
    bounds = [0, *cuts.tolist(), len(sizes)]
    return [(low, high) for low, high in itertools.pairwise(bounds) if high > low]


#: Bytes of spans that :func:`squeeze_spans` lays out at once (bounds its scratch memory).
_SPANS_CHUNK = 1 << 21
#: How much longer than the spans themselves :func:`squeeze_spans` lets its padded layout
#: be before it declines (spans of very different lengths).
_MAX_PADDING = 1.5


def squeeze_spans(data: bytes, starts: np.ndarray, ends: np.ndarray, *,
                  tabs: bool = True, indented: bool = True) -> bytes | None:
    """What ``squeeze_spaces(b"\\n".join(data[a:b] for a, b in zip(starts, ends)))`` gives,
    without a Python slice per span: numpy copies each span into a row of a padded 2D
    array (all spans of a sysstat table have about the same length), squeezes every row
    at once and keeps the bytes that stay. Returns None when the spans' lengths vary too
    much for that to pay (the caller joins and squeezes them itself). ``tabs=False``
    tells that the spans hold no tab, ``indented=False`` that none of their lines
    starts with a space or a tab.

    >>> data = b"h\\n1  a   2\\nx\\n3 b  4 \\n"
    >>> squeeze_spans(data, np.array([2, 13]), np.array([10, 20]))
    b'1 a 2\\n3 b 4'
    """
    codes = np.frombuffer(data, dtype=np.uint8)
    starts = np.asarray(starts, dtype="int64")
    lengths = np.asarray(ends, dtype="int64") - starts
    if not len(lengths):
        return b""
    pieces: list[bytes] = []
    for low, high in chunk_bounds(lengths + 1, _SPANS_CHUNK):
        piece = _squeeze_rows(codes, starts[low:high], lengths[low:high], tabs,
                              last=high == len(lengths))
        if piece is None:
            return None
        pieces.append(piece)
    squeezed = b"".join(pieces) if len(pieces) > 1 else pieces[0]
    if not indented:
        return squeezed
    # leading spaces of a line leave one space: take it out
    return squeezed.replace(b"\n ", b"\n").removeprefix(b" ")


#: Bytes of spans that :func:`squeezed_pieces` squeezes at once.
_PIECE = 1 << 19


def squeezed_pieces(data: bytes, starts: np.ndarray, ends: np.ndarray, *, tabs: bool = True,
                    indented: bool = True) -> list[bytes]:
    """:func:`squeeze_spans` of the spans, in pieces of about half a megabyte that
    ``b"\\n".join`` makes whole: the caller can let go of ``data`` before it joins them,
    and the scratch memory stays small.

    >>> squeezed_pieces(b"h\\n1  a   2\\nx\\n3 b  4 \\n", np.array([2, 13]), np.array([10, 20]))
    [b'1 a 2\\n3 b 4']
    """
    pieces = []
    for low, high in chunk_bounds(np.asarray(ends) - np.asarray(starts) + 1, _PIECE):
        part_starts, part_ends = starts[low:high], ends[low:high]
        piece = squeeze_spans(data, part_starts, part_ends, tabs=tabs, indented=indented)
        if piece is None:  # spans of very different lengths
            piece = squeeze_spaces(b"\n".join(data[a:b] for a, b in zip(
                part_starts.tolist(), part_ends.tolist(), strict=True)))
        pieces.append(piece)
    return pieces


def _squeeze_rows(codes: np.ndarray, starts: np.ndarray, lengths: np.ndarray, tabs: bool,
                  last: bool) -> bytes | None:
    """The spans ``codes[start:start + length]``, each followed by a newline (but the very
    last when ``last``), squeezed as :func:`squeeze_spaces` does, but for the leading
    spaces' removal; None when padding them to one width costs too much.

    Each span fills a row of a 2D array, padded with spaces up to a newline in the last
    column: the squeeze drops that padding as it drops any space before a newline.
    """
    width = int(lengths.max()) + 1  # room for the newline after each span
    count = len(lengths)
    if count * width > _MAX_PADDING * int((lengths + 1).sum()) + 64:
        return None
    room = len(codes) - width  # a window starting after this runs past the end
    if room >= 0 and int(starts.max()) <= room:
        rows = np.lib.stride_tricks.sliding_window_view(codes, width)[starts]
    else:  # the spans near the text's end: windows from a padded copy of that end
        over = starts > room
        tail_start = int(starts[over].min())
        tail = np.zeros(len(codes) - tail_start + width, dtype=np.uint8)
        tail[:len(codes) - tail_start] = codes[tail_start:]
        rows = np.empty((count, width), dtype=np.uint8)
        rows[over] = np.lib.stride_tricks.sliding_window_view(tail, width)[
            starts[over] - tail_start]
        if not over.all():
            rows[~over] = np.lib.stride_tricks.sliding_window_view(codes, width)[
                starts[~over]]
    shortest = int(lengths.min())
    if shortest < width - 1:  # the padding of shorter spans: only the columns they lack
        band = rows[:, shortest:width - 1]
        band[np.arange(shortest, width - 1) >= lengths[:, None]] = 32
    rows[:, -1] = 10
    flat = rows.reshape(-1)
    if tabs:
        tab = flat == 9
        if tab.any():
            flat[tab] = 32
    space = flat == 32
    # a space goes when a space or a newline follows it: the last of a run stays
    goes = np.empty(len(flat), dtype=bool)
    np.equal(flat[1:], 10, out=goes[:-1])
    goes[:-1] |= space[1:]
    goes[:-1] &= space[:-1]
    goes[-1] = last  # the very last newline: the spans are joined, not ended
    return flat[~goes].tobytes()


@dataclass
class Rows:
    """UTF-8 rows to read once, ``data[start:end]`` (a large text's bytes, not sliced).
    :func:`frame_if_clean` lets go of ``data`` as soon as pandas has read it, so that the
    bytes do not outlive the read."""

    data: bytes | None
    start: int
    end: int
    #: already squeezed by :func:`squeeze_spaces`
    squeezed: bool = False


def frame_if_clean(blob: str | Rows, names: Sequence[str], *,
                   text_columns: Collection[str] = (), scratch_columns: Collection[str] = (),
                   decimal: str = ".", placeholder_rows: int = 0,
                   comment: str | None = None) -> pd.DataFrame | None:
    """Read ``blob`` (rows and blank lines) in one go when every row is well formed.

    Exactly ``placeholder_rows`` rows may hold nothing but their first field (what is left
    of header lines once their column names were cut out); they are dropped. Returns
    ``None`` as soon as anything else is odd (a missing or extra field, text in a number
    column), so that the caller can take the careful path that names the line.
    ``scratch_columns`` are text columns the caller reads and drops (a time stamp): they
    come as categories, which pandas builds without a Python string per row.
    ``blob`` may also be :class:`Rows` of UTF-8 bytes. Lines that start with ``comment``
    are skipped (the caller makes sure that the character appears nowhere else).
    """
    names = list(names)
    dtypes = _dtypes(names, text_columns, scratch_columns)
    if isinstance(blob, Rows):
        rows, blob.data = blob.data or b"", None
        if not blob.squeezed:
            squeezed = squeeze_spaces(rows, blob.start, blob.end)
        elif (blob.start, blob.end) == (0, len(rows)):
            squeezed = rows
        else:
            squeezed = rows[blob.start:blob.end]
        del rows  # the only reference left: let the text's bytes go before the read
    else:
        squeezed = squeeze_spaces(blob.encode("utf-8"))
    frame = _read_fast(squeezed, names, dtypes, decimal, skip_blank_lines=True,
                       comment=comment)
    first_rows = _first_full_rows(squeezed, len(names)) if placeholder_rows else b""
    del squeezed
    if frame is None:
        return None
    if any(name not in dtypes and not is_numeric_dtype(dtype)
           for name, dtype in frame.dtypes.items()):
        return None
    missing = np.zeros(len(frame), dtype="int64")
    for name in names[1:]:
        missing += _isna(frame[name])
    empty = missing == len(names) - 1
    if int(empty.sum()) != placeholder_rows:
        return None
    if (missing.astype(bool) & ~empty).any() or (_isna(frame[names[0]]) & ~empty).any():
        return None
    if placeholder_rows:
        frame = frame.loc[~empty].reset_index(drop=True)
        _restore_integers(frame, first_rows, names, dtypes, decimal)
    return frame


def _first_full_rows(squeezed: bytes, fields: int, most: int = 3) -> bytes:
    """Up to ``most`` of the first squeezed rows that hold ``fields`` fields."""
    found = [line for line in squeezed[:1 << 14].split(b"\n")[:-1]
             if line.count(b" ") + 1 == fields][:most]
    return b"\n".join(found)


def _restore_integers(frame: pd.DataFrame, first_rows: bytes, names: list[str],
                      dtypes: dict, decimal: str) -> None:
    """Make whole-number columns int64 again, as read_csv reads them when no placeholder
    row (all NaN) made them float: the first full rows, read alone, tell which columns
    were printed without a decimal point (sysstat prints a column in one format)."""
    if not first_rows:
        return
    sample = _read_fast(first_rows, names, dtypes, decimal)
    if sample is None:
        return
    for name, dtype in sample.dtypes.items():
        if name not in frame:
            continue
        column = frame[name]
        if dtype.kind == "i" and column.dtype.kind == "f" and not column.isna().any():
            values = column.to_numpy()
            if np.abs(values).max(initial=0) < 2 ** 53 and \
                    np.array_equal(values, np.floor(values)):
                frame[name] = values.astype("int64")


def _drop_columns(frame: pd.DataFrame, names: Collection[str]) -> None:
    """Delete columns in place (``DataFrame.drop`` copies the whole frame)."""
    for name in names:
        del frame[name]


def _isna(column: pd.Series) -> np.ndarray:
    """Where a column is missing; an integer column (the commonest) never is."""
    if column.dtype.kind in "iub":
        return np.zeros(len(column), dtype=bool)
    return column.isna().to_numpy()


def _missing_any(frame: pd.DataFrame) -> np.ndarray:
    """For each row, whether any of its cells is missing (one call for the whole frame)."""
    return frame.isna().to_numpy().any(axis=1)


def _split_by_hand(lines, names, dtypes, decimal, rest_column) -> pd.DataFrame:
    """The slow path: rows with more fields than names (a command line with spaces)."""
    width = len(names)
    rows = []
    for text in lines:
        fields = text.split(None, width - 1) if rest_column == names[-1] else text.split()
        if fields and rest_column == names[-1]:
            fields[-1] = fields[-1].rstrip()
        if len(fields) > width:
            fields = [None] * width  # reported with the other bad rows
        rows.append(fields + [None] * (width - len(fields)))
    frame = pd.DataFrame(rows, columns=names, dtype=object)
    for name in names:
        if name in dtypes:
            frame[name] = frame[name].astype(_TEXT_DTYPE)
        else:
            raw = frame[name]
            if decimal != ".":
                raw = raw.str.replace(decimal, ".", regex=False)
            frame[name] = pd.to_numeric(raw, errors="coerce").astype(float)
            frame.loc[frame[name].isna() & raw.notna(), name] = np.nan
    return frame


def _drop_bad_rows(frame, bad, locate: Locate, tool, strict) -> pd.DataFrame:
    for index in np.flatnonzero(bad):
        number, text, is_last = locate(int(index))
        if is_last:
            warn("the last sample is truncated and was dropped", line=number, text=text,
                 tool=tool)
            continue
        bad_line("a row that does not fit the table's columns", line=number, text=text,
                 tool=tool, strict=strict, action="line skipped")
    return frame.loc[~bad]
