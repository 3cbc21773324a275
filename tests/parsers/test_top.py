"""top -b: every recorded procps-ng 4.0.2 variant (iterations, -H, -c, -E/-e units, -1,
de_DE and fr_FR), the jc corpus files against jc's own parse, damaged input."""

from __future__ import annotations

import json
import re
import warnings

import pandas as pd
import pytest
from conftest import corpus_files, fixture_text

import perfkit

# KiB per unit written out here, independently of perfkit.units
KIB = {"KiB": 1, "MiB": 1024, "GiB": 1024**2, "": 1, "k": 1, "m": 1024, "g": 1024**2}

RECORDINGS = ["b-n3.C.txt", "H-b-n2.C.txt", "c-w200.C.txt", "E-g-e-m.C.txt", "E-k-e-g.C.txt",
              "1.C.txt", "1-w250.C.txt", "b-n2.de_DE.txt", "b-n2.fr_FR.txt",
              "H-1-w250.fr_FR.txt"]


def number(token: str) -> float:
    return float(token.replace(",", "."))


def kib(token: str) -> float:
    value, suffix = re.fullmatch(r"([\d.,]+)([kmg]?)", token).groups()
    return number(value) * KIB[suffix]


def cpu_seconds(token: str) -> float:
    minutes, seconds = token.split(":")
    return int(minutes) * 60 + float(seconds)


def raw_process_rows(raw: str) -> list[list[str]]:
    """Every process row of the raw text, split into its 12 default fields."""
    rows, in_table = [], False
    for line in raw.splitlines():
        if line.startswith("top - ") or not line.strip():
            in_table = False
        elif "PID" in line.split()[:2]:
            in_table = True
        elif in_table:
            rows.append(line.split(None, 11))
    return rows


@pytest.mark.parametrize("name", RECORDINGS)
def test_every_process_cell_equals_the_raw_text(name):
    raw = fixture_text("top", name)
    procs = perfkit.parse(raw, "top")["processes"]
    rows = raw_process_rows(raw)
    assert len(procs) == len(rows) > 0
    assert list(procs.columns) == ["time", "iteration", "PID", "USER", "PR", "NI", "VIRT",
                                   "RES", "SHR", "S", "%CPU", "%MEM", "TIME+", "COMMAND"]
    for (_, got), fields in zip(procs.iterrows(), rows, strict=True):
        pid, user, pr, ni, virt, res, shr, state, cpu, mem, time_plus, command = fields
        assert got["PID"] == int(pid) and got["USER"] == user and got["PR"] == pr
        assert got["NI"] == int(ni) and got["S"] == state
        assert got["VIRT"] == pytest.approx(kib(virt))
        assert got["RES"] == pytest.approx(kib(res))
        assert got["SHR"] == pytest.approx(kib(shr))
        assert got["%CPU"] == number(cpu) and got["%MEM"] == number(mem)
        assert got["TIME+"].total_seconds() == pytest.approx(cpu_seconds(time_plus))
        assert got["COMMAND"] == command


@pytest.mark.parametrize("name", RECORDINGS)
def test_summary_rows_follow_the_top_lines(name):
    raw = fixture_text("top", name)
    tables = perfkit.parse(raw, "top")
    summary = tables["summary"]
    heads = [line for line in raw.splitlines() if line.startswith("top - ")]
    assert len(summary) == len(heads)
    assert summary["iteration"].tolist() == list(range(1, len(heads) + 1))
    for (_, row), head in zip(summary.iterrows(), heads, strict=True):
        clock = re.search(r"(\d\d:\d\d:\d\d) up", head).group(1)
        assert row["time"] == pd.Timedelta(clock)  # a time of day: top prints no date
        loads = re.search(r"load average: (.*)$", head).group(1).split(", ")
        assert [row["ldavg-1"], row["ldavg-5"], row["ldavg-15"]] == [number(v) for v in loads]
        assert row["up"] == pd.Timedelta(minutes=14) and row["users"] == 0
    assert str(summary["time"].dtype) == "timedelta64[ns]"
    assert tables.attrs["date"] is None and summary.attrs["date"] is None
    dated = perfkit.parse(raw, "top", date="2026-11-25")
    first = re.search(r"(\d\d:\d\d:\d\d) up", heads[0]).group(1)
    assert dated["summary"]["time"].iloc[0] == pd.Timestamp(f"2026-11-25 {first}")
    assert dated.attrs["date"] == pd.Timestamp("2026-11-25")
    assert str(dated["processes"]["time"].dtype) == "datetime64[ns]"
    # processes carry their iteration's time
    procs = tables["processes"]
    times = dict(zip(summary["iteration"], summary["time"], strict=True))
    assert (procs["time"] == procs["iteration"].map(times)).all()


