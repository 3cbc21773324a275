"""``iostat`` (sysstat): the ``avg-cpu`` rows and the device rows of every report.

The first report of ``iostat 1 3``, recorded on the course machine (sysstat 12.6.1, C locale),
and the two tables it becomes:

>>> text = '''Linux 6.18.44-fc-v657 (demo-host) \\t11/25/26 \\t_x86_64_\\t(2 CPU)
...
... avg-cpu:  %user   %nice %system %iowait  %steal   %idle
...           19.29    0.00    5.69    1.50    0.02   73.50
...
... Device             tps    kB_read/s    kB_wrtn/s    kB_dscd/s    kB_read    kB_wrtn    kB_dscd
... loop0           264.40     45341.20     45449.39         0.00   39347546   39441432          0
... vda             219.85      3101.41     76658.04     30498.76    2691433   66524616   26467128
...
... '''
>>> tables = parse(text)
>>> print(tables["cpu"].to_string())
   report  since_boot  %user  %nice  %system  %iowait  %steal  %idle
0       0        True  19.29    0.0     5.69      1.5    0.02   73.5
>>> print(tables["devices"].to_string())
   report  since_boot Device     tps  kB_read/s  kB_wrtn/s  kB_dscd/s   kB_read   kB_wrtn   kB_dscd
0       0        True  loop0  264.40   45341.20   45449.39       0.00  39347546  39441432         0
1       0        True    vda  219.85    3101.41   76658.04   30498.76   2691433  66524616  26467128
>>> tables.attrs["since_boot_from"], tables.attrs["host"], str(tables.attrs["date"].date())
('totals', 'demo-host', '2026-11-25')

Tables (a :class:`perfkit.Tables`):

* ``cpu``: one row per report from the ``avg-cpu:`` header and its row (``%user %nice
  %system %iowait %steal %idle``, or whatever the version printed); absent with ``-d``.
* ``devices``: one row per device (or partition, or ``-g`` group) per report, ``Device``
  first and then the printed columns under their printed names: ``tps kB_read/s ...``
  (default, ``-k``), ``MB_read/s ...`` (``-m``), ``kB_w+d/s`` (``-s``), ``r/s rkB/s rrqm/s
  %rrqm r_await ... f_await aqu-sz %util`` (``-x``), the sysstat 10/11 sets with ``Device:``,
  ``avgrq-sz``, ``avgqu-sz``, ``svctm`` (use :func:`perfkit.column` to find a metric under
  any of its names). Absent with ``-c``.

Every frame has ``report`` (0, 1, 2... in printed order, shared by both tables) and a
boolean ``since_boot``, and ``time`` (``datetime64``, first) when ``-t`` printed time stamps:
``11/25/26 00:20:01`` (C), ``11/25/2026 12:20:01 AM`` (en_US), ``25.11.2026 00:20:01``
(de_DE), ``25/11/2026 00:20:01`` (fr_FR, read day first), ``2026年11月25日 00時20分01秒``
(ja_JP), ``2026-11-25T00:20:01+0000`` (``S_TIME_FORMAT=ISO``: the printed wall-clock time,
its UTC offset in ``attrs["utc_offset"]``) and the ``Time: 12:20:01 AM`` of old versions.

**Since boot.** iostat's first report covers the time since boot, unless ``-y`` dropped it;
the flag is not in the text, so perfkit decides from the numbers when it can. When the
device table has a rate and its total (``kB_read/s`` and ``kB_read``, ``MB_wrtn/s`` and
``MB_wrtn``, ``kB_w+d/s`` and ``kB_w+d``...), total / rate is the time the report covers:
the uptime for a since-boot report, the interval otherwise. The first report is taken as
since boot unless it covers at most twice what the next report with I/O covers, or, when no
later report has I/O, less than a minute (a machine booted less than a minute before is
taken for an interval). Without such columns (``-x``, ``-c``), or when the first report's
rates are all zero, the first report is taken as since boot, as it is unless ``-y`` was
given. Pass ``since_boot=False`` (or ``True``) to say what the command was;
``attrs["since_boot_from"]`` says how it was decided (``"totals"``, ``"assumed"``,
``"given"``).

**Human sizes** (``-h``, ``--human``): the device name moves to the end of the line and
sizes carry a suffix (``2.6M``, ``39.7k``, ``23.7%``). Suffixes are powers of 1024 and each
value is converted to the unit its column names: ``kB_read/s``, ``rkB/s``, ``rareq-sz`` in
kB (KiB), ``MB_read/s`` in MB (MiB: ``-h -m`` prints ``2.8M`` under ``MB_read/s``, which is
2.8), ``Blk_read`` in 512-byte blocks; a ``%`` is dropped. ``attrs["human"]`` is True.

Layouts: ``--pretty`` and ``-h`` print ``-x`` in four blocks per report (``r/s ...``,
``w/s ...``, ``d/s ...``, ``f/s ...``, each ending with ``Device``); their columns are joined
into one row per device. ``-g NAME`` totals are printed indented (`` pool``): they get a
boolean ``group`` column (only present when the output has such rows; in the ``--pretty``
layout the indent is not visible). ``S_COLORS=always`` codes are dropped, decimal commas
(de_DE, fr_FR) read as decimal points. ``-o JSON`` gives the same tables with the text's
column names (``disk_device`` -> ``Device``, ``util`` -> ``%util``, ``rrqm`` -> ``%rrqm``,
``user`` -> ``%user``; sysstat 11's ``r``, ``rkB``, ``kB_read_per_sec`` -> ``r/s``,
``rkB/s``, ``kB_read/s``; see :mod:`perfkit.parsers.iostat_json`).

A fragment without the banner (from ``avg-cpu:``, a ``Device`` header or a time stamp on)
is read; its ``Time:`` stamps are times of day (``timedelta64``) unless ``date=`` is given.
A ``[...]`` elision or a ``^C`` line ends the block above it with a warning naming the line;
the report is kept.

Bad input: empty or binary text, or text that starts with neither a banner nor one of
those, raise :class:`~perfkit.ParseError`; a line that
is neither a banner, a time stamp, a header nor a row raises with ``strict=True`` and is
skipped with a :class:`~perfkit.ParseWarning` otherwise. A truncated last report (a short
last row that ends the text, a header without its rows, fewer blocks than the report before)
is dropped with a warning, as is a JSON report cut in the middle. iostat ends every report
with a blank line, so a short line followed by one is a stray line, not a cut row: it is
skipped like any other, and its report kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParseError, bad_line, warn
from ..result import Tables
from ..units import TO_KIB
from ._read.banner import is_banner, parse_banner
from ._read.numeric import detect_decimal
from ._read.report_blocks import BlockRows, lay_out
from ._read.tabular import frame_from_lines, read_rows, squeezed_pieces
from ._read.text import MARK_MEANING, clean_text_and_bytes, mark_of
from ._read.times import (
    AM_PM,
    TIME_TOKEN,
    combine,
    given_date,
    guess_dayfirst,
    of_day,
    parse_date,
    times_of_day,
)
from .iostat_json import read_json

NAME = "iostat"

#: Device metrics, named as sysstat 9 to 12 print them (``-k``, ``-m``, ``-x``, ``-d``...).
_DEVICE_METRICS = (
    "tps", "kB_read/s", "kB_wrtn/s", "kB_dscd/s", "kB_read", "kB_wrtn", "kB_dscd",
    "kB_w+d/s", "kB_w+d", "MB_read/s", "MB_wrtn/s", "MB_dscd/s", "MB_read", "MB_wrtn",
    "MB_dscd", "GB_read/s", "GB_wrtn/s", "GB_dscd/s", "GB_read", "GB_wrtn", "GB_dscd",
    "Blk_read/s", "Blk_wrtn/s", "Blk_dscd/s", "Blk_read", "Blk_wrtn", "Blk_dscd",
    "r/s", "w/s", "d/s", "f/s", "rkB/s", "wkB/s", "dkB/s", "rMB/s", "wMB/s", "dMB/s",
    "rrqm/s", "wrqm/s", "drqm/s", "%rrqm", "%wrqm", "%drqm", "r_await", "w_await",
    "d_await", "f_await", "rareq-sz", "wareq-sz", "dareq-sz", "aqu-sz", "%util", "kB/s",
    "rqm/s", "await", "areq-sz", "avgrq-sz", "avgqu-sz", "svctm", "rsec/s", "wsec/s",
)

#: The tables and columns parse may give (see :mod:`perfkit.parsers.columns`).
COLUMNS: dict[str, dict[str, str]] = {
    "cpu": {"time": "datetime|timedelta", "report": "int", "since_boot": "bool",
            "%user": "number", "%nice": "number", "%system": "number", "%iowait": "number",
            "%steal": "number", "%idle": "number"},
    "devices": {"time": "datetime|timedelta", "report": "int", "since_boot": "bool",
                "Device": "str", "Device:": "str", "group": "bool",
                **dict.fromkeys(_DEVICE_METRICS, "number")},
}

_DATE = r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}\.?|\d{4}年\d{1,2}月\d{1,2}日"
_STAMP = re.compile(rf"^(?P<date>{_DATE})\s+(?P<time>{TIME_TOKEN})(?:\s+(?P<ampm>\S+))?$")
_ISO = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})T(?P<time>\d{2}:\d{2}:\d{2})"
                  r"(?P<offset>[+-]\d{2}:?\d{2}|Z)?$")
_OLD_STAMP = re.compile(rf"^Time:\s+(?P<time>{TIME_TOKEN})(?:\s+(?P<ampm>\S+))?$")
_HUMAN_VALUE = re.compile(r"(?<=\s)-?\d+(?:[.,]\d+)?[BkMGTPE%](?=\s|$)", re.M)
_HUMAN_SPLIT = r"^(-?\d+(?:[.,]\d+)?)([BkMGTPE%]?)$"
_HUMAN_NAME = re.compile(r"-?\d+(?:[.,]\d+)?[BkMGTPE%]")
#: What is left of a printed value (``219.85``, ``2,6M``, ``23.7%``) when the text stops in it.
_CUT_VALUE = re.compile(r"-?\d+(?:[.,]\d*)?[BkMGTPE%]?")
#: What is left of an ``S_COLORS`` code when the text stops in it (whole codes are gone).
_CUT_ESCAPE = re.compile(r"\x1b(?:\[[0-9;?]*)?$")
_DEVICE_WORDS = ("Device", "Device:")
_RESERVED = {"time", "report", "since_boot", "group", "__pos", "__line"}
def detect(lines: list[str]) -> bool:
    """True for iostat's text (a banner, then ``avg-cpu:`` or a ``Device`` header) or JSON."""
    if not lines:
        return False
    if re.match(r'\s*\{\s*"sysstat"', "\n".join(lines[:2])):  # re-indented JSON: "{" alone
        return any('"disk_device"' in line or '"avg-cpu"' in line for line in lines)
    if not any(is_banner(line) for line in lines[:3]):
        return False
    for line in lines[1:]:
        tokens = line.split()
        if tokens and (tokens[0] == "avg-cpu:" or _device_header(tokens) is not None):
            return True
    return False


