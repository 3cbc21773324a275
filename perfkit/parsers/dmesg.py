"""``dmesg`` (util-linux) as a DataFrame: one row per kernel log record.

A real sample (``dmesg -x``, util-linux 2.38.1, after an OOM kill in a memory cgroup, a hung
task and a message of two lines written to ``/dev/kmsg``):

>>> text = ("kern  :err   : [ 1129.012603] Memory cgroup out of memory: Killed process 25916"
...         " (python3) total-vm:79540kB, anon-rss:65280kB, file-rss:6712kB, shmem-rss:0kB,"
...         " UID:0 pgtables:192kB oom_score_adj:0\\n"
...         "kern  :err   : [ 1133.879465] INFO: task sh:26251 blocked for more than 2 seconds.\\n"
...         "user  :info  : [ 1137.949212] perfkit: a message written to /dev/kmsg\\n"
...         "                              with a second line\\n")
>>> df = parse(text)
>>> df[["timestamp", "facility", "level"]]
     timestamp facility level
0  1129.012603     kern   err
1  1133.879465     kern   err
2  1137.949212     user  info
>>> df.loc[2, "message"]
'perfkit: a message written to /dev/kmsg\\nwith a second line'

Formats read (whatever the locale): the plain ``[    1.234567] msg``; ``-T``/``--ctime``
(``[Wed Nov 25 00:31:54 2026] msg``, with German, French and Japanese day and month names);
``--time-format iso`` (``2026-11-25T00:31:54,012153+00:00 msg``); ``-x``/``--decode``
(``kern  :info  : [ 1.2] msg``, also combined with ``-T`` or iso); ``-r``/``--raw``
(``<6>[ 1.2] msg``); ``-J``/``--json`` (with or without ``-x``); ``-d`` (``[ 1.2 <
0.000310>] msg``) and the ``+`` lines of ``--time-format delta|reltime`` (``[  +0,000310]
msg``, decimal commas too); a log without any stamp (``printk.time=0``, ``-t``): three lines
or more, most starting as kernel messages do (``PCI: ``, ``usb 2-1: ``), one record per
line with only ``message`` (``attrs["format"]`` is ``"notime"``, and a warning says so).
With several ``--time-format`` at once, the stamps after the first stay in the message;
a message that starts with the last field of its own stamp again (``[ 1.2] 1.2] msg``, an
ISO stamp twice) is damaged text: the repeat is left out, with a warning. Two outputs
appended to one file read as one log; a second ``-J`` document after the first is read on,
and any other text after a ``-J`` document is skipped with a warning naming its first line.
Not read: ``-e``/``-H`` and reltime's ``[Dec22 12:26]`` minute lines.

Columns, each only when the output prints it:

* ``time`` (``datetime64``): the wall-clock time of ``-T`` or ``--time-format iso``, as
  printed (local time; the ISO offset goes to ``attrs["utc_offset"]``). ``-T`` is only as
  exact as dmesg's own estimate of the boot time (and has whole seconds).
* ``timestamp`` (float): seconds since boot, as in ``[ 1129.012658]``.
* ``delta`` (float): seconds since the record before, from ``-d`` or ``delta``/``reltime``.
* ``priority`` (int): the ``-r`` number as printed (``<5>``), next to its names.
* ``facility`` and ``level``: names as ``dmesg -x`` prints them (``kern``, ``user``...;
  ``emerg``, ``alert``, ``crit``, ``err``, ``warn``, ``notice``, ``info``, ``debug``),
  from ``-x``, ``-r`` or ``-J``. Caution: util-linux before 2.39.1 printed the ``-r`` and
  ``-J`` priority of a non-kernel record as *facility OR level* without shifting the
  facility (util-linux issue #2325): a ``user.info`` record shows as ``<7>``, read here as
  ``kern``/``debug``. Kernel records (facility 0) are exact; ``-x`` is always right.
* ``caller``: the ``[T123]``/``[C1]`` caller id of kernels built with
  ``CONFIG_PRINTK_CALLER``.
* ``message``: the text. A record of several lines (dmesg prints the following lines
  indented under the first) is one row whose message holds ``\\n``; lines of a stack trace
  are records of their own, each with its timestamp, as the kernel logged them.

``attrs``: ``format`` (``"plain"``, ``"ctime"``, ``"iso"``, ``"json"``), ``utc_offset``.
:mod:`perfkit.dmesg` finds OOM kills, segfaults, hung tasks and dropped connections in the
frame.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParseError, bad_line, warn
from ._read.text import clean_text

NAME = "dmesg"

#: The columns parse may give (see :mod:`perfkit.parsers.columns`).
COLUMNS: dict[str, dict[str, str]] = {
    "": {"time": "datetime", "timestamp": "float", "delta": "float", "facility": "str",
         "level": "str", "priority": "int", "caller": "str", "message": "str"},
}

#: syslog levels and facilities by number, as ``dmesg -x`` names them.
LEVELS = ("emerg", "alert", "crit", "err", "warn", "notice", "info", "debug")
FACILITIES = ("kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp",
              "cron", "authpriv", "ftp", "res0", "res1", "res2", "res3",
              *(f"local{i}" for i in range(8)))

#: Abbreviated month names (C, de_DE, fr_FR, pt_BR, es_ES, it_IT; lower case, without the
#: final dot) -> number.
MONTHS: dict[str, int] = {
    **{m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
                                   "sep", "oct", "nov", "dec"), start=1)},
    "mär": 3, "mai": 5, "okt": 10, "dez": 12,
    "janv": 1, "févr": 2, "mars": 3, "avr": 4, "juin": 6, "juil": 7, "août": 8,
    "sept": 9, "déc": 12,
    # pt_BR/pt_PT, es_ES, it_IT (journalctl prints the locale's %b: "set 03 13:04:28")
    "fev": 2, "abr": 4, "ago": 8, "set": 9, "out": 10, "ene": 1, "dic": 12,
    "gen": 1, "mag": 5, "giu": 6, "lug": 7, "ott": 10,
}

_RECORD = re.compile(
    r"^(?:(?P<fac>[a-z][a-z0-9]*)\s*:(?P<lvl>[a-z]+)\s*:\s)?"
    r"(?:<(?P<pri>\d{1,4})>)?"
    r"(?:\[\s*(?P<ts>\d+\.\d+)(?:\s*<\s*(?P<delta>\d+[.,]\d+)>)?\]"
    r"|\[\s*\+(?P<rel>\d+[.,]\d+)\]"
    r"|\[(?P<ctime>[^\[\]]*?\d{1,2}:\d{2}:\d{2}\s+\d{4})\]"
    r"|(?P<iso>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[,.]\d+)?)(?P<tz>[+-]\d{2}:?\d{2}|Z)?)"
    r"(?:\s?\[\s*(?P<caller>[TC]\d+)\])?"
    r"(?: (?P<msg>.*))?$")
_CTIME = re.compile(r"^(?:\S+\s+)?(?P<mon>\S+)\s+(?P<day>\d{1,2})\s+"
                    r"(?P<hms>\d{1,2}:\d{2}:\d{2})\s+(?P<year>\d{4})$")


def month_number(name: str) -> int | None:
    """``"Nov"``, ``"nov."``, ``"Dez"``, ``"févr."``, ``"11月"`` -> 11, 11, 12, 2, 11."""
    key = name.strip().rstrip(".").lower()
    if key.endswith("月") and key[:-1].isdigit():
        number = int(key[:-1])
        return number if 1 <= number <= 12 else None
    return MONTHS.get(key)


def to_datetime_ns(values: pd.Series, **kwargs: Any) -> pd.Series:
    """``pandas.to_datetime(values, errors="coerce", **kwargs)`` as ``datetime64[ns]``, with
    dates outside that type's range (years before 1677 or after 2262) as NaT."""
    out = pd.Series(pd.to_datetime(values, errors="coerce", **kwargs), index=values.index)
    out = out.where((out >= pd.Timestamp.min) & (out <= pd.Timestamp.max))
    return out.astype("datetime64[ns]")


