"""perfkit: Linux performance tools' output as tidy pandas DataFrames.

>>> import perfkit
>>> df = perfkit.parse(" 00:18:41 up 5 min,  1 user,  load average: 0.08, 0.03, 0.01\\n")
>>> df["ldavg-1"].iloc[0]
np.float64(0.08)

``perfkit.parse(text)`` and ``perfkit.read(path)`` recognise the tool from its output (or take
``tool=``); ``perfkit.plot``, ``perfkit.samples``, ``perfkit.checklist`` and
``perfkit.bpftrace`` are loaded on first use, so ``import perfkit`` stays fast and does not
import matplotlib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import pandas as pd

from .errors import ParseError, ParseWarning, one_parse, warn, watching_lines
from .parsers._read.text import (
    PathOrBuffer,
    clean_text,
    decode,
    read_bytes,
    unterminated_last_line,
)
from .registry import TOOLS, detect_tool, parser, second_output
from .result import Tables
from .synonyms import column

if TYPE_CHECKING:  # pragma: no cover
    from .capture import Capture

__all__ = [
    "TOOLS",
    "ParseError",
    "ParseWarning",
    "Tables",
    "column",
    "detect_tool",
    "load_capture",
    "parse",
    "read",
]
__version__ = "0.1.0"

_HEAD = 1 << 16  # characters read to recognise the tool
# public names loaded on first use, and the module each one is
_LAZY = {"plot": "perfkit.plot", "samples": "perfkit.samples", "checklist": "perfkit.checklist",
         "bpftrace": "perfkit.bpftrace", "capture": "perfkit.capture",
         "dmesg": "perfkit.derive.kernel_events", "derive": "perfkit.derive",
         "runner": "perfkit.runner", "synonyms": "perfkit.synonyms", "units": "perfkit.units",
         "times": "perfkit.parsers._read.times"}


def parse(text: str | bytes, tool: str | None = None, *, strict: bool = False,
          dayfirst: bool | None = None, **options: Any) -> pd.DataFrame | Tables:
    """Parse what a tool printed into a DataFrame (or a :class:`Tables` of them).

    Args:
        text: the output, as text or bytes.
        tool: ``"vmstat"``, ``"sar"``... (see :data:`perfkit.TOOLS`); recognised from the
            text when omitted.
        strict: raise :class:`ParseError` on any line the parser does not recognise,
            instead of warning and skipping it.
        dayfirst: read an ambiguous banner date (``03/04/2026``) day-first; by default
            the locale's convention is inferred from the output.
        options: passed to the tool's parser, for what the text itself does not say, such
            as the unit of ``free -m`` (``unit="MiB"``) or ``vmstat -S M`` (``unit="M"``).

    >>> parse("              total        used        free      shared  buff/cache   available\\n"
    ...       "Mem:        24684472      290904    24256012        8260      357172    24393568\\n"
    ...       "Swap:              0           0           0\\n").loc[0, "total"]
    np.float64(24684472.0)

    A text that ends in a number without a newline after it may have been cut inside that
    number: unless the parser said something about its last line already, a
    :class:`ParseWarning` names that line.

    Recognised without ``tool``, the text is the output of the tool it starts with; another
    tool's output appended after it (``iostat >> f; vmstat >> f``) is not read as its
    own: unless the parser said something about its first line already, a
    :class:`ParseWarning` names that line (with ``strict``, a :class:`ParseError`).
    """
    name = tool or None
    text = decode(text, tool=name)
    detected = name is None
    if name is None:
        # recognising needs only the first lines; the parser checks and cleans the rest
        name = detect_tool(clean_text(text[:_HEAD], tool=None))
    # a warning repeated on many lines is given a few times, then counted
    with one_parse(), watching_lines() as named:
        try:
            result = parser(name).parse(text, strict=strict, dayfirst=dayfirst, **options)
        except ParseError as error:
            if detected:  # an error inside another tool's output appended: said so
                _second_output(text, name, set(), strict=True, error=error)
            raise
        if detected:
            _second_output(text, name, named, strict=strict)
        cut = unterminated_last_line(text)
        if cut is not None and cut[0] not in named:
            warn("the text ends inside this line, in a number, without a newline: the run "
                 "may have been stopped while printing it, so its last value may be cut "
                 "short (678 printed as 6)", line=cut[0], text=cut[1], tool=name)
    return result


def _second_output(text: str, name: str, named: set[int], *, strict: bool,
                   error: ParseError | None = None) -> None:
    """Say where another tool's output starts after the ``name`` output ``text`` starts
    with (see :func:`perfkit.registry.second_output`), unless the parser named that line;
    ``error``: the parser's, raised again naming that line when it is at or after it."""
    cleaned = clean_text(text, tool=name)
    found = second_output(cleaned, name)
    if found is None or found[0] in named:
        return
    number, other = found
    if error is not None and (error.line is None or error.line <= number):
        return  # the parser's error is about the first output, or names the line itself
    shown = cleaned.split("\n", number)[number - 1]
    article = "an" if other[0] in "aeiou" else "a"
    message = (f"{article} {other} output starts on this line, after the {name} output the text "
               f"begins with: the text was read as {name}'s, so the {other} lines are "
               f"skipped or misread; parse each output apart (tool={other!r})")
    if error is not None:
        message += f" [{name} said: {error}]"
    if strict:
        raise ParseError(message, line=number, text=shown, tool=name) from error
    warn(message, line=number, text=shown, tool=name)


def read(path_or_file: PathOrBuffer, tool: str | None = None, *, strict: bool = False,
         dayfirst: bool | None = None, **options: Any) -> pd.DataFrame | Tables:
    """Read a file (a path or an open file) of tool output; see :func:`parse`.

    A binary sysstat data file (``/var/log/sysstat/saDD``, ``sar -o``) is read through the
    installed ``sadf``, with every activity it holds.
    """
    data = read_bytes(path_or_file)
    if tool in (None, "sar", "sadf") and data[:2] in (b"\x96\xd5", b"\xd5\x96"):
        return parser("sar").read_sa_file(data, strict=strict)
    return parse(data, tool, strict=strict, dayfirst=dayfirst, **options)


def load_capture(path: Any) -> Capture:
    """Open a directory written by ``perfkit capture`` (or a shipped scenario)."""
    from .capture import load_capture as _load

    return _load(path)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(_LAZY[name])
        globals()[name] = module
        return module
    raise AttributeError(f"module 'perfkit' has no attribute {name!r}")
