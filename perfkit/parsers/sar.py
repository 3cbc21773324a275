"""sar: every report sar prints, plus sadf's CSV and JSON and binary sa files.

A sample (``LC_ALL=C sar -n TCP,ETCP 1 3`` under loopback load on this project's
machine, ``tests/fixtures/sar/n-TCP-ETCP.C.txt``, first sample and the averages)::

    Linux 6.18.44-fc-v657 (demo-host) \t11/25/26 \t_x86_64_\t(2 CPU)

    00:32:28     active/s passive/s    iseg/s    oseg/s
    00:32:29        59.00     59.00   1274.00   1274.00

    00:32:28     atmptf/s  estres/s retrans/s isegerr/s   orsts/s
    00:32:29         0.00      0.00      0.00      0.00      0.00

    Average:     active/s passive/s    iseg/s    oseg/s
    Average:        64.67     64.67   1413.33   1414.67

    Average:     atmptf/s  estres/s retrans/s isegerr/s   orsts/s
    Average:         0.00      0.00      0.00      0.00      0.00

becomes a :class:`~perfkit.result.Tables` with one DataFrame per report, named as in
:mod:`perfkit.parsers.sar_reports` (``TCP``, ``ETCP``, ``cpu``, ``queue``...), a ``time``
column first, the columns as printed, and the ``Average:`` rows (``Durchschn.:``,
``Moyenne :``...) apart in ``tables.averages``. ``-F`` and ``-m USB`` print ``Summary:``
rows instead; they go to ``tables.averages`` too.

>>> text = ("Linux 6.18.44-fc-v657 (demo-host) \\t11/25/26 \\t_x86_64_\\t(2 CPU)\\n\\n"
...         "00:32:28     active/s passive/s    iseg/s    oseg/s\\n"
...         "00:32:29        59.00     59.00   1274.00   1274.00\\n\\n"
...         "00:32:28     atmptf/s  estres/s retrans/s isegerr/s   orsts/s\\n"
...         "00:32:29         0.00      0.00      0.00      0.00      0.00\\n\\n"
...         "Average:     active/s passive/s    iseg/s    oseg/s\\n"
...         "Average:        64.67     64.67   1413.33   1414.67\\n\\n"
...         "Average:     atmptf/s  estres/s retrans/s isegerr/s   orsts/s\\n"
...         "Average:         0.00      0.00      0.00      0.00      0.00\\n")
>>> t = parse(text)
>>> t
Tables({'TCP': 1x5, 'ETCP': 1x6}, averages=['ETCP', 'TCP'])
>>> t["TCP"]
                 time  active/s  passive/s  iseg/s  oseg/s
0 2026-11-25 00:32:29      59.0       59.0  1274.0  1274.0
>>> t.averages["TCP"]["active/s"].iloc[0], t.attrs["cpus"]
(np.float64(64.67), 2)

Also read:

* ``LINUX RESTART`` lines (``sar -f`` over a reboot): ``tables.attrs["restarts"]``, a frame
  of ``time`` and ``cpus``; comments (``sar -C``, ``COM ...``): ``tables.attrs["comments"]``.
* ``--human`` / ``-h`` values (``8.7M``, ``0.0B``, ``2.6%``) are turned back into numbers in
  the column's own unit (KiB for ``kB`` columns, MiB for ``MB`` columns, percent);
  ``attrs["human"]`` is then True.
* ``sar -x`` (sysstat 12.7) ``Minimum:``/``Maximum:`` rows: ``tables.attrs["minimum"]`` and
  ``["maximum"]``, dicts of frames by table name (``Average:`` rows stay in averages).
* ``-m USB`` (maker and product names with spaces) and ``-m BAT`` (the ``status`` arrow sar
  prints; absent on ``Average:`` rows) as ``power-USB`` and ``power-BAT``.
* ``--pretty`` headers, with the device column last; ``S_COLORS=always``; every locale's
  decimal comma, 12-hour clock and translated ``Average:``/``Summary:`` label.
* ``sadf -d`` and ``sadf -j`` output, and binary sa files (:func:`read_sa_file`): see
  :mod:`perfkit.parsers.sar_sadf`. sadf's other forms (``-x``, ``-g``, ``-p``, ``-r``,
  ``-H``: :data:`~perfkit.parsers.sar_sadf.UNSUPPORTED_FORMS`) raise a ParseError saying so.
"""

