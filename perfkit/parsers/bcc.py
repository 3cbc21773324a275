"""The bcc tools' output (``*-bpfcc`` on Debian) as a :class:`~perfkit.result.Tables`.

Tables:

* ``events``: the per-event tools (execsnoop, opensnoop, biosnoop, tcplife, tcpconnect,
  tcpaccept, tcpretrans...): a header of upper-case names and one row per event, columns
  named as printed; ``-T`` clock times become the ``time`` column, ``-t``'s ``TIME(s)``
  stays seconds since the trace began (see :mod:`perfkit.parsers.ebpf_events`).
* ``hist``: the log2 histograms of biolatency, runqlat, ext4dist...::

         usecs               : count     distribution
             0 -> 1          : 0        |                                        |
           128 -> 255        : 3        |*                                       |

  one row per bucket with ``low``, ``high`` and ``count``, the range printed inclusive
  (``0 -> 1``) and stored as ``low <= x < high`` (0, 2), as bpftrace's are; the unit
  (``usecs``, ``msecs``, ``nsecs``) is in ``attrs["unit"]``. Per-disk, per-flags or per-PID
  histograms (``-D``, ``-F``, ``-P``: ``Bucket disk = 'xvdb'``, ``flags = Read``,
  ``pid = 12929``) get a column named by the label (``disk``, ``flags``, ``pid``); interval
  output gets an ``interval`` column, and ``-T``'s clock lines a ``time`` column. The ``-e``
  summary line (``avg = 663 usecs, total: 16575 usecs, count: 25``) is the ``summary`` table.
* ``stacks``: profile's and offcputime's stacks, folded root first (``-f`` prints them so:
  ``dd;__write 29``), with ``comm`` (the first frame), ``stack`` (the folded line) and
  ``count``; the default multi-line output (frames leaf first, ``-  comm (pid)``, count)
  gives the same columns plus ``pid``, user and kernel frames apart by ``-`` as ``-d`` prints.

``attrs["messages"]`` keeps the tools' banners (``Tracing block device I/O... Hit Ctrl-C to
end.``), ``attrs["interrupted"]`` a ``^C`` echoed in a transcript, ``attrs["lost_events"]``
bcc's ``Possibly lost N samples`` (which also warns).

>>> text = '''Tracing block device I/O... Hit Ctrl-C to end.
... ^C
...      usecs           : count     distribution
...        0 -> 1        : 0        |                                      |
...      128 -> 255      : 12       |********                              |
...      256 -> 511      : 15       |**********                            |
... '''
>>> tables = parse(text)
>>> tables["hist"]
     low   high  count
0    0.0    2.0      0
1  128.0  256.0     12
2  256.0  512.0     15
>>> tables.attrs["unit"], tables.attrs["messages"]
('usecs', ['Tracing block device I/O... Hit Ctrl-C to end.'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import pandas as pd

from ..errors import ParseError, bad_line, warn
from ..result import Tables
from ._read.text import clean_text, repeats_a_word, unglue_interrupts
from ._read.times import given_date
from .ebpf_events import clock_times, event_table, is_header

NAME = "bcc"

#: The tables and columns parse may give (see :mod:`perfkit.parsers.columns`): an event
#: table's columns are named as the tool prints them, numbers where every value is one.
COLUMNS: dict[str, dict[str, str]] = {
    "events*": {"time": "datetime|timedelta", "*": "number|str"},
    "hist": {"time": "datetime|timedelta", "interval": "int", "low": "float", "high": "float",
             "count": "int", "*": "int|str"},  # "*": -D/-F/-P labels (disk, flags, pid)
    "summary": {"avg": "int", "total": "int", "count": "int", "unit": "str"},
    "stacks": {"comm": "str", "pid": "int", "stack": "str", "count": "int"},
}

_HIST_HEADER = re.compile(r"^\s*(\w+)\s+: count\s+distribution\s*$")
_HIST_ROW = re.compile(r"^\s*(\d+) -> (\d+)\s*: (\d+)\s+\|[*+ ]*\|\s*$")
_LABEL = re.compile(r"^(?:Bucket )?([A-Za-z_][\w ]*?) = '?(.*?)'?$")
_SUMMARY = re.compile(r"^avg = (\d+) (\w+), total: (\d+) \w+, count: (\d+)$")
_CLOCK_LINE = re.compile(r"^\d{1,2}:\d{2}:\d{2}$")
# frames hold no spaces, except bcc's bracketed markers ("[Missed User Stack]")
_BRACKETED = re.compile(r"\[[^\]]*\]")
_UNBRACKETED_FRAMES = re.compile(r"[^\s\[]+")


def folded_stack(line: str) -> tuple[str, int] | None:
    """(stack, count) of a folded-stack line (``comm;frame;frame 12``), else None. Read
    without a backtracking pattern, so a line of megabytes costs no more than its length.

    >>> folded_stack("sshd;[Missed User Stack];tcp_sendmsg 3")
    ('sshd;[Missed User Stack];tcp_sendmsg', 3)
    >>> folded_stack("Tracing block device I/O... 3") is None
    True
    """
    stack, _, count = line.rpartition(" ")
    if not stack or not count.isdigit() or not count.isascii():
        return None
    if not _UNBRACKETED_FRAMES.fullmatch(_BRACKETED.sub("x", stack)):
        return None
    return stack, int(count)


_FRAME = re.compile(r"^    (\S.*)$")
_PROCESS = re.compile(r"^    -\s+(\S.*?) \((\d+)\)$")
_PROCESS_LIKE = re.compile(r"^    -\s")  # "-  comm (pid)", whole or not
_STACK_COUNT = re.compile(r"^        (\d+)$")
_LOST = re.compile(r"^Possibly lost (\d+) samples$")
_MESSAGE = re.compile(r"^(Tracing|Sampling|Counting|Hit Ctrl-C|Ctrl-C|WARNING|Attaching"
                      r"|Attached)\b")
_BCC_WORDS = {"COMM", "PCOMM", "LADDR", "RADDR", "SADDR", "DADDR", "LADDR:LPORT", "T>",
              "SECTOR", "TX_KB"}


def detect(lines: list[str]) -> bool:
    """bcc's log2 histograms, event headers (``PID COMM FD ERR PATH``), or folded stacks."""
    for line in lines[:40]:
        if _HIST_HEADER.match(line) or _PROCESS.match(line):
            return True
        if line.count(";") >= 2 and folded_stack(line):
            return True
        if is_header(line) and _BCC_WORDS & set(re.split(r"[\s,]+", line.strip())):
            return True
        if line.startswith("Tracing ") and line.endswith("Hit Ctrl-C to end."):
            return True
    return False


