"""``journalctl`` (``-k`` or not) as a DataFrame: one row per journal entry.

A real sample (systemd 252, ``journalctl --grep ...`` after a segfault, a hung task and a
message logged through syslog; the host name is redacted):

>>> text = ("Nov 25 00:48:02 demo-host kernel: python3[18997]: segfault at 0 ip 00007fdc61d85ad8 "
...         "sp 00007ffd899af978 error 4 in libc.so.6[167ad8,7fdc61c44000+156000] likely on CPU 1"
...         " (core 1, socket 0)\\n"
...         "Nov 25 00:48:05 demo-host kernel: INFO: task sh:19049 blocked for more than 2"
...         " seconds.\\n"
...         "Nov 25 00:48:11 demo-host perfkit[19221]: perfkit: an error logged through syslog\\n")
>>> df = parse(text)
>>> df[["time", "host", "identifier", "pid"]]
                 time       host identifier    pid
0 1972-11-25 00:48:02  demo-host     kernel   <NA>
1 1972-11-25 00:48:05  demo-host     kernel   <NA>
2 1972-11-25 00:48:11  demo-host    perfkit  19221
>>> df.loc[1, "message"]
'INFO: task sh:19049 blocked for more than 2 seconds.'

Formats read: ``short`` (the default: ``Nov 25 00:33:36 host ident[pid]: msg``, month names
in English, German or French), ``short-precise``, ``short-iso``, ``short-iso-precise``,
``short-full``, ``short-monotonic``, ``short-unix``, ``json`` and ``json-pretty``; and BSD
syslog files (RFC 3164: the short format, optionally led by ``<PRI>``), which is what
``/var/log/syslog`` holds. RFC 5424 syslog lines (``<165>1 2003-08-24T05:14:15Z host app
...``) are not read: such input raises :class:`~perfkit.errors.ParseError`.

Columns (the same names as :mod:`perfkit.parsers.dmesg` where they mean the same):

* ``time`` (``datetime64``): as printed (local time; ``short-iso``'s offset goes to
  ``attrs["utc_offset"]``, ``short-full``'s zone to ``attrs["timezone"]``). JSON gives UTC
  (``_SOURCE_REALTIME_TIMESTAMP`` when the sender supplied it, else
  ``__REALTIME_TIMESTAMP``, as journalctl itself chooses). **The year**: ``short`` and
  ``short-precise`` (and syslog files) print none. perfkit places such times in **1972**
  (a leap year, so ``Feb 29`` is valid; plainly not a real year) and adds a year whenever
  the month goes back by more than six (December to January); ``attrs["date"]`` is None and
  ``attrs["year_printed"]`` False. Pass ``year=`` (``perfkit.parse(text, "journalctl",
  year=2026)``) to place them in a known year.
* ``timestamp`` (float): seconds since boot, from ``short-monotonic`` or JSON
  (``_SOURCE_MONOTONIC_TIMESTAMP``, the kernel's own time for kernel messages, else
  ``__MONOTONIC_TIMESTAMP``).
* ``host``, ``identifier`` (``kernel`` for ``-k``), ``pid`` (nullable integer).
* ``facility`` and ``level``: names as ``dmesg -x`` prints them, from JSON
  (``SYSLOG_FACILITY``, ``PRIORITY``) or a syslog ``<PRI>``.
* ``message``. A message of several lines (journalctl indents the following lines under the
  first) is one row with ``\\n`` in it. JSON prints a message that is not valid UTF-8 as a
  byte array: it is decoded with invalid bytes shown as ``\\xff`` escapes (the short
  formats print ``[41B blob data]`` instead, kept as printed).
* ``boot``: the boot id of the preceding ``-- Boot <id> --`` marker (entries before the
  first marker belong to an earlier boot that journalctl does not name: None; an old-style
  ``-- Reboot --`` marker gives ``reboot-1``, ``reboot-2``...), or JSON's ``_BOOT_ID``.
  Present only when there is a marker or a JSON boot id.
* JSON fields not listed above keep their journal names (``_TRANSPORT``, ``_COMM``,
  ``__CURSOR``...), as text.

``-- No entries --`` gives an empty frame with ``attrs["no_entries"]`` True; the headers
``-- Logs begin at ..., end at ... --`` and ``-- Journal begins at ..., ends at ... --``
go to ``attrs["logs_begin"]``/``attrs["logs_end"]`` (as printed), and ``Hint: ...`` lines
to ``attrs["notes"]``. :mod:`perfkit.dmesg` finds kernel events in the frame.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParseError, bad_line, warn
from ._read.text import clean_text
from .dmesg import FACILITIES, LEVELS, month_number, to_datetime_ns

NAME = "journalctl"

#: The columns parse may give (see :mod:`perfkit.parsers.columns`); ``-o json`` keeps the
#: journal's own fields (``_TRANSPORT``, ``__CURSOR``...) as text.
COLUMNS: dict[str, dict[str, str]] = {
    "": {"time": "datetime", "timestamp": "float", "host": "str", "identifier": "str",
         "pid": "int", "message": "str", "facility": "str", "level": "str", "boot": "str",
         "_*": "str"},
}
#: The year given to ``short``/``short-precise`` times, which print none (see above).
DEFAULT_YEAR = 1972

_SHORT = re.compile(
    r"^(?:<(?P<pri>\d{1,3})>)?"
    r"(?:(?P<mon>[^\W\d_]{3,5}\.?)\s+(?P<day>\d{1,2})\s(?P<hms>\d{2}:\d{2}:\d{2})"
    r"(?P<frac>\.\d{1,9})?"
    r"|(?P<iso>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(?P<tz>[+-]\d{2}:?\d{2}|Z)?"
    r"|[^\W\d_]{2,4}\.?\s(?P<full>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)"
    r" (?P<zone>\S+)"
    r"|\[\s*(?P<mono>\d+\.\d+)\]"
    r"|(?P<unix>\d{9,}\.\d+))"
    r" (?P<host>\S*[^\s:]) (?P<ident>\S*?)(?:\[(?P<pid>\d+)\])?:(?: (?P<msg>.*))?$")
# a syslog line without a tag (RFC 3164 allows it): "Mar  8 15:18:40 avas: last message..."
_UNTAGGED = re.compile(_SHORT.pattern.replace(
    r" (?P<host>\S*[^\s:]) (?P<ident>\S*?)(?:\[(?P<pid>\d+)\])?:", r" (?P<host>\S*[^\s:]):"))
_BOOT = re.compile(r"^-- Boot (?P<id>[0-9a-f]{32}) --$")
_REBOOT = re.compile(r"^-- Reboot --$")
_NO_ENTRIES = re.compile(r"^-- No entries --$")
_BEGINS = re.compile(r"^-- (?:Logs begin|Journal begins) at (?P<begin>.+?), "
                     r"(?:end|ends) at (?P<end>.+?)\. --$")
_NOTE = re.compile(r"^(?:Hint: .*|No journal files were (?:found|opened).*)$")
_RFC5424 = re.compile(r"^<\d{1,3}>\d{1,2} (?:\d{4}-\d{2}-\d{2}T\S+|-) ")

# JSON fields read into the documented columns (the others are kept under their names)
_JSON_USED = {"__REALTIME_TIMESTAMP", "_SOURCE_REALTIME_TIMESTAMP", "__MONOTONIC_TIMESTAMP",
              "_SOURCE_MONOTONIC_TIMESTAMP", "_HOSTNAME", "SYSLOG_IDENTIFIER", "_PID",
              "SYSLOG_PID", "SYSLOG_FACILITY", "PRIORITY", "MESSAGE", "_BOOT_ID"}


def detect(lines: list[str]) -> bool:
    """True for journalctl's markers, its JSON, or lines in one of its short formats."""
    if not lines:
        return False
    first = lines[0].strip()
    if (_NO_ENTRIES.match(first) or _BOOT.match(first) or _BEGINS.match(first)
            or _REBOOT.match(first)):
        return True
    if first.startswith("{"):
        return '"__CURSOR"' in first or '"__REALTIME_TIMESTAMP"' in first
    heads = [line for line in lines if not line[:1].isspace() and not line.startswith("--")]
    found = [m for m in map(_SHORT.match, heads) if m]
    if not found or len(found) * 3 < len(heads) * 2:
        return False
    if any(m.group("mono") for m in found):
        # "[ 1.2] EXT4-fs (loop0): msg", "[ 3.1] usb 1-1: new ...", "[ 33.6] ACPI Error: ..."
        # from dmesg look the same: journalctl's lines all name one host, and name a program
        # as the kernel ("kernel:") or with its pid ("systemd[1]:"), not a device ("1-1:")
        programs = sum(m.group("ident") == "kernel" or m.group("pid") is not None
                       for m in found)
        return (len({m.group("host") for m in found}) == 1 and len(found) >= min(3, len(heads))
                and programs * 3 >= len(found) * 2)
    return True


