"""sar: every report sar prints, plus sadf's CSV and JSON and binary sa files.

A sample (``LC_ALL=C sar -q -n TCP 1 1`` on this project's machine)::

    Linux 6.18.44-fc-v657 (demo-host) \t11/25/26 \t_x86_64_\t(2 CPU)

    00:39:24      runq-sz  plist-sz   ldavg-1   ldavg-5   ldavg-15   blocked
    00:39:25            1        96      0.32      0.12      0.04         0

    00:39:24     active/s passive/s    iseg/s    oseg/s
    00:39:25        57.00     57.00    456.00    456.00

    Average:      runq-sz  plist-sz   ldavg-1   ldavg-5   ldavg-15   blocked
    Average:            1        96      0.32      0.12      0.04         0

    Average:     active/s passive/s    iseg/s    oseg/s
    Average:        57.00     57.00    456.00    456.00

becomes a :class:`~perfkit.result.Tables` with one DataFrame per report, named as in
:mod:`perfkit.parsers.sar_reports` (``queue``, ``TCP``...), a ``time`` column first, the
columns as printed, and the ``Average:`` rows (``Durchschn.:``, ``Moyenne :``...) apart in
``tables.averages``. ``-F`` and ``-m USB`` print ``Summary:`` rows instead; they go to
``tables.averages`` too.

>>> text = ("Linux 6.18.44-fc-v657 (demo-host) \\t11/25/26 \\t_x86_64_\\t(2 CPU)\\n\\n"
...         "00:39:24     active/s passive/s    iseg/s    oseg/s\\n"
...         "00:39:25        57.00     57.00    456.00    456.00\\n\\n"
...         "Average:     active/s passive/s    iseg/s    oseg/s\\n"
...         "Average:        57.00     57.00    456.00    456.00\\n")
>>> t = parse(text)
>>> t["TCP"]
                 time  active/s  passive/s  iseg/s  oseg/s
0 2026-11-25 00:39:25      57.0       57.0   456.0   456.0
>>> t.averages["TCP"]["iseg/s"].iloc[0], t.attrs["cpus"]
(np.float64(456.0), 2)

Also read:

* ``LINUX RESTART`` lines (``sar -f`` over a reboot): ``tables.attrs["restarts"]``, a frame
  of ``time`` and ``cpus``; comments (``sar -C``, ``COM ...``): ``tables.attrs["comments"]``.
* ``--human`` / ``-h`` values (``8.7M``, ``0.0B``, ``2.6%``) are turned back into numbers in
  the column's own unit (KiB for ``kB`` columns, MiB for ``MB`` columns, percent);
  ``attrs["human"]`` is then True.
* ``--pretty`` headers, with the device column last; ``S_COLORS=always``; every locale's
  decimal comma, 12-hour clock and translated ``Average:``/``Summary:`` label.
* ``sadf -d`` and ``sadf -j`` output, and binary sa files (:func:`read_sa_file`): see
  :mod:`perfkit.parsers.sar_sadf`. sadf's other forms (``-x``, ``-g``, ``-p``, ``-r``,
  ``-H``: :data:`~perfkit.parsers.sar_sadf.UNSUPPORTED_FORMS`) raise a ParseError saying so.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import pandas as pd

from ..banner import is_banner
from ..errors import ParseError, ParseWarning
from ..result import Tables
from ..sysstat import read_report
from ..times import AM_PM, TIME_TOKEN, combine, is_time, times_of_day
from .sar_reports import (
    REPORTS,
    TEXT_COLUMNS,
    is_mpstat_cpu_header,
    known_report,
    report_name,
    split_label,
)
from .sar_sadf import (
    UNSUPPORTED_FORMS,
    looks_like_csv,
    looks_like_json,
    parse_csv,
    parse_json,
    read_sa_file,
    unsupported_form,
)

NAME = "sar"
__all__ = ["NAME", "REPORTS", "UNSUPPORTED_FORMS", "detect", "parse", "read_sa_file"]

_COMMENT = re.compile(rf"^\s*(?P<time>{TIME_TOKEN})(?:\s+(?P<ampm>AM|PM|am|pm))?\s+COM "
                      r"(?P<text>.*)$")
_HUMAN = re.compile(r"^(-?\d+(?:[.,]\d+)?)([BkMGTPE%])$")
_HUMAN_STEPS = {"B": 0, "k": 1, "M": 2, "G": 3, "T": 4, "P": 5, "E": 6}
_USB = ["BUS", "idvendor", "idprod", "maxpower", "manufact", "product"]
_BAT = ["BAT", "%cap", "cap/min", "status"]


def detect(lines: list[str]) -> bool:
    """True for sar's text (a banner, then a header sar prints and mpstat does not), and
    for sadf's CSV, JSON and the sadf forms perfkit names but does not read."""
    if not lines:
        return False
    if looks_like_json(lines) or looks_like_csv(lines):
        return True
    form = unsupported_form(lines)
    if form:
        head = " ".join(lines[:6])
        return "sysstat" in head or "CPU)" in head or not form.startswith("sadf -x")
    if not is_banner(lines[0]):
        return False
    for line in lines[1:]:
        tokens = line.split()
        prefix = _prefix(tokens)
        if not prefix:
            continue
        columns = tokens[prefix:]
        if columns[:2] == ["LINUX", "RESTART"] or columns[:1] == ["COM"]:
            return True
        if is_mpstat_cpu_header(columns):
            return False
        if known_report(columns) and split_label(columns) != ("CPU", "i000/s"):
            return True
    return False


