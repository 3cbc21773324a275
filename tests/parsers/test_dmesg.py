"""dmesg (util-linux 2.38.1): one set of kernel messages (an OOM kill, a segfault, a hung task,
SYN-flood drops, a two-line message) recorded in every output format, read the same way; the
event helpers of perfkit.dmesg; damaged input."""

from __future__ import annotations

import json
import re
import warnings

import pandas as pd
import pytest
from conftest import fixture_text

import perfkit
from perfkit import dmesg as events_of

TEXT_FORMATS = ["since.C.txt", "since-T.C.txt", "since-iso.C.txt", "since-x.C.txt",
                "since-r.C.txt", "since-x-T.de_DE.txt", "since-T.fr_FR.txt"]
JSON_FORMATS = ["since-J.C.txt", "since-x-J.C.txt"]
ALL = TEXT_FORMATS + JSON_FORMATS
WITH_TIMESTAMP = ["since.C.txt", "since-x.C.txt", "since-r.C.txt", *JSON_FORMATS]
WITH_TIME = ["since-T.C.txt", "since-iso.C.txt", "since-x-T.de_DE.txt", "since-T.fr_FR.txt"]
TWO_LINES = "perfkit: a message written to /dev/kmsg\nwith a second line"


def read(name: str) -> pd.DataFrame:
    return perfkit.parse(fixture_text("dmesg", name), "dmesg")


def json_records(name: str) -> list[dict]:
    return json.loads(fixture_text("dmesg", name))["dmesg"]


@pytest.mark.parametrize("name", ALL)
def test_every_format_gives_the_same_messages(name):
    reference = [r["msg"] for r in json_records("since-J.C.txt")]
    df = read(name)
    assert df["message"].tolist() == reference
    assert df["message"].iloc[-1] == TWO_LINES  # the indented second line is attached
    assert perfkit.detect_tool(fixture_text("dmesg", name)) == "dmesg"


@pytest.mark.parametrize("name", WITH_TIMESTAMP)
def test_seconds_since_boot_equal_the_printed_ones(name):
    expected = [r["time"] for r in json_records("since-J.C.txt")]
    df = read(name)
    assert df["timestamp"].tolist() == expected
    assert "time" not in df
    # and the raw text: "[ 1129.012153] python3 invoked oom-killer: ..."
    first = fixture_text("dmesg", "since.C.txt").split("\n", 1)[0]
    assert df["timestamp"].iloc[0] == float(re.match(r"\[\s*([\d.]+)\]", first).group(1))


@pytest.mark.parametrize("name", WITH_TIME)
def test_wall_clock_times_whatever_the_locale(name):
    df = read(name)
    assert str(df["time"].dtype) == "datetime64[ns]"
    # 2026-11-25T00:31:54,012153+00:00 python3 invoked oom-killer ...
    first = fixture_text("dmesg", "since-iso.C.txt").split(" ", 1)[0]
    printed = pd.Timestamp(first[:26].replace(",", "."))
    if name == "since-iso.C.txt":
        assert df["time"].iloc[0] == printed
        assert df.attrs["utc_offset"] == "+00:00"
    else:  # -T: whole seconds, [Wed Nov 25 00:31:54 2026], [Mi Nov 25 ...], [mer. nov. 25 ...]
        assert df["time"].iloc[0] == printed.floor("s")
    iso = read("since-iso.C.txt")["time"]
    assert ((df["time"] - iso).abs() < pd.Timedelta(seconds=1)).all()


def test_decoded_facility_and_level():
    decoded = read("since-x.C.txt")
    raw_lines = fixture_text("dmesg", "since-x.C.txt").split("\n")
    heads = [line for line in raw_lines if line and not line[0].isspace()]
    for (_, row), line in zip(decoded.iterrows(), heads, strict=True):
        facility, level = (part.strip() for part in line.split(":")[:2])
        assert (row["facility"], row["level"]) == (facility, level)
    killed = decoded[decoded["message"].str.contains("Killed process")].iloc[0]
    assert (killed["facility"], killed["level"]) == ("kern", "err")
    assert decoded["facility"].iloc[-1] == "user" and decoded["level"].iloc[-1] == "info"
    # -x -J and -x -T in German say the same
    for name in ("since-x-J.C.txt", "since-x-T.de_DE.txt"):
        other = read(name)
        assert other["facility"].tolist() == decoded["facility"].tolist()
        assert other["level"].tolist() == decoded["level"].tolist()


@pytest.mark.parametrize("name", ["since-r.C.txt", "since-J.C.txt"])
def test_raw_priorities_agree_for_kernel_records(name):
    decoded = read("since-x.C.txt")
    raw = read(name)
    kernel = decoded["facility"] == "kern"
    assert raw.loc[kernel, "level"].tolist() == decoded.loc[kernel, "level"].tolist()
    assert (raw.loc[kernel, "facility"] == "kern").all()
    # util-linux 2.38 prints a user.info record's priority as 1|6 = 7 (issue #2325): read
    # as the number says, kern/debug
    assert fixture_text("dmesg", "since-r.C.txt").rstrip().split("\n")[-2].startswith("<7>")
    assert (raw["facility"].iloc[-1], raw["level"].iloc[-1]) == ("kern", "debug")


