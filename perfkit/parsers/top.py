"""``top`` in batch mode (``top -b -n N -d 1``) as a summary table and a process table.

A real sample (procps-ng 4.0.2, ``top -b -n 1`` in a PID namespace running a stress-ng
CPU hog; the process list is shortened here):

>>> text = '''top - 00:27:16 up 14 min,  0 user,  load average: 2.35, 1.24, 0.52
... Tasks:   4 total,   2 running,   2 sleeping,   0 stopped,   0 zombie
... %Cpu(s):100.0 us,  0.0 sy,  0.0 ni,  0.0 id,  0.0 wa,  0.0 hi,  0.0 si,  0.0 st
... MiB Mem :  24105.6 total,  23165.4 free,    735.4 used,    469.8 buff/cache
... MiB Swap:      0.0 total,      0.0 free,      0.0 used.  23370.2 avail Mem
...
...     PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND
...       4 root      20   0   77308   6548   3648 R  53.3   0.0   0:00.52 stress-+
...       1 root      20   0    2592   1636   1528 S   0.0   0.0   0:00.00 sh
... '''
>>> tables = parse(text)
>>> tables
Tables({'summary': 1x28, 'processes': 2x14})
>>> row = tables["summary"].iloc[0]
>>> row["time"], row["up"], row["ldavg-1"]
(Timedelta('0 days 00:27:16'), Timedelta('0 days 00:14:00'), np.float64(2.35))
>>> row["%Cpu us"], row["Mem total"], row["Mem total"] == 24105.6 * 1024
(np.float64(100.0), np.float64(24684134.4), np.True_)
>>> tables["processes"][["PID", "VIRT", "%CPU", "TIME+", "COMMAND"]]
   PID     VIRT  %CPU                  TIME+   COMMAND
0    4  77308.0  53.3 0 days 00:00:00.520000  stress-+
1    1   2592.0   0.0 0 days 00:00:00.000000        sh

Tables and columns:

* ``summary``: one row per iteration: ``time``, ``iteration`` (1, 2, ... as ``-n``
  counts), ``up`` (a ``Timedelta``), ``users``, ``ldavg-1``, ``ldavg-5``, ``ldavg-15``,
  ``Tasks total``, ``Tasks running``, ``Tasks sleeping``, ``Tasks stopped``,
  ``Tasks zombie`` (with ``-H`` top prints ``Threads:`` and the columns keep that word:
  ``Threads total``... and ``attrs["threads"]`` is True), ``%Cpu us``, ``%Cpu sy``,
  ``%Cpu ni``, ``%Cpu id``, ``%Cpu wa``, ``%Cpu hi``, ``%Cpu si``, ``%Cpu st``,
  ``Mem total``, ``Mem free``, ``Mem used``, ``Mem buff/cache``, ``Swap total``,
  ``Swap free``, ``Swap used``, ``avail Mem``. Memory is in **KiB** whatever ``-E``
  chose (``KiB Mem``, ``MiB Mem``, ``GiB Mem``...); the printed unit is
  ``attrs["printed_unit"]``. A value top did not print (the Swap half of the memory line
  that ``top -1`` cuts off at 80 columns) is NaN, and so is one top cut to fit its column
  (``KiB Mem : 25190241+total``: the ``+`` stands for digits left out), with a warning.
  In graph mode (top's ``t`` and ``m`` toggles: ``%Cpu(s):  12.5/3.1  16[||||  ]``,
  ``MiB Mem : 45.3/7829.5 [|||  ]``) the CPU line gives ``%Cpu user``, ``%Cpu system``
  and ``%Cpu total`` (top's abbreviated user and system percentages and their rounded
  sum), a memory line ``Mem %used`` (``Swap %used``) and ``Mem total`` (``Swap total``);
  ``attrs["graph_mode"]`` is then True. A ``^C`` echoed at the end of pasted output is
  skipped with a warning (``attrs["interrupted"]``).
* ``processes``: ``time``, ``iteration``, then the columns as printed (``PID USER PR NI
  VIRT RES SHR S %CPU %MEM TIME+ COMMAND`` by default, any field chosen in top's field
  manager otherwise). Memory fields (``VIRT``, ``RES``, ``SHR``, ``SWAP``, ``CODE``,
  ``DATA``, ``USED``, ``RSan``, ``RSfd``, ``RSlk``, ``RSsh``) are in KiB whatever ``-e``
  chose (``1.2g`` and ``10.3m`` converted); ``TIME+`` and ``TIME`` are ``Timedelta``
  (``0:00.52`` is 0.52 s; top's longer forms ``12,05`` hours,minutes, ``3h``, ``2d``,
  ``1w`` are read too); ``PR`` stays text because real-time tasks print ``rt``; other
  counts printed with a ``k``/``m`` suffix are scaled by 1024 as top scaled them; ``-``
  is NaN. ``COMMAND`` keeps its spaces (``-c``). With ``-H`` the ``PID`` column holds
  thread ids.
* ``cpus`` (only with ``-1`` or the ``1`` toggle): ``time``, ``iteration``, ``CPU``, then
  the ``%Cpu ...`` columns, one row per CPU line (``%Cpu0``, ``%Cpu1``; top places two per
  line when the screen is wide enough). The summary's ``%Cpu`` columns are then NaN.

top prints only a time of day: ``time`` is then a ``timedelta64`` since the midnight the
output starts after and ``attrs["date"]`` is None; given the date (``perfkit.parse(text,
date="2026-11-25")``), ``time`` is ``datetime64`` on it. A day more counts each time the
uptime of the ``top -`` line says one passed (a long run over midnight: ``23:59:59 up
2:14`` then ``00:00:01 up 2:14``). A time of day that goes back while the uptime does not
grow by a day (two outputs joined out of order, another boot's or host's output appended,
a clock change) warns naming that ``top -`` line: its day is then a guess (the next day
after a step back of more than twelve hours, the same day otherwise; see
:mod:`perfkit.parsers._read.clock_days`).
German and French output are read too (``%CPU(s)``, ``MiB Spch``, ``Tâches``, ``en cours``,
``ZEIT+``, ``BEFEHL``, ``UTIL.``, ``COM.``...; see :data:`SUMMARY_WORDS` and
:data:`HEADER_WORDS`), with decimal commas. Old procps (3.2) summary lines such as
``Cpu(s):  5.9%us`` and ``Mem:  3861332k total`` are read by the same
rules.
"""

