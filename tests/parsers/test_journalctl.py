"""journalctl (systemd 252, journald started by hand: this machine has no systemd as PID 1):
the same entries in every short format and in JSON, kernel events found through
perfkit.dmesg, the corpus's BSD and RFC 5424 syslog files, damaged input."""

from __future__ import annotations

import json
import re
import warnings

import pandas as pd
import pytest
from conftest import corpus_files, fixture_text

import perfkit
from perfkit import dmesg as events_of
from perfkit.parsers import journalctl

SHORT = ["all-grep.C.txt", "short-iso-grep.C.txt", "short-precise-grep.C.txt",
         "short-iso-precise-grep.C.txt", "short-full-grep.C.txt", "grep.de_DE.txt",
         "grep.fr_FR.txt"]
BLOB = "[41B blob data]"  # how the short formats print a message that is not UTF-8


def read(name: str, **kwargs) -> pd.DataFrame:
    return perfkit.parse(fixture_text("journalctl", name), "journalctl", **kwargs)


def json_entries() -> list[dict]:
    return [json.loads(line) for line in fixture_text("journalctl", "json-grep.C.txt")
            .splitlines()]


@pytest.mark.parametrize("name", [*SHORT, "json-grep.C.txt"])
def test_every_format_gives_the_same_entries(name):
    entries = json_entries()
    df = read(name)
    assert len(df) == len(entries) == 9
    assert df["host"].tolist() == [e["_HOSTNAME"] for e in entries]
    assert df["identifier"].tolist() == [e["SYSLOG_IDENTIFIER"] for e in entries]
    assert df["pid"].tolist() == [int(e["_PID"]) if "_PID" in e else pd.NA for e in entries]
    decoded = "perfkit: bytes that are not UTF-8: \\xff\\xfe end"  # MESSAGE as a byte array
    expected = [e["MESSAGE"] if isinstance(e["MESSAGE"], str)
                else decoded if name == "json-grep.C.txt" else BLOB for e in entries]
    assert df["message"].tolist() == expected
    assert perfkit.detect_tool(fixture_text("journalctl", name)) == "journalctl"


def test_times_agree_across_formats():
    precise = read("short-iso-precise-grep.C.txt")["time"]
    # journalctl prints the sender's time when it gave one (logger does), like perfkit
    realtime = [pd.Timestamp(int(e.get("_SOURCE_REALTIME_TIMESTAMP",
                                       e["__REALTIME_TIMESTAMP"])), unit="us")
                for e in json_entries()]
    assert any("_SOURCE_REALTIME_TIMESTAMP" in e for e in json_entries())
    assert read("json-grep.C.txt")["time"].tolist() == realtime
    assert precise.tolist() == realtime  # 2026-11-25T00:33:36.171940+0000
    for name in ("short-iso-grep.C.txt", "short-full-grep.C.txt"):
        assert read(name)["time"].tolist() == precise.dt.floor("s").tolist()
    assert read("short-iso-grep.C.txt").attrs["utc_offset"] == "+0000"
    assert read("short-full-grep.C.txt").attrs["timezone"] == "UTC"


@pytest.mark.parametrize("name", ["all-grep.C.txt", "grep.de_DE.txt", "grep.fr_FR.txt",
                                  "short-precise-grep.C.txt"])
def test_short_format_without_a_year(name):
    precise = read("short-iso-precise-grep.C.txt")["time"]
    df = read(name)
    assert df.attrs["date"] is None and df.attrs["year_printed"] is False
    assert (df["time"].dt.year == journalctl.DEFAULT_YEAR).all()
    stamps = precise if "precise" in name else precise.dt.floor("s")
    assert (df["time"] + pd.DateOffset(years=2026 - journalctl.DEFAULT_YEAR)).tolist() == \
        stamps.tolist()
    known = read(name, year=2026)
    assert known["time"].tolist() == stamps.tolist() and known.attrs["year_printed"] is True


def test_monotonic_timestamps_are_the_kernels():
    mono = read("short-monotonic-k-grep.C.txt")
    kernel = [e for e in json_entries() if e["_TRANSPORT"] == "kernel"]
    # [ 1231.001641] demo-host kernel: Memory cgroup stats for /perfkit-oom:
    assert mono["timestamp"].tolist() == [int(e["_SOURCE_MONOTONIC_TIMESTAMP"]) / 1e6
                                          for e in kernel]
    full = read("json-grep.C.txt")
    assert full["timestamp"].iloc[:7].tolist() == mono["timestamp"].tolist()


def test_json_fields():
    df = read("json-grep.C.txt")
    entries = json_entries()
    assert df["level"].tolist() == [journalctl.LEVELS[int(e["PRIORITY"])] for e in entries]
    killed = df[df["message"].str.contains("Killed process")].iloc[0]
    assert (killed["facility"], killed["level"]) == ("kern", "err")
    by_transport = {e["_TRANSPORT"]: int(e.get("_PID", -1)) for e in entries}
    syslog = df[df["_TRANSPORT"] == "syslog"].iloc[0]  # logger -p daemon.err
    assert (syslog["facility"], syslog["level"]) == ("daemon", "err")
    assert syslog["pid"] == by_transport["syslog"]
    stdout = df[df["_TRANSPORT"] == "stdout"].iloc[0]  # systemd-cat -p notice
    assert stdout["level"] == "notice" and pd.isna(stdout["facility"])
    assert stdout["pid"] == by_transport["stdout"]
    assert (df["boot"] == entries[0]["_BOOT_ID"]).all() and len(df.loc[0, "boot"]) == 32
    assert df["_TRANSPORT"].tolist() == [e["_TRANSPORT"] for e in entries]
    assert str(df["time"].dtype) == "datetime64[ns]"