def test_three_iterations_values():
    tables = perfkit.parse(fixture_text("top", "b-n3.C.txt"), "top")
    summary = tables["summary"]
    # %Cpu(s): 58.0 us, 41.6 sy,  0.0 ni,  0.0 id,  0.0 wa,  0.0 hi,  0.4 si,  0.0 st
    second = summary.iloc[1]
    assert [second[f"%Cpu {k}"] for k in ("us", "sy", "ni", "id", "wa", "hi", "si", "st")] \
        == [58.0, 41.6, 0.0, 0.0, 0.0, 0.0, 0.4, 0.0]
    assert second["Tasks total"] == 4 and second["Tasks running"] == 2
    assert second["Tasks sleeping"] == 2 and second["Tasks zombie"] == 0
    procs = tables["processes"]
    assert procs.groupby("iteration").size().tolist() == [4, 4, 4]
    hog = procs[procs["PID"] == 4]
    assert [t.total_seconds() for t in hog["TIME+"]] == [0.52, 1.01, 1.50]


def test_summary_memory_is_kib_whatever_unit_was_printed():
    mib = perfkit.parse(fixture_text("top", "b-n3.C.txt"), "top")
    gib = perfkit.parse(fixture_text("top", "E-g-e-m.C.txt"), "top")
    kib_ = perfkit.parse(fixture_text("top", "E-k-e-g.C.txt"), "top")
    # MiB Mem :  24105.6 total,  23165.4 free,    735.4 used,    469.8 buff/cache
    # MiB Swap:      0.0 total,      0.0 free,      0.0 used.  23370.2 avail Mem
    row = mib["summary"].iloc[0]
    assert row["Mem total"] == pytest.approx(24105.6 * 1024)
    assert row["Mem free"] == pytest.approx(23165.4 * 1024)
    assert row["Mem used"] == pytest.approx(735.4 * 1024)
    assert row["Mem buff/cache"] == pytest.approx(469.8 * 1024)
    assert row["avail Mem"] == pytest.approx(23370.2 * 1024)
    assert row["Swap total"] == 0
    assert mib.attrs["printed_unit"] == "MiB"
    # GiB Mem :     23.5 total, ...; processes with -e m: 75.5m
    assert gib["summary"].loc[0, "Mem total"] == pytest.approx(23.5 * 1024**2)
    assert gib["summary"].loc[0, "avail Mem"] == pytest.approx(22.7 * 1024**2)
    assert gib.attrs["printed_unit"] == "GiB"
    assert gib["processes"].loc[0, "VIRT"] == pytest.approx(75.5 * 1024)
    # KiB Mem : 24684092 total; processes with -e g: 0.1g
    assert kib_["summary"].loc[0, "Mem total"] == 24684092
    assert kib_["summary"].loc[0, "avail Mem"] == 23816916
    assert kib_.attrs["printed_unit"] == "KiB"
    assert kib_["processes"].loc[0, "VIRT"] == pytest.approx(0.1 * 1024**2)


def test_threads_keep_their_word():
    tables = perfkit.parse(fixture_text("top", "H-b-n2.C.txt"), "top")
    summary = tables["summary"]
    # Threads:   6 total,   1 running,   5 sleeping,   0 stopped,   0 zombie
    assert summary.loc[0, "Threads total"] == 6 and summary.loc[0, "Threads running"] == 1
    assert summary.loc[0, "Threads sleeping"] == 5
    assert not any(c.startswith("Tasks") for c in summary.columns)
    assert tables.attrs["threads"] is True
    threads = tables["processes"]
    assert threads.loc[threads["iteration"] == 1, "PID"].tolist() == [1, 2, 44, 45, 46, 47]
    assert (threads.loc[threads["PID"].isin([2, 44, 45, 46]), "COMMAND"] == "python3").all()
    plain = perfkit.parse(fixture_text("top", "b-n3.C.txt"), "top")
    assert plain.attrs["threads"] is False


