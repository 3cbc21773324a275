"""Which parser reads which tool's output, and recognising a tool from its text.

Every parser lives in ``perfkit/parsers/<tool>.py`` and exposes the same four things:

* ``NAME``: the tool's name as users type it (``"vmstat"``);
* ``detect(lines) -> bool``: given the first non-blank lines of a text, whether it is this
  tool's output (the registry asks the parsers in :data:`TOOLS` order, the most specific first);
* ``parse(text, *, strict=False, dayfirst=None)``: the text (already decoded and cleaned by
  ``parsers._read.text.clean_text``) to a DataFrame or a :class:`~perfkit.result.Tables`;
* ``COLUMNS``: the tables and columns ``parse`` may give, with their kinds of dtype (see
  :mod:`perfkit.parsers.columns`).

>>> detect_tool("Linux 6.1.0 (h) \\t11/25/26 \\t_x86_64_\\t(2 CPU)\\n\\n"
...             "00:15:30     CPU    %usr   %nice    %sys %iowait    %irq   %soft  %steal"
...             "  %guest  %gnice   %idle\\n")
'mpstat'
"""

from __future__ import annotations

import importlib
import re
from types import ModuleType

from .errors import ParseError
from .parsers._read.text import first_lines

#: Tools in the order their detectors are asked (JSON and specific formats first).
TOOLS: tuple[str, ...] = (
    "bpftrace", "bcc",
    "iostat", "pidstat", "mpstat", "sar",
    "vmstat", "free", "top", "uptime",
    "journalctl", "dmesg",
)


def parser(tool: str) -> ModuleType:
    """The parser module for ``tool``; ``ValueError`` naming the known tools otherwise."""
    if tool == "sadf":
        tool = "sar"
    if tool not in TOOLS:
        raise ValueError(f"unknown tool {tool!r}; perfkit reads: {', '.join(TOOLS)}")
    return importlib.import_module(f"perfkit.parsers.{tool}")


def detect_tool(text: str) -> str:
    """Recognise which tool printed ``text``; :class:`ParseError` naming the tools otherwise.

    The tool is the one whose output the text *starts* with: when several recognise the
    first 40 lines (a short output with another tool's appended after it), the one that
    needs the fewest of them wins, so an uptime line followed by an iostat report is
    uptime's (:func:`second_output` finds where the iostat report starts).

    >>> detect_tool(" 00:25:41 up 12 min,  0 user,  load average: 2.37, 0.90, 0.35\\n"
    ...             "Linux 6.1.0 (h) \\t11/25/26 \\t_x86_64_\\t(2 CPU)\\n\\n"
    ...             "avg-cpu:  %user   %nice %system %iowait  %steal   %idle\\n")
    'uptime'
    """
    found = _detect(first_lines(text, 40))
    if found is not None:
        return found
    head = first_lines(text, 1)
    shown = head[0] if head else ""
    raise ParseError("cannot tell which tool printed this; pass tool= with one of: "
                     + ", ".join(TOOLS), line=1, text=shown)


def _detect(head: list[str]) -> str | None:
    """The tool whose output ``head`` (non-blank lines) starts with, or None."""
    found = _detect_whole(head)
    if found is None and len(head) > 1:
        # none reads the whole head: one may read its beginning (a short output, another
        # tool's after it), tried by the one-line-shorter heads down to the first line
        found = next((tool for count in range(len(head) - 1, 0, -1)
                      if (tool := _detect_whole(head[:count])) is not None), None)
    return found


def _detect_whole(head: list[str]) -> str | None:
    """The tool whose output ``head`` starts with, read as a whole, or None: of those that
    recognise it, the one that needs the fewest lines, unless another tool recognises the
    lines before those (a short output of its own, this tool's after it)."""
    modules = []
    for tool in TOOLS:
        try:
            modules.append(parser(tool))
        except ImportError:
            continue
    candidates = [module for module in modules if module.detect(head)]
    if not candidates:
        return None
    count, first = next((count, hits[0]) for count in range(1, len(head) + 1)
                        if (hits := [m for m in candidates if m.detect(head[:count])]))
    if count > 1:
        before = _detect_whole(head[:count - 1])
        if before is not None:
            return before
    return str(first.NAME)


