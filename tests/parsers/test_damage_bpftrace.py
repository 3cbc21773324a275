"""bpftrace damage that tests/parsers/test_damage.py's wider search found, one test each, on
real recordings (tests/fixtures/bpftrace and data/traces), each damaged by one small edit:
the warning names the damaged line, and the values read equal the numbers printed."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT, fixture_text, parse_and_warnings

import perfkit

TRACES = ROOT / "data" / "traces"


def recorded(name: str) -> str:
    """A bpftrace recording: ``tests/fixtures/bpftrace/<name>`` or ``data/traces/<name>``
    (``traces/`` in front)."""
    if name.startswith("traces/"):
        return (TRACES / name.removeprefix("traces/")).read_text(encoding="utf-8")
    return fixture_text("bpftrace", name)


def damaged(name: str, line: int, old: str, new: str) -> str:
    """The recording ``name`` with ``old`` replaced by ``new`` once on line ``line``."""
    lines = recorded(name).split("\n")
    assert old in lines[line - 1], (line, lines[line - 1])
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return "\n".join(lines)


def parse_warned(text: str) -> tuple[perfkit.Tables, list[int]]:
    """The tables of ``text`` and the lines its ParseWarnings name."""
    tables, said = parse_and_warnings(text, "bpftrace")
    return tables, [w.line for w in said]


def value(frame: pd.DataFrame, **keys: object) -> object:
    """The one ``value`` of the row with these keys."""
    mask = pd.Series(True, index=frame.index)
    for column, key in keys.items():
        mask &= frame[column] == key
    assert mask.sum() == 1, keys
    return frame.loc[mask, "value"].iloc[0]


@pytest.mark.parametrize(("name", "line", "old", "new"), [
    ("stacks.txt", 23, "    rcu_core+375", " "),  # a frame lost: a blank line in the key
    ("stacks.txt", 21, "tlb_remove_table_rcu+104", "tlb_remove_table_rcu+104 "
                                                   "tlb_remove_table_rcu+104"),
    ("traces/profile.txt", 100, "main+31", "main+31 main+31"),
    ("traces/profile.txt", 324, "    0x7f7e7169c3a6", " "),  # a stack's only frame lost
])
def test_a_stack_frame_lost_or_printed_twice_is_named(name, line, old, new):
    whole = perfkit.parse(recorded(name), "bpftrace")["@"]
    tables, said = parse_warned(damaged(name, line, old, new))
    assert said == [line]
    stacks = tables["@"]
    assert len(stacks) == len(whole) - 1  # that entry only is left out
    # every other entry as printed: stacks.txt's "@[, stress-ng-cpu]: 58"
    assert set(stacks["value"].tolist()) <= set(whole["value"].tolist())
    if name == "stacks.txt":
        assert value(stacks, key1="", key2="stress-ng-cpu") == 58


@pytest.mark.parametrize(("old", "new"), [
    # the first frame lost: '{"\\n' + ' ' + '    free_frozen_page_commit+413...'
    ("    _raw_spin_unlock_irqrestore+25\\n", " "),
    ("free_pages_and_swap_cache+198\\n", "free_pages_and_swap_cache+198\\n "
                                         "free_pages_and_swap_cache+198\\n"),
])
def test_a_json_stack_frame_lost_or_printed_twice_is_named(old, new):
    """In JSON a frame and the newline after it are one field: what is left is a frame
    indented unlike the others of its stack."""
    tables, said = parse_warned(damaged("stacks.json", 4, old, new))
    assert said == [4]
    stacks = tables["@"]
    assert len(stacks) == 4  # ",bash", ",memfd:sealed-91", ",stress-ng-cpu", ",python"
    assert value(stacks, key1="", key2="stress-ng-cpu") == 47
    assert value(stacks, key1="", key2="python") == 48


def test_a_stack_key_with_a_part_printed_twice_is_named_on_that_line():
    """profile.txt's keys are kstack, ustack, comm: ``, , python3]: 9`` has one more."""
    tables, said = parse_warned(damaged("traces/profile.txt", 355, ", python3]", ", , python3]"))
    assert said == [355]
    assert "key4" not in tables["@"]
    assert value(tables["@"], key1="", key2="0x7f7e7169c30f", key3="python3") == 10