def parse(text: str | bytes, *, strict: bool = False, dayfirst: bool | None = None,
          since_boot: bool | None = None, date: object = None) -> Tables:
    """Parse iostat's text or ``-o JSON`` output into the ``cpu`` and ``devices`` tables.

    Args:
        strict: raise :class:`~perfkit.ParseError` on a line that is not iostat's.
        dayfirst: read a slash date (``03/04/2026``) day first; inferred when ``None``.
        since_boot: whether the first report covers the time since boot (``False`` for
            ``iostat -y``); inferred from the numbers when ``None`` (see the module doc).
        date: the date of a fragment pasted without its banner, for its ``Time:`` stamps
            (without it, they are times of day: ``timedelta64``).
    """
    cleaned, encoded = clean_text_and_bytes(text, tool=NAME)
    if cleaned.lstrip().startswith("{"):
        cpu, devices, count, stamps, facts = read_json(cleaned, strict=strict)
        return _finish(cpu, devices, count, stamps, facts, dayfirst=dayfirst,
                       since_boot=since_boot)
    if encoded:  # ASCII text: first try the numpy reader of plainly laid out reports
        tables = _parse_laid_out(encoded, dayfirst=dayfirst, since_boot=since_boot,
                                 date=given_date(date))
        if tables is not None:
            return tables
    return _parse_text(cleaned, strict=strict, dayfirst=dayfirst, since_boot=since_boot,
                       date=given_date(date))