#: Lines that can start a tool's output, by kind: where :func:`second_output` looks for
#: one appended after another.
_STARTS = {
    "sysstat": re.compile(r"^Linux \d\S* \("),  # iostat, pidstat, mpstat, sar banners
    "top": re.compile(r"^top - \d"),
    "vmstat": re.compile(r"^procs -"),
    "free": re.compile(r"^[ \t]+total\s+used\s+free\b"),
    "uptime": re.compile(r"^[ \t]*\d{1,2}:\d{2}(?::\d{2})?\s+up\s"),
    "bpftrace": re.compile(r"^Attaching \d+ probes?"),
    "bcc": re.compile(r"^(?:Tracing|Sampling|Counting)\b.*Ctrl-C"),
    "vmstat_other": re.compile(r"^disk- -+reads|^ +\d+ (?:K total memory|disks)$"),
    "dmesg": re.compile(r"^\[\s*\d+\.\d+\] |^\[[^]\n]*\d:\d\d:\d\d \d{4}\] "
                        r"|^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S* \S"),
    "journalctl": re.compile(r"^-- (?:Logs begin|Journal begins|No entries)"
                             r"|^\S+ +\d{1,2} \d\d:\d\d:\d\d \S+ [^\s:]+: "),
    "json": re.compile(r"^\{"),  # a document starts at the margin
    "histogram": re.compile(r"^[ \t]*\w+\s+: count\s+distribution"),
}
#: The tools whose output a kind of line in :data:`_STARTS` can start (the kind's name
#: when it is the only one).
_STARTED = {
    "sysstat": {"iostat", "pidstat", "mpstat", "sar"}, "vmstat_other": {"vmstat"},
    "dmesg": {"dmesg", "journalctl"}, "histogram": {"bcc", "bpftrace"},
    "json": {"iostat", "pidstat", "mpstat", "sar", "dmesg", "journalctl", "bpftrace"},
}
#: Kinds of line a tool's own output prints too (bpftrace's tools print bcc's banners,
#: ``Tracing block device I/O... Hit Ctrl-C to end.``)
_OWN = {"bpftrace": ("bcc", "histogram")}
#: How many non-blank lines from a line that may start an output must say which tool's it
#: is (each tool's output says it within its first few; a piece of one, such as a line
#: of a JSON document, is otherwise taken for the start of whatever follows it)
_EVIDENCE = 16
#: How many lines of one kind :func:`second_output` tries before it takes that kind of
#: line for part of the first output (a sar file of many days repeats its banner).
_TRIES = 8


def second_output(text: str, tool: str) -> tuple[int, str] | None:
    """``(line number, tool)`` where an output of another tool starts, after the ``tool``
    output that ``text`` starts with (two outputs appended to one file), or None.

    Only lines that can start an output are tried (a banner, ``top -``, ``procs``...), at
    most a few of each kind: this finds an output appended after another, not a line
    of one hidden in a long file of the other tool's lines.

    >>> uptime = " 00:25:41 up 12 min,  0 user,  load average: 2.37, 0.90, 0.35\\n"
    >>> second_output(uptime + "top - 00:27:16 up 14 min,  0 user,  load average: 2.35, "
    ...               "1.24, 0.52\\n", "uptime")
    (2, 'top')
    """
    kinds = [kind for kind in _STARTS
             if kind.split("_")[0] != tool and kind not in _OWN.get(tool, ())]
    tries = dict.fromkeys(kinds, 0)
    position, number = 0, 1
    while kinds:
        pattern = re.compile("^(?:" + "|".join(f"(?P<{kind}>{_STARTS[kind].pattern[1:]})"
                                               for kind in kinds) + ")", re.MULTILINE)
        for match in pattern.finditer(text, position):
            if match.start() == 0:
                continue
            number += text.count("\n", position, match.start())
            position = match.start()
            kind = str(match.lastgroup)
            tries[kind] += 1
            found = _detect(first_lines(text[position:position + (1 << 16)], _EVIDENCE))
            if found is not None and found != tool and found in _STARTED.get(kind, {kind}):
                return number, found
            if tries[kind] >= _TRIES:
                kinds.remove(kind)
                break
        else:
            return None
    return None
