"""iostat: recordings from the course machine (sysstat 12.6.1) and the shared corpus (sysstat's
own expected outputs, jc's CentOS 7 / Ubuntu 18.04 / 20.10 recordings with jc's parse).

Values are checked against the raw text with a reader written for the tests: the header's
names zipped with each row's fields, decimal commas and ``-h`` suffixes undone by hand."""

from __future__ import annotations

import json
import re
import warnings
from datetime import datetime

import pandas as pd
import pytest
from conftest import corpus_files, fixture_path, fixture_text

import perfkit
from perfkit.parsers import iostat
from perfkit.parsers._read.text import clean_text, first_lines

TIME_STAMP = re.compile(r"^\S.*\d[:時]\d\d[:分]\d\d(秒| AM| PM|[+-]\d{4})?$")
SUFFIX = {"": 1, "k": 1, "M": 1024, "G": 1024**2, "T": 1024**3}


def read(name: str, **kwargs) -> perfkit.Tables:
    return iostat.parse(fixture_text("iostat", name), **kwargs)


def raw_blocks(text: str) -> list[tuple[str, list[dict[str, str]]]]:
    """(kind, rows) per printed block, each row a dict of header name -> printed field."""
    blocks: list[tuple[str, list[dict[str, str]]]] = []
    header: list[str] | None = None
    for line in clean_text(text).split("\n"):
        tokens = line.split()
        if not tokens:
            header = None
        elif tokens[0] == "avg-cpu:":
            header = tokens[1:]
            blocks.append(("cpu", []))
        elif "Device" in tokens or "Device:" in tokens:
            header = ["Device" if t == "Device:" else t for t in tokens]
            blocks.append(("dev", []))
        elif header is not None:
            blocks[-1][1].append(dict(zip(header, tokens, strict=True)))
    return blocks


def raw_rows(text: str, kind: str) -> list[dict[str, str]]:
    """The rows of every block of a kind; for devices, ``--pretty``'s blocks of one report
    (disjoint columns, same devices) are joined into one row per device."""
    if kind == "cpu":
        return [row for k, rows in raw_blocks(text) for row in rows if k == kind]
    merged: list[list[dict[str, str]]] = []
    for k, rows in raw_blocks(text):
        if k != "dev":
            continue
        if (merged and rows and merged[-1] and len(rows) == len(merged[-1])
                and not (set(rows[0]) & set(merged[-1][0])) - {"Device"}):
            merged[-1] = [{**a, **b} for a, b in zip(merged[-1], rows, strict=True)]
        else:
            merged.append(rows)
    return [row for rows in merged for row in rows]


def number(field: str, column: str = "") -> float:
    """A printed field as a number in its column's unit (``-h`` suffixes undone)."""
    field = field.replace(",", ".").rstrip("%")
    suffix = field[-1] if field[-1].isalpha() else ""
    value = float(field[: len(field) - len(suffix)])
    if not suffix:
        return value
    unit = 1024 if "MB" in column else 1
    return value * SUFFIX[suffix] / unit


def stamps(text: str) -> list[str]:
    return [line for line in text.split("\n")
            if TIME_STAMP.match(line) and not line.startswith(("Linux", " "))]


def assert_cells(frame: pd.DataFrame, rows: list[dict[str, str]]) -> None:
    assert len(frame) == len(rows)
    device = next((c for c in frame.columns if c in ("Device", "Device:")), None)
    for (_, got), want in zip(frame.iterrows(), rows, strict=True):
        for column, field in want.items():
            if column == "Device":
                assert got[device] == field.strip()
            else:
                assert got[column] == pytest.approx(number(field, column), rel=1e-9), column


TEXT_FIXTURES = sorted(p.name for p in fixture_path("iostat").glob("*.txt"))
JSON_FIXTURES = sorted(p.name for p in fixture_path("iostat").glob("*.json"))


# --------------------------------------------------------------------------- recordings

@pytest.mark.parametrize("name", TEXT_FIXTURES + JSON_FIXTURES)
def test_recordings_are_recognised_as_iostat(name):
    assert perfkit.detect_tool(clean_text(fixture_text("iostat", name))) == "iostat"
    assert isinstance(perfkit.read(fixture_path("iostat", name)), perfkit.Tables)