def test_full_command_lines_keep_their_spaces():
    procs = perfkit.parse(fixture_text("top", "c-w200.C.txt"), "top")["processes"]
    assert procs["COMMAND"].tolist() == [
        "stress-ng-cpu [run]",
        "sh -c stress-ng --cpu 1 --timeout 5s >/dev/null 2>&1 & sleep 1; top -c -w 200 -b -n 1",
        "stress-ng --cpu 1 --timeout 5s",
        "top -c -w 200 -b -n 1",
    ]


def test_german_words_and_decimal_commas():
    tables = perfkit.parse(fixture_text("top", "b-n2.de_DE.txt"), "top")
    summary = tables["summary"]
    # %CPU(s): 99,6 us,  0,4 sy, ...
    assert summary.loc[1, "%Cpu us"] == 99.6 and summary.loc[1, "%Cpu sy"] == 0.4
    # MiB Spch:  24105,6 total, ...  MiB Swap: ... 23306,3 avail Spch
    assert summary.loc[0, "Mem total"] == pytest.approx(24105.6 * 1024)
    assert summary.loc[0, "Mem free"] == pytest.approx(23135.7 * 1024)
    assert summary.loc[0, "avail Mem"] == pytest.approx(23306.3 * 1024)
    assert summary.loc[0, "ldavg-1"] == 2.68
    procs = tables["processes"]
    assert {"TIME+", "COMMAND"} <= set(procs.columns)
    assert procs.loc[0, "%CPU"] == 56.2  # printed 56,2
    assert tables.attrs["decimal"] == ","


def test_french_words_and_decimal_commas():
    tables = perfkit.parse(fixture_text("top", "b-n2.fr_FR.txt"), "top")
    summary = tables["summary"]
    # Tâches:   4 total,   2 en cours,   2 en veille,   0 arrêté,   0 zombie
    assert summary.loc[0, "Tasks total"] == 4 and summary.loc[0, "Tasks running"] == 2
    assert summary.loc[0, "Tasks sleeping"] == 2 and summary.loc[0, "Tasks stopped"] == 0
    # %Cpu(s): 67,5 ut,  3,9 sy,  0,0 ni, 28,6 id
    assert summary.loc[1, "%Cpu us"] == 67.5 and summary.loc[1, "%Cpu id"] == 28.6
    # MiB Mem :  24105,6 total,  23120,5 libr,    814,4 util,    436,6 tamp/cache
    assert summary.loc[0, "Mem free"] == pytest.approx(23120.5 * 1024)
    assert summary.loc[0, "Mem used"] == pytest.approx(814.4 * 1024)
    assert summary.loc[0, "Mem buff/cache"] == pytest.approx(436.6 * 1024)
    assert summary.loc[0, "avail Mem"] == pytest.approx(23291.1 * 1024)  # dispo Mem
    procs = tables["processes"]
    assert procs.loc[0, "USER"] == "root"  # UTIL.
    assert procs.loc[4, "TIME+"].total_seconds() == pytest.approx(1.53)  # TEMPS+


def test_one_line_per_cpu():
    tables = perfkit.parse(fixture_text("top", "1-w250.C.txt"), "top")
    cpus = tables["cpus"]
    assert list(cpus.columns[:3]) == ["time", "iteration", "CPU"]
    assert cpus[["iteration", "CPU"]].values.tolist() == [[1, 0], [1, 1], [2, 0], [2, 1]]
    # %Cpu0  : 97.4 us,  2.6 sy, ...   %Cpu1  : 78.4 us, 21.6 sy, ...
    assert cpus.loc[2, "%Cpu us"] == 97.4 and cpus.loc[2, "%Cpu sy"] == 2.6
    assert cpus.loc[3, "%Cpu us"] == 78.4 and cpus.loc[3, "%Cpu sy"] == 21.6
    summary = tables["summary"]
    assert "%Cpu us" not in summary  # no %Cpu(s) line with -1
    # Mem and Swap share a line
    assert summary.loc[0, "avail Mem"] == pytest.approx(23283.7 * 1024)
    assert summary.loc[0, "Mem used"] == pytest.approx(821.8 * 1024)