# --------------------------------------------------------------------------- fast path

def _parse_laid_out(encoded: list[bytes], *, dayfirst: bool | None,
                    since_boot: bool | None, date: pd.Timestamp | None) -> Tables | None:
    """The tables of a text laid out plainly (one banner first, every ``avg-cpu:`` and
    device header printed alike, each block ended by a blank line, the last report whole:
    :func:`~perfkit.parsers._read.report_blocks.lay_out`), read with numpy and one
    ``read_csv`` call per table; None for any other text, and for rows that do not all
    read cleanly, which :func:`_parse_text` then reads line by line, naming what is odd.
    ``encoded`` holds the text's bytes: they are taken out, and let go of once the rows
    are gathered."""
    data = encoded.pop()
    layout = lay_out(data, (b"avg-cpu:", b"Device"))
    if layout is None:
        return None
    banner = layout.banner.decode("ascii").strip()
    cpu_tokens, dev_tokens = (h.decode("ascii").split() if h else None
                              for h in layout.headers)
    if not is_banner(banner) or (cpu_tokens is not None and not (
            len(cpu_tokens) > 1 and _usable(cpu_tokens[1:]))):
        return None
    header = _device_header(dev_tokens) if dev_tokens is not None else None
    if (dev_tokens is not None and (header is None or header[2])) or any(
            len(rows.lines) == 0 for rows, h in zip(layout.rows, layout.headers, strict=True)
            if h is not None):
        return None  # the --pretty layout, or a header without a row in the whole text
    stamps = [(line, text.decode("ascii").strip()) for line, text in layout.stamps]
    if not all(_is_stamp(text) for _, text in stamps):
        return None
    decimal = detect_decimal(_decimal_sample(data, layout.rows))
    cpu_rows, dev_rows = layout.rows
    tabs = data.find(b"\t", len(layout.banner)) >= 0
    grouped = np.isin(np.frombuffer(data, dtype=np.uint8)[dev_rows.starts], (9, 32))
    pieces = [squeezed_pieces(data, rows.starts, rows.ends, tabs=tabs, indented=indented)
              if h is not None else []
              for rows, h, indented in zip(layout.rows, layout.headers,
                                           (True, bool(grouped.any())), strict=True)]
    del data  # before the pieces are joined: the text's bytes are the largest thing held
    squeezed = [b"\n".join(piece) for piece in pieces]
    del pieces
    cpu = devices = None
    if cpu_tokens is not None:
        columns = cpu_tokens[1:]
        cpu = _clean_read(squeezed[0], columns, set(), decimal, len(cpu_rows.lines))
        if cpu is None:
            return None
        cpu.insert(0, "report", cpu_rows.report)
    if header is not None:
        columns, device, _ = header
        devices = _clean_read(squeezed[1], [device, *columns], {device}, decimal,
                              len(dev_rows.lines))
        if devices is None or not _plain_names(devices[device]):
            return None
        devices.insert(0, "report", dev_rows.report)
        devices["group"] = grouped
    facts: dict[str, Any] = parse_banner(banner)
    facts.update(tool=NAME, format="text", given_date=date, decimal=decimal, human=False)
    opened = np.full(layout.reports, None, dtype=object)
    opened[layout.stamp_reports] = [text for _, text in stamps]
    report_stamps = list(zip(opened.tolist(), (layout.report_lines + 1).tolist(), strict=True))
    return _finish(cpu, devices, layout.reports, report_stamps, facts, dayfirst=dayfirst,
                   since_boot=since_boot)