def detect(lines: list[str]) -> bool:
    """True for dmesg's text formats (first line a record) or its JSON (``{"dmesg": [``)."""
    if not lines:
        return False
    if lines[0].strip() == "{":
        return any('"dmesg"' in line for line in lines[1:3])
    return bool(_RECORD.match(lines[0]))


def parse(text: str, *, strict: bool = False, dayfirst: bool | None = None) -> pd.DataFrame:
    """Parse dmesg's output (see the module docstring for formats and columns).

    ``dayfirst`` is accepted for the common signature; dmesg's dates are unambiguous.
    """
    text = clean_text(text, tool=NAME)
    if text.lstrip().startswith("{"):
        return _parse_json(text, strict=strict)
    return _parse_text(text, strict=strict)


def _unknown(number: int, line: str, message: str, strict: bool) -> None:
    bad_line(message, line=number, text=line, tool=NAME, strict=strict, action="line skipped")


def _parse_text(text: str, *, strict: bool) -> pd.DataFrame:
    records: list[dict[str, Any]] = []
    unknown: list[tuple[int, str]] = []  # said once the text is known to have records
    repeated: list[tuple[int, str]] = []
    indent = 0
    continues = False  # whether an indented line continues the record above
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        match = _RECORD.match(line)
        if match:
            record = {key: value for key, value in match.groupdict().items()
                      if value is not None}
            record["msg"] = record.get("msg", "")
            record["line"] = number
            if _stamp_repeated(line, match):
                record["msg"] = record["msg"].split(" ", 1)[1] if " " in record["msg"] else ""
                repeated.append((number, line))
            records.append(record)
            indent = match.start("msg") if match.group("msg") is not None else len(line)
            continues = True
        elif records and line[:1].isspace() and (
                continues or len(line) - len(line.lstrip(" ")) == indent):
            lead = len(line) - len(line.lstrip(" "))
            records[-1]["msg"] += "\n" + line[min(lead, indent):]
        else:
            unknown.append((number, line))
            # lines under one that is not a record are not its message, unless dmesg's own
            # indent (to the message's column) says so: a stray line among a record's lines
            continues = False
    if not records and _untimed(text):
        return _untimed_frame(text)
    for number, line in unknown:
        _unknown(number, line, "not a dmesg record", strict)
    for number, line in repeated:
        if strict:
            raise ParseError("the time stamp's last field printed twice", line=number,
                             text=line, tool=NAME)
        warn("the time stamp's last field printed twice (dmesg prints it once): the repeat "
             "is left out of the message", line=number, text=line, tool=NAME)
    if not records:
        first = next((i for i, line in enumerate(text.split("\n"), 1) if line.strip()), 1)
        raise ParseError("no dmesg record ('[    1.234567] message' or a date) in the input",
                         line=first, text=text.split("\n")[first - 1], tool=NAME)
    return _frame(records, strict=strict)