from __future__ import annotations

import collections
import itertools
import re
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParseError, bad_line, warn
from ..result import Tables
from ..units import TO_KIB
from ._read.clock_days import days_passed
from ._read.numeric import detect_decimal
from ._read.tabular import frame_from_lines
from ._read.text import MARK_MEANING, clean_text, mark_of
from ._read.times import combine, given_date, of_day, times_of_day

NAME = "top"

#: The tables and columns parse may give (see :mod:`perfkit.parsers.columns`): sizes in
#: KiB; process fields perfkit does not know are kept as printed.
COLUMNS: dict[str, dict[str, str]] = {
    "summary": {
        "time": "datetime|timedelta", "iteration": "int", "up": "timedelta", "users": "int",
        "ldavg-1": "float", "ldavg-5": "float", "ldavg-15": "float",
        "Tasks *": "int", "Threads *": "int", "%Cpu *": "float",
        "Mem %used": "float", "Swap %used": "float", "Mem total": "float",
        "Mem free": "float", "Mem used": "float",
        "Mem buff/cache": "float", "Swap total": "float", "Swap free": "float",
        "Swap used": "float", "avail Mem": "float"},
    "cpus": {"time": "datetime|timedelta", "iteration": "int", "CPU": "int", "%Cpu *": "float"},
    "processes": {
        "time": "datetime|timedelta", "iteration": "int", "PID": "int", "USER": "str", "PR": "str",
        "NI": "int", "VIRT": "float", "RES": "float", "SHR": "float", "S": "str",
        "%CPU": "float", "%MEM": "float", "TIME+": "timedelta", "TIME": "timedelta",
        "COMMAND": "str", "PPID": "int", "UID": "int", "RUID": "int", "RUSER": "str",
        "SUID": "int", "SUSER": "str", "GID": "int", "GROUP": "str", "PGRP": "int",
        "TTY": "str", "TPGID": "int", "SID": "int", "nTH": "int", "P": "int", "TGID": "int",
        "NU": "int", "OOMa": "int", "OOMs": "int", "SWAP": "float", "CODE": "float",
        "DATA": "float", "USED": "float", "RSan": "float", "RSfd": "float", "RSlk": "float",
        "RSsh": "float", "nMaj": "float", "nMin": "float", "nDRT": "float", "vMj": "float",
        "vMn": "float", "ns*": "float", "WCHAN": "str", "Flags": "str", "CGROUPS": "str",
        "CGNAME": "str", "SUPGIDS": "str", "SUPGRPS": "str", "ENVIRON": "str", "LXC": "str",
        "*": "number|str"},
}

_TOP_LINE = re.compile(
    r"^top - (?P<time>\d{1,2}:\d{2}:\d{2})\s+up\s+(?P<up>.*?),\s+"
    r"(?:(?P<users>\d+)\s+users?,\s+)?load average:\s*(?P<load>.*?)\s*$")
# a prefix starts a word (after a space, a colon or the line's start): tried inside a long word,
# it would scan to the word's end from every character (quadratic on a line without a colon)
_SEGMENT = re.compile(r"(?P<prefix>(?<![^\s:])(?:[KMGTPE]iB\s+)?[^\s:]+?)\s*:(?=\s|\d|$)")
_ITEM = re.compile(r"(?P<num>-?\d+(?:[.,]\d+)?)(?P<sfx>[kmgtpe]?)(?P<cut>\+?)\s*%?\s*"
                   r"(?P<label>[^\d\s,.%][^,]*?)\s*(?:[,.](?=\s|\d|$)|$)")