def _decimal_sample(data: bytes, blocks: list[BlockRows]) -> list[str]:
    """The rows :func:`_text_tables` looks at for the decimal mark: the first 50 of each
    block, 200 in all, in text order."""
    lines = np.concatenate([rows.lines for rows in blocks])
    order = np.argsort(lines, kind="stable")
    lines = lines[order]
    starts = np.concatenate([rows.starts for rows in blocks])[order]
    ends = np.concatenate([rows.ends for rows in blocks])[order]
    position = np.arange(len(lines))
    # a block's rows are consecutive lines: a gap starts the next block
    first = np.ones(len(lines), dtype=bool)
    first[1:] = lines[1:] != lines[:-1] + 1
    rank = position - np.maximum.accumulate(np.where(first, position, 0))
    picked = np.flatnonzero(rank < 50)[:200]
    return [data[a:b].decode("ascii") for a, b in zip(starts[picked].tolist(),
                                                      ends[picked].tolist(), strict=True)]


def _clean_read(squeezed: bytes, names: list[str], text_columns: set[str], decimal: str,
                count: int) -> pd.DataFrame | None:
    """The squeezed rows read in one go; None unless every row read whole, as numbers
    where numbers are due."""
    if squeezed.count(b" ") != count * (len(names) - 1):
        return None  # a row with a field too many or too few
    frame = read_rows(squeezed, names, text_columns=text_columns, decimal=decimal,
                      squeezed=True)
    if frame is None or len(frame) != count or frame.isna().to_numpy().any():
        return None
    if any(frame[name].dtype.kind not in "if" for name in names if name not in text_columns):
        return None
    return frame


def _plain_names(names: pd.Series) -> bool:
    """Device names that the careful path would take for device names too (not a header
    word, nor a human size such as ``2.6M``)."""
    return not any(name in (*_DEVICE_WORDS, "avg-cpu:") or _HUMAN_NAME.fullmatch(name)
                   for name in pd.unique(names).tolist())


# --------------------------------------------------------------------------- text layout

@dataclass
class _Section:
    kind: str                      # "cpu" or "dev"
    columns: tuple[str, ...]       # metric columns, Device excluded
    device: str                    # the printed name of the device column ("Device:")
    device_last: bool              # --pretty / -h layout
    report: int
    header_line: int
    rows: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Report:
    line: int
    stamp: str | None = None
    seen: set = field(default_factory=set)


def _usable(columns: list[str]) -> bool:
    """Column names that can make a frame: no repeats, none of perfkit's own names."""
    return len(set(columns)) == len(columns) and not _RESERVED.intersection(columns)


def _device_header(tokens: list[str]) -> tuple[tuple[str, ...], str, bool] | None:
    """For a device header's tokens: (metric columns, device column name, device last)."""
    if len(tokens) < 2 or not _usable(tokens):
        return None
    if tokens[0] in _DEVICE_WORDS:
        return tuple(tokens[1:]), tokens[0], False
    if tokens[-1] == "Device" and not any(t[:1].isdigit() for t in tokens):
        return tuple(tokens[:-1]), "Device", True
    return None


@dataclass
class _TextWalk:
    """One pass over iostat's text: banners, time stamps, and the sections (a header and
    its rows) of each report."""

    strict: bool
    banners: list[dict[str, Any]] = field(default_factory=list)
    reports: list[_Report] = field(default_factory=list)
    sections: list[_Section] = field(default_factory=list)
    current: _Section | None = None  # the section whose rows come next
    fresh: bool = True  # the next header starts a new report
    runs: list[int] = field(default_factory=list)  # the first report of each joined run

    def report_for(self, key: Any, number: int) -> int:
        """The index of the report a header of ``key`` belongs to (a new one when the last
        report has that block already, or after a banner or time stamp)."""
        report = self.reports[-1] if self.reports else None
        if (report is None or self.fresh or key in report.seen
                or (key == "cpu" and report.seen)):
            report = _Report(line=number)
            self.reports.append(report)
        self.fresh = False
        report.seen.add(key)
        return len(self.reports) - 1

    def open_section(self, kind: str, columns: tuple[str, ...], device: str,
                     device_last: bool, number: int) -> None:
        index = self.report_for("cpu" if kind == "cpu" else ("dev", columns), number)
        self.current = _Section(kind, columns, device, device_last, index, number)
        self.sections.append(self.current)

    def feed(self, number: int, line: str) -> None:
        stripped = line.strip()
        if not stripped:
            self.current = None
            return
        tokens = stripped.split()
        mark = mark_of(stripped)
        if is_banner(stripped):
            if self.reports:  # ``iostat ... >> file`` run twice: another run starts here
                warn("a second banner: another iostat run starts here (two outputs joined); "
                     "its reports are numbered on, its first one is since boot like the "
                     "first run's", line=number, text=line, tool=NAME)
                self.runs.append(len(self.reports))
            self.banners.append(parse_banner(stripped))
            self.current, self.fresh = None, True
        elif mark is not None:  # [...] or ^C: the rows before it are kept
            warn(MARK_MEANING[mark], line=number, text=line, tool=NAME)
            self.current = None
        elif tokens[0] == "avg-cpu:" and len(tokens) > 1 and _usable(tokens[1:]):
            self.open_section("cpu", tuple(tokens[1:]), "", False, number)
        elif (header := _device_header(tokens)) is not None:
            self.open_section("dev", *header, number)
        elif self.current is not None:
            self.current.rows.append((number, line))
        elif _is_stamp(stripped):
            self.reports.append(_Report(line=number, stamp=stripped))
            self.fresh = False
        else:
            bad_line("a line that is neither a banner, a time stamp, a header nor a row",
                     line=number, text=line, tool=NAME, strict=self.strict,
                     action="line skipped")