@pytest.mark.parametrize("name", TEXT_FIXTURES)
def test_every_cell_equals_the_printed_field(name):
    text = fixture_text("iostat", name)
    tables = iostat.parse(text)
    cpu_rows, dev_rows = raw_rows(text, "cpu"), raw_rows(text, "dev")
    if cpu_rows:
        assert_cells(tables["cpu"], cpu_rows)
    else:
        assert "cpu" not in tables
    if not dev_rows:
        assert "devices" not in tables
        return
    assert_cells(tables["devices"], dev_rows)


def test_decimal_commas_are_decimal_points():
    for name in ("xt.de_DE.txt", "xt.fr_FR.txt"):
        text = fixture_text("iostat", name)
        vda = [row for row in raw_rows(text, "dev") if row["Device"] == "vda"]
        assert "," in vda[0]["w/s"]
        devices = read(name)["devices"]
        got = devices.loc[devices["Device"] == "vda", "w/s"].tolist()
        assert got == [float(row["w/s"].replace(",", ".")) for row in vda]
        assert read(name).attrs["decimal"] == ","
    cpu = read("t.de_DE.txt")["cpu"]
    printed = raw_rows(fixture_text("iostat", "t.de_DE.txt"), "cpu")[0]["%idle"]
    assert "," in printed and cpu["%idle"].iloc[0] == float(printed.replace(",", "."))


def test_colour_codes_are_dropped():
    plain = clean_text(fixture_text("iostat", "xt.colors.txt"))
    assert "\x1b" in fixture_text("iostat", "xt.colors.txt")
    tables = read("xt.colors.txt")
    assert_cells(tables["devices"], raw_rows(plain, "dev"))
    assert tables["devices"]["%util"].gt(0).any()


def test_column_sets_keep_their_printed_names():
    assert list(read("s.C.txt")["devices"].columns[3:]) == [
        "tps", "kB_read/s", "kB_w+d/s", "kB_read", "kB_w+d"]
    assert "rMB/s" in read("xm.C.txt")["devices"] and "MB_wrtn" in read("m.C.txt")["devices"]
    xs = read("xs.C.txt")["devices"]
    assert list(xs.columns[3:]) == ["tps", "kB/s", "rqm/s", "await", "areq-sz", "aqu-sz",
                                    "%util"]
    header = fixture_text("iostat", "x.C.txt").split("\n")[5].split()
    assert list(read("x.C.txt")["devices"].columns[2:]) == header
    assert list(read("x-pretty.C.txt")["devices"].columns[2:]) == header
    assert list(read("c.C.txt")["cpu"].columns[2:]) == [
        "%user", "%nice", "%system", "%iowait", "%steal", "%idle"]


def test_report_numbers_are_shared_by_both_tables():
    tables = read("default.C.txt")
    assert tables["cpu"]["report"].tolist() == [0, 1, 2]
    assert tables["devices"]["report"].tolist() == [0, 0, 1, 1, 2, 2]
    assert tables["devices"]["Device"].tolist() == ["loop0", "vda"] * 3
    pretty = read("x-pretty.C.txt")["devices"]
    assert pretty["report"].tolist() == [0, 0, 1, 1]
    assert pretty.notna().all().all()


# --------------------------------------------------------------------------- since boot

@pytest.mark.parametrize(("name", "first", "basis"), [
    ("default.C.txt", True, "totals"),       # iostat 1 3
    ("since-boot.C.txt", True, "totals"),    # iostat
    ("t.iso.txt", True, "totals"),
    ("y.C.txt", False, "totals"),            # iostat -y 1 2
    ("y-single.C.txt", False, "totals"),     # iostat -y 1 1: covers one second
    ("xz.C.txt", True, "assumed"),           # -x has no totals
    ("c.C.txt", True, "assumed"),
    ("xt.C.json", True, "assumed"),
    ("d.C.json", True, "totals"),
])
def test_since_boot_flags_the_first_report_only(name, first, basis):
    tables = read(name)
    assert tables.attrs["since_boot_from"] == basis
    for frame in tables.values():
        assert frame["since_boot"].dtype == bool
        assert frame["since_boot"].tolist() == [first and r == 0 for r in frame["report"]]


def test_since_boot_can_be_given():
    tables = read("xz.C.txt", since_boot=False)
    assert not tables["devices"]["since_boot"].any()
    assert tables.attrs["since_boot_from"] == "given"