# the bar and block graphs that top's 't' and 'm' toggles draw instead of the detailed lines:
# "%Cpu0  :   3.5/2.8     6[|||   ]" (user/system %, their total rounded, a bar) and
# "GiB Mem : 28.2/7.8      [||   ]" (% used / total); the bar may be cut at the screen's edge
_GRAPH = re.compile(r"(?P<prefix>(?<![^\s])(?:[KMGTPE]iB\s+)?[^\s:]+?)\s*:\s*"
                    r"(?P<first>\d+(?:[.,]\d+)?)/(?P<second>\d+(?:[.,]\d+)?)\s+"
                    r"(?P<total>\d+)?\[[^\]]*(?:\]|$)\s*")
_CPU_ALL = re.compile(r"^%?cpu\(s\)$", re.IGNORECASE)
_CPU_ONE = re.compile(r"^%?cpu(\d+)$", re.IGNORECASE)
_MEMORY = re.compile(r"^(?:(?P<unit>[KMGTPE]iB)\s+)?(?P<kind>\S+)$")

#: Translated words of the summary lines (procps-ng's de and fr catalogs) -> C words.
SUMMARY_WORDS: dict[str, str] = {
    # the Tasks/Threads line
    "Tâches": "Tasks", "en cours": "running", "en veille": "sleeping", "arrêté": "stopped",
    # the CPU line
    "ut": "us",
    # the memory lines
    "Spch": "Mem", "Éch": "Swap", "libr": "free", "util": "used",
    "tamp/cache": "buff/cache", "avail Spch": "avail Mem", "dispo Mem": "avail Mem",
}
#: Translated process-table headers -> the C locale's names.
HEADER_WORDS: dict[str, str] = {
    "ZEIT+": "TIME+", "ZEIT": "TIME", "BEFEHL": "COMMAND",
    "UTIL.": "USER", "TEMPS+": "TIME+", "TEMPS": "TIME", "COM.": "COMMAND",
    "nsTEMPS": "nsTIME",
}
_TASK_WORDS = {"Tasks", "Threads"}
_MEM_WORDS = {"Mem", "Swap"}

#: Process fields kept as text; memory fields in KiB; CPU-time fields as Timedelta.
TEXT_FIELDS = frozenset({"USER", "RUSER", "SUSER", "GROUP", "TTY", "WCHAN", "Flags",
                         "CGROUPS", "SUPGIDS", "SUPGRPS", "ENVIRON", "LXC", "CGNAME",
                         "COMMAND", "S", "PR"})
MEMORY_FIELDS = frozenset({"VIRT", "RES", "SHR", "SWAP", "CODE", "DATA", "USED", "RSan",
                           "RSfd", "RSlk", "RSsh"})
TIME_FIELDS = frozenset({"TIME", "TIME+"})
#: Whole-number fields, int64 when no value is missing.
INT_FIELDS = frozenset({"PID", "NI", "PPID", "UID", "RUID", "SUID", "GID", "PGRP", "TPGID",
                        "SID", "nTH", "P", "TGID", "OOMa", "OOMs", "AGID", "AGNI", "NU"})
# fields whose values top prints from the left edge of their column
_LEFT_ALIGNED = TEXT_FIELDS - {"S", "PR"}

_SCALED = re.compile(r"^(-?\d+(?:[.,]\d+)?)([kmgtpe]?)$")
_KIB = {suffix: TO_KIB[suffix] for suffix in ("", "k", "m", "g", "t", "p", "e")}
_SCALE = {"": 1.0, "k": 1024.0, "m": 1024.0**2, "g": 1024.0**3, "t": 1024.0**4,
          "p": 1024.0**5, "e": 1024.0**6}
_CPU_TIME = re.compile(r"^(?:(?P<m>\d+):(?P<s>\d{2})(?:\.(?P<cs>\d{2}))?"
                       r"|(?P<h>\d+),(?P<hm>\d{2})|(?P<n>\d+)(?P<u>[hdw]))$")
_UNIT_SECONDS = {"h": 3600, "d": 86400, "w": 604800}


def detect(lines: list[str]) -> bool:
    """True when the first line is top's ``top - HH:MM:SS up ...`` line."""
    return bool(lines) and bool(_TOP_LINE.match(lines[0].strip()))


def parse(text: str, *, strict: bool = False, dayfirst: bool | None = None,
          date: object = None) -> Tables:
    """Parse ``top -b`` output into a :class:`~perfkit.result.Tables` (see the module doc).

    ``dayfirst`` is accepted for the common signature; top prints no dates, so ``date=``
    (``"2026-11-25"``) may give the day its times of day belong to.
    """
    text = clean_text(text, tool=NAME)
    lines = text.split("\n")
    decimal = detect_decimal(line for line in lines[:40] if not line.startswith("top -"))
    reader = _Reader(lines, strict=strict, decimal=decimal)
    reader.read()
    return reader.tables(given_date(date))