def _stamp_repeated(line: str, match: re.Match[str]) -> bool:
    """Whether the message starts with the last field of the record's stamp again
    (``[ 1129.012153] 1129.012153] msg``, an ISO stamp twice): text damaged, or two time
    formats that print the same field, not a kernel message."""
    if match.group("msg") is None:
        return False
    stamp = line[:match.start("msg")].split()
    return bool(stamp) and match.group("msg").split(" ", 1)[0] == stamp[-1]


#: How a kernel message starts: its subsystem or device and a colon (``PCI: ``, ``usb 2-1: ``,
#: ``ACPI Error: ``), or ``Linux version``.
_KERNEL_START = re.compile(r"^(?:[\w./\[\]-]+(?: [\w./:\[\]-]+){0,3}: |Linux version )")


def _untimed(text: str) -> bool:
    """True for a kernel log printed without any time stamp (``printk.time=0``, ``dmesg
    -t``): three lines or more, most of them starting as kernel messages do."""
    lines = [line for line in text.split("\n") if line.strip() and not line[:1].isspace()]
    starts = sum(bool(_KERNEL_START.match(line)) for line in lines)
    return len(lines) >= 3 and starts * 10 >= len(lines) * 6


def _untimed_frame(text: str) -> pd.DataFrame:
    """One row per record of an untimed log (an indented line continues the one above),
    with only ``message``, and a warning that says so."""
    messages: list[str] = []
    first = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if messages and line[:1].isspace():
            messages[-1] += "\n" + line.strip()
            continue
        first = first or number
        messages.append(line.rstrip())
    warn("no time stamps (printk.time=0 or dmesg -t): each line is a record without a time",
         line=first, text=messages[0], tool=NAME)
    frame = pd.DataFrame({"message": pd.Series(messages, dtype=object)})
    frame.attrs.update({"format": "notime", "utc_offset": None})
    return frame


