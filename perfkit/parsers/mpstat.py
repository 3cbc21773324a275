"""``mpstat`` (sysstat): CPU time, interrupts and softirqs per CPU, from text or ``-o JSON``.

What ``LC_ALL=de_DE.UTF-8 mpstat -P ALL 1 3`` printed on the course machine under a
one-CPU stress-ng load (sysstat 12.6.1), and the ``cpu`` table it becomes:

>>> text = '''Linux 6.18.44-fc-v657 (demo-host) \\t25.11.2026 \\t_x86_64_\\t(2 CPU)
...
... 00:24:42     CPU    %usr   %nice    %sys %iowait    %irq   %soft  %steal  %guest  %gnice   %idle
... 00:24:43     all   99,00    0,00    0,50    0,00    0,00    0,00    0,50    0,00    0,00    0,00
... 00:24:43       0  100,00    0,00    0,00    0,00    0,00    0,00    0,00    0,00    0,00    0,00
... 00:24:43       1   98,02    0,00    0,99    0,00    0,00    0,00    0,99    0,00    0,00    0,00
...
... 00:24:43     CPU    %usr   %nice    %sys %iowait    %irq   %soft  %steal  %guest  %gnice   %idle
... 00:24:44     all   96,98    0,00    3,02    0,00    0,00    0,00    0,00    0,00    0,00    0,00
... 00:24:44       0  100,00    0,00    0,00    0,00    0,00    0,00    0,00    0,00    0,00    0,00
... 00:24:44       1   93,94    0,00    6,06    0,00    0,00    0,00    0,00    0,00    0,00    0,00
...
... 00:24:44     CPU    %usr   %nice    %sys %iowait    %irq   %soft  %steal  %guest  %gnice   %idle
... 00:24:45     all   97,01    0,00    2,99    0,00    0,00    0,00    0,00    0,00    0,00    0,00
... 00:24:45       0  100,00    0,00    0,00    0,00    0,00    0,00    0,00    0,00    0,00    0,00
... 00:24:45       1   94,06    0,00    5,94    0,00    0,00    0,00    0,00    0,00    0,00    0,00
...
... Durchschn.:  CPU    %usr   %nice    %sys %iowait    %irq   %soft  %steal  %guest  %gnice   %idle
... Durchschn.:  all   97,67    0,00    2,17    0,00    0,00    0,00    0,17    0,00    0,00    0,00
... Durchschn.:    0  100,00    0,00    0,00    0,00    0,00    0,00    0,00    0,00    0,00    0,00
... Durchschn.:    1   95,35    0,00    4,32    0,00    0,00    0,00    0,33    0,00    0,00    0,00
... '''
>>> tables = parse(text)
>>> print(tables["cpu"][["time", "since_boot", "CPU", "%usr", "%sys", "%steal"]].head(3))
                 time  since_boot  CPU    %usr  %sys  %steal
0 2026-11-25 00:24:43       False  all   99.00  0.50    0.50
1 2026-11-25 00:24:43       False    0  100.00  0.00    0.00
2 2026-11-25 00:24:43       False    1   98.02  0.99    0.99
>>> tables.averages["cpu"]["%sys"].tolist(), tables.attrs["average_label"]
([2.17, 0.0, 4.32], 'Durchschn.:')

Tables (a :class:`perfkit.Tables`; only those the output has):

* ``cpu`` (default, ``-u``, ``-P``): ``CPU`` (text: ``all``, ``0``, ``1``...), then
  ``%usr %nice %sys %iowait %irq %soft %steal %guest %gnice %idle`` or whatever the version
  printed. With ``-T``, ``CORE SOCK NODE`` follow ``CPU`` as numbers; mpstat leaves them
  blank on the ``all`` row, which gets NaN.
* ``node`` (``-N``): ``NODE`` (text) and the same percentages.
* ``intr`` (``-I SUM``): ``CPU`` and ``intr/s``.
* ``irq`` (``-I CPU``): ``CPU`` and one ``<irq>/s`` column per interrupt, as printed
  (``0/s``, ``24/s``..., ``NMI/s``, ``LOC/s``...). When the set of interrupts changes
  between reports, the columns are united and missing values are NaN.
* ``softirq`` (``-I SCPU``): ``CPU`` and ``HI/s TIMER/s NET_TX/s NET_RX/s BLOCK/s
  IRQ_POLL/s TASKLET/s SCHED/s HRTIMER/s RCU/s``.

Every sample frame starts with ``time`` (``datetime64``: the banner date and the printed
time of day, rolling over midnight; seconds since the epoch with ``-H``/``-U`` style
stamps) and a boolean ``since_boot``: True when mpstat ran without an interval, so that its
single report covers the time since boot (the header and its rows then carry the same
time); with an interval every report covers the interval. ``Average:`` rows (``Durchschn.:``,
``Moyenne :``, ``平均値:``) go to ``tables.averages`` under the same names. Banner facts
(``kernel``, ``host``, ``date``, ``cpus``, ``arch``, ``decimal``...) are in ``tables.attrs``
and every frame's ``.attrs``.

Read as well: decimal commas (de_DE, fr_FR), 12-hour clocks (en_US ``12:15:33 AM`` is
00:15:33), Japanese dates and times, ``S_TIME_FORMAT=ISO`` dates, ``S_COLORS=always``
colour codes (dropped).

**JSON** (``-o JSON``) gives the same tables and column names as the text: the keys
``usr``, ``nice``... become ``%usr``, ``%nice``...; ``cpu`` -> ``CPU``, ``node`` -> ``NODE``,
``core`` -> ``CORE``, ``socket`` -> ``SOCK``, ``intr`` -> ``intr/s``; each interrupt's
``name`` becomes the column ``<name>/s``; ``timestamp`` (printed in the locale's way, like
the text) becomes ``time``. JSON has no averages and no since-boot marker in the text, so
``since_boot`` is False there. A JSON document cut off in its last report (an interrupted
``mpstat -o JSON``) keeps the complete reports and warns.

**Fragments** pasted without the banner (from the first header on, as in most web pages)
are read: no date is printed, so ``time`` holds the times of day as ``timedelta64`` (a day
more after each midnight) and ``attrs["date"]`` is None; perfkit never makes a date up.
``perfkit.parse(text, "mpstat", date="2026-11-25")`` gives ``datetime64`` times on that
date. Also read: a ``host: `` prefix that pdsh puts on every line (``attrs["host"]``), zh_CN
clocks (``16时00分21秒``) and a time zone after each time (``12:38:33 PM IST``:
``attrs["time_zone"]``; times stay as printed).

Bad input: empty or binary text, or text that starts with neither a banner nor a time,
raises :class:`~perfkit.ParseError`; a line that is not a banner, a header, a row or an average
raises with ``strict=True`` and is skipped with a :class:`~perfkit.ParseWarning` otherwise; a
truncated last row is dropped with a warning.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParseError, bad_line, warn
from ..result import Tables
from ._read.banner import is_banner
from ._read.sysstat import Report, clean_report_text, read_report
from ._read.sysstat_lines import Columns
from ._read.sysstat_plain import plain_report
from ._read.sysstat_plain_runs import plain_runs
from ._read.sysstat_runs import SeveralRuns, banner_lines, read_runs, say_later_banner
from ._read.sysstat_times import time_width
from ._read.text import ANSI_ESCAPE
from ._read.times import (
    AM_PM,
    combine,
    epoch_to_datetime,
    guess_dayfirst,
    is_time,
    parse_date,
    times_of_day,
)

NAME = "mpstat"

_CPU_METRICS = ("%usr", "%nice", "%sys", "%iowait", "%irq", "%soft", "%steal", "%guest",
                "%gnice", "%idle")

#: The tables and columns parse may give (see :mod:`perfkit.parsers.columns`); ``irq``
#: has one ``<interrupt>/s`` column per interrupt the machine has.
COLUMNS: dict[str, dict[str, str]] = {
    "cpu": {"time": "datetime|timedelta", "since_boot": "bool", "CPU": "str",
            **dict.fromkeys(_CPU_METRICS, "float"),
            "CORE": "float", "SOCK": "float", "NODE": "float"},
    "node": {"time": "datetime|timedelta", "since_boot": "bool", "NODE": "str",
             **dict.fromkeys(_CPU_METRICS, "float")},
    "intr": {"time": "datetime|timedelta", "since_boot": "bool", "CPU": "str", "intr/s": "float"},
    "irq": {"time": "datetime|timedelta", "since_boot": "bool", "CPU": "str", "*/s": "float"},
    "softirq": {"time": "datetime|timedelta", "since_boot": "bool", "CPU": "str",
                **dict.fromkeys(("HI/s", "TIMER/s", "NET_TX/s", "NET_RX/s", "BLOCK/s",
                                 "BLOCK_IOPOLL/s", "IRQ_POLL/s", "TASKLET/s", "SCHED/s",
                                 "HRTIMER/s", "RCU/s"), "float")},
}

#: Softirq names sysstat prints in ``-I SCPU`` headers (``HI/s``...), old and new.
SOFTIRQS = frozenset(f"{name}/s" for name in (
    "HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "BLOCK_IOPOLL", "IRQ_POLL", "TASKLET",
    "SCHED", "HRTIMER", "RCU"))
#: Columns of ``-I CPU``/``-I SCPU``: an interrupt number or an upper-case name, then ``/s``
#: (sar's ``total/s``, ``i000/s`` are lower case).
_IRQ_COLUMN = re.compile(r"^[0-9A-Z_]+/s$")
_EPOCH = re.compile(r"^\d{9,11}$")
_TOPOLOGY = ("CORE", "SOCK", "NODE")
_TEXT_COLUMNS = {"CPU", "NODE", "CORE", "SOCK"}
#: JSON statistics keys and the table each one fills.
JSON_TABLES = {"cpu-load": "cpu", "node-load": "node", "sum-interrupts": "intr",
               "individual-interrupts": "irq", "soft-interrupts": "softirq"}
_JSON_NAMES = {"cpu": "CPU", "node": "NODE", "core": "CORE", "socket": "SOCK",
               "intr": "intr/s"}


def table_of(columns: Sequence[str]) -> str | None:
    """The table a header's columns (after the time) belong to, or None for a header
    mpstat does not print.

    >>> table_of(["CPU", "%usr", "%nice", "%sys", "%iowait", "%irq", "%soft", "%steal",
    ...           "%guest", "%gnice", "%idle"])
    'cpu'
    >>> table_of(["CPU", "%usr", "%nice", "%sys", "%iowait", "%steal", "%irq", "%soft",
    ...           "%guest", "%gnice", "%idle"]) is None      # sar -u ALL
    True
    """
    columns = tuple(columns)
    if len(columns) < 2:
        return None
    first, rest = columns[0], columns[1:]
    if first == "NODE":
        return "node" if _cpu_time_columns(rest) else None
    if first != "CPU":
        return None
    if rest[:3] == _TOPOLOGY:
        return "cpu" if _cpu_time_columns(rest[3:]) else None
    if _cpu_time_columns(rest):
        return "cpu"
    if rest == ("intr/s",):
        return "intr"
    if all(_IRQ_COLUMN.match(column) for column in rest):
        return "softirq" if SOFTIRQS.intersection(rest) else "irq"
    return None


def _cpu_time_columns(columns: Sequence[str]) -> bool:
    """mpstat's CPU-time columns: ``%irq`` comes before ``%steal`` (sar -u ALL prints
    ``%steal`` right after ``%iowait``; plain sar -u has no ``%irq``)."""
    columns = list(columns)
    if "%irq" not in columns or "%idle" not in columns:
        return False
    return "%steal" not in columns or columns.index("%steal") > columns.index("%irq")


def header_columns(tokens: Sequence[str]) -> tuple[str, ...] | None:
    """The columns of a header line's tokens (time, AM/PM or label dropped), or None."""
    width = time_width(tokens)
    if not width:
        return None
    columns = tuple(tokens[width:])
    return columns if table_of(columns) else None


