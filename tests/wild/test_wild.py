"""Outputs from the wild: real tool outputs that people pasted in public places.

Every file under ``tests/wild/<tool>/`` is listed in ``tests/wild/PROVENANCE.tsv`` (see the
README next to this file). For each file this test reads it with
``perfkit.read(path, tool=<tool>)`` and checks that at least :data:`THRESHOLD` of the
numbers printed in its data rows are found among the values of the frames perfkit returns.
A file whose ``expect`` column starts with ``ParseError`` must be refused instead. A file
whose ``expect`` is ``warn <lines>: <why>`` holds lines that a person mangled (wrapped, cut,
pasted without their header): perfkit must warn naming exactly those lines, and the 95 %
rule holds for the numbers printed on the other lines.

The ``status`` column records how today's perfkit does: ``pass``, or ``xfail-<reason>``,
which marks the test ``xfail(strict=True)`` so that the suite stays green now and a fixed
parser turns the mark into an error that asks for the row to be updated.

Run this file as a script to print, for every file, the fraction of numbers found and why a
file fails::

    python tests/wild/test_wild.py            # every file
    python tests/wild/test_wild.py top/       # files whose path starts with top/
"""

from __future__ import annotations

import csv
import math
import re
import sys
import warnings
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

import perfkit

HERE = Path(__file__).resolve().parent
PROVENANCE = HERE / "PROVENANCE.tsv"
#: Share of the printed numbers that must be found in the frames.
THRESHOLD = 0.95

# --- the number extractor ---------------------------------------------------------------
#
# A text is read line by line. Lines that are not data rows are skipped whole:
#   * the sysstat banner (``Linux 5.15.0-91-generic (host)  05/05/2025  _x86_64_  (8 CPU)``):
#     its kernel version, date and CPU count are facts about the machine, not samples;
#   * the tools' own messages (``Attaching 1 probe...``, any line saying ``Ctrl-C``,
#     ``Counting cache functions... Output every 5 seconds.``, journalctl's ``-- Logs begin``).
# In the lines kept, clock stamps are removed first: ctime stamps in brackets
# (``[Mon Dec 17 07:46:44 2012]``), ISO stamps, CJK times (``16时00分21秒``) and syslog's
# month and day before a clock (``Sep 20 16:02:50``, in any language: ``set 03 13:04:28``).
# The rest is split on white space and each token is trimmed of the punctuation around it
# (brackets, commas, colons, quotes, ``*``, ``@``, ``=``, full-width , : ;).
# A token is a printed number when what is left is digits with at most one decimal point or
# decimal comma (``0,59`` is 0.59), an optional sign, an optional ``%`` and an optional size
# suffix (``K M G T`` in either case, with or without ``i``/``B``, or a bare ``B``).
# Tokens with a colon inside (times of day, ``2:14`` in uptime, top's ``TIME+``), dates
# (``03/19/2024``, ``2019年11月11日``), hexadecimal and words are not numbers. For the log
# tools (dmesg, journalctl), whose rows end in free text, numbers inside longer tokens count
# too (``pid=1``, ``(2)``), except in versions, addresses and clocks (``4.9.84``, ``2-1:``).
#
# Each printed number may be found under any of a few readings, each with a tolerance of
# half a unit of its last printed digit:
#   * as printed;
#   * with a size suffix, converted to KiB and to bytes (``7.6G``, ``5740m``, ``1k``); a
#     line that starts with a unit word (top's ``MiB Mem :``) gives that unit to its numbers;
#   * the upper bound of a histogram bucket printed inclusively (bcc's ``0 -> 1``,
#     bpftrace's ``[0, 1]``) plus one, as perfkit stores buckets as ``low <= x < high``.
#
# The frames' values are every numeric cell, the numbers in text cells read the same way,
# and durations in seconds, minutes, hours and days. Date and time cells are left out, as
# clocks are left out of the text. A number is found when one of its readings lies within
# its tolerance of one of those values; a file passes when THRESHOLD of them are found.