@dataclass
class _Reader:
    strict: bool
    date: pd.Timestamp | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    hist: list[dict[str, Any]] = field(default_factory=list)
    label_names: list[str] = field(default_factory=list)
    summary: list[dict[str, Any]] = field(default_factory=list)
    stacks: list[dict[str, Any]] = field(default_factory=list)
    interval: int = 0
    seen_in_interval: set[Any] = field(default_factory=set)
    clock: str | None = None
    intervals_used: bool = False
    clocked: set[int] = field(default_factory=set)  # intervals a -T clock line opened
    # interval -> the line above its first histogram (or label): where -T prints the clock
    opened: dict[int, tuple[int, str]] = field(default_factory=dict)

    def unknown(self, number: int, text: str, why: str = "a line bcc does not print") -> None:
        bad_line(why, line=number, text=text, tool=NAME, strict=self.strict,
                 action="line skipped")

    def start_hist(self, label: tuple[str, str] | None, above: tuple[int, str]) -> None:
        """A histogram header (``above``: the number and text of the line above it or above
        its label, where ``-T`` prints the clock line that opens an interval)."""
        if label in self.seen_in_interval or (label is None and self.seen_in_interval):
            self.interval += 1
            self.intervals_used = True
            self.seen_in_interval = set()
            self.clock = None  # an interval no clock line opened has no time
        self.seen_in_interval.add(label)
        self.opened.setdefault(self.interval, above)

    def add_bucket(self, row: re.Match[str], label: tuple[str, str] | None) -> None:
        """One histogram row (``_HIST_ROW``'s match), in the current interval."""
        entry: dict[str, Any] = {"interval": self.interval, "clock": self.clock,
                                 "low": float(row[1]), "high": float(row[2]) + 1,
                                 "count": int(row[3])}
        if label is not None:
            entry[label[0]] = label[1]
        self.hist.append(entry)

    def new_clock(self, clock: str) -> None:
        if self.clock is not None or self.seen_in_interval:
            self.interval += 1
        self.intervals_used = True
        self.clock = clock
        self.seen_in_interval = set()
        self.clocked.add(self.interval)

    def unclocked(self) -> None:
        """With ``-T`` clock lines, say where an interval has none (a clock line lost):
        its rows' ``time`` is empty, never the time of the interval before."""
        if not self.clocked:
            return
        for interval, (number, text) in self.opened.items():
            if interval not in self.clocked:
                warn("no -T clock line above this interval's histogram, as above the "
                     "others: its rows' time is left empty", line=number, text=text,
                     tool=NAME)


