"""The bcc damage cases tests/parsers/test_damage.py found, one test each, on real recordings
(tests/fixtures/bcc/, tests/wild/bcc/) damaged by a small edit: the warning names the
damaged line, and the values read equal the numbers printed."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT, fixture_text, parse_and_warnings

import perfkit


def parse_warned(text: str) -> tuple[perfkit.Tables, list[int]]:
    """The tables of ``text`` and the lines its ParseWarnings name."""
    tables, said = parse_and_warnings(text, "bcc")
    return tables, [w.line for w in said]


def edit_line(text: str, number: int, old: str, new: str) -> str:
    """``text`` with ``old`` replaced by ``new`` on line ``number`` (1-based), once."""
    lines = text.split("\n")
    assert old in lines[number - 1], (number, lines[number - 1])
    lines[number - 1] = lines[number - 1].replace(old, new, 1)
    return "\n".join(lines)


# --- profile's multi-line stacks ----------------------------------------------------------

def test_a_process_line_that_lost_its_pid_is_named_not_read_as_a_frame():
    whole = fixture_text("bcc", "profile.txt")
    undamaged = perfkit.parse(whole, "bcc")["stacks"]
    # line 39: "    -                python (27535)"
    stacks, said = parse_warned(edit_line(whole, 39, " (27535)", ""))
    assert said == [39]
    stacks = stacks["stacks"]
    assert len(stacks) == len(undamaged) - 1
    assert (stacks["pid"] != -1).all() and (stacks["comm"] != "").all()
    # the stack after it (lines 42-50, "handle_softirqs" leaf first) is read whole
    assert stacks["stack"].str.endswith(";handle_softirqs;handle_softirqs").sum() == 1


def test_a_process_name_printed_twice_is_named():
    whole = fixture_text("bcc", "profile.txt")
    # line 25: "    -                python (2704)"
    tables, said = parse_warned(edit_line(whole, 25, "python (2704)", "python python (2704)"))
    assert said == [25]
    assert not tables["stacks"]["comm"].str.contains(" ").any()


def test_a_lost_count_line_is_named_and_the_next_stack_keeps_its_frames():
    whole = fixture_text("bcc", "profile.txt")
    # line 31 "        1": the count of python (27535)'s stack on lines 28-30
    damaged = edit_line(whole, 31, "        1", "")
    tables, said = parse_warned(damaged)
    assert said == [31]
    stacks = tables["stacks"]
    # the stack after it (lines 33-35) is stress-ng-cpu's one frame, count 1, not merged
    assert stacks.loc[1:, "stack"].iloc[4] == "stress-ng-cpu;[unknown]"
    assert stacks.iloc[5]["pid"] == 3994 and stacks.iloc[5]["count"] == 1


def test_a_blank_line_inside_a_stacks_frames_is_named():
    whole = fixture_text("bcc", "profile.txt")
    # line 43 is the second "handle_softirqs" frame of the stack on lines 42-50
    damaged = edit_line(whole, 43, "    handle_softirqs", "")
    tables, said = parse_warned(damaged)
    assert said == [43]
    stacks = tables["stacks"]["stack"]
    assert len(stacks) == len(perfkit.parse(whole, "bcc")["stacks"]) - 1
    # neither the whole stack nor the one a frame shorter
    assert not stacks.str.endswith("__irq_exit_rcu;handle_softirqs;handle_softirqs").any()
    assert not stacks.str.endswith("__irq_exit_rcu;handle_softirqs").any()


@pytest.mark.parametrize(("first", "second"), [("profile-folded.txt", "profile.txt"),
                                               ("profile.txt", "profile-folded.txt")])
def test_folded_and_multi_line_stacks_joined_warn_at_the_second_outputs_first_stack(
        first, second):
    head, tail = fixture_text("bcc", first), fixture_text("bcc", second)
    joined = head + tail
    start = head.count("\n") + 1
    # the second output's first stack line: a frame, or the first folded line
    offset = next(i for i, line in enumerate(tail.split("\n"))
                  if line.startswith("    ") or ";" in line)
    tables, said = parse_warned(joined)
    assert said == [start + offset]
    assert len(tables["stacks"]) == (len(perfkit.parse(head, "bcc")["stacks"])
                                     + len(perfkit.parse(tail, "bcc")["stacks"]))


# --- event tables ---------------------------------------------------------------------------

def test_tcpretrans_row_that_lost_its_type_column_is_named():
    whole = fixture_text("bcc", "tcpretrans.txt")
    # line 8: "00:34:42 2704    4  127.0.0.1:57728      R> 127.0.0.1:18765      SYN_SENT"
    events, said = parse_warned(edit_line(whole, 8, "R> ", ""))
    assert said == [8]
    events = events["events"]
    assert len(events) == 5
    assert set(events["T>"]) == {"R>"} and set(events["STATE"]) == {
        "FIN_WAIT1", "LAST_ACK", "SYN_SENT"}


def test_tcpretrans_row_with_its_type_printed_twice_is_named():
    whole = fixture_text("bcc", "tcpretrans.txt")
    # line 7: "00:34:42 2704    4  127.0.0.1:18765      R> 127.0.0.1:57718      FIN_WAIT1"
    events, said = parse_warned(edit_line(whole, 7, "R> ", "R> R> "))
    assert said == [7]
    assert "127.0.0.1:57718" not in set(events["events"]["RADDR:RPORT"])


def test_tcplife_row_that_lost_its_ms_is_named_not_read_short():
    whole = fixture_text("bcc", "tcplife.txt")
    # line 7: "... 38636 41943286     0 0.09"
    events, said = parse_warned(edit_line(whole, 7, "     0 0.09", "     0"))
    assert said == [7]
    events = events["events"]
    assert 38636 not in set(events["RPORT"]) and events["MS"].notna().all()
    # line 2's row keeps its values: "38586 79692022     0 2.21"
    first = events.iloc[0]
    assert (first["RPORT"], first["TX_KB"], first["RX_KB"], first["MS"]) == (
        38586, 79692022, 0, 2.21)


def test_tcplife_row_that_lost_a_port_is_named_not_read_shifted():
    whole = fixture_text("bcc", "tcplife.txt")
    events, said = parse_warned(edit_line(whole, 7, " 38636 ", " "))
    assert said == [7]
    assert (events["events"]["TX_KB"] > 65535).all()  # no port read as TX_KB


def test_a_header_naming_a_column_twice_is_named():
    whole = fixture_text("bcc", "tcplife.txt")
    tables, said = parse_warned(edit_line(whole, 1, "MS", "MS MS"))
    assert said == [1]
    assert tables["events"].empty


def test_tcpretrans_then_tcplife_warn_at_the_second_header():
    first, second = fixture_text("bcc", "tcpretrans.txt"), fixture_text("bcc", "tcplife.txt")
    tables, said = parse_warned(first + second)
    assert said == [first.count("\n") + 1]
    # tcplife's rows, as it printed them: the first "... 38586 79692022     0 2.21"
    life = tables["events2"]
    assert len(life) == len(perfkit.parse(second, "bcc")["events"])
    assert (life.iloc[0]["RPORT"], life.iloc[0]["TX_KB"], life.iloc[0]["MS"]) == (
        38586, 79692022, 2.21)


# --- real rows that look short: an empty column in the middle ------------------------------

def test_biosnoop_rows_with_no_disk_are_read_in_place():
    path = ROOT / "tests" / "wild" / "bcc" / "myblackhole-biosnoop-sector-minus-one.txt"
    tables, said = parse_warned(path.read_text(encoding="utf-8"))
    assert said == [16]  # the '...' elision line the author pasted
    # line 2: "0.000000000    ?              0              R  -1        8          0.26"
    row = tables["events"].iloc[0]
    assert row["DISK"] == "" and row["T"] == "R"
    assert (row["PID"], row["SECTOR"], row["BYTES"], row["LAT(ms)"]) == (0, -1, 8, 0.26)
    # line 4: "3.280028000    kworker/u4:0   14871  sda     W  30552896  4096       0.24"
    assert tables["events"].iloc[2]["DISK"] == "sda"


def test_perf_tools_tcpretrans_row_without_its_pid_is_read_in_place():
    path = ROOT / "tests" / "wild" / "bcc" / "perf-tools-issue31-tcpretrans-warnings.txt"
    text = path.read_text(encoding="utf-8")
    tables, said = parse_warned(text)
    lines = text.split("\n")
    perl = [n for n, line in enumerate(lines, start=1) if line.startswith("Use of")]
    assert perl and set(perl) <= set(said)  # Perl's warnings are not rows
    events = tables["events"]
    assert not events["PID"].astype(str).str.contains("of").any()
    # "19:31:17        192.168.1.5:39209    R> 185.24.92.218:443    SYN_SENT"
    row = events[events["LADDR:LPORT"] == "192.168.1.5:39209"].iloc[0]
    assert pd.isna(row["PID"]) and row["--"] == "R>" and row["RADDR:RPORT"] == "185.24.92.218:443"


def test_tcpretrans_count_mode_arrow_is_not_a_column():
    from test_bcc import corpus_block  # skips when the shared corpus is absent
    block = corpus_block("tcpretrans", "./tcpretrans.py -c")
    tables, said = parse_warned(block)
    assert said == []
    # "192.168.10.50:60366  <-> 172.217.21.194:443         700"
    first = tables["events"].iloc[0]
    assert (first["LADDR:LPORT"], first["RADDR:RPORT"], first["RETRANSMITS"]) == (
        "192.168.10.50:60366", "172.217.21.194:443", 700)