def _parse_text(text: str, *, strict: bool, dayfirst: bool | None,
                since_boot: bool | None, date: pd.Timestamp | None = None) -> Tables:
    lines = text.split("\n")
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    if not nonblank:
        raise ParseError("empty input", line=1, tool=NAME)
    first, last_line = nonblank[0], nonblank[-1] + 1
    if not (is_banner(lines[first]) or _starts_fragment(lines[first].split())):
        raise ParseError("expected a sysstat banner such as 'Linux 6.1.0 (host) 11/24/26 "
                         "_x86_64_ (2 CPU)'", line=first + 1, text=lines[first], tool=NAME)
    walk = _TextWalk(strict)
    for number, line in enumerate(lines, start=1):
        walk.feed(number, line)
    cut = _last_row_cut(lines, last_line, walk.sections)
    _drop_truncated_report(lines, last_line, walk.reports, walk.sections, cut)
    return _text_tables(walk, cut_line=last_line if cut is not None else None,
                        strict=strict, dayfirst=dayfirst, since_boot=since_boot, date=date)


def _text_tables(walk: _TextWalk, *, cut_line: int | None, strict: bool,
                 dayfirst: bool | None, since_boot: bool | None,
                 date: pd.Timestamp | None = None) -> Tables:
    """The ``cpu`` and ``devices`` tables from the sections read; ``cut_line`` is the last
    line when a value on it may be cut short."""
    sections = walk.sections
    cpu_sections = [s for s in sections if s.kind == "cpu"]
    dev_sections = [s for s in sections if s.kind == "dev"]
    for section in dev_sections:
        if not section.device_last:
            section.rows = _join_split_names(section)
    sample = [line for s in sections for _, line in s.rows[:50]][:200]
    decimal = detect_decimal(sample)
    facts: dict[str, Any] = dict(walk.banners[0]) if walk.banners else {}
    facts["tool"] = NAME
    facts["format"] = "text"
    facts["given_date"] = date
    facts["decimal"] = decimal
    cpu = _cpu_frames(cpu_sections, decimal, strict, cut_line, facts)
    devices = _device_frames(dev_sections, decimal, strict, cut_line, facts)
    stamps = [(r.stamp, r.line) for r in walk.reports]
    return _finish(cpu, devices, len(walk.reports), stamps, facts, dayfirst=dayfirst,
                   since_boot=since_boot, runs=tuple(walk.runs))


def _starts_fragment(tokens: list[str]) -> bool:
    """True for the first line of a fragment pasted without its banner: an ``avg-cpu:`` or
    device header, or a time stamp."""
    return (tokens[:1] == ["avg-cpu:"] or _device_header(tokens) is not None
            or _is_stamp(" ".join(tokens)))


def _is_stamp(text: str) -> bool:
    match = _STAMP.match(text) or _OLD_STAMP.match(text)
    if match:
        return match.group("ampm") is None or match.group("ampm") in AM_PM
    return bool(_ISO.match(text))


def _last_row_cut(lines: list[str], last_line: int,
                  sections: list[_Section]) -> tuple[int, int] | None:
    """(fields, width) of the last row when the text may stop inside it: the row is the last
    line, no blank line follows it (iostat ends each report with one) and it could be a row
    cut short (no more fields than the row has, numbers where the row has numbers)."""
    if not sections or len(lines) - last_line >= 2:
        return None
    section = sections[-1]
    if not section.rows or section.rows[-1][0] != last_line:
        return None
    fields = _CUT_ESCAPE.sub("", section.rows[-1][1]).split()
    width = len(section.columns) + (section.kind == "dev")
    named = section.kind == "dev" and not section.device_last  # the device name comes first
    if len(fields) > width or not all(_CUT_VALUE.fullmatch(f) for f in fields[named:]):
        return None  # a stray line: reported as such
    return len(fields), width


def _drop_truncated_report(lines: list[str], last_line: int, reports: list[_Report],
                           sections: list[_Section], cut: tuple[int, int] | None) -> None:
    """Drop the last report (with a warning) when the text stops in the middle of it;
    ``cut`` is what :func:`_last_row_cut` says of the last row."""
    if not reports:
        return
    last_index = len(reports) - 1
    report = reports[-1]
    tail = [s for s in sections if s.report == last_index]
    why = None
    ended_with_blank = len(lines) - last_line >= 2
    if not tail:
        why = "a time stamp without its report"
    else:
        section = tail[-1]
        if section.rows and section.rows[-1][0] == last_line:
            if cut is not None and cut[0] < cut[1]:
                why = f"{cut[0]} fields where {cut[1]} were expected"
        elif not section.rows and section.header_line == last_line:
            if section.kind == "cpu" or not ended_with_blank:
                why = "a header without its rows"
        if why is None and last_index > 0:
            before = reports[-2].seen
            if report.seen < before:
                why = "fewer blocks than the report before"
    if why is None:
        return
    shown = lines[last_line - 1] if last_line else ""
    warn(f"the last report (report {last_index}) is truncated ({why}) and was dropped",
         line=last_line, text=shown, tool=NAME)
    sections[:] = [s for s in sections if s.report != last_index]
    reports.pop()


