"""bcc's tools' output: fixtures recorded here and the tools' transcripts in the corpus.

The corpus holds bcc's ``tools/*_example.txt``: prose with output pasted in. :func:`blocks`
selects the output: the lines after a ``# <command>`` line of the tool, up to the next
paragraph of prose (a blank line, then a line of mostly lower-case words), the next command
or the usage message; ``[...]`` lines (the author's elisions) are left out.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, corpus_files, fixture_text

import perfkit
from perfkit.parsers import bcc as parser
from perfkit.plot import flame

#: The tools this parser is for; the corpus has others (argdist, trace...) it does not read.
TOOLS = ("execsnoop", "opensnoop", "biosnoop", "biolatency", "runqlat", "tcplife",
         "tcpconnect", "tcpaccept", "tcpretrans", "profile", "offcputime")
_COMMAND = re.compile(r"^# (\S+)")


def _prose(line: str) -> bool:
    text = line.strip()
    words = text.split()
    if len(words) < 5 or "|" in text or not re.match(r"^[A-Za-z(\"']", text):
        return False
    if text.endswith("Hit Ctrl-C to end.") or text.startswith(("Sampling at", "Tracing ")):
        return False
    letters = sum(w.strip(".,:;()\"'").isalpha() for w in words)
    lower = sum(w.isalpha() and w.islower() for w in words)
    return letters >= 0.6 * len(words) and lower >= 2


def blocks(text: str, tool: str) -> list[tuple[str, str]]:
    """``(command, output)`` for each ``# <tool ...>`` command shown in a transcript."""
    lines = text.split("\n")
    out = []
    index = 0
    while index < len(lines):
        match = _COMMAND.match(lines[index])
        index += 1
        if not match or tool not in match[1]:
            continue
        command = lines[index - 1][2:]
        body = []
        while index < len(lines):
            line = lines[index]
            if line.startswith("# ") or line.lower().startswith("usage"):
                break
            if not line.strip() and index + 1 < len(lines) and _prose(lines[index + 1]):
                break
            if line.strip() != "[...]":
                body.append(line)
            index += 1
        if any(b.strip() for b in body):
            out.append((command, "\n".join(body) + "\n"))
    return out


def corpus_block(tool: str, command: str, index: int = 0) -> str:
    [path] = corpus_files("bcc", f"bcc__tools__{tool}_example.txt")
    found = [body for cmd, body in blocks(path.read_text(encoding="utf-8"), tool)
             if cmd == command]
    return found[index]


def row(df: pd.DataFrame, **where) -> pd.Series:
    mask = np.ones(len(df), dtype=bool)
    for column, value in where.items():
        mask &= (df[column] == value).to_numpy()
    assert mask.sum() == 1, (where, mask.sum())
    return df[mask].iloc[0]


def read(name: str) -> perfkit.Tables:
    return perfkit.parse(fixture_text("bcc", name))


# --- fixtures recorded on this machine ---------------------------------------------------

def test_runqlat_intervals_with_times():
    tables = read("runqlat-T.txt")
    assert tables.attrs["unit"] == "usecs"
    assert tables.attrs["messages"] == ["Tracing run queue latency... Hit Ctrl-C to end."]
    hist = tables["hist"]
    assert list(hist.columns) == ["time", "interval", "low", "high", "count"]
    assert hist["interval"].unique().tolist() == [0, 1, 2]
    first = row(hist, interval=0, low=2048.0)   # 2048 -> 4095 : 100
    assert (first["high"], first["count"]) == (4096.0, 100)
    assert first["time"] == pd.Timedelta("00:33:56")
    assert row(hist, interval=1, low=8.0)["count"] == 108
    millis = read("runqlat-m.txt")
    assert millis.attrs["unit"] == "msecs"
    assert millis["hist"].iloc[0].tolist() == [0.0, 2.0, 2051]   # 0 -> 1 : 2051


