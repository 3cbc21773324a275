"""bpftrace's output, text or ``-f json``, as a :class:`~perfkit.result.Tables`.

One table per map, named as bpftrace prints it, ``@`` included (``"@usecs"``; the anonymous
map ``@[comm] = count()`` is ``"@"``): see :mod:`perfkit.parsers.bpftrace_maps` for its
columns (``key``/``key1``..., ``value``; ``low``, ``high``, ``count`` for histograms;
``count``, ``average``, ``total`` for ``stats()``; folded stacks; ``interval`` and ``time``
for maps printed every interval). What the program ``printf``\\s is the ``printf`` table: a
header of upper-case names and rows under it (``TIME PID PPID ARGS``, as execsnoop.bt prints)
give columns named as printed (see :mod:`perfkit.parsers.ebpf_events`), other text a ``line``
column (with lines printed before such a header kept in ``attrs["messages"]``).

``tables.attrs`` holds ``format`` (``"text"`` or ``"json"``), ``probes`` (from ``Attaching 3
probes...``), ``lost_events`` (``Lost 12 events``, which also warns: the maps and rows miss
those events), ``interrupted`` (a ``^C`` echoed in a transcript) and ``warnings`` (bpftrace's
``WARNING:`` lines). JSON (``{"type": "map", ...}``, one object a line) gives the same tables
as the text of the same program.

Recorded on this project's machine (``@c[comm, pid] = count()`` and ``@s = stats(...)``)::

    Attaching 2 probes...
    @c[sadc, 7765]: 16
    @c[bpftrace, 7774]: 39
    @s: count 4529, average 69, total 315111
    @h:
    [0]                   52 |@@@@@                                               |
    [2, 4)               224 |@@@@@@@@@@@@@@@@@@@@@@                              |

>>> text = '''Attaching 2 probes...
... @c[sadc, 7765]: 16
... @c[bpftrace, 7774]: 39
... @s: count 4529, average 69, total 315111
... @h:
... [0]                   52 |@@@@@                                               |
... [2, 4)               224 |@@@@@@@@@@@@@@@@@@@@@@                              |
... '''
>>> tables = parse(text)
>>> tables["@c"]
       key1  key2  value
0      sadc  7765     16
1  bpftrace  7774     39
>>> tables["@h"][["low", "high", "count"]].values.tolist()
[[0.0, 1.0, 52.0], [2.0, 4.0, 224.0]]
>>> tables["@s"].loc[0, "total"], tables.attrs["probes"]
(np.int64(315111), 2)
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..errors import ParseError, bad_line, warn
from ..result import Tables
from ._read.text import clean_text, unglue_interrupts
from ._read.times import given_date
from .bpftrace_maps import MapPrint, bucket_bounds, damaged_frame, map_tables, split_key
from .ebpf_events import event_table, is_header

NAME = "bpftrace"

#: The tables and columns parse may give (see :mod:`perfkit.parsers.columns`): one table
#: per map, named as printed; the ``printf`` table's columns are named as the program's
#: header prints them, numbers where every value is one.
COLUMNS: dict[str, dict[str, str]] = {
    "@*": {"time": "datetime|timedelta", "interval": "int", "key": "int|str", "key*": "int|str",
           "value": "number|str", "low": "float", "high": "float", "count": "int",
           "average": "int", "total": "int"},
    "printf": {"time": "datetime|timedelta", "line": "str", "*": "number|str"},
}

_PROBES = re.compile(r"^Attach(?:ing|ed) (\d+) probes?(?:\.\.\.)?$")
#: What is left of that line with a word lost or printed twice (``1 probe...``).
_DAMAGED_PROBES = re.compile(r"^Attach\w*\b|\bprobes?\.\.\.$")
_LOST = re.compile(r"^Lost (\d+) events$")
_CLOCK_LINE = re.compile(r"^\d{1,2}:\d{2}:\d{2}$")
#: A ``time()`` line with its clock printed twice (``00:32:53 00:32:53``).
_CLOCK_TWICE = re.compile(r"^(\d{1,2}:\d{2}:\d{2})(?: \1)+$")
#: What is left of a map entry that lost its name, or its name and key: a number alone
#: (``530``) or the end of a key and the value (``0, dd]: 1979``).
_ENTRY_REST = re.compile(r"^(?:-?\d+|[^@\s,\]].*\]: ?-?\d+)$")
_MAP = re.compile(r"^(@\w*)(?:\[(.*)\])?: ?(.*)$")
_MAP_OPEN = re.compile(r"^(@\w*)\[(.*)$")
_KEY_CLOSE = re.compile(r"^(.*)\]: ?(.*)$")
_BUCKET = re.compile(r"^([\[(][^\])]*[\])])\s+(\d+)\s+\|[@ ]*\|$")
#: A histogram row with a field lost or printed twice (``[64, 128)  3 |`` or ``[64, 128)
#: 128)  3 |@@ |``): a bucket's opening, and a bar, but not the row bpftrace prints; or a
#: bucket and its count with the bar lost (``[2K, 4K)   480``).
_DAMAGED_BUCKET = re.compile(r"^\s*(?:[\[(]|-?\d+[KMGTPE]?[\])]).*\||.*\d\s+\|[@ ]*\|?\s*$"
                             r"|^[\[(][^\])]*[\])]\s+\d+\s*$")
_STATS = re.compile(r"^count (-?\d+), average (-?\d+), total (-?\d+)$")
_INT = re.compile(r"^-?\d+$")
_JSON_TYPES = ("attached_probes", "map", "hist", "stats", "printf", "time", "lost_events",
               "syscall", "join", "helper_error")
_JSON_START = re.compile(r'^\{"type": ?"(' + "|".join(_JSON_TYPES) + ')"')


def detect(lines: list[str]) -> bool:
    """bpftrace's text (``Attaching N probes...``, ``@map[...]: value``) or JSON lines."""
    for line in lines[:40]:
        if _JSON_START.match(line) or _PROBES.match(line):
            return True
        if line.startswith("@") and (_MAP.match(line) or _MAP_OPEN.match(line)):
            return True
    return False