def test_since_boot_in_sysstat_outputs():
    (with_y,) = corpus_files("iostat", "sysstat__tests__expected.iostat-ym")  # -ym 1 2
    assert not perfkit.read(with_y, "iostat")["devices"]["since_boot"].any()
    (plain,) = corpus_files("iostat", "sysstat__tests__expected.iostat")  # iostat 2 3
    devices = perfkit.read(plain, "iostat")["devices"]
    assert devices["since_boot"].tolist() == (devices["report"] == 0).tolist()


# --------------------------------------------------------------------------- time stamps

@pytest.mark.parametrize(("name", "layout"), [
    ("xzt.C.txt", "%m/%d/%y %H:%M:%S"),
    ("t.en_US.txt", "%m/%d/%Y %I:%M:%S %p"),
    ("xzt.en_US.txt", "%m/%d/%Y %I:%M:%S %p"),
    ("t.de_DE.txt", "%d.%m.%Y %H:%M:%S"),
    ("xt.fr_FR.txt", "%d/%m/%Y %H:%M:%S"),
    ("t.ja_JP.txt", "%Y年%m月%d日 %H時%M分%S秒"),
    ("xt.colors.txt", "%m/%d/%y %H:%M:%S"),
])
def test_time_stamps_become_a_time_column(name, layout):
    text = clean_text(fixture_text("iostat", name))
    want = [datetime.strptime(s, layout) for s in stamps(text)]
    assert len(want) >= 2
    tables = read(name)
    cpu = tables["cpu"]
    assert cpu.columns[0] == "time" and str(cpu["time"].dtype) == "datetime64[ns]"
    assert cpu["time"].dt.to_pydatetime().tolist() == want
    devices = tables["devices"]
    assert (devices["time"] == devices["report"].map(dict(enumerate(want)))).all()


def test_twelve_hour_clock_reads_12_am_as_midnight():
    text = fixture_text("iostat", "t.en_US.txt")
    assert stamps(text)[0].endswith(" AM")
    tables = read("t.en_US.txt")
    first = tables["cpu"]["time"].iloc[0]
    assert first == datetime.strptime(stamps(text)[0], "%m/%d/%Y %I:%M:%S %p")
    assert tables.attrs["twelve_hour_clock"] is True


def test_iso_time_stamps_keep_wall_clock_and_offset():
    text = fixture_text("iostat", "t.iso.txt")
    raw = stamps(text)
    tables = read("t.iso.txt")
    want = [datetime.strptime(s, "%Y-%m-%dT%H:%M:%S%z").replace(tzinfo=None) for s in raw]
    assert tables["cpu"]["time"].dt.to_pydatetime().tolist() == want
    assert tables.attrs["utc_offset"] == raw[0][-5:]


def test_no_time_column_without_stamps():
    assert "time" not in read("default.C.txt")["cpu"]


# --------------------------------------------------------------------------- -h sizes

def test_human_sizes_are_in_the_columns_unit():
    text = fixture_text("iostat", "h.C.txt")
    rows = raw_rows(text, "dev")
    assert any(row["kB_wrtn"].endswith("G") for row in rows)
    tables = read("h.C.txt")
    assert tables.attrs["human"] is True
    assert_cells(tables["devices"], rows)
    big = next(row for row in rows if row["kB_wrtn"].endswith("G"))
    got = tables["devices"].loc[tables["devices"]["Device"] == big["Device"], "kB_wrtn"]
    assert got.iloc[0] == pytest.approx(float(big["kB_wrtn"][:-1]) * 1024**2)
    assert tables["cpu"]["%idle"].iloc[0] == float(raw_rows(text, "cpu")[0]["%idle"][:-1])


def test_human_sizes_under_megabyte_columns_are_megabytes():
    rows = raw_rows(fixture_text("iostat", "hm.C.txt"), "dev")
    devices = read("hm.C.txt")["devices"]
    field = rows[0]["MB_read/s"]
    assert field.endswith("M")
    assert devices["MB_read/s"].iloc[0] == pytest.approx(float(field[:-1]))
    assert_cells(devices, rows)


def test_human_sizes_with_decimal_commas():
    text = fixture_text("iostat", "h.fr_FR.txt")
    field = raw_rows(text, "dev")[0]["kB_read/s"]
    assert "," in field
    assert read("h.fr_FR.txt")["devices"]["kB_read/s"].iloc[0] == pytest.approx(
        number(field))