def parse(text: str, *, strict: bool = False, dayfirst: bool | None = None,
          year: int | None = None) -> pd.DataFrame:
    """Parse journalctl's output (see the module docstring).

    Args:
        year: the year of ``short``/``short-precise`` times, which print none (default:
            :data:`DEFAULT_YEAR`, 1972, recorded as unknown in ``attrs``).
        dayfirst: accepted for the common signature; journalctl's dates are unambiguous.
    """
    text = clean_text(text, tool=NAME)
    if text.lstrip().startswith("{"):
        return _parse_json(text, strict=strict)
    return _parse_short(text, strict=strict, year=year)


def _unknown(number: int, line: str, message: str, strict: bool) -> None:
    bad_line(message, line=number, text=line, tool=NAME, strict=strict, action="line skipped")


def _parse_short(text: str, *, strict: bool, year: int | None) -> pd.DataFrame:
    lines = text.split("\n")
    heads = [line for line in lines if line.strip() and not line[:1].isspace()]
    if heads and sum(bool(_RFC5424.match(line)) for line in heads) * 2 >= len(heads):
        first = next(i for i, line in enumerate(lines, 1) if line in heads)
        raise ParseError("RFC 5424 syslog lines: perfkit reads journalctl's output and BSD "
                         "(RFC 3164) syslog files, not RFC 5424", line=first,
                         text=lines[first - 1], tool=NAME)
    records: list[dict[str, Any]] = []
    attrs: dict[str, Any] = {"no_entries": False, "notes": []}
    boot: str | None = None
    boots_seen = reboots = 0
    indent = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        stripped = line.strip()
        match = _SHORT.match(line) or _UNTAGGED.match(line)
        if match:
            record = {k: v for k, v in match.groupdict().items() if v is not None}
            record["msg"] = record.get("msg", "")
            record["line"] = number
            if _said_twice(record):
                warn("the program's name is printed twice (a word repeated?): the message "
                     "is kept as printed, starting with it", line=number, text=line,
                     tool=NAME)
            record["boot"] = boot
            records.append(record)
            indent = match.start("msg") if match.group("msg") is not None else len(line)
        elif records and line[:1].isspace():
            lead = len(line) - len(line.lstrip(" "))
            records[-1]["msg"] += "\n" + line[min(lead, indent):]
        elif _NO_ENTRIES.match(stripped):
            attrs["no_entries"] = True
        elif marker := _BOOT.match(stripped):
            boot = marker.group("id")
            boots_seen += 1
        elif _REBOOT.match(stripped):
            reboots += 1
            boot = f"reboot-{reboots}"
            boots_seen += 1
        elif begins := _BEGINS.match(stripped):
            attrs["logs_begin"], attrs["logs_end"] = begins.group("begin"), begins.group("end")
        elif _NOTE.match(stripped):
            attrs["notes"].append(stripped)
        else:
            _unknown(number, line, "not a journalctl line", strict)
    if not records:
        if attrs["no_entries"] or "logs_begin" in attrs:
            return _empty(attrs)
        first = next((i for i, line in enumerate(lines, 1) if line.strip()), 1)
        raise ParseError("no journalctl entry ('Nov 25 00:10:01 host ident: message') in "
                         "the input", line=first, text=lines[first - 1], tool=NAME)
    return _short_frame(records, attrs, strict=strict, year=year, markers=boots_seen > 0)


