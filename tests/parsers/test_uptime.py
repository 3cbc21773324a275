"""uptime: recorded procps-ng 4.0.2 lines, uptime -p/-s, /proc/loadavg, /proc/uptime, corpus."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from conftest import corpus_files, fixture_text

import perfkit
from perfkit.parsers import uptime

CLASSIC = re.compile(r"^\s*(\d+):(\d+):(\d+) up (\d+) min,\s+(\d+) users?,\s+load average: "
                     r"(\S+), (\S+), (\S+)$")


def _number(text: str) -> float:
    return float(text.replace(",", "."))


@pytest.mark.parametrize("name", ["default.C.txt", "default.en_US.txt", "default.de_DE.txt",
                                  "default.fr_FR.txt"])
def test_classic_line_cells_equal_the_printed_values(name):
    raw = fixture_text("uptime", name)
    hours, minutes, seconds, up, users, one, five, fifteen = CLASSIC.match(
        raw.rstrip("\n")).groups()
    df = uptime.parse(raw)
    assert list(df.columns) == ["time", "up", "users", "ldavg-1", "ldavg-5", "ldavg-15"]
    row = df.iloc[0]
    # uptime prints no date: the time of day, never a made-up day such as 1970-01-01
    assert row["time"] == pd.Timedelta(hours=int(hours), minutes=int(minutes),
                                       seconds=int(seconds))
    assert row["up"] == pd.Timedelta(minutes=int(up))
    assert row["users"] == int(users) == 0  # procps-ng 4.0.2 prints "0 user"
    assert (row["ldavg-1"], row["ldavg-5"], row["ldavg-15"]) == (
        _number(one), _number(five), _number(fifteen))
    assert df.attrs["date"] is None
    assert str(df["time"].dtype) == "timedelta64[ns]"
    assert str(df["up"].dtype) == "timedelta64[ns]"


def test_decimal_commas_are_decimal_marks():
    raw = fixture_text("uptime", "default.de_DE.txt")
    assert "2,37, 0,90, 0,35" in raw
    df = uptime.parse(raw)
    assert df["ldavg-1"].iloc[0] == 2.37 and df["ldavg-5"].iloc[0] == 0.90


def test_a_loop_gives_one_row_per_line():
    raw = fixture_text("uptime", "loop.C.txt")
    df = uptime.parse(raw)
    printed = [line.split()[0] for line in raw.splitlines()]
    assert [str(t).split()[-1] for t in df["time"]] == printed
    assert len(df) == 3
    assert (df["time"].diff().dropna() == pd.Timedelta(seconds=1)).all()


def test_pretty_and_since():
    pretty = uptime.parse(fixture_text("uptime", "p.C.txt"))
    assert fixture_text("uptime", "p.C.txt") == "up 12 minutes\n"
    assert list(pretty.columns) == ["up"]
    assert pretty["up"].iloc[0] == pd.Timedelta(minutes=12)
    since = uptime.parse(fixture_text("uptime", "s.C.txt"))
    assert list(since.columns) == ["boot"]
    assert since["boot"].iloc[0] == pd.Timestamp(fixture_text("uptime", "s.C.txt").strip())
    assert str(since["boot"].dtype) == "datetime64[ns]"


def test_proc_loadavg():
    raw = fixture_text("uptime", "proc-loadavg.txt")
    one, five, fifteen, entities, last_pid = raw.split()
    runnable, tasks = entities.split("/")
    df = uptime.parse(raw)
    assert df.iloc[0].to_dict() == {
        "ldavg-1": float(one), "ldavg-5": float(five), "ldavg-15": float(fifteen),
        "runnable": int(runnable), "tasks": int(tasks), "last_pid": int(last_pid)}


def test_proc_uptime():
    raw = fixture_text("uptime", "proc-uptime.txt")
    up, idle = raw.split()
    df = uptime.parse(raw)
    assert df["up"].iloc[0] == pd.Timedelta(seconds=float(up))
    assert df["idle"].iloc[0] == pd.Timedelta(seconds=float(idle))


def test_package_doctest_line_and_detection():
    df = perfkit.parse(" 00:18:41 up 5 min,  1 user,  load average: 0.08, 0.03, 0.01\n")
    assert df["up"].iloc[0] == pd.Timedelta(minutes=5) and df["users"].iloc[0] == 1
    for name in ("default.C.txt", "p.C.txt", "s.C.txt", "proc-loadavg.txt", "loop.C.txt"):
        assert perfkit.detect_tool(fixture_text("uptime", name)) == "uptime"


@pytest.mark.parametrize(("up", "expected"), [
    ("5 min", pd.Timedelta(minutes=5)),
    ("1:02", pd.Timedelta(hours=1, minutes=2)),
    ("2 days, 3:04", pd.Timedelta(days=2, hours=3, minutes=4)),
    ("1 day, 5 min", pd.Timedelta(days=1, minutes=5)),
    ("2 hours, 5 minutes", pd.Timedelta(hours=2, minutes=5)),
    ("1 year, 2 weeks, 3 days", pd.Timedelta(days=365 + 14 + 3)),
])
def test_durations(up, expected):
    # the duration grammar of procps' uptime and uptime -p, one phrase at a time
    assert uptime._duration(up) == expected.total_seconds()


def test_truncated_last_line_warns_and_is_dropped():
    raw = fixture_text("uptime", "loop.C.txt")
    cut = raw[:raw.rindex("load average") + 20]
    with pytest.warns(perfkit.ParseWarning, match="the last line is truncated") as said:
        df = uptime.parse(cut)
    assert [(w.message.line, w.message.tool) for w in said] == [(3, "uptime")]
    assert len(df) == 2


def test_garbage_line_raises_when_strict_and_warns_otherwise():
    lines = fixture_text("uptime", "loop.C.txt").splitlines(keepends=True)
    text = "".join([lines[0], "this is not uptime\n", *lines[1:]])
    with pytest.raises(perfkit.ParseError) as info:
        uptime.parse(text, strict=True)
    assert info.value.line == 2
    with pytest.warns(perfkit.ParseWarning) as said:
        df = uptime.parse(text)
    assert [(w.message.line, w.message.text) for w in said] == [(2, "this is not uptime")]
    assert len(df) == 3


@pytest.mark.parametrize("bad", [b"", b"  \n", b"\x00\x01\x02binary", "hello world\n"])
def test_empty_binary_and_foreign_input_raise(bad):
    with pytest.raises(perfkit.ParseError) as info:
        uptime.parse(bad)
    assert info.value.line is not None


def test_corpus_agrees_with_jc():
    files = [p for p in corpus_files("uptime") if p.suffix != ".json"]
    assert files
    for path in files:
        df = uptime.parse(path.read_bytes())
        expected = json.loads(path.with_name(path.name.removesuffix(".out") + ".json")
                              .read_text())
        assert len(df) == 1, path.name
        row = df.iloc[0]
        if "up_time" in expected:  # /proc/uptime
            assert row["up"] == pd.Timedelta(seconds=expected["up_time"])
            assert row["idle"] == pd.Timedelta(seconds=expected["idle_time"])
            continue
        clock = row["time"].components
        assert clock.hours == expected["time_hour"], path.name
        assert clock.minutes == expected["time_minute"]
        assert clock.seconds == (expected["time_second"] or 0)
        assert row["up"].total_seconds() == expected["uptime_total_seconds"], path.name
        assert row["users"] == expected["users"]
        assert (row["ldavg-1"], row["ldavg-5"], row["ldavg-15"]) == (
            expected["load_1m"], expected["load_5m"], expected["load_15m"])