def detect(lines: list[str]) -> bool:
    """True for mpstat's text (a banner, then a header only mpstat prints) or JSON."""
    if not lines:
        return False
    if lines[0].lstrip().startswith("{"):
        return looks_like_json(lines, JSON_TABLES)
    if not is_banner(ANSI_ESCAPE.sub("", lines[0])):
        return False
    for line in lines[1:]:
        if header_columns(ANSI_ESCAPE.sub("", line).split()):
            return True
    return False


def parse(text: str | bytes, *, strict: bool = False, dayfirst: bool | None = None,
          date: object = None) -> Tables:
    """Parse mpstat's text or JSON output into a :class:`~perfkit.Tables` (see above);
    ``date``: the date of a fragment pasted without its banner (see the module doc)."""
    text, ascii_bytes, taken = clean_report_text(text, NAME)
    if text.lstrip().startswith("{"):
        return _parse_json(text, strict=strict, dayfirst=dayfirst)
    require_header(text, header_columns, NAME)
    since_boot: bool | dict[Columns, np.ndarray] = first_report_since_boot(text)
    filled = _fill_topology(text)
    if filled is not text:
        ascii_bytes.clear()  # the bytes of the text before -T's blanks were filled
    options = dict(tool=NAME, text_columns=_TEXT_COLUMNS, strict=strict, dayfirst=dayfirst,
                   header_columns=header_columns, date=date)
    try:
        report = plain_report(filled, ascii_bytes, **options) or read_report(
            filled, encoded=ascii_bytes, runs=True, **options)
    except SeveralRuns as runs:  # two outputs joined: read together, or each on its own
        together = read_together(runs, options, table_of)
        if together is None:
            return join_runs(read_runs(runs.text, runs.starts, lambda part: parse(
                part, strict=strict, dayfirst=dayfirst, date=date), NAME), taken)
        report, since_boot = together
    del filled
    add_since_boot(report, since_boot)
    tables, averages = name_tables(report, table_of, strict=strict, tool=NAME)
    for frames in (tables, averages):
        if "cpu" in frames:
            frames["cpu"] = _topology_numbers(frames["cpu"])
    for name, value in taken.items():  # pdsh's host prefix, a time zone
        report.attrs.setdefault(name, value)
    return finish(tables, averages, report.attrs)


