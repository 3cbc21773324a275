"""pidstat: recordings from the course machine (sysstat 12.6.1, tests/fixtures/pidstat; each
run in its own PID namespace beside its workload) and the shared corpus (sysstat's own
expected outputs, jc's CentOS 7 and generic recordings with jc's parse beside them).

Values are checked against the raw text with a reader written for the tests: each block's
header names zipped with each row's fields (the last one, Command, taking the rest of the
line), ``-`` as NaN, decimal commas and ``--human`` suffixes undone by hand."""

from __future__ import annotations

import json
import subprocess
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import corpus_files, day, fixture_path, fixture_text, needs_tool, prefix_width

import perfkit
from perfkit.parsers import mpstat, pidstat
from perfkit.parsers._read.banner import is_banner
from perfkit.parsers._read.text import clean_text, first_lines

RECORDINGS = sorted(p.name for p in fixture_path("pidstat").glob("*.txt"))
TEXT_COLUMNS = {"Command", "USER", "policy"}
KIND = {"%usr": "cpu", "%user": "cpu", "usr-ms": "cpu_child", "minflt/s": "memory",
        "minflt-nr": "memory_child", "StkSize": "stack", "kB_rd/s": "io",
        "cswch/s": "switches", "threads": "kernel", "prio": "realtime"}
SUFFIX = {"B": 1 / 1024, "k": 1, "M": 1024, "G": 1024**2, "T": 1024**3}


def read(name: str, **kwargs) -> perfkit.Tables:
    return pidstat.parse(fixture_text("pidstat", name), **kwargs)


# -- a reader for the tests --------------------------------------------------------------

def _kind(columns: list[str]) -> str:
    kinds = [KIND[c] for c in columns if c in KIND]
    if len(kinds) == 1:
        return kinds[0]
    return "all_child" if all(k.endswith("_child") for k in kinds) else "all"


def raw_rows(text: str) -> dict[tuple[str, bool], list[dict[str, str]]]:
    """{(table, is_average): [row as {column: printed field}]} in printed order."""
    out: dict[tuple[str, bool], list[dict[str, str]]] = {}
    for chunk in clean_text(text).split("\n\n"):
        lines = [line for line in chunk.split("\n") if line.strip() and not is_banner(line)]
        if not lines:
            continue
        head = lines[0].split()
        columns = head[2:] if head[0] == "#" else head[prefix_width(head):]
        kind = _kind(columns)
        for line in lines[1:]:
            tokens = line.split()
            width = prefix_width(tokens)
            if tokens[width:] == columns:
                continue  # the average header inside a block
            fields = line.split(None, width)[width].split(None, len(columns) - 1)
            out.setdefault((kind, not line.lstrip()[0].isdigit()), []).append(
                dict(zip(columns, fields, strict=True)))
    return out


def printed_number(field: str) -> float:
    """A printed number as pidstat meant it: ``-`` is NaN, ``9,23`` is 9.23, ``--human``
    suffixes (powers of 1024) back to KiB, ``%`` dropped."""
    if field == "-":
        return np.nan
    field = field.replace(",", ".")
    if field[-1] in SUFFIX:
        return float(field[:-1]) * SUFFIX[field[-1]]
    return float(field.rstrip("%"))


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
                    assert value == printed.rstrip(), (kind, index, column)
                else:
                    expected = printed_number(printed)
                    assert (np.isnan(value) if np.isnan(expected)
                            else value == pytest.approx(expected, rel=1e-12)), \
                        (kind, index, column, printed)
                compared += 1
    return compared


# -- the course machine's recordings -----------------------------------------------------

@pytest.mark.parametrize("name", RECORDINGS)
def test_every_cell_equals_the_raw_text(name):
    tables = read(name)
    assert assert_cells_equal_raw(tables, fixture_text("pidstat", name)) >= 9
    for frame in tables.values():
        assert list(frame.columns[:2]) == ["time", "since_boot"]
        assert frame.columns[-1] == "Command"
        assert str(frame["time"].dtype) == "datetime64[ns]"