def _resumes_histogram(reader: _Reader, low: float, first_bucket: int) -> bool:
    """Whether a bucket row met outside a histogram continues the last one: the bucket
    after its last, or its first when its header had no row yet."""
    if len(reader.hist) > first_bucket:
        return low == reader.hist[-1]["high"]
    return low == 0 and first_bucket >= 0


@dataclass
class _Walk:
    """One pass over the lines: each step below takes the line it knows, in this order."""

    lines: list[str]
    reader: _Reader
    index: int = 0
    label: tuple[str, str] | None = None  # the -D/-F/-P label of the next histogram
    label_line: int | None = None  # and its line number
    bucket_label: tuple[str, str] | None = None  # the label of the last histogram
    first_bucket: int = -1  # where the last histogram's rows start in reader.hist (-1: none)
    header: str | None = None  # the event header in force, its continuation and rows
    continuation: str | None = None
    rows: list[tuple[int, str]] = field(default_factory=list)
    header_line: int = 0  # the line number of the header in force
    # each header, its continuation, rows and line number
    headers: list[tuple[str, str | None, list[tuple[int, str]], int]] = field(
        default_factory=list)
    frames: list[str] = field(default_factory=list)  # a multi-line stack's frames so far
    process: tuple[str, int] | None = None  # its "-  comm (pid)" line
    broken: bool = False  # a damaged multi-line stack (reported): skipped to its count line
    stack_kind: tuple[str, int] | None = None  # "folded" or "multi-line", and its first line

    def marks(self, number: int, line: str, stripped: str) -> bool:
        """``^C`` and ``Possibly lost N samples``."""
        if stripped == "^C":
            self.reader.attrs["interrupted"] = True
            return True
        if stripped == "Detaching...":  # funccount, stackcount... at exit: no row
            self.reader.attrs.setdefault("messages", []).append(stripped)
            return True
        lost = _LOST.match(stripped)
        if lost:
            attrs = self.reader.attrs
            attrs["lost_events"] = attrs.get("lost_events", 0) + int(lost[1])
            warn(f"bcc lost {lost[1]} samples: rows miss them", line=number, tool=NAME)
            return True
        return False

    def histogram(self, number: int, line: str, stripped: str) -> bool:
        """A histogram header and the bucket rows under it, or a bucket that resumes the
        last histogram after a stray line (reported) cut it in two."""
        reader = self.reader
        unit = _HIST_HEADER.match(line)
        if unit:
            reader.attrs["unit"] = unit[1]
            above = (self.label_line or number) - 1
            reader.start_hist(self.label, (above, self.lines[above - 1] if above else ""))
            self.first_bucket = len(reader.hist)
            while self.index < len(self.lines) and _HIST_ROW.match(self.lines[self.index]):
                reader.add_bucket(_HIST_ROW.match(self.lines[self.index]), self.label)
                self.index += 1
            self.bucket_label, self.label, self.label_line = self.label, None, None
            return True
        resumed = _HIST_ROW.match(line)
        if resumed and _resumes_histogram(reader, float(resumed[1]), self.first_bucket):
            reader.add_bucket(resumed, self.bucket_label)
            return True
        return False

    def summary_clock_or_label(self, number: int, line: str, stripped: str) -> bool:
        """``-e``'s summary, ``-T``'s clock line, a ``Bucket disk = 'sda'`` label."""
        summary = _SUMMARY.match(stripped)
        if summary:
            self.reader.summary.append({"avg": int(summary[1]), "total": int(summary[3]),
                                        "count": int(summary[4]), "unit": summary[2]})
            return True
        if self.header is not None:
            return False
        if _CLOCK_LINE.match(stripped):
            self.reader.new_clock(stripped)
            return True
        if not line.startswith(" "):
            labelled = _LABEL.match(stripped)
            if labelled and not is_header(stripped):
                name = labelled[1].split()[-1]
                self.label, self.label_line = (name, labelled[2]), number
                if name not in self.reader.label_names:
                    self.reader.label_names.append(name)
                return True
        return False

    def stack(self, number: int, line: str, stripped: str) -> bool:
        """A multi-line stack's frame, process or count line, or a folded stack."""
        stack_process = _PROCESS.match(line)
        if stack_process or (self.header is None and _PROCESS_LIKE.match(line)):
            self.stack_line(number, line, "multi-line")
            if stack_process is None or repeats_a_word(stripped):
                self.damaged_stack(number, line, "a stack's process line that is not "
                                   "'-  comm (pid)' (a field lost or printed twice)")
            elif not self.broken:
                self.process = (stack_process[1], int(stack_process[2]))
            return True
        stack_count = _STACK_COUNT.match(line)
        if stack_count and (self.process is not None or self.frames or self.broken):
            if not self.broken:
                comm, pid = self.process if self.process is not None else ("", -1)
                folded = [comm, *reversed(["-" if f == "--" else f for f in self.frames])]
                self.reader.stacks.append({"comm": comm, "pid": pid,
                                           "stack": ";".join(folded),
                                           "count": int(stack_count[1])})
            self.frames, self.process, self.broken = [], None, False
            return True
        if self.header is None and _FRAME.match(line) and not (
                is_header(line) and not self.frames):  # an indented header (cachestat)
            self.stack_line(number, line, "multi-line")
            if self.process is not None:
                self.damaged_stack(number - 1, self.lines[number - 2], "no count line under "
                                   "this stack's process line")
                self.frames, self.process, self.broken = [], None, False
            if repeats_a_word(stripped):
                self.damaged_stack(number, line, "a stack frame holding a word twice "
                                   "(a field printed twice)")
            if not self.broken:
                self.frames.append(stripped)
            return True
        folded_line = folded_stack(line) if self.header is None else None
        if folded_line and (";" in line or self.reader.stacks):
            self.stack_line(number, line, "folded")
            stack, count = folded_line
            self.reader.stacks.append({"comm": stack.split(";", 1)[0], "stack": stack,
                                       "count": count})
            return True
        return False

    def stack_line(self, number: int, line: str, kind: str) -> None:
        """Note a stack of ``kind`` (``"folded"`` or ``"multi-line"``) at line ``number``:
        one run of profile or offcputime prints only one kind, so a stack of the other kind
        after it is another output joined on (reported at its first line)."""
        if self.stack_kind is None:
            self.stack_kind = (kind, number)
        elif self.stack_kind[0] != kind:
            warn(f"a {kind} stack after {self.stack_kind[0]} stacks (from line "
                 f"{self.stack_kind[1]}): another output joined on? pid is -1 where "
                 "a stack has none", line=number, text=line, tool=NAME)
            self.stack_kind = (kind, number)

    def damaged_stack(self, number: int, line: str, why: str) -> None:
        """Report a multi-line stack damaged at line ``number`` and leave it out: the lines
        up to its count line are skipped."""
        self.reader.unknown(number, line, why)
        self.frames, self.process, self.broken = [], None, True

    def blank(self, number: int) -> None:
        """A blank line: bcc prints one after each multi-line stack's count line, never
        inside a stack, so one there with more output below is a frame, process or count
        line that lost its only field (reported; the stack is left out). A stack the text
        ends in without its count (a transcript cut there) is left out."""
        if self.process is None and not self.frames:
            return
        more = any(rest.strip() for rest in islice(self.lines, self.index, None))
        if more and self.process is not None:
            self.reader.unknown(number, "", "a blank line where this stack's count line "
                                "should be (the count lost)")
        elif more:
            self.damaged_stack(number, "", "a blank line inside a stack's frames (a frame "
                               "lost)")
            return
        else:
            self.cut_stack(number - 1)
        self.frames, self.process, self.broken = [], None, False

    def cut_stack(self, number: int) -> None:
        """The text ends inside a multi-line stack, before its count line (a run or a
        transcript cut there): the stack is left out, with a warning naming its last line."""
        if (self.process is not None or self.frames) and not self.broken:
            warn("the text ends inside a stack, before its count line: that stack is left "
                 "out", line=number, text=self.lines[number - 1], tool=NAME)
        self.frames, self.process, self.broken = [], None, False

    def event(self, number: int, line: str, stripped: str) -> bool:
        """An event header (with its continuation line, if any) or a row under one."""
        if is_header(line):
            if self.header is not None and stripped == self.header.strip():
                return True  # the header printed again
            if self.header is not None:
                warn("a second table header, with other columns than the one above (another "
                     "output joined on?): its rows are the next events table", line=number,
                     text=line, tool=NAME)
            self.close_events()
            self.header, self.continuation, self.rows = line, None, []
            self.header_line = number
            following = self.lines[self.index] if self.index < len(self.lines) else ""
            if following[:1] == " " and is_header(following):
                self.continuation = following
                self.index += 1
            return True
        if self.header is not None:
            self.rows.append((number, line))
            return True
        return False

    def message(self, number: int, line: str, stripped: str) -> bool:
        """A banner such as ``Tracing block device I/O... Hit Ctrl-C to end.``."""
        if _MESSAGE.match(stripped):
            self.reader.attrs.setdefault("messages", []).append(stripped)
            return True
        return False

    def close_events(self) -> None:
        if self.header is not None:
            self.headers.append((self.header, self.continuation, self.rows, self.header_line))

    def walk(self) -> None:
        steps = (self.marks, self.histogram, self.summary_clock_or_label, self.stack,
                 self.event, self.message)
        while self.index < len(self.lines):
            number, line = self.index + 1, self.lines[self.index]
            self.index += 1
            stripped = line.strip()
            if not stripped:
                self.blank(number)
                continue
            if not any(step(number, line, stripped) for step in steps):
                self.reader.unknown(number, line)
        self.cut_stack(len(self.lines))
        self.close_events()