def _said_twice(record: dict[str, Any]) -> bool:
    """Whether a message starts with its line's own tag (``kernel: kernel: ...``): the tag
    printed twice, so the message holds a word the program did not write.

    >>> _said_twice({"ident": "kernel", "msg": "kernel: RSP: 002b"})
    True
    >>> _said_twice({"ident": "sshd", "pid": "12", "msg": "Accepted key"})
    False
    """
    ident = record.get("ident")
    if not ident:
        return False
    tag = f"{ident}[{record['pid']}]:" if record.get("pid") else f"{ident}:"
    message = record["msg"]
    return message.startswith(tag) and message[len(tag):len(tag) + 1] in ("", " ")


def _empty(attrs: dict[str, Any]) -> pd.DataFrame:
    frame = pd.DataFrame({"time": pd.Series(dtype="datetime64[ns]"),
                          "host": pd.Series(dtype=object),
                          "identifier": pd.Series(dtype=object),
                          "pid": pd.Series(dtype="Int64"),
                          "message": pd.Series(dtype=object)})
    frame.attrs.update({"date": None, **attrs})
    return frame


def _short_frame(records: list[dict[str, Any]], attrs: dict[str, Any], *, strict: bool,
                 year: int | None, markers: bool) -> pd.DataFrame:
    table = pd.DataFrame(records)
    n = len(table)
    time = pd.Series(pd.NaT, index=table.index, dtype="datetime64[ns]")
    kinds = set()
    if "mon" in table:
        kinds.add("short")
        rows = table["mon"].notna()
        months = table.loc[rows, "mon"].map(month_number)
        base = DEFAULT_YEAR if year is None else year
        steps = months.ffill().fillna(1).astype(int).to_numpy()
        wraps = np.concatenate([[0], np.cumsum(np.diff(steps) < -6)]) if len(steps) else steps
        years = pd.Series(base + wraps, index=months.index).astype(str)
        frac = table.loc[rows, "frac"].fillna(".0") if "frac" in table else ".0"
        stamp = (years + "-" + months.astype("Int64").astype(str).str.zfill(2) + "-"
                 + table.loc[rows, "day"].str.zfill(2) + " " + table.loc[rows, "hms"] + frac)
        time[rows] = to_datetime_ns(stamp, format="%Y-%m-%d %H:%M:%S.%f")
        attrs["year_printed"] = year is not None
        if year is None:
            attrs["date"] = None
    for column, kind in (("iso", "short-iso"), ("full", "short-full")):
        if column in table:
            kinds.add(kind)
            rows = table[column].notna()
            time[rows] = to_datetime_ns(table.loc[rows, column], format="ISO8601")
    if "unix" in table:
        kinds.add("short-unix")
        rows = table["unix"].notna()
        time[rows] = to_datetime_ns(pd.to_numeric(table.loc[rows, "unix"]), unit="s")
    if "tz" in table:
        offsets = table["tz"].dropna().unique()
        attrs["utc_offset"] = str(offsets[0]) if len(offsets) == 1 else None
    if "zone" in table:
        zones = table["zone"].dropna().unique()
        attrs["timezone"] = str(zones[0]) if len(zones) == 1 else None
    columns: dict[str, Any] = {}
    if kinds:
        columns["time"] = time
    if "mono" in table:
        kinds.add("short-monotonic")
        columns["timestamp"] = pd.to_numeric(table["mono"]).astype(float)
    columns["host"] = table["host"].astype(object)
    columns["identifier"] = (table["ident"].astype(object) if "ident" in table
                             else pd.Series(None, index=table.index, dtype=object))
    columns["pid"] = (pd.to_numeric(table["pid"]).astype("Int64") if "pid" in table
                      else pd.Series(pd.NA, index=table.index, dtype="Int64"))
    if "pri" in table:
        pri = pd.to_numeric(table["pri"])
        columns["facility"] = (pri // 8).map(
            lambda v: FACILITIES[int(v)] if pd.notna(v) and v < len(FACILITIES) else None)
        columns["level"] = (pri % 8).map(lambda v: LEVELS[int(v)] if pd.notna(v) else None)
        kinds.add("syslog")
    columns["message"] = table["msg"].astype(object)
    if markers:
        columns["boot"] = table["boot"].astype(object)
    frame = pd.DataFrame(columns)
    bad = np.zeros(n, dtype=bool)
    if "time" in frame:
        bad = frame["time"].isna().to_numpy()
        for index in np.flatnonzero(bad):
            _unknown(int(table["line"].iloc[index]), str(table["msg"].iloc[index])[:80],
                     "a date that does not exist", strict)
    frame = frame.loc[~bad].reset_index(drop=True)
    attrs["format"] = "+".join(sorted(kinds))
    frame.attrs.update(attrs)
    return frame