class _Reader:
    """Walks the lines once: iteration blocks of summary lines, a header, process rows."""

    def __init__(self, lines: list[str], *, strict: bool, decimal: str) -> None:
        self.lines = lines
        self.strict = strict
        self.decimal = decimal
        self.summary: list[dict[str, Any]] = []
        self.cpus: list[dict[str, Any]] = []
        self.units: list[str] = []
        self.threads = False
        self.graphs = False
        self.interrupted = False
        # process rows grouped by header (the header can differ between iterations only
        # in theory; rows are kept with the header that preceded them)
        self.process_groups: list[tuple[list[str], list[str], list[int], list[int]]] = []
        self._headers: dict[tuple[str, ...], str] = {}
        #: each summary line kind's labels as each line printed them (line number, labels)
        self.labels: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        self.last_line = max((i + 1 for i, line in enumerate(lines) if line.strip()),
                             default=0)

    # -- reporting -------------------------------------------------------------------
    def unknown(self, number: int, message: str) -> None:
        line = self.lines[number - 1]
        bad_line(message, line=number, text=line, tool=NAME, strict=self.strict,
                 action="line skipped")

    def odd_labels(self, number: int, message: str) -> None:
        """Report a summary line whose labels are not those top prints: its values stay in
        the tables under the labels as printed (raise with ``strict``)."""
        bad_line(message, line=number, text=self.lines[number - 1], tool=NAME,
                 strict=self.strict, action="its values are kept under the labels printed")

    def mark(self, number: int, line: str) -> bool:
        """A ``^C`` echoed when top was stopped, or a person's ``[...]``: said, and skipped
        (the rows around it are kept)."""
        found = mark_of(line.strip())
        if found is None:
            return False
        self.interrupted |= found == "interrupt"
        warn(MARK_MEANING[found], line=number, text=line, tool=NAME)
        return True

    # -- the walk --------------------------------------------------------------------
    def read(self) -> None:
        starts = [i for i, line in enumerate(self.lines) if line.startswith("top - ")]
        if not starts:
            first = next((i for i, line in enumerate(self.lines) if line.strip()), 0)
            raise ParseError("no 'top - HH:MM:SS up ...' line: not top's batch output",
                             line=first + 1, text=self.lines[first], tool=NAME)
        before = [i for i in range(starts[0]) if self.lines[i].strip()]
        if before:
            count = f" ({len(before)} lines)" if len(before) > 1 else ""
            self.unknown(before[0] + 1, f"text before top's first 'top -' line{count}")
        bounds = [*starts, len(self.lines)]
        for iteration, (begin, end) in enumerate(itertools.pairwise(bounds), start=1):
            self.block(iteration, begin, end, last=end == len(self.lines))
        self.check_labels()
        if not self.summary:
            raise ParseError("no complete iteration of top's output", line=starts[0] + 1,
                             text=self.lines[starts[0]], tool=NAME)

    def block(self, iteration: int, begin: int, end: int, *, last: bool) -> None:
        head = _TOP_LINE.match(self.lines[begin].rstrip())
        if not head:
            self.unknown(begin + 1, "not a 'top - HH:MM:SS up ... load average' line")
            return
        row: dict[str, Any] = {"iteration": iteration, "_clock": head.group("time"),
                               "_line": begin + 1}
        self.read_top_line(row, head, begin + 1)
        header_at = None
        cpu_rows: list[dict[str, Any]] = []
        memory_seen = 0
        for i in range(begin + 1, end):
            line = self.lines[i]
            if not line.strip():
                continue
            if self.mark(i + 1, line):
                continue
            tokens = line.split()
            if "PID" in tokens[:3]:
                if len({HEADER_WORDS.get(tok, tok) for tok in tokens}) == len(tokens):
                    header_at = i
                    break
                self.unknown(i + 1, "a process table header naming a column twice")
                continue
            memory_seen = self.summary_line(row, cpu_rows, line, i + 1, memory_seen)
        names: list[str] = []
        if header_at is None and last and iteration == 1:
            # the summary alone (pasted without the process list): read, and said
            warn("no process table after the summary: only the summary is read",
                 line=begin + 1, tool=NAME)
        elif header_at is None:
            if last:
                warn("the last iteration is truncated (no process table) and was dropped",
                     line=begin + 1, tool=NAME)
                return
            self.unknown(begin + 1, "an iteration without a process table header")
        else:
            names = [HEADER_WORDS.get(tok, tok) for tok in self.lines[header_at].split()]
        self.summary.append(row)
        for cpu in cpu_rows:
            cpu["iteration"] = iteration
            cpu["_clock"] = row["_clock"]
            self.cpus.append(cpu)
        if not names:
            return
        rows, numbers = [], []
        for i in range(header_at + 1, end):
            if self.lines[i].strip() and not self.mark(i + 1, self.lines[i]):
                rows.append(self.lines[i])
                numbers.append(i + 1)
        group = next((g for g in self.process_groups if g[0] == names), None)
        if group is None:
            group = (names, [], [], [])
            self.process_groups.append(group)
        group[1].extend(rows)
        group[2].extend(numbers)
        group[3].extend([iteration] * len(rows))
        self._headers.setdefault(tuple(names), self.lines[header_at])

    def read_top_line(self, row: dict[str, Any], head: re.Match, number: int) -> None:
        up = _uptime(head.group("up"))
        if up is None:
            self.unknown(number, "an uptime top does not print")
        row["up"] = up if up is not None else pd.NaT
        row["users"] = float(head.group("users")) if head.group("users") else np.nan
        loads = re.split(r",\s+", head.group("load"))
        try:
            values = [float(v.replace(",", ".")) for v in loads]
            if len(values) != 3:
                raise ValueError
        except ValueError:
            self.unknown(number, "not three load averages")
            values = [np.nan] * 3
        row["ldavg-1"], row["ldavg-5"], row["ldavg-15"] = values

    def summary_line(self, row: dict[str, Any], cpu_rows: list[dict[str, Any]], line: str,
                     number: int, memory_seen: int) -> int:
        graphs = list(_GRAPH.finditer(line.rstrip()))
        if graphs and "".join(g.group(0) for g in graphs).strip() == line.strip():
            return self.graph_line(row, cpu_rows, graphs, number, memory_seen)
        segments = list(_SEGMENT.finditer(line))
        if not segments or line[:segments[0].start()].strip():
            self.unknown(number, "not a line of top's summary")
            return memory_seen
        for k, seg in enumerate(segments):
            stop = segments[k + 1].start() if k + 1 < len(segments) else len(line)
            body = line[seg.end():stop].strip()
            items = [(m.group("num") + m.group("cut"), m.group("sfx"), m.group("label").strip())
                     for m in _ITEM.finditer(body)]
            cut = [num for num, _sfx, _label in items if num.endswith("+")]
            if cut:
                warn(f"top cut {len(cut)} value(s) to fit its column ({cut[0]}...: the "
                     "'+' marks digits it left out): they are NaN", line=number,
                     text=line, tool=NAME)
            if not items or _ITEM.sub("", body).strip():
                self.unknown(number, f"unreadable values after {seg.group('prefix')!r}")
                continue
            prefix = SUMMARY_WORDS.get(seg.group("prefix"), seg.group("prefix"))
            labels = tuple(label for _num, _sfx, label in items)
            twice = next((label for label in labels if _said_twice(label)), None)
            if twice is not None:
                self.unknown(number, f"a label with a word printed twice ({twice!r})")
                continue
            odd = next((label for label in labels if _not_a_label(label)), None)
            if odd is not None:  # "st   %Cpu1   0": a lost colon joined two fields
                self.unknown(number, f"a label that holds another field ({odd!r})")
                continue
            repeated = next((label for index, label in enumerate(labels)
                             if label in labels[:index]), None)
            if repeated is not None:  # "0.0 ni,100.0 ni,100.0 id": a field printed twice
                self.unknown(number, f"a label printed twice on one line ({repeated!r})")
                continue
            kind = "%Cpu" if _CPU_ALL.match(prefix) or _CPU_ONE.match(prefix) else prefix
            self.labels.setdefault(kind, []).append((number, labels))
            memory = _MEMORY.match(prefix)
            if _CPU_ALL.match(prefix):
                row.update(_cpu_values(items))
            elif one := _CPU_ONE.match(prefix):
                cpu_rows.append({"CPU": int(one.group(1)), **_cpu_values(items)})
            elif prefix in _TASK_WORDS:
                self.threads |= prefix == "Threads"
                for num, _sfx, label in items:
                    row[f"{prefix} {SUMMARY_WORDS.get(label, label)}"] = _number(num)
            elif memory and (memory.group("unit") or memory.group("kind") in _MEM_WORDS):
                kind, unit = self.memory_kind(memory, memory_seen)
                memory_seen += 1
                if not memory.group("unit") and not any(sfx for _num, sfx, _label in items):
                    # top names the unit before the line (KiB Mem) or after each number
                    # (procps 3.2's 2074520k): without either, a size would be a guess
                    self.unknown(number, "memory sizes without their unit")
                    continue
                for num, sfx, label in items:
                    label = SUMMARY_WORDS.get(label, label)
                    name = label if " " in label else f"{kind} {label}"
                    scale = TO_KIB[sfx] if sfx else TO_KIB[unit]
                    row[name] = _number(num) * scale
            else:
                self.unknown(number, f"a summary line top does not print: "
                                     f"{seg.group('prefix')!r}")
        return memory_seen

    def check_labels(self) -> None:
        """Report each summary line whose labels differ from those the other lines of its
        kind print (a field lost or printed twice): top prints the same labels on every
        ``%Cpu`` line, every ``Tasks:`` line, every memory line of one output. A ``%Cpu``
        line alone is checked against the labels top prints in order
        (:data:`_CPU_LABELS`): one of them missing in the middle is a field lost."""
        for kind, seen in self.labels.items():
            counts = collections.Counter(labels for _number, labels in seen)
            common, times = counts.most_common(1)[0]
            if times * 2 <= len(seen) and len(counts) > 1:
                common = None  # no majority: the labels no other line prints are named
            for number, labels in seen:
                if labels == common or (common is None and counts[labels] > 1):
                    continue
                self.odd_labels(number, f"labels {', '.join(labels)} where the other {kind} "
                                     f"lines print {', '.join(common)}" if common
                                else f"{kind} lines that print different labels")
            if kind == "%Cpu" and len(counts) == 1 and _lost_cpu_label(common):
                for number, _labels in seen:
                    self.odd_labels(number, "a %Cpu line with a field missing: "
                                         f"{', '.join(common)}")

    def memory_kind(self, memory: re.Match[str], memory_seen: int) -> tuple[str, str]:
        """The memory line's kind (``Mem``, ``Swap``: the first such line is memory, the next
        swap where top names them otherwise) and its printed unit (KiB unless named), which is
        kept for ``attrs["printed_unit"]``."""
        kind = SUMMARY_WORDS.get(memory.group("kind"), memory.group("kind"))
        if kind not in _MEM_WORDS:
            kind = "Mem" if memory_seen == 0 else "Swap"
        unit = memory.group("unit") or "KiB"
        self.units.append(unit)
        return kind, unit

    def graph_line(self, row: dict[str, Any], cpu_rows: list[dict[str, Any]],
                   graphs: list[re.Match[str]], number: int, memory_seen: int) -> int:
        """A summary line in top's graph mode (see ``_GRAPH``): CPU lines give ``%Cpu
        user``, ``%Cpu system`` and ``%Cpu total`` (the two added, as top rounds them),
        memory lines ``Mem %used`` (or ``Swap %used``) and ``Mem total`` in KiB."""
        for graph in graphs:
            self.graphs = True
            prefix = SUMMARY_WORDS.get(graph.group("prefix"), graph.group("prefix"))
            first, second = _number(graph.group("first")), _number(graph.group("second"))
            memory = _MEMORY.match(prefix)
            if _CPU_ALL.match(prefix) or _CPU_ONE.match(prefix):
                values = {"%Cpu user": first, "%Cpu system": second,
                          "%Cpu total": (float(graph.group("total")) if graph.group("total")
                                         else np.nan)}
                if one := _CPU_ONE.match(prefix):
                    cpu_rows.append({"CPU": int(one.group(1)), **values})
                else:
                    row.update(values)
            elif memory and (memory.group("unit") or memory.group("kind") in _MEM_WORDS):
                kind, unit = self.memory_kind(memory, memory_seen)
                memory_seen += 1
                row[f"{kind} %used"] = first
                row[f"{kind} total"] = second * TO_KIB[unit]
            else:
                self.unknown(number, f"a summary line top does not print: "
                                     f"{graph.group('prefix')!r}")
        return memory_seen

    # -- assembling ------------------------------------------------------------------
    def tables(self, date: pd.Timestamp | None = None) -> Tables:
        attrs: dict[str, Any] = {
            "date": date,
            "printed_unit": self.units[0] if self.units else None,
            "threads": self.threads,
            "graph_mode": self.graphs,
            "interrupted": self.interrupted,
            "decimal": self.decimal,
        }
        summary = pd.DataFrame(self.summary)
        clocks = summary.pop("_clock")
        numbers = summary.pop("_line").to_numpy()
        seconds = times_of_day(clocks)
        up = pd.to_timedelta(pd.Series(list(summary["up"]), dtype="timedelta64[ns]"))
        days, notes = days_passed(seconds, up.dt.total_seconds().to_numpy(dtype=float))
        for position, why in notes:
            number = int(numbers[position])
            warn(why, line=number, text=self.lines[number - 1], tool=NAME)
        seconds = seconds + days * 86400
        summary.insert(0, "time", of_day(seconds) if date is None else combine(date, seconds))
        summary["up"] = pd.Series(list(summary["up"]), index=summary.index,
                                  dtype="timedelta64[ns]")
        for name in summary.columns:
            if name == "users" or name.startswith(tuple(f"{w} " for w in _TASK_WORDS)):
                summary[name] = _as_int(summary[name])
        clock_of = dict(zip(summary["iteration"], summary["time"], strict=True))
        tables: dict[str, pd.DataFrame] = {
            "summary": summary, "processes": self.processes(clock_of, summary["time"].dtype)}
        if self.cpus:
            cpus = pd.DataFrame(self.cpus)
            cpus.pop("_clock")
            cpus.insert(0, "time", cpus["iteration"].map(clock_of).astype(summary["time"].dtype))
            order = ["time", "iteration", "CPU"]
            cpus = cpus[order + [c for c in cpus.columns if c not in order]]
            tables["cpus"] = cpus.reset_index(drop=True)
        for frame in tables.values():
            frame.attrs.update(attrs)
        return Tables(tables, attrs=attrs)

    def processes(self, clock_of: dict[int, Any], time_type: Any) -> pd.DataFrame:
        frames = []
        for names, rows, numbers, iterations in self.process_groups:
            frame = self.process_frame(names, rows, numbers)
            its = np.asarray(iterations)[frame.index.to_numpy()]
            frame.insert(0, "iteration", its)
            frame.insert(0, "time", pd.Series(its).map(clock_of).to_numpy())
            frames.append(frame)
        if not frames:
            return pd.DataFrame({"time": pd.Series(dtype=time_type),
                                 "iteration": pd.Series(dtype="int64")})
        out = pd.concat(frames, ignore_index=True)
        out["time"] = out["time"].astype(time_type)
        return out

    def process_frame(self, names: list[str], rows: list[str],
                      numbers: list[int]) -> pd.DataFrame:
        if "COMMAND" in names[:-1]:
            header = self._headers[tuple(names)]
            raw = _fixed_width(header, names, rows)
        else:
            rest = "COMMAND" if names[-1] == "COMMAND" else None
            raw = frame_from_lines(rows, numbers, names, text_columns=set(names),
                                   tool=NAME, strict=self.strict, last_line=self.last_line,
                                   rest_column=rest)
        bad = _value_in_command(raw, names)
        out = {}
        for name in names:
            column = raw[name].astype(object)
            if name in TEXT_FIELDS:
                out[name] = column.astype(str).where(column.notna(), None)
                continue
            if name in TIME_FIELDS:
                values = _cpu_times(column)
            elif name in MEMORY_FIELDS:
                values = _scaled(column, self.decimal, _KIB)
            else:
                values = _scaled(column, self.decimal, _SCALE)
                if name not in INT_FIELDS | {"%CPU", "%MEM"} and (
                        values.isna() & ~column.isin(["-"])).any():
                    out[name] = column  # a field perfkit does not know: kept as text
                    continue
            bad |= (values.isna() & ~column.isin(["-"])).to_numpy()
            out[name] = _as_int(values) if name in INT_FIELDS else values
        frame = pd.DataFrame(out, index=raw.index)
        positions = raw.index.to_numpy()
        bad_command = _value_in_command(raw, names)
        for pos in np.flatnonzero(bad):
            number = numbers[positions[pos]]
            if number == self.last_line and not bad_command[pos]:
                warn("the last sample is truncated and was dropped", line=number,
                     text=self.lines[number - 1], tool=NAME)
            else:
                self.unknown(number, "a process row that does not fit the header")
        return frame.loc[~bad]