@dataclass
class _Reader:
    """What both readers collect before the tables are made."""

    strict: bool
    date: pd.Timestamp | None = None
    prints: list[MapPrint] = field(default_factory=list)
    lines: list[tuple[int, str]] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)
    clock: str | None = None
    printed_since_clock: set[str] = field(default_factory=set)
    has_times: bool = False
    open_print: MapPrint | None = None
    open_keys: set[tuple[str, ...]] = field(default_factory=set)
    #: the line numbers of the last map entry's last line and of the last ``time()`` line
    last_entry: int = 0
    last_clock: int = 0
    #: the lines of each second blank line in a row (bpftrace's exit dump follows one), of
    #: each ``time()`` line and of each ``Attaching`` line (a run starts)
    gaps: list[int] = field(default_factory=list)
    clocks: list[int] = field(default_factory=list)
    runs: list[int] = field(default_factory=list)
    text_lines: list[str] = field(default_factory=list)
    #: the last line of each map entry whose key is spread over lines, by its first line
    entry_ends: dict[int, int] = field(default_factory=dict)

    def add_row(self, name: str, kind: str, keys: list[str], payload: Any,
                number: int) -> None:
        """Add a text row to the print being read, or start a new print: a print ends at
        another map's name, a time header, a printf line or a key printed again."""
        current = self.open_print
        key = tuple(keys)
        if current is None or current.name != name or current.kind != kind \
                or key in self.open_keys:
            current = MapPrint(name, kind, number, [])
            self.add_print(current)
            self.open_print = current
            self.open_keys = set()
        self.open_keys.add(key)
        current.rows.append((keys, payload))
        current.numbers.append(number)

    def add_print(self, printed: MapPrint) -> None:
        if self.clock is not None and printed.name not in self.printed_since_clock:
            printed.time = self.clock
        self.printed_since_clock.add(printed.name)
        self.prints.append(printed)

    def time(self, clock: str) -> None:
        self.open_print = None
        self.clock = clock
        self.has_times = True
        self.printed_since_clock = set()

    def lost(self, count: int, number: int) -> None:
        self.attrs["lost_events"] = self.attrs.get("lost_events", 0) + count
        warn(f"bpftrace lost {count} events: maps and rows miss them", line=number, tool=NAME)

    def unknown(self, number: int, text: str, why: str) -> None:
        bad_line(why, line=number, text=text, tool=NAME, strict=self.strict,
                 action="line skipped")


