"""bpftrace maps as DataFrames: keys, stacks, histogram buckets and the tables they make.

Both bpftrace outputs (text and ``-f json``) are first read into :class:`MapPrint` records,
one per printed map; :func:`map_tables` then makes one DataFrame per map name.

* **Keys**: a map printed as ``@name[k1, k2]: value`` gets columns ``key`` (one key) or
  ``key1``, ``key2``... (several); a column whose keys are all numbers is numeric.
* **Stacks**: a key that is a stack (``kstack``, ``ustack``: one frame per line, leaf first)
  becomes a *folded* stack, root first, frames joined by ``;`` and offsets dropped
  (``func+12`` -> ``func``), the form flame graphs read; its column is listed in
  ``df.attrs["stack_columns"]``.
* **Values**: ``value`` for ``count()``, ``sum()``, ``avg()``, ``min()``, ``max()`` and plain
  assignments (numbers or strings); ``count``, ``average``, ``total`` for ``stats()``; and
  for ``hist()``/``lhist()`` one row per bucket with ``low``, ``high`` (the bucket is
  ``low <= x < high``: ``[4, 8)`` is 4, 8; ``[1]`` is 1, 2; ``(..., 0)`` is -inf, 0;
  ``[100, ...)`` is 100, inf; suffixes are powers of 1024, ``1K`` = 1024) and ``count``.
* **Intervals**: when the output carries ``time()`` headers or prints a map more than once
  (``interval:s:1 { print(@x); clear(@x); }``), an ``interval`` column numbers the prints of
  each map from 0, and a ``time`` column (first) holds the ``time()`` printed before it.

>>> split_key("bash, 7791", ", ")
['bash', '7791']
>>> fold_stack("\\n    pv_native_safe_halt+11\\n    default_idle+5\\n    do_idle+310\\n")
'do_idle;default_idle;pv_native_safe_halt'
>>> bucket_bounds("[1K, 2K)"), bucket_bounds("[0]"), bucket_bounds("(..., 0)")
((1024.0, 2048.0), (0.0, 1.0), (-inf, 0.0))
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .ebpf_events import clock_times

_SUFFIX = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4, "P": 1024**5,
           "E": 1024**6}
_NUMBER = re.compile(r"^(-?\d+)([KMGTPE]?)$")
_FRAME = re.compile(r"^(?:[0-9a-f]{6,16} )?(.+?)(?:\+\d+)?(?: \([^()]*\))?$")
#: A word that is a whole frame by itself: ``func+12`` or an unresolved ``0x7f7e7169c2a1``.
_FRAME_WORD = re.compile(r"^(?:0x[0-9a-f]+|\S+\+\d+)$")


@dataclass
class MapPrint:
    """One printed map: its name, kind (``value``, ``stats`` or ``hist``) and rows.

    Each row is ``(keys, payload)``: ``keys`` a list of key strings (stacks still as
    printed), ``payload`` the value, a ``(count, average, total)`` triple or a
    ``(low, high, count)`` bucket.
    """

    name: str
    kind: str
    line: int
    rows: list[tuple[list[str], Any]] = field(default_factory=list)
    time: str | None = None
    #: the line of each row (text); empty when every row is on ``line`` (a JSON record)
    numbers: list[int] = field(default_factory=list)


def number(text: str) -> float:
    """A histogram bound as printed (``16K``, ``-5``, ``...``) as a number."""
    match = _NUMBER.match(text.strip())
    if not match:
        raise ValueError(f"not a bucket bound: {text!r}")
    return float(int(match[1]) * _SUFFIX[match[2]])


def bucket_bounds(label: str) -> tuple[float, float]:
    """``[lo, hi)``, ``[n]``, ``(..., hi)`` or ``[lo, ...)`` as ``(low, high)``, high exclusive."""
    label = label.strip()
    inner = label[1:-1]
    if label.startswith("[") and label.endswith("]"):
        value = number(inner)
        return value, value + 1
    low_text, _, high_text = inner.partition(",")
    if not _ or not (label.endswith(")") and label[0] in "[("):
        raise ValueError(f"not a histogram bucket: {label!r}")
    low = -math.inf if low_text.strip() == "..." else number(low_text)
    high = math.inf if high_text.strip() == "..." else number(high_text)
    return low, high


def split_key(key: str, separator: str) -> list[str]:
    """Split a printed map key into its parts; a stack (lines of frames) is one part.

    ``separator`` is ``", "`` in the text output and ``","`` in JSON.
    """
    parts: list[str] = []
    pos = 0
    size = len(key)
    while True:
        if key.startswith("\n", pos):
            end = pos + 1
            while True:
                newline = key.find("\n", end)
                if newline < 0:
                    end = size
                    break
                end = newline + 1
                if end >= size or key[end] not in " \t":
                    break
            parts.append(key[pos:end])
            pos = end
            if pos >= size:
                return parts
            if key[pos] != ",":
                raise ValueError(f"unexpected text after a stack in a map key: {key[pos:]!r}")
            pos += 1
            if separator.endswith(" ") and key.startswith(" ", pos):
                pos += 1
            continue
        cut = key.find(separator, pos)
        if cut < 0:
            parts.append(key[pos:])
            return parts
        parts.append(key[pos:cut])
        pos = cut + len(separator)


def is_stack(part: str) -> bool:
    """True for a key part that is a printed stack (starts with a newline)."""
    return part.startswith("\n")


def damaged_frame(key: str) -> tuple[int, str] | None:
    """``(index of the line in key.split("\\n"), why)`` for the first frame line of a
    printed key's stacks that bpftrace does not print, or None. bpftrace prints one frame
    a line, each indented alike: a line left blank (its frame lost), a line with two
    frames on it (``main+31 main+31``: one printed twice), a frame indented unlike the
    others of its stack (JSON's ``\\n`` glued to a field lost or doubled), or a line that
    is no frame (``, 1``: a last line that lost its ``comm]:``, read on into the next
    entry) is damage.
    The key's first and last lines (``@[`` and ``, comm]``) and the ``, `` lines between
    two stacks are not frames.

    >>> damaged_frame("\\n    f+1\\n    g+2\\n, bash") is None
    True
    >>> damaged_frame("\\n    f+1\\n \\n    g+2\\n, bash")
    (2, 'a stack frame line left blank (a frame lost)')
    >>> damaged_frame("\\n    f+1 f+1\\n    g+2\\n, bash")
    (1, 'a stack frame line holding two frames')
    >>> damaged_frame("\\n    f+1\\n     g+2\\n, bash")
    (2, 'a stack frame indented unlike the others of its stack')
    >>> damaged_frame("\\n    f+1\\n, 1\\n@[\\n    g+2\\n, bash")
    (2, "a key's last line without its ']:' inside the key (a field lost)")
    """
    lines = key.split("\n")
    indent: str | None = None
    for index in range(1, len(lines) - 1):
        line = lines[index]
        if line.startswith(","):  # between two stacks (kstack, ustack): ends ", "
            if not line.rstrip(" ").endswith(","):
                return index, "a key's last line without its ']:' inside the key (a field lost)"
            indent = None
            continue
        if line and not line[0].isspace():
            return index, "a line that is not a stack frame inside a stack key"
        words = line.split()
        if not words:
            return index, "a stack frame line left blank (a frame lost)"
        if sum(bool(_FRAME_WORD.match(word)) for word in words) > 1 or any(
                a == b for a, b in itertools.pairwise(words)):
            return index, "a stack frame line holding two frames"
        own = line[:len(line) - len(line.lstrip())]
        if indent is not None and own != indent:
            return index, "a stack frame indented unlike the others of its stack"
        indent = own
    return None


def fold_stack(part: str) -> str:
    """A printed stack (leaf first, one frame per line) as ``root;...;leaf``."""
    frames = []
    for line in part.strip("\n").split("\n"):
        line = line.strip()
        if not line:
            continue
        match = _FRAME.match(line)
        frames.append(match[1] if match else line)
    return ";".join(reversed(frames))


def _key_column(values: list[str]) -> pd.Series:
    series = pd.Series(values, dtype=object)
    if values and all(_NUMBER.match(v) and not _NUMBER.match(v)[2] for v in values):
        return pd.to_numeric(series).astype("int64")
    return series


def _values(payloads: list[Any]) -> pd.Series:
    if payloads and all(isinstance(p, (int, float)) and not isinstance(p, bool)
                        for p in payloads):
        kind = "int64" if all(isinstance(p, int) for p in payloads) else "float64"
        return pd.Series(payloads, dtype=kind)
    return pd.Series(payloads, dtype=object)


def map_table(prints: Sequence[MapPrint], *, intervals: bool,
              date: pd.Timestamp | None = None) -> pd.DataFrame:
    """One DataFrame from every print of one map (see the module docstring)."""
    width = max((len(keys) for p in prints for keys, _ in p.rows), default=0)
    key_names = ["key"] if width == 1 else [f"key{i + 1}" for i in range(width)]
    kind = prints[0].kind
    keys: list[list[str]] = [[] for _ in range(width)]
    stacks = [False] * width
    payloads: list[Any] = []
    interval: list[int] = []
    times: list[str | None] = []
    for index, printed in enumerate(prints):
        for row_keys, payload in printed.rows:
            padded = row_keys + [""] * (width - len(row_keys))
            for position, part in enumerate(padded):
                if is_stack(part):
                    stacks[position] = True
                keys[position].append(part)
            payloads.append(payload)
            interval.append(index)
            times.append(printed.time)
    columns: dict[str, pd.Series] = {}
    for position, name in enumerate(key_names):
        if stacks[position]:
            columns[name] = pd.Series([fold_stack(v) for v in keys[position]], dtype=object)
        else:
            columns[name] = _key_column(keys[position])
    if kind == "hist":
        columns["low"] = pd.Series([p[0] for p in payloads], dtype="float64")
        columns["high"] = pd.Series([p[1] for p in payloads], dtype="float64")
        columns["count"] = pd.Series([p[2] for p in payloads], dtype="int64")
    elif kind == "stats":
        for position, name in enumerate(("count", "average", "total")):
            columns[name] = pd.Series([p[position] for p in payloads], dtype="int64")
    else:
        columns["value"] = _values(payloads)
    frame = pd.DataFrame(columns)
    if intervals:
        frame.insert(0, "interval", pd.Series(interval, dtype="int64"))
    if any(t is not None for t in times):
        # the times present only: a missing one read as midnight would roll the day on
        present = [t is not None for t in times]
        known = clock_times([t for t in times if t is not None], date)
        stamped = pd.Series(pd.NaT, index=range(len(times)), dtype=known.dtype)
        stamped[present] = known.to_numpy()
        frame.insert(0, "time", stamped)
    frame.attrs["map"] = prints[0].name
    frame.attrs["kind"] = kind
    frame.attrs["stack_columns"] = [n for n, s in zip(key_names, stacks, strict=True) if s]
    return frame


def map_tables(prints: Sequence[MapPrint], *, has_times: bool,
               date: pd.Timestamp | None = None) -> dict[str, pd.DataFrame]:
    """One table per map name, in the order the maps were first printed."""
    by_name: dict[str, list[MapPrint]] = {}
    for printed in prints:
        by_name.setdefault(printed.name, []).append(printed)
    repeated = has_times or any(len(group) > 1 for group in by_name.values())
    return {name: map_table(group, intervals=repeated, date=date)
            for name, group in by_name.items()}