#: The shape of every value of an event column whose values are one token of a known kind:
#: tcpretrans's ``T>`` (perf-tools': ``--``) is ``R>`` (a retransmit) or ``L>`` (a tail
#: loss probe), an ``ADDR:PORT`` column an address and a port, ``STATE`` a TCP state name.
_VALUE_SHAPES = {
    "T>": re.compile(r"[RL]>"),
    "--": re.compile(r"[RL]>"),
    "LADDR:LPORT": re.compile(r"[\w.:%\[\]]*:\d+"),
    "RADDR:RPORT": re.compile(r"[\w.:%\[\]]*:\d+"),
    "SADDR:SPORT": re.compile(r"[\w.:%\[\]]*:\d+"),
    "DADDR:DPORT": re.compile(r"[\w.:%\[\]]*:\d+"),
    "STATE": re.compile(r"[A-Z][A-Z0-9_]*"),
}
#: tcpretrans's STATE (bcc's and perf-tools'): the kernel's TCP state names
_TCP_STATE = re.compile(r"ESTABLISHED|SYN_SENT|SYN_RECV|FIN_WAIT[12]|TIME_WAIT|CLOSE|CLOSE_WAIT"
                        r"|LAST_ACK|LISTEN|CLOSING|NEW_SYN_RECV|BOUND_INACTIVE")
