"""vmstat: every recorded procps-ng 4.0.2 form, translated headers, the corpus against jc."""

from __future__ import annotations

import json
import re
import warnings

import pandas as pd
import pytest
from conftest import corpus_files, fixture_text

import perfkit
from perfkit.parsers import vmstat

DEFAULT = ["r", "b", "swpd", "free", "buff", "cache", "si", "so", "bi", "bo", "in", "cs",
           "us", "sy", "id", "wa", "st"]
ACTIVE = [*DEFAULT[:4], "inact", "active", *DEFAULT[6:]]
DISK = ["reads total", "reads merged", "reads sectors", "reads ms", "writes total",
        "writes merged", "writes sectors", "writes ms", "IO cur", "IO sec"]
SIZES = {"swpd", "free", "buff", "cache", "inact", "active"}
# KiB per unit of vmstat -S, written out independently of perfkit.units
PER_UNIT = {"K": 1, "k": 1000 / 1024, "M": 1024, "m": 1000**2 / 1024}
STAMP = re.compile(r"\s(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})$")

# file, -S letter, columns (without time/since_boot), has -t
TABLES = [
    ("default.C.txt", "K", DEFAULT, False),
    ("default.de_DE.txt", "K", DEFAULT, False),
    ("default.fr_FR.txt", "K", DEFAULT, False),
    ("repeated-headers.C.txt", "K", DEFAULT, False),
    ("n.C.txt", "K", DEFAULT, False),
    ("w.C.txt", "K", [*DEFAULT, "gu"], False),
    ("t.C.txt", "K", DEFAULT, True),
    ("t.en_US.txt", "K", DEFAULT, True),
    ("t.de_DE.txt", "K", DEFAULT, True),
    ("a.C.txt", "K", ACTIVE, False),
    ("a.de_DE.txt", "K", ACTIVE, False),
    ("a.fr_FR.txt", "K", ACTIVE, False),
    ("awt.C.txt", "K", [*ACTIVE, "gu"], True),
    ("S-M.C.txt", "M", DEFAULT, False),
    ("S-m.C.txt", "m", DEFAULT, False),
    ("S-k.C.txt", "k", DEFAULT, False),
    ("S-K.C.txt", "K", DEFAULT, False),
]


def data_lines(raw: str) -> list[str]:
    return [line for line in raw.splitlines() if re.match(r"^\s*\d", line)]


@pytest.mark.parametrize(("name", "unit", "columns", "timed"), TABLES,
                         ids=[t[0] for t in TABLES])
def test_every_cell_equals_the_printed_number(name, unit, columns, timed):
    raw = fixture_text("vmstat", name)
    df = parse_terminal_aware(raw, unit=unit)
    assert list(df.columns) == (["time"] if timed else []) + columns + ["since_boot"]
    rows = data_lines(raw)
    assert len(df) == len(rows)
    for (_, row), line in zip(df.iterrows(), rows, strict=True):
        fields = line.split()
        for column, printed in zip(columns, fields, strict=False):
            expected = int(printed) * (PER_UNIT[unit] if column in SIZES else 1)
            assert row[column] == expected, (name, column, line)
        if timed:
            assert row["time"] == pd.Timestamp(STAMP.search(line).group(1))
    assert df["since_boot"].tolist() == [True] + [False] * (len(df) - 1)
    assert df.attrs["printed_unit"] == {"K": "KiB", "k": "kB", "M": "MiB", "m": "MB"}[unit]
    if timed:
        assert str(df["time"].dtype) == "datetime64[ns]"
        assert df.attrs["timezone"] == "UTC"


def test_row_two_r_and_free():
    raw = fixture_text("vmstat", "default.C.txt")
    second = data_lines(raw)[1].split()
    df = vmstat.parse(raw)
    assert df.loc[1, "r"] == int(second[0])
    assert df.loc[1, "free"] == int(second[3])
    assert df["r"].dtype == "int64"