def _damaged_entry(key: str, value: str) -> str | None:
    """Why a map entry that is not a histogram nor stats is damaged (no value; a number
    printed twice; a damaged ``stats()`` value; another entry inside it; a key closed
    twice), or None.

    >>> _damaged_entry("", ""), _damaged_entry("bash", "1368 1368")
    ('a map entry without its value', 'a map value printed as several numbers')
    >>> _damaged_entry("bash]: @[bash", "12"), _damaged_entry("dd", "1785")
    ('a map entry with another inside its key', None)
    >>> _damaged_entry("", "40, average 58, total 2340")
    'a stats() value with a word or a number lost or printed twice'
    >>> _damaged_entry("", "@neg: -39")
    'a map entry with another inside its value'
    >>> _damaged_entry("254, @persec[254, 0, dd", "4462"), _damaged_entry("3, 1]: 1", "24")
    ('a map entry with another inside its key', 'a map entry whose key is closed twice')
    """
    if not value:
        return "a map entry without its value"
    words = value.split()
    if len(words) > 1 and all(_INT.match(word) for word in words):
        return "a map value printed as several numbers"
    if re.search(r"\b(?:count|average|total)\b.*\d|\d, (?:average|total) ", value):
        return "a stats() value with a word or a number lost or printed twice"
    if re.match(r"@\w*[\[:]", value):
        return "a map entry with another inside its value"
    return _damaged_key(key)


def _damaged_key(key: str) -> str | None:
    """Why a map entry's key is damaged (another entry's ``@name[`` inside it, or its
    ``]:`` printed twice), or None."""
    if "]: @" in key or re.search(r"(?:^|, )@\w*\[", key):
        return "a map entry with another inside its key"
    if re.search(r"\]: ?\S", key):
        return "a map entry whose key is closed twice"
    return None


def _value(text: str) -> int | str:
    return int(text) if _INT.match(text) else text


