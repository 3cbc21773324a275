"""Averages of a sysstat report: the ``Average:`` rows (``Moyenne :``, ``Durchschn.:``,
``平均値:`` in other locales) and their labels, read into one frame per header's columns.

>>> label_of("Durchschn.:  all   42,00")
'Durchschn.:'
>>> label_width(["Average:", "all", "42.00"])
1
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from .sysstat_engine import _read_tables, _Request
from .times import is_time

if TYPE_CHECKING:  # pragma: no cover
    from .sysstat_lines import Columns, _Scanner

#: Words sysstat prints as the average label in the C locale; any other label (``Moyenne :``)
#: tells a translated output.
AVERAGE_WORDS = ("Average:",)


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


def average_tables(scanner: _Scanner, decimal: str, text_columns: Sequence[str],
                   rest_column: str | None, facts: dict[str, Any]
                   ) -> dict[Columns, pd.DataFrame]:
    """The ``Average:`` rows (and their translations) the scanner gathered, one frame per
    header's columns, carrying the report's facts."""
    averages: dict[Columns, pd.DataFrame] = {}
    for columns, group in scanner.avg_groups.items():
        [(frame, _)] = _read_tables(scanner, [_Request(group.spans, list(columns),
                                                       set(text_columns), decimal,
                                                       rest_column)])
        frame.attrs = dict(facts)
        averages[columns] = frame
    return averages