#: Last columns whose value may hold spaces or be empty (a command line, a path, a name).
_TEXT_LAST = {"ARGS", "PATH", "FILENAME", "FILE", "COMM", "PCOMM", "TASK", "QUERY"}


def _is_number(value: str) -> bool:
    """Whether ``value`` is a number as bcc prints one (``-1``, ``0.09``, ``99.75%``)."""
    try:
        float(value.removesuffix("%"))
    except ValueError:
        return False
    return True


def _empty_column(header: str, text: str) -> int | None:
    """The column of ``header`` that the row ``text`` leaves empty, when it has one value
    fewer than the header has names because a column in the middle is blank (biosnoop
    prints no DISK for an I/O it cannot name): the one column, not the last, blank in
    ``text`` where the header prints its name, with every value of the row where the
    header puts its column (starting where the name starts, or ending where it ends).
    None when no column, or more than one, fits: then the row lost a field, and the
    values after it moved.

    >>> header = "TIME(s)        COMM           PID    DISK    T  SECTOR    BYTES   LAT(ms)"
    >>> _empty_column(header, "0.000000000    ?              0              R  -1        8"
    ...                       "          0.26")
    3
    >>> _empty_column(header, "0.000000000    ?              0 R  -1        8          0.26")
    """
    named = [m.span() for m in re.finditer(r"\S+", header)]
    values = [m.span() for m in re.finditer(r"\S+", text)]
    if len(values) != len(named) - 1:
        return None
    found = []
    for empty in range(len(named) - 1):
        start, end = named[empty]
        if text[start:end].strip():
            continue
        columns = named[:empty] + named[empty + 1:]
        if all(value[0] == column[0] or value[1] == column[1]
               for value, column in zip(values, columns, strict=True)):
            found.append(empty)
    return found[0] if len(found) == 1 else None