def test_kernel_log_with_a_two_line_message():
    df = read("k.C.txt")
    raw = fixture_text("journalctl", "k.C.txt")
    assert len(df) == sum(1 for line in raw.splitlines() if not line[:1].isspace())
    two = df[df["identifier"] == "perfkit"]
    assert two["message"].tolist() == ["a message written to /dev/kmsg\nwith a second line"]
    assert (df.loc[df["identifier"] != "perfkit", "identifier"] == "kernel").all()


@pytest.mark.parametrize("name", ["k.C.txt", "all-grep.C.txt", "json-grep.C.txt",
                                  "short-monotonic-k-grep.C.txt", "grep.fr_FR.txt"])
def test_kernel_events_found_in_journalctl_frames(name):
    raw = fixture_text("journalctl", name)
    oom_pid = int(re.search(r"Killed process (\d+) \(python3\)", raw).group(1))
    seg_pid = int(re.search(r"python3\[(\d+)\]: segfault", raw).group(1))
    hung_pid = int(re.search(r"task sh:(\d+) blocked", raw).group(1))
    found = events_of.events(read(name))
    assert found["kind"].tolist() == ["oom_kill", "segfault", "hung_task", "tcp_drop",
                                      "tcp_drop"]
    assert found["pid"].tolist()[:3] == [oom_pid, seg_pid, hung_pid]
    kill = events_of.oom_kills(read(name)).iloc[0]
    assert (kill["comm"], kill["anon-rss"], kill["cgroup"]) == ("python3", 65280,
                                                                "/perfkit-oom")


def test_no_entries():
    df = read("no-entries.C.txt")
    assert df.empty and df.attrs["no_entries"] is True
    assert list(df.columns) == ["time", "host", "identifier", "pid", "message"]


# -- the corpus: syslog files (no journalctl output there) ---------------------------------

def test_corpus_bsd_syslog_against_jc():
    path = next(p for p in corpus_files("journalctl", "*3164.out"))
    raw = path.read_text(encoding="utf-8")
    theirs = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = perfkit.parse(raw, "journalctl")
    # <3444>... (not a priority) and <7>unparsable line are skipped with a warning each;
    # jc skips them too
    skipped = [str(w.message) for w in caught if issubclass(w.category, perfkit.ParseWarning)]
    assert len(skipped) == 2 and "line 2" in skipped[0]
    parsed = [entry for entry in theirs if "unparsable" not in entry]
    assert len(df) == len(parsed) == 30
    for (_, row), entry in zip(df.iterrows(), parsed, strict=True):
        assert row["host"] == entry["hostname"]
        assert row["time"].strftime("%b %e %H:%M:%S") == entry["date"]
        content = re.sub(r"^(?:\([^)]*\))?\[\d+\]: ", "", entry["content"])
        assert row["message"].rstrip() == content
        if entry["priority"] is None:
            assert pd.isna(row["level"])
        else:
            assert row["level"] == journalctl.LEVELS[entry["priority"] % 8]
            assert row["facility"] == journalctl.FACILITIES[entry["priority"] // 8]
    with pytest.raises(perfkit.ParseError) as info:
        perfkit.parse(raw, "journalctl", strict=True)
    assert info.value.line == 2


def test_corpus_rfc5424_syslog_is_refused_clearly():
    path = next(p for p in corpus_files("journalctl", "*5424.out"))
    raw = path.read_text(encoding="utf-8")
    with pytest.raises(perfkit.ParseError, match="RFC 5424") as info:
        perfkit.parse(raw, "journalctl")
    assert info.value.line == 1
    with pytest.raises(perfkit.ParseError):
        perfkit.detect_tool(raw)


# -- damaged input --------------------------------------------------------------------------

def test_truncated_json_drops_the_last_entry_with_a_warning():
    raw = fixture_text("journalctl", "json-grep.C.txt").rstrip("\n")
    cut = raw[: raw.rindex('"_TRANSPORT"')]
    for strict in (False, True):
        with pytest.warns(perfkit.ParseWarning, match="truncated"):
            df = perfkit.parse(cut, "journalctl", strict=strict)
        assert len(df) == 8


def test_garbage_line_warns_or_raises_naming_it():
    for name in ("all-grep.C.txt", "json-grep.C.txt"):
        lines = fixture_text("journalctl", name).split("\n")
        damaged = "\n".join([*lines[:3], "garbage journalctl never prints", *lines[3:]])
        with pytest.warns(perfkit.ParseWarning) as said:
            df = perfkit.parse(damaged, "journalctl")
        assert [(w.message.line, w.message.text) for w in said] == [
            (4, "garbage journalctl never prints")]
        assert len(df) == 9
        with pytest.raises(perfkit.ParseError) as info:
            perfkit.parse(damaged, "journalctl", strict=True)
        assert info.value.line == 4


def test_dmesg_output_is_not_taken_for_journalctl():
    for name in ("since.C.txt", "since-iso.C.txt", "since-x.C.txt", "since-J.C.txt"):
        assert perfkit.detect_tool(fixture_text("dmesg", name)) == "dmesg"
    assert perfkit.detect_tool(fixture_text("journalctl", "short-monotonic-k-grep.C.txt")) \
        == "journalctl"


@pytest.mark.parametrize("bad", [b"", b"\n \n", b"\x00\x01\x02", "no journal here\n",
                                 '{"a": 1}\n'])
def test_empty_binary_or_foreign_input_raises(bad):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", perfkit.ParseWarning)
        with pytest.raises(perfkit.ParseError) as info:
            perfkit.parse(bad, "journalctl")
    assert info.value.line is not None