from __future__ import annotations

import re
import warnings

import pandas as pd

from ..errors import ParseError, ParseWarning, counted, own_tally, warn
from ..result import Tables
from ._read.banner import is_banner
from ._read.sysstat import Report, clean_report_text, read_report, read_tidy_report
from ._read.sysstat_plain import plain_report
from .sar_reports import (
    REPORTS,
    TABLE_NAMES,
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
from .sar_text import Prepared, looks_human, may_look_human, prepare, time_width

NAME = "sar"
__all__ = ["COLUMNS", "NAME", "REPORTS", "UNSUPPORTED_FORMS", "detect", "parse",
           "read_sa_file"]

#: The tables and columns parse may give (see :mod:`perfkit.parsers.columns`): a report's
#: metrics are named as its header prints them and are numbers; label and other text
#: columns (:data:`~perfkit.parsers.sar_reports.TEXT_COLUMNS`) are text. A header perfkit
#: does not know is a table named after its columns (``"*"``).
COLUMNS: dict[str, dict[str, str]] = {
    name: {"time": "datetime|timedelta", "interval": "int",
           **dict.fromkeys(sorted(TEXT_COLUMNS), "str"), "*": "number"}
    for name in (*TABLE_NAMES, "*")
}

_LINE = re.compile(r"\bline (\d+)")


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
        markup = form.startswith(("sadf -x", "sadf -g"))
        return not markup or "sysstat" in head or "CPU)" in head
    if not is_banner(lines[0]):
        return False
    for line in lines[1:]:
        tokens = line.split()
        prefix = time_width(tokens)
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


def parse(text: str, *, strict: bool = False, dayfirst: bool | None = None,
          date: object = None) -> Tables:
    """Parse sar's text, ``sadf -d`` or ``sadf -j`` output into a :class:`Tables`;
    ``date``: the date of a text fragment pasted without its banner (see the module doc)."""
    text, ascii_bytes, taken = clean_report_text(text, NAME)
    head = [line for line in text[: 1 << 16].split("\n")[:60] if line.strip()]
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
    human = _looks_human(text, ascii_bytes)
    options = dict(tool=NAME, text_columns=TEXT_COLUMNS, strict=strict, dayfirst=dayfirst,
                   header_columns=_header_columns, date=date)
    report = None if human else (plain_report(text, ascii_bytes, **options)
                                 or read_tidy_report(text, encoded=ascii_bytes, **options))
    if report is not None and not _holds_special_report(report):
        prepared = Prepared()  # the common case: nothing odd, nothing to take out first
    elif human or any(_contains(text, mark) for mark in _SPECIAL_REPORTS):
        ascii_bytes.clear()  # the prepared text is another text
        prepared = prepare(text.split("\n"), strict=strict)
        report = _read(prepared, strict=strict, dayfirst=dayfirst, date=date)
    else:  # odd lines, but nothing to take out: read the text as it is, saying what is odd
        prepared = Prepared()
        report = read_report(text, tool=NAME, text_columns=TEXT_COLUMNS, strict=strict,
                             dayfirst=dayfirst, header_columns=_header_columns, date=date)
    tables = Tables(attrs=dict(report.attrs))
    for name, value in taken.items():  # pdsh's host prefix, a time zone
        tables.attrs.setdefault(name, value)
    for columns in report.order:
        _add(tables, report_name(columns), report.tables[columns])
    for columns, frame in report.averages.items():
        _add(tables.averages, report_name(columns), frame)
    date = report.attrs.get("date")
    for name, frame in prepared.special_frames(date).items():
        _add(tables, name, frame)
    for name, frame in prepared.special_frames(date, averages=True).items():
        _add(tables.averages, name, frame)
    extremes = prepared.extreme_frames(report.attrs.get("decimal") or ".")
    tables.attrs.update({"human": prepared.human, "restarts": report.restarts,
                         "comments": prepared.comment_frame(date),
                         "minimum": extremes.get("minimum", {}),
                         "maximum": extremes.get("maximum", {})})
    facts = {k: v for k, v in tables.attrs.items()
             if not isinstance(v, (pd.DataFrame, dict))}
    for frame in [*tables.values(), *tables.averages.values()]:
        frame.attrs = dict(facts)
    return tables


def _looks_human(text: str, ascii_bytes: list[bytes]) -> bool:
    """:func:`looks_human` on the text's first 256 KiB, not asked when its bytes show no
    value that could be one (:func:`may_look_human`: the common case, in a fraction of
    the time)."""
    head = 1 << 18
    if ascii_bytes and not may_look_human(ascii_bytes[0][:head]):
        return False
    return looks_human(text[:head].split("\n"))


#: What :func:`prepare` takes out of the text: sar -C comments, the USB and battery
#: reports (text columns with spaces) and sar -x's Minimum:/Maximum: rows.
_SPECIAL_REPORTS = (" COM ", " manufact", " %cap", "Minimum:", "Maximum:")


def _holds_special_report(report: Report) -> bool:
    """True when a tidy read met what :data:`_SPECIAL_REPORTS` marks: a USB or battery
    header, a comment, or sar -x's ``Minimum:``/``Maximum:`` rows, which :func:`prepare`
    must take out first. (A comment among a table's rows is not tidy: it never gets here.)
    """
    columns = [*report.order, *report.averages]
    if any({"manufact", "%cap"} & set(names) or names[:1] == ("COM",) for names in columns):
        return True
    return bool({"Minimum:", "Maximum:"} & report.labels)


def _contains(text: str, mark: str) -> bool:
    """``mark in text``, faster for a mark that starts with `` %``: sar's headers are full
    of spaces followed by ``%``, which slows a plain search down, so ``%cap`` is looked
    for first and the space before it checked.

    >>> _contains("BAT   %cap", " %cap"), _contains("x%cap", " %cap")
    (True, False)
    """
    if not mark.startswith(" %"):
        return mark in text
    found = text.find(mark[1:], 1)
    while found >= 0:
        if text[found - 1] == " ":
            return True
        found = text.find(mark[1:], found + 1)
    return False


def _read(prepared: Prepared, *, strict: bool, dayfirst: bool | None,
          date: object = None) -> Report:
    """read_report on the prepared lines, with line numbers in errors and warnings mapped
    back to the input's."""
    with warnings.catch_warnings(record=True) as caught, own_tally():
        warnings.simplefilter("always")
        try:
            # (the prepared lines end where a row ends: no newline missing after it)
            report = read_report("\n".join(prepared.lines) + "\n", tool=NAME,
                                 text_columns=TEXT_COLUMNS, strict=strict, dayfirst=dayfirst,
                                 header_columns=_header_columns, date=date)
        except ParseError as exc:
            raise ParseError(exc.message, line=prepared.original(exc.line), text=exc.text,
                             tool=NAME) from exc
    for warning in caught:
        said = warning.message
        if not isinstance(said, ParseWarning):
            warnings.warn_explicit(said, warning.category, warning.filename, warning.lineno)
        elif hasattr(said, "hidden"):  # a count of warnings of one kind
            first, last, count, message = said.hidden
            first, last = prepared.original(first), prepared.original(last)
            warn(counted(message, count, first, last), line=first, tool=said.tool or NAME)
        elif said.line is not None:
            warn(said.message, line=prepared.original(said.line), text=said.text,
                 tool=said.tool or NAME)
        else:  # a warning whose text alone names the line
            warn(_LINE.sub(lambda m: f"line {prepared.original(int(m.group(1)))}", str(said),
                           count=1))
    return report


def _header_columns(tokens: list[str]) -> tuple[str, ...] | None:
    """The columns of a header line; None for a sample row where a header should be (a
    header names each column once and no name starts with a digit or a sign)."""
    columns = tuple(tokens[time_width(tokens):])
    if (not columns or len(set(columns)) != len(columns)
            or any(c[:1].isdigit() or c[:1] in "+-" for c in columns)):
        return None
    return columns


def _add(target: dict[str, pd.DataFrame], name: str, frame: pd.DataFrame) -> None:
    """Append ``frame`` to ``target[name]`` (the same report under another header: other
    CPUs after a restart, or another version's columns)."""
    if name in target:
        merged = pd.concat([target[name], frame], ignore_index=True)
        if "time" in merged:
            merged = merged.sort_values("time", kind="stable", ignore_index=True)
        target[name] = merged
    else:
        target[name] = frame
