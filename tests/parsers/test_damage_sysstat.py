"""The damage cases tests/parsers/test_damage.py found in sysstat's and procps' careful
paths (mpstat, pidstat, vmstat, free, sadf), one test each, on real recordings: the value
read equals the number printed, or the warning or error names the damaged line."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import fixture_text

import perfkit


def joined(first: str, second: str) -> tuple[str, int]:
    """Two recordings one after the other (``cmd >> file`` twice), and the number of the
    second one's first line."""
    head = first if first.endswith("\n") else first + "\n"
    return head + second, head.count("\n") + 1


def printed(text: str, number: int, field: int) -> str:
    """Field ``field`` of line ``number`` (1-based) of ``text``, as printed."""
    return text.split("\n")[number - 1].split()[field]


# -- two sysstat runs joined -------------------------------------------------------------

def test_two_mpstat_runs_in_two_locales_warn_at_the_second_banner_and_keep_every_row():
    de, c = fixture_text("mpstat", "P-ALL.de_DE.txt"), fixture_text("mpstat", "P-ALL.C.txt")
    text, banner = joined(de, c)
    with pytest.warns(perfkit.ParseWarning, match=f"line {banner}: a second banner") as said:
        cpu = perfkit.parse(text, "mpstat")["cpu"]
    assert [w.message.line for w in said] == [banner]
    # nine rows of each run, each read with its own decimal mark
    assert len(cpu) == 18
    assert printed(de, 4, 2) == "99,00" and cpu.loc[0, "%usr"] == 99.0
    assert printed(de, 6, 4) == "0,99" and cpu.loc[2, "%sys"] == 0.99
    assert printed(c, 5, 2) == "100.00" and cpu.loc[9, "%usr"] == 100.0
    assert cpu["time"].iloc[[0, 9]].astype(str).tolist() == ["2026-11-25 00:24:43",
                                                            "2026-11-25 00:24:09"]


@pytest.mark.parametrize("since_boot_first", [True, False])
def test_each_joined_mpstat_run_has_its_own_since_boot_report(since_boot_first):
    boot, interval = fixture_text("mpstat", "since-boot.C.txt"), fixture_text("mpstat",
                                                                              "P-ALL.C.txt")
    first, second = (boot, interval) if since_boot_first else (interval, boot)
    text, banner = joined(first, second)
    with pytest.warns(perfkit.ParseWarning, match=f"line {banner}: a second banner"):
        cpu = perfkit.parse(text, "mpstat")["cpu"]
    flags = [True] * 3 + [False] * 9 if since_boot_first else [False] * 9 + [True] * 3
    assert cpu["since_boot"].tolist() == flags
    at = 0 if since_boot_first else 9  # the since-boot report's "all" row
    assert printed(boot, 4, 2) == "8.60" and cpu.loc[at, "%usr"] == 8.6


def test_joined_pidstat_runs_keep_each_runs_columns_and_since_start_report():
    start, threads = fixture_text("pidstat", "since-start.C.txt"), fixture_text("pidstat",
                                                                                "t.C.txt")
    text, banner = joined(start, threads)
    with pytest.warns(perfkit.ParseWarning, match=f"line {banner}: a second banner") as said:
        cpu = perfkit.parse(text, "pidstat")["cpu"]
    assert [w.message.line for w in said] == [banner]
    assert cpu["since_boot"].tolist() == [True] + [False] * 9
    # the first run's process row has a PID and no TGID or TID; the thread rows are as printed
    assert printed(start, 4, 2) == "4" and cpu.loc[0, "PID"] == 4
    assert cpu.loc[0, ["TGID", "TID"]].isna().all()
    assert printed(threads, 5, 3) == "4" and cpu.loc[2, "TID"] == 4
    assert cpu.loc[2, "TGID"] != cpu.loc[2, "TGID"]  # "-": NaN
    assert printed(threads, 4, 2) == "2" and cpu.loc[1, "TGID"] == 2


# -- free: a value lost on a translated table ---------------------------------------------

@pytest.mark.parametrize("name", ["hw.C.txt", "hw.de_DE.txt", "wtlv.de_DE.txt",
                                  "wtlv.fr_FR.txt", "h.fr_FR.txt"])
@pytest.mark.parametrize("lost", [3, 5])
def test_a_free_mem_row_missing_a_value_warns_naming_it_in_every_language(name, lost):
    """A translated header is read by its number of names, as the C one by its names: a
    Mem row a value short no longer reads as the other layout, its values shifted."""
    text = fixture_text("free", name)
    lines = text.split("\n")
    fields = lines[1].split()
    lines[1] = " ".join(fields[:lost] + fields[lost + 1:])
    with pytest.warns(perfkit.ParseWarning, match="line 2: .* values where Mem has") as said:
        frame = perfkit.parse("\n".join(lines), "free")
    assert [w.message.line for w in said] == [2]
    # every other row as without the damage; the third line's first value as printed
    whole = perfkit.parse(text, "free")
    rest = whole.loc[whole["kind"] != "Mem", list(frame.columns)].reset_index(drop=True)
    pd.testing.assert_frame_equal(frame, rest, check_dtype=False)
    third = printed(text, 3, 1)  # "24684092", "0" or "0B": KiB
    assert frame["total"].iloc[0] == float(third.rstrip("B"))


