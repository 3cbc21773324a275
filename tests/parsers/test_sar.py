"""sar: text reports, sadf -d/-j, binary sa files; fixtures recorded here and the corpus."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import (
    assert_same_tables,
    corpus_files,
    fixture_path,
    fixture_text,
    needs_tool,
    parse_with_setting,
)

import perfkit
from perfkit import ParseError, ParseWarning, Tables
from perfkit.parsers import sar, sar_sadf
from perfkit.parsers._read.text import first_lines
from perfkit.parsers.sar_reports import report_name

T = pd.Timestamp


def load(name: str) -> Tables:
    return perfkit.read(fixture_path("sar", name))


def row(frame: pd.DataFrame, **where) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column.replace("_", "-") if column not in frame else column] == value
    assert mask.sum() == 1, (where, mask.sum())
    return frame[mask].iloc[0]


# --- the 60-second checklist reports, cell by cell against the raw text -----------------

def test_dev_lo_rxkb_per_second():
    t = load("n-DEV.C.txt")
    assert list(t) == ["DEV"]
    dev = t["DEV"]
    assert list(dev.columns) == ["time", "IFACE", "rxpck/s", "txpck/s", "rxkB/s", "txkB/s",
                                 "rxcmp/s", "txcmp/s", "rxmcst/s", "%ifutil"]
    assert len(dev) == 12 and dev["time"].dtype == "datetime64[ns]"
    lo = row(dev, time=T("2026-11-25 00:32:24"), IFACE="lo")
    assert lo["rxkB/s"] == 17507.09 and lo["rxpck/s"] == 1555.0
    average = t.averages["DEV"]
    assert row(average, IFACE="lo")["rxkB/s"] == 17112.69
    assert "time" not in average  # averages apart, never among the samples


def test_tcp_active_and_etcp():
    t = load("n-TCP-ETCP.C.txt")
    assert set(t) == {"TCP", "ETCP"}
    assert row(t["TCP"], time=T("2026-11-25 00:32:29"))["active/s"] == 59.0
    assert t["TCP"]["iseg/s"].tolist() == [1274.0, 1561.0, 1405.0]
    assert t.averages["TCP"]["active/s"].iloc[0] == 64.67
    assert list(t["ETCP"].columns) == ["time", "atmptf/s", "estres/s", "retrans/s",
                                       "isegerr/s", "orsts/s"]


def test_etcp_retransmissions_under_loss():
    t = load("n-TCP-ETCP-loss.C.txt")  # 5% loss on the test server's port, see record.sh
    etcp = t["ETCP"]
    assert row(etcp, time=T("2026-11-25 00:32:35"))["retrans/s"] == 3.0
    assert etcp["retrans/s"].max() > 0
    assert t.averages["ETCP"]["retrans/s"].iloc[0] == 1.0
    assert perfkit.column(etcp, "retrseg/s").max() == 3.0  # the 12.7.6 name finds it


def test_cpu_u_all_p_all():
    t = load("u-ALL-P-ALL.C.txt")
    cpu = t["cpu"]
    assert list(cpu.columns) == ["time", "CPU", "%usr", "%nice", "%sys", "%iowait", "%steal",
                                 "%irq", "%soft", "%guest", "%gnice", "%idle"]
    assert cpu["CPU"].tolist() == ["all", "0", "1"] * 2
    first = row(cpu, time=T("2026-11-25 00:32:39"), CPU="all")
    assert (first["%usr"], first["%steal"]) == (95.48, 3.02)
    assert row(t.averages["cpu"], CPU="1")["%usr"] == 96.98
    assert t.attrs["cpus"] == 2 and t.attrs["host"] == "demo-host"


def test_queue_memory():
    q = load("q.C.txt")
    assert q["queue"][["runq-sz", "plist-sz", "ldavg-1"]].values.tolist() == [
        [4, 135, 2.47], [4, 150, 2.47]]
    assert q.averages["queue"]["plist-sz"].iloc[0] == 142
    r = load("r-ALL.C.txt")["memory"]
    assert r["kbmemfree"].tolist() == [23174088, 23114088]
    assert r.loc[1, "kbvmused"] == 15244 and r.loc[0, "%memused"] == 1.38


def test_single_letter_reports_get_their_names():
    t = load("B-b-S-W-w-v-H-y.C.txt")
    assert set(t) == {"paging", "io", "swap", "swapping", "tasks", "kernel", "hugepages",
                      "tty"}
    assert t["tasks"]["cswch/s"].tolist() == [1113.0, 795.0]
    assert t["paging"].loc[0, "fault/s"] == 28126.0
    assert t["io"].loc[1, "bwrtn/s"] == 104.0
    assert t["kernel"].loc[0, "dentunusd"] == 108626
    assert t["tty"]["TTY"].tolist() == ["0", "0"]


def test_disk_pretty_interrupts_filesystems_power():
    disk = load("d-p.C.txt")["disk"]
    assert list(disk.columns)[-1] == "DEV"  # -p prints the device last; kept there
    assert row(disk, time=T("2026-11-25 00:32:46"), DEV="vda")["wkB/s"] == 201764.0
    intr = load("I-SUM.C.txt")
    assert intr["interrupts"][["INTR", "all"]].values.tolist() == [["sum", 715.0],
                                                                   ["sum", 678.0]]
    fs = load("F.C.txt")
    assert fs["filesystems"].loc[0, "FILESYSTEM"] == "/dev/vda"
    assert fs["filesystems"].loc[0, "MBfsfree"] == 234955
    assert fs.averages["filesystems"].loc[0, "%fsused"] == 8.94  # the Summary: row
    assert load("m-ALL.C.txt")["power-CPU"].loc[0, "MHz"] == 2596.11


def test_sar_a_every_report():
    t = load("A.C.txt")
    assert set(t) == {
        "cpu", "tasks", "interrupts", "swapping", "paging", "io", "memory", "swap",
        "hugepages", "kernel", "queue", "tty", "disk", "DEV", "EDEV", "NFS", "NFSD", "SOCK",
        "IP", "EIP", "ICMP", "EICMP", "TCP", "ETCP", "UDP", "SOCK6", "IP6", "EIP6", "ICMP6",
        "EICMP6", "UDP6", "SOFT", "power-CPU", "filesystems", "psi-CPU", "psi-IO", "psi-MEM"}
    assert set(t.averages) == set(t)
    assert not any(" " in name for name in t)
    assert list(t["interrupts"].columns) == ["time", "INTR", "all", "CPU0", "CPU1"]
    assert (t["cpu"].groupby("time").size() == 3).all()  # all, 0, 1 at each time
    for name, frame in t.items():
        assert frame["time"].dtype == "datetime64[ns]", name
        assert frame["time"].dt.date.eq(pd.Timestamp("2026-11-25").date()).all()


def test_human_values_back_to_numbers():
    t = load("h-r-d-F-n-DEV.C.txt")
    assert t.attrs["human"] is True
    memory = t["memory"].iloc[0]
    assert memory["kbmemfree"] == pytest.approx(21.0 * 1024 * 1024)  # 21.0G in KiB
    assert memory["%memused"] == 6.1 and memory["kbbuffers"] == pytest.approx(16.4 * 1024)
    vda = row(t["disk"], DEV="vda")
    assert vda["rkB/s"] == pytest.approx(24.8 * 1024) and vda["areq-sz"] == 90.8
    assert vda["%util"] == 6.3
    assert t["filesystems"].loc[0, "MBfsfree"] == pytest.approx(229.4 * 1024)  # MiB
    assert t["DEV"]["rxkB/s"].eq(0).all() and t["DEV"]["IFACE"].iloc[0] == "lo"


# --- locales and environment -----------------------------------------------------------

@pytest.mark.parametrize("name, label", [("u-r-F.de_DE.txt", "Durchschn.:"),
                                         ("u-r-F.fr_FR.txt", "Moyenne\u202f:")])
def test_decimal_comma_and_translated_labels(name, label):
    t = load(name)
    assert t.attrs["decimal"] == "," and label in fixture_text("sar", name)
    if name.startswith("u-r-F.de"):
        assert t["cpu"].loc[0, "time"] == T("2026-11-25 00:32:59")
        assert t["cpu"]["%user"].tolist() == [99.5, 96.52]
        assert t["memory"].loc[0, "%memused"] == 1.61
        assert t.averages["cpu"].loc[0, "%user"] == 98.01
        assert t.averages["filesystems"].loc[0, "%fsused"] == 8.95  # Zusammenfassung:
    else:
        assert t["cpu"].loc[0, "time"] == T("2026-11-25 00:33:01")  # 25/11/2026, day first
        assert t["cpu"]["%user"].gt(90).all()
        assert len(t.averages["filesystems"]) == 1  # Résumé:


def test_twelve_hour_clock_iso_date_and_colours():
    t = load("u-q.en_US.txt")
    assert t["cpu"]["time"].tolist() == [T("2026-11-25 00:33:03"), T("2026-11-25 00:33:04")]
    assert t["cpu"]["%user"].tolist() == [95.5, 98.02]
    assert t.averages["queue"].loc[0, "ldavg-5"] == 1.77
    iso = load("q.ISO.txt")
    assert iso["queue"]["time"].iloc[0] == T("2026-11-25 00:33:05")
    colours = load("u.colors.txt")
    assert colours["cpu"]["%user"].tolist() == [99.5, 99.0]


# --- one binary file, four readings ------------------------------------------------------

def _same(a: Tables, b: Tables, *, skip_columns=()) -> None:
    assert set(a) == set(b)
    for name in a:
        x = a[name]
        y = b[name].drop(columns=["interval"], errors="ignore")
        y = y[[c for c in x.columns if c in y.columns]]
        assert list(x.columns) == list(y.columns), name
        pd.testing.assert_frame_equal(x.drop(columns=list(skip_columns), errors="ignore"),
                                      y.drop(columns=list(skip_columns), errors="ignore"),
                                      check_dtype=False, atol=0.0051, obj=name)


def test_sadf_d_and_j_agree_with_sar_f():
    text = load("sa-restart.A.C.txt")
    csv = load("sa-restart.sadf-d.C.txt")
    js = load("sa-restart.sadf-j.C.txt")
    _same(text, csv)
    _same(text, js)
    assert row(text["DEV"], time=T("2026-11-25 00:33:09"), IFACE="lo")["rxkB/s"] == 29599.46
    for t in (text, csv, js):
        assert t.attrs["restarts"].values.tolist() == [[T("2026-11-25 00:33:09"), 2]]
        assert t.attrs["comments"]["comment"].tolist() == ["perfkit fixture"]
    assert csv.attrs["timezone"] == "UTC" and js.attrs["timezone"] == "UTC"
    assert js.attrs["kernel"] == "6.18.44-fc-v657" and js.attrs["cpus"] == 2


def test_sadf_d_decimal_comma_and_one_line_form():
    de = load("sa-restart.sadf-d.de_DE.txt")
    c = load("sa-restart.sadf-d.C.txt")
    assert de.attrs["decimal"] == ","
    assert de["cpu"]["%user"].tolist() == c["cpu"].query("CPU == 'all'")["%usr"].tolist()
    assert de["cpu"].loc[0, "%user"] == 56.5 and de["cpu"].loc[0, "CPU"] == "all"
    assert row(de["DEV"], time=T("2026-11-25 00:33:09"), IFACE="lo")["rxkB/s"] == 29599.46
    one_line = load("sa-restart.sadf-dh-qrS.C.txt")  # sadf -dh: -q -r -S on each line
    assert set(one_line) == {"memory", "swap", "queue"}
    assert one_line["memory"]["kbmemfree"].tolist() == [22614744, 22056536]
    assert one_line["queue"]["plist-sz"].tolist() == [133, 134]
    pd.testing.assert_series_equal(one_line["memory"]["kbmemfree"],
                                   c["memory"]["kbmemfree"], check_dtype=False)


@needs_tool("sadf")
def test_read_binary_sa_file():
    t = perfkit.read(fixture_path("sar", "sa-restart.bin"))
    assert t.attrs["format"] == "sa file" and t.attrs["host"] == "demo-host"
    _same(load("sa-restart.A.C.txt"), t)
    assert t.attrs["comments"]["comment"].tolist() == ["perfkit fixture"]


def test_missing_sadf_says_install_sysstat(monkeypatch):
    monkeypatch.setattr(sar_sadf.shutil, "which", lambda _name: None)
    data = fixture_path("sar", "sa-restart.bin").read_bytes()
    with pytest.raises(ParseError, match="install sysstat"):
        sar.read_sa_file(data)


# --- detection, bad input ----------------------------------------------------------------

def test_detect_sar_and_not_mpstat():
    for path in sorted(fixture_path("sar").glob("*.txt")):
        assert perfkit.detect_tool(path.read_text()) == "sar", path.name
    mpstat = [*fixture_path("mpstat").glob("*.txt")]
    if not mpstat:
        pytest.skip("no mpstat fixtures")
    json = [*fixture_path("mpstat").glob("*.json"), *fixture_path("iostat").glob("*.json")]
    for path in [*mpstat, *json]:
        assert not sar.detect(first_lines(path.read_text(), 40)), path.name


def test_mpstat_corpus_not_claimed():
    for path in corpus_files("mpstat", "*.out") + corpus_files("mpstat", "*expected*"):
        text = path.read_text(errors="replace")
        if "%iowait" in text:
            assert not sar.detect(first_lines(text, 40)), path.name


def test_unknown_line_strict_and_lenient():
    lines = fixture_text("sar", "q.C.txt").split("\n")
    lines.insert(4, "00:32:41   something sar never prints")
    text = "\n".join(lines)
    with pytest.raises(ParseError) as info:
        perfkit.parse(text, "sar", strict=True)
    assert info.value.line == 5
    with pytest.warns(ParseWarning, match="line 5"):
        t = perfkit.parse(text, "sar")
    assert t["queue"]["plist-sz"].tolist() == [135, 150]


def test_line_numbers_survive_removed_comments():
    lines = fixture_text("sar", "sa-restart.A.C.txt").split("\n")
    bad = next(i for i, line in enumerate(lines) if line.startswith("00:33:10")) + 1
    lines.insert(bad, "00:33:10   garbage")  # after the COM line that is taken out
    with pytest.raises(ParseError) as info:
        perfkit.parse("\n".join(lines), "sar", strict=True)
    assert info.value.line == bad + 1


def test_truncated_last_sample_dropped_with_warning():
    text = fixture_text("sar", "n-DEV.C.txt")
    cut = text[:text.index("00:32:24         ifb0") + 30]
    with pytest.warns(ParseWarning, match="truncated"):
        t = perfkit.parse(cut, "sar")
    assert t["DEV"]["IFACE"].tolist() == ["lo"]


def test_sample_cut_inside_its_time_is_dropped_with_warning():
    text = fixture_text("sar", "r-ALL.C.txt")
    second = text.index("\n00:32:45") + 1
    cut = text[:second + 4]  # "00:3": a time stamp that is not one
    with pytest.warns(ParseWarning, match="line 5: .*'00:3'"):
        t = perfkit.parse(cut, "sar")
    assert t["memory"]["kbmemfree"].tolist() == [23174088]


def test_unknown_header_is_a_table_named_after_its_columns():
    text = fixture_text("sar", "q.C.txt").replace("runq-sz", "newq-sz")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = perfkit.parse(text, "sar")
    name = "newq-sz plist-sz ldavg-1 ldavg-5 ldavg-15 blocked"
    assert list(t) == [name] and t[name]["newq-sz"].tolist() == [4, 4]
    assert report_name(("retrseg/s",)) == "retrseg/s"
    assert report_name(("atmptf/s", "estres/s", "retrseg/s")) == "ETCP"


@pytest.mark.parametrize("text, form", [
    ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sysstat>\n<sysstat>\n', "XML"),
    ("h\t1\t2026-11-25 00:33:09 UTC\tall\t%user\t2.15\n", "one field per line"),
    ("# uptime_cs; 719255; ust_time; 1555593609\n", "raw"),
])
def test_unsupported_sadf_forms(text, form):
    with pytest.raises(ParseError, match=form):
        perfkit.parse(text, "sar")


def test_empty_and_binary_input():
    with pytest.raises(ParseError):
        perfkit.parse("", "sar")
    with pytest.raises(ParseError):
        sar.read_sa_file(b"not an sa file")


# --- the shared corpus -------------------------------------------------------------------

#: corpus files that are not sar/sadf reports perfkit reads, and why
NOT_REPORTS = {
    "expected.sar-V-env": "sar --getenv -V: environment and version",
    "expected.sadf-V-env": "sadf --getenv -V: environment and version",
    "extra__expected.pcpar": "sadf -l output converted to a PCP archive label",
    "expected.sadf-s-epoch": "empty output",
}
#: sysstat's own tests print these inconsistent reports (rows with fewer values than their
#: header: a CPU that is offline, or the 12.0.1 reader of tests/ini); their rows warn
KNOWN_WARNINGS = {"expected.data-ini", "expected.sar-ext-hl", "expected.sar32-A",
                  "expected2.sar32-A"}


def _corpus_text():
    files = []
    for tool in ("sar", "sadf"):
        files += [p for p in corpus_files(tool) if "__data-" not in p.name
                  and "__data" not in p.name]
    return files


def _short(path) -> str:
    return path.name.split("__tests__", 1)[-1]


def test_every_corpus_text_file_parses_or_is_refused_clearly():
    read = refused = 0
    for path in _corpus_text():
        short = _short(path)
        data = path.read_bytes()
        if short in NOT_REPORTS:
            with pytest.raises(ParseError):
                perfkit.parse(data, "sar")
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                t = perfkit.parse(data, "sar")
            except ParseError as exc:
                assert "which perfkit does not read" in str(exc), (short, exc)
                refused += 1
                continue
        warned = [w for w in caught if issubclass(w.category, ParseWarning)]
        assert bool(warned) == (short in KNOWN_WARNINGS), (short, warned[:2])
        assert not any(" " in name for name in t), (short, list(t))
        read += 1
    assert read > 90 and refused > 20


def _corpus(tool: str, name: str):
    files = corpus_files(tool, f"*__tests__{name}")
    if not files:
        pytest.skip(f"{name} not in the corpus")
    return files[0]


def test_corpus_sar_sadf_d_and_j_of_one_file_agree():
    text = perfkit.read(_corpus("sar", "expected2.sar-all"), "sar")
    csv = perfkit.read(_corpus("sadf", "expected.sadf-d"), "sar")
    js = perfkit.read(_corpus("sadf", "expected.sadf-j"), "sar")
    assert len(text) == 40
    # sar resolves one disk name that sadf does not; sar prints arrows for battery states,
    # sadf words; sadf -d cannot name the CPUs of INTR;CPU* while one is offline
    skip = ["DEV", "status"]
    _same(Tables({k: v for k, v in text.items() if k != "interrupts"}),
          Tables({k: v for k, v in csv.items() if k != "interrupts"}), skip_columns=skip)
    _same(text, js, skip_columns=skip)
    lo = row(text["DEV"], time=T("2019-04-18 13:20:19"), IFACE="lo")
    assert lo["rxpck/s"] == 0.0
    assert text["ETCP"].columns[3] == "retrseg/s"
    assert js.attrs["restarts"]["cpus"].tolist() == [9, 10]
    assert text.attrs["restarts"]["cpus"].tolist() == [9, 10]


@pytest.mark.parametrize("variant, tolerance", [("expected.sar-human", 0.06),
                                                ("expected.sar-dec", 0.5)])
def test_corpus_human_and_dec0_agree_with_plain(variant, tolerance):
    plain = perfkit.read(_corpus("sar", "expected2.sar-all"), "sar")
    other = perfkit.read(_corpus("sar", variant), "sar")
    assert set(plain) == set(other)
    for name, frame in plain.items():
        numbers = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
        a, b = frame[numbers].to_numpy(float), other[name][numbers].to_numpy(float)
        if variant.endswith("human"):
            close = abs(a - b) <= tolerance * abs(a) + 0.051 * 1024
        else:
            close = abs(a - b) <= tolerance + 1e-9
        close |= np.isnan(a) & np.isnan(b)  # CPUs offline in some samples
        assert close.all(), name


@needs_tool("sadf")
@pytest.mark.parametrize("version", ["9.1.6", "11.6.5", "12.0.0", "ppc-11.7.2",
                                     "extra-12.1.7"])
def test_corpus_old_binary_files_agree_with_sysstat_reading(version):
    binary = perfkit.read(_corpus("sar", f"data-{version}"))
    expected = perfkit.read(_corpus("sar", f"expected.data-{version}"), "sar")
    common = set(binary) & set(expected)
    assert len(common) >= min(len(expected), 2)
    # sysstat 12.7 computes kbmemused and kbavail otherwise; this sadf (12.6.1) misreads
    # the big-endian file's times, so they are not compared there
    skip = {"kbmemused", "%memused", "kbavail"}
    for name in common:
        a, b = expected[name], binary[name]
        columns = [c for c in a.columns if c in b.columns and c not in skip
                   and (c != "time" or not version.startswith("ppc"))]
        assert len(a) == len(b), name
        pd.testing.assert_frame_equal(a[columns], b[columns], check_dtype=False,
                                      atol=0.0051, obj=f"{version} {name}")


@needs_tool("sadf")
def test_corpus_10_3_1_reads_or_says_why():
    try:
        t = perfkit.read(_corpus("sar", "data-10.3.1"))
    except ParseError as exc:
        assert "sadf" in str(exc)
    else:
        expected = perfkit.read(_corpus("sar", "expected.data-10.3.1"), "sar")
        assert set(t) & set(expected)


@needs_tool("sadf")
def test_corpus_damaged_files_raise_parse_error():
    damaged = [p for p in corpus_files("sar", "*__data-*")
               if p.name.endswith("err") or "trunc" in p.name or "overflow" in p.name]
    assert len(damaged) >= 15
    for path in damaged:
        with pytest.raises(ParseError, match="sadf"):
            perfkit.read(path)


def test_corpus_usb_battery_and_extremes():
    t = perfkit.read(_corpus("sar", "expected2.sar-all"), "sar")
    usb = t["power-USB"]
    assert list(usb.columns) == ["time", "BUS", "idvendor", "idprod", "maxpower", "manufact",
                                 "product"]
    webcam = row(usb, time=T("2019-04-18 13:20:49"), idprod="b62a")
    assert (webcam["manufact"], webcam["product"], webcam["maxpower"]) == (
        "Chicony Electronics C", "HP Webcam", 1000)
    hub = row(usb, time=T("2019-04-18 13:20:49"), idvendor="5e3")
    assert pd.isna(hub["manufact"]) and hub["product"] == "USB2.0 Hub"
    assert len(t.averages["power-USB"]) == 4  # the Summary: rows
    battery = t["power-BAT"]
    assert battery["%cap"].tolist()[:2] == [100, 83]
    assert battery["cap/min"].tolist()[:2] == [0.0, -3.85]
    assert t.averages["power-BAT"]["cap/min"].tolist() == [-11.19]
    assert t.averages["power-BAT"]["status"].isna().all()  # sar prints none there
    x = perfkit.read(_corpus("sar", "expected2.sar-xall"), "sar")  # sar -x: min and max
    minimum, maximum = x.attrs["minimum"]["cpu"], x.attrs["maximum"]["cpu"]
    # one Minimum:/Maximum:/Average: row per CPU and per run between restarts
    assert minimum.query("CPU == 'all'")["%usr"].tolist() == [2.15, 2.67]
    assert maximum.query("CPU == 'all'")["%usr"].tolist()[0] == 6.21
    assert (x.averages["cpu"].query("CPU == 'all'")["%idle"].tolist()
            == t.averages["cpu"].query("CPU == 'all'")["%idle"].tolist())


def test_corpus_sadf_local_time_and_epoch():
    local = perfkit.read(_corpus("sadf", "expected.sadf-d-T-tz"), "sar")
    assert local.attrs["timezone"] == "EST"
    assert local["cpu"]["time"].iloc[0] == T("2019-04-18 09:20:19")
    epoch = perfkit.read(_corpus("sadf", "expected.sadf-U-se-epoch"), "sar")
    assert epoch["cpu"]["time"].iloc[0] == T("2019-04-18 13:20:39")
    assert epoch.attrs["restarts"]["cpus"].tolist() == [9]


@pytest.mark.parametrize("damaged", [False, True])
def test_tables_read_in_worker_threads_are_the_same(monkeypatch, damaged):
    """Large reports are read in a worker thread (sysstat_engine._read_tables): same frames,
    same warnings, in the same order, as one by one."""
    from perfkit.parsers._read import sysstat_engine as sysstat

    text = fixture_text("sar", "A.C.txt")
    if damaged:
        lines = text.split("\n")
        lines.insert(len(lines) // 3, "00:32:58   garbage 1,5")
        text = "\n".join(lines)[:-9]

    threaded = parse_with_setting(monkeypatch, sysstat, "_THREADED", 0, text, "sar")
    serial = parse_with_setting(monkeypatch, sysstat, "_THREADED", 1 << 60, text, "sar")
    assert_same_tables(threaded, serial)
    assert bool(serial[1]) == damaged


@pytest.mark.parametrize("change", ["none", "renamed column", "garbage row", "lost header"])
def test_headers_checked_against_the_period_are_read_as_looked_up(monkeypatch, change):
    """Past the first blocks (sysstat_engine._LEARN), headers are checked against the header
    their place in the report's period foretells; a header that differs (a renamed
    column, one cut away) is looked up one by one: the tables are the same either way."""
    from perfkit.parsers._read import sysstat_engine as sysstat
    from perfkit.parsers._read import sysstat_lines

    # the recording's sample blocks three times over, as a longer run prints them: two
    # periods to learn from, one to check
    banner, _, body = fixture_text("sar", "A.C.txt").partition("\n\n")
    samples = [block for block in body.split("\n\n") if block[:1].isdigit()]
    lines = "\n\n".join([banner, *samples * 3]).split("\n")
    headers = [i for i, line in enumerate(lines) if "%usr" in line and "CPU" in line]
    last = headers[-1]
    if change == "renamed column":
        lines[last] = lines[last].replace("%usr", "%user")
    elif change == "garbage row":
        lines.insert(last + 1, lines[last][:9] + "garbage 1 2 3")
    elif change == "lost header":
        del lines[last]
    text = "\n".join(lines)
    learned = "\n".join(lines[:headers[-1]]).count("\n\n")  # all blocks before the last
    checked = []
    same_headers = sysstat._TimeShape.same_headers

    def spy(self, data, seps, *args):
        checked.append(len(seps))
        return same_headers(self, data, seps, *args)

    monkeypatch.setattr(sysstat._TimeShape, "same_headers", spy)

    looked_up = parse_with_setting(monkeypatch, sysstat_lines, "_LEARN", 1 << 30, text, "sar")
    assert not checked
    for learn in (learned, learned - 5):
        foretold = parse_with_setting(monkeypatch, sysstat_lines, "_LEARN", learn, text, "sar")
        assert checked and checked[-1] > 20  # the last interval's headers were checked
        assert_same_tables(foretold, looked_up)
    assert ("%user" in foretold[0]["cpu"].columns) == (change == "renamed column")


def test_a_stray_label_line_before_a_header_leaves_the_real_averages_alone():
    # "foo: bar baz" before the dentunusd header was taken for the average header of a
    # table of its own, and the report's real "Average:" row went to that table
    text = fixture_text("sar", "sa-restart.A.C.txt")
    lines = text.split("\n")
    at = lines.index(next(line for line in lines if "dentunusd" in line))
    damaged = "\n".join([*lines[:at], "foo: bar baz", *lines[at:]])
    with pytest.raises(ParseError) as info:
        sar.parse(damaged, strict=True)
    assert info.value.line == at + 1
    with pytest.warns(ParseWarning, match=f"line {at + 1}:.*foo: bar baz") as said:
        tables = sar.parse(damaged)
    assert len(said) == 1
    clean = load("sa-restart.A.C.txt")
    assert tables.averages["kernel"]["dentunusd"].tolist() == [108703, 108722]
    for name in clean:
        pd.testing.assert_frame_equal(tables[name], clean[name])
        pd.testing.assert_frame_equal(tables.averages[name], clean.averages[name])


def test_a_first_row_after_midnight_is_on_the_next_day_in_every_report():
    # recorded from 23:59:59 with the clock faked by libfaketime (see record.sh): each
    # report's header says 23:59:59 and its first row 00:00:00, on the banner's next day
    tables = load("midnight-first.C.txt")
    assert list(tables) == ["cpu", "memory", "queue", "DEV"]
    for name in tables:
        assert tables[name]["time"].iloc[0] == T("2026-11-25 00:00:00"), name
    text = fixture_text("sar", "midnight-first.C.txt")
    assert "\n23:59:59        CPU" in text
    queue_row = text.split("runq-sz")[1].split("\n")[1].split()  # "00:00:00  1  101 ..."
    assert tables["queue"]["plist-sz"].iloc[0] == int(queue_row[2])


def test_corpus_first_row_after_midnight():
    # sysstat's own test outputs: a header at 23:59:59 and its row at 00:00:00
    path = next(iter(corpus_files("sar", "sysstat__tests__expected33.sar-u")), None)
    if path is None:
        pytest.skip("sysstat__tests__expected33.sar-u not in the corpus")
    cpu = perfkit.read(path)["cpu"]
    assert cpu["time"].tolist() == [T("2019-05-02 00:00:00"), T("2019-05-02 00:00:01")]


@pytest.mark.parametrize("name", ["q.C.txt", "u.colors.txt", "n-DEV.C.txt"])
def test_one_report_reads_whole_numbers_as_integers_like_sar_A(name):
    # a one-report text is read in one go, its repeated headers' times left as empty rows;
    # those made every whole-number column float, unlike the same report within sar -A
    tables = load(name)
    whole = load("A.C.txt")
    for table, frame in tables.items():
        for column in frame.columns:
            if column in whole.get(table, {}) and column != "time":
                assert frame[column].dtype == whole[table][column].dtype, (table, column)
    if name == "q.C.txt":
        assert tables["queue"]["plist-sz"].tolist() == [135, 150]
        assert tables["queue"]["plist-sz"].dtype == "int64"


def test_sadf_dh_with_one_per_cpu_activity_on_each_row():
    # "...;%idle[...];kbmemfree;...": -u's columns once per CPU (only "all", -1, here)
    one_line = load("sa-restart.sadf-dh-uqr.C.txt")
    assert set(one_line) == {"cpu", "memory", "queue"}
    # demo-host;1;2026-11-25 00:33:09 UTC;-1;56.50;0.00;43.00;0.00;0.50;0.00;22614744;...
    first = one_line["cpu"].iloc[0]
    assert (first["CPU"], first["%user"], first["%system"]) == ("all", 56.5, 43.0)
    assert one_line["cpu"]["time"].tolist() == [T("2026-11-25 00:33:09"),
                                                T("2026-11-25 00:33:10")]
    assert one_line["memory"]["kbmemfree"].tolist() == [22614744, 22056536]
    assert one_line["queue"]["runq-sz"].tolist() == [3, 4]
    per_cpu = load("sa-restart.sadf-dh-P-ALL.C.txt")["cpu"]
    # ...;-1;56.50;...;0;38.00;0.00;62.00;...;1;75.00;0.00;24.00;0.00;1.00;0.00
    at_first = per_cpu[per_cpu["time"] == T("2026-11-25 00:33:09")].set_index("CPU")
    assert at_first.loc["all", "%user"] == 56.5 and at_first.loc["0", "%system"] == 62.0
    assert at_first.loc["1", "%user"] == 75.0 and at_first.loc["1", "%steal"] == 1.0
    assert len(per_cpu) == 6  # two intervals, three rows each


def test_sadf_dh_with_two_per_device_activities_is_refused():
    with pytest.raises(ParseError, match="several per-device") as info:
        load("sa-restart.sadf-dh-u-P-ALL-n-DEV.C.txt")
    assert info.value.line == 1


def test_sadf_j_reindented_by_jq_or_json_tool_reads_like_the_original():
    original = load("sa-restart.sadf-j.C.txt")
    for name in ("sa-restart.sadf-j-jq.C.txt", "sa-restart.sadf-j-json-tool.C.txt"):
        text = fixture_text("sar", name)
        assert text.startswith("{\n") and perfkit.detect_tool(text) == "sar", name
        pretty = load(name)
        assert pretty.attrs["format"] == original.attrs["format"]
        for table in pretty:  # -u's "cpu" has other columns than -A's (%user, not %usr)
            if table != "cpu":  # and -r fewer than -A's -r ALL
                columns = list(pretty[table].columns)
                pd.testing.assert_frame_equal(pretty[table], original[table][columns],
                                              check_dtype=False, obj=f"{name}: {table}")
        sadf_d_u = load("sa-restart.sadf-d.de_DE.txt")["cpu"]  # sadf -d -- -u -n DEV
        assert pretty["cpu"]["%user"].tolist() == sadf_d_u["%user"].tolist()
        assert pretty["cpu"]["%idle"].tolist() == sadf_d_u["%idle"].tolist()
    jq = load("sa-restart.sadf-j-jq.C.txt")
    assert jq["cpu"]["%user"].iloc[0] == 56.5  # jq prints 56.5 where sadf printed 56.50
    assert row(jq["DEV"], time=T("2026-11-25 00:33:09"), IFACE="lo")["rxkB/s"] == 29599.46
