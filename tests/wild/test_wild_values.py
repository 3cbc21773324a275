"""Exact cells of outputs from the wild that perfkit once refused or misread.

``test_wild.py`` checks that the numbers printed in each file are found somewhere in the
frames; these tests pin down where: a cell equals the number printed in the file, the
``time`` column holds the printed time, and nothing gets a date the text did not print.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import perfkit

HERE = Path(__file__).resolve().parent


def read(name: str, tool: str, **options):
    return perfkit.read(HERE / name, tool=tool, **options)


# --- fragments pasted without the sysstat banner ------------------------------------------

def test_mpstat_fragment_without_banner_keeps_the_time_of_day_without_a_date():
    tables = read("mpstat/zhch-blog-mpstat-1-fragment.txt", "mpstat")
    cpu = tables["cpu"]
    # 10:54:49 PM  all    0.90    0.00    0.03 ... 99.06
    assert cpu["time"].iloc[0] == pd.Timedelta("22:54:49")
    assert cpu["%usr"].iloc[0] == 0.90 and cpu["%idle"].iloc[0] == 99.06
    assert tables.attrs["date"] is None
    assert pd.api.types.is_timedelta64_dtype(cpu["time"])


def test_fragment_date_option_gives_datetimes():
    tables = read("mpstat/zhch-blog-mpstat-1-fragment.txt", "mpstat", date="2026-11-25")
    assert tables["cpu"]["time"].iloc[0] == pd.Timestamp("2026-11-25 22:54:49")
    assert tables.attrs["date"] == pd.Timestamp("2026-11-25")


def test_fragment_date_option_must_be_a_date():
    with pytest.raises(ValueError, match="date="):
        read("mpstat/zhch-blog-mpstat-1-fragment.txt", "mpstat", date="not a date")


def test_mpstat_fragment_with_a_pdsh_prefix():
    tables = read("mpstat/stress-ng-issue269-mpstat-pdsh-prefix.txt", "mpstat")
    cpu = tables["cpu"]
    # node008: 11:19:24     all    2.09 ... 97.91
    assert cpu["%usr"].tolist() == [2.09] and cpu["%idle"].tolist() == [97.91]
    assert cpu["time"].iloc[0] == pd.Timedelta("11:19:24")
    assert tables.attrs["host"] == "node008"
    assert bool(cpu["since_boot"].iloc[0])  # the header and the row carry the same time


def test_pidstat_fragment_without_banner():
    tables = read("pidstat/zhch-blog-pidstat-u-fragment-wide-uid.txt", "pidstat")
    cpu = tables["cpu"]
    # 11:00:35 PM  2916    120985   82.77    0.59    0.00   83.37     2  mysqld
    row = cpu[cpu["PID"] == 120985].iloc[0]
    assert row["Command"] == "mysqld" and row["%usr"] == 82.77 and row["%CPU"] == 83.37
    assert row["UID"] == 2916 and row["time"] == pd.Timedelta("23:00:35")


def test_sar_fragment_without_banner_in_the_afternoon():
    tables = read("sar/sysusage-issue6-sar-u-all-fragment-pm.txt", "sar")
    cpu = tables["cpu"]
    last = cpu.iloc[-1]  # 08:00:02 PM     all      5.21 ... 92.09
    assert last["time"] == pd.Timedelta("20:00:02")
    assert last["%usr"] == 5.21 and last["%idle"] == 92.09


def test_iostat_fragment_from_the_device_header():
    tables = read("iostat/k4rt1key-iostat-device-fragment.txt", "iostat")
    devices = tables["devices"].set_index("Device")
    # loop1             0.22        11.62         0.00         0.00     816183          0          0
    assert devices.loc["loop1", "tps"] == 0.22
    assert devices.loc["loop1", "kB_read"] == 816183
    assert tables.attrs["date"] is None


def test_a_report_flattened_to_one_line_is_refused():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", perfkit.ParseWarning)
        with pytest.raises(perfkit.ParseError, match="no sysstat banner"):
            read("sar/redhat-rhel4-doc-sar-one-line.txt", "sar")


# --- clocks ---------------------------------------------------------------------------

def test_pidstat_zh_cn_clock():
    tables = read("pidstat/cherish-today-issue60-pidstat-u-zh.txt", "pidstat")
    cpu = tables["cpu"]
    # 18时53分35秒     0       979    0.00    0.00    0.00    0.01     1  exchange
    assert cpu["time"].tolist() == [pd.Timestamp("2019-11-11 18:53:35")]
    assert cpu["%CPU"].tolist() == [0.01] and cpu["Command"].tolist() == ["exchange"]


def test_mpstat_time_zone_after_the_time_and_a_day_first_banner():
    tables = read("mpstat/lowlatency-mpstat-ist-dayfirst.txt", "mpstat")
    cpu = tables["cpu"]
    # banner 18/07/20 (day first: there is no 18th month); 12:38:33 PM IST  all    8.20
    assert cpu["time"].iloc[0] == pd.Timestamp("2020-07-18 12:38:33")
    assert cpu["%usr"].iloc[0] == 8.20
    assert tables.attrs["time_zone"] == "IST"


def _wild_times(tools: tuple[str, ...]):
    """(file name, time column) of every frame read from the wild files of ``tools``
    (files perfkit refuses are left out: they have no frames)."""
    for path in sorted(HERE.glob("*/*.txt")):
        tool = path.parent.name
        if tool not in tools:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                tables = perfkit.read(path, tool=tool)
            except perfkit.ParseError:
                continue
        for frame in tables.values():
            if "time" in frame:
                yield path.name, frame["time"]


def test_no_sysstat_output_is_dated_1970():
    for name, times in _wild_times(("mpstat", "pidstat", "sar", "iostat")):
        if pd.api.types.is_datetime64_any_dtype(times):
            assert not (times.dt.year == 1970).any(), name


# --- elisions, summaries, leading clocks, uptime's forms --------------------------------

def test_iostat_elision_and_ctrl_c_keep_the_report_and_warn():
    with pytest.warns(perfkit.ParseWarning) as caught:
        tables = read("iostat/spacewander-issue36-iostat-xz-elided-ctrlc.txt", "iostat")
    said = [str(w.message) for w in caught]
    assert any("line 13" in s and "left out" in s for s in said), said  # [...]
    assert any("line 14" in s and "^C" in s for s in said), said
    devices = tables["devices"].set_index("Device:")  # sysstat 10 prints the colon
    # dm-1        0.00     0.00    0.00    0.94 ...  345.84    0.04  346.81   0.01   0.00
    assert devices.loc["dm-1", "await"] == 345.84 and devices.loc["dm-1", "w/s"] == 0.94
    assert tables["cpu"]["%idle"].tolist() == [22.21]


def test_top_summary_without_a_process_table_is_read_and_said():
    with pytest.warns(perfkit.ParseWarning, match="only the summary"):
        tables = read("top/dreamlate00-top-summary-procps3.2-nospace.txt", "top")
    row = tables["summary"].iloc[0]
    # Cpu(s): 99.8%us,  0.1%sy ...; Mem:   4147888k total
    assert row["%Cpu us"] == 99.8 and row["%Cpu sy"] == 0.1
    assert row["Mem total"] == 4147888 and row["ldavg-1"] == 9.59
    assert tables["processes"].empty


def test_vmstat_exawatcher_leading_clock():
    frame = read("vmstat/exadata-issue33-exawatcher-vmstat.txt", "vmstat")
    first = frame.iloc[0]
    # 21:21:49  2  0    376 141000624 945216 8464640    0    0     2   806 31414 37894 ...
    assert first["time"] == pd.Timedelta("21:21:49")
    assert first["free"] == 141000624 and first["cs"] == 37894
    assert bool(first["since_boot"]) and not frame["since_boot"].iloc[1:].any()


def test_uptime_time_is_a_time_of_day_not_1970():
    frame = read("uptime/uutils-coreutils-issue8676-uptime-uutils.txt", "uptime")
    row = frame.iloc[0]
    # 14:43:32  up  8 days 23:11,  0 users,  load average: 1.85, 1.68, 1.3
    assert row["time"] == pd.Timedelta("14:43:32")
    assert row["up"] == pd.Timedelta(days=8, hours=23, minutes=11)
    assert row["ldavg-15"] == 1.3 and row["users"] == 0
    dated = read("uptime/uutils-coreutils-issue8676-uptime-uutils.txt", "uptime",
                 date="2025-09-20")
    assert dated["time"].iloc[0] == pd.Timestamp("2025-09-20 14:43:32")


def test_uptime_markdown_marks_are_dropped():
    frame = read("uptime/practice-sre-uptime-1-day.txt", "uptime")
    # 15:10:24 up 1 day, 23:32,  2 users,  load average: **0.70, 0.82, 1.02**
    assert frame["ldavg-1"].iloc[0] == 0.70 and frame["ldavg-15"].iloc[0] == 1.02
    assert frame.attrs["markdown"] is True
    quoted = read("uptime/cloudstudying-issue20-uptime-quoted.txt", "uptime")
    assert quoted["ldavg-5"].iloc[0] == 0.21


def test_uptime_boot_time_that_does_not_exist_is_refused():
    with pytest.raises(perfkit.ParseError):
        perfkit.parse("2026-11-25 80:13:05\n", "uptime")


# --- dmesg forms ------------------------------------------------------------------------

def test_dmesg_without_time_stamps_is_read_with_a_warning():
    with pytest.warns(perfkit.ParseWarning, match="no time stamps"):
        frame = read("dmesg/util-linux-issue614-dmesg-raw-notime.txt", "dmesg")
    assert frame["message"].iloc[2] == "x86/fpu: Legacy x87 FPU detected."
    assert frame.attrs["format"] == "notime" and list(frame.columns) == ["message"]


def test_dmesg_reltime_with_a_decimal_comma():
    frame = read("dmesg/raspberrypi-linux-issue5291-dmesg-reltime-decimal-comma.txt", "dmesg")
    # [  +0,123361] usb 2-1: new SuperSpeed USB device number 2 using xhci_hcd
    assert frame["delta"].iloc[1] == 0.123361
    assert frame["message"].iloc[1].startswith("usb 2-1: new SuperSpeed")


def test_dmesg_raw_keeps_the_printed_priority():
    frame = read("dmesg/util-linux-issue614-dmesg-raw-levels.txt", "dmesg")
    # <5>[    0.000000] Linux version 4.9.84-1 ...
    assert frame["priority"].iloc[0] == 5 and frame["level"].iloc[0] == "notice"
    assert frame["priority"].iloc[1] == 6 and frame["level"].iloc[1] == "info"


def test_dmesg_d_delta_inside_the_stamp():
    frame = read("dmesg/util-linux-pr2648-dmesg-multi-time-format.txt", "dmesg")
    # [17159596.699613 <    0.000000>] ...
    assert frame["timestamp"].iloc[0] == 17159596.699613 and frame["delta"].iloc[0] == 0.0


def test_journalctl_portuguese_month():
    frame = read("journalctl/bazzite-issue1608-journalctl-pt-month.txt", "journalctl")
    first = frame.iloc[0]
    # set 03 13:04:29 bazzite kernel: ENERGY_PERF_BIAS: Set to 'normal', was 'performance'
    assert (first["time"].month, first["time"].day) == (9, 3)  # "set": setembro
    assert str(first["time"].time()) == "13:04:29"
    assert first["message"].startswith("ENERGY_PERF_BIAS")


# --- bcc and perf-tools -----------------------------------------------------------------

def test_perf_tools_cachestat_without_a_time_column():
    events = read("bcc/perf-tools-issue21-cachestat-D.txt", "bcc")["events"]
    #    -3075        0     5748   100.0%          299     119830  (2673 5748 2023 5741)
    first = events.iloc[0]
    assert first["HITS"] == -3075 and first["DIRTIES"] == 5748 and first["CACHE_MB"] == 119830
    assert first["DEBUG"] == "(2673 5748 2023 5741)"


def test_perf_tools_tcpretrans_header_with_dashes():
    events = read("bcc/perf-tools-pr7-tcpretrans-tlp.txt", "bcc")["events"]
    # 18:42:32 0      172.16.1.149:49509   R> 172.16.4.53:9092     ESTABLISHED  Y
    first = events.iloc[0]
    assert first["--"] == "R>" and first["RADDR:RPORT"] == "172.16.4.53:9092"
    assert first["STATE"] == "ESTABLISHED" and first["TLP"] == "Y"


# --- damaged input ----------------------------------------------------------------------

def test_pidstat_row_with_a_field_too_many_is_skipped_not_shifted():
    lines = (HERE / "pidstat/zhch-blog-pidstat-u-fragment-wide-uid.txt").read_text().split("\n")
    # the mysqld row (line 4) with one field more: its values would move one column on
    lines[3] = lines[3].replace("  2916 ", "  2916  7 ")
    damaged = "\n".join(lines)
    with pytest.warns(perfkit.ParseWarning, match="line 4: a row with more fields"):
        cpu = perfkit.parse(damaged, "pidstat")["cpu"]
    assert 120985 not in cpu["PID"].tolist()
    assert cpu.set_index("PID").loc[183152, "%CPU"] == 8.91  # the rows around it are kept
    with pytest.raises(perfkit.ParseError) as info:
        perfkit.parse(damaged, "pidstat", strict=True)
    assert info.value.line == 4


def test_bpftrace_ctrl_c_glued_into_a_histogram_row_keeps_the_later_buckets():
    fixtures = HERE.parent / "fixtures" / "bpftrace"
    lines = (fixtures / "maps.txt").read_text().split("\n")
    row = next(i for i, line in enumerate(lines) if line.startswith("[8, 16)"))
    lines[row] += "^C"  # a terminal's echo of Ctrl-C, glued to the row
    whole = perfkit.parse((fixtures / "maps.txt").read_text(), "bpftrace")
    glued = perfkit.parse("\n".join(lines), "bpftrace")
    for name in whole:
        assert glued[name].equals(whole[name]), name  # no bucket after the ^C dropped


# --- top's graph mode, times of day without a date ------------------------------------

def test_top_bar_graph_mode():
    with pytest.warns(perfkit.ParseWarning, match="only the summary"):
        tables = read("top/minikube-issue7987-top-bars.txt", "top")
    cpus = tables["cpus"].set_index("CPU")
    # %Cpu1  :   9.9/3.5    13[||||||||||||||   ]
    assert cpus.loc[1, "%Cpu user"] == 9.9 and cpus.loc[1, "%Cpu system"] == 3.5
    assert cpus.loc[1, "%Cpu total"] == 13
    summary = tables["summary"].iloc[0]
    # GiB Mem : 28.2/7.8      [    ]
    assert summary["Mem %used"] == 28.2 and summary["Mem total"] == 7.8 * 1024**2
    assert summary["Swap total"] == 0.0 and tables.attrs["graph_mode"] is True
    assert summary["Tasks total"] == 269


def test_top_time_of_day_is_not_dated_1970():
    tables = read("top/cinnamon-desklets-pr1623-top-procps4.txt", "top")
    for frame in tables.values():
        assert pd.api.types.is_timedelta64_dtype(frame["time"])
    assert tables.attrs["date"] is None
    first = (HERE / "top/cinnamon-desklets-pr1623-top-procps4.txt").read_text().split()[2]
    assert tables["summary"]["time"].iloc[0] == pd.Timedelta(first)
    dated = read("top/cinnamon-desklets-pr1623-top-procps4.txt", "top", date="2024-05-01")
    assert dated["summary"]["time"].iloc[0] == pd.Timestamp(f"2024-05-01 {first}")
    assert dated["processes"]["time"].iloc[0] == pd.Timestamp(f"2024-05-01 {first}")


def test_bcc_times_of_day_are_not_dated_1970():
    events = read("bcc/perf-tools-pr7-tcpretrans-tlp.txt", "bcc")["events"]
    # 18:42:32 0      172.16.1.149:49509   R> 172.16.4.53:9092     ESTABLISHED  Y
    assert events["time"].iloc[0] == pd.Timedelta("18:42:32")
    assert events.attrs["date"] is None
    dated = read("bcc/perf-tools-pr7-tcpretrans-tlp.txt", "bcc", date="2015-02-02")["events"]
    assert dated["time"].iloc[0] == pd.Timestamp("2015-02-02 18:42:32")
    cache = read("bcc/perf-tools-issue110-cachestat-negative.txt", "bcc")["events"]
    # 06:29:40   -13710    29487      172   -86.9%         1158       6134  (15949 172 ...)
    row = cache.iloc[3]
    assert row["time"] == pd.Timedelta("06:29:40") and row["HITS"] == -13710
    assert row["MISSES"] == 29487


def test_no_top_bcc_or_bpftrace_output_is_dated_1970():
    seen = 0
    for name, times in _wild_times(("top", "bcc", "bpftrace")):
        assert not pd.api.types.is_datetime64_any_dtype(times), name  # times of day only
        seen += 1
    assert seen  # the wild files of these tools do print times


def test_top_value_cut_with_a_plus_is_nan_and_said():
    with pytest.warns(perfkit.ParseWarning) as caught:
        tables = read("top/cloud-atlas-draft-top-b-cut-plus.txt", "top")
    said = [str(w.message) for w in caught]
    assert any("line 4" in s and "'+'" in s for s in said), said
    assert any("line 13" in s and "left out" in s for s in said), said  # the '...' line
    row = tables["summary"].iloc[0]
    # KiB Mem : 52754140+total, 62239184 free, 31605289+used, 14924934+buff/cache
    assert pd.isna(row["Mem total"]) and pd.isna(row["Mem used"])
    assert pd.isna(row["Mem buff/cache"]) and row["Mem free"] == 62239184
    # KiB Swap:        0 total, ... 17871446+avail Mem
    assert row["Swap total"] == 0 and pd.isna(row["avail Mem"])
    processes = tables["processes"].set_index("PID")
    # 106071 admin     20   0   14.7g  11.5g  16728 S 380.0  2.3  56745:29 java
    assert processes.loc[106071, "%CPU"] == 380.0 and processes.loc[106071, "SHR"] == 16728
    assert processes.loc[106071, "TIME+"] == pd.Timedelta(minutes=56745, seconds=29)
    assert len(processes) == 5


# --- recognising the tool ---------------------------------------------------------------

def test_dmesg_with_device_prefixes_is_not_taken_for_journalctl():
    # "[    4.576148] sd 0:2:16:0: [sdq] Write Protect is off": "sd" is no host name
    for name in ("dmesg/open-cas-issue524-dmesg-sd-prefixes.txt",
                 "dmesg/gpd-pocket-issue124-dmesg-acpi.txt",  # "[ 33.6] ACPI Error: ..."
                 "dmesg/lxd-issue5836-dmesg-audit-selinux.txt",
                 "dmesg/raspberrypi-linux-issue5291-dmesg-reltime-decimal-comma.txt"):
        assert perfkit.detect_tool((HERE / name).read_text()) == "dmesg", name
    frame = perfkit.read(HERE / "dmesg/open-cas-issue524-dmesg-sd-prefixes.txt")
    assert frame["timestamp"].iloc[1] == 4.576148
    assert frame["message"].iloc[1] == "sd 0:2:16:0: [sdq] Write Protect is off"
    assert len(frame) == 20
    for name in sorted(p.name for p in (HERE / "journalctl").glob("*.txt")):
        assert perfkit.detect_tool((HERE / "journalctl" / name).read_text()) == "journalctl"


def test_long_banner_date_gives_real_dates():
    tables = read("mpstat/tecmint-mpstat-P-ALL-long-banner-date.txt", "mpstat")
    cpu = tables["cpu"]
    # Linux 3.11.0-23-generic (tecmint.com)  Thursday 04 September 2014  _i686_  (2 CPU)
    # 12:36:27  IST    1   32.82    0.00    6.15    0.51 ...   60.51
    last = cpu.iloc[-1]
    assert last["time"] == pd.Timestamp("2014-09-04 12:36:27")
    assert last["CPU"] == "1" and last["%usr"] == 32.82 and last["%idle"] == 60.51
    assert tables.attrs["date"] == pd.Timestamp("2014-09-04")
    assert pd.api.types.is_datetime64_any_dtype(cpu["time"])
    assert tables.attrs["time_zone"] == "IST" and tables.attrs["cpus"] == 2


# --- older sysstat --------------------------------------------------------------------

def test_sar_before_steal_existed():
    tables = read("sar/howtoforge-sar-u-no-steal-fragment.txt", "sar")
    cpu = tables["cpu"]
    # 11:10:01 AM       all      0.00      0.00      0.00      0.00     99.99
    assert list(cpu.columns) == ["time", "CPU", "%user", "%nice", "%system", "%iowait",
                                 "%idle"]
    assert cpu["time"].iloc[0] == pd.Timedelta("11:10:01") and cpu["%idle"].iloc[0] == 99.99
    assert tables.averages["cpu"]["%idle"].iloc[0] == 99.99


def test_sar_d_with_sysstat_9_device_names():
    disks = read("sar/5quinque-notes-sar-d-dev-names.txt", "sar")["disk"].set_index("DEV")
    # 01:59:46 PM dev120-64      3.03     64.65      0.00     21.33      0.03      9.33 ...
    assert disks.loc["dev120-64", "tps"] == 3.03 and disks.loc["dev120-64", "await"] == 9.33
    assert disks.loc["dev8-0", "time"] == pd.Timestamp("2011-03-26 13:59:46")