def test_oom_kill_found_with_its_pid_and_comm():
    raw = fixture_text("dmesg", "since.C.txt")
    pid = int(re.search(r"Killed process (\d+) \(python3\)", raw).group(1))
    for name in ALL:
        kills = events_of.oom_kills(read(name))
        assert len(kills) == 1, name
        kill = kills.iloc[0]
        assert kill["pid"] == pid and kill["comm"] == "python3"
        # total-vm:79540kB, anon-rss:65280kB, file-rss:6712kB, shmem-rss:0kB, ... pgtables:192kB
        assert kill["total-vm"] == 79540 and kill["anon-rss"] == 65280
        assert kill["file-rss"] == 6712 and kill["shmem-rss"] == 0 and kill["pgtables"] == 192
        assert kill["uid"] == 0 and kill["oom_score_adj"] == 0
        assert kill["memcg"] and kill["constraint"] == "CONSTRAINT_MEMCG"
        assert kill["cgroup"] == "/perfkit-oom"
        assert f"pid={pid}," in raw  # the oom-kill: line it was joined with


def test_segfault_hung_task_and_syn_flood_found():
    raw = fixture_text("dmesg", "since.C.txt")
    seg_pid = int(re.search(r"python3\[(\d+)\]: segfault at 0 ", raw).group(1))
    hung_pid = int(re.search(r"INFO: task sh:(\d+) blocked for more than 2 seconds", raw)
                   .group(1))
    for name in ALL:
        df = read(name)
        seg = events_of.segfaults(df)
        assert seg[["comm", "pid", "address", "error", "object"]].values.tolist() == \
            [["python3", seg_pid, "0", 4, "libc.so.6"]]
        assert seg["ip"].iloc[0] == "00007f5bf5985ad8"
        hung = events_of.hung_tasks(df)
        assert hung[["comm", "pid", "seconds"]].values.tolist() == [["sh", hung_pid, 2]]
        drops = events_of.tcp_drops(df)
        assert drops[["reason", "address", "port", "action"]].values.tolist() == [
            ["syn_flood", "127.0.0.1", 8080, "Dropping request"],
            ["syn_flood", "127.0.0.1", 8080, "Sending cookies"]]


def test_events_in_the_order_they_were_logged():
    df = read("since-x.C.txt")
    found = events_of.events(df)
    assert found["kind"].tolist() == ["oom_kill", "segfault", "hung_task", "tcp_drop",
                                      "tcp_drop"]
    assert list(found.columns[:4]) == ["timestamp", "kind", "pid", "comm"]
    assert found["message"].tolist() == df.loc[found.index, "message"].tolist()
    assert found["timestamp"].is_monotonic_increasing
    timed = events_of.events(read("since-iso.C.txt"))
    assert list(timed.columns[:2]) == ["time", "kind"]
    with pytest.raises(KeyError, match="message"):
        events_of.events(pd.DataFrame({"x": [1]}))


def test_nothing_found_gives_empty_frames():
    quiet = read("since.C.txt").iloc[:3]  # the OOM report's first lines, no kill yet
    assert events_of.events(quiet).empty
    assert events_of.oom_kills(quiet).empty and events_of.tcp_drops(quiet).empty


# -- damaged input --------------------------------------------------------------------------

def test_line_cut_inside_its_timestamp_warns():
    raw = fixture_text("dmesg", "since.C.txt").rstrip("\n")
    cut = raw[: raw.rindex("[ 1137.949212]") + 5]  # "... [ 113"
    with pytest.warns(perfkit.ParseWarning) as said:
        df = perfkit.parse(cut, "dmesg")
    assert [(w.message.line, w.message.tool) for w in said] == [(129, "dmesg")]
    assert len(df) == 128
    with pytest.raises(perfkit.ParseError) as info:
        perfkit.parse(cut, "dmesg", strict=True)
    assert info.value.line == 129


def test_cut_json_keeps_the_records_before_the_cut():
    raw = fixture_text("dmesg", "since-J.C.txt")
    cut = raw[: raw.rindex('"msg": "perfkit')]
    for strict in (False, True):
        with pytest.warns(perfkit.ParseWarning, match="ends early|cut off"):
            df = perfkit.parse(cut, "dmesg", strict=strict)
        assert len(df) == 128


def test_garbage_line_warns_or_raises_naming_it():
    lines = fixture_text("dmesg", "since-x.C.txt").split("\n")
    damaged = "\n".join([*lines[:5], "garbage that dmesg never prints", *lines[5:]])
    with pytest.warns(perfkit.ParseWarning) as said:
        df = perfkit.parse(damaged, "dmesg")
    assert [(w.message.line, w.message.text) for w in said] == [
        (6, "garbage that dmesg never prints")]
    assert len(df) == 129
    with pytest.raises(perfkit.ParseError) as info:
        perfkit.parse(damaged, "dmesg", strict=True)
    assert info.value.line == 6


@pytest.mark.parametrize("bad", [b"", b" \n", b"\x00\x01\x02", "not dmesg at all\n",
                                 '{"dmesg": []}\n', '{"something": 1}\n'])
def test_empty_binary_or_foreign_input_raises(bad):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", perfkit.ParseWarning)
        with pytest.raises(perfkit.ParseError) as info:
            perfkit.parse(bad, "dmesg")
    assert info.value.line is not None
