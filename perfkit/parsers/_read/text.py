"""Getting text out of files and buffers, and refusing input that is not text.

Every parser starts from :func:`clean_text`: it decodes bytes, rejects binary data with a
:class:`~perfkit.errors.ParseError` naming the first offending line, drops the colour codes
that sysstat prints under ``S_COLORS=always`` and normalises line endings.

>>> clean_text(b"\\x1b[32;22m  all\\x1b[0m 1,5\\r\\n", tool="mpstat")
'  all 1,5\\n'
"""

from __future__ import annotations

import io
import itertools
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import IO

from ...errors import ParseError

PathOrBuffer = str | os.PathLike | IO[str] | IO[bytes]

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>78]|\x0f")
_VISIBLE = re.compile(r"\S")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]")


def read_bytes(source: PathOrBuffer) -> bytes:
    """Return the raw bytes of a path or an open file (text or binary)."""
    if isinstance(source, (str, os.PathLike)):
        return Path(source).read_bytes()
    data = source.read()
    if isinstance(data, str):
        return data.encode("utf-8", "surrogateescape")
    return bytes(data)


def without_bom(data: bytes | str) -> bytes | str:
    """``data`` without the UTF-8 byte order mark an editor or a Windows tool may put in
    front of a saved text (it would hide the first line from every parser).

    >>> without_bom(b"\\xef\\xbb\\xbfLinux 6.1.0")
    b'Linux 6.1.0'
    """
    if isinstance(data, str):
        return data[1:] if data.startswith("\ufeff") else data
    return data[3:] if data.startswith(_UTF8_BOM) else data


def decode(data: bytes | str, *, tool: str | None = None) -> str:
    """Decode bytes as UTF-8 (falling back to Latin-1, as old locales wrote), refusing binary.
    A byte order mark is dropped; one of UTF-16 (PowerShell's ``>`` writes that) decodes
    the text as UTF-16."""
    data = without_bom(data)
    if isinstance(data, str):
        return data
    if data.startswith(_UTF16_BOMS):
        try:
            return without_bom(data.decode("utf-16"))
        except UnicodeDecodeError as exc:
            raise ParseError("a UTF-16 byte order mark, but not UTF-16 text after it",
                             line=1, tool=tool) from exc
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise ParseError("binary data (NUL byte); expected the text a tool printed",
                         line=line, tool=tool)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        try:
            return data.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes everything
            line = data.count(b"\n", 0, exc.start) + 1
            raise ParseError("undecodable bytes", line=line, tool=tool) from exc


def clean_text(data: bytes | str, *, tool: str | None = None) -> str:
    """Decode, drop ANSI colour codes and carriage returns, refuse empty or binary input."""
    return clean_text_and_bytes(data, tool=tool)[0]


def clean_text_and_bytes(data: bytes | str, *,
                         tool: str | None = None) -> tuple[str, list[bytes]]:
    """:func:`clean_text`, and the cleaned text as bytes when it is ASCII (the check for
    control characters makes them anyway), so that a reader can hand them to pandas
    without encoding a large text a second time. The bytes come in a list (empty for
    other text) for the reader to take out, so that they are let go of once read.

    >>> clean_text_and_bytes("00:15:31 all\\r\\n")
    ('00:15:31 all\\n', [b'00:15:31 all\\n'])
    >>> clean_text_and_bytes("00時15分31秒 all\\n")[1]
    []
    """
    data = without_bom(data)
    text = decode(data, tool=tool)
    if isinstance(data, bytes) and data.startswith(_UTF16_BOMS):
        data = text  # those bytes are not the text's: work from the text
    if text.isascii():
        # the common case first: one pass over the bytes finds no colour code, no
        # carriage return and no control character, so the text is clean as it is
        encoded = data if isinstance(data, bytes) else text.encode("ascii")
        if not _holds_any(encoded, _NOT_CONTROL_OR_CR):
            if not _VISIBLE.search(text):
                raise ParseError("empty input", line=1, tool=tool)
            return text, [encoded]
    unchanged = True
    if "\x1b" in text or "\x0f" in text:
        text, unchanged = ANSI_ESCAPE.sub("", text), False
    if "\r" in text:
        text, unchanged = text.replace("\r\n", "\n").replace("\r", "\n"), False
    # ASCII text is checked as bytes (several times faster than the regex); bytes read
    # from a file are those bytes already
    encoded = None
    if text.isascii():
        encoded = data if unchanged and isinstance(data, bytes) else text.encode("ascii")
    may_hold = encoded is None or _holds_any(encoded, _NOT_CONTROL)
    bad = _CONTROL.search(text) if may_hold else None
    if bad:
        line_no = text.count("\n", 0, bad.start()) + 1
        line = text.split("\n")[line_no - 1]
        raise ParseError("control characters: this looks like binary data, not a tool's text",
                         line=line_no, text=line, tool=tool)
    if not _VISIBLE.search(text):
        raise ParseError("empty input", line=1, tool=tool)
    return text, [] if encoded is None else [encoded]


_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_NOT_CONTROL = bytes(c for c in range(256)
                     if not (c < 32 and c not in (9, 10, 13, 27)) and c != 127)
#: the same, but keeping carriage returns and escapes (that is, bytes to clean first)
_NOT_CONTROL_OR_CR = bytes(c for c in range(256) if not (c < 32 and c not in (9, 10))
                           and c != 127)


#: Bytes that :func:`_holds_any` looks at at once (``bytes.translate`` makes a scratch copy
#: as long as what it is given).
_SCAN_CHUNK = 1 << 20