def test_cpu_report_and_its_averages_apart():
    text = fixture_text("pidstat", "u.C.txt")
    tables = read("u.C.txt")
    cpu = tables["cpu"]
    assert list(tables) == ["cpu"]
    assert list(cpu.columns) == ["time", "since_boot", "UID", "PID", "%usr", "%system",
                                 "%guest", "%wait", "%CPU", "CPU", "Command"]
    assert "00:32:03        0         4   94.00    0.00    0.00    7.00   94.00     0  stress-ng" \
        in text
    assert cpu["time"].tolist() == [day("00:32:02"), day("00:32:03"), day("00:32:04")]
    assert cpu["%usr"].tolist() == [83.0, 94.0, 91.0]
    assert cpu["%wait"].tolist() == [17.0, 7.0, 9.0]
    assert cpu["Command"].tolist() == ["stress-ng-cpu"] * 3
    assert cpu["PID"].tolist() == [4, 4, 4] and cpu["CPU"].tolist() == [0, 0, 0]
    average = tables.averages["cpu"]
    assert "Average:        0         4   89.33    0.00    0.00   11.00   89.33     -" in text
    assert len(average) == 1 and average.loc[0, "%usr"] == 89.33
    assert np.isnan(average.loc[0, "CPU"])  # printed "-"
    assert not cpu["since_boot"].any()


def test_banner_facts_in_attrs():
    tables = read("urd.C.txt")
    for attrs in [tables.attrs, *(f.attrs for f in tables.values()),
                  *(f.attrs for f in tables.averages.values())]:
        assert attrs["kernel"] == "6.18.44-fc-v657" and attrs["host"] == "demo-host"
        assert attrs["cpus"] == 2 and attrs["arch"] == "x86_64"
        assert attrs["date"] == pd.Timestamp("2026-11-25")
        assert attrs["tool"] == "pidstat" and attrs["human"] is False


def test_memory_io_switches_stack_kernel_realtime_reports():
    memory = read("r.C.txt")["memory"]
    assert list(memory.columns[2:]) == ["UID", "PID", "minflt/s", "majflt/s", "VSZ", "RSS",
                                        "%MEM", "Command"]
    first = fixture_text("pidstat", "r.C.txt").split("\n")[3].split()
    assert first[1:3] == ["0", "5"] and first[-1] == "stress-ng-mallo"
    assert memory.loc[0, "minflt/s"] == float(first[3])
    assert memory.loc[0, "VSZ"] == int(first[5]) and memory.loc[0, "RSS"] == int(first[6])
    io = read("d.C.txt")["io"]
    assert "00:32:13        0         1 128000.00 128004.00" in fixture_text("pidstat", "d.C.txt")
    assert io.loc[io["PID"] == 1, ["kB_rd/s", "kB_wr/s"]].iloc[0].tolist() == [128000.0,
                                                                             128004.0]
    switches = read("w.C.txt")
    assert switches["switches"]["nvcswch/s"].tolist() == [0.0, 58.0, 0.0, 77.23, 0.0, 128.0,
                                                          1.0]
    assert switches.averages["switches"]["nvcswch/s"].tolist() == [0.0, 87.71, 0.33]
    stack = read("s.C.txt")["stack"]
    printed = [line.split() for line in fixture_text("pidstat", "s.C.txt").split("\n")
               if line.endswith("  stress-ng") and line[0].isdigit()]
    assert len(printed) == 2
    assert stack.loc[stack["Command"] == "stress-ng", "StkRef"].tolist() == \
        [int(fields[4]) for fields in printed]
    kernel = read("v.C.txt")["kernel"]
    assert kernel.loc[kernel["Command"] == "pidstat", "fd-nr"].tolist() == [7, 7]
    realtime = read("R.C.txt")
    assert realtime["realtime"]["policy"].tolist() == ["FIFO", "FIFO"]
    assert realtime["realtime"]["prio"].tolist() == [10, 10]
    assert realtime.averages["realtime"]["PID"].tolist() == [217]


