"""Finding what to ingest under the paths a user gives: capture directories, binary sa
files and text outputs, recursively, each with the hash of its content.

* a directory holding ``capture.json`` is one source, a capture (its files are not
  looked at one by one);
* a file starting with sysstat's magic number is an sa file (read through ``sadf``);
* any other file is a text output when perfkit recognises the tool from its first lines
  (a README, a ``.stderr`` file or a picture is passed over, and counted).

Hidden files and folders (``.git``) and the lake itself are never entered. Sources come
in a stable order (sorted paths), one at a time, so a tree of any size is walked without
holding it in memory.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "notes.md").write_text("# not an output\\n")
>>> _ = (folder / "up.txt").write_text(" 10:00:00 up 5 min,  1 user,  load average: 0.08, "
...                                    "0.03, 0.01\\n")
>>> [(s.kind, s.path.name) for s in sources([folder])]
[('text', 'up.txt')]
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import clean_text, decode
from ..errors import ParseError
from ..registry import detect_tool

#: The first bytes of a binary sysstat data file (either byte order).
SA_MAGIC = (b"\x96\xd5", b"\xd5\x96")
_HEAD = 1 << 14
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Source:
    """One thing to ingest: ``kind`` is ``"capture"``, ``"sa"`` or ``"text"``; ``tool`` is
    the recognised tool of a text output."""

    path: Path
    kind: str
    tool: str | None = None
    digest: str = field(default="", compare=False)
    #: the path as the lake records it: from the given root's name down (``fleet/web-3.sa``)
    label: str = field(default="", compare=False)


@dataclass
class Skipped:
    """Files passed over while walking, by reason (for the summary)."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, reason: str) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + 1


def sources(paths: Iterable[str | os.PathLike], *, exclude: Iterable[Path] = (),
            skipped: Skipped | None = None) -> Iterator[Source]:
    """Every source under ``paths`` (files or folders), hashed, in sorted order."""
    excluded = {Path(p).resolve() for p in exclude}
    skipped = skipped if skipped is not None else Skipped()
    for path in paths:
        root = Path(path)
        yield from _walk(root, root.resolve().parent, excluded, skipped)


def _walk(path: Path, base: Path, excluded: set[Path], skipped: Skipped) -> Iterator[Source]:
    if path.resolve() in excluded:
        return
    if path.is_dir():
        if (path / "capture.json").is_file():
            yield Source(path, "capture", digest=folder_digest(path), label=_label(path, base))
            return
        for child in sorted(path.iterdir()):
            if child.name.startswith("."):
                continue
            yield from _walk(child, base, excluded, skipped)
        return
    if not path.is_file():
        skipped.add("not found")
        return
    found = classify(path)
    if isinstance(found, str):
        skipped.add(found)
        return
    yield Source(path, found[0], found[1], digest=file_digest(path), label=_label(path, base))


def _label(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        return path.name


def classify(path: Path) -> tuple[str, str | None] | str:
    """``("sa", None)``, ``("text", tool)``, or the reason the file is passed over."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
    except OSError:
        return "unreadable"
    if not head:
        return "empty"
    if head[:2] in SA_MAGIC:
        return ("sa", None)
    if b"\0" in head:
        return "binary, not an sa file"
    try:
        text = clean_text(decode(head[: head.rfind(b"\n") + 1] or head), tool=None)
        return ("text", detect_tool(text))
    except (ParseError, ValueError, UnicodeDecodeError):
        return "not a tool's output"


def file_digest(path: Path) -> str:
    """The sha256 of a file's content, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def folder_digest(path: Path) -> str:
    """The sha256 of a folder's files: their relative names and contents, in sorted order."""
    digest = hashlib.sha256()
    for child in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(str(child.relative_to(path)).encode() + b"\0")
        digest.update(file_digest(child).encode())
    return digest.hexdigest()