def _holds_any(data: bytes, allowed: bytes) -> bool:
    """Whether ``data`` holds a byte that is not in ``allowed``, looked for a chunk at a
    time (so that a large text is not copied whole).

    >>> _holds_any(b"ab\x01", b"ab"), _holds_any(b"abba", b"ab")
    (True, False)
    """
    return any(data[start:start + _SCAN_CHUNK].translate(None, allowed)
               for start in range(0, len(data), _SCAN_CHUNK))


def unterminated_last_line(text: str) -> tuple[int, str] | None:
    """(number, text) of the last line when the text ends inside it with a digit and no
    newline after it: a run killed while printing, or a file cut short, can have stopped in
    the middle of that number (``678`` saved as ``6``), which no parser can tell from a
    smaller number. None when the text ends with a newline or the line with another sign.

    >>> unterminated_last_line("Mem: 100 52\\nSwap: 0 0 24")
    (2, 'Swap: 0 0 24')
    >>> unterminated_last_line("Mem: 100 52\\n"), unterminated_last_line("{}")
    (None, None)
    """
    if not text or not text[-1].isdigit():
        return None
    start = max(text.rfind("\n"), text.rfind("\r")) + 1
    number = text.count("\n") + 1 + (text.count("\r") - text.count("\r\n"))
    return number, text[start:]


def first_lines(text: str, count: int = 40) -> list[str]:
    """The first ``count`` non-blank lines, for recognising which tool printed ``text``."""
    out: list[str] = []
    for line in io.StringIO(text):
        if line.strip():
            out.append(line.rstrip("\n"))
            if len(out) >= count:
                break
    return out


#: A host name and a colon, as pdsh and clush put before every line of a remote command.
_HOST_PREFIX = re.compile(r"[A-Za-z0-9][\w.-]*: ")


def without_host_prefix(text: str, fits: Callable[[str], bool]) -> tuple[str, str | None]:
    """``text`` without the ``host: `` that ``pdsh``/``clush`` put before every line, and
    that host; ``(text, None)`` unless every non-blank line has the same prefix and the first
    line without it ``fits`` (is a line the tool prints first).

    >>> without_host_prefix("node8: 11:19:24 CPU %usr\\nnode8: 11:19:24 all 2.09\\n",
    ...                     lambda line: line[:1].isdigit())
    ('11:19:24 CPU %usr\\n11:19:24 all 2.09\\n', 'node8')
    """
    found = _HOST_PREFIX.match(text)
    if found is None:
        return text, None
    prefix = found.group(0)
    lines = text.split("\n")
    if not all(line.startswith(prefix) or not line.strip() for line in lines) or \
            not fits(lines[0][len(prefix):]):
        return text, None
    cut = len(prefix)
    return "\n".join(line[cut:] if line.strip() else line for line in lines), prefix[:-2]


#: A line a person put in place of rows they left out (``[...]``, ``...``, ``…``).
_ELISION = re.compile(r"^\s*(\[\s*(\.\.\.|…)\s*\]|\.\.\.+|…)\s*$")
#: What a terminal echoes when the user stops a tool with Ctrl-C.
_INTERRUPT = re.compile(r"^\s*\^C\s*$")


def repeats_a_word(text: str) -> bool:
    """Whether a word of ``text`` is printed twice in a row (``python python (2704)``,
    ``11324 forks forks``): what a field printed twice gives, in lines whose words a tool
    never repeats.

    >>> repeats_a_word("-                python python (2704)")
    True
    >>> repeats_a_word("[Missed User Stack]")
    False
    """
    words = text.split()
    return any(a == b for a, b in itertools.pairwise(words))


def mark_of(line: str) -> str | None:
    """What a line that is no output of the tool stands for: ``"elision"`` for a mark a
    person put where rows were left out (``[...]``), ``"interrupt"`` for the ``^C`` a
    terminal echoes when the tool is stopped; None for any other line.

    >>> mark_of("[...]"), mark_of("^C"), mark_of("sda 0.00")
    ('elision', 'interrupt', None)
    """
    if _ELISION.match(line):
        return "elision"
    if _INTERRUPT.match(line):
        return "interrupt"
    return None


#: What :func:`mark_of`'s marks mean, for a warning naming the line.
MARK_MEANING = {"elision": "rows were left out here (an elision mark)",
                "interrupt": "the tool was stopped here (^C)"}


_GLUED_INTERRUPT = re.compile(r"[ \t]*\^C[ \t]*")


def unglue_interrupts(text: str) -> str:
    """``text`` without each ``^C`` that a terminal echoed inside a line (``Attaching 1
    probe...^C@[...]``, a histogram row ending ``|^C``), the text on either side of it
    on lines of their own, and one ``^C`` line added at the end (the run was stopped), so
    that the rest is read as it was printed. A line number after a split is one more
    than in the input.

    >>> unglue_interrupts("Attaching 1 probe...^C@[4]: 1\\n[1, 2)  3 |@@@|^C\\n")
    'Attaching 1 probe...\\n@[4]: 1\\n[1, 2)  3 |@@@|\\n^C\\n'
    """
    if "^C" not in text:
        return text
    out, glued = [], False
    for line in text.split("\n"):
        if "^C" in line and line.strip() != "^C":
            parts = [part for part in _GLUED_INTERRUPT.split(line) if part.strip()]
            line, glued = "\n".join(parts), True
        out.append(line)
    joined = "\n".join(out)
    return joined + ("" if joined.endswith("\n") else "\n") + "^C\n" if glued else joined
