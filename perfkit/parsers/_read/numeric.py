"""Turning printed numbers into floats without ever losing a decimal comma.

Tools print numbers in the user's locale: ``9.23`` in C and en_US, ``9,23`` in de_DE and
fr_FR. A converter that strips what it does not expect turns ``9,23`` into ``923``; perfkit
reads the comma as the decimal mark it is.

>>> import pandas as pd
>>> to_numeric(pd.Series(["9,23", "0,00", "12"]), decimal=",").tolist()
[9.23, 0.0, 12.0]
>>> detect_decimal(["00:15:32  all  42,00  0,00"])
','
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
from pandas.api.types import is_numeric_dtype

_COMMA_DECIMAL = re.compile(r"(?:^|\s)-?\d+,\d+(?=\s|$)")
_POINT_DECIMAL = re.compile(r"(?:^|\s)-?\d+\.\d+(?=\s|$)")


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