def _read_text(text: str, reader: _Reader) -> None:
    lines = text.split("\n")
    index = 0
    buckets: list[tuple[float, float, int]] | None = None
    blank = 0
    while index < len(lines):
        number = index + 1
        line = lines[index]
        index += 1
        gap = blank >= 2  # after the two blank lines before the exit dump's maps
        blank = blank + 1 if not line.strip() else 0
        if blank == 2:
            reader.open_print = None  # bpftrace prints two blank lines before its exit dump
            reader.gaps.append(number)
        elif blank == 1 and reader.open_print is not None and reader.open_print.kind != "hist":
            reader.open_print = None  # a map's entries are printed together, blank after
        if buckets is not None:
            bucket = _BUCKET.match(line)
            if bucket:
                low, high = bucket_bounds(bucket[1])
                buckets.append((low, high, int(bucket[2])))
                continue
            if _DAMAGED_BUCKET.match(line):  # a field lost or doubled: not printf output
                bad_line("a damaged histogram row", line=number, text=line, tool=NAME,
                         strict=reader.strict, action="line skipped")
                continue
            buckets = None
        if _BUCKET.match(line):  # bpftrace prints a histogram's rows under its "@name:"
            bad_line("histogram rows without their map's '@name:' line before them (lost, "
                     "or damaged, on this line)", line=number - 1,
                     text=lines[number - 2] if number > 1 else "", tool=NAME,
                     strict=reader.strict, action="histogram skipped")
            buckets = []  # its rows are read, and left out
            continue
        stripped = line.strip()
        if not stripped:
            continue
        if line.startswith("@"):
            read = _map_line(lines, index, line, number, reader)
            if read is not None:
                name, key, value, index = read
                if not name:  # a key that never closes: named on its last line
                    last = max(n for n in range(number, index + 1) if lines[n - 1].strip())
                    bad_line("a map entry whose key never closes (its last line lost its "
                             "']:')", line=last, text=lines[last - 1], tool=NAME,
                             strict=reader.strict, action="map entry skipped")
                    reader.last_entry = index
                    continue
                if index > number:
                    reader.entry_ends[number] = index
                frame = damaged_frame(key) if "\n" in key else None
                if frame is not None:  # a stack's frame lost or printed twice
                    bad_line(frame[1], line=number + frame[0], text=lines[number + frame[0] - 1],
                             tool=NAME, strict=reader.strict, action="map entry skipped")
                    continue
                keys = split_key(key, ", ") if key else []
                hist = not value and index < len(lines) and bool(
                    _BUCKET.match(lines[index]) or _DAMAGED_BUCKET.match(lines[index]))
                if (damaged := _damaged_key(key)) and (hist or _STATS.match(value)):
                    bad_line(damaged, line=number, text=line, tool=NAME, strict=reader.strict,
                             action="map entry skipped")
                    buckets = [] if hist else None  # its rows read, and left out
                elif hist:
                    buckets = []
                    reader.add_row(name, "hist", keys, buckets, number)
                else:
                    stats = _STATS.match(value)
                    if stats:
                        payload = (int(stats[1]), int(stats[2]), int(stats[3]))
                        reader.add_row(name, "stats", keys, payload, number)
                    elif damaged := _damaged_entry(key, value):
                        bad_line(damaged, line=number, text=line, tool=NAME,
                                 strict=reader.strict, action="line skipped")
                    else:
                        reader.add_row(name, "value", keys, _value(value), number)
                reader.last_entry = index
                continue
            if _MAP_OPEN.match(line) and number - 1 in (reader.last_entry, reader.last_clock):
                bad_line("a map entry whose key is not closed (a field lost)", line=number,
                         text=line, tool=NAME, strict=reader.strict, action="line skipped")
                reader.last_entry = number
                continue
        after = lines[index] if index < len(lines) else ""
        before_entry = after.startswith("@") and bool(_MAP.match(after) or _MAP_OPEN.match(after))
        if _ENTRY_REST.match(stripped) and (
                number - 1 in (reader.last_entry, reader.last_clock) or before_entry or gap):
            # bpftrace prints a map whole: this is an entry that lost its @name[ (or key)
            bad_line("a map entry without its name (a number or a key's end alone on a line "
                     "among map entries)", line=number, text=line, tool=NAME,
                     strict=reader.strict, action="line skipped")
            reader.last_entry = number
            continue
        reader.open_print = None
        if _JSON_START.match(stripped):  # ``bpftrace -f json`` after a text run: joined
            bad_line("a line of bpftrace's JSON output in its text output (two outputs "
                     "joined)", line=number, text=line, tool=NAME, strict=reader.strict,
                     action="line skipped")
            continue
        probes = _PROBES.match(stripped)
        if probes:
            if "probes" in reader.attrs:  # ``bpftrace ... >> file`` run twice
                warn("a second 'Attaching' line: another bpftrace run starts here (two "
                     "outputs joined); its maps are read as later prints of the first run's",
                     line=number, text=line, tool=NAME)
            reader.attrs["probes"] = int(probes[1])
            reader.runs.append(number)
        elif (_DAMAGED_PROBES.search(stripped) and "probes" not in reader.attrs
              and not reader.lines):
            bad_line("a damaged 'Attaching N probes...' line", line=number, text=line,
                     tool=NAME, strict=reader.strict, action="line skipped")
        elif _LOST.match(stripped):
            reader.lost(int(_LOST.match(stripped)[1]), number)
        elif stripped == "^C":
            reader.attrs["interrupted"] = True
        elif _CLOCK_LINE.match(stripped):
            reader.time(stripped)
            reader.last_clock = number
            reader.clocks.append(number)
        elif _CLOCK_TWICE.match(stripped):
            warn(f"a time() line with its clock printed twice: read as "
                 f"{_CLOCK_TWICE.match(stripped)[1]}", line=number, text=line, tool=NAME)
            reader.time(_CLOCK_TWICE.match(stripped)[1])
            reader.last_clock = number
            reader.clocks.append(number)
        elif stripped.startswith(("WARNING:", "ERROR:")):
            reader.attrs.setdefault("warnings", []).append(stripped)
        else:
            reader.lines.append((number, line))


