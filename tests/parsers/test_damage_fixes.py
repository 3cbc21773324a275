"""The damage cases tests/parsers/test_damage.py found, one test each, on real recordings:
the value read equals the number printed, or the warning or error names the damaged line."""

from __future__ import annotations

import re
import warnings

import pytest
from conftest import fixture_text

import perfkit


def cut_in_last_number(text: str) -> tuple[str, int]:
    """``text`` stopped after the first digit of its last number of two digits or more (no
    newline after it), and the number of the line it stops in."""
    last = list(re.finditer(r"\d\d+", text))[-1]
    cut = text[:last.start() + 1]
    return cut, cut.count("\n") + 1


@pytest.mark.parametrize(("tool", "name"), [
    ("sar", "q.C.txt"), ("free", "t.C.txt"), ("mpstat", "P-ALL.C.txt"),
    ("iostat", "xz.C.txt"), ("bpftrace", "maps.txt"), ("vmstat", "proc-vmstat.txt"),
    ("top", "c-w200.C.txt"), ("journalctl", "k.C.txt"), ("dmesg", "since-T.C.txt"),
])
def test_a_text_cut_inside_its_last_number_warns_naming_that_line(tool, name):
    whole = fixture_text(tool, name)
    perfkit.parse(whole, tool)  # no warning for the whole text
    cut, number = cut_in_last_number(whole)
    with pytest.warns(perfkit.ParseWarning) as said:
        perfkit.parse(cut, tool)
    assert number in [w.message.line for w in said]


def test_the_warning_for_a_cut_number_names_the_line_and_its_text():
    whole = fixture_text("free", "t.C.txt")  # ends "Total:      24684092      694560    23806532"
    cut = whole[:whole.rindex("23806532") + 2]
    with pytest.warns(perfkit.ParseWarning, match="line 4: the text ends inside this line") as said:
        frame = perfkit.parse(cut, "free")
    assert said[0].message.text.endswith(" 23")
    assert frame.loc[frame["kind"] == "Mem", "free"].iloc[0] == 23806532


def test_a_text_ending_with_its_newline_gives_no_cut_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        perfkit.parse(fixture_text("free", "t.C.txt"), "free")
