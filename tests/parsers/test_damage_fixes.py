"""The damage cases tests/parsers/test_damage.py found, one test each, on real recordings:
the value read equals the number printed, or the warning or error names the damaged line."""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest
from conftest import ROOT, fixture_text

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


def test_two_iostat_outputs_joined_warn_at_the_second_banner_and_both_start_since_boot():
    first, second = fixture_text("iostat", "c.C.txt"), fixture_text("iostat", "default.C.txt")
    banner = first.count("\n") + 1
    with pytest.warns(perfkit.ParseWarning, match=f"line {banner}: a second banner") as said:
        tables = perfkit.parse(first + second, "iostat")
    assert [w.message.line for w in said] == [banner]
    cpu = tables["cpu"]
    # c.C.txt's three reports, then default.C.txt's: its first is "19.29 ... 73.50"
    assert cpu["%user"].tolist() == [19.56, 20.00, 31.16, 19.29, 44.44, 84.42]
    assert cpu["since_boot"].tolist() == [True, False, False, True, False, False]
    assert tables["devices"].loc[0, ["report", "since_boot", "kB_read"]].tolist() == [
        3, True, 39347546]


@pytest.mark.parametrize(("name", "header"), [("repeated-headers.C.txt", 11), ("t.C.txt", 6)])
def test_two_vmstat_runs_joined_flag_the_second_runs_first_row_since_boot(name, header):
    text = fixture_text("vmstat", name)
    with pytest.warns(perfkit.ParseWarning) as said:
        frame = perfkit.parse(text + text, "vmstat")
    joined = f"line {header}: a header .*another vmstat run starts here"
    assert any(re.search(joined, str(w.message)) for w in said)
    again = text.split("\n")[2].split()  # the since-boot row, as printed
    rows = len(frame) // 2
    assert frame["since_boot"].tolist() == [True, *[False] * (rows - 1)] * 2
    assert frame.loc[rows, "bi"] == int(again[8]) and frame.loc[rows, "cs"] == int(again[11])


def test_a_repeated_vmstat_header_is_not_taken_for_another_run():
    """A header after 4 rows (a terminal 7 lines high) is read as a repeat, and the warning
    names it once: it could be another output of 4 rows appended (see the next test)."""
    with pytest.warns(perfkit.ParseWarning, match="line 7: a header again after 4 rows"):
        frame = perfkit.parse(fixture_text("vmstat", "repeated-headers.C.txt"), "vmstat")
    assert frame["since_boot"].tolist() == [True, False, False, False, False, False]


def test_a_short_vmstat_output_with_another_appended_is_named():
    """Two outputs of one block each, the second no longer than the first (the damage
    property's join of data/traces/runqlat.vmstat.txt and default.C.txt): not to be told from
    a repeat by the rows alone, so the header that may start the second is named."""
    first = (ROOT / "data" / "traces" / "runqlat.vmstat.txt").read_text()
    second = fixture_text("vmstat", "default.C.txt")
    at = first.count("\n") + 1
    with pytest.warns(perfkit.ParseWarning, match=f"line {at}: a header again after 7 rows"):
        frame = perfkit.parse(first + second, "vmstat")
    assert len(frame) == 7 + 5
    assert frame.loc[7, "bi"] == 1353  # default.C.txt's first row, as printed


def test_a_vmstat_header_repeated_after_21_rows_is_a_repeat_without_a_word():
    """vmstat writing to a file repeats its header every 21 rows (a real 24-report run of
    procps-ng 4.0.2): the period of no terminal, so a repeat, and nothing is said."""
    text = fixture_text("vmstat", "file-21.C.txt")
    assert text.count("procs") == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = perfkit.parse(text, "vmstat")
    assert len(frame) == 24 and frame["since_boot"].sum() == 1


@pytest.mark.parametrize("damaged", ["1 probe...", "Attaching Attaching 1 probe..."])
def test_a_damaged_attaching_line_warns_and_is_not_taken_for_printed_output(damaged):
    text = fixture_text("bpftrace", "maps.txt")
    assert text.startswith("Attaching 1 probe...\n")
    with pytest.warns(perfkit.ParseWarning, match="line 1: a damaged 'Attaching N probes"):
        tables = perfkit.parse(text.replace("Attaching 1 probe...", damaged, 1), "bpftrace")
    printed = tables["printf"].astype(str).to_numpy().ravel().tolist()
    assert damaged not in printed and tables.attrs.get("probes") is None


def test_two_bpftrace_outputs_joined_warn_at_the_second_attaching_line():
    first, second = fixture_text("bpftrace", "interval.txt"), fixture_text("bpftrace", "maps.txt")
    at = first.count("\n") + 1
    with pytest.warns(perfkit.ParseWarning, match=f"line {at}: a second 'Attaching' line"):
        tables = perfkit.parse(first + second, "bpftrace")
    assert tables.attrs["probes"] == 1  # maps.txt's "Attaching 1 probe..."