_UPTIME = re.compile(r"^(?:(?P<days>\d+)\s+days?,\s+)?"
                     r"(?:(?P<hours>\d+):(?P<minutes>\d{2})|(?P<min>\d+)\s+min)$")


#: A word that is a value of top's time or number columns, not the start of a command
_VALUE_WORD = re.compile(r"^(?:\d+:\d{2}(?:[.,]\d{2})?|-?\d+(?:[.,]\d+)?[kmgtpe]?)$")


def _value_in_command(raw: pd.DataFrame, names: list[str]) -> np.ndarray:
    """Rows whose ``COMMAND`` (the last column, which takes the rest of the line) starts
    with a word that is a value of the column before it: a field printed twice moved every
    value one column on (``0:00.52 stress-ng``).

    >>> raw = pd.DataFrame({"TIME+": ["0:00.52", "0:01.00"],
    ...                     "COMMAND": ["0:00.52 stress-ng", "python3 -m http.server"]})
    >>> _value_in_command(raw, ["TIME+", "COMMAND"]).tolist()
    [True, False]
    """
    if len(names) < 2 or names[-1] != "COMMAND" or not len(raw):
        return np.zeros(len(raw), dtype=bool)
    first = raw["COMMAND"].astype(str).str.split(n=1).str[0].fillna("")
    return (first.str.match(_VALUE_WORD) & first.str.len().gt(0)).to_numpy(dtype=bool) \
        & raw["COMMAND"].astype(str).str.contains(" ").to_numpy(dtype=bool)