def _parse_json(text: str, *, strict: bool) -> pd.DataFrame:
    """``-o json`` (one object a line) or ``-o json-pretty`` (objects over several lines)."""
    decoder = json.JSONDecoder()
    entries: list[dict[str, Any]] = []
    pos, end = 0, len(text)
    line, counted = 1, 0
    while True:
        while pos < end and text[pos] in " \t\n":
            pos += 1
        if pos >= end:
            break
        line, counted = line + text.count("\n", counted, pos), pos
        try:
            item, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            rest = text[pos:]
            shown = rest.split("\n", 1)[0]
            if "\n" not in rest.rstrip("\n"):
                warn("the last entry is truncated and was dropped", line=line, text=shown,
                     tool=NAME)
                break
            _unknown(line, shown, "not a JSON journal entry", strict)
            pos = text.find("\n", pos)
            pos = end if pos < 0 else pos
            continue
        if not isinstance(item, dict) or not ({"MESSAGE", "__REALTIME_TIMESTAMP"} & set(item)):
            _unknown(line, json.dumps(item)[:120], "a JSON value that is not a journal entry",
                     strict)
            continue
        entries.append(item)
    if not entries:
        raise ParseError("no JSON journal entry in the input", line=1,
                         text=text.split("\n", 1)[0], tool=NAME)
    return _json_frame(entries)


