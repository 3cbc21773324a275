"""Damage to a real recording never gives a wrong number in silence.

For every parser and every recording (tests/fixtures/<tool>/, and the shipped data/scenarios,
data/traces and data/fleet-text), hypothesis picks where to damage the text, four ways a saved
output gets damaged in the wild:

* cut: the text ends inside a number (a run killed while printing; no newline after);
* drop: one field of one line is gone;
* extra: one field of one line is printed twice;
* join: a second output of the same tool follows the first (``cmd >> file`` twice).

The result must be one of: a :class:`perfkit.ParseError`; a :class:`perfkit.ParseWarning`
whose ``line`` is the damaged line (for a join: a line of the second output); or frames whose
every row is a row the undamaged text(s) give (for a join, also every row of both outputs).
A row is compared as a whole, so a shifted value, a shorter number, an unflagged row or a
wrong date all fail. Free text (a message, a command line: :data:`FREE_TEXT`) is the one
exception: a word dropped from it or printed twice (or a field before it printed twice,
which then reads as its first word) is shown as printed, as nothing tells it from a message
that says so; every other value of the row must still be the undamaged one.

The examples are derandomized, one per recording and kind of damage (the same ones every
run, without shrinking), on every recording: about 1,600 cases in a minute or two.
``PERFKIT_DAMAGE_ALL=0`` keeps to the first scenario of data/scenarios and data/ files up to
64 KiB (a quicker run while working on a parser); ``PERFKIT_DAMAGE_EXAMPLES=50`` explores
more, at random, and shrinks what fails. The cases listed in
tests/parsers/damage_known.txt fail still and are marked xfail (see that file's history).
"""

from __future__ import annotations

import functools
import math
import os
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from test_contract import recordings

import perfkit
from perfkit.parsers._read.text import decode
from perfkit.registry import TOOLS

_KNOWN_FILE = Path(__file__).parent / "damage_known.txt"
KNOWN = set(_KNOWN_FILE.read_text().split()) if _KNOWN_FILE.is_file() else set()
EXAMPLES = int(os.environ.get("PERFKIT_DAMAGE_EXAMPLES", "1"))
#: every shipped scenario (the default; ``PERFKIT_DAMAGE_ALL=0``: the first one only)
ALL_SCENARIOS = os.environ.get("PERFKIT_DAMAGE_ALL", "1") != "0" or EXAMPLES > 1
#: with ``PERFKIT_DAMAGE_ALL=0``, data/ outputs up to this size (the larger take longest)
SMALL_DATA = None if ALL_SCENARIOS else 64 * 1024
_SMALL = EXAMPLES <= 10
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=_SMALL, database=None,
                    phases=[Phase.generate] if _SMALL else list(Phase),
                    suppress_health_check=list(HealthCheck))
DATA = Path(__file__).resolve().parents[2] / "data"


def data_recordings() -> list[tuple[str, Path]]:
    """(tool, path) of the text outputs shipped in data/: a scenario's ``<tool>[-what].txt``
    (of the first scenario only unless :data:`ALL_SCENARIOS`), the traces' and fleet-text's
    outputs (the tool recognised from the text); by default only those of up to
    :data:`SMALL_DATA` bytes."""
    found = []
    scenarios = sorted(p for p in DATA.glob("scenarios/*") if p.is_dir())
    for path in sorted(p for folder in scenarios[:None if ALL_SCENARIOS else 1]
                       for p in folder.glob("*.txt")):
        tool = path.stem.split("-")[0]
        if tool in TOOLS:
            found.append((tool, path))
    for path in sorted([*DATA.glob("traces/*.txt"), *DATA.glob("traces/*.json"),
                        *DATA.glob("fleet-text/*.csv")]):
        try:
            found.append((perfkit.detect_tool(decode(path.read_bytes())[:1 << 16]), path))
        except perfkit.ParseError:
            continue
    return [(tool, path) for tool, path in found
            if SMALL_DATA is None or path.stat().st_size <= SMALL_DATA]


