"""``vmstat`` (procps-ng): the sample table, ``-d`` disks, ``-s``/``-f``/``-D`` counters.

``vmstat 1 3`` recorded on the course machine (procps-ng 4.0.2, C locale) and its frame:

>>> df = parse(
...     "procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu-----\\n"
...     " r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st\\n"
...     " 6  0      0 23490092   5168 466728    0    0  1353   641  142  242  7  2 91  0  0\\n"
...     " 5  0      0 23490092   5168 466728    0    0     0     4  609  696 83 17  0  0  0\\n")
>>> print(df.to_string())
   r  b  swpd      free  buff   cache  si  so    bi   bo   in   cs  us  sy  id  wa  st  since_boot
0  6  0     0  23490092  5168  466728   0   0  1353  641  142  242   7   2  91   0   0        True
1  5  0     0  23490092  5168  466728   0   0     0    4  609  696  83  17   0   0   0       False

**The sample table** (default, ``-w``, ``-a``, ``-n``, ``-t``, ``-S``): the columns as the
C locale prints them, ``r b swpd free buff cache si so bi bo in cs us sy id wa st``; ``-a``
prints ``inact active`` instead of ``buff cache``; procps-ng 4.0 adds ``gu`` (guest time)
with ``-w``. ``since_boot`` is True for the first row of a run: it reports averages since
boot, not the last interval, and is best left out of an analysis. The header lines vmstat
repeats every screenful are recognised and skipped. With ``-t`` a ``time`` column comes
first (``datetime64``, the local time printed at the end of each row) and the time zone
the header names is kept in ``df.attrs["timezone"]``. Translated headers (de_DE
``frei Cache``, fr_FR ``libre tampon``...) are read by position, so the columns keep their C
names.

Memory columns (``swpd free buff cache inact active``) are in **KiB**. The table does not say
which ``-S`` unit it was printed in, so pass ``unit=`` with the letter given to ``-S``
(``"K"`` is vmstat's default; ``"k"`` = 1000 bytes, ``"M"`` = 2^20, ``"m"`` = 10^6);
``df.attrs["printed_unit"]`` keeps it as ``"KiB"``, ``"kB"``, ``"MiB"`` or ``"MB"``. Without
``unit=`` the numbers are read as KiB (vmstat's default) and ``printed_unit`` is None: nothing
said which unit was printed.

**Disks** (``-d``, ``-dt``): one row per disk and sample: ``sample`` (0, 1... one per
header), ``disk``, then ``reads total``, ``reads merged``, ``reads sectors``, ``reads ms``,
``writes total``, ``writes merged``, ``writes sectors``, ``writes ms``, ``IO cur``,
``IO sec`` (the header's sub-names under its ``reads``/``writes``/``IO`` groups), all counted
since boot; ``time`` first with ``-t``.

**Counters** (``-s``, ``-f``, ``-D``): columns ``value`` and ``name``, the name as the C
locale prints it without the unit letter (``total memory``, ``paged in``, ``forks``);
memory values in KiB. Translated names are mapped by their place in procps-ng 4.0's list.
The kernel's ``/proc/vmstat`` reads the same way (``df.attrs["source"]``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParseError, bad_line, warn
from ..units import size_to_kib
from ._read.sysstat_engine import _newline_offsets
from ._read.tabular import frame_from_lines, read_rows, squeeze_spaces
from ._read.text import clean_text_and_bytes, repeats_a_word
from ._read.times import of_day, stamps_before, times_of_day

NAME = "vmstat"

#: The columns parse may give (see :mod:`perfkit.parsers.columns`): the sample table, the
#: ``-d`` disk table or the ``-s``/``-f``/``-D``/``/proc/vmstat`` counters.
COLUMNS: dict[str, dict[str, str]] = {
    "": {"time": "datetime|timedelta",
         "r": "int", "b": "int", "swpd": "int", "free": "int", "buff": "int", "cache": "int",
         "inact": "int", "active": "int", "si": "int", "so": "int", "bi": "int", "bo": "int",
         "in": "int", "cs": "int", "us": "int", "sy": "int", "id": "int", "wa": "int",
         "st": "int", "gu": "int", "since_boot": "bool",
         "sample": "int", "disk": "str", "reads total": "int", "reads merged": "int",
         "reads sectors": "int", "reads ms": "int", "writes total": "int",
         "writes merged": "int", "writes sectors": "int", "writes ms": "int", "IO cur": "int",
         "IO sec": "int",
         "value": "number", "name": "str"},
}

MEMORY = ("r", "b", "swpd", "free", "buff", "cache", "si", "so", "bi", "bo", "in", "cs",
          "us", "sy", "id", "wa", "st", "gu")
DISK = ("reads total", "reads merged", "reads sectors", "reads ms", "writes total",
        "writes merged", "writes sectors", "writes ms", "IO cur", "IO sec")
SIZE_COLUMNS = ("swpd", "free", "buff", "cache", "inact", "active")
# "inact" in C and in the catalogs procps-ng 4.0.2 ships: -a puts it where "buff" was
_INACT = {"inact", "inakt", "inativ", "nieakt", "不活动", "비활"}

#: -S letter -> (the unit's name, whether it is a power of 1000)
UNITS = {"K": ("KiB", False), "k": ("kB", True), "M": ("MiB", False), "m": ("MB", True)}

# vmstat -s in procps-ng 4.0, in order; the memory lines (and paged in/out) carry a unit
SUMMARY = ("total memory", "used memory", "active memory", "inactive memory", "free memory",
           "buffer memory", "swap cache", "total swap", "used swap", "free swap",
           "non-nice user cpu ticks", "nice user cpu ticks", "system cpu ticks",
           "idle cpu ticks", "IO-wait cpu ticks", "IRQ cpu ticks", "softirq cpu ticks",
           "stolen cpu ticks", "non-nice guest cpu ticks", "nice guest cpu ticks",
           "paged in", "paged out", "pages swapped in", "pages swapped out", "interrupts",
           "CPU context switches", "boot time", "forks")
_SUMMARY_UNITS = frozenset(range(10)) | {20, 21}
# vmstat -D
DISK_SUMMARY = ("disks", "partitions", "total reads", "merged reads", "read sectors",
                "milli reading", "writes", "merged writes", "written sectors",
                "milli writing", "inprogress IO", "milli spent IO", "milli weighted IO")
_KNOWN = frozenset(SUMMARY) | frozenset(DISK_SUMMARY)
#: the -s lines printed with a unit letter (``24684092 K total memory``)
_WITH_UNIT = frozenset(SUMMARY[index] for index in _SUMMARY_UNITS)

_DASHES = re.compile(r"-{3,}")
_TIMESTAMP = re.compile(r"\s\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}:\d{2}\s*$")
_COUNTER = re.compile(r"^\s*(?P<value>\d+)\s+(?:(?P<unit>[KkMm])\s+)?(?P<name>\S.*?)\s*$")
#: A counter's name that starts with a number (and a unit letter): a value printed twice
_SECOND_VALUE = re.compile(r"^\d+(?:\s+[KkMm])?(?:\s|$)")
_PROC = re.compile(r"^(?P<name>[a-z][a-z0-9_]*)\s+(?P<value>-?\d+)\s*$")
_DISK_ROW = re.compile(r"^\s*\S+(?:\s+\d+){10}(?:\s|$)")
_SAMPLE_ROW = re.compile(r"^\s*\d+(?:\s+\d+){14}")
#: unrecognised lines before vmstat's first line that are reported and skipped; more, and
#: the text is not vmstat's (recognising a start needs it and the next two lines)
_STRAYS_BEFORE = 3
#: Bytes of rows squeezed at once by the plain table's reader (bounds its scratch memory).
_PIECE = 1 << 19


def _is_rule(line: str) -> bool:
    """The first header line: dashed group names (``procs ---memory--- ...``), no digits."""
    if "---" not in line:  # every sample row: answered without the regex
        return False
    return len(_DASHES.findall(line)) >= 3 and not any(ch.isdigit() for ch in line)


def _is_names(line: str) -> bool:
    """The second header line: ten or more column names (digits only in a ``-t`` time zone)."""
    words = line.split()
    return len(words) >= 10 and not any(word[0].isdigit() for word in words[:-1])


def _is_row(line: str) -> bool:
    """A sample (``r b swpd ...``) or ``-d`` disk row."""
    return bool(_SAMPLE_ROW.match(line) or _DISK_ROW.match(line))


def options_from_command(argv: Sequence[str]) -> dict[str, Any]:
    """The :func:`parse` options a vmstat command line implies: ``unit`` from ``-S``/
    ``--unit`` (the table does not say which unit it was printed in); none gives ``{}``.

    >>> options_from_command(["vmstat", "-S", "M", "1"]), options_from_command(["vmstat", "1"])
    ({'unit': 'M'}, {})
    >>> options_from_command(["vmstat", "-Sk"]), options_from_command(["vmstat", "--unit=m"])
    ({'unit': 'k'}, {'unit': 'm'})
    """
    unit = None
    for index, arg in enumerate(argv):
        if arg in ("-S", "--unit") and index + 1 < len(argv):
            unit = argv[index + 1]
        elif arg.startswith("--unit="):
            unit = arg.partition("=")[2]
        elif arg.startswith("-S") and len(arg) > 2:
            unit = arg[2:]
    return {"unit": unit} if unit else {}


def detect(lines: Sequence[str]) -> bool:
    """True for vmstat's tables, its ``-s``/``-f``/``-D`` counters, or ``/proc/vmstat``
    (after at most a few stray lines)."""
    return _opening(lines) is not None


def _opening(lines: Sequence[str]) -> int | None:
    """The index of vmstat's first line among the first few of ``lines``, or None."""
    for index in range(min(len(lines), _STRAYS_BEFORE + 1)):
        if _opens(lines[index:]):
            return index
    return None


