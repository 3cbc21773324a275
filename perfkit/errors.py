"""Errors and warnings raised by perfkit's parsers, and the one helper that reports a bad line.

>>> from perfkit.errors import ParseError
>>> err = ParseError("not a vmstat header", line=3, text="procs ---", tool="vmstat")
>>> str(err)
"vmstat: line 3: not a vmstat header: 'procs ---'"
>>> isinstance(err, ValueError)
True

A parser that meets a line it cannot read calls :func:`bad_line`: with ``strict=True`` it
raises :class:`ParseError`; otherwise it gives a :class:`ParseWarning` that carries the same
``line``, ``text`` and ``tool`` and points at the caller's own code, not into perfkit:

>>> import warnings
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     bad_line("not a sample row", line=7, text="junk", tool="vmstat")
>>> caught[0].message.line, caught[0].message.tool, str(caught[0].message)
(7, 'vmstat', "vmstat: line 7: not a sample row; skipped: 'junk'")
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import sys
import warnings
from collections.abc import Iterator
from typing import Any

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _render(message: str, line: int | None, text: str, tool: str | None) -> str:
    parts = [tool] if tool else []
    if line is not None:
        parts.append(f"line {line}")
    parts.append(message)
    rendered = ": ".join(parts)
    if text:
        shown = text if len(text) <= 120 else text[:117] + "..."
        rendered += f": {shown!r}"
    return rendered


class _Located:
    """What ParseError and ParseWarning share: the message, the line (1-based), its text as
    printed and the tool, kept as attributes and rendered as ``tool: line N: message: 'text'``."""

    def __init__(self, message: str = "", *, line: int | None = None, text: str = "",
                 tool: str | None = None) -> None:
        self.message = message
        self.line = line
        self.text = text
        self.tool = tool
        super().__init__(_render(message, line, text, tool))


class ParseError(_Located, ValueError):
    """Input that a parser cannot turn into a frame.

    Attributes:
        line: 1-based number of the offending line (``None`` when the whole input is at fault).
        text: the offending line as it appeared in the input (``""`` when not applicable).
        tool: the parser that raised it.
    """


class ParseWarning(_Located, UserWarning):
    """Something in the input was skipped or repaired; the message says what and where.

    Attributes (as on :class:`ParseError`): ``line`` (1-based, or ``None``), ``text`` (the
    line as printed, or ``""``), ``tool`` (the parser that warned, or ``None``), ``message``.
    A warning made from a plain string (``ParseWarning("...")``) has them all empty.
    """


def user_stack_level() -> int:
    """The ``stacklevel`` that makes a warning point at the first frame outside perfkit.

    Counted by walking the stack, as pandas' ``find_stack_level`` does, so no call site has
    to know how deep inside perfkit it sits.

    >>> user_stack_level() >= 1
    True
    """
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    return level


_DIGITS = re.compile(r"\d+")
#: warnings of one kind (tool and message) given in full per parse; the rest are counted
WARNINGS_PER_KIND = 10


class _Tally:
    """How many warnings of each kind one parse gave, and the lines of those not shown."""

    def __init__(self) -> None:
        self.shown: dict[tuple[str | None, str], int] = {}
        self.hidden: dict[tuple[str | None, str], list[Any]] = {}

    def admit(self, tool: str | None, message: str, line: int | None) -> bool:
        key = (tool, _DIGITS.sub("#", message))  # "lost 12 events" and "lost 5" are one kind
        count = self.shown.get(key, 0)
        if count < WARNINGS_PER_KIND:
            self.shown[key] = count + 1
            return True
        held = self.hidden.setdefault(key, [None, None, 0, message])  # first, last, count
        if held[0] is None:
            held[0] = line
        held[1] = line
        held[2] += 1
        return False

    def summaries(self) -> Iterator[ParseWarning]:
        for (tool, _), (first, last, count, message) in self.hidden.items():
            summary = ParseWarning(counted(message, count, first, last), line=first, tool=tool)
            summary.hidden = (first, last, count, message)
            yield summary


def counted(message: str, count: int, first: int | None, last: int | None) -> str:
    """The message of a warning that stands for ``count`` warnings of one kind, given on
    lines ``first`` to ``last``.

    >>> counted("lost events", 15, 11, 25)
    '... and 15 more lines like this (lines 11 to 25): lost events'
    """
    where = f" (lines {first} to {last})" if first is not None else ""
    return f"... and {count} more lines like this{where}: {message}"


_TALLY: contextvars.ContextVar[_Tally | None] = contextvars.ContextVar("perfkit_tally",
                                                                        default=None)


@contextlib.contextmanager
def one_parse() -> Iterator[None]:
    """Within it, each kind of warning is given :data:`WARNINGS_PER_KIND` times in full, then
    once more as a count (``"... and 9990 more lines like this"``) when the parse ends.

    ``perfkit.parse`` and ``perfkit.read`` run each parser inside it; nested uses join the
    outer one.

    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     with one_parse():
    ...         for number in range(1, 26):
    ...             warn("lost events", line=number, tool="bpftrace")
    >>> len(caught), str(caught[-1].message)
    (11, 'bpftrace: line 11: ... and 15 more lines like this (lines 11 to 25): lost events')
    """
    if _TALLY.get() is not None:
        yield
        return
    tally = _Tally()
    token = _TALLY.set(tally)
    try:
        yield
    finally:
        _TALLY.reset(token)
    for summary in tally.summaries():
        warnings.warn(summary, stacklevel=user_stack_level())


_WATCHED: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar("perfkit_watched",
                                                                         default=None)


@contextlib.contextmanager
def watching_lines() -> Iterator[set[int]]:
    """Within it, the numbers of the lines that :func:`warn` named are gathered in the set
    it yields (shown or counted alike), so that a caller can tell whether a parser already
    said something about a line.

    >>> with watching_lines() as named, warnings.catch_warnings(record=True):
    ...     warnings.simplefilter("always")
    ...     warn("a truncated last sample was dropped", line=7, tool="mpstat")
    >>> named
    {7}
    """
    named: set[int] = set()
    token = _WATCHED.set(named)
    try:
        yield named
    finally:
        _WATCHED.reset(token)


@contextlib.contextmanager
def own_tally() -> Iterator[None]:
    """Within it, warnings are counted apart from an enclosing :func:`one_parse`, and the
    counts are given when it ends: for a reading whose warnings are caught and given again
    (or dropped) by its caller, so that a million bad lines make eleven warnings, not a
    million. A count's ``hidden`` attribute holds (first line, last line, count, message),
    for a caller that maps the lines before giving it again.

    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     with one_parse(), own_tally():
    ...         for number in range(1, 26):
    ...             warn("lost events", line=number, tool="bpftrace")
    >>> len(caught), caught[-1].message.hidden
    (11, (11, 25, 15, 'lost events'))
    """
    tally = _Tally()
    token = _TALLY.set(tally)
    try:
        yield
    finally:
        _TALLY.reset(token)
    for summary in tally.summaries():
        warnings.warn(summary, stacklevel=user_stack_level())


def warn(message: str, *, line: int | None = None, text: str = "",
         tool: str | None = None) -> None:
    """Give a :class:`ParseWarning` pointing at the user's call (never raises).

    Inside :func:`one_parse`, a kind of warning given many times is counted after the first
    :data:`WARNINGS_PER_KIND`.

    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn("a truncated last sample was dropped", tool="mpstat")
    >>> str(caught[0].message)
    'mpstat: a truncated last sample was dropped'
    """
    named = _WATCHED.get()
    if named is not None and line is not None:
        named.add(line)
    tally = _TALLY.get()
    if tally is not None and not tally.admit(tool, message, line):
        return
    warnings.warn(ParseWarning(message, line=line, text=text, tool=tool),
                  stacklevel=user_stack_level())


def bad_line(message: str, *, line: int | None = None, text: str = "",
             tool: str | None = None, strict: bool = False, action: str = "skipped") -> None:
    """Report a line a parser cannot use: raise with ``strict``, warn otherwise.

    Args:
        message: what is wrong with the line (``"not a sample row"``).
        line: its 1-based number in the input.
        text: the line as printed.
        tool: the parser's name.
        strict: raise :class:`ParseError` instead of warning.
        action: what the parser did with it, appended to a warning (``"skipped"``).

    >>> bad_line("not a sample row", line=2, text="x", tool="free", strict=True)
    Traceback (most recent call last):
    ...
    perfkit.errors.ParseError: free: line 2: not a sample row: 'x'
    """
    if strict:
        raise ParseError(message, line=line, text=text, tool=tool)
    warn(f"{message}; {action}" if action else message, line=line, text=text, tool=tool)