# --------------------------------------------------------------------------- groups, JSON

def test_group_totals_are_flagged():
    devices = read("g.C.txt")["devices"]
    assert devices["Device"].tolist() == ["vda", "loop0", "pool"] * 2
    assert devices["group"].tolist() == [False, False, True] * 2
    assert "group" not in read("default.C.txt")["devices"]


def test_json_cells_equal_the_printed_json():
    text = fixture_text("iostat", "xt.C.json")
    stats = json.loads(text)["sysstat"]["hosts"][0]["statistics"]
    tables = read("xt.C.json")
    assert tables.attrs["format"] == "json" and tables.attrs["host"] == "demo-host"
    names = {"disk_device": "Device", "rrqm": "%rrqm", "wrqm": "%wrqm", "drqm": "%drqm",
             "util": "%util"}
    disks = [(r, d) for r, s in enumerate(stats) for d in s["disk"]]
    assert len(tables["devices"]) == len(disks)
    for (_, got), (report, disk) in zip(tables["devices"].iterrows(), disks, strict=True):
        assert got["report"] == report
        for key, value in disk.items():
            assert got[names.get(key, key)] == value
    for (_, got), stat in zip(tables["cpu"].iterrows(), stats, strict=True):
        for key, value in stat["avg-cpu"].items():
            assert got[f"%{key}"] == value
        assert got["time"] == datetime.strptime(stat["timestamp"], "%m/%d/%y %H:%M:%S")


def test_json_twelve_hour_stamps():
    stats = json.loads(fixture_text("iostat", "t.en_US.json"))["sysstat"]["hosts"][0]
    want = [datetime.strptime(s["timestamp"], "%m/%d/%Y %I:%M:%S %p")
            for s in stats["statistics"]]
    assert read("t.en_US.json")["cpu"]["time"].dt.to_pydatetime().tolist() == want


def test_json_has_the_texts_columns():
    text_columns = list(read("x.C.txt")["devices"].columns)
    assert list(read("xt.C.json")["devices"].columns) == ["time", *text_columns]
    assert list(read("d.C.json")["devices"].columns) == list(read("d.C.txt")["devices"].columns)


def test_json_equals_text_on_the_same_data():
    # sysstat's test suite ran `iostat -x -p ALL 1 2` and `iostat -o JSON -x -p ALL 1 2` on the
    # same /proc snapshots
    (text,) = corpus_files("iostat", "sysstat__tests__expected.iostat-x-p-ALL")
    (jtext,) = corpus_files("iostat", "sysstat__tests__expected.iostat-x-p-ALL-JSON")
    plain, from_json = perfkit.read(text), perfkit.read(jtext)
    for name in ("cpu", "devices"):
        pd.testing.assert_frame_equal(plain[name], from_json[name], check_dtype=False)
    # -d -g and -o JSON -dm -g: the same devices, groups and tps
    (groups,) = corpus_files("iostat", "sysstat__tests__expected.iostat-g")
    (jgroups,) = corpus_files("iostat", "sysstat__tests__expected.iostat-g-JSON")
    a, b = perfkit.read(groups)["devices"], perfkit.read(jgroups)["devices"]
    for column in ("report", "Device", "group", "tps"):
        assert a[column].tolist() == b[column].tolist()
    assert b["group"].any() and "MB_read/s" in b


# --------------------------------------------------------------------------- bad input

def test_truncated_last_report_is_dropped_with_a_warning():
    text = fixture_text("iostat", "default.C.txt").rstrip("\n")
    with pytest.warns(perfkit.ParseWarning, match="truncated"):
        cut = iostat.parse(text[:-12])
    assert cut["cpu"]["report"].tolist() == [0, 1]
    assert cut["devices"]["report"].tolist() == [0, 0, 1, 1]
    # cut between the avg-cpu row and the device block of the last report
    head = text[: text.rindex("Device")]
    with pytest.warns(perfkit.ParseWarning, match="fewer blocks"):
        cut = iostat.parse(head)
    assert cut["cpu"]["report"].tolist() == [0, 1]
    with pytest.warns(perfkit.ParseWarning, match="truncated"):
        cut = iostat.parse(text[: text.rindex("avg-cpu") + 20], strict=True)
    assert cut["cpu"]["report"].tolist() == [0, 1]