def test_threads_keep_their_text_and_tgid_tid_are_numbers():
    text = fixture_text("pidstat", "t.C.txt")
    assert "00:32:25        0         -         4   19.00    0.00    0.00   52.00" in text
    cpu = read("t.C.txt")["cpu"]
    assert list(cpu.columns[2:5]) == ["UID", "TGID", "TID"]
    assert cpu["TGID"].dtype == float and cpu["TID"].dtype == float
    first = cpu[cpu["time"] == day("00:32:25")]
    assert first["Command"].tolist() == ["python3", "|__python3", "|__python3"]
    assert first["TGID"].tolist()[0] == 2 and first["TGID"].isna().tolist() == [False, True,
                                                                                 True]
    assert np.isnan(first["TID"].iloc[0]) and first["TID"].tolist()[1:] == [4, 5]
    assert first["%wait"].tolist() == [0.0, 52.0, 53.0]
    threads = read("t-rw.C.txt")
    assert threads["switches"]["Command"].str.startswith("|__").any()


def test_several_reports_at_once_give_separate_tables():
    tables = read("urd.C.txt")
    assert list(tables) == ["cpu", "memory", "io"]
    assert sorted(tables.averages) == ["cpu", "io", "memory"]
    assert list(read("T-ALL.C.txt")) == ["cpu", "cpu_child"]
    child = read("T-ALL.C.txt")["cpu_child"]
    assert list(child.columns[2:]) == ["UID", "PID", "usr-ms", "system-ms", "guest-ms",
                                       "Command"]
    assert child["usr-ms"].tolist() == [520, 720]
    assert list(read("T-CHILD.C.txt")) == ["cpu_child", "memory_child"]


def test_one_line_per_task_with_h():
    text = fixture_text("pidstat", "h-urd.C.txt")
    tables = read("h-urd.C.txt")
    assert list(tables) == ["all"] and not tables.averages
    frame = tables["all"]
    assert list(frame.columns) == ["time", "since_boot", "UID", "PID", "%usr", "%system",
                                   "%guest", "%wait", "%CPU", "CPU", "minflt/s", "majflt/s",
                                   "VSZ", "RSS", "%MEM", "kB_rd/s", "kB_wr/s", "kB_ccwr/s",
                                   "iodelay", "Command"]
    assert "00:32:37        0         1    0.00    0.00    0.00    0.00    0.00     1      " \
           "0.00      0.00    2592    1560   0.01 128000.00 128000.00" in text
    row = frame[(frame["time"] == day("00:32:37")) & (frame["PID"] == 1)]
    assert row[["RSS", "kB_rd/s", "Command"]].iloc[0].tolist() == [1560, 128000.0, "sh"]
    single = read("h-u.C.txt")
    assert list(single) == ["cpu"] and single["cpu"]["%usr"].tolist() == [87.0, 63.0]


def test_h_with_epoch_stamps():
    text = fixture_text("pidstat", "Hh.C.txt")
    assert "\n1795566761      0         4   63.37" in text
    frame = read("Hh.C.txt")["all"]
    assert frame["time"].tolist()[0] == pd.Timestamp(1795566761, unit="s")
    assert frame.loc[0, "%usr"] == 63.37 and frame.loc[2, "Command"] == "pidstat"


def test_command_line_with_spaces_takes_the_rest_of_the_line():
    text = fixture_text("pidstat", "l.C.txt")
    assert "58.00     1  sh -c while :; do :; done\n" in text
    tables = read("l.C.txt")
    assert tables["cpu"]["Command"].tolist() == ["sh -c while :; do :; done"] * 3
    assert tables.averages["cpu"]["Command"].tolist() == ["sh -c while :; do :; done"]


def test_user_names():
    tables = read("U.C.txt")
    assert list(tables["cpu"].columns[2:4]) == ["USER", "PID"]
    assert tables["cpu"]["USER"].tolist() == ["root", "root"]
    assert tables.averages["cpu"]["%wait"].tolist() == [52.5]


