"""bpftrace's text and JSON output: fixtures recorded here, the recorded traces in
data/traces, and the transcripts of bpftrace's own tools in the shared corpus."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, corpus_files, fixture_text
from test_bcc import blocks

import perfkit
from perfkit.parsers import bpftrace as parser
from perfkit.parsers.bpftrace_maps import bucket_bounds, fold_stack, split_key
from perfkit.plot import flame

TRACES = ROOT / "data" / "traces"


def trace(name: str) -> perfkit.Tables:
    return perfkit.read(TRACES / name)


def row(df: pd.DataFrame, **where) -> pd.Series:
    mask = np.ones(len(df), dtype=bool)
    for column, value in where.items():
        mask &= (df[column] == value).to_numpy()
    assert mask.sum() == 1, (where, mask.sum())
    return df[mask].iloc[0]


# --- the fixture of every map kind --------------------------------------------------------

def test_maps_text_values_equal_the_printed_numbers():
    tables = perfkit.read(ROOT / "tests/fixtures/bpftrace/maps.txt")
    assert tables.attrs["format"] == "text" and tables.attrs["probes"] == 1
    h = tables["@h"]
    assert list(h.columns) == ["low", "high", "count"]
    assert row(h, low=1024.0)[["high", "count"]].tolist() == [2048.0, 19]   # [1K, 2K) 19
    assert row(h, low=0.0)[["high", "count"]].tolist() == [1.0, 1]          # [0] 1
    lin = tables["@l"]
    assert lin.iloc[0].tolist() == [-math.inf, 0.0, 5]                       # (..., 0) 5
    assert lin.iloc[-1].tolist() == [200.0, math.inf, 7]                     # [200, ...) 7
    assert tables["@s"].iloc[0].tolist() == [40, 58, 2340]   # count 40, average 58, total 2340
    assert tables["@neg"]["value"].tolist() == [-39]
    assert tables["@name"]["value"].tolist() == ["perfkit"]
    assert row(tables["@syscall"], key="read")["value"] == 780
    assert row(tables["@pair"], key1=3, key2=1)["value"] == 10
    assert row(tables["@mean"], key=2)["value"] == 20
    per_key = tables["@k"]
    assert list(per_key.columns) == ["key", "low", "high", "count"]
    assert row(per_key, key=1, low=1.0)[["high", "count"]].tolist() == [2.0, 1]
    assert row(per_key, key=0, low=16.0)["count"] == 8
    printf = tables["printf"]
    assert list(printf.columns) == ["ROW", "VALUE", "NOTE"]
    assert printf["VALUE"].tolist() == [-5, 70000]
    assert printf["NOTE"].tolist() == ["first row", "second row"]


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    keys = [c for c in df.columns if str(c).startswith("key") or c == "low"]
    return df.sort_values(keys).reset_index(drop=True) if keys else df


@pytest.mark.parametrize("name", ["maps", "stacks", "interval", "lost"])
def test_json_and_text_give_the_same_tables(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", perfkit.ParseWarning)  # lost events warn
        text = perfkit.read(ROOT / f"tests/fixtures/bpftrace/{name}.txt")
        json = perfkit.read(ROOT / f"tests/fixtures/bpftrace/{name}.json")
    assert json.attrs["format"] == "json"
    assert set(text) == set(json)
    assert text.attrs["probes"] == json.attrs["probes"]
    for table in text:
        # the same columns and types; maps.bt and lost.bt print the same values every run
        assert list(text[table].columns) == list(json[table].columns), table
        assert dict(text[table].dtypes) == dict(json[table].dtypes), table
        if name in ("maps", "lost"):
            pd.testing.assert_frame_equal(_sorted(text[table]), _sorted(json[table]),
                                          check_like=False)


def test_lost_events_warn_and_are_counted():
    for ext in ("txt", "json"):
        with pytest.warns(perfkit.ParseWarning, match="lost 79 events"):
            tables = perfkit.read(ROOT / f"tests/fixtures/bpftrace/lost.{ext}")
        assert tables.attrs["lost_events"] == 79
        lines = tables["printf"]["line"]
        assert len(lines) == 100 - 79
        assert lines.iloc[0].startswith("event 0 a burst of events")


def test_stack_keys_are_folded_root_first():
    table = perfkit.read(ROOT / "tests/fixtures/bpftrace/stacks.txt")["@"]
    assert table.attrs["stack_columns"] == ["key1"]
    kdamond = row(table, key2="kdamond.0")
    assert kdamond["key1"] == ("ret_from_fork_asm;ret_from_fork;kthread;kdamond_fn;"
                               "damon_pa_check_accesses")
    assert row(table, key2="stress-ng-cpu")[["key1", "value"]].tolist() == ["", 58]
    raw = fixture_text("bpftrace", "stacks.json")
    json = perfkit.parse(raw)["@"]
    assert json["value"].sum() == sum(int(v) for v in re.findall(r'": (\d+)', raw)[1:])
    assert row(json, key2="python", value=1)["key1"].endswith(
        "free_frozen_page_commit;_raw_spin_unlock_irqrestore")


def test_interval_prints_get_time_and_interval():
    table = perfkit.read(ROOT / "tests/fixtures/bpftrace/interval.txt")["@"]
    assert list(table.columns) == ["time", "interval", "key", "value"]
    assert str(table["time"].dtype) == "timedelta64[ns]"  # a time of day: no date printed
    assert table.attrs["date"] is None
    dd = row(table, interval=0, key="dd")
    assert (dd["time"], dd["value"]) == (pd.Timedelta("00:32:53"), 366828)
    dated = perfkit.read(ROOT / "tests/fixtures/bpftrace/interval.txt", date="2026-11-25")["@"]
    assert row(dated, interval=0, key="dd")["time"] == pd.Timestamp("2026-11-25 00:32:53")
    assert table.groupby("interval").size().tolist() == [5, 5, 5, 1]
    last = table.iloc[-1]  # the map bpftrace prints at exit, after the last time() line
    assert pd.isna(last["time"]) and (last["key"], last["value"]) == ("bpftrace", 14)
    json = perfkit.read(ROOT / "tests/fixtures/bpftrace/interval.json")["@"]
    assert row(json, interval=1, key="curl")["value"] == 42023
    assert json["time"].iloc[0] == pd.Timedelta("00:32:56")


# --- the recorded traces -----------------------------------------------------------------

def test_syscalls_trace_counts_dd_per_byte():
    for name in ("syscalls.txt", "syscalls.json"):
        table = trace(name)["@"]
        assert row(table, key="dd")["value"] >= 800000  # read + write per byte, 400000 bytes
    assert row(trace("syscalls.txt")["@"], key="dd")["value"] == 800048


def test_execsnoop_trace_shows_the_loops_commands():
    table = trace("execsnoop.txt")["printf"]
    assert list(table.columns) == ["time", "PID", "PPID", "COMM", "ARGS"]
    first_ls = table[table["ARGS"] == "ls /"].iloc[0]
    assert first_ls[["PID", "PPID", "COMM"]].tolist() == [13437, 13422, "bash"]
    assert first_ls["time"] == pd.Timedelta("00:42:28")
    assert (table["PPID"].iloc[1:] == 13422).all()
    for command in ("ls /", "date +%s", "uname -r", "cat /etc/os-release", "sleep 0.5"):
        assert (table["ARGS"] == command).sum() == 6, command


def test_opensnoop_trace_shows_a_failed_open():
    table = trace("opensnoop.txt")["printf"]
    failed = table[table["PATH"] == "/nonexistent-perfkit"]
    assert failed[["PID", "COMM", "FD", "ERR"]].iloc[0].tolist() == [7098, "cat", -1, 2]
    assert len(failed) == 3
    assert row(table, PATH="/dev/tty")["ERR"] == 6


def test_biolatency_trace_histograms_per_second():
    for name, first, completions in (("biolatency.txt", 178, 1047),
                                     ("biolatency.json", 197, 1209)):
        tables = trace(name)
        usecs = tables["@usecs"]
        assert list(usecs.columns) == ["time", "interval", "low", "high", "count"]
        assert row(usecs, interval=0, low=32.0)["count"] == first
        assert tables["@completions"]["value"].iloc[0] == completions
        per_second = usecs.groupby("interval")["count"].sum()
        # dd writes 200 blocks a second during five seconds
        assert (per_second.between(195, 260)).sum() >= 4, per_second.tolist()


def test_runqlat_and_tcp_traces():
    usecs = trace("runqlat.txt")["@usecs"]
    assert row(usecs, interval=0, low=2048.0)[["high", "count"]].tolist() == [4096.0, 299]
    tcp = trace("tcp.txt")
    assert tcp["@accepts"]["value"].tolist() == [24] == tcp["@connects"]["value"].tolist()
    assert row(tcp["@life_us"], low=131072.0)["count"] == 3
    first = tcp["printf"].iloc[0]
    assert first[["TIME(ms)", "PID", "COMM", "SPORT", "DPORT", "LIFE_US"]].tolist() == [
        988, 7836, "python3", 18765, 42844, 249]
    assert row(tcp["@transitions"], key1=10, key2=3)["value"] == 24  # LISTEN -> SYN_RECV
    assert row(tcp["@retransmits"], key1=42924)["key2"] == 18765


def test_profile_trace_folds_into_named_hot_functions():
    table = trace("profile.txt")["@"]
    assert table.attrs["stack_columns"] == ["key1", "key2"]
    assert table["value"].sum() == 399
    hot = flame.hot_functions(table, n=3)
    assert hot["function"].tolist() == ["compare", "msort_with_tmp.part.0", "mix"]
    assert hot["self"].tolist() == [66, 62, 19]
    stacks = flame.folded(table)
    assert row(stacks, stack="cpu_load;__libc_start_call_main;main;run;mix")["count"] == 19


# --- the corpus: bpftrace's tools' transcripts -------------------------------------------

def corpus_block(tool: str, command: str, index: int = 0) -> str:
    [path] = corpus_files("bpftrace", f"*__{tool}_example.txt")
    found = [body for cmd, body in blocks(path.read_text(encoding="utf-8"), tool)
             if cmd == command]
    return found[index]


def test_every_corpus_transcript_block_parses_without_warnings():
    paths = corpus_files("bpftrace", "*_example.txt")
    assert len(paths) == 9
    parsed = 0
    for path in paths:
        tool = path.name.split("__")[-1].removesuffix("_example.txt")
        for command, body in blocks(path.read_text(encoding="utf-8"), tool):
            tables = perfkit.parse(body, "bpftrace", strict=True)
            assert tables, (path.name, command)
            parsed += 1
    assert parsed >= 13


def test_corpus_histograms():
    tables = perfkit.parse(corpus_block("biolatency", "./biolatency-kp.bt"))
    usecs = tables["@usecs"]
    assert row(usecs, low=1024.0)[["high", "count"]].tolist() == [2048.0, 426]
    assert tables.attrs["probes"] == 3 and tables.attrs["interrupted"]
    runs = [perfkit.parse(corpus_block("runqlat", "./runqlat.bt", i))["@usecs"]
            for i in range(4)]
    assert row(runs[0], low=16.0)["count"] == 220
    assert row(runs[3], low=32768.0)["count"] == 478
    assert row(runs[1], low=1024.0**2)[["high", "count"]].tolist() == [2 * 1024.0**2, 1]


def test_corpus_printf_tables():
    exec_table = perfkit.parse(corpus_block("execsnoop", "./execsnoop.bt"))["printf"]
    assert exec_table["PID"].iloc[0] == 3187374
    assert exec_table["ARGS"].iloc[1] == "man ls"
    assert exec_table["time"].iloc[0] == pd.Timedelta("08:57:52.430193")
    opens = perfkit.parse(corpus_block("opensnoop", "./opensnoop.bt"))
    assert opens.attrs["messages"] == ["Tracing open syscalls... Hit Ctrl-C to end."]
    vendor = row(opens["printf"], PATH="/sys/class/net/lo/device/vendor")
    assert vendor[["PID", "FD", "ERR"]].tolist() == [1744, -1, 2]
    bio = perfkit.parse(corpus_block("biosnoop", "./biosnoop.bt"))["printf"]
    assert list(bio.columns) == ["TIME(ms)", "DISK MAJOR", "ID MINOR", "COMM", "PID", "LAT(ms)"]
    assert bio.iloc[-1].tolist() == [802, 259, 0, "cksum", 4179, 32]
    # without "Attaching N probes" or a map these are bcc-like tables: name the tool
    life = perfkit.parse(corpus_block("tcplife", "./tcplife.bt"), "bpftrace")["printf"]
    assert row(life, PID=20976)[["RX_KB", "MS"]].tolist() == [10584, 3059]
    assert life["LADDR"].iloc[3] == "7f00:6:5ea7::a00:0"
    accept = perfkit.parse(corpus_block("tcpaccept", "./tcpaccept.bt"), "bpftrace")["printf"]
    assert accept["BL"].tolist() == ["0/128"] * 3
    retrans = perfkit.parse(corpus_block("tcpretrans", "./tcpretrans.bt"), "bpftrace")["printf"]
    assert retrans["RADDR:RPORT"].iloc[2] == "69.53.245.40:22957"


# --- detection, helpers, bad input -------------------------------------------------------

def test_detect_claims_bpftrace_and_never_sysstat_or_procps():
    assert parser.detect(fixture_text("bpftrace", "maps.json").splitlines())
    assert parser.detect(["Attaching 3 probes..."])
    assert parser.detect(["@usecs:", "[0]     1 |@@@@ |"])
    others = 0
    for tool in ("vmstat", "iostat", "mpstat", "pidstat", "sar", "free", "top", "uptime"):
        for path in corpus_files(tool):
            if path.suffix == ".json" or b"\x00" in path.read_bytes()[:4096]:
                continue
            head = path.read_text(encoding="utf-8", errors="replace").splitlines()[:40]
            assert not parser.detect(head), path.name
            others += 1
    assert others > 20


def test_key_splitting_and_buckets():
    assert split_key("\n    a+1\n    b+2\n, \n    c+3\n, mv", ", ") == [
        "\n    a+1\n    b+2\n", "\n    c+3\n", "mv"]
    assert split_key("\n    a+1\n,,swapper/0", ",") == ["\n    a+1\n", "", "swapper/0"]
    assert fold_stack("\n    f+1 (/lib/x.so)\n    7f0011223344 g+2 (/lib/x.so)\n") == "g;f"
    assert bucket_bounds("[512, 1M)") == (512.0, 1024.0**2)
    assert bucket_bounds("[100, ...)") == (100.0, math.inf)
    with pytest.raises(ValueError):
        bucket_bounds("[a, b)")


def test_bad_input():
    with pytest.raises(perfkit.ParseError):
        perfkit.parse("nothing bpftrace printed\n", "bpftrace", strict=True)
    json = fixture_text("bpftrace", "maps.json")
    broken = json.replace('{"type": "map", "data": {"@name"', '{"type": "map", "data: {', 1)
    with pytest.raises(perfkit.ParseError) as info:
        perfkit.parse(broken, "bpftrace", strict=True)
    assert info.value.line is not None
    with pytest.warns(perfkit.ParseWarning, match="not a bpftrace JSON record"):
        tables = perfkit.parse(broken, "bpftrace")
    assert "@name" not in tables and "@h" in tables


def test_run_without_bpftrace_on_path_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    ok, reason = perfkit.bpftrace.available()
    assert not ok and "apt-get install bpftrace" in reason
    with pytest.raises(perfkit.bpftrace.BpftraceError) as info:
        perfkit.bpftrace.run("BEGIN { exit(); }", 1)
    assert "apt-get install bpftrace" in info.value.hint


def test_run_refuses_without_root_or_tracefs_and_never_mounts(monkeypatch, tmp_path):
    module = perfkit.bpftrace
    monkeypatch.setattr(module.shutil, "which", lambda name: "/usr/bin/bpftrace")
    monkeypatch.setattr(module.os, "geteuid", lambda: 1000)
    with pytest.raises(module.BpftraceError) as info:
        module.run("BEGIN { exit(); }", 1)
    assert "root" in str(info.value) and "sudo" in info.value.hint
    monkeypatch.setattr(module.os, "geteuid", lambda: 0)
    monkeypatch.setattr(module, "TRACEFS_DIRS", (tmp_path / "tracing", tmp_path / "debug"))
    ok, reason = module.available()
    assert not ok and "tracefs" in reason
    with pytest.raises(module.BpftraceError) as info:
        module.run("BEGIN { exit(); }", 1)
    assert "mount -t tracefs tracefs /sys/kernel/tracing" in info.value.hint
    assert "mount -t debugfs debugfs /sys/kernel/debug" in info.value.hint
    assert not (tmp_path / "tracing").exists()
