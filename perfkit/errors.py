"""Errors and warnings raised by perfkit's parsers.

>>> from perfkit.errors import ParseError
>>> err = ParseError("not a vmstat header", line=3, text="procs ---", tool="vmstat")
>>> str(err)
"vmstat: line 3: not a vmstat header: 'procs ---'"
>>> isinstance(err, ValueError)
True
"""

from __future__ import annotations


class ParseError(ValueError):
    """Input that a parser cannot turn into a frame.

    Attributes:
        line: 1-based number of the offending line (``None`` when the whole input is at fault).
        text: the offending line as it appeared in the input (``""`` when not applicable).
        tool: the parser that raised it.
    """

    def __init__(self, message: str, *, line: int | None = None, text: str = "",
                 tool: str | None = None) -> None:
        self.message = message
        self.line = line
        self.text = text
        self.tool = tool
        parts = []
        if tool:
            parts.append(tool)
        if line is not None:
            parts.append(f"line {line}")
        parts.append(message)
        rendered = ": ".join(parts)
        if text:
            shown = text if len(text) <= 120 else text[:117] + "..."
            rendered += f": {shown!r}"
        super().__init__(rendered)


class ParseWarning(UserWarning):
    """Something in the input was skipped or repaired; the message says what and where."""