_BANNER = re.compile(r"^\s*Linux\s+\S+\s+\(")
_MESSAGE = re.compile(
    r"^\s*(Attaching \d+ probes?|Tracing\b|Counting\b|Sampling\b|Hit Ctrl-C|Found fnc"
    r"|Attach:|Use of uninitialized|Detaching|WARNING|Possibly lost|Running\b|-- )")
_CTIME = re.compile(r"\[?\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug"
                    r"|Sep|Oct|Nov|Dec) +\d{1,2} \d{1,2}:\d{2}:\d{2} \d{4}\]?")
# syslog's "Sep 20 " before a clock, in any language ("set 03 13:04:28" in pt_BR)
_SYSLOG_STAMP = re.compile(r"^\s*[^\W\d]{3,5}\.? +\d{1,2} +(?=\d{1,2}:\d{2})")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?([.,]\d+)?([+-]\d{2}:?\d{2}|Z)?")
_CJK_TIME = re.compile(r"\d+时\d+分(\d+秒)?")
_TRIM = "()[]{}<>,;:|\"'*@，：；（）=!?"
_NUMBER = re.compile(r"^([-+]?)(\d+)(?:[.,](\d+))?(%|[KMGTPkmgtp]i?B?|B)?$")
_SIZE_POWER = {"k": 1, "m": 2, "g": 3, "t": 4, "p": 5}
_INCLUSIVE_RANGE = re.compile(r"(\d+) -> (\d+)")
_LINE_UNIT = re.compile(r"^\s*([KMGTP])iB\b")
# a number inside a longer token of a log message (``pid=1``, ``TB/932``, ``(2)``), not part
# of a version, an address, a clock or a word (``4.9.84``, ``2-1:``, ``dswload2``)
_EMBEDDED = re.compile(r"(?<![\w.:])\d+(?:\.\d+)?(?![\w.:])")
#: Tools whose rows end in free text: numbers inside its words count too.
LOG_TOOLS = ("dmesg", "journalctl")


@dataclass(frozen=True)
class Printed:
    """One number printed in a data row: its line, its text and the values it may be read as,
    each with its tolerance."""

    line: int
    token: str
    readings: tuple[tuple[float, float], ...]


def _reading(token: str, inclusive_upper: bool,
             line_unit: str | None = None) -> tuple[tuple[float, float], ...] | None:
    """The readings of one trimmed token, or None when it is not a number."""
    match = _NUMBER.match(token)
    if match is None:
        return None
    sign, whole, decimals, suffix = match.groups()
    suffix = suffix or line_unit
    value = float(f"{sign}{whole}.{decimals or '0'}")
    tolerance = 0.5 * 10.0 ** -(len(decimals or "")) + 1e-9 * abs(value)
    readings = [(value, tolerance)]
    if suffix and suffix != "%":
        if suffix == "B":
            readings.append((value / 1024, tolerance / 1024))
        else:
            power = _SIZE_POWER[suffix[0].lower()]
            for scale in (1024.0 ** (power - 1), 1024.0 ** power):
                readings.append((value * scale, tolerance * scale))
    if inclusive_upper:
        readings.append((value + 1, tolerance))
    return tuple(readings)


def _tokens(text: str) -> list[tuple[str, bool]]:
    """White-space tokens of a line, trimmed, with whether each closes an inclusive range."""
    out = []
    for raw in text.split():
        token = raw.strip(_TRIM)
        out.append((token, raw.rstrip(":").endswith("]")))
    return out