def test_truncated_json_keeps_the_complete_reports():
    text = fixture_text("iostat", "xt.C.json")
    cut = text[: text.rindex('"disk_device"')]
    with pytest.warns(perfkit.ParseWarning, match="truncated"):
        tables = iostat.parse(cut)
    assert tables["devices"]["report"].unique().tolist() == [0]


def test_garbage_line_raises_in_strict_mode_and_warns_otherwise():
    lines = fixture_text("iostat", "default.C.txt").split("\n")
    at = lines.index(next(line for line in lines if line.startswith("loop0"))) + 1
    damaged = "\n".join([*lines[:at], "this is not iostat", *lines[at:]])
    with pytest.raises(perfkit.ParseError) as info:
        iostat.parse(damaged, strict=True)
    assert info.value.line == at + 1
    with pytest.warns(perfkit.ParseWarning) as said:
        tables = iostat.parse(damaged)
    assert [(w.message.line, w.message.text) for w in said] == [(at + 1, "this is not iostat")]
    assert len(tables["devices"]) == 6
    outside = "\n".join([*lines[:2], "garbage between blocks", *lines[2:]])
    with pytest.raises(perfkit.ParseError) as info:
        iostat.parse(outside, strict=True)
    assert info.value.line == 3


#: Recordings damaged by a stray line at each position: one and several reports, -x, -z
#: (device lists that vary), since boot or -y, time stamps, decimal commas, --pretty and -h.
STRAY_RECORDINGS = ("N.C.txt", "x.C.txt", "xzt.C.txt", "since-boot.C.txt", "y-single.C.txt",
                    "t.de_DE.txt", "x-pretty.C.txt", "xh.C.txt")
STRAY_CASES = [(name, stray, at) for name in STRAY_RECORDINGS
               for stray in ("@@@", "this is not iostat")
               for at in range(len(fixture_text("iostat", name).split("\n")) + 1)]


@pytest.mark.parametrize(("name", "stray", "at"), STRAY_CASES)
def test_a_stray_line_anywhere_is_named_and_the_real_rows_are_kept(name, stray, at):
    text = fixture_text("iostat", name)
    lines = text.split("\n")
    damaged = "\n".join([*lines[:at], stray, *lines[at:]])
    with pytest.raises(perfkit.ParseError) as info:
        iostat.parse(damaged, strict=True)
    assert info.value.line == at + 1
    if at == 0:
        return  # before the banner: not iostat's text at all
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tables = iostat.parse(damaged)
    assert [w.category for w in caught] == [perfkit.ParseWarning]
    message = str(caught[0].message)
    assert f"line {at + 1}:" in message and stray in message and "truncated" not in message
    intact = iostat.parse(text)
    assert list(tables) == list(intact) and tables.attrs == intact.attrs
    for table, frame in intact.items():
        pd.testing.assert_frame_equal(tables[table], frame, obj=table)
    assert_cells(tables["devices"], raw_rows(text, "dev"))


def test_a_short_last_line_is_a_cut_row_only_where_the_text_stops():
    lines = fixture_text("iostat", "y-single.C.txt").rstrip("\n").split("\n")
    vda = lines[-1]
    assert vda.startswith("vda")
    # cut in its last row: the only report is dropped, strict or not
    for cut in (vda[:2], vda[:40], vda[:vda.rindex(" ")]):
        with pytest.warns(perfkit.ParseWarning, match="truncated"):
            tables = iostat.parse("\n".join([*lines[:-1], cut]), strict=True)
        assert list(tables) == []
    # a line that cannot begin a row is a stray line, even where the text stops
    damaged = "\n".join([*lines, "this is not iostat"])
    with pytest.raises(perfkit.ParseError) as info:
        iostat.parse(damaged, strict=True)
    assert info.value.line == len(lines) + 1
    with pytest.warns(perfkit.ParseWarning, match=f"line {len(lines) + 1}: a row that"):
        tables = iostat.parse(damaged)
    assert tables["devices"]["Device"].tolist() == ["loop0", "vda"]
    assert tables["devices"]["kB_read"].iloc[1] == int(vda.split()[5])


# (a fragment that starts at "avg-cpu:" without the banner is read: see tests/wild)
@pytest.mark.parametrize("bad", [b"", b"  \n\n", b"\x00\x01binary\x02", bytes(range(256)),
                                 '{"sysstat": {}}'])