# -- shared with the pidstat parser ------------------------------------------------------

def name_tables(report: Report, name_of: Callable[[Sequence[str]], str | None], *,
                strict: bool, tool: str) -> tuple[dict[str, pd.DataFrame],
                                                   dict[str, pd.DataFrame]]:
    """Gather :func:`~perfkit.parsers._read.sysstat.read_report`'s frames (keyed by columns) under
    table names; frames of one name with different columns are united, in time order."""
    out: list[dict[str, list[pd.DataFrame]]] = [{}, {}]
    for index, frames in enumerate((report.tables, report.averages)):
        for columns, frame in frames.items():
            name = name_of(columns)
            if name is None:
                bad_line("rows under an unknown header", text=" ".join(columns), tool=tool,
                         strict=strict)
                continue
            out[index].setdefault(name, []).append(frame)
    tables = {name: _unite(frames, timed=True) for name, frames in out[0].items()}
    averages = {name: _unite(frames, timed=False) for name, frames in out[1].items()}
    return tables, averages


def _unite(frames: list[pd.DataFrame], *, timed: bool) -> pd.DataFrame:
    if len(frames) == 1:
        return frames[0]
    frame = pd.concat(frames, ignore_index=True)
    if timed:
        frame = frame.sort_values("time", kind="stable", ignore_index=True)
    return frame