@pytest.mark.parametrize(("name", "line"), [("maps.txt", 41), ("traces/runqlat.txt", 31)])
def test_a_histogram_row_that_lost_its_bar_is_named_not_read_as_printf(name, line):
    whole = perfkit.parse(recorded(name), "bpftrace")
    tables, said = parse_warned(damaged(name, line, "|" + "@" * 52 + "|", ""))
    assert said == [line]
    if "printf" in whole:  # maps.txt's own printf lines, and no more
        pd.testing.assert_frame_equal(tables["printf"], whole["printf"])
    else:
        assert "printf" not in tables
    if name == "maps.txt":  # "[50, 100)              7 |@@@...|"
        hist = tables["@l"]
        assert hist.loc[hist["low"] == 50, "count"].tolist() == [7]
        assert 0 not in hist["low"].tolist()  # the damaged [0, 50) row is left out


@pytest.mark.parametrize(("name", "line", "old"), [
    ("interval.txt", 3, "@[stress-ng]: "),  # right after a time() line
    ("traces/filter_dd.txt", 4, "@bytes[tracepoint:syscalls:sys_enter_write]: "),  # the first
    ("traces/shortlived.txt", 11, "@execs[python]: "),
    ("traces/syscalls.txt", 44, "@[bash]: "),
    ("traces/diskcomm.txt", 29, "@persec[7, "),  # the key's end is left
])
def test_a_map_entry_that_lost_its_name_is_named(name, line, old):
    whole = perfkit.parse(recorded(name), "bpftrace")
    tables, said = parse_warned(damaged(name, line, old, ""))
    assert said == [line]
    assert "printf" not in tables
    for map_name, frame in whole.items():  # no print split in two: the same columns
        assert list(tables[map_name].columns) == list(frame.columns)
    if name == "interval.txt":  # "@[dd]: 366828" on line 6, in the first interval
        assert value(tables["@"], interval=0, key="dd") == 366828
    if name == "traces/filter_dd.txt":
        assert value(tables["@calls"], key="tracepoint:syscalls:sys_enter_read") == 1001


@pytest.mark.parametrize(("name", "line", "old", "new"), [
    ("traces/diskcomm.txt", 350, "@persec[254, ", "@persec[254, @persec[254, "),
    ("traces/diskcomm.txt", 293, "0, ", ""),  # a key part lost: @persec[7, kworker/0:1H]
    ("traces/tcp.txt", 83, "1]:", "1]: 1]:"),
])
def test_a_damaged_map_key_is_named(name, line, old, new):
    whole = perfkit.parse(recorded(name), "bpftrace")
    tables, said = parse_warned(damaged(name, line, old, new))
    assert said == [line]
    for map_name, frame in whole.items():
        assert list(tables[map_name].columns) == list(frame.columns)
        assert len(tables[map_name]) >= len(frame) - 1
    if name == "traces/tcp.txt":  # "@transitions[2, 1]: 24" on line 84
        assert value(tables["@transitions"], key1=2, key2=1) == 24


@pytest.mark.parametrize(("name", "line", "clock"), [
    ("interval.txt", 2, "00:32:53"), ("traces/biolatency.txt", 40, "00:36:42"),
])
def test_a_time_line_printed_twice_is_named_and_read_as_its_clock(name, line, clock):
    whole = perfkit.parse(recorded(name), "bpftrace")
    tables, said = parse_warned(damaged(name, line, clock, f"{clock} {clock}"))
    assert said == [line]
    for map_name, frame in whole.items():
        pd.testing.assert_frame_equal(tables[map_name], frame)