def parse_terminal_aware(raw: str, **options) -> pd.DataFrame:
    """vmstat.parse, expecting the one warning a header repeated after fewer than 21 rows
    gives (repeated-headers.C.txt was recorded in a terminal 7 lines high: 4 rows a block)."""
    if raw.count("procs ---") < 2:
        return vmstat.parse(raw, **options)
    with pytest.warns(perfkit.ParseWarning, match="a header again after 4 rows.*terminal 7"):
        return vmstat.parse(raw, **options)


def test_repeated_headers_never_become_rows():
    raw = fixture_text("vmstat", "repeated-headers.C.txt")
    assert raw.count("procs ---") == 2
    df = parse_terminal_aware(raw)
    assert len(df) == 6
    assert df["since_boot"].sum() == 1
    assert df.loc[4, "bi"] == int(data_lines(raw)[4].split()[8])


def test_translated_headers_keep_c_names():
    assert " frei " in fixture_text("vmstat", "t.de_DE.txt")
    assert "Zeitstempel" in fixture_text("vmstat", "t.de_DE.txt")
    assert " libre  inact  actif " in fixture_text("vmstat", "a.fr_FR.txt")
    german = vmstat.parse(fixture_text("vmstat", "t.de_DE.txt"))
    assert list(german.columns) == ["time", *DEFAULT, "since_boot"]


def test_size_units():
    mebi = vmstat.parse(fixture_text("vmstat", "S-M.C.txt"), unit="M")
    assert mebi.loc[0, "free"] == int(data_lines(fixture_text("vmstat", "S-M.C.txt"))[0]
                                      .split()[3]) * 1024
    mega = vmstat.parse(fixture_text("vmstat", "S-m.C.txt"), unit="m")
    assert mega.loc[0, "free"] == 24364 * 1000**2 / 1024
    with pytest.raises(ValueError, match="unit"):
        vmstat.parse(fixture_text("vmstat", "S-M.C.txt"), unit="G")


@pytest.mark.parametrize(("name", "samples", "timed"), [
    ("d.C.txt", 1, False), ("d.de_DE.txt", 1, False), ("d.fr_FR.txt", 1, False),
    ("dt.C.txt", 2, True)])
def test_disks(name, samples, timed):
    raw = fixture_text("vmstat", name)
    df = vmstat.parse(raw)
    assert list(df.columns) == (["time"] if timed else []) + ["sample", "disk", *DISK]
    rows = [line for line in raw.splitlines() if re.match(r"^[a-z]\S*\s+\d", line)]
    assert len(df) == len(rows)
    assert sorted(set(df["sample"])) == list(range(samples))
    for (_, row), line in zip(df.iterrows(), rows, strict=True):
        fields = line.split()
        assert row["disk"] == fields[0]
        assert [row[c] for c in DISK] == [int(v) for v in fields[1:11]]
        if timed:
            assert row["time"] == pd.Timestamp(STAMP.search(line).group(1))
    vda = df[df["disk"] == "vda"].iloc[0]
    assert vda["reads total"] > 0 and vda["writes sectors"] > 0


@pytest.mark.parametrize("name", ["s.C.txt", "s.de_DE.txt", "s.fr_FR.txt", "s-S-M.C.txt"])
def test_counters(name):
    raw = fixture_text("vmstat", name)
    df = vmstat.parse(raw)
    assert list(df.columns) == ["value", "name"]
    assert df["name"].tolist() == list(vmstat.SUMMARY)
    lines = raw.splitlines()
    factor = 1024 if name.startswith("s-S-M") else 1
    assert df.loc[0, "value"] == int(lines[0].split()[0]) * factor  # total memory
    assert df.loc[20, "value"] == int(lines[20].split()[0])  # "K paged in", always KiB
    assert df.loc[26, "value"] == int(lines[26].split()[0])  # boot time
    assert df.attrs["printed_unit"] == ("MiB" if factor == 1024 else "KiB")