def parse(text: str, *, strict: bool = False, dayfirst: bool | None = None) -> Tables:
    """Parse sar's text, ``sadf -d`` or ``sadf -j`` output into a :class:`Tables`."""
    head = [line for line in text.split("\n", 60)[:60] if line.strip()]
    if not head:
        raise ParseError("empty input", line=1, tool=NAME)
    if looks_like_json(head):
        return parse_json(text, strict=strict)
    if looks_like_csv(head):
        return parse_csv(text, strict=strict)
    form = unsupported_form(head)
    if form:
        raise ParseError(f"this is {form} output, which perfkit does not read; use sar's "
                         "text, sadf -d or sadf -j (or perfkit.read() on the sa file)",
                         line=1, text=head[0], tool=NAME)
    lines = text.split("\n")
    special = _take_special(lines, strict)
    human = _dehumanize(lines)
    report = read_report("\n".join(lines), tool=NAME, text_columns=TEXT_COLUMNS,
                         strict=strict, dayfirst=dayfirst)
    tables = Tables(attrs=dict(report.attrs))
    for columns in report.order:
        _add(tables, report_name(columns), report.tables[columns])
    for columns, frame in report.averages.items():
        _add(tables.averages, report_name(columns), frame)
    date = report.attrs.get("date")
    for name, frame in special.frames(date).items():
        _add(tables, name, frame)
    for name, frame in special.frames(date, averages=True).items():
        _add(tables.averages, name, frame)
    tables.attrs.update({"human": human, "restarts": report.restarts,
                         "comments": special.comment_frame(date)})
    facts = {k: v for k, v in tables.attrs.items() if not isinstance(v, pd.DataFrame)}
    for frame in [*tables.values(), *tables.averages.values()]:
        frame.attrs = dict(facts)
    return tables


def _add(target: dict[str, pd.DataFrame], name: str, frame: pd.DataFrame) -> None:
    """Append ``frame`` to ``target[name]`` (the same report under another header: other
    CPUs after a restart, or another version's columns)."""
    if name in target:
        target[name] = pd.concat([target[name], frame], ignore_index=True)
    else:
        target[name] = frame


def _prefix(tokens: list[str]) -> int:
    if tokens and is_time(tokens[0]):
        return 2 if len(tokens) > 1 and tokens[1] in AM_PM else 1
    return 0


def _label_width(tokens: list[str]) -> int:
    """Tokens of an ``Average:``/``Summary:``/``Moyenne :`` label at the start, or 0."""
    for index, token in enumerate(tokens[:3]):
        if token.endswith(":") and not is_time(token.rstrip(":")):
            return index + 1
        if token[:1].isdigit():
            return 0
    return 0


# ---------------------------------------------------------------------------------------
# reports whose rows have text with spaces (USB names, battery status) and comments


