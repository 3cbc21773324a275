"""free: every recorded procps-ng 4.0.2 form, translated headers, samples, the corpus."""

from __future__ import annotations

import json
import math
import re

import pandas as pd
import pytest
from conftest import corpus_files, fixture_text

import perfkit
from perfkit.parsers import free

# KiB per printed suffix, written out here independently of perfkit.units
BINARY = {"B": 1 / 1024, "K": 1, "Ki": 1, "M": 1024, "Mi": 1024, "G": 1024**2, "Gi": 1024**2,
          "T": 1024**3, "Ti": 1024**3}
DECIMAL = {"B": 1 / 1024, "K": 1000 / 1024, "M": 1000**2 / 1024, "G": 1000**3 / 1024,
           "T": 1000**4 / 1024}
BARE = {"KiB": 1, "MiB": 1024, "GiB": 1024**2, "B": 1 / 1024}

NEW = ["total", "used", "free", "shared", "buff/cache", "available"]
WIDE = ["total", "used", "free", "shared", "buffers", "cache", "available"]
MEM_SWAP = ["Mem", "Swap"]
ALL_ROWS = ["Mem", "Low", "High", "Swap", "Total", "Comm"]

# file, unit= passed to the parser, si=, row kinds, columns
RECORDINGS = [
    ("default.C.txt", "KiB", False, MEM_SWAP, NEW),
    ("default.de_DE.txt", "KiB", False, MEM_SWAP, NEW),
    ("k.C.txt", "KiB", False, MEM_SWAP, NEW),
    ("m.C.txt", "MiB", False, MEM_SWAP, NEW),
    ("g.C.txt", "GiB", False, MEM_SWAP, NEW),
    ("b.C.txt", "B", False, MEM_SWAP, NEW),
    ("h.C.txt", "KiB", False, MEM_SWAP, NEW),
    ("h.en_US.txt", "KiB", False, MEM_SWAP, NEW),
    ("h.de_DE.txt", "KiB", False, MEM_SWAP, NEW),
    ("h.fr_FR.txt", "KiB", False, MEM_SWAP, NEW),
    ("h-si.C.txt", "KiB", True, MEM_SWAP, NEW),
    ("hw.C.txt", "KiB", False, MEM_SWAP, WIDE),
    ("hw.de_DE.txt", "KiB", False, MEM_SWAP, WIDE),
    ("w.C.txt", "KiB", False, MEM_SWAP, WIDE),
    ("t.C.txt", "KiB", False, ["Mem", "Swap", "Total"], NEW),
    ("l.C.txt", "KiB", False, ["Mem", "Low", "High", "Swap"], NEW),
    ("v.C.txt", "KiB", False, ["Mem", "Swap", "Comm"], NEW),
    ("wtlv.C.txt", "KiB", False, ALL_ROWS, WIDE),
    ("wtlv.de_DE.txt", "KiB", False, ALL_ROWS, WIDE),
    ("wtlv.fr_FR.txt", "KiB", False, ALL_ROWS, WIDE),
]


def printed_kib(token: str, unit: str, si: bool) -> float:
    """The KiB a printed cell stands for: '8,6Mi' -> 8.6 * 1024."""
    number, suffix = re.fullmatch(r"(\d+(?:[.,]\d+)?)([A-Za-z]*)", token).groups()
    factor = (DECIMAL if si else BINARY)[suffix] if suffix else BARE[unit]
    return float(number.replace(",", ".")) * factor


def printed_rows(raw: str) -> list[list[str]]:
    return [line.split(":", 1)[1].split() for line in raw.splitlines() if ":" in line]


@pytest.mark.parametrize(("name", "unit", "si", "kinds", "columns"), RECORDINGS,
                         ids=[r[0] for r in RECORDINGS])