def finish(tables: dict[str, pd.DataFrame], averages: dict[str, pd.DataFrame],
           attrs: dict[str, Any]) -> Tables:
    """A :class:`Tables` whose frames all carry the banner facts in ``.attrs``."""
    for frame in [*tables.values(), *averages.values()]:
        frame.attrs = dict(attrs)
    return Tables(tables, averages=averages, attrs=attrs)


def read_together(runs: SeveralRuns, options: dict[str, Any],
                  name_of: Callable[[Sequence[str]], str | None],
                  ) -> tuple[Report, dict[Columns, np.ndarray]] | None:
    """The runs of a joined text read together (:func:`~._read.sysstat_plain_runs.plain_runs`)
    when each is plain and each table has one header (so that no table's rows are sorted
    across runs), with each sample row's ``since_boot`` (its own run's) and the warning at
    each later banner that reading run by run gives; None otherwise (the caller reads run
    by run)."""
    together = plain_runs(runs.text, runs.starts, **options)
    if together is None:
        return None
    report = together.report
    for frames in (report.tables, report.averages):
        names = [name_of(columns) for columns in frames]
        if None in names or len(set(names)) != len(names):
            return None
    text = runs.text
    per_run = np.array([first_report_since_boot(text[low:high])
                        for low, high in together.bounds], dtype=bool)
    for start, shift in zip(runs.starts, banner_lines(text, runs.starts), strict=True):
        say_later_banner(text, start, shift, options["tool"])
    return report, {columns: per_run[run_of]
                    for columns, run_of in together.run_of_row.items()}