def _map_line(lines: list[str], index: int, line: str, number: int,
              reader: _Reader) -> tuple[str, str, str, int] | None:
    """A map line (``@name[key]: value``, or a key spread over lines, as stacks are):
    ``(name, key, value, index of the next line)``, or ``None`` when it is not one. A key
    spread over lines of frames that never closes (its last line lost its ``]:``: another
    entry or the end comes first) gives ``("", "", "", index of the line after it)``."""
    match = _MAP.match(line)
    if match and (match[2] is not None or "[" not in line.split(":", 1)[0]):
        return match[1], match[2] or "", match[3].strip(), index
    opened = _MAP_OPEN.match(line)
    if not opened:
        return None
    start = index
    while index < len(lines) and not (
            lines[index][:1] in ",]" and _KEY_CLOSE.match(lines[index])):
        if lines[index][:1] not in ("", " ", "\t", ","):
            break  # neither a frame nor between two stacks
        index += 1
    if index >= len(lines) or lines[index][:1] not in ",]":
        if any(text[:1] in " \t" and text.strip() for text in lines[start:index]):
            return "", "", "", index  # frames, and no end to the key
        return None  # not a map after all: printf output that starts with "@"
    close = _KEY_CLOSE.match(lines[index])
    middle = "\n".join(lines[start:index])
    key = opened[2] + "\n" + middle + ("\n" if middle else "") + close[1]
    return opened[1], key, close[2].strip(), index + 1


def _prints_without_time(reader: _Reader) -> None:
    """Report a map printed without a ``time()`` line before it, after a blank line, in an
    output that prints ``time()`` lines, or the two blank lines before its exit dump, after
    it: the time line was there and its field lost (the maps read are kept, with no
    time). The exit dump's maps, after the last two blank lines of their run, have no time
    line."""
    marks = sorted(reader.clocks + (reader.gaps if reader.has_times else []))
    runs = [*sorted(reader.runs), len(reader.text_lines) + 1]
    for printed in reader.prints:
        before = printed.line - 1
        if printed.time is not None or before < 1 or _text_line(reader, before).strip():
            continue
        run_end = runs[bisect.bisect_right(runs, printed.line)]
        after = bisect.bisect_right(marks, printed.line)
        if after < len(marks) and marks[after] < run_end:
            warn(f"{printed.name} printed without the time() line before it that the "
                 f"output prints before its maps (lost on this line?); its time is left "
                 f"empty", line=before, text=_text_line(reader, before), tool=NAME)


def _odd_key_widths(reader: _Reader) -> None:
    """Report and leave out the entries of a map whose key has more or fewer parts than
    the map's other entries: a bpftrace map's key has one type, so a key part lost or
    printed twice (``@persec[7, dd]`` among ``@persec[7, 0, dd]``), and not the map, makes
    the odd one. When no number of parts is the most common, every entry is left out."""
    widths: dict[str, Counter[int]] = {}
    for printed in reader.prints:
        counts = widths.setdefault(printed.name, Counter())
        counts.update(len(keys) for keys, _ in printed.rows)
    usual: dict[str, int | None] = {}
    for name, counts in widths.items():
        ranked = counts.most_common(2)
        tie = len(ranked) > 1 and ranked[0][1] == ranked[1][1]
        usual[name] = None if tie else ranked[0][0]
    commas: dict[str, dict[str, set[int]]] = {}  # of the usual entries' lines, by role
    for printed in reader.prints:
        for position, (keys, _) in enumerate(printed.rows):
            if printed.numbers and len(keys) == usual[printed.name]:
                for _, role, count in _key_lines(reader, printed.numbers[position]):
                    commas.setdefault(printed.name, {}).setdefault(role, set()).add(count)
    for printed in reader.prints:
        if len(widths[printed.name]) < 2:
            continue
        kept, numbers = [], []
        for position, (keys, payload) in enumerate(printed.rows):
            number = printed.numbers[position] if printed.numbers else printed.line
            if len(keys) == usual[printed.name]:
                kept.append((keys, payload))
                numbers.append(number)
                continue
            number = _odd_line(reader, number, commas.get(printed.name, {}))
            why = (f"an entry of {printed.name} whose key has {len(keys)} parts where its "
                   f"others have {usual[printed.name]} (a key part lost or printed twice)"
                   if usual[printed.name] is not None else
                   f"an entry of {printed.name} whose key has {len(keys)} parts, as many "
                   f"of its entries as have another number of parts")
            bad_line(why, line=number, text=_text_line(reader, number), tool=NAME,
                     strict=reader.strict, action="map entry skipped")
        printed.rows = kept
        printed.numbers = numbers if printed.numbers else []