# -- vmstat counters: a value printed twice -----------------------------------------------

@pytest.mark.parametrize(("name", "number"), [("s.C.txt", 1), ("s.C.txt", 28),
                                              ("s.de_DE.txt", 5)])
def test_a_vmstat_counter_printed_twice_warns_and_is_not_named_after_its_value(name, number):
    text = fixture_text("vmstat", name)
    lines = text.split("\n")
    value = lines[number - 1].split()[0]
    lines[number - 1] = lines[number - 1].replace(value, f"{value} {value}", 1)
    # (the first line is also where vmstat's output is recognised: a stray line there)
    why = "not a line of vmstat's output" if number == 1 else "a vmstat counter line with two"
    with pytest.warns(perfkit.ParseWarning, match=f"line {number}: {why}") as said:
        frame = perfkit.parse("\n".join(lines), "vmstat")
    assert [w.message.line for w in said] == [number]
    assert not frame["name"].str.match(r"\d").any()
    # every other line's value as without the damage; the second line's as printed (KiB)
    whole = perfkit.parse(text, "vmstat")
    assert frame["value"].tolist() == whole["value"].drop(index=number - 1).tolist()
    assert whole["value"].iloc[1] == int(printed(text, 2, 0))


def test_vmstat_f_printed_twice_is_refused_naming_its_line():
    text = fixture_text("vmstat", "f.C.txt")  # "        11324 forks"
    value = text.split()[0]
    with pytest.raises(perfkit.ParseError, match="line 1: no vmstat counter line"), \
            pytest.warns(perfkit.ParseWarning, match="line 1: a vmstat counter line with two"):
        perfkit.parse(text.replace(value, f"{value} {value}"), "vmstat")


# -- sadf -d: a header line lost ----------------------------------------------------------

def without_line(text: str, number: int) -> str:
    lines = text.split("\n")
    return "\n".join(lines[:number - 1] + lines[number:])


def test_sadf_d_network_rows_after_a_lost_header_are_not_read_as_disks():
    text = fixture_text("sar", "sa-restart.sadf-d.C.txt")
    lines = text.split("\n")
    header = next(n for n, line in enumerate(lines, start=1) if ";IFACE;rxpck/s;" in line)
    assert ";DEV;tps;" in lines[header - 4]  # the disk header, two disk rows before it
    with pytest.warns(perfkit.ParseWarning, match=f"line {header}: rows of another activity "
                      f"under the header of line {header - 3}") as said:
        tables = perfkit.parse(without_line(text, header), "sar")
    assert [w.message.line for w in said] == [header]
    whole = perfkit.parse(text, "sar")
    # the disk table is the undamaged one: loop0 and vda at each time, as printed
    pd.testing.assert_frame_equal(tables["disk"], whole["disk"])
    assert lines[header - 2].split(";")[3:5] == ["vda", "810.00"]
    assert tables["disk"].loc[1, ["DEV", "tps"]].tolist() == ["vda", 810.0]
    # the network rows of that time are skipped; the next time's are read
    assert len(tables["DEV"]) == len(whole["DEV"]) - 4
    assert tables["DEV"]["time"].nunique() == 1


def test_sadf_d_rows_under_a_header_whose_label_they_cannot_be_warn():
    """pswpin/s;pswpout/s rows under INTR;CPU* (a label, then any number of values)."""
    text = fixture_text("sar", "sa-restart.sadf-d.C.txt")
    lines = text.split("\n")
    header = next(n for n, line in enumerate(lines, start=1) if ";pswpin/s;" in line)
    row = lines[header]  # demo-host;1;2026-11-25 00:33:09 UTC;0.00;0.00
    with pytest.warns(perfkit.ParseWarning, match=f"line {header}: a number where the header "
                      "has INTR") as said:
        tables = perfkit.parse(without_line(text, header), "sar")
    assert [w.message.line for w in said] == [header]
    assert row.split(";")[3] not in tables["interrupts"]["INTR"].tolist()


def test_sadf_d_de_de_rows_after_a_lost_header_at_a_time_boundary_warn():
    """The first header of the second time lost: its CPU row follows the first time's
    network rows (another time stamp, and here fewer values)."""
    text = fixture_text("sar", "sa-restart.sadf-d.de_DE.txt")
    lines = text.split("\n")
    header = next(n for n, line in enumerate(lines, start=1) if n > 1 and ";CPU;" in line)
    with pytest.warns(perfkit.ParseWarning, match=f"line {header}: ") as said:
        tables = perfkit.parse(without_line(text, header), "sar")
    assert header in [w.message.line for w in said]
    assert lines[1].split(";")[4] == "56,50"
    assert tables["cpu"]["%user"].tolist() == [56.5]


def test_a_translated_vmstat_s_list_joined_with_another_keeps_its_c_names():
    s_de, forks = fixture_text("vmstat", "s.de_DE.txt"), fixture_text("vmstat", "f.C.txt")
    frame = perfkit.parse(s_de + forks, "vmstat")
    alone = perfkit.parse(s_de, "vmstat")
    assert frame["name"].tolist() == [*alone["name"], "forks"]
    assert frame["name"].iloc[0] == "total memory" and "Gesamtspeicher" in s_de.split("\n")[0]
    assert frame["value"].iloc[-1] == int(forks.split()[0])