def test_human_values_back_to_numbers():
    text = fixture_text("pidstat", "human.C.txt")
    assert "00:32:54        0         5 101678.85      0.00  196.7G  914.6M   3.8%" in text
    assert "00:32:54        0         6     48.1M     48.1M      0.0B       0  sh" in text
    tables = read("human.C.txt")
    assert tables.attrs["human"] is True
    memory = tables["memory"]
    assert memory.loc[0, "VSZ"] == pytest.approx(196.7 * 1024**2)  # KiB
    assert memory.loc[0, "RSS"] == pytest.approx(914.6 * 1024) and memory.loc[0, "%MEM"] == 3.8
    io = tables["io"]
    assert io.loc[0, "kB_rd/s"] == pytest.approx(48.1 * 1024) and io.loc[0, "kB_ccwr/s"] == 0
    cpu = tables["cpu"]
    assert "00:32:54        0         5    1.9%   56.7%" in text
    assert cpu.loc[0, ["%usr", "%system"]].tolist() == [1.9, 56.7]
    assert tables["stack"].loc[0, ["StkSize", "StkRef"]].tolist() == [132.0, 12.0]


def test_since_start_report_without_interval():
    tables = read("since-start.C.txt")
    assert tables["cpu"]["since_boot"].all() and not tables.averages
    assert tables["cpu"].loc[0, "%wait"] == 0.02


def test_de_DE_decimal_commas_and_durchschnitt():
    text = fixture_text("pidstat", "urd.de_DE.txt")
    assert "00:33:10        0         5    8,00   50,00    0,00   42,00   58,00" in text
    tables = read("urd.de_DE.txt")
    cpu = tables["cpu"]
    assert cpu.loc[0, "%usr"] == 8.0 and cpu.loc[0, "%system"] == 50.0
    assert cpu.loc[1, "%usr"] == 11.88  # "11,88", never 1188
    assert tables["memory"].loc[0, "minflt/s"] == 131430.0
    assert "Durchschn.:     0         5    9,95   49,25" in text
    assert tables.averages["cpu"].loc[0, ["%usr", "%system"]].tolist() == [9.95, 49.25]
    assert tables.attrs["decimal"] == ","
    assert read("u.de_DE.txt")["cpu"]["%usr"].tolist() == [45.0, 49.0, 48.0]


def test_fr_FR_h_and_moyenne():
    frame = read("h-urd.fr_FR.txt")["all"]
    raw = fixture_text("pidstat", "h-urd.fr_FR.txt").split("\n")[3].split()
    assert "," in raw[3] and "," in raw[9]
    assert frame.loc[0, "%usr"] == float(raw[3].replace(",", "."))
    assert frame.loc[0, "minflt/s"] == float(raw[9].replace(",", "."))
    tables = read("u.fr_FR.txt")
    assert tables.attrs["average_label"] == "Moyenne :" and tables.attrs["date_text"] == \
        "25/11/2026"
    assert tables["cpu"]["time"].dt.date.unique().tolist() == [pd.Timestamp("2026-11-25").date()]


def test_en_US_twelve_hour_clock():
    text = fixture_text("pidstat", "u.en_US.txt")
    assert "12:33:04 AM     0         4   50.00" in text
    cpu = read("u.en_US.txt")["cpu"]
    assert cpu["time"].tolist() == [day("00:33:04"), day("00:33:05"), day("00:33:06")]
    h = read("h-ur.en_US.txt")["all"]  # -h rows carry the AM/PM themselves
    assert "\n12:33:15 AM     0         4   98.00" in fixture_text("pidstat", "h-ur.en_US.txt")
    assert h["time"].tolist()[0] == day("00:33:15") and h.loc[0, "%usr"] == 98.0
    assert h.loc[0, "UID"] == 0 and h.loc[0, "VSZ"] == 77308
    t = read("t.en_US.txt")["cpu"]
    assert t["time"].dt.hour.unique().tolist() == [0]


def test_ja_JP_iso_and_colours():
    ja = read("u.ja_JP.txt")
    assert ja["cpu"]["time"].tolist() == [day("00:33:07"), day("00:33:08")]
    assert ja.averages["cpu"]["%usr"].tolist() == [49.75]
    iso = read("u.iso.txt")
    assert iso.attrs["date_text"] == "2026-11-25" and iso["cpu"]["%usr"].tolist()[0] == 47.52
    raw = fixture_text("pidstat", "t.colors.txt")
    assert "\x1b[" in raw
    colours = read("t.colors.txt")["cpu"]
    assert colours["Command"].str.startswith("|__").sum() == 4
    assert not colours["Command"].str.contains("\x1b").any()


