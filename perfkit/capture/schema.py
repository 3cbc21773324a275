"""The layout of ``capture.json``, checked before a capture is read.

:func:`validate` checks the types of every field :mod:`perfkit.capture.load` uses, and that
every file name in it is a plain name inside the capture directory (no ``/``, no ``..``),
so a hand-edited or hostile ``capture.json`` cannot make the loader read other files.
Errors are :class:`CaptureFileError` naming the file and the field.

>>> validate({"schema_version": 1, "status": "complete", "complete": True,
...           "commands": [{"name": "uptime", "tool": "uptime", "stdout": "uptime.txt"}]},
...          "capture.json")
>>> try:
...     validate({"schema_version": True, "status": "complete", "complete": True}, "c.json")
... except CaptureFileError as exc:
...     print(exc)
c.json: schema_version: expected a whole number from 1 to 1, found True
>>> bad = {"name": "x", "tool": "vmstat", "stdout": "../../etc/passwd"}
>>> try:
...     validate({"schema_version": 1, "status": "partial", "complete": False,
...               "commands": [bad]}, "c.json")
... except CaptureFileError as exc:
...     print(exc)  # doctest: +NORMALIZE_WHITESPACE
c.json: commands[0].stdout: expected the name of a file inside the capture directory,
found '../../etc/passwd'
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from .meta import SCHEMA_VERSION

STATUSES = ("in progress", "partial", "complete")


class CaptureFileError(ValueError):
    """A capture's ``capture.json`` or one of its files cannot be used: the message names
    the file and, for ``capture.json``, the field."""


def is_file_name(value: Any) -> bool:
    """A plain file name inside the directory: no separator, not ``.``/``..``, no NUL.

    >>> [is_file_name(v) for v in ("vmstat.txt", "../x", "/etc/passwd", "..", "", 3)]
    [True, False, False, False, False, False]
    """
    return (isinstance(value, str) and value not in ("", ".", "..")
            and not any(c in value for c in "/\\\0"))


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _time(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _optional(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda value: value is None or check(value)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _text_map(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in value.items())


_TOP: dict[str, tuple[Callable[[Any], bool], str]] = {
    "generator": (_optional(lambda v: isinstance(v, str)), "text"),
    "reason": (_optional(lambda v: isinstance(v, str)), "text or null"),
    "host": (_optional(lambda v: isinstance(v, str)), "text or null"),
    "fqdn": (_optional(lambda v: isinstance(v, str)), "text or null"),
    "kernel": (_optional(lambda v: isinstance(v, str)), "text or null"),
    "cpus": (_optional(_whole), "a whole number or null"),
    "memory_kib": (_optional(_whole), "a whole number or null"),
    "distribution": (_optional(_text_map), "an object of texts"),
    "tool_versions": (_optional(_text_map), "an object of texts"),
    "environment": (_optional(_text_map), "an object of texts"),
    "missing": (_optional(_text_map), "an object of texts"),
    "interval": (_optional(_whole), "a whole number of seconds"),
    "count": (_optional(_whole), "a whole number"),
    "duration_requested": (_optional(_number), "a number of seconds"),
    "started_utc": (_optional(_time), "an ISO 8601 time"),
    "ended_utc": (_optional(_time), "an ISO 8601 time or null"),
    "redacted": (lambda v: isinstance(v, bool | dict), "true, false or an object"),
    "notes": (_optional(_strings), "a list of texts"),
    "own_files": (_optional(lambda v: isinstance(v, list)), "a list of file names"),
}

_COMMAND: dict[str, tuple[Callable[[Any], bool], str]] = {
    "phase": (_optional(lambda v: isinstance(v, str)), "text"),
    "when": (_optional(lambda v: isinstance(v, str)), "text or null"),
    "argv": (_optional(_strings), "a list of texts"),
    "command": (_optional(lambda v: isinstance(v, str)), "text"),
    "status": (_optional(lambda v: isinstance(v, str)), "text"),
    "error": (_optional(lambda v: isinstance(v, str)), "text or null"),
    "returncode": (_optional(_whole), "a whole number or null"),
    "duration": (_optional(_number), "a number or null"),
    "interrupted": (_optional(lambda v: isinstance(v, bool)), "true or false"),
}


def _fail(where: str, field: str, expected: str, value: Any) -> CaptureFileError:
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return CaptureFileError(f"{where}: {field}: expected {expected}, found {shown}")


def _names(where: str, field: str, value: Any, *, optional: bool = True) -> None:
    if value is None and optional:
        return
    if not isinstance(value, list):
        raise _fail(where, field, "a list of file names", value)
    for index, name in enumerate(value):
        if not is_file_name(name):
            raise _fail(where, f"{field}[{index}]",
                        "the name of a file inside the capture directory", name)


def _fields(where: str, prefix: str, data: dict[str, Any],
            rules: dict[str, tuple[Callable[[Any], bool], str]]) -> None:
    for key, (check, expected) in rules.items():
        if key in data and not check(data[key]):
            raise _fail(where, prefix + key, expected, data[key])


def validate(meta: Any, where: str) -> None:
    """Check ``meta`` (``capture.json`` as loaded) and raise :class:`CaptureFileError`
    naming ``where`` and the field at the first problem."""
    from ..registry import TOOLS

    if not isinstance(meta, dict):
        raise _fail(where, "(top level)", "an object", type(meta).__name__)
    version = meta.get("schema_version")
    if not _whole(version) or not 1 <= version <= SCHEMA_VERSION:
        raise _fail(where, "schema_version", f"a whole number from 1 to {SCHEMA_VERSION}",
                    version)
    if meta.get("status") not in STATUSES:
        raise _fail(where, "status", " or ".join(repr(s) for s in STATUSES),
                    meta.get("status"))
    if not isinstance(meta.get("complete"), bool):
        raise _fail(where, "complete", "true or false", meta.get("complete"))
    _fields(where, "", meta, _TOP)
    for key in ("files", "own_files"):
        _names(where, key, meta.get(key))
    commands = meta.get("commands", [])
    if not isinstance(commands, list):
        raise _fail(where, "commands", "a list of commands", commands)
    for index, entry in enumerate(commands):
        field = f"commands[{index}]"
        if not isinstance(entry, dict):
            raise _fail(where, field, "an object", entry)
        for key in ("name", "tool"):
            if not isinstance(entry.get(key), str) or not entry[key]:
                raise _fail(where, f"{field}.{key}", "a name", entry.get(key))
        if entry["tool"] not in TOOLS and entry["tool"] != "sadf":
            raise _fail(where, f"{field}.tool", f"one of {', '.join(TOOLS)}", entry["tool"])
        _fields(where, f"{field}.", entry, _COMMAND)
        for key in ("stdout", "stderr"):
            value = entry.get(key)
            if value is not None and not is_file_name(value):
                raise _fail(where, f"{field}.{key}",
                            "the name of a file inside the capture directory", value)
        for key in ("files", "substitute"):
            _names(where, f"{field}.{key}", entry.get(key))
    psutil = meta.get("psutil")
    if psutil is not None:
        if not isinstance(psutil, dict):
            raise _fail(where, "psutil", "an object or null", psutil)
        tools = psutil.get("tools") or {}
        if not isinstance(tools, dict):
            raise _fail(where, "psutil.tools", "an object", tools)
        for tool, names in tools.items():
            _names(where, f"psutil.tools.{tool}", names, optional=False)
