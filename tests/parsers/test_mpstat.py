"""mpstat: recordings from the course machine (sysstat 12.6.1, tests/fixtures/mpstat) and the
shared corpus (sysstat's own expected outputs, jc's CentOS 7 / Ubuntu 18.04 recordings with
jc's parse beside them).

Values are checked against the raw text with a reader written for the tests: each block's
header names zipped with each row's fields, decimal commas undone by hand."""

from __future__ import annotations

import json
import re
import subprocess
import warnings
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from conftest import corpus_files, day, fixture_path, fixture_text, needs_tool, prefix_width

import perfkit
from perfkit.parsers import mpstat, pidstat
from perfkit.parsers._read.banner import is_banner
from perfkit.parsers._read.text import clean_text, first_lines
from perfkit.parsers._read.times import combine, parse_date, times_of_day

RECORDINGS = sorted(p.name for p in fixture_path("mpstat").glob("*.txt"))
JSON_RECORDINGS = sorted(p.name for p in fixture_path("mpstat").glob("*.json"))
TEXT_COLUMNS = {"CPU", "NODE"}


def read(name: str, **kwargs) -> perfkit.Tables:
    return mpstat.parse(fixture_text("mpstat", name), **kwargs)


# -- a reader for the tests --------------------------------------------------------------

def _kind(columns: list[str]) -> str:
    if columns[0] == "NODE":
        return "node"
    if columns[1:] == ["intr/s"]:
        return "intr"
    if "%usr" in columns or "%user" in columns:
        return "cpu"
    return "softirq" if "TIMER/s" in columns else "irq"


def raw_rows(text: str) -> dict[tuple[str, bool], list[dict[str, str]]]:
    """{(table, is_average): [row as {column: printed field}]} in printed order."""
    out: dict[tuple[str, bool], list[dict[str, str]]] = {}
    for chunk in clean_text(text).split("\n\n"):
        lines = [line for line in chunk.split("\n") if line.strip() and not is_banner(line)]
        if not lines:
            continue
        head = lines[0].split()
        columns = head[prefix_width(head):]
        kind = _kind(columns)
        for line in lines[1:]:
            tokens = line.split()
            fields = tokens[prefix_width(tokens):]
            average = not line[0].isdigit()
            if fields == columns:
                continue  # the average header inside a block
            out.setdefault((kind, average), []).append(
                dict(zip(columns, fields, strict=True)))
    return out


def assert_cells_equal_raw(tables: perfkit.Tables, text: str) -> int:
    """Every cell of every table (and average) equals the printed field; returns how many
    cells were compared."""
    compared = 0
    for (kind, average), rows in raw_rows(text).items():
        frame = (tables.averages if average else tables)[kind]
        assert len(frame) == len(rows), (kind, average)
        for index, row in enumerate(rows):
            for column, printed in row.items():
                value = frame[column].iloc[index]
                if column in TEXT_COLUMNS:
                    assert value == printed, (kind, index, column)
                else:
                    assert value == float(printed.replace(",", ".")), (kind, index, column)
                compared += 1
    return compared


# -- the course machine's recordings -----------------------------------------------------

@pytest.mark.parametrize("name", [n for n in RECORDINGS if not n.startswith("T.")])
def test_every_cell_equals_the_raw_text(name):
    tables = read(name)
    assert assert_cells_equal_raw(tables, fixture_text("mpstat", name)) > 20
    for frame in tables.values():
        assert list(frame.columns[:2]) == ["time", "since_boot"]
        assert str(frame["time"].dtype) == "datetime64[ns]"
        assert frame["time"].notna().all()


