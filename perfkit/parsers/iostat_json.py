"""iostat's ``-o JSON`` output (sysstat 11 and 12): its reports as the rows of the same
``cpu`` and ``devices`` tables as the text gives (see :mod:`perfkit.parsers.iostat`).

JSON keys become the text's column names (``rkB_per_sec`` -> ``rkB/s``, ``util`` -> ``%util``,
sysstat 11's ``rrqm`` -> ``rrqm/s``), in the text's order where the keys are ``-x``'s.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd

from ..errors import ParseError, bad_line, warn

NAME = "iostat"

#: JSON keys (sysstat 12) whose text column carries a ``%``.
_JSON_PERCENT = {"rrqm", "wrqm", "drqm", "util"}
#: The text's order of the ``-x`` columns (sysstat 12.1+); its JSON lists them otherwise.
_X_ORDER = ("r/s", "r{u}B/s", "rrqm/s", "%rrqm", "r_await", "rareq-sz",
            "w/s", "w{u}B/s", "wrqm/s", "%wrqm", "w_await", "wareq-sz",
            "d/s", "d{u}B/s", "drqm/s", "%drqm", "d_await", "dareq-sz",
            "f/s", "f_await", "aqu-sz", "%util")
#: sysstat 11's JSON names for the ``-x`` rates.
_JSON_OLD_EXT = {"rrqm": "rrqm/s", "wrqm": "wrqm/s", "r": "r/s", "w": "w/s",
                 "rkB": "rkB/s", "wkB": "wkB/s", "rMB": "rMB/s", "wMB": "wMB/s"}
_JSON_HOST = re.compile(r'"(nodename|sysname|release|machine|number-of-cpus|date)"\s*:\s*'
                        r'("(?:[^"\\]|\\.)*"|-?\d+)')


def read_json(text: str, *, strict: bool) -> tuple[pd.DataFrame | None, pd.DataFrame | None,
                                                   int, list[tuple[str | None, int]],
                                                   dict[str, Any]]:
    r"""Read ``iostat -o JSON``: the ``cpu`` and ``devices`` frames (``None`` when the reports
    have none), the number of reports, each report's time stamp and line, and the host's
    facts; :func:`perfkit.parsers.iostat.parse` gives them times and ``since_boot``.

    The first report of ``iostat -o JSON -t 1 2`` (sysstat 12.6.1), indentation dropped:

    >>> text = "\n".join([
    ...     '{"sysstat": {', '"hosts": [', '{', '"nodename": "demo-host",',
    ...     '"sysname": "Linux",', '"release": "6.18.44-fc-v657",', '"machine": "x86_64",',
    ...     '"number-of-cpus": 2,', '"date": "11/25/2026",', '"statistics": [', '{',
    ...     '"timestamp": "11/25/2026 12:28:08 AM",',
    ...     '"avg-cpu":  {"user": 20.53, "nice": 0.00, "system": 6.21, "iowait": 1.49, '
    ...     '"steal": 0.03, "idle": 71.74},', '"disk": [',
    ...     '{"disk_device": "vda", "tps": 226.85, "kB_read/s": 3466.54, "kB_wrtn/s": '
    ...     '74856.81, "kB_dscd/s": 29685.59, "kB_read": 3132681, "kB_wrtn": 67647348, '
    ...     '"kB_dscd": 26826568}', ']', '}', ']', '}', ']', '}}'])
    >>> cpu, devices, count, stamps, facts = read_json(text, strict=False)
    >>> cpu[["%user", "%idle"]].values.tolist(), devices[["Device", "tps"]].values.tolist()
    ([[20.53, 71.74]], [['vda', 226.85]])
    >>> count, stamps, facts["cpus"]
    (1, [('11/25/2026 12:28:08 AM', 11)], 2)
    """
    start = re.search(r'"statistics"\s*:\s*\[', text)
    # as iostat writes it ('{"sysstat": {'), or re-indented by jq or json.tool ("{" alone)
    if not re.match(r'\s*\{\s*"sysstat"', text) or start is None:
        raise ParseError("not sysstat JSON: expected {\"sysstat\": ... \"statistics\": [",
                         line=1, text=text.split("\n", 1)[0], tool=NAME)
    host: dict[str, Any] = {}
    for key, value in _JSON_HOST.findall(text[:start.start()]):
        try:
            host[key] = json.loads(value)
        except ValueError:
            continue
    facts: dict[str, Any] = {"os": host.get("sysname"), "kernel": host.get("release"),
                             "host": host.get("nodename"), "date_text": host.get("date"),
                             "arch": host.get("machine"), "cpus": host.get("number-of-cpus"),
                             "tool": NAME, "format": "json", "decimal": "."}
    entries = _json_entries(text, start.end(), strict)

    cpu_rows: list[dict[str, Any]] = []
    dev_rows: list[dict[str, Any]] = []
    stamps: list[tuple[str | None, int]] = []
    for report, (entry, line) in enumerate(entries):
        stamp = entry.get("timestamp")
        stamps.append((stamp if isinstance(stamp, str) else None, line))
        for key in entry:
            if key not in ("timestamp", "avg-cpu", "disk"):
                _json_problem(f"an unknown key {key!r} in a report", line, strict)
        cpu = entry.get("avg-cpu")
        if isinstance(cpu, dict):
            cpu_rows.append({"report": report, **{f"%{k}": v for k, v in cpu.items()}})
        disks = entry.get("disk")
        if isinstance(disks, list):
            for position, disk in enumerate(disks):
                if not isinstance(disk, dict):
                    _json_problem("a disk entry that is not an object", line, strict)
                    continue
                dev_rows.append(_json_disk(disk, report, position))
    cpu = _json_frame(cpu_rows) if cpu_rows or _has(entries, "avg-cpu") else None
    devices = _json_frame(dev_rows) if dev_rows or _has(entries, "disk") else None
    if devices is not None:
        devices["group"] = devices["group"].astype(bool) if "group" in devices else False
    return cpu, devices, len(entries), stamps, facts


def _has(entries: list[tuple[dict, int]], key: str) -> bool:
    return any(key in entry for entry, _ in entries)


def _json_problem(message: str, line: int, strict: bool) -> None:
    bad_line(message, line=line, tool=NAME, strict=strict)


def _json_entries(text: str, position: int, strict: bool) -> list[tuple[dict, int]]:
    """The report objects of the statistics list; a cut-off last one is dropped."""
    decoder = json.JSONDecoder()
    entries: list[tuple[dict, int]] = []
    length = len(text)
    while True:
        while position < length and text[position] in " \t\r\n,":
            position += 1
        if position >= length:
            line = text.count("\n", 0, length) + 1
            warn(f"the JSON ends before its closing brackets (truncated); {len(entries)} "
                 "complete reports kept", line=line, tool=NAME)
            break
        if text[position] == "]":
            closing = "".join(text[position:].split())
            if not "]}]}}".startswith(closing):  # a second document, or junk, after this one
                after = position + text[position:].find("}}") + 2
                after += len(text[after:]) - len(text[after:].lstrip())
                raise ParseError("more text after the JSON document",
                                 line=text.count("\n", 0, after) + 1,
                                 text=text[after:].split("\n", 1)[0], tool=NAME)
            break
        line = text.count("\n", 0, position) + 1
        try:
            entry, position = decoder.raw_decode(text, position)
        except ValueError:
            shown = text[position:].strip().split("\n", 1)[0]
            if text.rstrip().endswith("}}"):
                # the whole document is there: a malformed report, not a truncated one
                raise ParseError("malformed JSON report", line=line, text=shown,
                                 tool=NAME) from None
            warn("the last report is truncated and was dropped", line=line, text=shown,
                 tool=NAME)
            break
        if not isinstance(entry, dict):
            _json_problem("a report that is not an object", line, strict)
            continue
        entries.append((entry, line))
    return entries


def _json_disk(disk: dict[str, Any], report: int, position: int) -> dict[str, Any]:
    old = "r" in disk or any(str(k).endswith("_per_sec") for k in disk)
    row: dict[str, Any] = {"report": report, "__pos": position}
    for key, value in disk.items():
        if key == "disk_device":
            name = str(value)
            row["Device"] = name.strip()
            row["group"] = name[:1] == " "
        elif old and key in _JSON_OLD_EXT:
            row[_JSON_OLD_EXT[key]] = value
        elif key.endswith("_per_sec"):
            row[key[: -len("_per_sec")] + "/s"] = value
        elif key in _JSON_PERCENT:
            row[f"%{key}"] = value
        else:
            row[key] = value
    return row


def _json_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows) if rows else pd.DataFrame({"report": []})
    for unit in "kMG":
        order = [name.format(u=unit) for name in _X_ORDER]
        if set(order) <= set(frame.columns) and len(order) + 4 == frame.shape[1]:
            frame = frame[["report", "__pos", "Device", *order, "group"]]
    for name in frame.columns:
        if name not in ("report", "Device", "group", "__pos"):
            frame[name] = pd.to_numeric(frame[name], errors="coerce")
    frame["report"] = frame["report"].astype("int64")
    return frame