def test_forks_disk_summary_and_proc_vmstat():
    forks = vmstat.parse(fixture_text("vmstat", "f.C.txt"))
    assert forks.to_dict("list") == {
        "value": [int(fixture_text("vmstat", "f.C.txt").split()[0])], "name": ["forks"]}
    disks = vmstat.parse(fixture_text("vmstat", "D.C.txt"))
    assert disks["name"].tolist() == list(vmstat.DISK_SUMMARY)
    raw = fixture_text("vmstat", "proc-vmstat.txt")
    proc = vmstat.parse(raw)
    pairs = [line.split() for line in raw.splitlines()]
    assert proc["name"].tolist() == [name for name, _ in pairs]
    assert proc["value"].tolist() == [int(value) for _, value in pairs]
    assert proc.attrs["source"] == "/proc/vmstat"


def test_detection():
    for name, *_ in TABLES:
        assert perfkit.detect_tool(fixture_text("vmstat", name)) == "vmstat", name
    for name in ("d.C.txt", "d.fr_FR.txt", "dt.C.txt", "s.C.txt", "s.de_DE.txt", "f.C.txt",
                 "D.C.txt", "proc-vmstat.txt"):
        assert perfkit.detect_tool(fixture_text("vmstat", name)) == "vmstat", name


def test_truncated_last_line_warns_and_is_dropped():
    raw = fixture_text("vmstat", "default.C.txt")
    cut = raw[:raw.rstrip("\n").rindex("\n") + 30]
    with pytest.warns(perfkit.ParseWarning, match="line 7: the last sample is truncated"):
        df = vmstat.parse(cut)
    assert len(df) == 4


def test_truncated_time_stamp_warns_and_is_dropped():
    raw = fixture_text("vmstat", "t.C.txt")
    with pytest.warns(perfkit.ParseWarning, match="truncated"):
        df = vmstat.parse(raw[:-5])
    assert len(df) == 2


def test_garbage_line_raises_when_strict_and_warns_otherwise():
    lines = fixture_text("vmstat", "default.C.txt").splitlines(keepends=True)
    text = "".join([*lines[:3], "something else entirely\n", *lines[3:]])
    with pytest.raises(perfkit.ParseError) as info:
        vmstat.parse(text, strict=True)
    assert info.value.line == 4
    with pytest.warns(perfkit.ParseWarning) as said:
        df = vmstat.parse(text)
    assert [(w.message.line, w.message.text) for w in said] == [(4, "something else entirely")]
    assert len(df) == 5


# file, index of the line the stray line goes before (0: before the dashed group line)
STRAY_PLACES = [
    ("default.C.txt", 0),  # before the group line
    ("default.C.txt", 1),  # between the group line and the column names
    ("default.C.txt", 2),  # right after the column names
    ("default.C.txt", 4),  # between samples
    ("repeated-headers.C.txt", 6),  # before the repeated header
    ("repeated-headers.C.txt", 7),  # inside the repeated header
    ("t.C.txt", 1),
    ("d.C.txt", 1),
]


@pytest.mark.parametrize("stray", ["xyzzy", "12 xyzzy"])
@pytest.mark.parametrize(("name", "index"), STRAY_PLACES,
                         ids=[f"{name}-{index}" for name, index in STRAY_PLACES])
def test_one_stray_line_is_reported_and_the_real_rows_are_kept(name, index, stray):
    raw = fixture_text("vmstat", name)
    lines = raw.splitlines(keepends=True)
    damaged = "".join([*lines[:index], stray + "\n", *lines[index:]])
    with pytest.raises(perfkit.ParseError) as info, warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*a header again after", perfkit.ParseWarning)
        vmstat.parse(damaged, strict=True)
    assert info.value.line == index + 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = perfkit.parse(damaged)  # recognised as vmstat's despite the stray line
    messages = [str(w.message) for w in caught if issubclass(w.category, perfkit.ParseWarning)
                and "a header again after" not in str(w.message)]  # a short terminal's
    assert len(messages) == 1 and f"line {index + 1}:" in messages[0], messages
    assert repr(stray) in messages[0]
    pd.testing.assert_frame_equal(df, parse_terminal_aware(raw))
    rows = [line for line in raw.splitlines() if re.match(r"^\s*\d|^[a-z]\S*\s+\d", line)]
    assert len(df) == len(rows)
    if "r" in df:  # the since-boot sample is still the first printed row
        assert df.loc[0, "r"] == int(rows[0].split()[0]) and df.loc[0, "since_boot"]