def test_p_all_cpu_table_and_its_averages_apart():
    text = fixture_text("mpstat", "P-ALL.C.txt")
    tables = read("P-ALL.C.txt")
    cpu = tables["cpu"]
    assert list(tables) == ["cpu"]
    assert list(cpu.columns) == ["time", "since_boot", "CPU", "%usr", "%nice", "%sys",
                                 "%iowait", "%irq", "%soft", "%steal", "%guest", "%gnice",
                                 "%idle"]
    # three reports of all, 0, 1; the Average: rows are not samples
    assert len(cpu) == 9 and cpu["CPU"].tolist() == ["all", "0", "1"] * 3
    assert "00:24:10     all   99.00    0.00    1.00" in text
    row = cpu[(cpu["time"] == day("00:24:10")) & (cpu["CPU"] == "all")]
    assert row["%usr"].item() == 99.00 and row["%sys"].item() == 1.00
    assert "Average:     all   99.67    0.00    0.33" in text
    average = tables.averages["cpu"]
    assert list(average.columns) == ["CPU", "%usr", "%nice", "%sys", "%iowait", "%irq",
                                     "%soft", "%steal", "%guest", "%gnice", "%idle"]
    assert average["CPU"].tolist() == ["all", "0", "1"]
    assert average.loc[0, "%usr"] == 99.67 and average.loc[0, "%sys"] == 0.33
    assert not cpu["since_boot"].any()
    assert cpu["time"].drop_duplicates().tolist() == [day("00:24:09"), day("00:24:10"),
                                                      day("00:24:11")]


def test_banner_facts_in_attrs_of_the_tables_and_of_every_frame():
    tables = read("A.C.txt")
    for attrs in [tables.attrs, *(f.attrs for f in tables.values()),
                  *(f.attrs for f in tables.averages.values())]:
        assert attrs["kernel"] == "6.18.44-fc-v657"
        assert attrs["host"] == "demo-host"
        assert attrs["cpus"] == 2
        assert attrs["arch"] == "x86_64"
        assert attrs["date"] == pd.Timestamp("2026-11-25")
        assert attrs["decimal"] == "."
        assert attrs["tool"] == "mpstat"


def test_de_DE_decimal_commas_and_durchschnitt():
    text = fixture_text("mpstat", "P-ALL.de_DE.txt")
    tables = read("P-ALL.de_DE.txt")
    assert "00:24:43       1   98,02    0,00    0,99" in text
    cpu = tables["cpu"]
    row = cpu[(cpu["time"] == day("00:24:43")) & (cpu["CPU"] == "1")]
    assert row["%usr"].item() == 98.02  # never 9802
    assert row["%sys"].item() == 0.99 and row["%steal"].item() == 0.99
    assert "Durchschn.:    1   95,35    0,00    4,32" in text
    average = tables.averages["cpu"].set_index("CPU")
    assert average.loc["1", "%usr"] == 95.35 and average.loc["1", "%sys"] == 4.32
    assert tables.attrs["decimal"] == "," and tables.attrs["average_label"] == "Durchschn.:"
    assert tables.attrs["date"] == pd.Timestamp("2026-11-25")  # 25.11.2026


def test_fr_FR_moyenne_and_day_first_date():
    text = fixture_text("mpstat", "P-ALL.fr_FR.txt")
    tables = read("P-ALL.fr_FR.txt")
    # fr_FR writes a narrow no-break space before the colon
    assert "Moyenne\u202f:    1   88,67    0,00   11,33" in text
    average = tables.averages["cpu"].set_index("CPU")
    assert average.loc["1", "%usr"] == 88.67 and average.loc["1", "%sys"] == 11.33
    assert tables.attrs["average_label"] == "Moyenne :"
    assert tables.attrs["date_text"] == "25/11/2026"
    assert tables["cpu"]["time"].dt.date.unique().tolist() == [datetime(2026, 11, 25).date()]


def test_en_US_twelve_hour_clock_after_midnight():
    text = fixture_text("mpstat", "P-ALL.en_US.txt")
    assert "12:24:50 AM  all   99.50" in text
    tables = read("P-ALL.en_US.txt")
    cpu = tables["cpu"]
    assert cpu["time"].iloc[0] == pd.Timestamp("2026-11-25 00:24:50")  # 12:24:50 AM
    assert cpu.loc[0, "%usr"] == 99.50
    assert tables.attrs["twelve_hour_clock"] is True


def test_ja_JP_times_and_average_label():
    text = fixture_text("mpstat", "P-ALL.ja_JP.txt")
    assert "00時24分54秒    1  100.00" in text
    tables = read("P-ALL.ja_JP.txt")
    cpu = tables["cpu"]
    row = cpu[(cpu["time"] == day("00:24:54")) & (cpu["CPU"] == "1")]
    assert row["%usr"].item() == 100.0
    assert tables.attrs["average_label"] == "平均値:"
    assert tables.averages["cpu"].set_index("CPU").loc["0", "%usr"] == 99.67