RECORDINGS = [(tool, path) for tool in TOOLS for path in recordings(tool)] + data_recordings()
BY_TOOL: dict[str, list[Path]] = {}
for _tool, _path in RECORDINGS:
    BY_TOOL.setdefault(_tool, []).append(_path)
IDS = [f"{tool}/{path.name}" if path.parent.parent.name == "fixtures"
       else f"{tool}/{path.relative_to(DATA)}" for tool, path in RECORDINGS]
_FIELD = re.compile(r"\S+")


@functools.cache
def text_of(path: Path) -> str:
    return decode(path.read_bytes())


def parse(text: str, tool: str) -> tuple[object, list[perfkit.ParseWarning] | None]:
    """(result or the ParseError, the ParseWarnings given)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result: object = perfkit.parse(text, tool)
        except perfkit.ParseError as err:
            result = err
    return result, [w.message for w in caught if isinstance(w.message, perfkit.ParseWarning)]


def _cell(value: object) -> object:
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


#: Columns that count the samples of one output (not printed by the tool): two outputs
#: joined read as one output's samples, numbered on.
NUMBERING = {"sample", "iteration", "report", "interval"}


def rows(result: object, *, numbered: bool = True) -> dict[str, set[frozenset]]:
    """Each table's rows as sets of (column, value), missing values left out (two joined
    outputs with different columns give a table with both sets, each row missing the other's);
    without the :data:`NUMBERING` columns unless ``numbered``."""
    frames = {"": result} if isinstance(result, pd.DataFrame) else dict(result)
    out: dict[str, set[frozenset]] = {}
    for name, frame in frames.items():
        if not numbered:
            frame = frame.drop(columns=[c for c in frame.columns if c in NUMBERING])
        columns = [str(c) for c in frame.columns]
        out[name] = {frozenset((c, v) for c, v in zip(columns, map(_cell, row), strict=True)
                               if v is not None)
                     for row in frame.itertuples(index=False, name=None)}
    return out


@functools.cache
def undamaged_rows(path: Path, tool: str, numbered: bool = True
                   ) -> dict[str, set[frozenset]] | None:
    result, _ = parse(text_of(path), tool)
    return None if isinstance(result, perfkit.ParseError) else rows(result, numbered=numbered)


def stray_rows(damaged: dict[str, set[frozenset]], *undamaged: dict[str, set[frozenset]],
               first: int | None = 3) -> list:
    """Rows of ``damaged`` that no undamaged text gives (the ``first`` few; all: None)."""
    stray = []
    for name, table in damaged.items():
        known: set[frozenset] = set().union(*(u.get(name, set()) for u in undamaged))
        stray.extend((name, row) for row in table - known)
    return stray[:first]


#: Columns of free text, shown as printed: a message, a command line, a task's name, a
#: path, a stack, a printf line. A word dropped from one, or printed twice, is the damaged
#: text's own words (nothing tells it from a message that says so), not a wrong value.
FREE_TEXT = {"message", "Command", "COMMAND", "COMM", "comm", "ARGS", "PATH", "FILENAME",
             "FILE", "line", "stack", "NOTE"}


def as_printed(stray: tuple[str, frozenset], *undamaged: dict[str, set[frozenset]]) -> bool:
    """Whether a stray row is an undamaged row whose free text lost or repeated words: the
    same values in every other column, and no word in its free text that the undamaged
    row's does not hold (but for the row's own values: a field printed twice next to it)."""
    name, row = stray
    values = dict(row)
    fixed = {(column, value) for column, value in row if column not in FREE_TEXT}
    # a field printed twice just before free text becomes its first word (opensnoop's
    # "3 0 0 /proc/filesystems"): the row's other values are still the printed ones
    neighbours = {str(value) for _, value in fixed}
    for table in undamaged:
        for other in table.get(name, set()):
            other_values = dict(other)
            if {(c, v) for c, v in other if c not in FREE_TEXT} != fixed:
                continue
            if all(set(str(values.get(c, "")).split()) <= set(str(v).split()) | neighbours
                   for c, v in other_values.items() if c in FREE_TEXT) and \
                    set(values) == set(other_values):
                return True
    return False


def check(tool: str, text: str, lines: range, *undamaged: dict[str, set[frozenset]],
          complete: bool = False) -> None:
    """``complete`` for a join: every row of both outputs is there too, and the samples'
    numbering columns are left out of the comparison."""
    test = os.environ.get("PYTEST_CURRENT_TEST", "").split("::")[-1].split(" ")[0]
    if test in KNOWN:
        pytest.xfail("known damage failure (tests/parsers/damage_known.txt)")
    result, said = parse(text, tool)
    if isinstance(result, perfkit.ParseError):
        return
    if any(w.line in lines for w in said):
        return
    got = rows(result, numbered=not complete)
    stray = [row for row in stray_rows(got, *undamaged, first=None)
             if not as_printed(row, *undamaged)][:3]
    assert not stray, f"rows the undamaged text does not give, no warning: {stray}"
    if complete:
        lost = stray_rows(undamaged[0], got) + stray_rows(undamaged[1], got)
        assert not lost, f"rows lost without a warning: {lost}"


def line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


@pytest.mark.parametrize(("tool", "path"), RECORDINGS, ids=IDS)
@SETTINGS
@given(data=st.data())
def test_a_text_cut_inside_a_number(tool, path, data):
    text = text_of(path)
    undamaged = undamaged_rows(path, tool)
    cuts = [m.start() + 1 for m in re.finditer(r"\d(?=\d)", text)]
    if undamaged is None or not cuts:
        return
    cut = data.draw(st.sampled_from(cuts), label="cut")
    number = line_at(text, cut)
    check(tool, text[:cut], range(number, number + 1), undamaged)


def _fields(text: str) -> list[tuple[int, re.Match]]:
    """(line number, field) of every field on a line that holds a digit."""
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        if any(c.isdigit() for c in line):
            found.extend((number, m) for m in _FIELD.finditer(line))
    return found


def _edit_field(text: str, number: int, field: re.Match, drop: bool) -> str:
    lines = text.split("\n")
    line = lines[number - 1]
    start, end = field.span()
    if drop:
        lines[number - 1] = line[:start].rstrip(" \t") + (" " if start else "") + line[end:]
        if not start:
            lines[number - 1] = line[end:].lstrip(" \t")
    else:
        lines[number - 1] = line[:end] + " " + line[start:]
    return "\n".join(lines)


@pytest.mark.parametrize("drop", [True, False], ids=["drop", "extra"])
@pytest.mark.parametrize(("tool", "path"), RECORDINGS, ids=IDS)
@SETTINGS
@given(data=st.data())
def test_a_field_dropped_or_printed_twice(tool, path, drop, data):
    text = text_of(path)
    undamaged = undamaged_rows(path, tool)
    fields = _fields(text)
    if undamaged is None or not fields:
        return
    number, field = data.draw(st.sampled_from(fields), label="field")
    check(tool, _edit_field(text, number, field, drop), range(number, number + 1), undamaged)


@pytest.mark.parametrize(("tool", "path"), RECORDINGS, ids=IDS)
@SETTINGS
@given(data=st.data())
def test_two_outputs_joined(tool, path, data):
    first = text_of(path)
    undamaged = undamaged_rows(path, tool, False)
    second_path = data.draw(st.sampled_from(BY_TOOL[tool]), label="second")
    second_rows = undamaged_rows(second_path, tool, False)
    if undamaged is None or second_rows is None:
        return
    head = first if first.endswith("\n") else first + "\n"
    joined = head + text_of(second_path)
    start = head.count("\n") + 1
    check(tool, joined, range(start - 1, joined.count("\n") + 2), undamaged, second_rows,
          complete=True)