def add_since_boot(report: Report, since_boot: bool | dict[Columns, np.ndarray]) -> None:
    """Each sample frame's ``since_boot`` column, after ``time``: one value for a text of one
    run, or each row's own run's (:func:`read_together`)."""
    for columns, frame in report.tables.items():
        frame.insert(1, "since_boot", since_boot if isinstance(since_boot, bool)
                     else since_boot[columns])


def join_runs(runs: list[Tables], taken: dict[str, str]) -> Tables:
    """The tables of runs read one by one (:func:`~._read.sysstat_runs.read_runs`), each
    run's rows after the previous run's (a table's columns united); the first run's
    ``attrs``, with the facts ``taken`` from the whole text (pdsh's host prefix, a zone)."""
    joined: list[dict[str, pd.DataFrame]] = [{}, {}]
    for index, kind in enumerate(joined):
        frames_of = [run if index == 0 else run.averages for run in runs]
        for name in dict.fromkeys(name for frames in frames_of for name in frames):
            frames = [frames[name] for frames in frames_of if name in frames]
            kind[name] = frames[0] if len(frames) == 1 else pd.concat(frames,
                                                                      ignore_index=True)
    attrs = dict(runs[0].attrs)
    for name, value in taken.items():
        attrs.setdefault(name, value)
    return finish(joined[0], joined[1], attrs)