#: The labels of a ``%Cpu`` line, in the order top prints them (``ut`` in fr_FR).
_CPU_LABELS = ("us", "sy", "ni", "id", "wa", "hi", "si", "st")


def _lost_cpu_label(labels: tuple[str, ...] | None) -> bool:
    """Whether ``labels`` are :data:`_CPU_LABELS` with one lost before the last two (older
    tops print all but ``st``, some all but ``si`` and ``st``: not a lost field).

    >>> _lost_cpu_label(("us", "sy", "id", "wa", "hi", "si", "st"))
    True
    >>> _lost_cpu_label(("us", "sy", "ni", "id", "wa", "hi", "si"))
    False
    """
    if not labels:
        return False
    known = tuple("us" if label == "ut" else label for label in labels)
    return any(known == _CPU_LABELS[:at] + _CPU_LABELS[at + 1:] for at in range(6))


def _said_twice(label: str) -> bool:
    """Whether a label repeats a word (``zombie zombie``: a field printed twice).

    >>> _said_twice("st st"), _said_twice("avail Mem")
    (True, False)
    """
    words = label.split()
    return len(words) != len(set(words))


def _not_a_label(label: str) -> bool:
    """Whether a label holds what no label of top's does: a ``%`` or a number of its own
    (``st   %Cpu1   0``: a lost colon joined the next field to it).

    >>> _not_a_label("st   %Cpu1   0"), _not_a_label("buff/cache")
    (True, False)
    """
    return "%" in label or any(word.replace(".", "").replace(",", "").isdigit()
                               for word in label.split())