def _shaped_rows(header: str, continuation: str | None, rows: list[tuple[int, str]],
                 header_line: int, *, strict: bool
                 ) -> tuple[list[tuple[int, str]], dict[int, list[str]]]:
    """``rows`` (line number, text) under ``header`` (on line ``header_line``) without those
    a lost or doubled field has shifted, each reported: a value of a :data:`_VALUE_SHAPES`
    column not of its shape (tcpretrans's ``T>`` holding an address, its ``STATE`` not a
    TCP state's name, or two fields), or a last column every other row fills with a
    number left empty (tcplife's ``MS``: the row lost a field, its values moved one column
    on).
    A header that names a column twice in a row, or has one name fewer than every row has
    values (a name lost), is reported and its rows left out. tcpretrans ``-c`` prints
    ``<->`` between its two address columns, a column its header does not name: it is
    left out. Also gives the fields of the rows with a blank column (:func:`_empty_column`),
    by line number. A header with a second line or a CSV header is left to
    :func:`~perfkit.parsers.ebpf_events.event_table`."""
    names = header.split()
    given: dict[int, list[str]] = {}
    if continuation is not None or len(names) < 2 or "," in header.strip():
        return rows, given
    if names[:2] == ["LADDR:LPORT", "RADDR:RPORT"]:  # tcpretrans -c: "a:1  <-> b:2   700"
        rows = [(number, re.sub(r"^(\s*\S+\s+)<->(?=\s)", r"\1", text))
                for number, text in rows]
    width, last = len(names), names[-1]
    shapes = _VALUE_SHAPES
    if "LADDR:LPORT" in names:  # tcpretrans: its STATE is a TCP state's name
        shapes = {**_VALUE_SHAPES, "STATE": _TCP_STATE}
    split = [text.split(None, width - 1) for _, text in rows]  # as event_table splits
    comm = any(name in names for name in ("COMM", "PCOMM", "TASK"))
    if repeats_a_word(header) or (len(rows) > 1 and all(
            len(text.split()) > width and all(map(_is_number, text.split()[width - 1:]))
            for _, text in rows)):
        bad_line("a header naming a column twice, or with a name fewer than every row has "
                 "values (a name lost or printed twice)", line=header_line, text=header,
                 tool=NAME, strict=strict, action="its rows skipped")
        return [], given
    filled = [fields[-1].rstrip() for fields in split if len(fields) == width]
    numbers_last = (last not in _TEXT_LAST and last not in _VALUE_SHAPES and len(filled) > 1
                    and all(_is_number(value) for value in filled))
    kept = []
    for (number, text), fields in zip(rows, split, strict=True):
        why = None
        if len(fields) == width - 1:
            empty = _empty_column(header, text)
            if empty is not None:  # biosnoop's DISK of an I/O no disk is named for
                fields = text.split(None, width - 2)  # the last as event_table keeps it
                fields = given[number] = [*fields[:empty], "", *fields[empty:]]
            elif numbers_last or last in _VALUE_SHAPES:
                why = f"no {last} value (a field lost: the values after it moved one " \
                      "column on)"
        if why is None and not comm and len(fields) >= width - 1:
            for name, value in zip(names, fields, strict=False):
                shape = shapes.get(name)
                if shape is not None and value and not shape.fullmatch(value.rstrip()):
                    why = (f"{value!r} under {name} (a field lost or printed twice: the "
                           "values moved)")
                    break
        if why is None:
            kept.append((number, text))
        else:
            bad_line(why, line=number, text=text, tool=NAME, strict=strict,
                     action="line skipped")
    return kept, given