def test_profile_folded_and_multi_line():
    folded = read("profile-folded.txt")["stacks"]
    assert list(folded.columns) == ["comm", "stack", "count"]
    assert folded.iloc[0].tolist() == ["python", "python;[unknown];[unknown];[unknown]", 1]
    raw = fixture_text("bcc", "profile-folded.txt").split()
    assert folded["count"].sum() == sum(int(x) for x in raw[1::2])
    stacks = read("profile.txt")
    assert stacks.attrs["messages"][0].startswith("Sampling at 9 Hertz")
    table = stacks["stacks"]
    assert table.iloc[0].tolist() == ["stress-ng-cpu", 3994, "stress-ng-cpu;[unknown]", 1]
    assert flame.hot_functions(table)["total"].max() <= table["count"].sum()



def test_profile_folded_keeps_missed_stack_markers():
    # data/traces/profile_bcc.txt: profile-bpfcc -f on this machine printed a line
    # "cpu_load;[Missed User Stack] 9" (a stack bcc could not read), spaces inside the marker
    text = (ROOT / "data" / "traces" / "profile_bcc.txt").read_text(encoding="utf-8")
    stacks = parser.parse(text, strict=True)["stacks"]
    missed = stacks[stacks["stack"] == "cpu_load;[Missed User Stack]"]
    assert missed[["comm", "count"]].values.tolist() == [["cpu_load", 9]]
    assert stacks["count"].sum() == sum(int(line.rsplit(" ", 1)[1])
                                        for line in text.splitlines() if line)

def test_tcplife_and_tcpretrans():
    life = read("tcplife.txt")["events"]
    assert list(life.columns) == ["time", "PID", "COMM", "LADDR", "LPORT", "RADDR", "RPORT",
                                  "TX_KB", "RX_KB", "MS"]
    first = life.iloc[0]
    assert first[["PID", "COMM", "LPORT", "RPORT", "MS"]].tolist() == [
        4604, "python3", 18765, 38586, 2.21]
    assert (life["LADDR"] == "127.0.0.1").all() and (life["LPORT"] == 18765).all()
    retrans = read("tcpretrans.txt")
    events = retrans["events"]
    assert list(events.columns) == ["time", "PID", "IP", "LADDR:LPORT", "T>", "RADDR:RPORT",
                                    "STATE"]
    assert events.iloc[1][["LADDR:LPORT", "T>", "STATE"]].tolist() == [
        "127.0.0.1:57674", "R>", "LAST_ACK"]
    assert retrans.attrs["messages"] == ["Tracing retransmits ... Hit Ctrl-C to end"]


# --- the corpus: bcc's tools' transcripts ------------------------------------------------

def test_every_corpus_block_of_these_tools_parses_strictly():
    parsed = cut = 0
    for path in corpus_files("bcc", "*_example.txt"):
        tool = path.name.split("__")[-1].removesuffix("_example.txt")
        if tool not in TOOLS:
            continue
        for command, body in blocks(path.read_text(encoding="utf-8"), tool):
            if " -j" in command or (tool == "profile" and command == "./profile"
                                    and "WARNING" in body and "\n    " not in body):
                continue  # -j prints Python dicts; one block is only an elided warning
            if tool == "tcpretrans" and " -c" in command:
                continue  # the count mode prints '<->' between the address columns
            with warnings.catch_warnings(record=True) as said:
                warnings.simplefilter("always")
                tables = perfkit.parse(body, "bcc", strict=True)
            assert tables, (tool, command)
            # a transcript cut inside a stack (profile -C 7 2's last one): only that is said,
            # naming the text's last line
            last = len(body.rstrip().split("\n"))
            assert [(w.message.line, "ends inside a stack" in str(w.message))
                    for w in said] in ([], [(last, True)]), (tool, command)
            cut += len(said)
            parsed += 1
    assert parsed >= 60
    assert cut == 1