def test_empty_binary_or_foreign_input_raises(bad):
    with pytest.raises(perfkit.ParseError) as info:
        iostat.parse(bad)
    assert info.value.line is not None


def test_detect_rejects_other_sysstat_tools():
    assert not iostat.detect([])
    checked = 0
    for tool in ("mpstat", "pidstat", "sar", "sadf"):
        for path in corpus_files(tool):
            data = path.read_bytes()
            if b"\x00" in data or path.suffix == ".json":
                continue
            lines = first_lines(data.decode("utf-8", "replace"), 40)
            assert not iostat.detect(lines), path.name
            checked += 1
    assert checked > 50


# --------------------------------------------------------------------------- corpus

def test_every_corpus_output_parses():
    paths = [p for p in corpus_files("iostat") if p.suffix != ".json"]
    assert len(paths) > 60
    for path in paths:
        if path.name.endswith("iostat-V-env"):  # `iostat -V`: a version, not a report
            with pytest.raises(perfkit.ParseError):
                perfkit.read(path, "iostat")
            continue
        text = path.read_text()
        tables = perfkit.read(path)
        if text.startswith("{"):  # JSON: compared with the text in its own test
            assert tables["devices"]["Device"].notna().all()
            continue
        cpu_rows, dev_rows = raw_rows(text, "cpu"), raw_rows(text, "dev")
        assert len(tables.get("cpu", [])) == len(cpu_rows), path.name
        if cpu_rows:
            assert_cells(tables["cpu"], cpu_rows)
        if dev_rows:
            assert_cells(tables["devices"], dev_rows)


def test_old_column_sets_and_synonyms():
    (path,) = corpus_files("iostat", "jc__tests__fixtures__centos-7.7__iostat-x.out")
    devices = perfkit.read(path)["devices"]
    assert {"Device:", "avgrq-sz", "avgqu-sz", "svctm", "r_await"} <= set(devices.columns)
    assert perfkit.column(devices, "aqu-sz").equals(devices["avgqu-sz"])
    assert perfkit.column(devices, "Device").tolist() == devices["Device:"].tolist()


def jc_name(printed: str) -> str:
    return (printed.rstrip(":").lower().replace("%", "percent_").replace("/", "_")
            .replace("-", "_"))


@pytest.mark.parametrize("os_name", ["centos-7.7", "ubuntu-18.04", "ubuntu-20.10"])
def test_values_agree_with_jc(os_name):
    outs = corpus_files("iostat", f"jc__tests__fixtures__{os_name}__iostat*.out")
    assert outs
    for out in outs:
        expected = json.loads(out.with_suffix(".json").read_text())
        tables = perfkit.read(out)
        for kind, name in (("cpu", "cpu"), ("device", "devices")):
            want = [row for row in expected if row["type"] == kind]
            frame = tables[name] if want else tables.get(name, pd.DataFrame())
            assert len(frame) == len(want), out.name
            for (_, got), row in zip(frame.iterrows(), want, strict=True):
                columns = {jc_name(c): c for c in frame.columns}
                for key, value in row.items():
                    if key != "type":
                        assert got[columns[key]] == value, (out.name, key)


def test_an_impossible_time_stamp_names_its_line():
    lines = fixture_text("iostat", "t.de_DE.txt").split("\n")
    at = [i for i, line in enumerate(lines) if line in stamps("\n".join(lines))][1]
    day, _month, rest = lines[at].split(".", 2)
    lines[at] = f"{day}.13.{rest}"
    with pytest.raises(perfkit.ParseError) as info:
        iostat.parse("\n".join(lines))
    assert info.value.line == at + 1


def test_json_reindented_by_another_program_is_read_like_the_original():
    # jq and python -m json.tool print "{" alone on the first line
    text = fixture_text("iostat", "xt.C.json")
    pretty = json.dumps(json.loads(text), indent=4)
    assert pretty.startswith("{\n")
    assert perfkit.detect_tool(pretty) == "iostat"
    original, reindented = read("xt.C.json"), perfkit.parse(pretty)
    for name in original:
        assert reindented[name].equals(original[name]), name
    first = json.loads(text)["sysstat"]["hosts"][0]["statistics"][0]["disk"][0]
    assert reindented["devices"]["Device"].iloc[0] == first["disk_device"]
    assert reindented["devices"]["w/s"].iloc[0] == first["w/s"]