def printed_numbers(text: str, embedded: bool = False) -> list[Printed]:
    """The numbers printed in the data rows of ``text`` (see the comment above).

    >>> [p.token for p in printed_numbers("Linux 6.1.0 (h) \\t11/25/26 \\t_x86_64_\\t(2 CPU)\\n"
    ...     "10:11:27 AM  all    0,07    0.00  100.00\\n")]
    ['0,07', '0.00', '100.00']
    >>> [round(value) for value, _ in printed_numbers("Mem:  7.6G")[0].readings]
    [8, 7969178, 8160437862]
    """
    found: list[Printed] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if _BANNER.match(line) or _MESSAGE.match(line) or "Ctrl-C" in line:
            continue
        line = _CTIME.sub(" ", line)
        line = _ISO.sub(" ", line)
        line = _CJK_TIME.sub(" ", line)
        line = _SYSLOG_STAMP.sub(" ", line)
        uppers = {m.start(2) for m in _INCLUSIVE_RANGE.finditer(line)}
        unit = _LINE_UNIT.match(line)
        position = 0
        for token, closes in _tokens(line):
            position = line.find(token, position) if token else position
            inclusive = closes or position in uppers
            readings = _reading(token, inclusive, unit.group(1) if unit else None)
            if readings is not None:
                found.append(Printed(number, token, readings))
            elif embedded:
                for inner in _EMBEDDED.findall(token):
                    found.append(Printed(number, inner, _reading(inner, False) or ()))
            position += len(token)
    return found


# --- the values perfkit returned ----------------------------------------------------------

def _frames(result: object) -> list[pd.DataFrame]:
    if isinstance(result, pd.DataFrame):
        return [result]
    frames = list(result.values())  # type: ignore[attr-defined]
    frames += list(getattr(result, "averages", {}).values())
    return frames