def test_iso_dates_and_colour_codes():
    iso = read("P-ALL.iso.txt")
    assert iso.attrs["date_text"] == "2026-11-25"
    assert iso["cpu"]["time"].iloc[0] == day("00:25:01")
    raw = fixture_text("mpstat", "P-ALL.colors.txt")
    assert "\x1b[" in raw
    colours = read("P-ALL.colors.txt")
    line = clean_text(raw).split("\n")[3]
    assert line.split()[:3] == ["00:25:04", "all", "50.51"]
    assert colours["cpu"].loc[0, "%usr"] == 50.51


def test_all_reports_of_dash_A():
    tables = read("A.C.txt")
    assert list(tables) == ["cpu", "node", "intr", "irq", "softirq"]
    assert sorted(tables.averages) == ["cpu", "intr", "irq", "node", "softirq"]
    assert list(tables["intr"].columns) == ["time", "since_boot", "CPU", "intr/s"]
    assert tables["intr"]["intr/s"].tolist()[:3] == [553.0, 50.0, 47.0]
    irq = tables["irq"]
    assert list(irq.columns[:5]) == ["time", "since_boot", "CPU", "24/s", "25/s"]
    assert {"NMI/s", "LOC/s", "RES/s", "CAL/s"} <= set(irq.columns)
    softirq = tables["softirq"]
    assert list(softirq.columns[2:]) == ["CPU", "HI/s", "TIMER/s", "NET_TX/s", "NET_RX/s",
                                         "BLOCK/s", "IRQ_POLL/s", "TASKLET/s", "SCHED/s",
                                         "HRTIMER/s", "RCU/s"]
    assert softirq.loc[0, "TIMER/s"] == 21.0 and softirq.loc[1, "RCU/s"] == 18.0
    assert list(tables["node"].columns[2:4]) == ["NODE", "%usr"]
    assert tables.averages["intr"]["intr/s"].tolist() == [552.0, 42.0, 41.0]


def test_topology_columns_of_dash_T():
    text = fixture_text("mpstat", "T.C.txt")
    assert "00:24:30     all                  87.94" in text
    assert "00:24:30       1    1    0    0   94.95" in text
    tables = read("T.C.txt")
    cpu = tables["cpu"]
    assert list(cpu.columns[2:7]) == ["CPU", "CORE", "SOCK", "NODE", "%usr"]
    first = cpu[cpu["time"] == day("00:24:30")].set_index("CPU")
    assert first.loc["all", ["CORE", "SOCK", "NODE"]].isna().all()  # printed blank
    assert first.loc["all", "%usr"] == 87.94
    assert first.loc["1", ["CORE", "SOCK", "NODE", "%usr"]].tolist() == [1, 0, 0, 94.95]
    average = tables.averages["cpu"].set_index("CPU")
    assert np.isnan(average.loc["all", "CORE"]) and average.loc["all", "%steal"] == 1.50
    assert average.loc["0", "%sys"] == 15.50


def test_since_boot_report_without_interval():
    text = fixture_text("mpstat", "since-boot.C.txt")
    assert "00:24:31     CPU" in text and "00:24:31     all    8.60" in text
    tables = read("since-boot.C.txt")
    assert tables["cpu"]["since_boot"].all() and not tables.averages
    assert tables["cpu"].loc[0, "%usr"] == 8.60


def test_single_cpu_and_utilization_only():
    p0 = read("P0.C.txt")
    assert p0["cpu"]["CPU"].tolist() == ["0", "0"]
    assert p0["cpu"]["%usr"].tolist() == [99.0, 100.0]
    u = read("u.C.txt")
    assert u["cpu"]["%sys"].tolist() == [5.97, 18.00]
    assert u.averages["cpu"]["%sys"].tolist() == [11.97]