def require_header(text: str, columns_of: Callable[[list[str]], tuple[str, ...] | None],
                   tool: str) -> None:
    """Raise :class:`ParseError` unless some line is a header this tool prints (another
    tool's report, or a banner alone, is not this tool's output). Text that does not start
    with a banner is left to :func:`~perfkit.parsers._read.sysstat.read_report`, which says so."""
    if not is_banner(text[: 1 << 12].lstrip().split("\n", 1)[0]):
        return
    first: tuple[int, str] | None = None
    for number, line in enumerate(_lines(text), start=1):
        if not line.strip() or is_banner(line):
            continue
        if columns_of(line.split()):
            return
        first = first or (number, line)
    number, line = first or (1, text.split("\n", 1)[0])
    raise ParseError(f"no {tool} header (such as a time followed by column names) in the "
                     "text", line=number, text=line, tool=tool)


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` one by one, without splitting all of it at once."""
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


def first_report_since_boot(text: str) -> bool:
    """True when the first header and its first row carry the same time: sysstat ran
    without an interval and printed one report covering the time since boot (mpstat) or
    since each process started (pidstat). False for ``pidstat -h`` (no time in its header).
    """
    # the first two lines that start with a time: a stray line between them does not count
    timed: list[list[str]] = []
    for line in text[: 1 << 16].split("\n"):
        tokens = line.split()
        if tokens[:1] and tokens[0].startswith("#"):
            return False
        width = time_width(tokens)
        if width and not is_banner(line):
            timed.append(tokens[:width])
            if len(timed) == 2:
                return timed[0] == timed[1]
    return False


def looks_like_json(lines: Iterable[str], keys: Iterable[str]) -> bool:
    """True for sysstat's own ``-o JSON`` (a string ``timestamp``; sadf's is an object)
    with one of ``keys`` in its first report."""
    head = "\n".join(lines)
    if not re.match(r'\s*\{\s*"sysstat"', head):
        return False
    if re.search(r'"timestamp"\s*:\s*\{', head):
        return False
    found = re.findall(r'"([\w-]+)"\s*:\s*\[', head)
    return any(key in found for key in keys)


def read_json(text: str, *, tool: str, strict: bool) -> tuple[dict[str, Any],
                                                              list[tuple[dict, int]]]:
    """sysstat's JSON: the host's facts and each report (``statistics`` entry) with the
    number of the line it starts on. A document cut off in its last report keeps the
    complete reports and warns; a document broken anywhere else raises
    :class:`ParseError` naming the line (in either mode: JSON has no line to skip)."""
    start = re.search(r'"statistics"\s*:\s*\[', text)
    if not re.match(r'\s*\{\s*"sysstat"', text) or start is None:
        raise ParseError('not sysstat JSON: expected {"sysstat": ... "statistics": [',
                         line=1, text=text.split("\n", 1)[0], tool=tool)
    try:
        document = json.loads(text)
        host = document["sysstat"]["hosts"][0]
        statistics = host.pop("statistics")
        if not isinstance(statistics, list):
            raise TypeError("statistics is not a list")
    except json.JSONDecodeError as exc:
        host, statistics = _salvage(text, start.end(), exc, tool)
    except (KeyError, IndexError, TypeError) as exc:
        raise ParseError(f"not sysstat JSON ({exc})", line=1, tool=tool) from None
    starts = [m.start() for m in re.finditer(r'\{\s*"timestamp"', text)]
    reports: list[tuple[dict, int]] = []
    for index, entry in enumerate(statistics):
        offset = starts[index] if index < len(starts) else start.end()
        line = text.count("\n", 0, offset) + 1
        if not isinstance(entry, dict) or "timestamp" not in entry:
            _json_problem("a report without a timestamp", line, strict, tool)
            continue
        reports.append((entry, line))
    return host, reports


def _salvage(text: str, position: int, error: json.JSONDecodeError,
             tool: str) -> tuple[dict[str, Any], list[Any]]:
    """The complete reports of a JSON document that ends in the middle of one."""
    if error.pos < position:
        raise ParseError(f"malformed JSON: {error.msg}", line=error.lineno,
                         text=text.split("\n")[error.lineno - 1], tool=tool) from None
    head = text[:position] + "]}]}}"
    try:
        host = json.loads(head)["sysstat"]["hosts"][0]
    except (ValueError, KeyError, IndexError, TypeError):  # pragma: no cover - defensive
        raise ParseError(f"malformed JSON: {error.msg}", line=error.lineno, tool=tool) \
            from None
    host.pop("statistics", None)
    decoder = json.JSONDecoder()
    statistics: list[Any] = []
    size = len(text)
    while True:
        while position < size and text[position] in " \t\n,":
            position += 1
        line = text.count("\n", 0, position) + 1
        if position >= size:
            warn(f"the JSON ends before its closing brackets (truncated); {len(statistics)} "
                 "complete reports kept", line=line, tool=tool)
            break
        if text[position] == "]":
            closing = "".join(text[position:].split())
            if "]}]}}".startswith(closing):
                warn(f"the JSON ends before its closing brackets (truncated); all "
                     f"{len(statistics)} reports are complete", line=error.lineno, tool=tool)
                break
            # the reports are complete: the error lies in what closes the document
            raise ParseError(f"malformed JSON: {error.msg}", line=error.lineno,
                             text=text.split("\n")[error.lineno - 1], tool=tool)
        try:
            entry, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as inner:
            rest = text[position:]
            if re.search(r'\{\s*"timestamp"', rest[1:]) or re.search(r"\]\s*\}\s*\]\s*\}\s*\}\s*$",
                                                                   rest):
                raise ParseError(f"malformed JSON: {inner.msg}", line=inner.lineno,
                                 text=text.split("\n")[inner.lineno - 1], tool=tool) \
                    from None
            warn("the last report is truncated and was dropped", line=line,
                 text=rest.split("\n", 1)[0], tool=tool)
            break
        statistics.append(entry)
    return host, statistics


def _json_problem(message: str, line: int, strict: bool, tool: str) -> None:
    bad_line(message, line=line, tool=tool, strict=strict)


def json_facts(host: dict[str, Any], tool: str) -> dict[str, Any]:
    """Banner facts from a JSON host object, under the text banner's names."""
    return {"os": host.get("sysname"), "kernel": host.get("release"),
            "host": host.get("nodename"), "date_text": host.get("date"),
            "arch": host.get("machine"), "cpus": host.get("number-of-cpus"),
            "tool": tool, "format": "json", "decimal": "."}


def json_times(stamps: list[str], lines: list[int], facts: dict[str, Any],
               dayfirst: bool | None, tool: str) -> pd.Series:
    """The reports' ``timestamp`` strings (``00:22:42``, ``12:22:42 AM``, ``00時22分42秒``,
    an epoch) as datetime64, on the host's date, rolling over midnight. Sets
    ``facts["date"]`` and ``facts["twelve_hour_clock"]``."""
    twelve = any(len(s.split()) == 2 and s.split()[1] in AM_PM for s in stamps)
    date_text = facts.get("date_text") or ""
    if dayfirst is None:
        dayfirst = guess_dayfirst(decimal=".", twelve_hour=twelve, translated=False,
                                  date_text=date_text)
    try:
        date = parse_date(date_text, dayfirst=dayfirst)
    except ValueError:
        date = None
    facts.update({"date": date, "twelve_hour_clock": twelve})
    if not stamps:
        return pd.Series([], dtype="datetime64[ns]")
    if all(_EPOCH.match(s) for s in stamps):
        return epoch_to_datetime(pd.Series(stamps)).astype("datetime64[ns]")
    parts = [s.split() for s in stamps]
    for part, line in zip(parts, lines, strict=True):
        if not part or not is_time(part[0]) or (len(part) == 2 and part[1] not in AM_PM) \
                or len(part) > 2:
            raise ParseError("not a time stamp", line=line, text=" ".join(part), tool=tool)
    clock = pd.Series([p[0] for p in parts])
    ampm = pd.Series([p[1] for p in parts]) if twelve else None
    if ampm is not None and len({len(p) for p in parts}) > 1:
        raise ParseError("12-hour and 24-hour time stamps mixed", line=lines[0], tool=tool)
    return combine(date, times_of_day(clock, ampm))


# -- text ----------------------------------------------------------------------------------

def _fill_topology(text: str) -> str:
    """Put ``-`` where ``mpstat -T`` leaves CORE, SOCK and NODE blank (the ``all`` rows),
    so that every row has as many fields as its header."""
    if "CORE SOCK NODE" not in text:
        return text
    out: list[str] = []
    expected = 0
    for line in text.split("\n"):
        tokens = line.split()
        if not tokens:
            expected = 0
        elif " CORE SOCK NODE " in line:
            expected = len(tokens) - 3
        elif expected and len(tokens) == expected and "all" in tokens[:3]:
            at = line.index("all", len(line) - len(line.lstrip())) + 3
            line = f"{line[:at]} - - -{line[at:]}"
        out.append(line)
    return "\n".join(out)


def _topology_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """CORE, SOCK and NODE of ``-T`` as numbers (NaN for the blank ``all`` row)."""
    for name in _TOPOLOGY:
        if name in frame:
            values = frame[name].astype(object)
            frame[name] = pd.to_numeric(values.where(values != "-"), errors="coerce")
    return frame


# -- JSON ----------------------------------------------------------------------------------

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
                _json_problem(f"an unknown key {key!r} in a report", line, strict, NAME)
                continue
            target = rows.setdefault(table, [])
            for item in items:
                if not isinstance(item, dict):
                    _json_problem(f"an entry of {key!r} that is not an object", line, strict,
                                  NAME)
                    continue
                target.append({"__report": index, **_json_row(item)})
    times = json_times(stamps, lines, facts, dayfirst, NAME)
    facts["average_label"] = None
    tables: dict[str, pd.DataFrame] = {}
    for table, records in rows.items():
        frame = pd.DataFrame.from_records(records)
        report = frame.pop("__report").to_numpy()
        frame.insert(0, "time", times.to_numpy()[report] if len(times) else
                     np.array([], dtype="datetime64[ns]"))
        frame.insert(1, "since_boot", False)
        for name in frame.columns[2:]:
            if name not in _TEXT_COLUMNS:
                frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
        if table == "cpu":
            frame = _topology_numbers(frame.replace({name: {"": "-"} for name in _TOPOLOGY
                                                     if name in frame}))
        tables[table] = frame
    return finish(tables, {}, facts)


def _json_row(item: dict[str, Any]) -> dict[str, Any]:
    """One JSON entry with the text's column names (see the module docstring)."""
    row: dict[str, Any] = {}
    for key, value in item.items():
        if key == "intr" and isinstance(value, list):
            for irq in value:
                if isinstance(irq, dict) and "name" in irq:
                    row[f"{irq['name']}/s"] = irq.get("value")
        elif key in _JSON_NAMES:
            row[_JSON_NAMES[key]] = value
        else:
            row[f"%{key}"] = value
    return row