def _frame(records: list[dict[str, Any]], *, strict: bool) -> pd.DataFrame:
    """Records (dicts of the regex groups) to the documented columns."""
    table = pd.DataFrame(records)
    columns: dict[str, Any] = {}
    attrs: dict[str, Any] = {"format": "plain", "utc_offset": None}
    keep = np.ones(len(table), dtype=bool)
    if "ctime" in table:
        times, bad = _ctimes(table["ctime"])
        columns["time"] = times
        keep &= ~bad
        attrs["format"] = "ctime"
    if "iso" in table:
        iso = to_datetime_ns(table["iso"].str.replace(",", ".", regex=False),
                             format="%Y-%m-%dT%H:%M:%S.%f")
        columns["time"] = iso if "time" not in columns else columns["time"].fillna(iso)
        keep &= ~(iso.isna() & table["iso"].notna()).to_numpy()
        attrs["format"] = "iso"
        if "tz" in table:
            offsets = table["tz"].dropna().unique()
            attrs["utc_offset"] = str(offsets[0]) if len(offsets) == 1 else None
    if "ts" in table:
        columns["timestamp"] = pd.to_numeric(table["ts"]).astype(float)
    for name in ("delta", "rel"):  # seconds since the record before (-d, reltime, delta)
        if name in table:
            delta = pd.to_numeric(table[name].str.replace(",", ".", regex=False))
            columns["delta"] = delta if "delta" not in columns else \
                columns["delta"].fillna(delta)
    if "pri" in table:  # as printed by -r (see the caution in the module doc)
        columns["priority"] = pd.to_numeric(table["pri"], errors="coerce").astype("Int64")
    facility, level = _levels(table)
    if facility is not None:
        columns["facility"] = facility
        columns["level"] = level
    if "caller" in table:
        columns["caller"] = table["caller"]
    columns["message"] = table["msg"].astype(str)
    frame = pd.DataFrame(columns)
    if "time" in frame:
        frame["time"] = frame["time"].astype("datetime64[ns]")
    for index in np.flatnonzero(~keep):
        _unknown(int(table["line"].iloc[index]), str(table.get("ctime", table.get("iso"))
                                                     .iloc[index]),
                 "a date dmesg does not print", strict)
    frame = frame.loc[keep].reset_index(drop=True)
    frame.attrs.update(attrs)
    return frame