@pytest.mark.parametrize(("name", "line", "old", "new"), [
    ("traces/exec_timeline.txt", 43, "3283", "3283 3283"),  # ARGS would take "20349"
    ("traces/execsnoop.txt", 6, "bash", "bash bash"),  # ARGS would take a "bash"
    ("traces/tcp.txt", 35, "  42980", ""),  # DPORT lost: LIFE_US left empty
    ("traces/tcpevents.txt", 51, "5624", ""),  # US lost at the end
])
def test_a_printf_row_with_a_field_lost_or_printed_twice_is_named(name, line, old, new):
    whole = perfkit.parse(recorded(name), "bpftrace")["printf"]
    tables, said = parse_warned(damaged(name, line, old, new))
    assert said == [line]
    events = tables["printf"]
    assert len(events) == len(whole) - 1
    pd.testing.assert_frame_equal(events.head(3), whole.head(3))
    if name == "traces/tcp.txt":  # the row after: "1915  7836  python3  42980  18765  186"
        after = events[events["TIME(ms)"] == 1915]
        assert after[["SPORT", "DPORT", "LIFE_US"]].values.tolist() == [[42980, 18765, 186]]


@pytest.mark.parametrize(("first", "second"), [
    ("lost.json", "maps.json"), ("traces/biolatency.json", "traces/syscalls.json"),
    ("traces/syscalls.json", "stacks.json"),
])
def test_two_json_outputs_joined_warn_at_the_second_attached_probes(first, second):
    head = recorded(first)
    head = head if head.endswith("\n") else head + "\n"
    start = head.count("\n") + 1
    _, said = parse_warned(head + recorded(second))
    assert start in said
    assert recorded(second).startswith('{"type": "attached_probes"')


@pytest.mark.parametrize("name", [
    "maps.txt", "maps.json", "stacks.txt", "stacks.json", "interval.txt", "interval.json",
    *(f"traces/{p.name}" for p in sorted(TRACES.glob("*.txt")) + sorted(TRACES.glob("*.json"))
      if p.read_text(encoding="utf-8").startswith(("Attaching", '{"type"'))),
])
def test_undamaged_recordings_give_no_warning(name):
    _, said = parse_warned(recorded(name))
    assert said == []


def test_a_stack_key_whose_last_line_lost_its_comm_is_named_on_that_line():
    """``, ksoftirqd/0]: 1`` left as ``, 1``: the key runs on into the next entry."""
    tables, said = parse_warned(damaged("stacks.txt", 26, "ksoftirqd/0]: ", ""))
    assert said == [26]
    assert value(tables["@"], key1="", key2="python") == 37  # the next entry, line 27
    assert "ksoftirqd/0" not in tables["@"]["key2"].tolist()


def test_histogram_rows_whose_name_line_was_lost_are_named_on_that_line():
    text = damaged("maps.txt", 31, "@k[1]: ", "")
    tables, said = parse_warned(text)
    assert said == [31]
    whole = perfkit.parse(recorded("maps.txt"), "bpftrace")
    pd.testing.assert_frame_equal(tables["printf"], whole["printf"])  # not read as printf
    hist = tables["@k"]  # @k[2]'s buckets still, none of @k[1]'s
    assert hist["key"].unique().tolist() == [k for k in whole["@k"]["key"].unique() if k != 1]


def test_a_histogram_key_closed_twice_is_named():
    line = 650  # "@usecs[254, 0, kworker/u8:1]: " then its buckets
    tables, said = parse_warned(damaged("traces/diskcomm.txt", line, "kworker/u8:1]:",
                                        "kworker/u8:1]: kworker/u8:1]:"))
    assert said == [line]
    assert not tables["@usecs"]["key3"].str.contains("]").any()