def _join_split_names(section: _Section) -> list[tuple[int, str]]:
    """sysstat 10/11 ``-h`` printed a device name alone, its numbers on the next line."""
    rows = section.rows
    width = len(section.columns) + 1
    if not any(len(text.split()) == 1 for _, text in rows):
        return rows
    joined: list[tuple[int, str]] = []
    index = 0
    while index < len(rows):
        number, text = rows[index]
        if (len(text.split()) == 1 and index + 1 < len(rows)
                and len(rows[index + 1][1].split()) == width - 1):
            joined.append((number, text.rstrip() + " " + rows[index + 1][1].strip()))
            index += 2
            continue
        joined.append((number, text))
        index += 1
    return joined


def _is_human(lines: list[str]) -> bool:
    return bool(_HUMAN_VALUE.search("\n".join(lines)))


def _cpu_frames(sections: list[_Section], decimal: str, strict: bool, cut_line: int | None,
                facts: dict[str, Any]) -> pd.DataFrame | None:
    if not sections:
        return None
    frames = []
    for columns in dict.fromkeys(s.columns for s in sections):
        group = [s for s in sections if s.columns == columns]
        lines = [text for s in group for _, text in s.rows]
        numbers = np.array([n for s in group for n, _ in s.rows], dtype="int64")
        reports = np.array([s.report for s in group for _ in s.rows], dtype="int64")
        human = _is_human(lines)
        facts["human"] = facts.get("human", False) or human
        frame = frame_from_lines(lines, numbers, list(columns),
                                 text_columns=set(columns) if human else (), decimal=decimal,
                                 tool=NAME, strict=strict, last_line=cut_line)
        kept = frame.index.to_numpy()
        frame = frame.reset_index(drop=True)
        if human:
            frame, keep = _from_human(frame, list(columns), numbers[kept], lines, kept,
                                      decimal, strict)
            kept = kept[keep]
        frame.insert(0, "report", reports[kept])
        frame["__line"] = numbers[kept]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True).sort_values("__line", kind="stable")


def _device_frames(sections: list[_Section], decimal: str, strict: bool,
                   cut_line: int | None, facts: dict[str, Any]) -> pd.DataFrame | None:
    if not sections:
        return None
    frames = []
    for key in dict.fromkeys((s.columns, s.device, s.device_last) for s in sections):
        columns, device, device_last = key
        group = [s for s in sections if (s.columns, s.device, s.device_last) == key]
        rows = [(n, text, s.report, block) for block, s in enumerate(group) for n, text in s.rows]
        lines = [text for _, text, _, _ in rows]
        numbers = np.array([n for n, _, _, _ in rows], dtype="int64")
        reports = np.array([r for _, _, r, _ in rows], dtype="int64")
        blocks = np.array([b for _, _, _, b in rows], dtype="int64")
        grouped = np.array([not device_last and text[:1] in (" ", "\t") for text in lines],
                           dtype=bool)
        names = [*columns, device] if device_last else [device, *columns]
        human = _is_human(lines)
        facts["human"] = facts.get("human", False) or human
        texts = {device, *columns} if human else {device}
        frame = frame_from_lines(lines, numbers, names, text_columns=texts, decimal=decimal,
                                 tool=NAME, strict=strict, last_line=cut_line)
        kept = frame.index.to_numpy()
        frame = frame.reset_index(drop=True)
        if human:
            frame, keep = _from_human(frame, list(columns), numbers[kept], lines, kept,
                                      decimal, strict)
            kept = kept[keep]
        frame = frame[[device, *columns]]
        frame.insert(0, "report", reports[kept])
        # a row's place in its block, counted over the rows kept (a skipped stray line
        # must not shift the rows after it against the other blocks of the report)
        frame["__pos"] = pd.Series(blocks[kept]).groupby(blocks[kept]).cumcount().to_numpy()
        frame["__line"] = numbers[kept]
        frame["group"] = grouped[kept]
        frames.append(frame)
    devices = pd.concat(frames, ignore_index=True).sort_values("__line", kind="stable")
    per_report = pd.Series([s.report for s in sections]).value_counts()
    if (per_report > 1).any():
        devices = _join_blocks(devices, strict)
    return devices


def _join_blocks(devices: pd.DataFrame, strict: bool) -> pd.DataFrame:
    """Join the ``--pretty`` blocks of one report (same devices, other columns) by position."""
    device = next(c for c in devices.columns if c in _DEVICE_WORDS)
    names = devices.groupby(["report", "__pos"], sort=False)[device].nunique()
    if (names > 1).any():
        report, pos = names[names > 1].index[0]
        rows = devices[(devices["report"] == report) & (devices["__pos"] == pos)]
        line = int(rows["__line"].iloc[-1])
        message = ("the blocks of one report list different devices at the same position: "
                   + ", ".join(rows[device].astype(str)))
        bad_line(message, line=line, tool=NAME, strict=strict, action="joined by position")
    joined = devices.groupby(["report", "__pos"], sort=False, as_index=False).first()
    lines = devices.groupby(["report", "__pos"], sort=False)["__line"].min().to_numpy()
    joined["__line"] = lines
    return joined.sort_values("__line", kind="stable")


