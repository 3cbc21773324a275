"""Two or more sysstat runs in one text (``mpstat 1 3 >> file`` twice): where each run after
the first starts (its banner), and each run read on its own, its warnings and errors naming
the lines of the whole text.

A run is read on its own because it has its own date, decimal mark and clock (a de_DE run
after a C run), and its own first report since boot (since each task started, for pidstat).

>>> text = ("Linux 6.1.0 (h) \\t11/25/26 \\t_x86_64_\\t(2 CPU)\\n\\n00:15:31 CPU %usr\\n"
...         "Linux 6.1.0 (h) \\t25.11.2026 \\t_x86_64_\\t(2 CPU)\\n\\n00:16:31 CPU %usr\\n")
>>> run_starts(text)
[63]
>>> run_starts("Linux 6.1.0 (h) \\t11/25/26 \\t_x86_64_\\t(2 CPU)\\n\\n00:15:31 CPU %usr\\n")
[]
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Callable
from typing import TypeVar

from ...errors import ParseError, ParseWarning, counted, own_tally, warn, watching_lines
from .banner import is_banner

T = TypeVar("T")
_VISIBLE = re.compile(r"\S")


class SeveralRuns(Exception):
    """A text of several runs (:func:`~.sysstat.read_report` with ``runs=True``): where each
    run after the first starts in ``text`` (the text as read, which the offsets are of)."""

    def __init__(self, starts: list[int], text: str) -> None:
        super().__init__(f"{len(starts) + 1} runs")
        self.starts = starts
        self.text = text


def run_starts(text: str, begin: int = 0) -> list[int]:
    """Where each banner after the text's first line starts (from ``begin`` on): each starts
    another run (two outputs joined); ``[]`` for a text of one run. A banner starts with the
    system's name (``Linux``), as the first one does: only lines that start so are looked
    at."""
    visible = _VISIBLE.search(text)
    first = visible.start() if visible else len(text)
    newline = text.find("\n", first)
    if newline < 0:
        return []
    words = text[first:newline].split(None, 1)
    system = words[0] if words and is_banner(text[first:newline]) else "Linux"
    mark = f"\n{system} "
    starts = []
    at = text.find(mark, max(begin, newline))
    while at >= 0:
        end = text.find("\n", at + 1)
        if is_banner(text[at + 1:end if end >= 0 else len(text)]):
            starts.append(at + 1)
        at = text.find(mark, at + 1)
    return starts


def read_runs(text: str, starts: list[int], read: Callable[[str], T], tool: str) -> list[T]:
    """``read`` of each run of ``text`` (which starts at 0 and at each of ``starts``), with a
    :class:`ParseWarning` naming each run's banner after the first. The warnings and errors of
    a run name the lines of the whole text."""
    bounds = [0, *starts, len(text)]
    results = []
    shifts = banner_lines(text, starts)
    for (low, high), shift in zip(itertools.pairwise(bounds), [0, *shifts], strict=True):
        if not low:
            results.append(read(text[:high]))
            continue
        say_later_banner(text, low, shift, tool)
        results.append(_shifted(read, text[low:high], shift))
    return results


def banner_lines(text: str, starts: list[int]) -> list[int]:
    """How many lines of ``text`` come before each of ``starts`` (counted once, in one pass
    over the text: linear in the text however many runs it holds).

    >>> banner_lines("a\\nb\\nLinux\\nc\\nLinux\\n", [4, 12])
    [2, 4]
    """
    lines, counted, at = [], 0, 0
    for start in starts:
        counted += text.count("\n", at, start)
        at = start
        lines.append(counted)
    return lines


def say_later_banner(text: str, start: int, shift: int, tool: str) -> None:
    """The :class:`ParseWarning` for a banner after the first (at ``start``, after ``shift``
    lines): another run starts there."""
    end = text.find("\n", start)
    banner = text[start:end if end >= 0 else len(text)]
    warn(f"a second banner: another {tool} run starts here (two outputs joined); its "
         "reports are read after the first run's, each run with its own date and first "
         "report", line=shift + 1, text=banner, tool=tool)


def _shifted(read: Callable[[str], T], part: str, shift: int) -> T:
    """``read(part)``, its warnings and errors given again with their lines ``shift`` on."""
    with warnings.catch_warnings(record=True) as caught, own_tally(), watching_lines():
        warnings.simplefilter("always")
        try:
            result = read(part)
        except ParseError as err:
            raise ParseError(err.message, line=None if err.line is None else err.line + shift,
                             text=err.text, tool=err.tool) from None
    for said in caught:
        message = said.message
        if isinstance(message, ParseWarning) and hasattr(message, "hidden"):  # a count
            first, last, count, kind = message.hidden
            first = None if first is None else first + shift
            last = None if last is None else last + shift
            warn(counted(kind, count, first, last), line=first, tool=message.tool)
        elif isinstance(message, ParseWarning):
            warn(message.message, line=None if message.line is None else message.line + shift,
                 text=message.text, tool=message.tool)
        else:
            warnings.warn_explicit(message, said.category, said.filename, said.lineno)
    return result
