"""perfkit.plot: every figure drawn from real recordings, its labels and the data it shows."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from conftest import corpus_files, fixture_path

import perfkit
from perfkit import plot


def read(tool: str, name: str):
    return perfkit.read(fixture_path(tool, name), tool)


def panels(fig):
    """The figure's panels (colour bars left out)."""
    return [a for a in fig.axes if a.get_label() != "<colorbar>"]


def labelled(ax):
    """The panel's lines by legend label (lines without one, such as _child, left out)."""
    return {line.get_label(): line for line in ax.get_lines()
            if not line.get_label().startswith("_")}


def as_float(values):
    return [float(v) for v in np.asarray(values, dtype=float)]


@pytest.fixture(scope="module")
def live_capture(tmp_path_factory):
    """A 3-second capture of this machine (real tools; skipped when sysstat is missing)."""
    import shutil

    missing = [t for t in ("vmstat", "mpstat", "pidstat", "iostat", "sar") if not
               shutil.which(t)]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)}")
    target = tmp_path_factory.mktemp("capture") / "cap"
    subprocess.run([sys.executable, "-m", "perfkit", "capture", str(target), "--duration",
                    "3", "--quiet"], check=True, timeout=120)
    return perfkit.load_capture(target)


@pytest.fixture(autouse=True)
def no_open_figures():
    before = set(plt.get_fignums())
    yield
    assert set(plt.get_fignums()) == before, "a figure was left open in pyplot"