# -- bad input ---------------------------------------------------------------------------

def test_strict_mode_raises_on_an_inserted_garbage_line():
    lines = fixture_text("pidstat", "t.C.txt").split("\n")
    bad = "\n".join([*lines[:4], "garbage: this is not pidstat", *lines[4:]])
    with pytest.raises(perfkit.ParseError) as info:
        pidstat.parse(bad, strict=True)
    assert info.value.line == 5
    with pytest.warns(perfkit.ParseWarning, match="line 5"):
        tables = pidstat.parse(bad)
    assert len(tables["cpu"]) == 9


def test_a_bad_placeholder_cell_names_its_line():
    lines = fixture_text("pidstat", "t.C.txt").split("\n")
    lines[4] = lines[4].replace("         -         4", "         x         4")
    with pytest.raises(perfkit.ParseError) as info:
        pidstat.parse("\n".join(lines), strict=True)
    assert info.value.line == 5 and "|__python3" in str(info.value)
    with pytest.warns(perfkit.ParseWarning) as said:
        assert len(pidstat.parse("\n".join(lines))["cpu"]) == 8
    assert [(w.message.line, w.message.text) for w in said] == [(5, lines[4])]


def test_truncated_last_line_is_dropped_with_a_warning():
    text = fixture_text("pidstat", "w.C.txt").rstrip("\n")
    cut = text[: text.rindex("1.00") + 2]  # "Average:  0  5  1."
    with pytest.warns(perfkit.ParseWarning, match="truncated"):
        tables = pidstat.parse(cut, strict=True)
    assert tables.averages["switches"]["PID"].tolist() == [1, 4]


def test_header_repeated_where_a_blank_line_was_lost_is_still_a_header():
    text = fixture_text("pidstat", "h-u.C.txt")
    lost = text.replace("\n\n# Time", "\n# Time")
    lost = "\n\n".join(lost.split("\n", 1))  # the blank line after the banner stays
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert pidstat.parse(lost)["cpu"].equals(pidstat.parse(text)["cpu"])


H_RECORDINGS = ["h-u.C.txt", "h-ur.en_US.txt", "h-urd.C.txt", "h-urd.fr_FR.txt", "Hh.C.txt"]
STRAY = "@@@"


def _stray_line_cases() -> list:
    """(recording, number of the inserted line) for every place after the banner (a line
    before the banner makes the text foreign), down to after the last line."""
    cases = []
    for name in H_RECORDINGS:
        count = fixture_text("pidstat", name).rstrip("\n").count("\n") + 1
        for number in range(2, count + 2):
            # (a stray line right after the first "# Time" header of the 12-hour
            # recording once made every row's time one token too short)
            cases.append(pytest.param(name, number, id=f"{name}-line{number}"))
    return cases


@pytest.mark.parametrize(("name", "number"), _stray_line_cases())
def test_a_stray_line_anywhere_in_h_output_is_named_and_every_real_row_kept(name, number):
    text = fixture_text("pidstat", name)
    lines = text.split("\n")
    damaged = "\n".join([*lines[:number - 1], STRAY, *lines[number - 1:]])
    if number > text.rstrip("\n").count("\n") + 1:  # nothing after it: a cut last line
        with pytest.warns(perfkit.ParseWarning, match=f"line {number}: .*truncated"):
            pidstat.parse(damaged, strict=True)
    else:
        with pytest.raises(perfkit.ParseError) as info:
            pidstat.parse(damaged, strict=True)
        assert (info.value.line, info.value.text) == (number, STRAY)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tables = pidstat.parse(damaged)
    messages = [str(w.message) for w in caught if issubclass(w.category, perfkit.ParseWarning)]
    assert len(messages) == 1 and f"line {number}:" in messages[0], messages
    undamaged = pidstat.parse(text)
    assert list(tables) == list(undamaged) and tables.attrs == undamaged.attrs
    for table in undamaged:
        pd.testing.assert_frame_equal(tables[table], undamaged[table], obj=table)
    assert assert_cells_equal_raw(tables, text) >= 9