def test_one_line_per_cpu_cut_at_80_columns():
    # top 4.0.2 at 80 columns prints only %Cpu0 and the Mem half of the memory line
    tables = perfkit.parse(fixture_text("top", "1.C.txt"), "top")
    assert tables["cpus"]["CPU"].tolist() == [0]
    assert tables["cpus"].loc[0, "%Cpu id"] == 100.0
    assert "Swap total" not in tables["summary"]
    assert tables["summary"].loc[0, "Mem free"] == pytest.approx(23069.2 * 1024)


def test_french_threads_per_cpu():
    tables = perfkit.parse(fixture_text("top", "H-1-w250.fr_FR.txt"), "top")
    # Threads:   6 total,   1 en cours,   5 en veille
    assert tables["summary"].loc[0, "Threads running"] == 1
    assert tables["summary"].loc[0, "Threads sleeping"] == 5
    # %Cpu0  :100,0 ut, ...   %Cpu1  :  0,0 ut, ... 100,0 id
    assert tables["cpus"].loc[0, "%Cpu us"] == 100.0
    assert tables["cpus"].loc[1, "%Cpu id"] == 100.0


# -- the jc corpus: compare with jc's parse of the same files ------------------------------

def _jc_pairs():
    return [(p, p.with_suffix(".json")) for p in corpus_files("top", "*.out")
            if p.with_suffix(".json").is_file()]


def test_corpus_top_against_jc():
    pairs = _jc_pairs()
    assert pairs
    for out, js in pairs:
        raw = out.read_text(encoding="utf-8")
        ours = perfkit.parse(raw, "top")
        theirs = json.loads(js.read_text(encoding="utf-8"))
        assert len(ours["summary"]) == len(theirs), out.name
        unit = KIB[ours.attrs["printed_unit"]]
        for (_, row), jc in zip(ours["summary"].iterrows(), theirs, strict=True):
            assert row["time"] == pd.Timedelta(jc["time"])  # the first iterations: no midnight
            # jc reads "up  1:18" as 118 minutes; top means 1 h 18 min
            up = re.search(r" up +(\d+):(\d\d),", raw)
            minutes = int(up.group(1)) * 60 + int(up.group(2)) if up else jc["uptime"]
            assert row["up"] == pd.Timedelta(minutes=minutes)
            assert row["users"] == jc["users"]
            assert [row["ldavg-1"], row["ldavg-5"], row["ldavg-15"]] == \
                [jc["load_1m"], jc["load_5m"], jc["load_15m"]]
            assert row["Tasks total"] == jc["tasks_total"]
            assert row["Tasks sleeping"] == jc["tasks_sleeping"]
            assert row["%Cpu us"] == jc["cpu_user"] and row["%Cpu id"] == jc["cpu_idle"]
            assert row["%Cpu st"] == jc["cpu_steal"]
            assert row["Mem total"] == pytest.approx(jc["mem_total"] * unit)
            assert row["Mem buff/cache"] == pytest.approx(jc["mem_buff_cache"] * unit)
            assert row["avail Mem"] == pytest.approx(jc["mem_available"] * unit)
            assert row["Swap total"] == pytest.approx(jc["swap_total"] * unit)
        procs = ours["processes"]
        jc_procs = [p for it in theirs for p in it["processes"]]
        assert len(procs) == len(jc_procs), out.name
        factor = 1024 if raw_process_rows(raw)[0][4].endswith("m") else 1  # jc drops "m"
        for (_, got), jc in zip(procs.iterrows(), jc_procs, strict=True):
            assert got["PID"] == jc["pid"] and got["USER"] == jc["user"]
            assert got["NI"] == jc["nice"]
            assert got["PR"] == ("rt" if jc["priority"] is None else str(jc["priority"]))
            assert got["%CPU"] == jc["percent_cpu"] and got["%MEM"] == jc["percent_mem"]
            assert got["TIME+"].total_seconds() == pytest.approx(
                cpu_seconds(jc["time_hundredths"]))
            assert got["COMMAND"] == jc["command"]
            assert got["RES"] == pytest.approx(jc["resident_mem"] * factor)
            assert got["VIRT"] == pytest.approx(jc["virtual_mem"] * factor)


