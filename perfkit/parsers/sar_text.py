"""What sar prints that the shared sysstat reader does not read, taken out before it runs.

:func:`prepare` walks the lines of a sar report once and takes out

* comments (``sar -C``): ``12:53:20     COM LINUX SLEEP MODE (post hibernate)``;
* the ``-m USB`` and ``-m BAT`` reports, whose text columns hold spaces or may be missing
  (``manufact`` ``Chicony Electronics C``; the battery ``status`` arrow is not printed on
  ``Average:`` rows);
* the ``Minimum:`` and ``Maximum:`` rows of ``sar -x`` (sysstat 12.7), kept apart from the
  ``Average:`` rows;

and rewrites ``--human`` values (``8.7M``, ``0.0B``, ``2.6%``) as plain numbers in the
column's unit. The lines it takes out are removed, not blanked (a comment may sit between a
report's rows and its ``Average:`` rows); :attr:`Prepared.numbers` maps each kept line back to
its line number in the input, for error messages.

>>> p = prepare(["Linux 6.1.0 (h) \\t11/25/26 \\t_x86_64_\\t(2 CPU)",
...              "12:53:20     COM Hello world!",
...              "",
...              "12:53:20    kbswpfree kbswpused  %swpused  kbswpcad   %swpcad",
...              "12:53:21         0.0k      1.5M      0.0%      0.0k      0.0%"])
>>> p.comments, p.lines[3], p.numbers[:2], p.human
([('12:53:20', None, 'Hello world!')], '12:53:21 0.0 1536.0 0.0 0.0 0.0', [1, 3], True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import bad_line
from ._read.sysstat_averages import label_width
from ._read.sysstat_times import time_width
from ._read.times import TIME_TOKEN, combine, of_day, times_of_day
from .sar_reports import TEXT_COLUMNS, report_name

TOOL = "sar"
_COMMENT = re.compile(rf"^\s*(?P<time>{TIME_TOKEN})(?:\s+(?P<ampm>AM|PM|am|pm))?\s+COM "
                      r"(?P<text>.*)$")
_HUMAN = re.compile(r"^([-+]?\d+(?:[.,]\d+)?)([BkMGTPE%])$")
_HUMAN_STEPS = {"B": 0, "k": 1, "M": 2, "G": 3, "T": 4, "P": 5, "E": 6}
USB = ["BUS", "idvendor", "idprod", "maxpower", "manufact", "product"]
BAT = ["BAT", "%cap", "cap/min", "status"]
#: Labels of sar -x's extreme rows (C locale).
EXTREMES = {"Minimum:": "minimum", "Maximum:": "maximum"}


@dataclass
class Prepared:
    """The lines left for ``read_report``, and what was taken out."""

    lines: list[str] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)  # input line number of each kept line
    comments: list[tuple[str, str | None, str]] = field(default_factory=list)
    #: "power-USB"/"power-BAT" -> rows of (time, AM/PM or None, values)
    special_rows: dict[str, list[tuple[str, str | None, list]]] = field(default_factory=dict)
    special_averages: dict[str, list[list]] = field(default_factory=dict)
    #: "minimum"/"maximum" -> header columns -> [(line number, text after the label)]
    extremes: dict[str, dict[tuple[str, ...], list[tuple[int, str]]]] = field(
        default_factory=dict)
    human: bool = False

    def original(self, number: int | None) -> int | None:
        """The input line number of line ``number`` of the prepared text."""
        if number is None or not 0 < number <= len(self.numbers):
            return number
        return self.numbers[number - 1]

    def special_frames(self, date, *, averages: bool = False) -> dict[str, pd.DataFrame]:
        out = {}
        source = self.special_averages if averages else self.special_rows
        for name, rows in source.items():
            columns = USB if name == "power-USB" else BAT
            if averages:
                frame = pd.DataFrame(rows, columns=columns)
            else:
                frame = pd.DataFrame([values for *_, values in rows], columns=columns)
                frame.insert(0, "time", clock([t for t, _, _ in rows],
                                              [a for _, a, _ in rows], date))
            for column in frame.columns:
                if column not in TEXT_COLUMNS and column != "time":
                    frame[column] = pd.to_numeric(
                        frame[column].astype(str).str.replace(",", ".", regex=False),
                        errors="coerce")
            out[name] = frame
        return out

    def comment_frame(self, date) -> pd.DataFrame:
        return pd.DataFrame({
            "time": clock([t for t, _, _ in self.comments],
                          [a for _, a, _ in self.comments], date),
            "comment": [c for *_, c in self.comments]})

    def extreme_frames(self, decimal: str) -> dict[str, dict[str, pd.DataFrame]]:
        """sar -x's Minimum:/Maximum: rows, per kind and table; a row may have fewer values
        than its header (a CPU that went offline), the missing ones are NaN."""
        out: dict[str, dict[str, pd.DataFrame]] = {}
        for kind, groups in self.extremes.items():
            for columns, rows in groups.items():
                frame = pd.DataFrame([text.split()[:len(columns)] for _, text in rows],
                                     columns=list(columns)[:max(
                                         (len(t.split()) for _, t in rows), default=0)])
                frame = frame.reindex(columns=list(columns))
                for column in frame.columns:
                    if column not in TEXT_COLUMNS:
                        frame[column] = pd.to_numeric(
                            frame[column].astype(str).str.replace(decimal, ".", regex=False),
                            errors="coerce")
                name = report_name(columns)
                frames = out.setdefault(kind, {})
                frames[name] = (pd.concat([frames[name], frame], ignore_index=True)
                                if name in frames else frame)
        return out


def clock(stamps: list[str], ampm: list[str | None], date) -> pd.Series:
    """Times of day on the report's date (rolling over midnight); times of day
    (``timedelta64``) when the date is not known."""
    if not stamps:
        return pd.Series([], dtype="datetime64[ns]")
    seconds = times_of_day(pd.Series(stamps),
                           pd.Series(ampm) if all(a is not None for a in ampm) else None)
    return of_day(seconds) if date is None else combine(date, seconds)


def _is_header(body: list[str]) -> bool:
    return bool(body) and not any(t[:1].isdigit() or t[:1] in "-+" for t in body)


def prepare(lines: list[str], *, strict: bool = False) -> Prepared:
    """Take comments, USB and battery reports and sar -x extremes out of ``lines``."""
    out = Prepared()
    lines = list(lines)
    out.human = _dehumanize(lines)
    kind: str | None = None  # inside a USB or BAT report
    span = 0  # USB: width of the manufact column
    columns: tuple[str, ...] = ()
    for number, line in enumerate(lines, start=1):
        tokens = line.split()
        if not tokens:
            kind = None
            if not out.lines or out.lines[-1]:
                out.lines.append("")  # one blank line between blocks, never a run of them
                out.numbers.append(number)
            continue
        comment = _COMMENT.match(line)
        if comment:
            out.comments.append((comment["time"], comment["ampm"], comment["text"]))
            continue
        width = time_width(tokens) or label_width(tokens)
        body = tokens[width:] if width else []
        if width and _is_header(body):
            columns = tuple(body)
            if body in (USB, BAT):
                kind = "power-USB" if body == USB else "power-BAT"
                if kind == "power-USB":
                    span = line.index(" product") - line.index(" manufact")
                continue
            kind = None
        if kind and width:
            values = _special_row(kind, line, tokens, width, span)
            if values is None:
                _bad(number, line, f"a {kind} row that does not fit its columns", strict)
            elif time_width(tokens):
                out.special_rows.setdefault(kind, []).append(
                    (tokens[0], tokens[1] if width == 2 else None, values))
            else:
                out.special_averages.setdefault(kind, []).append(values)
            continue
        label = " ".join(tokens[:width]) if width and not time_width(tokens) else ""
        if label in EXTREMES and columns:
            out.extremes.setdefault(EXTREMES[label], {}).setdefault(columns, []).append(
                (number, line.split(None, width)[width] if len(tokens) > width else ""))
            continue
        out.lines.append(line)
        out.numbers.append(number)
    return out


def _bad(number: int, line: str, why: str, strict: bool) -> None:
    bad_line(why, line=number, text=line, tool=TOOL, strict=strict, action="line skipped")


def _special_row(kind: str, line: str, tokens: list[str], width: int,
                 span: int) -> list | None:
    if kind == "power-BAT":
        values = tokens[width:width + 3]
        if len(values) < 3:
            return None
        rest = line.split(None, width + 3)
        return [*values, rest[width + 3].strip() if len(rest) > width + 3 else None]
    # USB: four numbers, then the maker and the product, the maker padded to a fixed width
    if len(tokens) < width + 4:
        return None
    end = 0
    for token in tokens[:width + 4]:
        end = line.index(token, end) + len(token)
    rest = line[end + 1:]
    return [*tokens[width:width + 4], rest[:span].strip() or None,
            rest[span:].strip() or None]


def looks_human(lines: list[str]) -> bool:
    """True when the first lines hold ``--human`` values (``1.2M``, ``45.0%``)."""
    return any(_HUMAN.match(token) for line in lines[:2000] for token in line.split()[1:])


#: The units a ``--human`` value ends with, and the ASCII bytes ``str.split`` splits at.
_UNIT_BYTES = np.zeros(256, dtype=bool)
_UNIT_BYTES[list(b"BkMGTPE%")] = True
_BLANK_BYTES = np.zeros(256, dtype=bool)
_BLANK_BYTES[list(b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f")] = True


def may_look_human(data: bytes) -> bool:
    """False when ASCII ``data`` holds no ``--human`` value for :func:`looks_human` to find:
    nowhere a digit, then a unit, then a blank or the end (how every such value ends);
    numpy looks, instead of a Python loop over every token.

    >>> may_look_human(b"00:00:01  all  1.2M\\n"), may_look_human(b"00:00:01  eth0 12.50\\n")
    (True, False)
    """
    codes = np.frombuffer(data, dtype=np.uint8)
    if len(codes) < 2:
        return False
    ends = _UNIT_BYTES[codes[1:]]
    ends &= (codes[:-1] >= ord("0")) & (codes[:-1] <= ord("9"))
    ends[:-1] &= _BLANK_BYTES[codes[2:]]
    return bool(ends.any())


def _dehumanize(lines: list[str]) -> bool:
    """Rewrite ``--human`` values as plain numbers in the column's unit (KiB for ``kB``
    columns, MiB for ``MB`` columns, percent), in place; True when there were any."""
    if not looks_human(lines):
        return False
    columns: list[str] = []
    headers: set[tuple[str, ...]] = set()  # sample headers seen (an average one repeats one)
    for index, line in enumerate(lines):
        tokens = line.split()
        timed = time_width(tokens)
        width = timed or label_width(tokens)
        if not width:
            continue
        body = tokens[width:]
        if _is_header(body):
            if timed:
                headers.add(tuple(body))
            if timed or tuple(body) in headers:  # not a stray "word: ..." line
                columns = body
            continue
        if columns == USB:
            continue  # maker and product names are fixed-width text
        changed = False
        for position, token in enumerate(body):
            match = _HUMAN.match(token)
            if match:
                name = columns[position] if position < len(columns) else ""
                body[position] = _plain(match.group(1), match.group(2), name)
                changed = True
        if changed:
            lines[index] = " ".join(tokens[:width] + body)
    return True


def _plain(number: str, suffix: str, column: str) -> str:
    comma = "," in number
    value = float(number.replace(",", "."))
    if suffix != "%":
        base = 2 if column.startswith("MB") else 1
        value *= 1024.0 ** (_HUMAN_STEPS[suffix] - base)
    text = repr(round(value, 6))
    return text.replace(".", ",") if comma else text
