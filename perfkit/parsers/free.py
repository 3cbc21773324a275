"""``free`` (procps-ng): one row per (sample, row label), every size in KiB.

``free -h`` recorded on the course machine (procps-ng 4.0.2, C locale) and its frame:

>>> df = parse("               total        used        free      shared  buff/cache   available\\n"
...            "Mem:            23Gi       520Mi        22Gi        10Mi       441Mi        23Gi\\n"
...            "Swap:             0B          0B          0B\\n")
>>> print(df.to_string())
   sample  kind       total      used        free   shared  buff/cache   available
0       0   Mem  24117248.0  532480.0  23068672.0  10240.0    451584.0  24117248.0
1       0  Swap         0.0       0.0         0.0      NaN         NaN         NaN
>>> df.attrs["printed_unit"]
'human'

Columns:

* ``sample``: 0, 1, 2... one per header, for ``free -s 1 -c 3`` (samples separated by blank
  lines).
* ``kind``: the row label without its colon: ``Mem``, ``Low`` and ``High`` (``-l``),
  ``-/+ buffers/cache`` (procps before 3.3.10), ``Swap``, ``Total`` (``-t``), ``Comm``
  (``-v``: commit limit, committed, and what is left). Translated labels (``Speicher:``,
  ``Échange:``, ``Niedrig:``...; every language procps-ng 4.0.2 ships) are mapped to these.
* the printed columns, named as in the C locale: ``total``, ``used``, ``free``,
  ``shared``, then ``buff/cache`` and ``available`` (the default), or ``buffers``, ``cache``
  and ``available`` (``-w``), or ``buffers`` and ``cached`` (the old layout, which also has
  the ``-/+ buffers/cache`` row holding ``used`` and ``free`` only). ``Swap``, ``Low``,
  ``High``, ``Total`` and ``Comm`` rows fill ``total``, ``used`` and ``free``.
  Translated headers (``gesamt benutzt frei gemns. Puffer/Cache verfügbar``) are recognised
  by their position; the layout follows from the number of names in the header (seven:
  ``-w``), so that a ``Mem`` row with a value too few or too many warns as in C.

Sizes are floats in **KiB**. ``-h`` suffixes are read as powers of 1024 (``1.5Gi``; the
old procps ``1.5G`` too; ``1,5Gi`` in de_DE is 1.5 GiB). The printed table does not say which
unit bare numbers are in, so pass ``unit=`` when the command had ``-b``/``-m``/``-g``...
(``"B"``, ``"KiB"`` the default, ``"MiB"``, ``"GiB"``, ``"TiB"``, ``"PiB"``, or the decimal
``"kB"``, ``"MB"``, ``"GB"``, ``"TB"``, ``"PB"`` of ``--kilo``... ``--peta``), and ``si=True``
for ``free -h --si``, whose ``G`` means 10^9 bytes. ``df.attrs["printed_unit"]`` keeps the
unit the numbers were printed in (``"human"`` or ``"human-si"`` for suffixed sizes). Without
``unit=`` bare numbers are read as KiB (free's default) and ``printed_unit`` is None: nothing
said which unit was printed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..errors import ParseError, warn
from ..units import size_to_kib
from ._read.text import clean_text

NAME = "free"

#: The columns parse may give (see :mod:`perfkit.parsers.columns`): sizes in KiB.
COLUMNS: dict[str, dict[str, str]] = {
    "": {"sample": "int", "kind": "str", "total": "float", "used": "float", "free": "float",
         "shared": "float", "buff/cache": "float", "buffers": "float", "cache": "float",
         "available": "float"},
}

NEW = ("total", "used", "free", "shared", "buff/cache", "available")
WIDE = ("total", "used", "free", "shared", "buffers", "cache", "available")
OLD = ("total", "used", "free", "shared", "buffers", "cached")
OLD_CACHE_ROW = "-/+ buffers/cache"
_SHORT_ROW = {OLD_CACHE_ROW: ("used", "free")}
_THREE = ("total", "used", "free")

# Row labels in C and in the translations procps-ng 4.0.2 ships (de es fr ka ko pl pt_BR
# ro sv uk vi zh_CN), compared with all white space removed and without the colon.
_LABELS: dict[str, tuple[str, ...]] = {
    "Mem": ("Mem", "Speicher", "Pamięć", "Mem.", "Minne", "Пам.", "BNhớ", "内存", "메모리",
            "მეხს"),
    "Low": ("Low", "Niedrig", "Baja", "Basse", "Niska", "Baixa", "Lågt", "Нижня", "Thấp", "低",
            "하위", "დაბალი"),
    "High": ("High", "Hoch", "Alta", "Haute", "Wysoka", "Högt", "Верхня", "Cao", "高", "상위",
             "მაღალი"),
    "Swap": ("Swap", "Inter", "Échange", "Wymiana", "Växl.", "Своп.", "Tráođổi", "交换", "스왑",
             "სვაპი"),
    "Total": ("Total", "Gesamt", "Razem", "Totalt", "Загалом", "Tổng", "总量", "총계", "ჯამი"),
    "Comm": ("Comm", "Dédié", "Zajęta", "Com.", "Til.", "커밋", "ბრძანება"),
    OLD_CACHE_ROW: ("-/+buffers/cache",),
}
_KIND = {word: kind for kind, words in _LABELS.items() for word in words}

BINARY_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")
DECIMAL_UNITS = ("kB", "MB", "GB", "TB", "PB")

_ROW = re.compile(r"^\s*(?P<label>[^\s:：][^:：]*?)\s*[:：](?P<values>.*)$")
_SIZE = re.compile(r"^\d+(?:[.,]\d+)?(?:[KMGTPE]i?|B)?$")
_WORD = re.compile(r"^[^\d\s]\S*$")


def _normalise(label: str) -> str:
    return re.sub(r"\s+", "", label)


def _is_header(line: str) -> bool:
    tokens = line.split()
    return (len(tokens) >= 5 and ":" not in line and "：" not in line
            and all(_WORD.match(token) for token in tokens))


def _row(line: str) -> tuple[str, list[str]] | None:
    match = _ROW.match(line)
    if not match:
        return None
    values = match.group("values").split()
    if not values or not all(_SIZE.match(value) for value in values):
        return None
    return match.group("label"), values


#: free's unit options and the unit each prints sizes in.
UNIT_OPTIONS = {"-b": "B", "--bytes": "B", "-k": "KiB", "--kibi": "KiB", "-m": "MiB",
                "--mebi": "MiB", "-g": "GiB", "--gibi": "GiB", "--tebi": "TiB",
                "--pebi": "PiB", "--kilo": "kB", "--mega": "MB", "--giga": "GB",
                "--tera": "TB", "--peta": "PB"}


def options_from_command(argv: Sequence[str]) -> dict[str, Any]:
    """The :func:`parse` options a free command line implies (``unit``, ``si``): ``free -m``
    prints MiB without saying so. The last unit option wins, as in free; none gives ``{}``.

    >>> options_from_command(["free", "-m"]), options_from_command(["free", "-h", "--si"])
    ({'unit': 'MiB', 'si': False}, {})
    >>> options_from_command(["free", "--giga", "--si", "-k"])
    {'unit': 'KiB', 'si': True}
    """
    units = [UNIT_OPTIONS[arg] for arg in argv if arg in UNIT_OPTIONS]
    if not units:
        return {}
    return {"unit": units[-1], "si": "--si" in argv}


def detect(lines: Sequence[str]) -> bool:
    """True for a free header followed by a ``Mem:`` row of six or seven sizes."""
    if len(lines) < 2 or not _is_header(lines[0]):
        return False
    row = _row(lines[1])
    return row is not None and len(row[1]) in (6, 7)


def parse(text: str | bytes, *, strict: bool = False, dayfirst: bool | None = None,
          unit: str | None = None, si: bool = False) -> pd.DataFrame:
    """Parse free's output (see the module docstring for ``unit`` and ``si``).

    ``dayfirst`` is accepted for the common parser signature; free prints no dates.
    """
    if unit is not None and unit not in BINARY_UNITS + DECIMAL_UNITS:
        raise ValueError(f"unit must be one of {BINARY_UNITS + DECIMAL_UNITS}, not {unit!r}")
    text = clean_text(text, tool=NAME)
    numbered = [(n, line) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    last_number = numbered[-1][0]
    old_layout = any(_normalise(line).startswith("-/+") for _, line in numbered)
    reader = _Reader(strict, last_number, old_layout, text.endswith("\n"))
    for number, line in numbered:
        reader.feed(number, line)
    if not reader.rows:
        number, line = numbered[0]
        raise ParseError("no free table (a header and a Mem: row)", line=number, text=line,
                         tool=NAME)
    for message, number, line in reader.skipped:
        warn(message, line=number, text=line, tool=NAME)
    return _frame(reader, unit, si)


class _Reader:
    """Walks the lines: headers open samples, labelled rows fill them."""

    def __init__(self, strict: bool, last_number: int, old_layout: bool,
                 complete: bool) -> None:
        self.strict = strict
        self.complete = complete  # the text ends with a newline
        self.last_number = last_number
        self.old_layout = old_layout
        self.sample = -1
        self.header: list[str] = []
        self.names: tuple[str, ...] | None = None
        self.columns: list[str] = []
        self.rows: list[dict[str, Any]] = []
        # warnings (message, line number, line), given once the text is known to be free's
        self.skipped: list[tuple[str, int, str]] = []

    def feed(self, number: int, line: str) -> None:
        if _is_header(line):
            self.sample += 1
            self.header = line.split()
            self.names = None
            return
        row = _row(line)
        if row is None or self.sample < 0:
            why = "a row before free's header" if row else "not a line of free's table"
            self.reject(number, line, why)
            return
        label, values = row
        kind = _KIND.get(_normalise(label))
        if kind is None:
            self.reject(number, line, f"unknown row label {label!r}")
            return
        if kind == "Mem":
            self.names = self.layout(len(values))
            names = self.names
        else:
            names = _SHORT_ROW.get(kind, _THREE)
        if len(values) != len(names):
            self.reject(number, line, f"{len(values)} values where {kind} has {len(names)}",
                        short=len(values) < len(names))
            return
        for name in names:
            if name not in self.columns:
                self.columns.append(name)
        self.rows.append({"sample": self.sample, "kind": kind,
                          **dict(zip(names, values, strict=True))})

    def layout(self, count: int) -> tuple[str, ...]:
        """The Mem row's columns: the C header's names, or, for a translated header, as
        many as it has names (a Mem row with a value lost or printed twice then has a value
        too few or too many, and is rejected, in every language alike); the row's own count
        only for a header of neither six nor seven names."""
        for names in (NEW, WIDE, OLD):
            if tuple(self.header) == names:
                return names
        width = len(self.header) if len(self.header) in (len(NEW), len(WIDE)) else count
        if width == len(WIDE):
            return WIDE
        return OLD if self.old_layout else NEW

    def reject(self, number: int, line: str, why: str, *, short: bool = False) -> None:
        if number == self.last_number and (short or not self.complete):
            self.skipped.append(("the last line is truncated and was dropped", number, line))
            return
        if self.strict:
            raise ParseError(why, line=number, text=line, tool=NAME)
        self.skipped.append((f"{why}; line skipped", number, line))


def _frame(reader: _Reader, unit: str | None, si: bool) -> pd.DataFrame:
    """The rows in KiB; bare numbers are in ``unit`` (None: taken as KiB, free's default)."""
    decimal = unit in DECIMAL_UNITS
    suffixed = False
    records = []
    for row in reader.rows:
        record: dict[str, Any] = {"sample": row["sample"], "kind": row["kind"]}
        for name in reader.columns:
            value = row.get(name)
            if value is None:
                record[name] = float("nan")
                continue
            suffixed = suffixed or value[-1].isalpha()
            record[name] = size_to_kib(value, unit or "KiB",
                                       si=si if value[-1].isalpha() else decimal)
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=["sample", "kind", *reader.columns])
    frame["sample"] = frame["sample"].astype("int64")
    frame[reader.columns] = frame[reader.columns].astype("float64")
    frame.attrs["printed_unit"] = ("human-si" if si else "human") if suffixed else unit
    return frame