def _uptime(text: str) -> pd.Timedelta | None:
    """``14 min``, ``1:08``, ``2 days,  3:04``, ``1 day, 10 min`` -> Timedelta; None for
    anything else (top prints the days, then either ``H:MM`` or ``N min``, once each).

    >>> _uptime("2 days,  3:04"), _uptime("14 min")
    (Timedelta('2 days 03:04:00'), Timedelta('0 days 00:14:00'))
    >>> _uptime("14 min,  user") is None, _uptime("1 day, 1:47, 1:47") is None
    (True, True)
    """
    match = _UPTIME.match(text.strip())
    if not match:
        return None
    days, hours, minutes, only = (int(match.group(g) or 0)
                                  for g in ("days", "hours", "minutes", "min"))
    return pd.Timedelta(seconds=days * 86400 + hours * 3600 + (minutes or only) * 60)


def _number(text: str) -> float:
    """A summary value; NaN for one top cut to fit (``25190241+``: digits left out)."""
    if text.endswith("+"):
        return float("nan")
    return float(text.replace(",", "."))


def _cpu_values(items: list[tuple[str, str, str]]) -> dict[str, float]:
    return {f"%Cpu {SUMMARY_WORDS.get(label, label)}": _number(num)
            for num, _sfx, label in items}


def _scaled(column: pd.Series, decimal: str, scale: dict[str, float]) -> pd.Series:
    """Numbers with top's 1024-based suffixes (``1.2g``, ``13k``), times ``scale[suffix]``."""
    text = column.astype(str)
    if decimal != ".":
        text = text.str.replace(decimal, ".", regex=False)
    values = pd.to_numeric(text, errors="coerce").astype(float) * scale[""]
    rest = values.isna() & column.notna()
    if rest.any():  # suffixed numbers (and junk, which stays NaN)
        parts = text[rest].str.extract(_SCALED)
        values[rest] = pd.to_numeric(parts[0], errors="coerce") * parts[1].map(scale)
    return values.where(column.notna())