def _key_lines(reader: _Reader, number: int) -> list[tuple[int, str, int]]:
    """``(line number, role, commas)`` of each line of the text entry starting on line
    ``number`` that is not a stack frame: its first line (``open``), the lines between two
    stacks (``between``) and its last (``close``), with the number of commas each holds."""
    end = reader.entry_ends.get(number, number)
    found = []
    for line in range(number, end + 1):
        text = _text_line(reader, line)
        if line not in (number, end) and text[:1] != ",":
            continue  # a frame
        role = "open" if line == number else "close" if line == end else "between"
        found.append((line, role, text.count(",")))
    return found


def _odd_line(reader: _Reader, number: int, usual: dict[str, set[int]]) -> int:
    """The line of the text entry starting on line ``number`` whose commas differ from
    those of the same line of the map's usual entries, when exactly one does (a key part
    lost or printed twice on it); else ``number``."""
    odd = [line for line, role, count in _key_lines(reader, number)
           if count not in usual.get(role, set())]
    return odd[0] if len(odd) == 1 and number in reader.entry_ends else number


def _text_line(reader: _Reader, number: int) -> str:
    """The input's line ``number`` (1-based), as printed."""
    return reader.text_lines[number - 1] if 0 < number <= len(reader.text_lines) else ""


def _flatten_hists(reader: _Reader) -> None:
    """Text histograms were read as one row per key holding a list of buckets."""
    for printed in reader.prints:
        if printed.kind == "hist":
            printed.rows = [(keys, bucket) for keys, buckets in printed.rows
                            for bucket in buckets]


def _json_buckets(buckets: list[dict[str, int]]) -> list[tuple[float, float, int]]:
    out = []
    for bucket in buckets:
        low = float(bucket["min"]) if "min" in bucket else -math.inf
        high = float(bucket["max"]) + 1 if "max" in bucket else math.inf
        out.append((low, high, int(bucket["count"])))
    return out


def _is_stats(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"count", "average", "total"}


def _json_print(kind: str, name: str, content: Any, number: int, line: str,
                reader: _Reader) -> MapPrint:
    """One JSON map record as a print; an entry whose stack key is damaged (see
    :func:`~perfkit.parsers.bpftrace_maps.damaged_frame`) is reported and left out."""
    keyed = isinstance(content, dict) and not _is_stats(content)
    items = content.items() if keyed else [(None, content)]
    rows: list[tuple[list[str], Any]] = []
    kinds = set()
    for key, value in items:
        frame = damaged_frame(key) if key is not None and "\n" in key else None
        if frame is not None:
            bad_line(f"{frame[1]} in the key of {name}", line=number, text=line, tool=NAME,
                     strict=reader.strict, action="map entry skipped")
            continue
        keys = split_key(key, ",") if key is not None else []
        if kind == "hist":
            rows.extend((keys, bucket) for bucket in _json_buckets(value))
            kinds.add("hist")
        elif _is_stats(value):
            rows.append((keys, (int(value["count"]), int(value["average"]),
                                int(value["total"]))))
            kinds.add("stats")
        else:
            rows.append((keys, value))
            kinds.add("value")
    return MapPrint(name, kinds.pop() if len(kinds) == 1 else "value", number, rows)