@pytest.mark.parametrize("bad", ["", "\n\n", "PID USER\n1 root\n", b"\x00\x01binary"])
def test_empty_foreign_or_binary_input_raises(bad):
    with pytest.raises(perfkit.ParseError) as info:
        pidstat.parse(bad)
    assert info.value.line is not None


# -- detection ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", RECORDINGS)
def test_recordings_are_recognised_as_pidstat(name):
    text = clean_text(fixture_path("pidstat", name).read_bytes())
    assert pidstat.detect(first_lines(text))
    assert not mpstat.detect(first_lines(text))
    assert perfkit.detect_tool(text) == "pidstat"


def test_mpstat_and_sar_are_not_pidstat():
    for path in [*fixture_path("mpstat").glob("*.txt"), *fixture_path("mpstat").glob("*.json")]:
        assert not pidstat.detect(first_lines(clean_text(path.read_bytes()))), path.name
    for path in corpus_files("sar", "sysstat__tests__expected*"):
        try:
            text = clean_text(path.read_bytes())
        except perfkit.ParseError:
            continue  # binary sa data
        assert not pidstat.detect(first_lines(text)), path.name


# -- the shared corpus -------------------------------------------------------------------

def test_every_corpus_output_parses_without_warnings():
    outputs = [p for p in corpus_files("pidstat") if not p.name.endswith(".json")]
    assert len(outputs) >= 50
    for path in outputs:
        if path.name.endswith("-V-env"):
            # pidstat --getenv -V: the version and environment, not a report
            with pytest.raises(perfkit.ParseError, match="banner"):
                perfkit.read(path, "pidstat")
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("error", perfkit.ParseWarning)
            tables = perfkit.read(path, "pidstat")
        assert perfkit.detect_tool(clean_text(path.read_bytes())) == "pidstat", path.name
        if not path.name.endswith("JSON"):
            assert_cells_equal_raw(tables, path.read_text())
        else:
            assert tables, path.name


JC = {"uid": "UID", "pid": "PID", "vsz": "VSZ", "rss": "RSS", "stksize": "StkSize",
      "stkref": "StkRef", "cpu": "CPU", "command": "Command", "percent_cpu": "%CPU",
      "percent_mem": "%MEM", "kb_rd_s": "kB_rd/s", "kb_wr_s": "kB_wr/s",
      "kb_ccwr_s": "kB_ccwr/s"}


def _jc_column(key: str) -> str:
    if key in JC:
        return JC[key]
    if key.startswith("percent_"):
        return "%" + key[len("percent_"):]
    if key.endswith("_ms"):
        return key[:-3] + "-ms"
    return key[:-2] + "/s"


@pytest.mark.parametrize("stem", ["centos-7.7__pidstat-hdlrsuw-2-5",
                                  "centos-7.7__pidstat-hdlrsuw", "centos-7.7__pidstat-hl",
                                  "generic__pidstat-ht"])
def test_rows_and_values_agree_with_jc(stem):
    out = corpus_files("pidstat", f"jc__tests__fixtures__{stem}.out")
    if not out:
        pytest.skip(f"{stem} not in the corpus")
    tables = perfkit.read(out[0], "pidstat")
    jc = json.loads(out[0].with_suffix(".json").read_text())
    rows = {name: 0 for name in tables}
    for record in jc:
        name = next(n for n, f in tables.items()
                    if all(_jc_column(k) in f for k in record if k != "time"))
        frame = tables[name]
        index = rows[name]
        rows[name] += 1
        assert frame["time"].iloc[index] == pd.Timestamp(record["time"], unit="s")
        for key, value in record.items():
            if key != "time":
                assert frame[_jc_column(key)].iloc[index] == value, (stem, index, key)
    assert rows == {name: len(frame) for name, frame in tables.items()}