# -- JSON ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", JSON_RECORDINGS)
def test_json_cells_equal_the_document(name):
    text = fixture_text("mpstat", name)
    document = json.loads(text)["sysstat"]["hosts"][0]
    tables = read(name)
    assert tables.attrs["kernel"] == document["release"]
    assert tables.attrs["cpus"] == document["number-of-cpus"] == 2
    assert not tables.averages
    for key, table in mpstat.JSON_TABLES.items():
        rows = [item for report in document["statistics"] for item in report.get(key, [])]
        if not rows:
            continue
        frame = tables[table]
        assert len(frame) == len(rows)
        for index, item in enumerate(rows):
            for field, value in item.items():
                if field == "intr" and isinstance(value, list):
                    for irq in value:
                        assert frame[f"{irq['name']}/s"].iloc[index] == irq["value"]
                elif field == "cpu" or (field == "node" and table == "node"):
                    assert frame[field.upper()].iloc[index] == value  # text: "all", "0"
                elif field in ("core", "socket", "node"):
                    column = {"core": "CORE", "socket": "SOCK", "node": "NODE"}[field]
                    got = frame[column].iloc[index]
                    assert np.isnan(got) if value == "" else got == float(value)
                elif field == "intr":
                    assert frame["intr/s"].iloc[index] == value
                else:
                    assert frame[f"%{field}"].iloc[index] == value


def test_json_has_the_text_tables_and_column_names():
    text_tables, json_tables = read("A.C.txt"), read("A.C.json")
    assert list(json_tables) == list(text_tables)
    for name in text_tables:
        assert list(json_tables[name].columns) == list(text_tables[name].columns), name
        assert json_tables[name].dtypes.tolist() == text_tables[name].dtypes.tolist(), name
    topology_text, topology_json = read("T.C.txt")["cpu"], read("T.C.json")["cpu"]
    assert list(topology_json.columns) == list(topology_text.columns)
    assert topology_json.loc[0, ["CORE", "SOCK", "NODE"]].isna().all()


def test_json_times_in_other_locales():
    us = read("P-ALL.en_US.json")
    assert '"timestamp": "12:24:' in fixture_text("mpstat", "P-ALL.en_US.json")
    assert us["cpu"]["time"].iloc[0].hour == 0  # 12:24:xx AM
    assert us.attrs["twelve_hour_clock"] is True
    de = read("P-ALL.de_DE.json")
    assert de.attrs["date_text"] == "25.11.2026"
    assert de["cpu"]["time"].dt.date.unique().tolist() == [datetime(2026, 11, 25).date()]


def test_json_cut_off_keeps_complete_reports_and_warns():
    text = fixture_text("mpstat", "A.C.json")
    second = text.index('"timestamp"', text.index('"timestamp"') + 1)
    with pytest.warns(perfkit.ParseWarning, match="truncated"):
        tables = mpstat.parse(text[: second + 300])
    assert tables["cpu"]["time"].nunique() == 1 and len(tables["cpu"]) == 3


def test_json_with_garbage_raises_naming_the_line():
    lines = fixture_text("mpstat", "P-ALL.C.json").split("\n")
    bad = "\n".join([*lines[:14], "garbage", *lines[14:]])
    with pytest.raises(perfkit.ParseError) as info:
        mpstat.parse(bad)
    assert info.value.line == 15


# -- bad input ---------------------------------------------------------------------------

def test_strict_mode_raises_on_an_inserted_garbage_line():
    lines = fixture_text("mpstat", "P-ALL.C.txt").split("\n")
    bad = "\n".join([*lines[:5], "this line is not mpstat output", *lines[5:]])
    with pytest.raises(perfkit.ParseError) as info:
        mpstat.parse(bad, strict=True)
    assert info.value.line == 6
    assert "this line is not mpstat output" in str(info.value)
    with pytest.warns(perfkit.ParseWarning, match="line 6"):
        tables = mpstat.parse(bad)
    assert len(tables["cpu"]) == 9  # nothing else lost


def _blank_line_positions(text: str) -> list[int]:
    """Blank lines inside the text (a line after the last is a truncated last line)."""
    lines = text.rstrip("\n").split("\n")
    return [i for i, line in enumerate(lines) if not line.strip() and i > 0]


