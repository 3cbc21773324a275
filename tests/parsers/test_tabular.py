"""The row-reading helpers behind every sysstat parser (perfkit.parsers._read.tabular)."""

from __future__ import annotations

import numpy as np
from conftest import assert_same_tables, fixture_text, parse_with_setting
from hypothesis import given, settings
from hypothesis import strategies as st

from perfkit.parsers._read import tabular
from perfkit.parsers._read.tabular import squeeze_spaces, squeeze_spans


@st.composite
def text_and_spans(draw):
    """Bytes of padded columns and a few spans of them, in text order."""
    data = draw(st.binary(max_size=80).map(
        lambda raw: bytes(b" \t\n1a."[value % 6] for value in raw)))
    cuts = sorted(draw(st.lists(st.integers(0, len(data)), max_size=12)))
    return data, np.array(cuts[0::2][:len(cuts) // 2], dtype="int64"), \
        np.array(cuts[1::2], dtype="int64")


@settings(max_examples=400, deadline=None)
@given(text_and_spans(), st.sampled_from([1, 5, 1 << 21]))
def test_squeezed_spans_are_the_joined_spans_squeezed(case, chunk):
    data, starts, ends = case
    joined = b"\n".join(data[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True))
    # what the caller may tell: the spans hold no tab, none of their lines starts blank
    tabs = b"\t" in joined
    indented = any(line[:1] in (b" ", b"\t") for line in joined.split(b"\n"))
    original = tabular._SPANS_CHUNK
    tabular._SPANS_CHUNK = chunk
    try:
        told = squeeze_spans(data, starts, ends, tabs=tabs, indented=indented)
        got = squeeze_spans(data, starts, ends)
    finally:
        tabular._SPANS_CHUNK = original
    if got is not None:  # None: lengths too uneven, the caller joins them itself
        assert got == squeeze_spaces(joined)
        assert told == got


def test_squeezed_spans_of_one_width_and_at_the_text_end():
    rows = [b"00:01 all   1.50  2", b"00:01   0   0.25 10 ", b"00:02 all\t 3.00  4"]
    data = b"x\n" + b"\n".join(rows)
    starts = np.array([data.index(row) for row in rows])
    ends = starts + [len(row) for row in rows]
    assert squeeze_spans(data, starts, ends) == \
        b"00:01 all 1.50 2\n00:01 0 0.25 10\n00:02 all 3.00 4"


def test_very_uneven_spans_are_left_to_the_caller():
    data = b"a\n" + b"b " * 500
    assert squeeze_spans(data, np.array([0, 2]), np.array([1, len(data)])) is None


def test_sar_tables_are_the_same_whether_spans_are_squeezed_or_joined(monkeypatch):
    """With no padding allowed every chunk of rows is joined and squeezed the old way:
    the frames and warnings must not change."""
    text = fixture_text("sar", "A.C.txt")
    lines = text.split("\n")
    lines.insert(len(lines) // 2, "00:32:58   garbage 1,5")
    damaged = "\n".join(lines)

    squeezed = parse_with_setting(monkeypatch, tabular, "_MAX_PADDING",
                                  tabular._MAX_PADDING, damaged, "sar")
    joined = parse_with_setting(monkeypatch, tabular, "_MAX_PADDING", 0.0, damaged, "sar")
    assert_same_tables(squeezed, joined)
    assert any("garbage" in message for message in joined[1])
    # 00:32:56  all  67.16 ... in the recording
    first = squeezed[0]["cpu"].iloc[0]
    assert (first["CPU"], first["%usr"], str(first["time"])) == \
        ("all", 67.16, "2026-11-25 00:32:56")