def test_corpus_log2_histograms():
    tables = perfkit.parse(corpus_block("biolatency", "./biolatency"))
    assert row(tables["hist"], low=1024.0)[["high", "count"]].tolist() == [2048.0, 52]
    assert tables.attrs["interrupted"]
    timed = perfkit.parse(corpus_block("biolatency", "./biolatency -mT 1 5"))["hist"]
    assert timed["interval"].max() == 4
    assert row(timed, interval=3, low=0.0)["count"] == 522
    assert row(timed, interval=3, low=0.0)["time"] == pd.Timedelta("06:20:19")
    disks = perfkit.parse(corpus_block("biolatency", "./biolatency -D"))["hist"]
    assert list(disks.columns) == ["disk", "low", "high", "count"]
    assert row(disks, disk="xvda1", low=2048.0)["count"] == 71
    flags = perfkit.parse(corpus_block("biolatency", "./biolatency.py -Fm"))["hist"]
    assert row(flags, flags="NoMerge-Write", low=4.0)["count"] == 564
    summary = perfkit.parse(corpus_block("biolatency", "./biolatency.py -e"))["summary"]
    assert summary.iloc[0].tolist() == [663, 16575, 25, "usecs"]
    per_pid = perfkit.parse(corpus_block("runqlat", "./runqlat -P"))["hist"]
    assert per_pid["pid"].dtype == np.int64
    assert row(per_pid, pid=0, low=0.0)["count"] == 351
    intervals = perfkit.parse(corpus_block("runqlat", "./runqlat -m 5 3"))
    assert intervals.attrs["unit"] == "msecs"
    assert intervals["hist"]["interval"].unique().tolist() == [0, 1, 2]


def test_corpus_event_tables():
    execs = perfkit.parse(corpus_block("execsnoop", "./execsnoop"))["events"]
    assert row(execs, PID=15887)[["COMM", "RET", "ARGS"]].tolist() == [
        "bash", 0, "/usr/bin/man ls"]
    failed = perfkit.parse(corpus_block("execsnoop", "./execsnoop -x"))["events"]
    assert (failed["RET"] == -2).sum() == 3
    timed = perfkit.parse(corpus_block("execsnoop", "./execsnoop -Ttn mount"))["events"]
    assert timed.iloc[0][["time", "TIME(s)", "PPID"]].tolist() == [
        pd.Timedelta("14:08:23"), 2.849, 1045]
    opens = perfkit.parse(corpus_block("opensnoop", "./opensnoop -x"))["events"]
    assert row(opens, PID=18373, COMM="multilog")[["FD", "ERR", "PATH"]].tolist() == [
        -1, 13, "lock"]
    extended = perfkit.parse(corpus_block("opensnoop", "./opensnoop.py -e"))["events"]
    assert extended["FLAGS"].iloc[0] == "02000000" and extended["MODE"].iloc[2] == "0664"
    bio = perfkit.parse(corpus_block("biosnoop", "./biosnoop"))["events"]
    assert row(bio, SECTOR=62901513)[["COMM", "DISK", "T", "BYTES", "LAT(ms)"]].tolist() == [
        "xfsaild/md0", "xvdb", "W", 512, 0.25]
    queued = perfkit.parse(corpus_block("biosnoop", "biosnoop.py -Q"))["events"]
    assert queued["QUE(ms)"].iloc[1] == 0.11
    wide = perfkit.parse(corpus_block("tcplife", "./tcplife -w"))["events"]
    assert row(wide, PID=26320)[["LADDR", "LPORT", "MS"]].tolist() == [
        "fe80::8a3:9dff:fed5:6b19", 22440, 457.52]
    csv = perfkit.parse(corpus_block("tcplife", "./tcplife -stT"))["events"]
    assert csv.iloc[2][["time", "TIME(s)", "PID", "COMM"]].tolist() == [
        pd.Timedelta("23:39:39"), 1.025078, 7358, "recordProgramSt"]
    dns = perfkit.parse(corpus_block("tcpconnect", "./tcpconnect -d"))["events"]
    assert dns["QUERY"].iloc[2] == "www.domain.com (123.342ms)"
    accepts = perfkit.parse(corpus_block("tcpaccept", "./tcpaccept"))["events"]
    assert accepts["RADDR"].iloc[2] == "1234:ab12:2040:5020:2299:0:5:0"
    tlp = perfkit.parse(corpus_block("tcpretrans", "./tcpretrans -l"))["events"]
    assert (tlp["T>"] == "L>").sum() == 1
    assert tlp["time"].iloc[0] == pd.Timedelta("01:55:45")