def _field(value: Any) -> Any:
    """A JSON field's value: text, bytes (an array of numbers) decoded, or several values."""
    if value is None:
        return None
    if isinstance(value, list):
        if value and all(isinstance(v, int) for v in value):
            return bytes(v & 0xFF for v in value).decode("utf-8", "backslashreplace")
        return "\n".join(str(_field(v)) for v in value)
    return str(value)


def _json_frame(entries: list[dict[str, Any]]) -> pd.DataFrame:
    raw = pd.DataFrame([{key: _field(value) for key, value in entry.items()}
                        for entry in entries])

    def first_of(*names: str) -> pd.Series | None:
        found = [raw[name] for name in names if name in raw]
        if not found:
            return None
        out = found[0]
        for other in found[1:]:
            out = out.fillna(other)
        return out

    columns: dict[str, Any] = {}
    realtime = first_of("_SOURCE_REALTIME_TIMESTAMP", "__REALTIME_TIMESTAMP")
    if realtime is not None:
        columns["time"] = to_datetime_ns(pd.to_numeric(realtime, errors="coerce"), unit="us")
    monotonic = first_of("_SOURCE_MONOTONIC_TIMESTAMP", "__MONOTONIC_TIMESTAMP")
    if monotonic is not None:
        columns["timestamp"] = pd.to_numeric(monotonic, errors="coerce") / 1e6
    for column, names in (("host", ("_HOSTNAME",)), ("identifier", ("SYSLOG_IDENTIFIER",))):
        found = first_of(*names)
        columns[column] = found if found is not None else None
    pid = first_of("_PID", "SYSLOG_PID")
    columns["pid"] = (pd.to_numeric(pid, errors="coerce").astype("Int64") if pid is not None
                      else pd.Series(pd.NA, index=raw.index, dtype="Int64"))
    if "SYSLOG_FACILITY" in raw:
        number = pd.to_numeric(raw["SYSLOG_FACILITY"], errors="coerce")
        columns["facility"] = number.map(
            lambda v: FACILITIES[int(v)] if pd.notna(v) and 0 <= v < len(FACILITIES) else None)
    if "PRIORITY" in raw:
        number = pd.to_numeric(raw["PRIORITY"], errors="coerce")
        columns["level"] = number.map(
            lambda v: LEVELS[int(v)] if pd.notna(v) and 0 <= v < len(LEVELS) else None)
    columns["message"] = raw["MESSAGE"].fillna("") if "MESSAGE" in raw else ""
    if "_BOOT_ID" in raw:
        columns["boot"] = raw["_BOOT_ID"]
    frame = pd.DataFrame(columns, index=raw.index)
    for name in raw.columns:
        if name not in _JSON_USED:
            frame[name] = raw[name]
    if "time" in frame:
        frame["time"] = frame["time"].astype("datetime64[ns]")
    frame.attrs.update({"format": "json", "no_entries": False, "notes": [],
                        "utc_offset": "+00:00"})
    return frame