def test_every_cell_equals_the_printed_size(name, unit, si, kinds, columns):
    raw = fixture_text("free", name)
    df = free.parse(raw, unit=unit, si=si)
    assert list(df.columns) == ["sample", "kind", *columns]
    assert df["kind"].tolist() == kinds
    assert (df["sample"] == 0).all()
    for (_, row), values in zip(df.iterrows(), printed_rows(raw), strict=True):
        names = columns if row["kind"] == "Mem" else ["total", "used", "free"]
        assert [row[n] for n in names] == [printed_kib(v, unit, si) for v in values], name
        assert row.drop(["sample", "kind", *names]).isna().all()
    suffixed = re.search(r"\d[BKMGT]", raw) is not None
    assert df.attrs["printed_unit"] == (("human-si" if si else "human") if suffixed else unit)


def test_mem_total_is_the_printed_number_times_the_unit():
    assert free.parse(fixture_text("free", "m.C.txt"), unit="MiB").loc[0, "total"] == \
        24105 * 1024
    assert free.parse(fixture_text("free", "default.C.txt")).loc[0, "total"] == 24684092
    assert free.parse(fixture_text("free", "h.C.txt")).loc[0, "total"] == 23 * 1024**2
    assert free.parse(fixture_text("free", "h-si.C.txt"), si=True).loc[0, "total"] == \
        25e9 / 1024
    assert free.parse(fixture_text("free", "b.C.txt"), unit="B").loc[0, "total"] == \
        25276510208 / 1024


@pytest.mark.parametrize(("name", "unit", "kib"), [("m.C.txt", "MiB", 1024),
                                                   ("g.C.txt", "GiB", 1024**2)])
def test_bare_numbers_are_in_the_unit_given_and_printed_unit_says_it(name, unit, kib):
    raw = fixture_text("free", name)
    printed_total = int(printed_rows(raw)[0][0])
    said = free.parse(raw, unit=unit)
    assert said.loc[0, "total"] == printed_total * kib
    assert said.attrs["printed_unit"] == unit
    # the text does not say its unit: read as KiB (free's default), and printed_unit says
    # nothing rather than a unit nobody stated
    unsaid = perfkit.parse(raw)
    assert unsaid.loc[0, "total"] == printed_total
    assert unsaid.attrs["printed_unit"] is None


def test_decimal_commas_in_human_sizes():
    raw = fixture_text("free", "hw.de_DE.txt")
    assert "8,6Mi" in raw and "6,7Mi" in raw
    df = free.parse(raw)
    assert df.loc[0, "shared"] == 8.6 * 1024
    assert df.loc[0, "buffers"] == 6.7 * 1024


def test_translated_headers_and_labels_map_to_c_names():
    german = free.parse(fixture_text("free", "wtlv.de_DE.txt"))
    french = free.parse(fixture_text("free", "wtlv.fr_FR.txt"))
    c_locale = free.parse(fixture_text("free", "wtlv.C.txt"))
    assert list(german.columns) == list(french.columns) == list(c_locale.columns)
    assert german["kind"].tolist() == french["kind"].tolist() == ALL_ROWS
    assert "Speicher:" in fixture_text("free", "wtlv.de_DE.txt")
    assert "Échange:" in fixture_text("free", "wtlv.fr_FR.txt")


def test_repeated_samples():
    raw = fixture_text("free", "s1-c3.C.txt")
    df = free.parse(raw)
    assert df["sample"].tolist() == [0, 0, 1, 1, 2, 2]
    assert df["kind"].tolist() == MEM_SWAP * 3
    used = [int(values[1]) for values in printed_rows(raw)[::2]]
    assert df.loc[df["kind"] == "Mem", "used"].tolist() == used