def _opens(lines: Sequence[str]) -> bool:
    """Whether ``lines`` start like vmstat's tables, counters or ``/proc/vmstat``."""
    first = lines[0]
    if _is_rule(first) and len(lines) >= 2:
        if first.lstrip().startswith(("procs", "--procs--", "disk-")):
            return True
        return len(lines) >= 3 and _is_row(lines[2])
    if re.match(r"^\s+\d+ [KkMm] \S", first) or re.match(r"^\s+\d+ (forks|disks)$", first):
        return True
    # (two of its first three lines: one may be a stray line)
    return first.startswith("nr_") and bool(_PROC.match(first)) and \
        sum(bool(_PROC.match(line)) for line in lines[:3]) >= min(2, len(lines))


def parse(text: str | bytes, *, strict: bool = False, dayfirst: bool | None = None,
          unit: str | None = None) -> pd.DataFrame:
    """Parse vmstat's output (see the module docstring; ``unit`` is the ``-S`` letter).

    ``dayfirst`` is accepted for the common parser signature; ``vmstat -t`` prints ISO dates.
    """
    if unit is not None and unit not in UNITS:
        raise ValueError(f"unit must be one of {sorted(UNITS)} (vmstat -S), not {unit!r}")
    text, encoded = clean_text_and_bytes(text, tool=NAME)
    if encoded:  # ASCII text: first try the numpy reader of one plain sample table
        frame = _plain_table(encoded.pop(), unit)
        if frame is not None:
            return frame
    numbered = [(n, line) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    context = _Context(strict, numbered[-1][0], text.endswith("\n"))
    numbered = _skip_strays(numbered, context)
    number, first = numbered[0]
    if _is_rule(first):
        return _tables(numbered, context, unit)
    if _COUNTER.match(first):
        return _counters(numbered, context)
    if _PROC.match(first):
        return _proc(numbered, context)
    raise ParseError("not vmstat output (no header, counter or /proc/vmstat line)",
                     line=number, text=first, tool=NAME)


def _plain_table(data: bytes, unit: str | None) -> pd.DataFrame | None:
    """The sample table of ``vmstat [-t]`` output as a program writes it to a file (its two
    header lines once, first, then rows only, each ``-t`` row ending with its time stamp,
    the text ending with a newline), read with numpy and one ``read_csv`` call; None for
    any other text, or rows that do not all read cleanly, which :func:`_tables` then
    reads line by line, naming what is odd."""
    rule_end = data.find(b"\n")
    names_end = data.find(b"\n", rule_end + 1)
    if names_end < 0 or not data.endswith(b"\n") or data[names_end + 1:names_end + 2] in (
            b"", b"\n"):
        return None
    rule = data[:rule_end].decode("ascii")
    header = data[rule_end + 1:names_end].decode("ascii")
    if not (_is_rule(rule) and rule.lstrip().startswith("procs") and not _is_rule(header)
            and not _is_row(header) and _is_names(header)):
        return None
    names = header.split()
    body = names_end + 1
    # a header again, a blank line, or a line ending in blanks: the careful path
    if any(data.find(odd, body) >= 0 for odd in (b"---", b"\n\n", b" \n", b"\t\n")):
        return None
    ends = _newline_offsets(data)[2:]
    times = stamps_before(data, ends) if data.find(b":", body) >= 0 else None
    if data.find(b":", body) >= 0 and times is None:
        return None  # not every row ends with a time stamp
    count = len(names) - (times is not None)
    if len(names) < 14 or not 15 <= count <= len(MEMORY):
        return None  # a -d table, or a header the careful path reports
    if not _SAMPLE_ROW.match(data[body:int(ends[0])].decode("ascii")):
        return None
    columns = list(MEMORY[:count])
    if names[4] in _INACT:
        columns[4:6] = ["inact", "active"]
    # the rows are one stretch of the text: squeezed in pieces that end at a newline
    cuts = ends[np.searchsorted(ends, np.arange(body + _PIECE, int(ends[-1]), _PIECE))]
    bounds = [body, *np.unique(cuts).tolist(), int(ends[-1])]
    pieces = [squeeze_spaces(data, low + (low > body), high)
              for low, high in itertools.pairwise(bounds) if high > low]
    del data  # before the pieces are joined: the text's bytes are the largest thing held
    squeezed = b"\n".join(pieces)
    del pieces
    read = [*columns, "_date", "_clock"] if times is not None else columns
    # every row splits into as many fields as there are names (read_csv would drop the
    # extra fields of a longer row, as it reads only ``usecols``; a shorter one shows as a
    # missing or misplaced value below)
    whole = squeezed.count(b" ") == len(ends) * (len(read) - 1)
    frame = read_rows(squeezed, read, squeezed=True, usecols=columns) if whole else None
    del squeezed
    if frame is None or len(frame) != len(ends) or any(
            frame[name].dtype != np.int64 for name in columns):
        return None
    if times is not None:
        frame.insert(0, "time", times)
    since_boot = np.zeros(len(frame), dtype=bool)
    since_boot[0] = True
    frame["since_boot"] = since_boot
    _sizes_to_kib(frame, unit)
    if times is not None:
        frame.attrs["timezone"] = names[-1]
    return frame


def _skip_strays(numbered: list[tuple[int, str]],
                 context: _Context) -> list[tuple[int, str]]:
    """``numbered`` from vmstat's first line on (:func:`detect`'s test); the few stray lines
    before it are rejected. Text that :func:`detect` would refuse is left to parse()."""
    start = _opening([line for _, line in numbered[:_STRAYS_BEFORE + 3]])
    if start is None:
        return numbered
    for number, line in numbered[:start]:
        context.reject(number, line, "not a line of vmstat's output")
    return numbered[start:]


@dataclass
class _Context:
    strict: bool
    last_number: int
    complete: bool  # the text ends with a newline

    def reject(self, number: int, line: str, why: str, *, truncated: bool = False) -> None:
        if number == self.last_number and (truncated or not self.complete):
            warn("the last line is truncated and was dropped", line=number, text=line, tool=NAME)
            return
        bad_line(why, line=number, text=line, tool=NAME, strict=self.strict,
                 action="line skipped")


@dataclass
class _Block:
    """One header (the dashed line and the column names) and the rows under it."""

    number: int
    rule: str
    names: list[str]
    rows: list[tuple[int, str]] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return "memory" if len(self.names) >= 14 else "disk"


def _blocks(numbered: list[tuple[int, str]], context: _Context) -> list[_Block]:
    """Split the lines at each header; a stray line inside a header is rejected, never
    taken for the column names."""
    blocks: list[_Block] = []
    index = 0
    while index < len(numbered):
        number, line = numbered[index]
        if _is_rule(line):
            names_at = _names_after(numbered, index)
            if names_at is not None:
                for stray_number, stray in numbered[index + 1:names_at]:
                    context.reject(stray_number, stray, "not a line of vmstat's header")
                blocks.append(_Block(number, line, numbered[names_at][1].split()))
                index = names_at + 1
                continue
            context.reject(number, line, "a vmstat header without its column names",
                           truncated=index + 1 == len(numbered))
        elif blocks:
            blocks[-1].rows.append((number, line))
        else:
            context.reject(number, line, "a row before vmstat's column names")
        index += 1
    return blocks


def _names_after(numbered: list[tuple[int, str]], rule_at: int) -> int | None:
    """The index of the column names under the dashed line at ``rule_at``: the first line of
    names before the next row or dashed line (lines in between are strays); None if none."""
    for index in range(rule_at + 1, len(numbered)):
        line = numbered[index][1]
        if _is_rule(line) or _is_row(line):
            return None
        if _is_names(line):
            return index
    return None


def _tables(numbered: list[tuple[int, str]], context: _Context,
            unit: str | None) -> pd.DataFrame:
    blocks = _blocks(numbered, context)
    if not blocks:
        number, line = numbered[0]
        raise ParseError("a vmstat header without its column names", line=number, text=line,
                         tool=NAME)
    kind = blocks[0].kind
    for block in blocks:
        if block.kind != kind:
            raise ParseError(f"a {block.kind} table after a {kind} table", line=block.number,
                             text=block.rule, tool=NAME)
    starts = _run_starts(blocks) if kind == "memory" else set()
    frames = [_block_frame(merged, context) for merged in _same_header_runs(blocks)]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if kind == "memory":
        fresh_lines = [_first_sample_line(block) for index, block in enumerate(blocks)
                       if index == 0 or index in starts
                       or (blocks[index - 1].rule, blocks[index - 1].names)
                       != (block.rule, block.names)]
        frame["since_boot"] = frame["_line"].isin(fresh_lines).to_numpy()
    else:
        headers = np.array([block.number for block in blocks], dtype="int64")
        sample = np.searchsorted(headers, frame["_line"].to_numpy(), side="right") - 1
        frame.insert(0, "sample", sample.astype("int64"))
    frame = frame.drop(columns="_line").reset_index(drop=True)
    if "time" in frame:
        frame.insert(0, "time", frame.pop("time"))
    for name in frame.columns:
        if frame[name].dtype == np.float64 and (frame[name] % 1 == 0).all():
            frame[name] = frame[name].astype("int64")
    if kind == "memory":
        frame["since_boot"] = frame["since_boot"].astype(bool)
        _sizes_to_kib(frame, unit)
    timezones = {block.names[-1] for block in blocks if "time" in frame and block.rows}
    if timezones:
        frame.attrs["timezone"] = timezones.pop() if len(timezones) == 1 else sorted(timezones)
    return frame


def _same_header_runs(blocks: list[_Block]) -> list[_Block]:
    """Consecutive blocks under the same header (vmstat repeats it every screenful), each
    run as one block of all their rows, so that a day of ``vmstat 1`` (thousands of
    blocks) is read as a few tables, not thousands. Blocks of which some rows end in a
    time stamp and some do not stay apart.
    """
    runs: list[_Block] = []
    timed: bool | None = None
    for block in blocks:
        has_time = any(_TIMESTAMP.search(line) for _, line in block.rows)
        last = runs[-1] if runs else None
        if last is not None and (last.rule, last.names, timed) == (block.rule, block.names,
                                                                  has_time):
            last.rows.extend(block.rows)
        else:
            runs.append(_Block(block.number, block.rule, block.names, list(block.rows)))
        timed = has_time
    return runs


#: Rows between headers when vmstat writes to a file or a pipe (no terminal: 24 lines less 3).
FILE_PERIOD = 21


def _run_starts(blocks: list[_Block]) -> set[int]:
    """The blocks whose header starts another run of vmstat (two outputs joined), with a
    warning naming that header. vmstat repeats its header every screenful: each block of
    one run has as many rows as its first, the last one as many or fewer. So a header after
    a shorter block, a block longer than its run's first, or a first row that is the text's
    first row again (the same output saved twice) starts a run, whose first row is since
    boot. A run of one block followed by another of as many rows or fewer cannot be told
    from a repeat: vmstat repeats its header every terminal height less 3 rows, 21 when it
    writes to a file (procps-ng 4.0.2 printed 21), and recordings made in terminals of
    other heights are common. Such a header is read as a repeat; when the block before it
    has fewer than 21 rows (a terminal under 24 lines, or a short output with another one
    appended), a warning names it once, as its first row may be since boot.
    """
    starts: set[int] = set()
    first_rows = [_first_row(block) for block in blocks]
    period, run_first = len(blocks[0].rows) if blocks else 0, 0
    for index in range(1, len(blocks)):
        before, block = blocks[index - 1], blocks[index]
        if (before.rule, before.names) != (block.rule, block.names):
            period, run_first = len(block.rows), index
            continue  # another header: since boot already
        why = None
        if index - 1 > run_first and len(before.rows) != period:
            why = f"after {len(before.rows)} rows where this run repeats it every {period}"
        elif len(block.rows) > period:
            why = f"over {len(block.rows)} rows where the block before has {period}"
        elif first_rows[index] is not None and first_rows[index] == first_rows[0]:
            why = "over the text's first row (since boot) printed again"
        if why is None:
            if index - 1 == run_first and period < FILE_PERIOD:
                warn(f"a header again after {period} rows, where vmstat writing to a file "
                     f"repeats it every {FILE_PERIOD}: a terminal {period + 3} lines high, or "
                     "another vmstat output appended here (then its first row is since "
                     "boot, not an interval); read as a repeat", line=block.number,
                     text=block.rule, tool=NAME)
            continue
        starts.add(index)
        period, run_first = len(block.rows), index
        warn(f"a header {why}: another vmstat run starts here (outputs joined), its first "
             "row is since boot", line=block.number, text=block.rule, tool=NAME)
    return starts


def _first_row(block: _Block) -> str | None:
    """The first sample row of a block, its fields joined by one space (None if none)."""
    line = _first_sample_line(block)
    return next((" ".join(text.split()) for number, text in block.rows if number == line),
                None)


def _first_sample_line(block: _Block) -> int:
    """The line number of the block's first sample row (a stray line before it is not);
    -1 if it has none."""
    leading = block.rule.lstrip().startswith("--time--")  # ExaWatcher: a time comes first
    return next((number for number, line in block.rows if _SAMPLE_ROW.match(
        line.split(None, 1)[-1] if leading else line)), -1)


def _sizes_to_kib(frame: pd.DataFrame, unit: str | None) -> None:
    """Memory columns printed in ``-S unit`` to KiB (None: taken as KiB, the default)."""
    unit_name, si = UNITS[unit or "K"]
    factor = size_to_kib(1, unit_name, si=si)
    if factor != 1:
        for name in SIZE_COLUMNS:
            if name in frame:
                frame[name] = frame[name] * factor
    frame.attrs["printed_unit"] = unit_name if unit else None


def _block_frame(block: _Block, context: _Context) -> pd.DataFrame:
    has_time = any(_TIMESTAMP.search(line) for _, line in block.rows)
    count = len(block.names) - has_time
    if block.kind == "memory":
        if not 15 <= count <= len(MEMORY):
            raise ParseError(f"{count} column names where vmstat prints 15 to 18",
                             line=block.number + 1, text=" ".join(block.names), tool=NAME)
        names = list(MEMORY[:count])
        if block.names[4] in _INACT:
            names[4:6] = ["inact", "active"]
        text_columns = set()
    else:
        names = ["disk", *DISK]
        text_columns = {"disk"}
    if has_time:
        names += ["_date", "_clock"]
        text_columns |= {"_date", "_clock"}
    # ExaWatcher's vmstat: "--time--" over a first column of times of day
    leading = block.rule.lstrip().startswith("--time--")
    if leading:
        names, text_columns = ["_of_day", *names], text_columns | {"_of_day"}
    lines = [line for _, line in block.rows]
    numbers = np.array([number for number, _ in block.rows], dtype="int64")
    frame = frame_from_lines(lines, numbers, names, text_columns=text_columns, tool=NAME,
                             strict=context.strict, last_line=context.last_number)
    frame.insert(0, "_line", numbers[frame.index.to_numpy()] if len(frame) else [])
    if has_time:
        frame = _times(frame, lines, context)
    if leading:
        frame = _leading_times(frame, lines, context)
    return frame.reset_index(drop=True)


def _leading_times(frame: pd.DataFrame, lines: list[str], context: _Context) -> pd.DataFrame:
    """ExaWatcher's first column, times of day (``21:21:49``) without a date: ``time`` as
    ``timedelta64`` (:func:`~perfkit.parsers._read.times.of_day`), never a made-up date."""
    clocks = frame["_of_day"].astype(str)
    good = clocks.str.fullmatch(r"([01]\d|2[0-3]):[0-5]\d:[0-5]\d").to_numpy(dtype=bool)
    for position in np.flatnonzero(~good):
        index = frame.index[position]
        context.reject(int(frame.loc[index, "_line"]), lines[index],
                       "not a time of day at the start of the row")
    frame = frame.loc[good].drop(columns="_of_day")
    frame["time"] = of_day(times_of_day(clocks[good])).to_numpy()
    return frame


def _times(frame: pd.DataFrame, lines: list[str], context: _Context) -> pd.DataFrame:
    stamps = frame["_date"].astype(str) + " " + frame["_clock"].astype(str)
    times = pd.to_datetime(stamps, format="%Y-%m-%d %H:%M:%S", errors="coerce")
    # vmstat pads every part to two digits: "00:24:3" is a time cut short, not 00:24:03
    padded = frame["_clock"].astype(str).str.fullmatch(r"\d\d:\d\d:\d\d").to_numpy(dtype=bool)
    times = times.where(padded)
    for position in np.flatnonzero(times.isna().to_numpy()):
        index = frame.index[position]
        context.reject(int(frame.loc[index, "_line"]), lines[index],
                       "not a time stamp at the end of the row", truncated=True)
    frame = frame.loc[times.notna()].drop(columns=["_date", "_clock"])
    frame["time"] = times[times.notna()].astype("datetime64[ns]")
    return frame


def _counters(numbered: list[tuple[int, str]], context: _Context) -> pd.DataFrame:
    rows: list[tuple[int, str | None, str]] = []
    lines: list[tuple[int, str]] = []  # each row's line number and text
    for number, line in numbered:
        match = _COUNTER.match(line)
        if not match:
            context.reject(number, line, "not a vmstat counter line")
            continue
        name = match.group("name")
        if _SECOND_VALUE.match(name):  # "11324 11324 forks": which number is the count?
            context.reject(number, line, "a vmstat counter line with two values")
            continue
        if number == context.last_number and not context.complete and name not in _KNOWN:
            context.reject(number, line, "not a vmstat counter line", truncated=True)
            continue
        if repeats_a_word(name):  # "11324 forks forks": a word printed twice
            context.reject(number, line, "a vmstat counter name with a word printed twice")
            continue
        if name in _KNOWN and (name in _WITH_UNIT) != bool(match.group("unit")):
            context.reject(number, line, "a vmstat counter line whose unit letter is lost "
                           "(or printed where vmstat prints none): its value's unit is unknown")
            continue
        rows.append((int(match.group("value")), match.group("unit"), name))
        lines.append((number, line))
    if not rows:
        number, line = numbered[0]
        raise ParseError("no vmstat counter line", line=number, text=line, tool=NAME)
    names = _counter_names(rows)
    for index in reversed(_misplaced(names)):
        context.reject(*lines[index], "a vmstat counter whose name is not the one vmstat "
                       "prints in its place (a word lost from another name?)")
        del rows[index], names[index], lines[index]
    odd = _unit_lost(rows)
    if odd is not None:  # a translated list whose unit letters differ on one line
        names = list(SUMMARY)  # the other lines' letters tell it is -s's list
        context.reject(*lines[odd], "a vmstat counter line whose unit letter is lost (or "
                       "printed where vmstat prints none): its value's unit is unknown")
        del rows[odd], names[odd]
    letters = [letter for _, letter, _ in rows if letter]
    values: list[Any] = []
    for value, letter, _ in rows:
        if letter:
            unit_name, si = UNITS[letter]
            values.append(size_to_kib(value, unit_name, si=si))
        else:
            values.append(value)
    frame = pd.DataFrame({"value": values, "name": names})
    if set(letters) <= {"K"}:
        frame["value"] = frame["value"].astype("int64")
    if letters:
        # the -S unit of the memory lines (vmstat always prints "K paged in")
        frame.attrs["printed_unit"] = UNITS[letters[0]][0]
    return frame


def _counter_names(rows: list[tuple[int, str | None, str]]) -> list[str]:
    """C names for the printed ones; translated lists are mapped by position."""
    printed = [name for _, _, name in rows]
    if all(name in _KNOWN for name in printed):
        return printed
    # each list in turn (outputs joined: a -s list, then -f's or -D's, say)
    names: list[str] = []
    while len(names) < len(rows):
        rest = rows[len(names):]
        if all(name in _KNOWN for _, _, name in rest):
            names.extend(name for _, _, name in rest)
            break
        for listed, units in ((SUMMARY, _SUMMARY_UNITS), (DISK_SUMMARY, frozenset())):
            part = rest[:len(listed)]
            if len(part) == len(listed) and units == {
                    index for index, (_, letter, _) in enumerate(part) if letter}:
                names.extend(listed)
                break
        else:
            names.append(rest[0][2])
    return names


def _misplaced(names: list[str]) -> list[int]:
    """The indices of names that stand where vmstat prints another of its list, in a list
    of -s's or -D's length that differs from it in one or two places only
    (``34755 writes`` where ``34755 merged writes`` comes: ``merged`` lost).

    >>> names = list(DISK_SUMMARY)
    >>> names[7] = "writes"
    >>> _misplaced(names)
    [7]
    >>> _misplaced(list(DISK_SUMMARY) + list(DISK_SUMMARY))
    []
    """
    found: list[int] = []
    for listed in (SUMMARY, DISK_SUMMARY):
        for start in (i for i, name in enumerate(names) if name == listed[0]):
            part = names[start:start + len(listed)]
            if len(part) < len(listed):
                continue
            differ = [start + i for i, (name, usual) in enumerate(zip(part, listed,
                                                                      strict=True))
                      if name != usual]
            if len(differ) <= 2 and all(names[i] in listed for i in differ):
                found.extend(differ)
    return sorted(set(found))


def _unit_lost(rows: list[tuple[int, str | None, str]]) -> int | None:
    """The index of the one row of a translated ``-s`` list whose unit letter is not where
    vmstat prints one (``24684092 Gesamtspeicher`` for ``24684092 K Gesamtspeicher``), or
    None: the list's length is -s's, and only that row breaks the pattern of its letters.

    >>> rows = [(1, "K" if i in _SUMMARY_UNITS else None, f"Zeile {i}") for i in range(28)]
    >>> _unit_lost(rows) is None
    True
    >>> _unit_lost([(1, None, "Zeile 0")] + rows[1:])
    0
    """
    if len(rows) != len(SUMMARY) or all(name in _KNOWN for _, _, name in rows):
        return None
    lettered = {index for index, (_, letter, _) in enumerate(rows) if letter}
    differ = lettered ^ _SUMMARY_UNITS
    return differ.pop() if len(differ) == 1 else None


def _proc(numbered: list[tuple[int, str]], context: _Context) -> pd.DataFrame:
    names, values = [], []
    for number, line in numbered:
        match = _PROC.match(line)
        if not match:
            context.reject(number, line, "not a /proc/vmstat line")
            continue
        names.append(match.group("name"))
        values.append(int(match.group("value")))
    if not names:
        number, line = numbered[0]
        raise ParseError("no /proc/vmstat line", line=number, text=line, tool=NAME)
    frame = pd.DataFrame({"value": pd.Series(values, dtype="int64"), "name": names})
    frame.attrs["source"] = "/proc/vmstat"
    return frame