@pytest.mark.parametrize(("name", "line", "printed"), [
    ("interval.txt", 2, "@"), ("traces/biolatency.txt", 25, "@usecs"),
    # the last one, then the two blank lines bpftrace prints before its exit dump:
    ("traces/biolatency.txt", 40, "@usecs"),
])
def test_a_time_line_lost_is_named_and_the_later_times_stay_as_printed(name, line, printed):
    frame = perfkit.parse(recorded(name), "bpftrace")[printed]
    clock = recorded(name).split("\n")[line - 1]
    tables, said = parse_warned(damaged(name, line, clock, ""))
    assert said == [line]
    lost = pd.Timedelta(clock)
    got = tables[printed]
    gone = frame.loc[frame["time"] == lost, "interval"].unique()  # its print's rows
    assert got.loc[got["interval"].isin(gone), "time"].isna().all()
    # every time printed but the lost one, as printed (no day added after the gap)
    assert sorted(set(got["time"].dropna())) == sorted(set(frame["time"].dropna()) - {lost})


@pytest.mark.parametrize(("name", "line", "old", "new"), [
    ("traces/execsnoop.txt", 45, "bash             ", ""),  # COMM lost
    ("traces/opensnoop.txt", 3, "3", "3 3"),  # FD doubled before the right-aligned ERR
])
def test_a_printf_row_shifted_from_its_columns_is_named(name, line, old, new):
    whole = perfkit.parse(recorded(name), "bpftrace")["printf"]
    tables, said = parse_warned(damaged(name, line, old, new))
    assert said == [line]
    assert len(tables["printf"]) == len(whole) - 1


@pytest.mark.parametrize(("line", "old", "new"), [
    (57, "count ", ""),  # "@s: count 40, average 58, total 2340"
    (52, "@neg: ", "@neg: @neg: "),  # "@neg: -39"
])
def test_a_damaged_stats_or_value_entry_is_named(line, old, new):
    tables, said = parse_warned(damaged("maps.txt", line, old, new))
    assert said == [line]
    assert ("@s" if line == 57 else "@neg") not in tables
    assert tables["@name"].loc[0, "value"] == "perfkit"  # line 51, as printed


@pytest.mark.parametrize(("name", "line"), [("interval.txt", 8), ("traces/diskcomm.txt", 225)])
def test_a_time_line_lost_between_two_prints_is_named(name, line):
    """The lost clock leaves a blank line between the entries of two prints of one map."""
    clock = recorded(name).split("\n")[line - 1]
    tables, said = parse_warned(damaged(name, line, clock, ""))
    assert said == [line]
    whole = perfkit.parse(recorded(name), "bpftrace")
    frame = tables["@" if name == "interval.txt" else "@persec"]
    undamaged = whole["@" if name == "interval.txt" else "@persec"]
    assert frame["interval"].max() == undamaged["interval"].max()  # no print merged
    assert sorted(set(frame["time"].dropna())) == sorted(
        set(undamaged["time"].dropna()) - {pd.Timedelta(clock)})


@pytest.mark.parametrize(("name", "line", "old", "new"), [
    ("maps.txt", 3, "1      ", ""),  # "1      -5     first row": ROW lost
    ("maps.txt", 4, "70000", "70000 70000"),
])
def test_a_short_printf_table_row_shifted_is_named(name, line, old, new):
    """Two rows only: the header's names count with the rows where the columns are."""
    tables, said = parse_warned(damaged(name, line, old, new))
    assert said == [line]
    events = tables["printf"]
    assert len(events) == 1
    assert events.loc[0, "ROW"] == (2 if line == 3 else 1)
    assert events.loc[0, "VALUE"] == (70000 if line == 3 else -5)


def test_a_number_alone_in_the_exit_dump_is_named():
    """``@completions: 1047`` after the two blank lines before bpftrace's exit dump."""
    tables, said = parse_warned(damaged("traces/biolatency.txt", 46, "@completions: ", ""))
    assert said == [46]
    assert "printf" not in tables and "@completions" not in tables
    assert len(tables["@usecs"]) == len(perfkit.parse(recorded("traces/biolatency.txt"),
                                                      "bpftrace")["@usecs"])
