"""Every parser reads hostile shapes in linear time: one very long line, a great many junk
lines, a real body repeated many times. Doubling the input must roughly double the time
(ratio under 3, CPU time, best of 3), which a quadratic step (ratio 4) fails.

The inputs grow from a real recording until one parse takes about 0.15 s, so each run stays
well under 2 s on a slow, shared machine. A repeated warning is given a few times and then
counted (perfkit.errors.one_parse), which this file checks too.
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable

import pytest
from conftest import ROOT, fixture_text

import perfkit

sys.path.insert(0, str(ROOT / "benchmarks"))
# the shapes, and one real recording per parser, as the full-size benchmark builds them
from hostile_shapes import JUNK, SAMPLES, junk_lines, long_line, parse_quietly, repeated_body


def _junk(text: str, size: int) -> str:
    return junk_lines(text, size // len(JUNK))  # about ``size`` characters of junk


SHAPES: dict[str, Callable[[str, int], str]] = {
    "long-line": long_line, "junk-lines": _junk, "repeated-body": repeated_body}


def cpu_seconds(text: str, tool: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        parse_quietly(text, tool)
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("tool", SAMPLES)
def test_doubling_the_input_at_most_doubles_the_time(tool, shape):
    base = fixture_text(*SAMPLES[tool].split("/"))
    make = SHAPES[shape]
    size = 20_000
    small = cpu_seconds(make(base, size), tool)
    while small < 0.15 and size < 40_000_000:
        size *= 2 if small > 0.03 else 8
        small = cpu_seconds(make(base, size), tool)
    large = cpu_seconds(make(base, 2 * size), tool)
    if large / max(small, 1e-3) >= 3:  # a busy machine slowed one: both again, best kept
        small = min(small, cpu_seconds(make(base, size), tool))
        large = min(large, cpu_seconds(make(base, 2 * size), tool))
    ratio = large / max(small, 1e-3)
    assert ratio < 3, f"{tool} {shape}: {size} chars {small:.3f} s, twice {large:.3f} s"


@pytest.mark.parametrize("tool", ["vmstat", "sar", "mpstat"])
def test_a_warning_repeated_on_many_lines_is_counted_after_the_first_ten(tool):
    # sar and mpstat read the text twice (a fast path, then line by line): counted once
    text = junk_lines(fixture_text(*SAMPLES[tool].split("/")), 1000)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        perfkit.parse(text, tool)
    messages = [w.message for w in caught if isinstance(w.message, perfkit.ParseWarning)]
    assert len(messages) == 11
    assert all(m.text == "some junk here" for m in messages[:10])
    assert "... and 990 more lines like this" in str(messages[-1])
    assert messages[-1].line == messages[9].line + 1