@pytest.mark.parametrize(("text_name", "json_name", "since_boot"), [
    ("expected.pidstat-At-ALL", "expected.pidstat-At-ALL-JSON", True),
    ("expected1.pidstat-At-TTASK", "expected1.pidstat-At-TTASK-JSON", False),
    ("expected1.pidstat-C", "expected1.pidstat-C-JSON", False),  # JSON with -H: epochs
])
def test_sysstat_text_and_json_of_the_same_snapshot_agree(text_name, json_name, since_boot):
    text = corpus_files("pidstat", f"sysstat__tests__{text_name}")
    doc = corpus_files("pidstat", f"sysstat__tests__{json_name}")
    if not text or not doc:
        pytest.skip(f"sysstat's {text_name} expected outputs not in the corpus")
    from_text, from_json = perfkit.read(text[0], "pidstat"), perfkit.read(doc[0], "pidstat")
    assert list(from_json) == list(from_text)
    # the text of a run without interval shows a since-start report; JSON cannot tell
    drop = ["since_boot"] + (["time"] if "-C" in text_name else [])
    for name, frame in from_json.items():
        assert from_text[name]["since_boot"].all() == since_boot
        assert not frame["since_boot"].any()
        pd.testing.assert_frame_equal(frame.drop(columns=drop),
                                      from_text[name].drop(columns=drop), obj=name)
    assert not from_json.averages and from_json.attrs["cpus"] == 9
    if "-C" in text_name:
        assert from_json["cpu"]["time"].tolist() == [pd.Timestamp(1591016004, unit="s")]
        assert from_text["cpu"]["time"].tolist() == [pd.Timestamp("2020-06-01 12:53:24")]


def test_threads_printed_without_their_process_show_the_leader():
    text = corpus_files("pidstat", "sysstat__tests__expected1.pidstat-At-TTASK")
    if not text:
        pytest.skip("sysstat's pidstat-At-TTASK expected output not in the corpus")
    assert "12:53:24     1000     21342      8364     132      36  (soffice.bin)__dconf " \
        "worker" in text[0].read_text()
    stack = perfkit.read(text[0], "pidstat")["stack"]
    rows = stack[stack["time"] == pd.Timestamp("2020-06-01 12:53:24")]
    assert rows["Command"].tolist()[:2] == ["(soffice.bin)__dconf worker", "|__evolution-addre"]
    assert rows["TGID"].tolist()[0] == 21342 and np.isnan(rows["TGID"].tolist()[1])


def test_sysstat_h_with_all_reports_and_children():
    path = corpus_files("pidstat", "sysstat__tests__expected.pidstat-Hh")
    if not path:
        pytest.skip("sysstat's pidstat-Hh expected output not in the corpus")
    tables = perfkit.read(path[0], "pidstat")
    assert list(tables) == ["all", "all_child"]
    assert tables["all"]["time"].unique().tolist() == [pd.Timestamp(1591016002, unit="s")]
    assert tables["all"].loc[0, ["TGID", "kB_rd/s", "iodelay", "nvcswch/s"]].tolist() == \
        [7900, 411.81, 253, 700.96]
    assert tables["all_child"].loc[2, "Command"] == "|__dconf worker"


def test_h_without_interval_looks_like_one_interval_so_is_not_since_boot():
    """``pidstat -hl`` (no interval: averages since each task started) and ``pidstat -H -h
    2 1`` (one 2-second interval) print the same shape: ``# Time`` headers with no time,
    one time stamp on every row, and no averages (``-h`` never prints them). Nothing tells
    the first from the second, so neither is flagged (``pidstat -u`` without interval is,
    by its header and rows carrying the same time)."""
    one_shot = corpus_files("pidstat", "jc__tests__fixtures__centos-7.7__pidstat-hl.out")
    interval = corpus_files("pidstat", "sysstat__tests__expected.pidstat-Hh")
    if not one_shot or not interval:
        pytest.skip("jc's pidstat-hl or sysstat's pidstat-Hh output not in the corpus")
    for path, table, stamp in ((one_shot[0], "cpu", 1646859134),
                               (interval[0], "all", 1591016002)):
        tables = perfkit.read(path, "pidstat")
        rows = raw_rows(path.read_text())
        assert not any(average for _, average in rows) and not tables.averages
        frame = tables[table]
        assert frame["time"].unique().tolist() == [pd.Timestamp(stamp, unit="s")]
        assert not frame["since_boot"].any()
    assert " 1646859134     0         1    0.00    0.03" in one_shot[0].read_text()
    cpu = perfkit.read(one_shot[0], "pidstat")["cpu"]
    assert cpu.loc[0, ["PID", "%system"]].tolist() == [1, 0.03]
    assert read("since-start.C.txt")["cpu"]["since_boot"].all()