def test_corpus_profile_stacks():
    folded = perfkit.parse(corpus_block("profile", "./profile -f -p `pgrep -n func_ab` 5"))
    table = folded["stacks"]
    assert table.iloc[0].tolist() == [
        "func_ab", "func_ab;[unknown];__libc_start_main;main;func_a", 2]
    assert flame.folded(table)["count"].tolist() == [100, 99]  # func_a, func_b
    multi = perfkit.parse(corpus_block("profile", "./profile"))["stacks"]
    dd = row(multi, comm="dd")
    assert (dd["pid"], dd["count"]) == (25036, 4)
    assert dd["stack"] == ("dd;read;entry_SYSCALL_64_fastpath;sys_read;vfs_read;__vfs_read;"
                           "read_iter_zero;iov_iter_zero;__clear_user")
    delimited = perfkit.parse(corpus_block("profile", "./profile -p 25036 -d"))["stacks"]
    assert delimited["stack"].iloc[0] == (
        "dd;__write;-;entry_SYSCALL_64_fastpath;sys_write;__vfs_write")


# --- detection and bad input -------------------------------------------------------------

def test_detect_is_specific():
    for name in ("runqlat-T.txt", "profile-folded.txt", "profile.txt", "tcplife.txt",
                 "tcpretrans.txt"):
        text = fixture_text("bcc", name)
        assert parser.detect(text.splitlines()[:40]), name
        assert perfkit.detect_tool(text) == "bcc", name
    for tool in ("vmstat", "iostat", "mpstat", "pidstat", "sar", "free", "top", "uptime"):
        for path in corpus_files(tool):
            if path.suffix == ".json" or b"\x00" in path.read_bytes()[:4096]:
                continue
            head = path.read_text(encoding="utf-8", errors="replace").splitlines()[:40]
            assert not parser.detect(head), path.name


def test_unknown_lines_raise_in_strict_mode_and_warn_otherwise():
    text = fixture_text("bcc", "runqlat-m.txt")
    damaged = text.replace("\n\n", "\nthis line is no part of runqlat's output\n", 1)
    with pytest.raises(perfkit.ParseError) as info:
        perfkit.parse(damaged, "bcc", strict=True)
    assert info.value.line == 2
    with pytest.warns(perfkit.ParseWarning, match="line 2"):
        tables = perfkit.parse(damaged, "bcc")
    assert tables["hist"]["count"].iloc[0] == 2051
    with pytest.raises(perfkit.ParseError):
        perfkit.parse("Tracing nothing at all... Hit Ctrl-C to end.\n", "bcc")


def _with_stray_line(name: str, after: str, stray: str) -> tuple[str, int]:
    """A recording with ``stray`` inserted after its first line starting with ``after``
    (stripped), and the stray line's number."""
    lines = fixture_text("bcc", name).split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip().startswith(after)) + 1
    return "\n".join([*lines[:at], stray, *lines[at:]]), at + 1