def _ctimes(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """``Wed Nov 25 00:31:54 2026`` (or ``Mi Nov``, ``mer. nov.``, ``水 11月``) -> datetime."""
    parts = values.astype(str).str.extract(_CTIME)
    months = parts["mon"].map(lambda m: month_number(m) if isinstance(m, str) else None)
    stamp = (parts["year"] + "-" + months.astype("Int64").astype(str) + "-" + parts["day"]
             + " " + parts["hms"])
    times = to_datetime_ns(stamp, format="%Y-%m-%d %H:%M:%S")
    bad = (times.isna() & values.notna()).to_numpy()
    return times, bad


def _levels(table: pd.DataFrame) -> tuple[pd.Series | None, pd.Series | None]:
    """Facility and level names from ``-x`` words or ``-r``/``-J`` priority numbers."""
    if "fac" not in table and "pri" not in table:
        return None, None
    facility = table["fac"] if "fac" in table else pd.Series(None, index=table.index,
                                                             dtype=object)
    level = table["lvl"] if "lvl" in table else pd.Series(None, index=table.index,
                                                          dtype=object)
    if "pri" in table:
        pri = pd.to_numeric(table["pri"], errors="coerce")
        from_pri_fac = (pri // 8).map(lambda n: FACILITIES[int(n)]
                                      if pd.notna(n) and n < len(FACILITIES) else None)
        from_pri_lvl = (pri % 8).map(lambda n: LEVELS[int(n)] if pd.notna(n) else None)
        facility = facility.where(facility.notna(), from_pri_fac)
        level = level.where(level.notna(), from_pri_lvl)
    return facility.astype(object), level.astype(object)


_JSON_START = re.compile(r'\{\s*"dmesg"\s*:\s*\[')
_JSON_END = re.compile(r"\]\s*(\})?\s*")  # the end of the records, of the document


def _parse_json(text: str, *, strict: bool) -> pd.DataFrame:
    """``dmesg -J``: ``{"dmesg": [{"pri": 6, "time": 1.2, "msg": "..."}, ...]}``.

    A cut-off document keeps the records before the cut (with a warning)."""
    decoder = json.JSONDecoder()
    start = re.search(r'^\s*\{\s*"dmesg"\s*:\s*\[', text)
    if not start:
        raise ParseError('not dmesg JSON (no {"dmesg": [ at the start)', line=1,
                         text=text.split("\n", 1)[0], tool=NAME)
    records: list[dict[str, Any]] = []
    pos = start.end()
    line, counted = 1 + text.count("\n", 0, pos), pos
    while True:
        while pos < len(text) and text[pos] in " \t\n,":
            pos += 1
        if text.startswith("]", pos):
            end = _JSON_END.match(text, pos)
            assert end is not None  # "]" at pos matches
            following = _JSON_START.match(text, end.end())
            if following and end.group(1):
                pos = following.end()  # another -J document appended: read on
                continue
            if end.end() < len(text):
                bad_line("text after the end of dmesg's JSON (another output appended?)",
                         line=1 + text.count("\n", 0, end.end()),
                         text=text[end.end():].split("\n", 1)[0], tool=NAME, strict=strict,
                         action="not read from here on")
            break
        line, counted = line + text.count("\n", counted, pos), pos
        try:
            item, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            shown = text[pos:].split("\n", 1)[0]
            if pos >= len(text.rstrip()) or not text[pos:].strip():
                message = "the JSON document ends early; the records before it are kept"
            else:
                message = "the JSON document is cut off or damaged; the records before it " \
                          "are kept"
            if strict and pos < len(text.rstrip()) and "]" in text[pos:]:
                raise ParseError("damaged dmesg JSON", line=line, text=shown,
                                 tool=NAME) from None
            warn(message, line=line, text=shown, tool=NAME)
            break
        if not isinstance(item, dict) or "msg" not in item:
            _unknown(line, json.dumps(item)[:120], "a JSON record without 'msg'", strict)
            continue
        records.append(_json_record(item, line))
    if not records:
        raise ParseError("dmesg JSON without records", line=1, text=text.split("\n", 1)[0],
                         tool=NAME)
    frame = _frame(records, strict=strict)
    frame.attrs["format"] = "json"
    return frame


def _json_record(item: dict[str, Any], line: int) -> dict[str, Any]:
    record: dict[str, Any] = {"line": line, "msg": str(item["msg"])}
    stamp = item.get("time")
    if isinstance(stamp, (int, float)):
        record["ts"] = float(stamp)
    elif isinstance(stamp, str):
        record["iso"] = stamp[:26] if "T" in stamp else None
    pri = item.get("pri")
    if isinstance(pri, int):
        record["pri"] = pri
    elif isinstance(pri, str):
        record["lvl"] = pri
    if isinstance(item.get("fac"), str):
        record["fac"] = item["fac"]
    if item.get("caller"):
        record["caller"] = str(item["caller"])
    return record
