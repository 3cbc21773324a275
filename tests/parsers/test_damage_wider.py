"""Damage that the damage property's wider search (``PERFKIT_DAMAGE_EXAMPLES=10``) found in
the sysstat tools, vmstat and journalctl, one test each on a real recording: the warning or
error names the damaged line, and what is still read equals the number printed."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import ROOT, fixture_text, parse_and_warnings

import perfkit


def damaged(text: str, line: int, word: str, *, drop: bool = False) -> str:
    """``text`` with the first ``word`` of line ``line`` (1-based) printed twice, or lost."""
    lines = text.split("\n")
    found = next(m for m in re.finditer(r"\S+", lines[line - 1]) if m.group() == word)
    before, after = lines[line - 1][:found.start()], lines[line - 1][found.end():]
    lines[line - 1] = (before.rstrip() + " " + after if drop
                       else before + word + " " + word + after)
    return "\n".join(lines)


def test_an_iostat_stamp_that_lost_its_am_pm_is_refused_naming_it():
    text = damaged(fixture_text("iostat", "t.en_US.txt"), 3, "AM", drop=True)
    assert text.split("\n")[2].rstrip() == "11/25/2026 12:28:15"
    with pytest.raises(perfkit.ParseError, match="without AM/PM among 12-hour") as error:
        perfkit.parse(text, "iostat")
    assert error.value.line == 3


def test_an_iostat_report_that_lost_its_time_stamp_is_named_and_keeps_its_values():
    text = (ROOT / "data" / "scenarios" / "idle" / "iostat.txt").read_text()
    lines = text.split("\n")
    assert lines[18] == "2026-12-05T14:37:30+0000"
    lines[18] = ""
    tables, said = parse_and_warnings("\n".join(lines), "iostat")
    assert [w.line for w in said] == [19]
    cpu = tables["cpu"]
    lost = cpu[cpu["time"].isna()]
    # the report's avg-cpu line: "0.50 0.00 0.00 0.00 0.00 99.50"
    assert lost[["%user", "%idle"]].values.tolist() == [[0.5, 99.5]]
    assert cpu["time"].notna().sum() == len(cpu) - 1


@pytest.mark.parametrize(("tool", "name", "line", "word"), [
    ("sar", "u-q.en_US.txt", 18, "runq-sz"),
    ("mpstat", "A.C.txt", 61, "31/s"),
])
def test_an_average_header_naming_a_column_twice_is_named(tool, name, line, word):
    text = damaged(fixture_text(tool, name), line, word)
    _, said = parse_and_warnings(text, tool)
    assert said[0].line == line
    assert "names a column twice" in str(said[0])


def test_sar_reads_the_averages_under_a_damaged_header_by_their_shape():
    text = damaged(fixture_text("sar", "u-q.en_US.txt"), 18, "runq-sz")
    tables, _ = parse_and_warnings(text, "sar")
    # "Average:            4       132      2.89      1.77      0.95         0"
    average = tables.averages["queue"]
    assert average[["runq-sz", "plist-sz", "ldavg-1"]].values.tolist() == [[4, 132, 2.89]]


def test_a_pidstat_row_that_lost_its_am_pm_is_named_and_the_next_keeps_its_clock():
    text = damaged(fixture_text("pidstat", "midnight-first-h.en_US.txt"), 4, "AM", drop=True)
    tables, said = parse_and_warnings(text, "pidstat")
    assert [w.line for w in said] == [4]
    cpu = tables["cpu"]
    # line 7: "12:00:01 AM     0         4   99.00 ..." of 11/24/2026
    assert cpu["time"].tolist() == [pd.Timestamp("2026-11-24 00:00:01")]
    assert cpu["%usr"].tolist() == [99.0]


def test_a_pidstat_policy_printed_twice_is_reported_not_read_into_command():
    text = damaged(fixture_text("pidstat", "R.C.txt"), 4, "FIFO")
    tables, said = parse_and_warnings(text, "pidstat")
    assert [w.line for w in said] == [4]
    realtime = tables["realtime"]
    assert not realtime["Command"].str.contains("FIFO").any()
    # line 7: "00:32:24        0       217   10   FIFO  sleep"
    assert realtime.iloc[0][["PID", "prio", "policy", "Command"]].tolist() == \
        [217, 10, "FIFO", "sleep"]


def test_a_pidstat_header_that_lost_a_column_leaves_its_rows_out_named():
    text = damaged(fixture_text("pidstat", "R.C.txt"), 3, "UID", drop=True)
    tables, said = parse_and_warnings(text, "pidstat")
    assert 4 in [w.line for w in said]
    assert set(tables["realtime"]["policy"]) == {"FIFO"}


@pytest.mark.parametrize(("name", "line", "first"), [
    ("s.de_DE.txt", 2, 24684092), ("s.fr_FR.txt", 3, 24684092), ("s.C.txt", 3, 24684092),
])
def test_a_vmstat_counter_that_lost_its_unit_letter_is_named(name, line, first):
    text = damaged(fixture_text("vmstat", name), line, "K", drop=True)
    frame, said = parse_and_warnings(text, "vmstat")
    assert [w.line for w in said] == [line]
    assert "unit letter is lost" in str(said[0])
    assert len(frame) == 27
    # the other lines keep their C names, mapped by position in a translated list
    values = dict(zip(frame["name"], frame["value"], strict=True))
    assert values["total memory"] == first
    assert values["forks"] == perfkit.parse(fixture_text("vmstat", name), "vmstat") \
        .set_index("name").loc["forks", "value"]


def test_a_vmstat_counter_name_with_a_word_printed_twice_is_refused():
    text = damaged(fixture_text("vmstat", "f.C.txt"), 1, "forks")
    with pytest.warns(perfkit.ParseWarning, match="word printed twice"), \
            pytest.raises(perfkit.ParseError) as error:
        perfkit.parse(text, "vmstat")
    assert error.value.line == 1


def test_a_journal_line_whose_tag_is_printed_twice_is_named_and_kept_as_printed():
    text = damaged(fixture_text("journalctl", "k.C.txt"), 22, "kernel:")
    frame, said = parse_and_warnings(text, "journalctl")
    assert [w.line for w in said] == [22]
    assert frame.loc[21, "message"] == "kernel: RSP: 002b:00007ffc6c1591a8 EFLAGS: 00010206"
    assert frame.loc[21, "identifier"] == "kernel"


def test_sadf_outputs_of_both_layouts_joined_lose_no_row():
    """sadf -d of one activity after another (the fleet's text) and sadf -d with a header
    at every time (an older layout), joined: neither output's blocks lost a header."""
    by_activity = (ROOT / "data" / "fleet-text" / "db-2-io.csv").read_text()
    by_time = fixture_text("sar", "sa-restart.sadf-d.C.txt")
    for text in (by_activity + by_time, by_time + by_activity):
        tables, said = parse_and_warnings(text, "sar")
        assert said == []
        alone = [perfkit.parse(part, "sar")["cpu"] for part in (by_activity, by_time)]
        assert len(tables["cpu"]) == sum(map(len, alone))
    # db-2-io.csv line 2: "db-2;2;2026-12-05 15:19:11 UTC;-1;0.25;0.00;5.33;42.89;..."
    first = tables["cpu"].set_index("time").loc[pd.Timestamp("2026-12-05 15:19:11")]
    assert first.loc[first["CPU"] == "all", "%iowait"].tolist() == [42.89]


def test_a_bcc_text_cut_before_a_stacks_count_line_names_that_stack():
    whole = fixture_text("bcc", "profile.txt")
    lines = whole.split("\n")
    counts = [index for index, line in enumerate(lines) if re.fullmatch(r"\s+\d+", line)]
    cut = "\n".join(lines[:counts[-1]]) + "\n"  # the last stack without its count line
    tables, said = parse_and_warnings(cut, "bcc")
    assert [w.line for w in said] == [counts[-1]]
    assert "ends inside a stack" in str(said[0])
    assert said[0].text == lines[counts[-1] - 1]
    undamaged = perfkit.parse(whole, "bcc")["stacks"]
    pd.testing.assert_frame_equal(tables["stacks"], undamaged.iloc[:-1])


def test_a_vmstat_disk_counter_that_lost_a_word_of_its_name_is_named():
    text = damaged(fixture_text("vmstat", "D.C.txt"), 8, "merged", drop=True)
    assert text.split("\n")[7].split() == ["34755", "writes"]
    frame, said = parse_and_warnings(text, "vmstat")
    assert [w.line for w in said] == [8]
    # line 7: "6809 writes" is still the writes; 34755 is nobody's
    assert frame.loc[frame["name"] == "writes", "value"].tolist() == [6809]
    assert 34755 not in frame["value"].tolist()


def test_a_top_cpu_label_printed_twice_on_its_line_is_named():
    text = damaged(fixture_text("top", "1.C.txt"), 3, "ni,100.0")
    tables, said = parse_and_warnings(text, "top")
    assert [w.line for w in said] == [3]
    assert "printed twice on one line ('ni')" in str(said[0])
    assert "cpus" not in tables  # its only %Cpu line is left out, not read as 100 % nice
    # line 1: "top - 00:27:25 up 14 min,  0 user,  load average: 2.48, 1.28, 0.54"
    assert tables["summary"]["ldavg-1"].tolist() == [2.48]