@pytest.mark.parametrize(("name", "after", "stray"), [
    ("runqlat-T.txt", "4 -> 7", "@@@ stray line"),     # inside a histogram
    ("runqlat-T.txt", "usecs", "@@@ stray line"),      # between its header and first row
    ("tcpretrans.txt", "TIME", "ERROR: disk failure detected on sda"),  # among events
])
def test_a_stray_line_is_reported_and_every_real_row_kept(name, after, stray):
    # a stray line ended a histogram (its later buckets were all "lines bcc does not
    # print"), or became an event row padded with empty cells, without a word
    damaged, number = _with_stray_line(name, after, stray)
    with pytest.raises(perfkit.ParseError) as info:
        parser.parse(damaged, strict=True)
    assert info.value.line == number
    with pytest.warns(perfkit.ParseWarning, match=f"line {number}:") as said:
        tables = parser.parse(damaged)
    assert len(said) == 1
    clean = parser.parse(fixture_text("bcc", name))
    assert list(tables) == list(clean)
    for table in clean:
        pd.testing.assert_frame_equal(tables[table], clean[table])


def test_corpus_ext4slower_csv():
    # ./ext4slower -j 1: ENDTIME_us,TASK,PID,TYPE,BYTES,OFFSET_b,LATENCY_us,FILE
    events = perfkit.parse(corpus_block("ext4slower", "./ext4slower -j 1"), "bcc")["events"]
    assert list(events.columns) == ["ENDTIME_us", "TASK", "PID", "TYPE", "BYTES", "OFFSET_b",
                                    "LATENCY_us", "FILE"]
    # 127200738482,cksum,17225,R,65536,131072,2419,libbfd-2.24-system.so
    hit = row(events, ENDTIME_us=127200738482)
    assert hit[["TASK", "PID", "TYPE", "BYTES", "OFFSET_b", "LATENCY_us", "FILE"]].tolist() == [
        "cksum", 17225, "R", 65536, 131072, 2419, "libbfd-2.24-system.so"]


def test_corpus_cachestat_funccount_offcputime_folded():
    cache = perfkit.parse(corpus_block("cachestat", "cachestat"), "bcc")
    assert list(cache["events"].columns) == ["HITS", "MISSES", "DIRTIES", "HITRATIO",
                                             "BUFFERS_MB", "CACHED_MB"]
    first = cache["events"].iloc[0]  # 1132  0  4  100.00%  277  4367
    assert first.tolist() == [1132, 0, 4, 100.0, 277, 4367]
    assert "Detaching..." in cache.attrs["messages"]  # a message, not a row
    counts = perfkit.parse(corpus_block("funccount", "./funccount 'vfs_*'"), "bcc")["events"]
    assert list(counts.columns) == ["FUNC", "COUNT"] and counts["COUNT"].dtype == np.int64
    assert row(counts, FUNC="vfs_create")["COUNT"] == 1
    folded = perfkit.parse(corpus_block("offcputime", "./offcputime -K -f 5"), "bcc")["stacks"]
    assert list(folded.columns) == ["comm", "stack", "count"] and (folded["count"] > 0).all()


def test_a_task_name_with_a_space_is_one_comm():
    """rsyslog's thread ``rs:main Q:Reg`` (a real ext4slower output from the wild corpus)
    stays one COMM, with its numbers in their columns; the same word printed twice, which
    moves the row's columns off the header's, is not mended but reported."""
    path = ROOT / "tests" / "wild" / "bcc" / "myblackhole-ext4slower-comm-with-spaces.txt"
    text = path.read_text()
    with pytest.warns(perfkit.ParseWarning, match="line 21"):  # the '...' elision line
        events = perfkit.parse(text, "bcc")["events"]
    row = events.iloc[4]
    assert (row["COMM"], row["PID"], row["BYTES"], row["OFF_KB"], row["LAT(ms)"],
            row["FILENAME"]) == ("rs:main Q:Reg", 1826, 156, 60, 31.85, "syslog")
    assert len(events) == 18
    doubled = text.replace("rs:main Q:Reg", "rs:main rs:main Q:Reg")
    with pytest.warns(perfkit.ParseWarning) as caught:
        events = perfkit.parse(doubled, "bcc")["events"]
    assert sorted(w.message.line for w in caught) == [7, 21]
    assert "rs:main rs:main Q:Reg" not in set(events["COMM"])
    assert len(events) == 17