@pytest.mark.parametrize("name", ["P-ALL.C.txt", "A.C.txt", "A.de_DE.txt"])
def test_a_stray_line_shaped_like_an_average_label_is_reported_not_swallowed(name):
    # "ERROR: ..." after a blank line looked like a translated "Average:" header of an
    # unknown table and vanished, even with strict=True
    text = fixture_text("mpstat", name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clean = mpstat.parse(text)
    stray = "ERROR: disk failure detected on sda"
    for at in _blank_line_positions(text)[:6]:
        lines = text.split("\n")
        damaged = "\n".join([*lines[:at + 1], stray, *lines[at + 1:]])
        with pytest.raises(perfkit.ParseError) as info:
            mpstat.parse(damaged, strict=True)
        assert info.value.line == at + 2
        with pytest.warns(perfkit.ParseWarning, match=f"line {at + 2}:.*ERROR: disk") as said:
            tables = mpstat.parse(damaged)
        assert len(said) == 1
        assert list(tables) == list(clean)
        for table in clean:
            pd.testing.assert_frame_equal(tables[table], clean[table])
            pd.testing.assert_frame_equal(tables.averages[table], clean.averages[table])
        assert tables.attrs["average_label"] == clean.attrs["average_label"]


@pytest.mark.parametrize("at", [1, 2, 3])
def test_a_stray_line_near_the_top_keeps_the_since_boot_flag(at):
    # the one-report run (no interval) is told by its header and first row sharing a time;
    # a stray line between them made it an ordinary sample
    lines = fixture_text("mpstat", "since-boot.C.txt").split("\n")
    damaged = "\n".join([*lines[:at], "@@@ stray line", *lines[at:]])
    with pytest.warns(perfkit.ParseWarning, match=f"line {at + 1}:"):
        cpu = mpstat.parse(damaged)["cpu"]
    assert cpu["since_boot"].all()
    assert cpu["%usr"].iloc[0] == float(lines[3].split()[2])


@pytest.mark.parametrize(("name", "table"), [("since-boot.C.txt", "cpu"),
                                             ("P-ALL.C.txt", "cpu")])
def test_a_last_row_cut_inside_its_last_number_is_dropped_with_a_warning(name, table):
    # "84.26" cut to "84.2" still reads as a number: the row is shorter than the one above
    text = fixture_text("mpstat", name).rstrip("\n")
    whole = mpstat.parse(text)  # no newline at the end, nothing cut: nothing said
    with pytest.warns(perfkit.ParseWarning, match="line .*truncated.*dropped") as said:
        cut = mpstat.parse(text[:-1])
    assert len(said) == 1
    both = pd.concat([cut[table], cut.averages.get(table, pd.DataFrame())])
    assert len(both) == len(whole[table]) + len(whole.averages.get(table, [])) - 1
    assert float(text.split("\n")[-2].split()[-1]) in both["%idle"].tolist()


def test_strict_mode_raises_on_a_row_that_does_not_fit():
    lines = fixture_text("mpstat", "P-ALL.C.txt").split("\n")
    bad = "\n".join([*lines[:4], "00:24:09       1  100.00    x.00", *lines[4:]])
    with pytest.raises(perfkit.ParseError) as info:
        mpstat.parse(bad, strict=True)
    assert info.value.line == 5


def test_truncated_last_line_is_dropped_with_a_warning():
    text = fixture_text("mpstat", "P-ALL.C.txt").rstrip("\n")
    cut = text[: text.rindex("0.00") - 30]  # the last average row loses its last fields
    assert not cut.endswith("\n")
    with pytest.warns(perfkit.ParseWarning, match="truncated"):
        tables = mpstat.parse(cut, strict=True)
    assert len(tables.averages["cpu"]) == 2 and len(tables["cpu"]) == 9


@pytest.mark.parametrize("bad", ["", "\n\n", "hello world\n", b"\x00\x01binary"])
def test_empty_foreign_or_binary_input_raises(bad):
    with pytest.raises(perfkit.ParseError) as info:
        mpstat.parse(bad)
    assert info.value.line is not None


@pytest.mark.parametrize(("name", "printed", "first"), [
    ("midnight.C.txt", "23:59:59", "2026-11-24 23:59:59"),  # midnight between two rows
    ("midnight-first.C.txt", "00:00:00", "2026-11-25 00:00:00"),  # header, then midnight
    ("midnight-first.en_US.txt", "12:00:00 AM", "2026-11-25 00:00:00"),
])
def test_a_run_across_midnight_dates_each_row_by_its_day(name, printed, first):
    # recorded with the clock faked by libfaketime (see record.sh): the banner's date is
    # the day of the first header (23:59:58 or 23:59:59)
    text = fixture_text("mpstat", name)
    first_row = text.split("\n")[3]
    assert first_row.startswith(printed)
    cpu = mpstat.parse(text)["cpu"]
    assert cpu["time"].iloc[0] == pd.Timestamp(first)
    assert cpu["time"].iloc[-1].date() == pd.Timestamp("2026-11-25").date()
    assert cpu["time"].is_monotonic_increasing
    assert cpu["%usr"].iloc[0] == float(first_row.split()[-10])


def test_midnight_rollover_of_the_shared_time_helpers():
    seconds = times_of_day(pd.Series(["23:59:58", "23:59:59", "00:00:00", "00:00:01"]))
    stamps = combine(parse_date("11/24/26"), seconds)
    assert stamps.tolist() == [pd.Timestamp("2026-11-24 23:59:58"),
                               pd.Timestamp("2026-11-24 23:59:59"),
                               pd.Timestamp("2026-11-25 00:00:00"),
                               pd.Timestamp("2026-11-25 00:00:01")]
    ampm = times_of_day(pd.Series(["11:59:59", "12:00:00"]), pd.Series(["PM", "AM"]))
    # a first row after midnight, with the run's start (its first header) before it
    assert combine(parse_date("11/24/26"), times_of_day(pd.Series(["00:00:00"])),
                   start=86399).tolist() == [pd.Timestamp("2026-11-25 00:00:00")]
    assert combine(parse_date("11/24/2026"), ampm).dt.day.tolist() == [24, 25]


# -- detection ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", RECORDINGS + JSON_RECORDINGS)
def test_recordings_are_recognised_as_mpstat(name):
    text = clean_text(fixture_path("mpstat", name).read_bytes())
    assert mpstat.detect(first_lines(text))
    assert not pidstat.detect(first_lines(text))
    assert perfkit.detect_tool(text) == "mpstat"


def test_detect_tells_mpstat_from_sar_p_all():
    # sar -P ALL / sar -u ALL print CPU tables that look alike; mpstat's %steal sits
    # after %soft, sar's right after %iowait
    sar_files = [p for p in corpus_files("sar", "sysstat__tests__expected*")
                 if re.search(r"^\S+\s+CPU\s+%(usr|user)", p.read_text(errors="replace"),
                              re.MULTILINE)]
    assert len(sar_files) > 5
    for path in sar_files:
        text = clean_text(path.read_bytes())
        assert not mpstat.detect(first_lines(text)), path.name
    assert not mpstat.detect(["Linux 6.1.0 (h) \t11/25/26 \t_x86_64_\t(2 CPU)",
                              "00:00:01  CPU  %usr  %nice  %sys  %iowait  %steal  %irq  "
                              "%soft  %guest  %gnice  %idle"])
    assert mpstat.detect(["Linux 6.1.0 (h) \t11/25/26 \t_x86_64_\t(2 CPU)",
                          "00:00:01  CPU  %usr  %nice  %sys  %iowait  %irq  %soft  %steal  "
                          "%guest  %gnice  %idle"])


# -- the shared corpus -------------------------------------------------------------------

def _corpus_outputs() -> list:
    return [p for p in corpus_files("mpstat") if not p.name.endswith(".json")]


def test_every_corpus_output_parses_without_warnings():
    outputs = _corpus_outputs()
    assert len(outputs) >= 15
    for path in outputs:
        if path.name.endswith("-V-env"):
            # mpstat --getenv -V: the version and environment, not a report
            with pytest.raises(perfkit.ParseError, match="banner"):
                perfkit.read(path, "mpstat")
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("error", perfkit.ParseWarning)
            tables = perfkit.read(path, "mpstat")
        assert tables, path.name
        assert perfkit.detect_tool(clean_text(path.read_bytes())) == "mpstat", path.name
        if not path.name.endswith("JSON") and not path.name.endswith("-T"):
            assert_cells_equal_raw(tables, path.read_text())


@pytest.mark.parametrize("stem", ["centos-7.7__mpstat", "centos-7.7__mpstat-A",
                                  "centos-7.7__mpstat-A-2-5", "ubuntu-18.04__mpstat-A"])
def test_rows_and_values_agree_with_jc(stem):
    out = corpus_files("mpstat", f"jc__tests__fixtures__{stem}.out")
    if not out:
        pytest.skip(f"{stem} not in the corpus")
    tables = perfkit.read(out[0], "mpstat")
    jc = json.loads(out[0].with_suffix(".json").read_text())
    groups = {
        ("cpu", False): [r for r in jc if r["type"] == "cpu" and "cpu" in r],
        ("node", False): [r for r in jc if r["type"] == "cpu" and "node" in r],
        ("intr", False): [r for r in jc if "intr_s" in r],
        ("softirq", False): [r for r in jc if "timer_s" in r],
        ("irq", False): [r for r in jc if "loc_s" in r],
    }
    for (table, _), rows in groups.items():
        samples = [r for r in rows if not r.get("average")]
        averages = [r for r in rows if r.get("average")]
        assert len(tables.get(table, [])) == len(samples), table
        assert len(tables.averages.get(table, [])) == len(averages), table
        for frame, chosen in ((tables.get(table), samples),
                              (tables.averages.get(table), averages)):
            for index, row in enumerate(chosen):
                for key, value in row.items():
                    column = _jc_column(key)
                    if column is None:
                        continue
                    got = frame[column].iloc[index]
                    assert (got == value) if column in TEXT_COLUMNS else \
                        got == pytest.approx(value), (table, index, key)


def _jc_column(key: str) -> str | None:
    if key in ("type", "time", "average"):
        return None
    if key in ("cpu", "node"):
        return key.upper()
    if key.startswith("percent_"):
        return "%" + key[len("percent_"):]
    if key == "intr_s":
        return "intr/s"
    if key.endswith("_s"):
        return key[:-2].upper() + "/s"
    return key  # pragma: no cover


def test_sysstat_text_and_json_of_the_same_snapshot_agree():
    text = corpus_files("mpstat", "sysstat__tests__expected.mpstat-A")
    doc = corpus_files("mpstat", "sysstat__tests__expected.mpstat-A-JSON")
    if not text or not doc:
        pytest.skip("sysstat's mpstat-A expected outputs not in the corpus")
    from_text, from_json = perfkit.read(text[0], "mpstat"), perfkit.read(doc[0], "mpstat")
    for name, frame in from_json.items():
        first = from_text[name][from_text[name]["time"] == frame["time"].iloc[0]]
        assert list(frame.columns) == list(first.columns), name
        pd.testing.assert_frame_equal(frame.reset_index(drop=True),
                                      first.reset_index(drop=True), obj=name)


def test_sysstat_epoch_stamps_and_since_boot():
    epoch = corpus_files("mpstat", "sysstat__tests__expected.mpstat-U")
    plain = corpus_files("mpstat", "sysstat__tests__expected.mpstat")
    if not epoch or not plain:
        pytest.skip("sysstat's mpstat expected outputs not in the corpus")
    tables = perfkit.read(epoch[0], "mpstat")
    assert tables["cpu"]["time"].tolist() == [pd.Timestamp(1591016001, unit="s"),
                                              pd.Timestamp(1591016002, unit="s")]
    assert tables.averages["cpu"]["%nice"].tolist() == [7.13]
    once = perfkit.read(plain[0], "mpstat")  # ./mpstat without an interval
    assert once["cpu"]["since_boot"].all() and once["cpu"].loc[0, "%nice"] == 39.91


# -- the installed mpstat ----------------------------------------------------------------

@pytest.mark.live
@needs_tool("mpstat")
def test_installed_mpstat_text_and_json_give_the_same_tables():
    env = {"LC_ALL": "C", "PATH": "/usr/bin:/bin:/usr/sbin:/sbin"}
    text = subprocess.run(["mpstat", "-A", "1", "1"], capture_output=True, text=True,
                          env=env, timeout=30, check=True).stdout
    doc = subprocess.run(["mpstat", "-o", "JSON", "-A", "1", "1"], capture_output=True,
                         text=True, env=env, timeout=30, check=True).stdout
    from_text, from_json = perfkit.parse(text), perfkit.parse(doc)
    assert list(from_text) == list(from_json)
    for name in ("cpu", "node", "intr", "softirq"):
        assert list(from_text[name].columns) == list(from_json[name].columns), name
    assert set(from_text["irq"].columns) == set(from_json["irq"].columns)


def test_other_reports_and_a_banner_alone_are_refused():
    with pytest.raises(perfkit.ParseError, match="no mpstat header") as info:
        mpstat.parse(fixture_text("pidstat", "u.C.txt"))
    assert info.value.line == 3
    banner = fixture_text("mpstat", "P-ALL.C.txt").split("\n")[0] + "\n"
    with pytest.raises(perfkit.ParseError, match="no mpstat header"):
        mpstat.parse(banner)