def _column_unit(name: str) -> float:
    """KiB in one unit of a device column, from its name (``kB``, ``MB``, ``GB``, ``Blk``)."""
    for word, kib in (("GB", 1024.0**2), ("MB", 1024.0), ("kB", 1.0), ("Blk", 0.5)):
        if word in name:
            return kib
    return 1.0  # rareq-sz, areq-sz...: kB in sysstat 12


def _from_human(frame: pd.DataFrame, columns: list[str], numbers: np.ndarray,
                lines: list[str], kept: np.ndarray, decimal: str,
                strict: bool) -> tuple[pd.DataFrame, np.ndarray]:
    """Turn ``2.6M``, ``39.7k``, ``23.7%`` into numbers in each column's unit."""
    bad = np.zeros(len(frame), dtype=bool)
    for name in columns:
        parts = frame[name].astype(str).str.extract(_HUMAN_SPLIT)
        values = pd.to_numeric(parts[0].str.replace(decimal, ".", regex=False),
                               errors="coerce")
        unit = _column_unit(name)
        factors = {suffix: TO_KIB[suffix] / unit for suffix in "BkMGTPE"}
        factors.update({"": 1.0, "%": 1.0})
        scale = parts[1].map(factors).astype(float)
        frame[name] = (values * scale).astype(float)
        bad |= frame[name].isna().to_numpy()
    for index in np.flatnonzero(bad):
        number, text = int(numbers[index]), lines[int(kept[index])]
        message = "a value that is not a number nor a size such as 2.6M or 23.7%"
        bad_line(message, line=number, text=text, tool=NAME, strict=strict,
                 action="line skipped")
    keep = ~bad
    return frame.loc[keep].reset_index(drop=True), keep


# --------------------------------------------------------------------------- common end

def _finish(cpu: pd.DataFrame | None, devices: pd.DataFrame | None, n_reports: int,
            stamps: list[tuple[str | None, int]], facts: dict[str, Any], *,
            dayfirst: bool | None, since_boot: bool | None, runs: tuple[int, ...] = ()) -> Tables:
    """The tables with ``time`` and ``since_boot``; ``runs`` are the first reports of the
    runs joined after the first (each starts since boot, as the first does)."""
    times = _report_times(stamps, facts, dayfirst)
    first, basis = _first_since_boot(devices, n_reports, since_boot)
    facts["since_boot_from"] = basis
    facts.setdefault("human", False)
    tables: dict[str, pd.DataFrame] = {}
    for name, frame in (("cpu", cpu), ("devices", devices)):
        if frame is None:
            continue
        frame = frame.drop(columns=[c for c in ("__line", "__pos") if c in frame.columns])
        if "group" in frame.columns and not frame["group"].any():
            frame = frame.drop(columns="group")
        frame = frame.reset_index(drop=True)
        report = frame["report"].to_numpy(dtype="int64")
        frame["report"] = report
        frame.insert(1, "since_boot", np.isin(report, [0, *runs]) & first)
        if times is not None:
            frame.insert(0, "time", pd.Series(times[report], dtype=times.dtype))
        frame.attrs = dict(facts)
        tables[name] = frame
    return Tables(tables, attrs=facts)


def _report_times(stamps: list[tuple[str | None, int]], facts: dict[str, Any],
                  dayfirst: bool | None) -> np.ndarray | None:
    """One datetime64 per report (NaT where the report had no time stamp), or None; for
    ``Time:`` stamps of an output without a date, one timedelta64 (time of day)."""
    twelve = False
    dates: list[str] = []
    for stamp, _ in stamps:
        if not stamp:
            continue
        match = _STAMP.match(stamp)
        if match:
            dates.append(match.group("date"))
            twelve |= match.group("ampm") is not None
        old = _OLD_STAMP.match(stamp)
        if old:
            twelve |= old.group("ampm") is not None
    banner_date = facts.get("date_text")
    if dayfirst is None:
        dayfirst = _dayfirst(dates, facts.get("decimal", "."), twelve,
                             dates[0] if dates else (banner_date or ""))
    facts["twelve_hour_clock"] = twelve
    date = None
    if banner_date:
        try:
            date = parse_date(banner_date, dayfirst=dayfirst)
        except (ValueError, OverflowError):
            date = None
    given = facts.pop("given_date", None)  # perfkit.parse(..., date=) for an undated text
    date = given if date is None else date
    facts["date"] = date
    if not any(stamp for stamp, _ in stamps):
        return None
    for stamp, line in stamps:
        if not stamp:  # -t prints one before every report: a line lost, or a run without -t
            warn("a report without its time stamp among reports with one: its time is "
                 "left unknown (NaT)", line=max(line - 1, 1), tool=NAME)
    present = [(index, stamp, line) for index, (stamp, line) in enumerate(stamps) if stamp]
    result = np.full(len(stamps), np.datetime64("NaT"), dtype="datetime64[ns]")
    try:
        values = _stamp_values([stamp for _, stamp, _ in present], dayfirst, date, facts)
    except (ValueError, OverflowError):
        for _, stamp, line in present:  # find the culprit, one stamp at a time
            try:
                _stamp_values([stamp], dayfirst, date, facts)
            except (ValueError, OverflowError) as exc:
                raise ParseError(f"unreadable time stamp ({exc})", line=line, text=stamp,
                                 tool=NAME) from exc
        _, stamp, line = _odd_clock(present)  # each reads alone: the clocks differ
        raise ParseError("a time stamp without AM/PM among 12-hour ones, or with it among "
                         "24-hour ones (a word lost or two outputs joined?)", line=line,
                         text=stamp, tool=NAME) from None
    if values.dtype.kind == "m":  # times of day (see _stamp_values)
        result = np.full(len(stamps), np.timedelta64("NaT"), dtype="timedelta64[ns]")
    result[[index for index, _, _ in present]] = values
    return result


