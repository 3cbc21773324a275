"""``pidstat`` (sysstat): per-process (and per-thread) CPU, memory, I/O and switches.

What ``pidstat -t 1 3`` printed on the course machine (sysstat 12.6.1, C locale) beside a
two-thread Python busy loop, and the ``cpu`` table it becomes:

>>> text = '''Linux 6.18.44-fc-v657 (demo-host) \\t11/25/26 \\t_x86_64_\\t(2 CPU)
...
... 00:32:24      UID      TGID       TID    %usr %system  %guest   %wait    %CPU   CPU  Command
... 00:32:25        0         2         -   37.00    1.00    0.00    0.00   38.00     0  python3
... 00:32:25        0         -         4   19.00    0.00    0.00   52.00   19.00     1  |__python3
... 00:32:25        0         -         5   18.00    0.00    0.00   53.00   18.00     1  |__python3
...
... 00:32:25      UID      TGID       TID    %usr %system  %guest   %wait    %CPU   CPU  Command
... 00:32:26        0         2         -   49.00    0.00    0.00    0.00   49.00     0  python3
... 00:32:26        0         -         4   25.00    0.00    0.00   58.00   25.00     1  |__python3
... 00:32:26        0         -         5   24.00    0.00    0.00   59.00   24.00     1  |__python3
...
... 00:32:26      UID      TGID       TID    %usr %system  %guest   %wait    %CPU   CPU  Command
... 00:32:27        0         2         -   58.00    0.00    0.00    0.00   58.00     0  python3
... 00:32:27        0         -         4   29.00    0.00    0.00   54.00   29.00     0  |__python3
... 00:32:27        0         -         5   29.00    0.00    0.00   53.00   29.00     0  |__python3
...
... Average:      UID      TGID       TID    %usr %system  %guest   %wait    %CPU   CPU  Command
... Average:        0         2         -   48.00    0.33    0.00    0.00   48.33     -  python3
... Average:        0         -         4   24.33    0.00    0.00   54.67   24.33     -  |__python3
... Average:        0         -         5   23.67    0.00    0.00   55.00   23.67     -  |__python3
... '''
>>> tables = parse(text)
>>> print(tables["cpu"][["time", "TGID", "TID", "%usr", "%wait", "CPU", "Command"]].head(3))
                 time  TGID  TID  %usr  %wait  CPU     Command
0 2026-11-25 00:32:25   2.0  NaN  37.0    0.0  0.0     python3
1 2026-11-25 00:32:25   NaN  4.0  19.0   52.0  1.0  |__python3
2 2026-11-25 00:32:25   NaN  5.0  18.0   53.0  1.0  |__python3
>>> tables.averages["cpu"][["TGID", "TID", "%CPU", "CPU"]].iloc[0].tolist()
[2.0, nan, 48.33, nan]

Tables (a :class:`perfkit.Tables`), one per report pidstat printed, named by its columns:

=================  ==========================================  ============================
table              columns after the task's identity           flag
=================  ==========================================  ============================
``cpu``            ``%usr %system %guest %wait %CPU CPU``      ``-u`` (the default)
``cpu_child``      ``usr-ms system-ms guest-ms``               ``-u -T CHILD``/``-T ALL``
``memory``         ``minflt/s majflt/s VSZ RSS %MEM``          ``-r``
``memory_child``   ``minflt-nr majflt-nr``                     ``-r -T CHILD``/``-T ALL``
``stack``          ``StkSize StkRef``                          ``-s``
``io``             ``kB_rd/s kB_wr/s kB_ccwr/s iodelay``       ``-d``
``switches``       ``cswch/s nvcswch/s``                       ``-w``
``kernel``         ``threads fd-nr``                           ``-v``
``realtime``       ``prio policy``                             ``-R``
``all``            several reports on one line                 ``-h`` with several reports
``all_child``      the ``-T CHILD`` reports on one line        ``-h -T CHILD``/``-T ALL``
=================  ==========================================  ============================

(``-h`` with a single report gives that report's table.) Columns keep their printed names
and order; each report's set is whatever the version printed (``%wait`` and ``iodelay``
are recent; old versions print ``%user``). The identity columns are ``UID`` (or ``USER``
with ``-U``, text), ``PID`` (or ``TGID`` and ``TID`` with ``-t``) and ``Command`` last.

* ``TGID``, ``TID`` and ``CPU`` are numbers; the ``-`` that pidstat prints in their place
  (the TID of a process row, the TGID of a thread row, the CPU of an average) is NaN.
* ``Command`` is the text to the end of the line: with ``-l`` the whole command line,
  spaces included. Thread rows keep their text: ``|__python3`` under their process, or
  ``(soffice.bin)__dconf worker`` (with the TGID) when pidstat did not print the process
  first. With ``-t``, a thread row is ``df["TID"].notna()``, a process row
  ``df["TID"].isna()``.
* ``VSZ``, ``RSS``, ``StkSize`` and ``StkRef`` are KiB, as pidstat prints them.
* ``--human`` values (``107.5M``, ``0.0B``, ``65.0%``) are turned back into numbers in
  the column's unit (KiB, KiB/s, percent); ``attrs["human"]`` is then True.
* ``policy`` (``-R``) is text (``FIFO``, ``RR``...).

Every sample frame starts with ``time`` (``datetime64``: the banner date and the printed
time of day, rolling over midnight; ``-H`` epoch stamps as UTC) and a boolean
``since_boot``: True when pidstat ran without an interval, so that its single report covers
the time since each task started (the header and its rows then carry the same time).
With ``-h`` it is False: its ``# Time`` headers carry no time and ``-h`` never prints
averages, so ``pidstat -h`` without interval prints what ``pidstat -h 2 1`` prints (one
time stamp, no averages) and the two cannot be told apart. ``Average:`` rows
(``Durchschn.:``, ``Moyenne :``...) go to ``tables.averages`` under the same names.
Banner facts are in ``tables.attrs`` and every frame's ``.attrs``.

Read as well: decimal commas (de_DE, fr_FR), 12-hour clocks (``12:26:37 AM``), Japanese
dates and times, ``S_TIME_FORMAT=ISO``, ``S_COLORS=always`` (codes dropped).

**JSON**: sysstat 12.6.1 (the course machine's) has no ``pidstat -o JSON``; it arrived in
12.7.x. That JSON is read into the same tables and columns as the text: ``usr`` -> ``%usr``,
``system`` -> ``%system``, ``guest`` -> ``%guest``, ``wait`` -> ``%wait``, ``cpu`` ->
``%CPU``, ``cpu_nr`` -> ``CPU``, ``MEM`` -> ``%MEM``, ``cmd`` -> ``Command``; an empty
``TGID``/``TID`` is NaN; thread entries (those with a ``TID``) get the text's cells: ``|__``
before the command and NaN for ``TGID`` under their process, ``(leader)__`` and the TGID
for a thread whose process was not printed before it. JSON has no averages, and whole
numbers are int64 in both forms (a value beyond int64, such as a wrapped 18446744073709551611
``iodelay``, leaves its column float).

**Fragments** pasted without the banner (from the first header on, as in most web pages)
are read: no date is printed, so ``time`` holds the times of day as ``timedelta64`` (a day
more after each midnight) and ``attrs["date"]`` is None; perfkit never makes a date up.
``perfkit.parse(text, "pidstat", date="2026-11-25")`` gives ``datetime64`` times on that
date. Also read: a ``host: `` prefix that pdsh puts on every line (``attrs["host"]``), zh_CN
clocks (``16时00分21秒``) and a time zone after each time (``12:38:33 PM IST``:
``attrs["time_zone"]``; times stay as printed).

Bad input: empty or binary text, or text that starts with neither a banner nor a time,
raises :class:`~perfkit.ParseError`; a line that is not a banner, a header, a row or an average
raises with ``strict=True`` and is skipped with a :class:`~perfkit.ParseWarning` otherwise; a
truncated last row is dropped with a warning.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import bad_line
from ..result import Tables
from ..units import size_to_kib
from ._read.banner import is_banner
from ._read.sysstat import clean_report_text, read_report
from ._read.sysstat_lines import Columns
from ._read.sysstat_plain import plain_report
from ._read.sysstat_runs import SeveralRuns, read_runs
from ._read.text import ANSI_ESCAPE
from .mpstat import (
    add_since_boot,
    finish,
    first_report_since_boot,
    join_runs,
    json_facts,
    json_times,
    looks_like_json,
    name_tables,
    read_json,
    read_together,
    require_header,
    time_width,
)

NAME = "pidstat"

#: Columns every pidstat table may have (``-t`` adds ``TGID``/``TID``, ``-U`` ``USER``).
_PROCESS = {"time": "datetime|timedelta", "since_boot": "bool", "UID": "int", "USER": "str",
            "PID": "int", "TGID": "float", "TID": "float", "Command": "str"}
_METRICS: dict[str, dict[str, str]] = {
    "cpu": {"%usr": "float", "%system": "float", "%guest": "float", "%wait": "float",
            "%CPU": "float", "CPU": "float"},
    "memory": {"minflt/s": "float", "majflt/s": "float", "VSZ": "number", "RSS": "number",
               "%MEM": "float"},
    "io": {"kB_rd/s": "float", "kB_wr/s": "float", "kB_ccwr/s": "float", "iodelay": "number"},
    "stack": {"StkSize": "number", "StkRef": "number"},
    "switches": {"cswch/s": "float", "nvcswch/s": "float"},
    "kernel": {"threads": "int", "fd-nr": "int"},
    "realtime": {"prio": "int", "policy": "str"},
    "cpu_child": {"usr-ms": "number", "system-ms": "number", "guest-ms": "number"},
    "memory_child": {"minflt-nr": "number", "majflt-nr": "number"},
}

#: The tables and columns parse may give (see :mod:`perfkit.parsers.columns`): one table
#: per report, ``all`` (``-h``, one line per process) and ``all_child`` (``-h`` with ``-T``).
COLUMNS: dict[str, dict[str, str]] = {
    **{name: {**_PROCESS, **metrics} for name, metrics in _METRICS.items()},
    "all": {**_PROCESS, **{k: v for name, metrics in _METRICS.items()
                           if not name.endswith("_child") for k, v in metrics.items()}},
    "all_child": {**_PROCESS, **_METRICS["cpu_child"], **_METRICS["memory_child"]},
}

#: Each report's table name and the columns that mark it (any one is enough).
REPORTS: dict[str, tuple[str, ...]] = {
    "cpu": ("%usr", "%user", "%system", "%guest", "%wait", "%CPU", "CPU"),
    "cpu_child": ("usr-ms", "system-ms", "guest-ms"),
    "memory": ("minflt/s", "majflt/s", "VSZ", "RSS", "%MEM"),
    "memory_child": ("minflt-nr", "majflt-nr"),
    "stack": ("StkSize", "StkRef"),
    "io": ("kB_rd/s", "kB_wr/s", "kB_ccwr/s", "iodelay"),
    "switches": ("cswch/s", "nvcswch/s"),
    "kernel": ("threads", "fd-nr"),
    "realtime": ("prio", "policy"),
}
_REPORT_OF = {column: name for name, columns in REPORTS.items() for column in columns}
IDENTITY = ("UID", "USER", "PID", "TGID", "TID", "Command")
_TEXT = {"Command", "USER", "policy"}
#: Columns pidstat prints as whole numbers: int64 whichever way the row was read.
_INTEGERS = ("UID", "PID", "VSZ", "RSS", "StkSize", "StkRef", "iodelay", "threads", "fd-nr",
             "prio", "usr-ms", "system-ms", "guest-ms", "minflt-nr", "majflt-nr")
#: Numbers that pidstat may print as ``-``.
_PLACEHOLDERS = ("TGID", "TID", "CPU")
#: Columns that ``--human`` prints with a unit suffix (sizes in KiB, rates in KiB/s).
_SIZES = ("VSZ", "RSS", "StkSize", "StkRef", "kB_rd/s", "kB_wr/s", "kB_ccwr/s")
_PERCENTS = ("%usr", "%user", "%system", "%guest", "%wait", "%CPU", "%MEM")
_HUMAN = re.compile(r"[ \t]-?\d+(?:[.,]\d+)?[%BkMGTPE](?=[ \t])")
_SUFFIXED = re.compile(r"^(-?\d+(?:[.,]\d+)?)([%BkMGTPE]?)$")
JSON_TABLES = {"task-cpu-load": "cpu", "child-cpu-load": "cpu_child",
               "task-memory": "memory", "child-memory": "memory_child", "stack": "stack",
               "io": "io", "context-switch": "switches", "kernel": "kernel",
               "realtime": "realtime"}
_JSON_NAMES = {"usr": "%usr", "system": "%system", "guest": "%guest", "wait": "%wait",
               "cpu": "%CPU", "cpu_nr": "CPU", "MEM": "%MEM", "cmd": "Command"}


def table_of(columns: Sequence[str]) -> str | None:
    """The table name of a header's columns (after the time), or None for a header pidstat
    does not print.

    >>> table_of(["UID", "PID", "minflt/s", "majflt/s", "VSZ", "RSS", "%MEM", "Command"])
    'memory'
    >>> table_of(["UID", "PID", "%usr", "%system", "%guest", "%wait", "%CPU", "CPU",
    ...           "cswch/s", "nvcswch/s", "Command"])
    'all'
    """
    columns = tuple(columns)
    if len(columns) < 3 or columns[-1] != "Command":
        return None
    if "PID" not in columns and not ("TGID" in columns and "TID" in columns):
        return None
    names: list[str] = []
    for column in columns:
        if column in IDENTITY:
            continue
        name = _REPORT_OF.get(column)
        if name is None:
            return None
        if name not in names:
            names.append(name)
    if not names:
        return None
    if len(names) == 1:
        return names[0]
    return "all_child" if all(name.endswith("_child") for name in names) else "all"


def header_columns(tokens: Sequence[str]) -> tuple[str, ...] | None:
    """The columns of a header line (``00:25:36 UID PID ...``, ``# Time UID PID ...``)."""
    tokens = list(tokens)
    if tokens and tokens[0].startswith("#"):
        tokens = tokens[1:] if tokens[0] == "#" else [tokens[0][1:], *tokens[1:]]
        rest = tokens[1:] if tokens[:1] == ["Time"] else None
    else:
        width = time_width(tokens)
        rest = tokens[width:] if width else None
    if rest is None:
        return None
    columns = tuple(rest)
    return columns if table_of(columns) else None


def detect(lines: list[str]) -> bool:
    """True for pidstat's text (a banner, then a pidstat header) or JSON."""
    if not lines:
        return False
    if lines[0].lstrip().startswith("{"):
        return looks_like_json(lines, JSON_TABLES)
    if not is_banner(ANSI_ESCAPE.sub("", lines[0])):
        return False
    for line in lines[1:]:
        tokens = ANSI_ESCAPE.sub("", line).split()
        if tokens[:1] and tokens[0].startswith("#") and header_columns(tokens):
            return True
        if time_width(tokens) and header_columns(tokens):
            return True
    return False


def parse(text: str | bytes, *, strict: bool = False, dayfirst: bool | None = None,
          date: object = None) -> Tables:
    """Parse pidstat's text (or sysstat 12.7's JSON) into a :class:`~perfkit.Tables`;
    ``date``: the date of a fragment pasted without its banner (see the module doc)."""
    text, ascii_bytes, taken = clean_report_text(text, NAME)
    if text.lstrip().startswith("{"):
        return _parse_json(text, strict=strict, dayfirst=dayfirst)
    require_header(text, header_columns, NAME)
    human = bool(_HUMAN.search(text, 0, 1 << 16))  # --human shows in the first rows
    text_columns = {*_TEXT, *_PLACEHOLDERS}
    if human:
        text_columns.update(_SIZES + _PERCENTS)
    options = dict(tool=NAME, text_columns=text_columns, rest_column="Command", strict=strict,
                   dayfirst=dayfirst, header_columns=header_columns, date=date)
    since_boot: bool | dict[Columns, np.ndarray] = first_report_since_boot(text)
    try:
        report = plain_report(text, ascii_bytes, **options) or read_report(
            text, encoded=ascii_bytes, runs=True, **options)
    except SeveralRuns as runs:  # two outputs joined: read together, or each on its own
        together = None if _human_differs(runs.text, runs.starts, human) else \
            read_together(runs, options, table_of)
        if together is None:
            return join_runs(read_runs(runs.text, runs.starts, lambda part: parse(
                part, strict=strict, dayfirst=dayfirst, date=date), NAME), taken)
        report, since_boot = together
    add_since_boot(report, since_boot)
    tables, averages = name_tables(report, table_of, strict=strict, tool=NAME)
    decimal = report.attrs.get("decimal", ".")
    lines = _Lines(text)
    for frames in (tables, averages):
        for name, frame in frames.items():
            frame = _integers(_numbers(frame, decimal=decimal, human=human, lines=lines,
                                       strict=strict))
            frame["Command"] = frame["Command"].astype(str)
            for column in _TEXT & set(frame.columns) - {"Command"}:
                frame[column] = frame[column].astype(str)
            frames[name] = frame
    attrs = {**report.attrs, "human": human, "printed_unit": "KiB"}
    for name, value in taken.items():  # pdsh's host prefix, a time zone
        attrs.setdefault(name, value)
    return finish(tables, averages, attrs)


def _human_differs(text: str, starts: list[int], human: bool) -> bool:
    """Whether a run of a joined text shows ``--human`` sizes when the whole text's start
    says otherwise (or the reverse): such runs are read each on its own."""
    bounds = [0, *starts, len(text)]
    return any(bool(_HUMAN.search(text, low, min(high, low + (1 << 16)))) != human
               for low, high in itertools.pairwise(bounds))


def _numbers(frame: pd.DataFrame, *, decimal: str, human: bool, lines: Iterable[str],
             strict: bool) -> pd.DataFrame:
    """Columns read as text (``-`` placeholders, ``--human`` suffixes) to numbers; a cell
    that is neither drops its row (ParseError with ``strict=True``)."""
    bad = np.zeros(len(frame), dtype=bool)
    columns = [c for c in frame.columns
               if c in _PLACEHOLDERS or (human and c in _SIZES + _PERCENTS)]
    printed = frame[columns].astype(object)
    for column in columns:
        raw = printed[column]
        codes, uniques = pd.factorize(raw)
        # a cell missing from the frame (columns united) has code -1: NaN, not the last value
        values = np.array([*(_value(str(u), column, decimal) for u in uniques), np.nan],
                          dtype=float)
        failed = np.array([*(_value(str(u), column, decimal, check=True) for u in uniques),
                           False], dtype=bool)
        per_row = values[codes]
        bad |= failed[codes]
        frame[column] = per_row
    # a row with a field too many: every value after it moved one column on, and the last
    # number went into Command ("8.91 java"); no command is a number and a space
    shifted = _shifted(frame["Command"]) if "Command" in frame and len(frame) \
        else np.zeros(len(frame), dtype=bool)
    shifted |= _policy_moved(frame)
    for index in np.flatnonzero(bad | shifted):
        number, line = _find_line(lines, [str(v) for v in printed.iloc[index]],
                                  str(frame["Command"].iloc[index]))
        message = ("a row with more fields than its header (its values would move one "
                   "column on)" if shifted[index] else "a row with a value that is not a "
                   "number")
        bad_line(message, line=number, text=line, tool=NAME, strict=strict,
                 action="line skipped")
    bad |= shifted
    return frame.loc[~bad].reset_index(drop=True) if bad.any() else frame


def _shifted(commands: pd.Series) -> np.ndarray:
    """Whether each command starts as :data:`_SHIFTED` does (the regex run once per distinct
    command, not once per row; a missing command never does)."""
    codes, uniques = pd.factorize(commands)
    pattern = re.compile(_SHIFTED)
    matched = np.array([pattern.match(str(command)) is not None for command in uniques]
                       + [False], dtype=bool)
    return matched[codes]  # code -1 (missing): the False at the end


def _policy_moved(frame: pd.DataFrame) -> np.ndarray:
    """Rows of ``-R`` whose policy moved: pidstat prints it as a word in capitals (``FIFO``,
    ``RR``), so a number there means a field was lost before it, and a Command that starts
    with the row's policy and a space means the policy was printed twice.

    >>> rows = pd.DataFrame({"policy": ["FIFO", "10", "FIFO"],
    ...                      "Command": ["sleep", "FIFO  sleep", "FIFO  sleep"]})
    >>> _policy_moved(rows).tolist()
    [False, True, True]
    """
    if "policy" not in frame or not len(frame):
        return np.zeros(len(frame), dtype=bool)
    policy = frame["policy"].astype(str)
    not_a_word = ~policy.str.fullmatch(r"[A-Z_]+").to_numpy(dtype=bool)
    command = frame["Command"].astype(str) if "Command" in frame else policy
    doubled = np.array([c.startswith(p) and c[len(p):len(p) + 1].isspace()
                        for p, c in zip(policy, command, strict=True)], dtype=bool)
    return not_a_word | doubled


def _integers(frame: pd.DataFrame) -> pd.DataFrame:
    """Whole-number columns as int64 (a row read by the slow path, for a command with
    spaces, would otherwise leave them float); ``--human`` sizes stay float, and so does a
    column with a value beyond int64 (a wrapped counter such as 18446744073709551611)."""
    for column in _INTEGERS:
        if column not in frame or frame[column].dtype.kind not in "fu":
            continue
        values = frame[column].astype(float)
        if values.notna().all() and (values % 1 == 0).all() and \
                (values.abs() < 2.0**63).all():
            frame[column] = values.astype("int64") if frame[column].dtype.kind == "f" \
                else frame[column].astype("int64")
        else:
            frame[column] = values
    return frame


def _value(cell: str, column: str, decimal: str, *, check: bool = False) -> Any:
    """A printed cell as a number (or, with ``check``, whether it is unreadable)."""
    if cell == "-" and column in _PLACEHOLDERS:
        return False if check else np.nan
    match = _SUFFIXED.match(cell)
    if not match or (match.group(2) and column in _PLACEHOLDERS):
        return True if check else np.nan
    if check:
        return False
    number, suffix = match.groups()
    if suffix in ("", "%"):
        return float(number.replace(decimal, "."))
    return size_to_kib(number.replace(decimal, ".") + suffix)


#: A Command that starts with a number and a space: a row's last number, pushed into
#: Command by a field too many (see :func:`_numbers`).
_SHIFTED = r"-?\d+(?:[.,]\d+)?%?\s+\S"


class _Lines:
    """The text's lines, split only when a bad row needs its line number."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: list[str] | None = None

    def __iter__(self):
        if self._lines is None:
            self._lines = self.text.split("\n")
        return iter(self._lines)


def _find_line(lines: Iterable[str], cells: list[str], command: str) -> tuple[int | None, str]:
    """The number and text of the first row line holding a command and its odd cells."""
    for number, line in enumerate(lines, start=1):
        if command in line and all(cell in line for cell in cells if cell != "nan"):
            return number, line
    return None, command


# -- JSON (sysstat >= 12.7) ----------------------------------------------------------------

def _parse_json(text: str, *, strict: bool, dayfirst: bool | None) -> Tables:
    host, reports = read_json(text, tool=NAME, strict=strict)
    facts = json_facts(host, NAME)
    rows: dict[str, list[dict[str, Any]]] = {}
    stamps: list[str] = []
    lines: list[int] = []
    for index, (entry, line) in enumerate(reports):
        stamps.append(str(entry["timestamp"]))
        lines.append(line)
        for key, items in entry.items():
            if key == "timestamp":
                continue
            table = JSON_TABLES.get(key)
            if table is None or not isinstance(items, list):
                bad_line(f"an unknown key {key!r} in a report", line=line, tool=NAME,
                         strict=strict)
                continue
            target = rows.setdefault(table, [])
            shown: set[Any] = set()  # TGIDs whose process row this list printed
            for item in items:
                if isinstance(item, dict):
                    target.append({"__report": index, **_json_row(item, shown)})
    times = json_times(stamps, lines, facts, dayfirst, NAME)
    facts.update({"average_label": None, "human": False, "printed_unit": "KiB"})
    tables: dict[str, pd.DataFrame] = {}
    for table, records in rows.items():
        frame = pd.DataFrame.from_records(records)
        report = frame.pop("__report").to_numpy()
        frame.insert(0, "time", times.to_numpy()[report])
        frame.insert(1, "since_boot", False)
        for name in frame.columns[2:]:
            if name in _TEXT:
                frame[name] = frame[name].astype(str)
            else:  # integers stay integers, as read_csv reads the text
                values = pd.to_numeric(frame[name].replace("", np.nan), errors="coerce")
                frame[name] = values.astype(float) if name in _PLACEHOLDERS else values
        tables[table] = _integers(frame)
    return finish(tables, {}, facts)


def _json_row(item: dict[str, Any], shown: set[Any]) -> dict[str, Any]:
    """One JSON task with the text's columns and cells (see the module docstring).

    ``shown`` holds the TGIDs already printed in the same list (by their process row, or
    by a first thread printed without it): later threads print as ``|__name`` with TGID
    ``-``; a thread whose TGID was not printed yet shows it, as ``(leader)__name``. This is
    what pidstat's text does."""
    thread = item.get("TID") not in (None, "")
    under_leader = thread and item.get("TGID") in shown
    if not under_leader:
        shown.add(item.get("TGID", item.get("PID")))
    row: dict[str, Any] = {}
    for key, value in item.items():
        if key == "leader":
            continue
        name = _JSON_NAMES.get(key, key)
        if name == "TGID" and under_leader:
            value = ""
        if name == "Command" and thread:
            value = f"|__{value}" if under_leader else f"({item.get('leader', '')})__{value}"
        row[name] = value
    if "Command" in row:
        row["Command"] = row.pop("Command")
    return row
