"""Whitespace-separated rows to a typed DataFrame, with pandas' C reader doing the splitting.

Parsers first recognise which lines are rows of which table; :func:`frame_from_text` then
turns all rows of one table into a DataFrame in a single ``pandas.read_csv`` call (no Python
loop over lines). It checks every row: a row with too few fields, a number column holding
text, or an unreadable value raises :class:`~perfkit.errors.ParseError` naming the line
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
import warnings
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import is_numeric_dtype

from .errors import ParseError, ParseWarning

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


def frame_from_text(blob: str, count: int, names: Sequence[str], *, locate: Locate,
                    text_columns: Collection[str] = (), decimal: str = ".", tool: str,
                    strict: bool = False, rest_column: str | None = None) -> pd.DataFrame:
    """Like :func:`frame_from_lines`, for ``count`` rows already joined into ``blob``.

    ``locate(i)`` tells where row ``i`` came from; it is called only for rows in error.
    """
    names = list(names)
    if count == 0:
        return pd.DataFrame({name: pd.Series(dtype=object if name in text_columns else float)
                             for name in names})
    dtypes = {name: str for name in names if name in text_columns}
    if "\t" in blob:
        blob = blob.replace("\t", " ")
    frame = _read_fast(blob, names, dtypes, decimal)
    if frame is None or len(frame) != count or _holds_extra(frame):
        overlong = None if frame is None or len(frame) != count else (
            frame[list(_EXTRA)].notna().any(axis=1).to_numpy())
        if overlong is not None and rest_column != names[-1]:
            frame = frame.drop(columns=list(_EXTRA))
            for index in np.flatnonzero(overlong):
                frame.loc[frame.index[index], names[-1]] = np.nan  # reported as bad below
        else:
            frame = _split_by_hand(blob.split("\n"), names, dtypes, decimal, rest_column)
    else:
        frame = frame.drop(columns=list(_EXTRA))
    bad = np.zeros(len(frame), dtype=bool)
    for name in names:
        column = frame[name]
        if name in text_columns:
            bad |= _isna(column)
            continue
        if not is_numeric_dtype(column.dtype):
            raw = column.astype(object)
            if decimal != ".":
                raw = raw.str.replace(decimal, ".", regex=False)
            converted = pd.to_numeric(raw, errors="coerce")
            bad |= (converted.isna() & column.notna()).to_numpy()
            frame[name] = converted
        bad |= _isna(frame[name])
    if bad.any():
        frame = _drop_bad_rows(frame, bad, locate, tool, strict)
    return frame


_EXTRA = ("__extra1", "__extra2")


def _read_fast(blob: str | bytes, names: list[str], dtypes: dict, decimal: str, *,
               skip_blank_lines: bool = False,
               span: tuple[int, int] | None = None) -> pd.DataFrame | None:
    """One read_csv call; None when the C reader cannot take the rows as they are.

    ``blob`` is text, or UTF-8 bytes of which only ``span`` (start, end) is read. Two spare
    columns catch rows with too many fields (pandas would otherwise drop the extra fields or turn
    them into an index without a word); their type is left to pandas (all-NaN floats when
    no row is too long: cheaper than empty strings), since only whether they hold anything
    matters.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            source = (io.BytesIO(blob.encode("utf-8")) if isinstance(blob, str)
                      else _ByteReader(blob, *(span or (0, len(blob)))))
            return pd.read_csv(source, encoding="utf-8", sep=" ",
                               skipinitialspace=True, header=None,
                               names=[*names, *_EXTRA], dtype=dtypes,
                               decimal=decimal, engine="c",
                               skip_blank_lines=skip_blank_lines,
                               quoting=3, keep_default_na=False, na_values=[""],
                               index_col=False)
        except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError):
            return None


class _ByteReader:
    """A read-only file over ``data[start:end]`` that copies only what pandas asks for
    (a slice of a large text would be one more copy of it).

    >>> _ByteReader(b"banner\\nrows\\nrest", 7, 11).read()
    b'rows'
    """

    def __init__(self, data: bytes, start: int, end: int) -> None:
        self._view = memoryview(data)[start:end]
        self._at = 0

    def read(self, size: int | None = -1) -> bytes:
        stop = len(self._view) if size is None or size < 0 else self._at + size
        chunk = self._view[self._at:stop].tobytes()
        self._at += len(chunk)
        return chunk

    def __iter__(self):  # pandas asks for it to take this for a file
        raise io.UnsupportedOperation("read() only")


@dataclass
class Rows:
    """UTF-8 rows to read once, ``data[start:end]`` (a large text's bytes, not sliced).
    :func:`frame_if_clean` lets go of ``data`` as soon as pandas has read it, so that the
    bytes do not outlive the read."""

    data: bytes | None
    start: int
    end: int


def frame_if_clean(blob: str | Rows, names: Sequence[str], *,
                   text_columns: Collection[str] = (), scratch_columns: Collection[str] = (),
                   decimal: str = ".", placeholder_rows: int = 0) -> pd.DataFrame | None:
    """Read ``blob`` (rows and blank lines) in one go when every row is well formed.

    Exactly ``placeholder_rows`` rows may hold nothing but their first field (what is left
    of header lines once their column names were cut out); they are dropped. Returns
    ``None`` as soon as anything else is odd (a missing or extra field, text in a number
    column), so that the caller can take the careful path that names the line.
    ``scratch_columns`` are text columns the caller reads and drops (a time stamp): they
    stay plain Python strings (object), which pandas builds faster than ``str`` columns.
    ``blob`` may also be :class:`Rows` of UTF-8 bytes.
    """
    names = list(names)
    dtypes: dict[str, Any] = {name: str for name in names if name in text_columns}
    dtypes.update({name: object for name in names if name in scratch_columns})
    span: tuple[int, int] | None = None
    if isinstance(blob, Rows):
        data, span, blob.data = blob.data or b"", (blob.start, blob.end), None
        if data.find(b"\t", *span) >= 0:
            data, span = data[span[0]:span[1]].replace(b"\t", b" "), None
        frame = _read_fast(data, names, dtypes, decimal, skip_blank_lines=True, span=span)
        del data  # the only reference left: the frame no longer needs the text
    else:
        if "\t" in blob:
            blob = blob.replace("\t", " ")
        frame = _read_fast(blob, names, dtypes, decimal, skip_blank_lines=True)
    if frame is None or _holds_extra(frame):
        return None
    frame = frame.drop(columns=list(_EXTRA))
    for name in names:
        if name not in dtypes and not is_numeric_dtype(frame[name].dtype):
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
    return frame


def _isna(column: pd.Series) -> np.ndarray:
    """Where a column is missing; an integer column (the commonest) never is."""
    if column.dtype.kind in "iub":
        return np.zeros(len(column), dtype=bool)
    return column.isna().to_numpy()


def _holds_extra(frame: pd.DataFrame) -> bool:
    """True when a row had more fields than names (something in a spare column)."""
    return any(_isna(frame[name]).sum() != len(frame) for name in _EXTRA)


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
        if name not in dtypes:
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
            warnings.warn(f"{tool}: line {number}: the last sample is truncated and was "
                          f"dropped: {text!r}", ParseWarning, stacklevel=5)
            continue
        message = "a row that does not fit the table's columns"
        if strict:
            raise ParseError(message, line=number, text=text, tool=tool)
        warnings.warn(f"{tool}: line {number}: {message}; line skipped: {text!r}",
                      ParseWarning, stacklevel=5)
    return frame.loc[~bad]