def _stamp_values(stamps: list[str], dayfirst: bool | None, date: pd.Timestamp | None,
                  facts: dict[str, Any]) -> np.ndarray:
    """datetime64 values of time stamp lines, parsed kind by kind in a few vector calls."""
    kinds: dict[str, list[tuple[int, re.Match]]] = {"iso": [], "dated": [], "old": []}
    for index, stamp in enumerate(stamps):
        iso = _ISO.match(stamp)
        dated = None if iso else _STAMP.match(stamp)
        old = None if iso or dated else _OLD_STAMP.match(stamp)
        if not (iso or dated or old):
            raise ValueError(f"not a time stamp: {stamp!r}")
        kind = "iso" if iso else "dated" if dated else "old"
        kinds[kind].append((index, iso or dated or old))
    out = np.full(len(stamps), np.datetime64("NaT"), dtype="datetime64[ns]")
    if kinds["iso"]:
        rows, matches = zip(*kinds["iso"], strict=True)
        texts = [f"{m.group('date')}T{m.group('time')}" for m in matches]
        out[list(rows)] = pd.to_datetime(texts, format="%Y-%m-%dT%H:%M:%S").to_numpy()
        offsets = [m.group("offset") for m in matches if m.group("offset")]
        if offsets:
            facts["utc_offset"] = offsets[0]
    if kinds["dated"]:
        rows, matches = zip(*kinds["dated"], strict=True)
        days = {text: parse_date(text, dayfirst=dayfirst).to_datetime64()
                for text in {m.group("date") for m in matches}}
        base = np.array([days[m.group("date")] for m in matches], dtype="datetime64[ns]")
        out[list(rows)] = base + _seconds(matches).astype("timedelta64[s]")
    if kinds["old"]:
        rows, matches = zip(*kinds["old"], strict=True)
        if date is None and len(rows) == len(stamps):
            # times of day of an undated output: timedelta64, never a made-up date
            return of_day(_seconds(matches)).to_numpy()
        if date is not None:
            out[list(rows)] = combine(date, _seconds(matches)).to_numpy()
    return out


def _odd_clock(present: list[tuple[int, str, int]]) -> tuple[int, str, int]:
    """The first stamp whose clock (12-hour, with AM/PM, or 24-hour) is the rarer one."""
    def twelve(stamp: str) -> bool:
        match = _ISO.match(stamp) or _STAMP.match(stamp) or _OLD_STAMP.match(stamp)
        return bool(match and "ampm" in match.re.groupindex and match.group("ampm"))
    kinds = [twelve(stamp) for _, stamp, _ in present]
    rarer = sum(kinds) * 2 < len(kinds)
    return next(entry for entry, kind in zip(present, kinds, strict=True) if kind == rarer)


def _seconds(matches: tuple[re.Match, ...]) -> np.ndarray:
    """Seconds since midnight of the ``time`` (and ``ampm``) groups of stamp matches."""
    times = pd.Series([m.group("time") for m in matches])
    ampm = [m.group("ampm") for m in matches]
    if all(a is None for a in ampm):
        return times_of_day(times)
    if any(a is None for a in ampm):
        raise ValueError("a 12-hour time stamp among 24-hour ones")
    return times_of_day(times, pd.Series(ampm))


def _dayfirst(dates: list[str], decimal: str, twelve: bool, date_text: str) -> bool | None:
    """Day first when some date's first number exceeds 12, else the locale's habits."""
    for text in dates:
        parts = re.split(r"[/.\-]", text.rstrip("."))
        if len(parts) == 3 and len(parts[0]) <= 2:
            if int(parts[0]) > 12:
                return True
            if int(parts[1]) > 12:
                return False
    return guess_dayfirst(decimal=decimal, twelve_hour=twelve, translated=False,
                          date_text=date_text)


def _first_since_boot(devices: pd.DataFrame | None, n_reports: int,
                      given: bool | None) -> tuple[bool, str]:
    """Whether report 0 covers the time since boot, and on what basis (see the module doc)."""
    if given is not None:
        return bool(given), "given"
    if devices is None or n_reports == 0:
        return True, "assumed"
    pairs = [(c, c[:-2]) for c in devices.columns
             if isinstance(c, str) and c.endswith("/s") and c[:-2] in devices.columns]
    if not pairs:
        return True, "assumed"
    rows = devices[~devices["group"]] if "group" in devices.columns else devices

    def covered(report: int) -> float | None:
        part = rows[rows["report"] == report]
        rate = sum(float(part[r].sum()) for r, _ in pairs)
        total = sum(float(part[t].sum()) for _, t in pairs)
        return total / rate if rate > 0 else None

    first = covered(0)
    if first is None:
        return True, "assumed"
    for report in range(1, n_reports):
        later = covered(report)
        if later is not None and later > 0:
            return first > 2 * later, "totals"
    return first >= 60, "totals"