def _read_json(text: str, reader: _Reader) -> None:
    pending = ""
    pending_line = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            kind, data = record["type"], record["data"]
        except (ValueError, KeyError, TypeError):
            reader.unknown(number, line, "not a bpftrace JSON record")
            continue
        if kind in ("printf", "syscall", "join"):
            pending += str(data) + ("\n" if kind == "join" else "")
            pending_line = pending_line or number
            while "\n" in pending:
                head, pending = pending.split("\n", 1)
                reader.lines.append((pending_line, head))
            pending_line = number if pending else 0
        elif kind == "attached_probes":
            if "probes" in reader.attrs:  # ``bpftrace -f json ... >> file`` run twice
                warn("a second 'attached_probes' record: another bpftrace run starts here "
                     "(two outputs joined); its maps are read as later prints of the first "
                     "run's", line=number, text=line, tool=NAME)
            reader.attrs["probes"] = int(data["probes"])
        elif kind == "time":
            reader.time(str(data).strip())
        elif kind == "lost_events":
            reader.lost(int(data["events"]), number)
        elif kind in ("map", "hist", "stats"):
            for name, content in data.items():
                reader.add_print(_json_print(kind, name, content, number, line, reader))
        elif kind == "helper_error":
            reader.attrs.setdefault("warnings", []).append(json.dumps(data))
        else:
            reader.unknown(number, line, f"a bpftrace JSON record of unknown type {kind!r}")
    if pending:
        reader.lines.append((pending_line, pending))


def _printf_table(reader: _Reader) -> pd.DataFrame | None:
    lines = [(n, t) for n, t in reader.lines if t.strip()]
    if not lines:
        return None
    for position, (_, text) in enumerate(lines):
        if is_header(text) and position + 1 < len(lines):
            header = text
            rest = lines[position + 1:]
            continuation = None
            if rest and rest[0][1][:1] == " " and is_header(rest[0][1]):
                continuation = rest[0][1]
                rest = rest[1:]
            rows = [(n, t) for n, t in rest if t.strip() != header.strip()]
            reader.attrs["messages"] = [t for _, t in lines[:position]]
            return event_table(header, rows, tool=NAME, continuation=continuation,
                               strict=reader.strict, date=reader.date,
                               aligned=True)
    return pd.DataFrame({"line": pd.Series([t for _, t in lines], dtype=object)})


def parse(text: str, *, strict: bool = False, dayfirst: bool | None = None,
          date: object = None) -> Tables:
    """Parse bpftrace's text or JSON output (see the module docstring); ``dayfirst`` is
    accepted for the common signature and unused. bpftrace's ``time()`` lines and printf'd
    clocks carry no date: ``time`` is then ``timedelta64`` (a time of day) and
    ``attrs["date"]`` None, unless ``date=`` (``"2026-11-25"``) gives the day."""
    text = unglue_interrupts(clean_text(text, tool=NAME))  # "...^C@[x]" -> its own line
    reader = _Reader(strict=strict, date=given_date(date), text_lines=text.split("\n"))
    first = next((line for line in text.split("\n") if line.strip()), "")
    try:
        if first.lstrip().startswith("{"):
            reader.attrs["format"] = "json"
            _read_json(text, reader)
            _odd_key_widths(reader)
        else:
            reader.attrs["format"] = "text"
            _read_text(text, reader)
            _prints_without_time(reader)
            _odd_key_widths(reader)
            _flatten_hists(reader)
        tables = map_tables(reader.prints, has_times=reader.has_times, date=reader.date)
        printf = _printf_table(reader)
    except ParseError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise ParseError(f"cannot read this as bpftrace output ({exc})", tool=NAME,
                         line=1, text=first) from exc
    markers = tables or reader.has_times or {"probes", "lost_events"} & set(reader.attrs)
    if not markers and (printf is None or "line" in printf):
        raise ParseError("no bpftrace map, probe count, time() line or printf table found",
                         line=1, text=first, tool=NAME)
    if printf is not None:
        tables["printf"] = printf
    if reader.has_times or any("time" in frame for frame in tables.values()):
        reader.attrs["date"] = reader.date
    result = Tables(tables, attrs=reader.attrs)
    for frame in result.values():
        frame.attrs.update({k: v for k, v in reader.attrs.items() if k not in frame.attrs})
    return result