def frame_values(result: object, embedded: bool = False) -> list[float]:
    """Every number held in the frames (and averages) perfkit returned, sorted.

    Numeric cells count as they are; text cells (dmesg messages, bpftrace keys, commands)
    count by the numbers printed in them, read as :func:`printed_numbers` reads the text;
    durations count by their seconds, minutes, hours and days.
    """
    values: list[float] = []
    for frame in _frames(result):
        flat = frame.reset_index()
        for column in flat.columns:
            series = flat[column]
            if pd.api.types.is_bool_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
                continue
            if pd.api.types.is_timedelta64_dtype(series):
                for delta in series.dropna():
                    seconds = delta.total_seconds()
                    values += [seconds, seconds / 60, seconds / 3600, float(delta.days),
                               float(delta.seconds // 3600), float(delta.seconds // 60 % 60)]
                continue
            if pd.api.types.is_numeric_dtype(series):
                values += [float(v) for v in series.dropna()]
                continue
            for cell in series.dropna():
                if isinstance(cell, (int, float)) and not isinstance(cell, bool):
                    values.append(float(cell))
                else:
                    values += [p.readings[0][0]
                               for p in printed_numbers(str(cell), embedded)]
    return sorted(v for v in values if not math.isnan(v))


def _is_found(printed: Printed, pool: list[float]) -> bool:
    for value, tolerance in printed.readings:
        at = bisect_left(pool, value - tolerance)
        if at < len(pool) and pool[at] <= value + tolerance:
            return True
    return False


# --- one file's check -----------------------------------------------------------------------

@dataclass
class Outcome:
    """What reading one wild file gave."""

    error: str | None = None
    total: int = 0
    missing: list[Printed] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: the lines the ParseWarnings named
    warned_lines: set[int] = field(default_factory=set)

    @property
    def found(self) -> int:
        return self.total - len(self.missing)

    @property
    def fraction(self) -> float:
        return self.found / self.total if self.total else 0.0

    @property
    def passed(self) -> bool:
        return self.error is None and self.total > 0 and self.fraction >= THRESHOLD

    def reason(self) -> str:
        if self.error is not None:
            return self.error
        shown = ", ".join(f"l{p.line}:{p.token}" for p in self.missing[:6])
        return (f"{self.found}/{self.total} numbers found ({self.fraction:.0%})"
                + (f"; missing {shown}" if shown else ""))


def check(path: Path, tool: str, mangled: frozenset[int] = frozenset()) -> Outcome:
    """Read ``path`` with perfkit as ``tool`` and look its printed numbers up in the frames,
    leaving out the numbers printed on the ``mangled`` lines."""
    text = path.read_text(encoding="utf-8")
    outcome = Outcome()
    embedded = tool in LOG_TOOLS
    printed = [p for p in printed_numbers(text, embedded) if p.line not in mangled]
    outcome.total = len(printed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = perfkit.read(path, tool=tool)
        except Exception as exc:  # the report names whatever was raised
            outcome.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            outcome.missing = printed
            return outcome
    outcome.warnings = [str(w.message)[:200] for w in caught]
    outcome.warned_lines = {w.message.line for w in caught
                            if isinstance(w.message, perfkit.ParseWarning)
                            and w.message.line is not None}
    pool = frame_values(result, embedded)
    outcome.missing = [p for p in printed if not _is_found(p, pool)]
    return outcome


# --- the provenance table and the tests -----------------------------------------------------

def provenance() -> list[dict[str, str]]:
    """The rows of PROVENANCE.tsv."""
    with PROVENANCE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


_WARN = re.compile(r"warn (\d+(?:,\d+)*): \S")


def mangled_lines(expect: str) -> frozenset[int]:
    """The lines a ``warn <lines>: <why>`` expectation names (none for ``parse``).

    >>> sorted(mangled_lines("warn 2,4: wrapped by the poster"))
    [2, 4]
    """
    match = _WARN.match(expect)
    return frozenset(int(n) for n in match.group(1).split(",")) if match else frozenset()


def _params() -> list:
    params = []
    for row in provenance():
        marks = []
        status = row["status"]
        if status.startswith("xfail-"):
            marks.append(pytest.mark.xfail(strict=True, reason=status[len("xfail-"):]))
        params.append(pytest.param(row, id=row["file"], marks=marks))
    return params


def test_every_file_is_listed_once() -> None:
    """Each data file has exactly one provenance row, and each row a file."""
    rows = [row["file"] for row in provenance()]
    on_disk = sorted(str(p.relative_to(HERE)) for p in HERE.glob("*/*")
                     if p.is_file() and p.parent.name in perfkit.TOOLS)
    assert sorted(rows) == on_disk
    assert len(set(rows)) == len(rows)


def test_provenance_columns_are_filled() -> None:
    """Every row names its tool, source, kind, date seen, expectation and status."""
    for row in provenance():
        assert row["tool"] in perfkit.TOOLS, row["file"]
        assert row["source_url"].startswith("https://"), row["file"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["seen"]), row["file"]
        assert (row["expect"] == "parse" or row["expect"].startswith("ParseError:")
                or _WARN.match(row["expect"])), row["file"]
        assert row["status"] == "pass" or row["status"].startswith("xfail-"), row["file"]
        assert row["kind"], row["file"]


@pytest.mark.parametrize("row", _params())
def test_wild_output(row: dict[str, str]) -> None:
    """perfkit reads the file and its frames hold >= 95 % of the numbers printed in it, or,
    for a file that is not a parseable output, refuses it with ParseError."""
    path = HERE / row["file"]
    if row["expect"].startswith("ParseError"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(perfkit.ParseError):
                perfkit.read(path, tool=row["tool"])
        return
    mangled = mangled_lines(row["expect"])
    outcome = check(path, row["tool"], mangled)
    assert outcome.passed, outcome.reason()
    if mangled:
        assert outcome.warned_lines == mangled, outcome.warnings


def main(prefixes: list[str]) -> int:
    """Print one line per file: status, numbers found, reason for a failure."""
    rows = [r for r in provenance() if not prefixes or r["file"].startswith(tuple(prefixes))]
    failing = 0
    for row in rows:
        path = HERE / row["file"]
        if row["expect"].startswith("ParseError"):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    perfkit.read(path, tool=row["tool"])
                verdict, reason = "FAIL", "expected ParseError, but it was read"
            except perfkit.ParseError:
                verdict, reason = "pass", "refused as expected"
        else:
            outcome = check(path, row["tool"], mangled_lines(row["expect"]))
            verdict = "pass" if outcome.passed else "FAIL"
            reason = outcome.reason()
            if outcome.warnings:
                reason += f" [{len(outcome.warnings)} warning(s): {outcome.warnings[0]}]"
        failing += verdict == "FAIL"
        print(f"{verdict}\t{row['file']}\t{row['status']}\t{reason}")
    print(f"# {len(rows) - failing} pass, {failing} fail, of {len(rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
