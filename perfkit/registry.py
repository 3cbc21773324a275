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
    """Recognise which tool printed ``text``; :class:`ParseError` naming the tools otherwise."""
    head = first_lines(text, 40)
    for tool in TOOLS:
        try:
            module = parser(tool)
        except ImportError:
            continue
        if module.detect(head):
            return tool
    shown = head[0] if head else ""
    raise ParseError("cannot tell which tool printed this; pass tool= with one of: "
                     + ", ".join(TOOLS), line=1, text=shown)
