"""Turning printed numbers into floats without ever losing a decimal comma.

Tools print numbers in the user's locale: ``9.23`` in C and en_US, ``9,23`` in de_DE and
fr_FR. A converter that strips what it does not expect turns ``9,23`` into ``923``; perfkit
reads the comma as the decimal mark it is.

>>> import pandas as pd
>>> to_numeric(pd.Series(["9,23", "0,00", "12"]), decimal=",").tolist()
[9.23, 0.0, 12.0]
>>> detect_decimal(["00:15:32  all  42,00  0,00"])
','
>>> plain_numbers(("2", "-1", "10")).dtype.name, plain_numbers(("85.21", "0.00")).tolist()
('int64', [85.21, 0.0])
>>> plain_numbers(("1.5", "n/a")) is None       # not every cell is a plain number
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from pandas.api.types import is_numeric_dtype

_COMMA_DECIMAL = re.compile(r"(?:^|\s)-?\d+,\d+(?=\s|$)")
_POINT_DECIMAL = re.compile(r"(?:^|\s)-?\d+\.\d+(?=\s|$)")
#: Cells joined by ``;``, each an optional minus, digits and optional decimals.
_PLAIN_INTEGERS = re.compile(r"-?\d+(?:;-?\d+)*")
_PLAIN_DECIMALS = re.compile(r"-?\d+(?:\.\d+)?(?:;-?\d+(?:\.\d+)?)*")


def detect_decimal(lines: Iterable[str]) -> str:
    """Return ``","`` when the lines write decimals with commas, else ``"."``."""
    commas = points = 0
    for line in lines:
        commas += len(_COMMA_DECIMAL.findall(line))
        points += len(_POINT_DECIMAL.findall(line))
        if commas + points > 200:
            break
    return "," if commas > points else "."


def to_numeric(series: pd.Series, *, decimal: str = ".", errors: str = "raise") -> pd.Series:
    """Convert a column of printed numbers, reading ``decimal`` as the decimal mark.

    With ``errors="raise"`` (the default) a cell that is not a number raises ``ValueError``,
    so a misaligned column is never silently turned into NaN.
    """
    if is_numeric_dtype(series.dtype):
        return series
    series = series.astype(object)
    if decimal != ".":
        series = series.str.replace(decimal, ".", regex=False)
    return pd.to_numeric(series, errors=errors)


def plain_numbers(cells: Sequence[str]) -> np.ndarray | None:
    """A column of printed numbers as int64 (every cell an integer) or float64, when every
    cell is a plain decimal number (``-12``, ``85.21``: what sysstat's machine-readable
    output prints); None when any cell is something else (empty, ``nan``, a comma, an
    exponent, too large for int64), for the caller to convert cell by cell.

    One check of the whole column and one conversion: much faster than a pandas Series
    per column for the many small tables of a sadf -d file.
    """
    joined = ";".join(cells)
    if _PLAIN_INTEGERS.fullmatch(joined):
        try:
            return np.array([int(cell) for cell in cells], dtype=np.int64)
        except OverflowError:
            return None
    if _PLAIN_DECIMALS.fullmatch(joined):
        return pd.to_numeric(np.array(cells, dtype=object))
    return None