def test_importing_plot_and_checklist_does_not_load_matplotlib():
    code = ("import sys, perfkit, perfkit.plot, perfkit.checklist; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"


# -- vmstat ---------------------------------------------------------------------------------

def test_vmstat_panels_leave_out_the_since_boot_line():
    df = read("vmstat", "t.C.txt")
    fig = plot.vmstat(df, cpus=2)
    queue, split, swap, memory = panels(fig)
    assert [a.get_ylabel() for a in (queue, split, swap, memory)] == [
        "threads", "% of CPU time", "MiB/s", "MiB"]
    assert all(a.get_title().startswith("vmstat: ") for a in (queue, split, swap, memory))
    assert memory.get_xlabel() == "time (UTC)"  # vmstat -t printed the zone: UTC
    lines = labelled(queue)
    # the recording: r = 7 (since boot, left out), 5, 4; b = 0, 0
    assert as_float(lines["r (runnable)"].get_ydata()) == [5.0, 4.0]
    assert as_float(lines["b (blocked, uninterruptible)"].get_ydata()) == [0.0, 0.0]
    assert as_float(lines["CPUs (2)"].get_ydata()) == [2.0, 2.0]
    times = pd.to_datetime(lines["r (runnable)"].get_xdata())
    assert list(times) == [pd.Timestamp("2026-11-25 00:24:37"),
                           pd.Timestamp("2026-11-25 00:24:38")]
    # us sy st stacked as busy time: 3 layers, the top edge of the second sample is
    # 97+3+0; wa (idle time, waiting for I/O) is a line apart, 0 in both samples
    assert len(split.collections) == 3
    top = split.collections[-1].get_paths()[0].vertices[:, 1]
    assert top.max() == pytest.approx(100.0)
    assert as_float(labelled(split)["wa (idle, waiting for I/O)"].get_ydata()) == [0.0, 0.0]
    assert split.get_ylim() == (0.0, 100.0)
    assert set(labelled(swap)) == {"si (swapped in)", "so (swapped out)"}
    mem = labelled(memory)
    assert as_float(mem["free"].get_ydata()) == [23841736 / 1024] * 2
    assert as_float(mem["cache"].get_ydata()) == [455440 / 1024] * 2


def test_vmstat_without_times_uses_sample_numbers_and_no_cpu_line():
    df = read("vmstat", "default.C.txt")
    fig = plot.vmstat(df)
    queue = panels(fig)[0]
    assert "CPUs" not in " ".join(labelled(queue))
    assert panels(fig)[-1].get_xlabel() == "sample number"
    assert len(labelled(queue)["r (runnable)"].get_ydata()) == int((~df["since_boot"]).sum())


def test_vmstat_only_since_boot_is_an_error():
    df = read("vmstat", "t.C.txt").iloc[:1]
    with pytest.raises(ValueError, match="no samples"):
        plot.vmstat(df)


def test_vmstat_into_axes_of_your_own():
    df = read("vmstat", "t.C.txt")
    fig, axes = plt.subplots(4, 1)
    try:
        assert plot.vmstat(df, axes=axes) is fig
        assert axes[0].get_ylabel() == "threads"
    finally:
        plt.close(fig)


# -- mpstat ---------------------------------------------------------------------------------

def test_mpstat_heatmap_has_a_row_per_cpu_and_a_column_per_sample():
    tables = read("mpstat", "P-ALL.C.txt")
    fig = plot.mpstat(tables)
    ax = panels(fig)[0]
    image = ax.get_images()[0]
    data = image.get_array()
    cpu = tables["cpu"]
    per = cpu[cpu["CPU"] != "all"]
    assert data.shape == (per["CPU"].nunique(), per["time"].nunique()) == (2, 3)
    # 00:24:10 CPU 0: %idle 0.00 -> busy 100
    assert data[0, 1] == pytest.approx(100.0 - 0.0)
    assert ax.get_ylabel() == "CPU"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0", "1"]
    assert ax.get_xlabel().startswith("time")
    assert ax.get_title() == "mpstat: busy % per CPU"
    colorbar = next(a for a in fig.axes if a.get_label() == "<colorbar>")
    assert colorbar.get_ylabel() == "busy % (100 - %idle - %iowait)"
    left, right = image.get_extent()[:2]
    assert mdates.num2date(left).replace(tzinfo=None) < pd.Timestamp("2026-11-25 00:24:09")
    assert mdates.num2date(right).replace(tzinfo=None) > pd.Timestamp("2026-11-25 00:24:11")


def test_mpstat_heatmap_of_many_cpus_from_the_corpus():
    files = [f for f in corpus_files("mpstat", "sysstat__tests__expected.mpstat-A")
             if f.name.endswith("mpstat-A")]
    if not files:
        pytest.skip("no sysstat mpstat -A output in the corpus")
    tables = perfkit.read(files[0], "mpstat")
    cpu = tables["cpu"]
    per = cpu[(cpu["CPU"] != "all") & ~cpu["since_boot"]]
    if per.empty:
        pytest.skip("only since-boot reports")
    fig = plot.mpstat(tables)
    data = panels(fig)[0].get_images()[0].get_array()
    assert data.shape == (per["CPU"].nunique(), per["time"].nunique())
    first = per.iloc[0]
    row = sorted(per["CPU"].unique(), key=int).index(first["CPU"])
    assert data[row, 0] == pytest.approx(100.0 - first["%idle"])


# -- pidstat --------------------------------------------------------------------------------

def test_pidstat_lines_of_the_busiest_commands_without_counting_threads_twice():
    tables = read("pidstat", "t.C.txt")
    fig = plot.pidstat(tables, top=2)
    cpu, wait = panels(fig)
    lines = labelled(cpu)
    # python3 (TGID 2): 38, 49, 58 % CPU; its threads 4 and 5 (about half each) are part
    # of that row, not added to it
    assert list(lines) == ["python3"]
    assert as_float(lines["python3"].get_ydata()) == [38.0, 49.0, 58.0]
    assert cpu.get_ylabel() == "%CPU (100 = one CPU)"
    assert wait.get_xlabel().startswith("time")
    assert cpu.get_title() == "pidstat: the 1 commands using most CPU"
    # %wait as printed for the process row: 0.00 in each sample
    assert as_float(labelled(wait)["python3"].get_ydata()) == [0.0, 0.0, 0.0]


def test_pidstat_single_process():
    fig = plot.pidstat(read("pidstat", "u.C.txt"))
    lines = labelled(panels(fig)[0])
    assert as_float(lines["stress-ng-cpu"].get_ydata()) == [83.0, 94.0, 91.0]


# -- iostat ---------------------------------------------------------------------------------

def test_iostat_extended_panels_per_device():
    tables = read("iostat", "xzt.C.txt")
    fig = plot.iostat(tables)
    util, wait, queue = panels(fig)
    assert [a.get_ylabel() for a in (util, wait, queue)] == ["% of time busy", "ms",
                                                            "requests"]
    assert util.get_title() == "iostat: utilisation (%util)"
    assert util.get_xlabel() == "time (UTC)" or queue.get_xlabel().startswith("time")
    devices = tables["devices"]
    later = devices[~devices["since_boot"]].set_index("Device")
    lines = labelled(util)
    assert set(lines) == set(later.index)
    for name, line in lines.items():
        assert as_float(line.get_ydata()) == [float(later.loc[name, "%util"])]
    assert set(labelled(wait)) == {f"{d} {m}" for d in later.index
                                   for m in ("r_await", "w_await")}


def test_iostat_wait_lines_leave_a_gap_where_no_request_completed():
    cap = perfkit.samples.load("idle")
    wait = panels(plot.iostat(cap))[1]
    assert wait.get_title().endswith("a gap: no request of that kind completed")
    devices = cap["iostat"]["devices"]
    rows = devices[~devices["since_boot"]]
    gaps = 0
    for label, line in labelled(wait).items():
        device, metric = label.rsplit(" ", 1)
        rate = {"r_await": "r/s", "w_await": "w/s"}[metric]
        printed = rows[rows["Device"] == device]
        none = (printed[rate] == 0) & (printed[metric] == 0)
        drawn = np.asarray(line.get_ydata(), dtype=float)
        # the printed time where requests completed, a gap where none did or -z left it out
        assert drawn[~np.isnan(drawn)].tolist() == printed.loc[~none, metric].tolist()
        assert np.isnan(drawn).sum() == len(drawn) - int((~none).sum())
        assert line.get_marker() == "."
        gaps += int(np.isnan(drawn).sum())
    assert gaps > 0


def test_iostat_without_times_counts_reports_and_fills_idle_devices():
    tables = read("iostat", "xz.C.txt")
    fig = plot.iostat(tables)
    util = panels(fig)[0]
    assert panels(fig)[-1].get_xlabel() == "report number"
    devices = tables["devices"]
    later = devices[~devices["since_boot"]]
    reports = sorted(later["report"].unique())
    for name, line in labelled(util).items():
        assert as_float(line.get_xdata()) == as_float(reports)
        printed = later[later["Device"] == name].set_index("report")["%util"]
        assert as_float(line.get_ydata()) == [float(printed.get(r, 0.0)) for r in reports]


def test_iostat_with_no_device_after_the_first_report_says_so():
    # what iostat -xz prints on a quiet machine: devices only in the since-boot report
    tables = read("iostat", "xzt.C.txt")
    devices = tables["devices"]
    tables["devices"] = devices[devices["since_boot"]].reset_index(drop=True)
    fig = plot.iostat(tables)
    (only,) = panels(fig)
    assert only.get_title() == "iostat: no device activity"
    assert "no device did any I/O" in only.texts[0].get_text()


def test_iostat_basic_report_draws_tps_and_throughput():
    fig = plot.iostat(read("iostat", "default.C.txt"))
    titles = [a.get_title() for a in panels(fig)]
    assert titles == ["iostat: transfers (tps)", "iostat: throughput"]
    assert [a.get_ylabel() for a in panels(fig)] == ["transfers/s", "kB/s"]


# -- free -----------------------------------------------------------------------------------

def test_free_bars_in_mib():
    df = read("free", "default.C.txt")
    fig = plot.free(df)
    ax = panels(fig)[0]
    widths = [p.get_width() for p in ax.patches]
    # Mem: used 533060, buff/cache 451760, free 23968032 KiB; Swap: 0 used, 0 free
    assert widths[:3] == pytest.approx([533060 / 1024, 451760 / 1024, 23968032 / 1024])
    assert widths[3:] == [0.0, 0.0]
    assert ax.get_xlabel() == "MiB"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Mem", "Swap"]
    assert [t.get_text().strip() for t in ax.texts] == ["available 23,585 MiB", "no swap"]


def test_free_wide_layout_adds_buffers_and_cache():
    fig = plot.free(read("free", "w.C.txt"))
    widths = [p.get_width() for p in panels(fig)[0].patches]
    assert widths[1] == pytest.approx((4904 + 446856) / 1024)


# -- sar ------------------------------------------------------------------------------------

def test_sar_dev_one_line_per_interface():
    tables = read("sar", "n-DEV.C.txt")
    fig = plot.sar_dev(tables)
    rx, tx = panels(fig)
    assert rx.get_ylabel() == tx.get_ylabel() == "kB/s"
    assert rx.get_title() == "sar -n DEV: received (rxkB/s)"
    lines = labelled(rx)
    assert set(lines) == {"lo", "ifb0", "ifb1", "eth0"}
    assert as_float(lines["lo"].get_ydata())[:2] == [17507.09, 13254.83]
    assert as_float(labelled(tx)["lo"].get_ydata())[-1] == 20614.72
    picked = plot.sar_dev(tables, interfaces=["lo"])
    assert list(labelled(panels(picked)[0])) == ["lo"]


def test_sar_tcp_connections_and_retransmits():
    tables = read("sar", "n-TCP-ETCP-loss.C.txt")
    fig = plot.sar_tcp(tables)
    conn, retrans = panels(fig)
    assert conn.get_ylabel() == "connections/s"
    assert retrans.get_ylabel() == "per second"
    assert as_float(labelled(conn)["active/s"].get_ydata()) == [0.0, 4.0, 2.0]
    assert as_float(labelled(conn)["passive/s"].get_ydata()) == [0.0, 5.0, 2.0]
    assert as_float(labelled(retrans)["retrans/s"].get_ydata()) == [0.0, 3.0, 0.0]
    assert retrans.get_xlabel().startswith("time")


# -- top and uptime -------------------------------------------------------------------------

def test_top_summary_over_iterations():
    tables = read("top", "b-n3.C.txt")
    fig = plot.top(tables, cpus=2)
    load, tasks, split = panels(fig)
    assert as_float(labelled(load)["ldavg-1"].get_ydata()) == [2.35, 2.35, 2.35]
    assert as_float(labelled(load)["CPUs (2)"].get_ydata()) == [2.0, 2.0]
    assert as_float(labelled(tasks)["running"].get_ydata()) == [2.0, 2.0, 2.0]
    assert [a.get_ylabel() for a in (load, tasks, split)] == ["load (tasks)", "tasks",
                                                             "% of CPU time"]
    assert [c.get_label() for c in split.collections] == ["us", "sy", "ni", "wa", "hi",
                                                          "si", "st"]
    assert split.get_xlabel().startswith("time")


def test_top_processes_of_one_iteration():
    tables = read("top", "b-n3.C.txt")
    fig = plot.top(tables, iteration=2, n=3)
    ax = panels(fig)[0]
    rows = tables["processes"]
    second = rows[rows["iteration"] == 2].sort_values("%CPU", ascending=False,
                                                      kind="stable").head(3)
    assert [p.get_width() for p in ax.patches] == second["%CPU"].tolist()
    assert ax.get_yticklabels()[0].get_text() == "stress-+ (4)"
    assert ax.get_xlabel() == "%CPU (100 = one CPU)"
    assert "iteration 2" in ax.get_title()


def test_uptime_bars_against_the_cpu_count():
    fig = plot.uptime(read("uptime", "default.C.txt"), cpus=2)
    ax = panels(fig)[0]
    assert [p.get_height() for p in ax.patches] == [2.37, 0.90, 0.35]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1 min", "5 min", "15 min"]
    assert ax.get_ylabel() == "load average (tasks)"
    assert as_float(labelled(ax)["CPUs (2)"].get_ydata()) == [2.0, 2.0]
    assert ax.get_title() == "uptime: load averages at 00:25:41"



def test_uptime_over_time_from_sar_q():
    queue = perfkit.samples.load("cpu-saturation")["sar-all"]["queue"]
    fig = plot.uptime(queue, row=None, cpus=2)
    ax = panels(fig)[0]
    lines = labelled(ax)
    assert as_float(lines["ldavg-1"].get_ydata()) == queue["ldavg-1"].tolist()
    # sar -q's first rows: runq-sz 4, ldavg-15 0.83 (the machine had cooled down before)
    assert as_float(lines["ldavg-15"].get_ydata())[0] == 0.83
    assert as_float(lines["runq-sz (runnable now)"].get_ydata())[:2] == [4.0, 4.0]
    assert as_float(lines["CPUs (2)"].get_ydata()) == [2.0, 2.0]
    assert ax.get_ylabel() == "load average (tasks)"


def test_dmesg_events_per_second_by_kind():
    fig = plot.dmesg(read("dmesg", "since-x.C.txt"))
    ax = panels(fig)[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sorted(legend) == ["1 OOM kill", "1 hung task", "1 segfault", "2 TCP drops"]
    assert ax.get_xlabel() == "seconds since boot"
    # the OOM kill at 1129.01 s and the segfault at 1129.70 s share the bin [1129, 1130)
    bars = sorted((p.get_x(), p.get_y(), p.get_height()) for p in ax.patches
                  if p.get_height())
    assert bars[:2] == [(1129.0, 0.0, 1.0), (1129.0, 1.0, 1.0)]
    oom = plot.dmesg(perfkit.samples.load("oom-kill"))
    bars = panels(oom)[0].patches
    assert sum(p.get_height() for p in bars) == 125  # its dmesg.txt's "Killed process" lines
    assert panels(oom)[0].get_xlabel() == "time (UTC)"
    calm = plot.dmesg(perfkit.samples.load("idle"))
    assert panels(calm)[0].texts[0].get_text().startswith("no OOM kill")

# -- side by side ---------------------------------------------------------------------------

def test_side_by_side_shares_each_rows_y_scale():
    calm = read("vmstat", "default.C.txt")
    busy = read("vmstat", "t.C.txt")
    fig = plot.side_by_side(plot.vmstat, calm, busy, titles=("default", "t"))
    axes = panels(fig)
    assert len(axes) == 8
    grid = np.array(axes).reshape(4, 2)
    for left, right in grid:
        assert left.get_ylim() == right.get_ylim()
        assert left.get_ylabel() == right.get_ylabel()
    assert grid[0, 0].get_title().startswith("default: vmstat")
    assert grid[0, 1].get_title().startswith("t: vmstat")
    high = max(float(busy["r"][~busy["since_boot"]].max()),
               float(calm["r"][~calm["since_boot"]].max()))
    assert grid[0, 0].get_ylim()[1] >= high


def test_side_by_side_of_heatmaps_keeps_cpu_zero_on_top():
    tables = read("mpstat", "P-ALL.C.txt")
    fig = plot.side_by_side(plot.mpstat, tables, read("mpstat", "A.C.txt"))
    left, right = panels(fig)
    assert left.get_ylim() == right.get_ylim()
    assert left.get_ylim()[0] > left.get_ylim()[1]


def test_side_by_side_keeps_each_sides_process_names():
    idle, busy = perfkit.samples.load("idle"), perfkit.samples.load("cpu-saturation")
    fig = plot.side_by_side(plot.top, idle, busy, when="end")
    left, right = panels(fig)
    names = [[t.get_text() for t in ax.get_yticklabels()] for ax in (left, right)]
    assert names[0] == ["python (12)", "bash (1)", "top (38)"]
    assert names[1][0] == "stress-ng-cpu (26)" and len(names[1]) == 8


def test_plotting_leaves_the_callers_frames_as_they_were():
    idle, busy = perfkit.samples.load("idle"), perfkit.samples.load("network-retrans")
    before = dict(busy["sar"]["DEV"].attrs)
    plot.side_by_side(plot.sar_dev, idle, busy)
    assert busy["sar"]["DEV"].attrs == before
    medians = [c["sar"]["DEV"].groupby("IFACE")[["rxkB/s"]].median() for c in (idle, busy)]
    both = pd.concat(medians, keys=["idle", "busy"])
    # the load ran over a veth pair in a network namespace: pki30h carries it, lo is idle
    assert both.loc[("busy", "pki30h"), "rxkB/s"] == pytest.approx(7.685)
    assert both.loc[("busy", "lo"), "rxkB/s"] == 0


# -- a whole capture ------------------------------------------------------------------------

# procps-ng 4.0.2's vmstat repeats its memory columns: the capture says so, as it should
@pytest.mark.filterwarnings("ignore:.*vmstat's memory columns:perfkit.errors.ParseWarning")
def test_every_function_takes_a_capture_and_the_timeline(live_capture):
    cap = live_capture
    for function in (plot.vmstat, plot.mpstat, plot.pidstat, plot.iostat, plot.free,
                     plot.sar_dev, plot.sar_tcp, plot.top, plot.uptime):
        fig = function(cap)
        assert panels(fig), function.__name__
        for ax in panels(fig):
            assert ax.get_ylabel(), (function.__name__, ax.get_title())
    fig = plot.timeline(cap)
    titles = [a.get_title() for a in panels(fig)]
    assert titles[0] == "vmstat: run queue (r) and blocked (b)"
    assert "mpstat: busy % per CPU" in titles
    assert panels(fig)[-1].get_xlabel() == "time (UTC)"
    # one shared time axis
    limits = {a.get_xlim() for a in panels(fig)}
    assert len(limits) == 1
    heat = next(a for a in panels(fig) if a.get_images())
    cpu = cap["mpstat"]["cpu"]
    assert heat.get_images()[0].get_array().shape == (
        cpu.loc[cpu["CPU"] != "all", "CPU"].nunique(), cpu["time"].nunique())


# -- other sysstat versions (the shared corpus) ---------------------------------------------

def _corpus(tool: str, name: str):
    files = [f for f in corpus_files(tool, name) if f.name == name]
    if not files:
        pytest.skip(f"{name} not in the corpus")
    return files[0]


def test_iostat_short_layout_draws_await():
    path = _corpus("iostat", "sysstat__tests__expected.iostat-xs")
    tables = perfkit.read(path, "iostat")
    fig = plot.iostat(tables)
    wait = panels(fig)[1]
    assert wait.get_ylabel() == "ms"
    devices = tables["devices"]
    later = devices[~devices["since_boot"]]
    assert set(labelled(wait)) == set(later["Device"])
    assert "a gap: no request of that kind completed" in wait.get_title()
    name = later["Device"].iloc[0]
    rows = later[later["Device"] == name]
    # a report where the device completed no request (tps 0.00, await 0.00) is a gap
    expected = [np.nan if tps == 0 and wait_ms == 0 else wait_ms
                for tps, wait_ms in zip(rows["tps"], rows["await"], strict=True)]
    assert np.isnan(expected).any() and not np.isnan(expected).all()
    drawn = np.asarray(labelled(wait)[name].get_ydata(), dtype=float)[:len(expected)]
    np.testing.assert_array_equal(drawn, expected)


def test_iostat_sysstat_10_names():
    path = _corpus("iostat", "jc__tests__fixtures__centos-7.7__iostat-x.out")
    frame = perfkit.read(path, "iostat")["devices"]
    assert plot.iostat_figures._iostat_panels(frame) == [
        ("utilisation (%util)", ["%util"], "% of time busy"),
        ("wait per request (r_await, w_await)", ["r_await", "w_await"], "ms"),
        ("queue length (aqu-sz)", ["avgqu-sz"], "requests")]


def test_sar_tcp_retrseg_of_sysstat_12_7_6():
    path = _corpus("sar", "sysstat__tests__expected.data-12.0.0")
    tables = perfkit.read(path, "sar")
    fig = plot.sar_tcp(tables)
    retrans = panels(fig)[1]
    assert next(iter(labelled(retrans))) == "retrseg/s"
    assert as_float(labelled(retrans)["retrseg/s"].get_ydata()) == as_float(
        tables["ETCP"]["retrseg/s"])
    # failed connection attempts are drawn too (sar prints atmptf/s in ETCP)
    assert as_float(labelled(retrans)["atmptf/s"].get_ydata()) == as_float(
        tables["ETCP"]["atmptf/s"])