def test_sysstat_human_values():
    path = corpus_files("pidstat", "sysstat__tests__expected.pidstat-I")
    if not path:
        pytest.skip("sysstat's pidstat-I expected output not in the corpus")
    tables = perfkit.read(path[0], "pidstat")
    assert tables.attrs["human"] is True
    assert tables["cpu"].loc[0, "%usr"] == 359.4
    assert tables["memory"].loc[0, "VSZ"] == pytest.approx(4.2 * 1024**2)
    assert tables["io"].loc[0, ["kB_rd/s", "kB_ccwr/s"]].tolist() == [411.8, 0.0]
    assert np.isnan(tables.averages["cpu"].loc[0, "CPU"])


def test_sysstat_command_lines_with_spaces():
    path = corpus_files("pidstat", "sysstat__tests__expected.pidstat-l")
    if not path:
        pytest.skip("sysstat's pidstat-l expected output not in the corpus")
    cpu = perfkit.read(path[0], "pidstat")["cpu"]
    assert "/usr/lib64/libreoffice/program/soffice.bin --calc --splash-pipe=6" in \
        cpu["Command"].tolist()
    assert "|__JS Helper" in cpu["Command"].tolist()


# -- the installed pidstat ---------------------------------------------------------------

@pytest.mark.live
@needs_tool("pidstat")
def test_installed_pidstat_json_is_read_or_refused_as_this_version_does():
    # sysstat 12.6.1 (the course machine's) has no "pidstat -o JSON": it prints its usage
    # and fails; a newer pidstat prints JSON, which must give the text's tables
    env = {"LC_ALL": "C", "PATH": "/usr/bin:/bin:/usr/sbin:/sbin"}
    done = subprocess.run(["pidstat", "-o", "JSON", "-u", "-p", "SELF", "1", "1"],
                          capture_output=True, text=True, env=env, timeout=30, check=False)
    if done.returncode != 0:
        assert "Usage" in done.stdout + done.stderr
        return
    tables = perfkit.parse(done.stdout)
    assert list(tables["cpu"].columns[2:]) == ["UID", "PID", "%usr", "%system", "%guest",
                                               "%wait", "%CPU", "CPU", "Command"]


def test_other_reports_and_a_banner_alone_are_refused():
    with pytest.raises(perfkit.ParseError, match="no pidstat header") as info:
        pidstat.parse(fixture_text("mpstat", "A.C.txt"))
    assert info.value.line == 3
    with pytest.raises(perfkit.ParseError, match="no pidstat header"):
        pidstat.parse(fixture_text("pidstat", "u.C.txt").split("\n")[0])


@pytest.mark.parametrize("name", ["midnight-first.C.txt", "midnight-first-h.en_US.txt"])
def test_a_first_row_after_midnight_is_on_the_next_day(name):
    # recorded with the clock faked by libfaketime from 23:59:59 (see record.sh); pidstat -h
    # prints no header time: the run started one interval before its first row
    text = fixture_text("pidstat", name)
    cpu = pidstat.parse(text)["cpu"]
    assert cpu["time"].tolist()[:2] == [pd.Timestamp("2026-11-25 00:00:00"),
                                        pd.Timestamp("2026-11-25 00:00:01")]
    first_row = next(line for line in text.split("\n") if line.startswith(("00:00:00", "12:00")))
    assert cpu["%usr"].iloc[0] == float(first_row.split()[-7])
