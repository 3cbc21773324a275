"""Per-event tables that eBPF tools print: a header of upper-case names, then one row per event.

bcc's tools (``execsnoop``, ``opensnoop``, ``biosnoop``, ``tcplife``...) and bpftrace
programs that ``printf`` a header in ``BEGIN`` (``execsnoop.bt``) print::

    PID    COMM               FD ERR PATH
    2440   snmp-pass           4   0 /proc/cpuinfo

:func:`is_header` recognises such a header and :func:`event_table` turns the rows under it
into a DataFrame: columns named as printed, split on white space with the last column taking
the rest of the line (``ARGS``, ``PATH`` hold spaces), numbers where a column holds only
numbers (percentages such as cachestat's ``99.75%`` too, without the ``%``). A ``TIME``
column of clock times (``08:57:52.430193``, ``14:08:23``) becomes the ``time`` column
(first). The tools print no date, so it holds times of day as ``timedelta64``
(a day more after each midnight) and the frame's ``attrs["date"]`` is ``None``; given the
date (``perfkit.parse(text, date="2026-11-25")``) it is ``datetime64`` on that date.
``TIME(s)`` and ``TIME(ms)`` (seconds or
milliseconds since the trace began) stay numbers. A second header line indented under the
first (bpftrace's ``biosnoop.bt`` prints ``MAJOR MINOR`` under ``DISK ID``) names the columns
above it ``DISK MAJOR`` and ``ID MINOR``. A header with commas and no spaces (``tcplife -s``)
is read as CSV.

>>> df = event_table("PID    COMM               FD ERR PATH",
...                  [(2, "2440   snmp-pass           4   0 /proc/cpuinfo"),
...                   (3, "1744   snmpd              -1   2 /sys/class/net/lo/device/vendor")],
...                  tool="bcc")
>>> df.loc[1, "PID"], df.loc[1, "FD"], df.loc[0, "PATH"]
(np.int64(1744), np.int64(-1), '/proc/cpuinfo')
>>> event_table("TIME            PID     PPID    ARGS",
...             [(2, "08:57:52.430193 3187374 1971701 man ls")], tool="bpftrace").iloc[0]
... # doctest: +NORMALIZE_WHITESPACE
time    0 days 08:57:52.430193
PID     3187374
PPID    1971701
ARGS    man ls
Name: 0, dtype: object
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import bad_line
from ._read.times import combine, of_day

# upper-case names, with a unit in brackets (LAT(ms)) or after an underscore (ext4slower -j's
# LATENCY_us, OFFSET_b)
_NAME = re.compile(r"^[A-Z][A-Z0-9_%/:>.\-]*(?:\([a-z]{1,4}\))?[A-Z0-9_%/:>.\-]*(?:_[a-z]{1,4})?$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2})(\.\d+)?$")
#: Columns that always hold text, even when every value looks like a number.
TEXT_COLUMNS = frozenset({
    "COMM", "PCOMM", "ARGS", "PATH", "DISK", "T", "STATE", "LADDR", "RADDR", "SADDR",
    "DADDR", "LADDR:LPORT", "RADDR:RPORT", "T>", "QUERY", "FLAGS", "MODE", "BL", "TYPE",
    "--",  # perf-tools tcpretrans: R> (retransmit) or L> (tail loss probe)
    "TASK", "FILE",  # the *slower tools' -j CSV
})


def is_header(line: str) -> bool:
    """True for a line of two or more upper-case column names (``PID COMM FD ERR PATH``).

    >>> is_header("TIME(s)     COMM           PID    DISK    T SECTOR     BYTES   LAT(ms)")
    True
    >>> is_header("Tracing block device I/O... Hit Ctrl-C to end.")
    False
    """
    stripped = line.strip()
    if "," in stripped and " " not in stripped:
        names = stripped.split(",")
    else:
        names = stripped.split()
    if len(names) < 2:
        return False
    # perf-tools' tcpretrans names its R>/L> column "--" (LADDR:LPORT -- RADDR:RPORT)
    return all(_NAME.match(name) or name == "--" for name in names) and any(
        any(c.isalpha() for c in name) and len(name) > 1 for name in names)


def _names(header: str, continuation: str | None) -> list[str]:
    spans = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", header)]
    names = [name for _, _, name in spans]
    if continuation:
        for match in re.finditer(r"\S+", continuation):
            for index, (start, end, name) in enumerate(spans):
                if match.start() < end + 2 and match.end() > start - 2:
                    names[index] = f"{name} {match.group()}"
                    break
    return names


#: Columns that hold a task's name, which may contain spaces (``rs:main Q:Reg``).
COMM_COLUMNS = ("COMM", "PCOMM", "TASK")


def _is_number(field: str) -> bool:
    try:
        float(field.removesuffix("%"))
    except ValueError:
        return False
    return True


def _comm_with_spaces(fields: list[str], text: str, names: list[str],
                      header: str) -> list[str]:
    """``fields`` of the row ``text``, or, when a word of the task name (``COMM``) has
    pushed the row's numbers one column on, the row split again with that name whole: the
    only way of giving the name one to three more words that puts a number in every
    column after it that is not a text column, and that puts the column after the name
    where the header has it (bcc pads the name to a fixed width). A row that no such way,
    or more than one, mends is returned as it was.

    >>> header = "TIME     COMM           PID    T BYTES   OFF_KB   LAT(ms) FILENAME"
    >>> text = "11:59:25 rs:main Q:Reg  1826   W 156     60         31.85 syslog"
    >>> names = header.split()
    >>> _comm_with_spaces(text.split(None, 7), text, names, header)[1:4]
    ['rs:main Q:Reg', '1826', 'W']
    >>> doubled = "11:59:25 rs:main rs:main Q:Reg  1826   W 156     60         31.85 syslog"
    >>> _comm_with_spaces(doubled.split(None, 7), doubled, names, header)[1:4]
    ['rs:main', 'rs:main', 'Q:Reg']
    """
    comm = next((names.index(n) for n in COMM_COLUMNS if n in names), None)
    if comm is None or len(fields) != len(names):
        return fields
    numeric = [i for i in range(comm + 1, len(names) - 1) if names[i] not in TEXT_COLUMNS]
    if not numeric or all(_is_number(fields[i]) for i in numeric):
        return fields
    named = [m.span() for m in re.finditer(r"\S+", header)]
    if len(named) != len(names):
        return fields
    spans = [m.span() for m in re.finditer(r"\S+", text)]
    mended = []
    for extra in (1, 2, 3):
        after = comm + 1 + extra
        if after >= len(spans):
            break
        start, end = spans[after]
        if start != named[comm + 1][0] and end != named[comm + 1][1]:
            continue  # the next column is not where the header puts it
        rest = text[start:].split(None, len(names) - comm - 2)
        candidate = ([text[a:b] for a, b in spans[:comm]]
                     + [text[spans[comm][0]:spans[after - 1][1]]] + rest)
        if len(candidate) == len(names) and all(_is_number(candidate[i]) for i in numeric):
            mended.append(candidate)
    return mended[0] if len(mended) == 1 else fields


def _without_odd_rows(kept: list[list[str]], numbers: list[int], names: list[str], *,
                      tool: str, strict: bool, header: str) -> list[list[str]]:
    """``kept`` (the rows' fields; ``numbers``, their line numbers) without the rows that
    hold text in a column where (nearly) every other row holds a number: a stray line
    with as many words as the table has columns. Each is reported."""
    if len(kept) < 3:
        return kept
    odd = np.zeros(len(kept), dtype=bool)
    for index, name in enumerate(names):
        if name in TEXT_COLUMNS:
            continue
        values = pd.Series([row[index] for row in kept], dtype=object)
        text = pd.to_numeric(values, errors="coerce").isna().to_numpy() & (values != "").to_numpy()
        if 0 < text.sum() <= max(1, len(kept) // 10):
            odd |= text
    for position in np.flatnonzero(odd):
        number, line = numbers[position], " ".join(kept[position]).strip()
        message = f"a row with text in a number column ({header})"
        bad_line(message, line=number, text=line, tool=tool, strict=strict,
                 action="line skipped")
    return [row for row, bad in zip(kept, odd, strict=True) if not bad]


def _shifted_rows(kept: list[list[str]], texts: list[str], numbers: list[int],
                  names: list[str], *, tool: str, strict: bool,
                  header: str) -> list[int]:
    """The positions in ``kept`` of rows whose fields are shifted from their columns, each
    reported: a field lost or printed twice in the middle of a row moves the fields after
    it, which the last column (a command line, a path) would otherwise take in silence.

    * A field starts elsewhere than under its column's name, in a column whose values
      start under their name in most rows (padded on their right: ``%-8d``), or ends
      elsewhere than its name, in a column whose values end there in most rows (``%3d``),
      and the field before it does not reach that far (a long value only pushes the fields
      after it right).
    * The last column is empty where (nearly) every other row holds a number in it: a row
      one field short.

    >>> header = "TIME(ms) PID     PPID    ARGS"
    >>> texts = ["647      20349   20348   ls /", "649      20368   20349   date +%s",
    ...          "3283 3283     20411   20349   sort /etc/services"]
    >>> kept = [t.split(None, 3) for t in texts]
    >>> _shifted_rows(kept, texts, [3, 4, 5], header.split(), tool="bpftrace",
    ...               strict=True, header=header)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    perfkit.errors.ParseError: bpftrace: line 5: a row whose fields are shifted from ...
    """
    if len(kept) < 2:
        return []
    odd = np.zeros(len(kept), dtype=bool)
    named = [m.span() for m in re.finditer(r"\S+", header)]
    if len(named) == len(names):
        spans = [_field_spans(row, text) for row, text in zip(kept, texts, strict=True)]
        moved = np.zeros(len(kept), dtype=bool)
        for column, (start, end) in enumerate(named):
            at = [row[column] if row and row[column] else None for row in spans]
            # the sides (0: start, padded on the right; 1: end, padded on the left) where
            # most values, and the name, line up; a field is off when off on each of them
            sides = [(side, edge) for side, edge in ((0, start), (1, end))
                     if (sum(a is not None and a[side] == edge for a in at) + 1) * 2
                     > len(kept) + 1]
            for index, (row, span) in enumerate(zip(spans, at, strict=True)):
                if span is None or not sides:
                    continue
                pushed = bool(column and row and row[column - 1]
                              and row[column - 1][1] >= start - 1)
                if all(span[side] < edge or (span[side] > edge and not pushed)
                       for side, edge in sides):
                    moved[index] = True
        if 0 < moved.sum() <= max(1, len(kept) // 10):
            odd |= moved
    if names[-1] not in TEXT_COLUMNS:
        last = [row[-1] for row in kept]
        empty = np.array([not value for value in last])
        if 0 < empty.sum() <= max(1, len(kept) // 10) and all(
                _is_number(value) for value in last if value):
            odd |= empty
    for position in np.flatnonzero(odd):
        bad_line(f"a row whose fields are shifted from their columns (a field lost or "
                 f"printed twice; {header.strip()})", line=numbers[position], text=texts[position],
                 tool=tool, strict=strict, action="line skipped")
    return [int(i) for i in np.flatnonzero(odd)]


def _field_spans(fields: list[str], text: str) -> list[tuple[int, int] | None] | None:
    """Where in ``text`` each of its ``fields`` (as split) starts and ends (None for an
    empty last field), or None when they cannot be found in turn.

    >>> _field_spans(["647", "20349", "ls /"], "647      20349   ls /")
    [(0, 3), (9, 14), (17, 21)]
    """
    spans: list[tuple[int, int] | None] = []
    position = 0
    for value in fields:
        if not value:
            spans.append(None)
            continue
        at = text.find(value, position)
        if at < 0:
            return None
        spans.append((at, at + len(value)))
        position = at + len(value)
    return spans


def _typed(values: list[str], name: str) -> pd.Series:
    series = pd.Series(values, dtype=object)
    if name in TEXT_COLUMNS or not values:
        return series
    present = series[series != ""]
    if present.empty:
        return series
    if present.str.endswith("%").all():  # cachestat's HITRATIO "99.75%": the number, in %
        series = series.str.removesuffix("%")
        present = series[series != ""]
    numbers = pd.to_numeric(present, errors="coerce")
    if numbers.isna().any():
        return series
    full = pd.to_numeric(series.where(series != "", None), errors="coerce")
    if not full.isna().any() and (full % 1 == 0).all():
        return full.astype("int64")
    return full.astype("float64")


def clock_times(values: Sequence[str], date: pd.Timestamp | None = None) -> pd.Series:
    """Clock times (``08:57:52.430193``) as times of day (``timedelta64``), rolling over
    midnight; on ``date`` (``datetime64``) when the caller knows it. Never a made-up date.

    >>> clock_times(["23:59:59.5", "00:00:01"]).tolist()
    [Timedelta('0 days 23:59:59.500000'), Timedelta('1 days 00:00:01')]
    >>> clock_times(["23:59:59"], pd.Timestamp("2026-11-25")).tolist()
    [Timestamp('2026-11-25 23:59:59')]
    """
    whole = np.zeros(len(values), dtype="int64")
    fraction = np.zeros(len(values), dtype="float64")
    for index, value in enumerate(values):
        match = _CLOCK.match(value)
        if not match:
            raise ValueError(f"not a clock time: {value!r}")
        whole[index] = int(match[1]) * 3600 + int(match[2]) * 60 + int(match[3])
        fraction[index] = float(match[4]) if match[4] else 0.0
    base = of_day(whole) if date is None else combine(date, whole)
    return base + pd.to_timedelta(np.round(fraction * 1e9).astype("int64"), unit="ns")


def event_table(header: str, rows: Sequence[tuple[int, str]], *, tool: str,
                continuation: str | None = None, strict: bool = False,
                date: pd.Timestamp | None = None,
                fields: dict[int, list[str]] | None = None,
                aligned: bool = False) -> pd.DataFrame:
    """The rows (``(line_number, text)``) under ``header`` as a DataFrame (see module doc);
    ``fields``: the values of rows the caller has split itself, by line number (a row with
    an empty column in the middle, which splitting on white space cannot place).

    ``aligned``: the rows are as the program printed them, each value starting under its
    column's name or right of it (bpftrace's ``printf("%-8d ...")``), so a row whose fields are
    shifted (see :func:`_shifted_rows`) is reported and left out."""
    stripped = header.strip()
    if "," in stripped and " " not in stripped:
        names = stripped.split(",")
        records = list(csv.reader(io.StringIO("\n".join(text for _, text in rows))))
    else:
        names = _names(header, continuation)
        records = [(fields or {}).get(number) or text.split(None, len(names) - 1)
                   for number, text in rows]
    width = len(names)
    kept: list[list[str]] = []
    kept_lines: list[int] = []
    kept_texts: list[str] = []
    for (number, text), fields in zip(rows, records, strict=True):
        # only the last column (ARGS, PATH...) may be empty
        if len(fields) > width or len(fields) < width - 1:
            message = f"{len(fields)} fields under a header of {width} ({stripped})"
            bad_line(message, line=number, text=text, tool=tool, strict=strict,
                     action="line skipped")
            continue
        kept.append(fields + [""] * (width - len(fields)))
        kept_lines.append(number)
        kept_texts.append(text)
    kept = [_comm_with_spaces(fields, text, names, header)
            for fields, text in zip(kept, kept_texts, strict=True)]
    shifted = set(_shifted_rows(kept, kept_texts, kept_lines, names, tool=tool,
                                strict=strict, header=header) if aligned else [])
    if shifted:
        kept, kept_lines = ([x for i, x in enumerate(items) if i not in shifted]
                            for items in (kept, kept_lines))
    kept = _without_odd_rows(kept, kept_lines, names, tool=tool, strict=strict,
                             header=stripped)
    columns = {name: _typed([row[i] for row in kept], name) for i, name in enumerate(names)}
    frame = pd.DataFrame(columns)
    if "TIME" in frame and len(frame) and frame["TIME"].astype(str).str.match(_CLOCK).all():
        frame.insert(0, "time", clock_times(frame.pop("TIME").astype(str).tolist(), date))
    if "time" in frame:
        frame.attrs["date"] = date
    return frame