def test_printed_unit_is_said_only_when_known():
    raw = fixture_text("vmstat", "S-M.C.txt")
    printed_free = int(data_lines(raw)[0].split()[3])
    unsaid = vmstat.parse(raw)
    assert unsaid.attrs["printed_unit"] is None  # the table does not say it is MiB
    assert unsaid.loc[0, "free"] == printed_free  # read as KiB, vmstat's default
    said = vmstat.parse(raw, unit="M")
    assert said.attrs["printed_unit"] == "MiB"
    assert said.loc[0, "free"] == printed_free * 1024


@pytest.mark.parametrize("bad", [b"", b"  \n", b"\x00\x01\x02binary", "hello world\n"])
def test_empty_binary_and_foreign_input_raise(bad):
    with pytest.raises(perfkit.ParseError) as info:
        vmstat.parse(bad)
    assert info.value.line is not None


JC_TABLE = {"runnable_procs": "r", "uninterruptible_sleeping_procs": "b",
            "virtual_mem_used": "swpd", "free_mem": "free", "buffer_mem": "buff",
            "cache_mem": "cache", "inactive_mem": "inact", "active_mem": "active",
            "swap_in": "si", "swap_out": "so", "blocks_in": "bi", "blocks_out": "bo",
            "interrupts": "in", "context_switches": "cs", "user_time": "us",
            "system_time": "sy", "idle_time": "id", "io_wait_time": "wa",
            "stolen_time": "st"}
JC_DISK = {"disk": "disk", "total_reads": "reads total", "merged_reads": "reads merged",
           "sectors_read": "reads sectors", "reading_ms": "reads ms",
           "total_writes": "writes total", "merged_writes": "writes merged",
           "sectors_written": "writes sectors", "writing_ms": "writes ms",
           "current_io": "IO cur", "io_seconds": "IO sec"}


def test_corpus_agrees_with_jc():
    files = corpus_files("vmstat", "*.out")
    assert files
    for path in files:
        df = vmstat.parse(path.read_bytes())
        expected = json.loads(path.with_suffix(".json").read_text())
        assert len(df) == len(expected), path.name
        names = JC_DISK if "disk" in df else JC_TABLE
        for (_, row), jc_row in zip(df.iterrows(), expected, strict=True):
            for key, column in names.items():
                if jc_row.get(key) is not None:
                    assert row[column] == jc_row[key], (path.name, key)
            if jc_row.get("timestamp"):
                assert row["time"] == pd.Timestamp(jc_row["timestamp"])
                assert df.attrs["timezone"] == jc_row["timezone"]
        if "since_boot" in df:
            assert df["since_boot"].tolist() == [True] + [False] * (len(df) - 1)


def test_corpus_proc_vmstat_agrees_with_jc():
    files = corpus_files("vmstat", "*linux-proc__vmstat")
    assert files
    for path in files:
        df = vmstat.parse(path.read_bytes())
        expected = json.loads(path.with_name(path.name + ".json").read_text())
        assert dict(zip(df["name"], df["value"], strict=True)) == expected


def test_a_time_cut_inside_its_seconds_drops_the_last_sample_with_a_warning():
    # "00:24:38" cut to "00:24:3" parsed as 00:24:03 before
    text = fixture_text("vmstat", "t.C.txt").rstrip("\n")
    whole = vmstat.parse(text)
    with pytest.warns(perfkit.ParseWarning, match=r"line \d+: the last line is truncated"):
        cut = vmstat.parse(text[:-1])
    assert len(cut) == len(whole) - 1
    assert cut["time"].tolist() == whole["time"].tolist()[:-1]