def test_old_layout_with_the_buffers_cache_row():
    # procps before 3.3.10 cannot be run here; this is free's output as a user posted it
    # on the Ubuntu forums ("Strange Memory-Usage", 2005-12-25), quoted unchanged.
    text = ("             total       used       free     shared    buffers     cached\n"
            "Mem:        515792     501372      14420          0      54784     240360\n"
            "-/+ buffers/cache:     206228     309564\n"
            "Swap:       401616          0     401616\n")
    df = free.parse(text)
    assert list(df.columns) == ["sample", "kind", "total", "used", "free", "shared",
                                "buffers", "cached"]
    assert df["kind"].tolist() == ["Mem", "-/+ buffers/cache", "Swap"]
    cache_row = df.iloc[1]
    assert (cache_row["used"], cache_row["free"]) == (206228, 309564)
    assert cache_row[["total", "shared", "buffers", "cached"]].isna().all()
    assert df.loc[0, "cached"] == 240360


def test_detection():
    for name, *_ in RECORDINGS:
        assert perfkit.detect_tool(fixture_text("free", name)) == "free", name


def test_truncated_last_line_warns_and_is_dropped():
    raw = fixture_text("free", "wtlv.C.txt")
    cut = raw[:raw.rindex("Comm:") + 20]
    with pytest.warns(perfkit.ParseWarning, match="the last line is truncated") as said:
        df = free.parse(cut)
    assert [(w.message.line, w.message.tool) for w in said] == [(7, "free")]
    assert df["kind"].tolist() == ALL_ROWS[:-1]


def test_short_last_row_is_truncated_even_with_a_newline():
    raw = fixture_text("free", "t.C.txt")
    cut = raw[:raw.rindex("Total:") + 20].rstrip() + "\n"
    with pytest.warns(perfkit.ParseWarning, match="truncated"):
        assert free.parse(cut)["kind"].tolist() == MEM_SWAP


def test_garbage_line_raises_when_strict_and_warns_otherwise():
    lines = fixture_text("free", "default.C.txt").splitlines(keepends=True)
    text = "".join([*lines[:2], "something else entirely\n", *lines[2:]])
    with pytest.raises(perfkit.ParseError) as info:
        free.parse(text, strict=True)
    assert info.value.line == 3
    with pytest.warns(perfkit.ParseWarning) as said:
        df = free.parse(text)
    assert [(w.message.line, w.message.text) for w in said] == [(3, "something else entirely")]
    assert df["kind"].tolist() == MEM_SWAP


def test_unit_must_be_known():
    with pytest.raises(ValueError, match="unit"):
        free.parse(fixture_text("free", "m.C.txt"), unit="M")


@pytest.mark.parametrize("bad", [b"", b"  \n", b"\x00\x01\x02binary", "hello world\n"])
def test_empty_binary_and_foreign_input_raise(bad):
    with pytest.raises(perfkit.ParseError) as info:
        free.parse(bad)
    assert info.value.line is not None


JC_NAMES = {"buff_cache": "buff/cache"}


def test_corpus_agrees_with_jc():
    files = corpus_files("free", "*.out")
    assert files
    for path in files:
        df = free.parse(path.read_bytes())
        expected = json.loads(path.with_suffix(".json").read_text())
        assert df["kind"].tolist() == [row["type"] for row in expected], path.name
        human = df.attrs["printed_unit"] == "human"
        for (_, row), jc_row in zip(df.iterrows(), expected, strict=True):
            for key, value in jc_row.items():
                if key == "type":
                    continue
                mine = row[JC_NAMES.get(key, key)]
                if not human:
                    assert mine == value, (path.name, key)
                    continue
                # jc reads "3.7G" as 3.7e9 bytes, perfkit as 3.7 GiB: the same printed figure
                assert any(math.isclose(mine * 1024 / 1024**n, value / 1000**n)
                           for n in range(5)), (path.name, key, mine, value)


def test_buff_cache_has_no_synonym_in_the_old_layout():
    # old free's "cached" is only part of what buff/cache counts (buffers + cached)
    from perfkit.synonyms import find

    old = pd.DataFrame({"buffers": [1000.0], "cached": [240360.0]})
    assert find(old, "buff/cache") is None
    assert find(old, "cached") == "cached"