def _as_int(values: pd.Series) -> pd.Series:
    """Whole numbers without gaps as int64 (PID, NI, counts); anything else unchanged."""
    if len(values) and values.notna().all() and (values == values.round()).all():
        return values.astype("int64")
    return values


def _cpu_times(column: pd.Series) -> pd.Series:
    """TIME+ (``0:00.52``, ``12,05``, ``3h``) and TIME (``0:01``) as Timedelta."""
    text = column.astype(str)
    halves = text.str.split(":", n=1, expand=True)
    if halves.shape[1] == 2:  # minutes:seconds(.hundredths), the usual form
        seconds = (pd.to_numeric(halves[0], errors="coerce") * 60
                   + pd.to_numeric(halves[1], errors="coerce"))
        seconds = seconds.where(text.str.fullmatch(r"\d+:\d{2}(?:\.\d{2})?"))
    else:
        seconds = pd.Series(np.nan, index=column.index)
    rest = seconds.isna() & column.notna()
    if rest.any():
        parts = text[rest].str.extract(_CPU_TIME)
        longer = (parts["h"].astype(float) * 3600 + parts["hm"].astype(float) * 60).fillna(
            parts["n"].astype(float) * parts["u"].map(_UNIT_SECONDS))
        seconds[rest] = longer
    return pd.to_timedelta(seconds.astype(float).round(2), unit="s").astype("timedelta64[ns]")


def _fixed_width(header: str, names: list[str], rows: list[str]) -> pd.DataFrame:
    """Cut rows at the header's columns: for output where COMMAND is not the last field
    (``-w`` with extra fields), so values with spaces (COMMAND, ENVIRON) stay whole."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", header)]
    left = [HEADER_WORDS.get(n, n) in _LEFT_ALIGNED for n in names]
    out = []
    for row in rows:
        cuts = [0]
        for i in range(len(spans) - 1):
            if not left[i]:
                cut = spans[i][1]
            elif left[i + 1]:
                cut = spans[i + 1][0]
            else:
                piece = row[:spans[i + 1][1]].rstrip()
                cut = max(piece.rfind(" ") + 1, cuts[-1])
            cuts.append(max(cut, cuts[-1]))
        cuts.append(max(len(row), cuts[-1]))
        values = [row[a:b].strip() for a, b in itertools.pairwise(cuts)]
        out.append([v if v else None for v in values])
    return pd.DataFrame(out, columns=names, dtype=object)