def test_corpus_all_fields_are_cut_at_the_header():
    # -w with every field: COMMAND is not the last column and ENVIRON holds spaces
    for out in corpus_files("top", "*allfields*.out"):
        if "streaming" in out.name:
            continue
        procs = perfkit.parse(out.read_text(encoding="utf-8"), "top")["processes"]
        theirs = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))[0]
        first, jc = procs.iloc[0], theirs["processes"][0]
        assert first["COMMAND"] == "top"
        assert first["PPID"] == jc["parent_pid"] and first["TGID"] == jc["thread_gid"]
        assert first["TTY"] == jc["tty"] and first["nTH"] == jc["thread_count"]
        assert first["SUPGRPS"].startswith(",".join(jc["supplementary_groups"]))
        assert first["ENVIRON"].startswith(jc["environment_variables"][0] + " ")
        assert first["nsIPC"] == jc["ipc_namespace_inode"]
        assert first["nMin"] == jc["minor_page_fault_count"]
        # "-" in a numeric field is a value top did not have
        systemd = procs.iloc[1]
        assert systemd["WCHAN"] in ("ep_poll", "-")
        assert procs["USED"].notna().all()


# -- damaged input --------------------------------------------------------------------------

def test_truncated_last_row_is_dropped_with_a_warning():
    raw = fixture_text("top", "b-n3.C.txt").rstrip("\n")
    cut = raw[: raw.rindex("   0:00.00 top") - 3]  # the last row loses its last fields
    for strict in (False, True):
        with pytest.warns(perfkit.ParseWarning, match="truncated"):
            tables = perfkit.parse(cut, "top", strict=strict)
        assert len(tables["processes"]) == 11 and len(tables["summary"]) == 3


def test_truncated_last_iteration_without_its_table_is_dropped():
    raw = fixture_text("top", "b-n3.C.txt")
    cut = raw[: raw.rindex("    PID USER")]
    with pytest.warns(perfkit.ParseWarning, match="truncated"):
        tables = perfkit.parse(cut, "top")
    assert len(tables["summary"]) == 2 and len(tables["processes"]) == 8


def test_garbage_line_warns_or_raises_naming_it():
    lines = fixture_text("top", "b-n3.C.txt").split("\n")
    damaged = "\n".join([*lines[:8], "this is not a process", *lines[8:]])
    with pytest.warns(perfkit.ParseWarning) as said:
        tables = perfkit.parse(damaged, "top")
    assert [(w.message.line, w.message.text) for w in said] == [(9, "this is not a process")]
    assert len(tables["processes"]) == 12
    with pytest.raises(perfkit.ParseError) as info:
        perfkit.parse(damaged, "top", strict=True)
    assert info.value.line == 9
    summary_damage = "\n".join([*lines[:2], "%Cpu(s): garbage", *lines[2:]])
    with pytest.raises(perfkit.ParseError) as info:
        perfkit.parse(summary_damage, "top", strict=True)
    assert info.value.line == 3


def test_lines_before_the_first_top_line():
    headless = fixture_text("top", "b-n3.C.txt").split("\n", 1)[1]
    with pytest.warns(perfkit.ParseWarning) as said:
        tables = perfkit.parse(headless, "top")
    assert [(w.message.line, w.message.tool) for w in said] == [(1, "top")]
    assert tables["summary"]["iteration"].tolist() == [1, 2]
    with pytest.raises(perfkit.ParseError) as info:
        perfkit.parse(headless, "top", strict=True)
    assert info.value.line == 1


@pytest.mark.parametrize("bad", [b"", b"\n\n", b"\x00\x01top - binary", "hello world\n"])
def test_empty_binary_or_foreign_input_raises(bad):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", perfkit.ParseWarning)
        with pytest.raises(perfkit.ParseError) as info:
            perfkit.parse(bad, "top")
    assert info.value.line is not None


def test_detected_from_its_text():
    for name in RECORDINGS:
        assert perfkit.detect_tool(fixture_text("top", name)) == "top"