def _read(text: str, reader: _Reader) -> dict[str, pd.DataFrame]:
    """The event tables (``events``, ``events2``... one per header); histograms, summaries
    and stacks are gathered in ``reader``."""
    walk = _Walk(text.split("\n"), reader)
    walk.walk()
    tables = {}
    for position, (head, cont, body, line) in enumerate(walk.headers):
        rows, given = _shaped_rows(head, cont, body, line, strict=reader.strict)
        tables["events" if position == 0 else f"events{position + 1}"] = event_table(
            head, rows, tool=NAME, continuation=cont, strict=reader.strict, date=reader.date,
            fields=given)
    return tables


def _hist_table(reader: _Reader) -> pd.DataFrame:
    frame = pd.DataFrame(reader.hist)
    columns = ["interval", *reader.label_names, "low", "high", "count"]
    for name in reader.label_names:
        values = frame[name]
        if values.notna().all() and values.astype(str).str.fullmatch(r"-?\d+").all():
            frame[name] = values.astype("int64")
    if not reader.intervals_used:
        columns.remove("interval")
    out = frame[columns].copy()
    if frame["clock"].notna().any():
        clocks = frame["clock"].fillna("00:00:00").tolist()
        stamped = clock_times(clocks, reader.date)
        stamped[frame["clock"].isna().to_numpy()] = pd.NaT
        out.insert(0, "time", stamped)
        out.attrs["date"] = reader.date
    return out


def parse(text: str, *, strict: bool = False, dayfirst: bool | None = None,
          date: object = None) -> Tables:
    """Parse a bcc tool's output (see the module docstring); ``dayfirst`` is accepted for
    the common signature and unused. bcc prints times of day (``-T``, execsnoop's ``TIME``)
    but no date: ``time`` is then ``timedelta64`` and ``attrs["date"]`` None, unless
    ``date=`` (``"2026-11-25"``) gives the day, which makes it ``datetime64``."""
    text = unglue_interrupts(clean_text(text, tool=NAME))  # "...^C@[x]" -> its own line
    reader = _Reader(strict=strict, date=given_date(date))
    first = next((line for line in text.split("\n") if line.strip()), "")
    try:
        tables = _read(text, reader)
        if reader.hist:
            reader.unclocked()
            tables["hist"] = _hist_table(reader)
        if reader.summary:
            tables["summary"] = pd.DataFrame(reader.summary)
        if reader.stacks:
            stacks = pd.DataFrame(reader.stacks)
            if "pid" in stacks:
                stacks["pid"] = stacks["pid"].fillna(-1).astype("int64")
            tables["stacks"] = stacks
    except ParseError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise ParseError(f"cannot read this as bcc output ({exc})", tool=NAME, line=1,
                         text=first) from exc
    if not tables:
        raise ParseError("no bcc table, histogram or stack found", line=1, text=first,
                         tool=NAME)
    result = Tables(tables, attrs=reader.attrs)
    for frame in result.values():
        frame.attrs.update({k: v for k, v in reader.attrs.items() if k not in frame.attrs})
    return result