@dataclass
class _Special:
    """Rows taken out of the text before :func:`read_report` sees it."""

    rows: dict[str, list[tuple[str, str | None, list]]] = field(default_factory=dict)
    averages: dict[str, list[list]] = field(default_factory=dict)
    comments: list[tuple[str, str | None, str]] = field(default_factory=list)

    def frames(self, date, averages: bool = False) -> dict[str, pd.DataFrame]:
        out = {}
        source = self.averages if averages else self.rows
        for name, rows in source.items():
            columns = _USB if name == "power-USB" else _BAT
            if averages:
                frame = pd.DataFrame(rows, columns=columns)
            else:
                frame = pd.DataFrame([values for *_, values in rows], columns=columns)
                frame.insert(0, "time", _clock([t for t, _, _ in rows],
                                               [a for _, a, _ in rows], date))
            out[name] = _typed(frame)
        return out

    def comment_frame(self, date) -> pd.DataFrame:
        return pd.DataFrame({
            "time": _clock([t for t, _, _ in self.comments],
                           [a for _, a, _ in self.comments], date),
            "comment": [c for *_, c in self.comments]})


def _clock(stamps: list[str], ampm: list[str | None], date) -> pd.Series:
    if not stamps:
        return pd.Series([], dtype="datetime64[ns]")
    seconds = times_of_day(pd.Series(stamps),
                           pd.Series(ampm) if all(a is not None for a in ampm) else None)
    return combine(date, seconds)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        if column not in TEXT_COLUMNS and column != "time":
            frame[column] = pd.to_numeric(
                frame[column].astype(str).str.replace(",", ".", regex=False),
                errors="coerce")
    return frame


def _take_special(lines: list[str], strict: bool) -> _Special:
    """Move comments, ``-m USB`` and ``-m BAT`` rows out of ``lines`` (blanking them, so
    line numbers stay right); read_report could not split their text columns."""
    special = _Special()
    kind = None
    offsets: tuple[int, int] = (0, 0)
    for index, line in enumerate(lines):
        if not line.strip():
            kind = None
            continue
        comment = _COMMENT.match(line)
        if comment:
            special.comments.append((comment["time"], comment["ampm"], comment["text"]))
            lines[index] = ""
            continue
        tokens = line.split()
        prefix = _prefix(tokens)
        if prefix and tokens[prefix:] in (_USB, _BAT):
            kind = "power-USB" if tokens[prefix:] == _USB else "power-BAT"
            if kind == "power-USB":
                offsets = (line.index(" manufact") + 1, line.index(" product") + 1)
            lines[index] = ""
            continue
        if kind is None:
            continue
        width = prefix or _label_width(tokens)
        if not width:
            continue
        values = _special_row(kind, line, tokens, width, offsets)
        if values is None:
            if strict:
                raise ParseError(f"a {kind} row that does not fit its columns", line=index + 1,
                                 text=line, tool=NAME)
            warnings.warn(f"{NAME}: line {index + 1}: a {kind} row that does not fit its "
                          f"columns; line skipped: {line!r}", ParseWarning, stacklevel=3)
        elif prefix:
            special.rows.setdefault(kind, []).append(
                (tokens[0], tokens[1] if prefix == 2 else None, values))
        else:
            special.averages.setdefault(kind, []).append(values)
        lines[index] = ""
    return special


def _special_row(kind: str, line: str, tokens: list[str], width: int,
                 offsets: tuple[int, int]) -> list | None:
    if kind == "power-BAT":
        values = tokens[width:width + 3]
        status = line.split(None, width + 3)[width + 3:] if len(tokens) > width + 3 else []
        if len(values) < 3:
            return None
        return [*values, status[0].strip() if status else None]
    # USB: four numbers, then the maker and the product, each padded to a fixed width
    numbers = tokens[width:width + 4]
    if len(numbers) < 4:
        return None
    end = 0
    for token in tokens[:width + 4]:
        end = line.index(token, end) + len(token)
    rest = line[end + 1:]
    span = offsets[1] - offsets[0]
    return [*numbers, rest[:span].strip() or None, rest[span:].strip() or None]


# ---------------------------------------------------------------------------------------
# --human values


def _dehumanize(lines: list[str]) -> bool:
    """Rewrite ``--human`` values (``8.7M``, ``0.0B``, ``2.6%``) as plain numbers in the
    column's unit, in place; True when there were any."""
    if not any(_HUMAN.match(token) for line in lines[:400] for token in line.split()[1:]):
        return False
    columns: list[str] = []
    for index, line in enumerate(lines):
        tokens = line.split()
        if not tokens:
            continue
        width = _prefix(tokens) or _label_width(tokens)
        if not width:
            continue
        body = tokens[width:]
        if not any(token[:1].isdigit() or token[:1] in "-+" for token in body):
            columns = body  # a header
            continue
        changed = False
        for position, token in enumerate(body):
            match = _HUMAN.match(token)
            if not match:
                continue
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