@pytest.mark.parametrize(("tool", "name"), [("mpstat", "P-ALL.C.txt"), ("pidstat", "u.C.txt"),
                                            ("sar", "n-DEV.C.txt")])
def test_a_banner_that_lost_its_date_is_named(tool, name):
    """A banner with its date field dropped (the architecture then stands where the date
    does): the times are times of day, never a made-up date, and the banner is named."""
    text = fixture_text(tool, name)
    damaged = re.sub(r" \t11/25/26 ", " ", text, count=1)
    assert damaged != text
    with pytest.warns(perfkit.ParseWarning, match="line 1: the banner's date '_x86_64_' does"):
        tables = perfkit.parse(damaged, tool)
    frame = next(iter(tables.values()))
    assert str(frame["time"].dtype) == "timedelta64[ns]"
    undamaged = next(iter(perfkit.parse(text, tool).values()))
    first = str(undamaged.loc[0, "time"])  # "2026-11-25 00:24:09": the same time of day
    assert str(frame.loc[0, "time"]).endswith(first.split()[1])


def _top_damage(name: str, line: int, old: str, new: str) -> str:
    lines = fixture_text("top", name).split("\n")
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return "\n".join(lines)


@pytest.mark.parametrize(("name", "line", "old", "new", "said"), [
    # a label printed twice: no column "Tasks zombie zombie"
    ("b-n3.C.txt", 14, "0 zombie", "0 zombie zombie", "a label with a word printed twice"),
    # a field lost from one %Cpu line of three: its labels differ from the others'
    ("b-n3.C.txt", 15, " 41.6 sy,", "", "labels us, ni, id"),
    # the only %Cpu line of its output with 'ni' lost: 100.0 would be read as ni, not id
    ("1.C.txt", 3, "0.0 ni,100.0 id", "100.0 id", "a %Cpu line with a field missing"),
    # a lost colon: the second CPU's name and first value joined to the first's 'st'
    ("1-w250.C.txt", 3, "%Cpu1  :", "%Cpu1  ", "a label that holds another field"),
])
def test_a_damaged_top_summary_line_is_named(name, line, old, new, said):
    with pytest.warns(perfkit.ParseWarning, match=f"line {line}: {said}"):
        perfkit.parse(_top_damage(name, line, old, new), "top")


def test_a_top_process_row_with_a_field_printed_twice_is_reported():
    """TIME+ printed twice moves the command one column on ("0:00.52 stress-+"): the row is
    named and left out, not kept with a command that is a time."""
    damaged = _top_damage("b-n3.C.txt", 8, "0:00.52 stress-+", "0:00.52 0:00.52 stress-+")
    with pytest.warns(perfkit.ParseWarning, match="line 8: a process row that does not fit"):
        processes = perfkit.parse(damaged, "top")["processes"]
    assert not processes["COMMAND"].str.startswith("0:").any()
    undamaged = perfkit.parse(fixture_text("top", "b-n3.C.txt"), "top")["processes"]
    assert len(processes) == len(undamaged) - 1


def _bpftrace_damage(name: str, line: int, old: str, new: str) -> str:
    lines = fixture_text("bpftrace", name).split("\n")
    assert old in lines[line - 1], lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return "\n".join(lines)


@pytest.mark.parametrize(("line", "old", "new", "said"), [
    (47, "@mean[0]: 19", "@mean[0]:", "a map entry without its value"),
    (47, "@mean[0]: 19", "@mean[0]: 19 19", "a map value printed as several numbers"),
    (9, "[1]", "", "a damaged histogram row"),  # the bucket's bounds lost
    (8, "[0]", "", "a damaged histogram row"),  # the first bucket's: the histogram still is
])
def test_a_damaged_bpftrace_map_line_is_named(line, old, new, said):
    damaged = _bpftrace_damage("maps.txt", line, old, new)
    with pytest.warns(perfkit.ParseWarning, match=f"line {line}: {said}"):
        tables = perfkit.parse(damaged, "bpftrace")
    assert "printf" not in tables or not tables["printf"].astype(str).apply(
        lambda column: column.str.contains(r"\|")).any().any()  # no bar read as printf


def test_bpftrace_json_after_text_is_named_not_read_as_printf():
    text, json = fixture_text("bpftrace", "maps.txt"), fixture_text("bpftrace", "maps.json")
    at = text.count("\n") + 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tables = perfkit.parse(text + json, "bpftrace")
    said = [str(w.message) for w in caught]
    assert f"line {at}: a line of bpftrace's JSON" in said[0], said[0]
    undamaged = perfkit.parse(text, "bpftrace")["printf"]  # no JSON line read as printf
    pd.testing.assert_frame_equal(tables["printf"], undamaged)
