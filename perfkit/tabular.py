"""Whitespace-separated rows to a typed DataFrame, with pandas' C reader doing the splitting.

Parsers first recognise which lines are rows of which table; :func:`frame_from_lines` then
turns all rows of one table into a DataFrame in a single ``pandas.read_csv`` call. It checks
every row: a row with too few fields, a number column holding text, or an unreadable value
raises :class:`~perfkit.errors.ParseError` naming the line (``strict=True``) or is dropped
with a :class:`~perfkit.errors.ParseWarning` that names it. A short *last* row of the input
is a truncated sample and is always dropped with a warning.

>>> import numpy as np
>>> df = frame_from_lines(["all 9,23 1", "0 7,00 2"], np.array([3, 4]),
...                       ["CPU", "%usr", "n"], text_columns={"CPU"}, decimal=",", tool="mpstat")
>>> df["%usr"].tolist(), df["CPU"].tolist()
([9.23, 7.0], ['all', '0'])
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd
from pandas.api.types import is_numeric_dtype

from .errors import ParseError, ParseWarning


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
    names = list(names)
    line_numbers = np.asarray(line_numbers, dtype="int64")
    if not lines:
        return pd.DataFrame({name: pd.Series(dtype=object if name in text_columns else float)
                             for name in names})
    dtypes = {name: str for name in names if name in text_columns}
    try:
        frame = pd.read_csv(io.StringIO("\n".join(lines)), sep=r"\s+", header=None,
                            names=names, dtype=dtypes, decimal=decimal, engine="c",
                            skip_blank_lines=False, quoting=3, na_filter=True,
                            keep_default_na=False, na_values=[""])
    except pd.errors.ParserError:
        frame = _split_by_hand(lines, names, dtypes, decimal, rest_column, line_numbers,
                               tool, strict, last_line)
    if len(frame) != len(lines):  # pragma: no cover - defensive: read_csv dropped a row
        raise ParseError(f"read {len(frame)} rows from {len(lines)} lines", tool=tool)
    bad = np.zeros(len(frame), dtype=bool)
    for name in names:
        column = frame[name]
        if name in text_columns:
            bad |= column.isna().to_numpy()
            continue
        if not is_numeric_dtype(column.dtype):
            converted = pd.to_numeric(column.astype(object).str.replace(decimal, ".",
                                                                        regex=False)
                                      if decimal != "." else column.astype(object),
                                      errors="coerce")
            bad |= (converted.isna() & column.notna()).to_numpy()
            frame[name] = converted
        bad |= frame[name].isna().to_numpy()
    if bad.any():
        frame = _drop_bad_rows(frame, bad, lines, line_numbers, tool, strict, last_line)
    return frame


def _split_by_hand(lines, names, dtypes, decimal, rest_column, line_numbers, tool, strict,
                   last_line) -> pd.DataFrame:
    """The slow path: rows with more fields than names (a command line with spaces)."""
    width = len(names)
    rows = []
    for text, number in zip(lines, line_numbers, strict=True):
        fields = text.split(None, width - 1) if rest_column == names[-1] else text.split()
        if len(fields) > width:
            message = f"{len(fields)} fields where {width} were expected ({' '.join(names)})"
            if strict:
                raise ParseError(message, line=int(number), text=text, tool=tool)
            warnings.warn(f"{tool}: line {number}: {message}; line skipped: {text!r}",
                          ParseWarning, stacklevel=4)
            fields = [None] * width
        rows.append(fields + [None] * (width - len(fields)))
    frame = pd.DataFrame(rows, columns=names, dtype=object)
    for name in names:
        if name not in dtypes:
            frame[name] = pd.to_numeric(
                frame[name].str.replace(decimal, ".", regex=False) if decimal != "."
                else frame[name], errors="coerce").where(frame[name].notna(), np.nan)
            if frame[name].isna().all():
                frame[name] = frame[name].astype(float)
    return frame


def _drop_bad_rows(frame, bad, lines, line_numbers, tool, strict, last_line) -> pd.DataFrame:
    for index in np.flatnonzero(bad):
        number = int(line_numbers[index])
        text = lines[index]
        if last_line is not None and number == last_line:
            warnings.warn(f"{tool}: line {number}: the last sample is truncated and was "
                          f"dropped: {text!r}", ParseWarning, stacklevel=4)
            continue
        message = "a row that does not fit the table's columns"
        if strict:
            raise ParseError(message, line=number, text=text, tool=tool)
        warnings.warn(f"{tool}: line {number}: {message}; line skipped: {text!r}",
                      ParseWarning, stacklevel=4)
    return frame.loc[~bad]
