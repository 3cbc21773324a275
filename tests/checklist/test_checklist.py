"""perfkit.checklist: thresholds on frames parsed from real recordings, the recorded
scenarios' symptoms, and the ``perfkit checklist`` command."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pandas as pd
import pytest
from conftest import fixture_path

import perfkit
from perfkit import checklist, samples
from perfkit.derive.kernel_events import capture_events as kernel_events
from perfkit.derive.kernel_events import on_clock


def read(tool: str, name: str):
    return perfkit.read(fixture_path(tool, name), tool)


class Recorded:
    """A capture assembled from parsed fixtures (what ``cap[tool]`` would give), for rules
    that need one tool's real frames; ``meta`` holds the facts capture.json would."""

    def __init__(self, frames: dict, *, started_utc: str = "2026-11-25T00:32:04Z",
                 cpus: int | None = 2) -> None:
        self.frames = frames
        self.meta = {"cpus": cpus, "started_utc": started_utc, "host": "demo-host",
                     "complete": True}
        self.path = fixture_path()

    @property
    def tools(self):
        return list(self.frames)

    def __contains__(self, tool):
        return tool in self.frames

    def __getitem__(self, tool):
        return self.frames[tool]

    def reason(self, tool):
        return None if tool in self.frames else "not installed"


def sar_tables():
    """sar -n DEV and sar -n TCP,ETCP (under 5 % loss) joined, as a capture joins them."""
    dev, tcp = read("sar", "n-DEV.C.txt"), read("sar", "n-TCP-ETCP-loss.C.txt")
    return perfkit.Tables({**dev, **tcp}, averages={**dev.averages, **tcp.averages},
                          attrs=dev.attrs)


def rows(frame: pd.DataFrame, tool: str, metric: str | None = None) -> pd.DataFrame:
    out = frame[frame["tool"] == tool]
    if metric is not None:
        out = out[out["metric"].str.startswith(metric)]
    return out


def test_columns_and_the_documented_thresholds():
    table = checklist.thresholds()
    assert {"load", "run-queue", "swapping", "iowait", "steal", "system", "hot-cpu",
            "top-consumer", "util", "queue", "await", "available", "oom_kill", "hung_task",
            "tcp_drop", "segfault", "retrans", "retrans-share", "ifutil"} <= set(table.index)
    assert table["reason"].str.len().min() > 10
    assert table["statistic"].str.len().min() > 5
    assert table.loc["util", ["warning", "critical"]].tolist() == [60.0, 90.0]
    assert table.loc["available", "above"] == False  # noqa: E712 - lower is worse
    frame = checklist.findings(Recorded({"uptime": read("uptime", "default.C.txt")}))
    assert list(frame.columns) == ["tool", "metric", "observed", "threshold", "severity",
                                   "explanation", "next", "key"]
    assert set(frame["severity"]) <= {"info", "warning", "critical"}
    assert table["next"].str.len().min() > 5  # every rule says what to run to confirm it
    assert frame["next"].str.len().gt(5).all()


def test_load_above_the_cpu_count_and_rising():
    # " 00:25:41 up 12 min,  0 user,  load average: 2.37, 0.90, 0.35"
    frame = checklist.findings(Recorded({"uptime": read("uptime", "default.C.txt")}))
    load = rows(frame, "uptime", "ldavg-1").set_index("metric")
    assert load.loc["ldavg-1", "observed"] == 2.37
    assert load.loc["ldavg-1", "threshold"] == 2.0  # 1 x 2 CPUs
    assert load.loc["ldavg-1", "severity"] == "warning"
    trend = load.loc["ldavg-1 / ldavg-15"]
    assert trend["severity"] == "info"
    assert trend["observed"] == pytest.approx(2.37 / 0.35)
    assert "rising" in trend["explanation"]
    # with 4 CPUs the same line is no saturation
    quiet = checklist.findings(Recorded({"uptime": read("uptime", "default.C.txt")}, cpus=4))
    assert rows(quiet, "uptime", "ldavg-1")["severity"].eq("info").all()


def test_vmstat_run_queue_median_without_the_since_boot_line():
    # r: 7 (since boot, left out), 5, 4, less vmstat itself: 4, 3 -> median 3.5 with 2
    # CPUs 100 - id 0 - wa 0 = 100 % busy: beyond 1 x 2 = warning (critical beyond 2 x 2)
    frame = checklist.findings(Recorded({"vmstat": read("vmstat", "t.C.txt")}))
    queue = rows(frame, "vmstat", "r").iloc[0]
    assert queue["metric"] == "r - 1"
    assert (queue["observed"], queue["threshold"], queue["severity"]) == (3.5, 2.0,
                                                                          "warning")
    assert "median r = 4.5" in queue["explanation"] and "2 CPUs 100 % busy" in \
        queue["explanation"]
    # st 2, 0 -> median 1 %; sy 3, 3; wa 0: no other vmstat finding
    assert rows(frame, "vmstat")["metric"].tolist() == ["r - 1"]
    three = checklist.findings(Recorded({"vmstat": read("vmstat", "t.C.txt")}, cpus=3))
    assert rows(three, "vmstat", "r")["severity"].tolist() == ["warning"]
    four = checklist.findings(Recorded({"vmstat": read("vmstat", "t.C.txt")}, cpus=4))
    assert rows(four, "vmstat", "r").empty
    unknown = checklist.findings(Recorded({"vmstat": read("vmstat", "t.C.txt")}, cpus=None))
    assert rows(unknown, "vmstat", "r").empty


def test_run_queue_with_idle_cpus_is_no_saturation():
    # an earlier disk-saturation recording's vmstat (dd on a loop device): r median 3 (2
    # besides vmstat), id 11 %, wa 60 %: busy (median) 28 %. Counted against one CPU the
    # queue is long, but the CPU has room: info only.
    vm = perfkit.read(fixture_path("vmstat", "disk-saturation-wt.C.txt"), "vmstat")
    frame = checklist.findings(Recorded({"vmstat": vm}, cpus=1))
    queue = rows(frame, "vmstat", "r - 1")
    assert queue[["severity", "key"]].values.tolist() == [["info", "run-queue-idle"]]
    assert queue["observed"].iloc[0] == 2.0
    assert "28 % busy" in queue["explanation"].iloc[0]  # the median of 100 - id - wa
    assert "not CPU saturation" in queue["explanation"].iloc[0]


def test_no_hot_cpu_when_every_cpu_is_busy():
    # every CPU at 99-100 % in every sample: saturation, not a single hot CPU
    frame = checklist.findings(Recorded({"mpstat": read("mpstat", "P-ALL.C.txt")}))
    assert rows(frame, "mpstat").empty


def test_pidstat_top_consumer_holding_one_cpu():
    # stress-ng-cpu (4): %CPU 83, 94, 91 -> median 91 > 90
    frame = checklist.findings(Recorded({"pidstat": read("pidstat", "u.C.txt")}))
    top = rows(frame, "pidstat").iloc[0]
    assert top["metric"] == "%CPU of stress-ng-cpu (4)"
    assert (top["observed"], top["threshold"], top["severity"]) == (91.0, 90.0, "warning")
    # the two-thread python3 (38, 49, 58 %) is the top consumer, as info
    threads = checklist.findings(Recorded({"pidstat": read("pidstat", "t.C.txt")}))
    top = rows(threads, "pidstat").iloc[0]
    assert (top["metric"], top["observed"], top["severity"]) == ("%CPU of python3 (2)",
                                                                 49.0, "info")


def test_iostat_quiet_devices_give_no_finding():
    # %util at most 13.2 %, aqu-sz and await small, in every report of these recordings
    for name in ("xz.C.txt", "xzt.C.txt", "xt.de_DE.txt"):
        frame = checklist.findings(Recorded({"iostat": read("iostat", name)}))
        assert rows(frame, "iostat").empty, name


def test_free_available_share():
    frame = checklist.findings(Recorded({"free": read("free", "default.C.txt")}))
    assert rows(frame, "free").empty  # 24151032 of 24684092 KiB available, no swap
    assert checklist.grade("available", 24151032 / 24684092 * 100) == "info"
    assert checklist.grade("available", 9.9) == "warning"
    assert checklist.grade("available", 4.9) == "critical"


def test_sar_retransmits_are_counted_but_not_sustained():
    # retrans/s 0, 3, 0 under 5 % loss: median 0; 3 of 149 sent segments (2.01 %) but
    # fewer than RETRANS_MIN_SEGMENTS in all: info
    frame = checklist.findings(Recorded({"sar": sar_tables()}))
    retrans = rows(frame, "sar", "retrans").iloc[0]
    assert (retrans["observed"], retrans["severity"]) == (0.0, "info")
    assert "2.01 % of oseg/s" in retrans["explanation"]
    assert rows(frame, "sar", "%ifutil").empty  # lo prints %ifutil 0.00
    assert checklist.grade("retrans", 10.5) == "critical"
    assert checklist.grade("retrans-share", 3.8) == "warning"


def test_dmesg_events_recent_and_older():
    dmesg = read("dmesg", "since-iso.C.txt")
    # recorded at 00:32:04: the OOM kill (00:31:54), the hung task, the SYN floods and the
    # segfault all happened within RECENT before it
    frame = checklist.findings(Recorded({"dmesg": dmesg}, started_utc="2026-11-25T00:32:04Z"))
    found = rows(frame, "dmesg").set_index("metric")
    assert found.loc["OOM kills", ["observed", "severity"]].tolist() == [1.0, "critical"]
    assert found.loc["hung tasks", ["observed", "severity"]].tolist() == [1.0, "warning"]
    assert found.loc["TCP drops", ["observed", "severity"]].tolist() == [2.0, "warning"]
    assert found.loc["segfaults", ["observed", "severity"]].tolist() == [1.0, "info"]
    assert "python3 (25916) at 2026-11-25 00:31:54" in found.loc["OOM kills", "explanation"]
    # an hour later they are history: info only
    later = checklist.findings(Recorded({"dmesg": dmesg}, started_utc="2026-11-25T01:32:04Z"))
    assert set(rows(later, "dmesg")["severity"]) == {"info"}
    assert len(rows(later, "dmesg")) == 4


def test_dmesg_without_wall_clock_times():
    plain = read("dmesg", "since.C.txt")  # [ 1129.012603] seconds since boot
    events = kernel_events(Recorded({"dmesg": plain}))
    assert events["time"].isna().all()  # no uptime to find the boot time from
    assert events["kind"].tolist() == ["oom_kill", "segfault", "hung_task", "tcp_drop",
                                       "tcp_drop"]
    placed = on_clock(plain, boot=pd.Timestamp("2026-11-25 00:13:05"))
    first = placed.loc[placed["message"].str.contains("Killed process"), "time"].iloc[0]
    assert first == pd.Timestamp("2026-11-25 00:13:05") + pd.Timedelta(seconds=1129.012603)
    # undated events cannot be ruled out as recent: they count
    frame = checklist.findings(Recorded({"dmesg": plain}))
    assert rows(frame, "dmesg", "OOM kills")["severity"].tolist() == ["critical"]


def test_missing_tools_are_reported_as_info():
    frame = checklist.findings(Recorded({"uptime": read("uptime", "default.C.txt")}))
    missing = frame[frame["metric"] == "(missing)"]
    assert set(missing["tool"]) == {"dmesg", "vmstat", "mpstat", "pidstat", "iostat",
                                    "free", "sar"}
    assert set(missing["severity"]) == {"info"}
    assert "not installed" in missing["explanation"].iloc[0]


def test_findings_are_ordered_by_severity_then_checklist():
    frame = checklist.findings(Recorded({
        "uptime": read("uptime", "default.C.txt"), "vmstat": read("vmstat", "t.C.txt"),
        "pidstat": read("pidstat", "u.C.txt"), "dmesg": read("dmesg", "since-iso.C.txt"),
        "sar": sar_tables(), "free": read("free", "default.C.txt"),
        "mpstat": read("mpstat", "P-ALL.C.txt"), "iostat": read("iostat", "xz.C.txt")}))
    order = frame["severity"].map(checklist.SEVERITIES.index)
    assert order.is_monotonic_increasing
    critical = frame[frame["severity"] == "critical"]
    assert critical["tool"].tolist() == ["dmesg"]
    text = checklist.render(frame)
    assert text.splitlines()[0].startswith("CRITICAL  dmesg")
    assert "\n          next: dmesg -T" in text
    assert text.splitlines()[-1] == "1 critical, 5 warning, 4 info"


# -- the recorded scenarios -----------------------------------------------------------------

def _listed() -> dict[str, str]:
    try:
        return samples.list()
    except FileNotFoundError:
        return {}


def _present(frame: pd.DataFrame, tool: str, metric: str | None = None,
             severity: tuple[str, ...] = ("warning", "critical")) -> bool:
    found = rows(frame, tool, metric)
    return bool(found["severity"].isin(severity).any())


def _cpu_idle(cap) -> float:
    from perfkit.derive.intervals import interval_samples as intervals

    vm = intervals(cap["vmstat"])
    return float((vm["id"] + vm["wa"]).median())


#: The symptom each scenario must show: groups of (tool, metric prefix); each group needs
#: a warning or critical finding from at least one of its members.
EXPECTED = {
    "cpu-saturation": [[("vmstat", "r"), ("uptime", "ldavg-1")]],
    "hot-thread": [[("mpstat", "busy % of CPU")], [("pidstat", "%CPU of")]],
    "memory-swap": [[("vmstat", "si, so"), ("free", "available")]],
    "oom-kill": [[("dmesg", "OOM kills")]],
    "disk-saturation": [[("iostat", "%util"), ("iostat", "aqu-sz"), ("iostat", "r_await"),
                         ("iostat", "w_await"), ("iostat", "await")]],
    "network-retrans": [[("sar", "retrans"), ("sar", "retrseg")]],
    "short-lived": [[("sar", "proc/s")]],
    "cpu-limit": [[("pidstat", "%wait of")]],
}


@pytest.mark.parametrize("name", samples.SCENARIOS)
def test_scenario_symptom_is_found(name):
    listed = _listed()
    if name not in listed:
        pytest.skip(f"scenario {name!r} is not recorded here (perfkit.samples.list() has "
                    f"{', '.join(listed) or 'none'})")
    cap = samples.load(name)
    frame = checklist.findings(cap)
    shown = checklist.render(frame, cap)
    if name == "idle":
        assert not frame["severity"].isin(["warning", "critical"]).any(), shown
        return
    if name == "mystery":
        assert frame["severity"].isin(["warning", "critical"]).any(), shown
        return
    if name == "packet-rate":  # a rate, not a fault: reported as info with its CPU cost
        assert _present(frame, "sar", "packets/s of", ("info",)), shown
        return
    for group in EXPECTED[name]:
        assert any(_present(frame, tool, metric) for tool, metric in group), (group, shown)
    if name == "disk-saturation" and _cpu_idle(cap) >= 2 * checklist.rule("iowait").warning:
        # iowait is idle time with I/O pending: it shows when the CPUs have idle time
        assert _present(frame, "vmstat", "wa"), shown


def test_every_listed_scenario_gives_findings():
    listed = _listed()
    if not listed:
        pytest.skip("no recorded scenarios here")
    for name in listed:
        frame = checklist.findings(name)
        assert list(frame.columns) == checklist.COLUMNS
        assert frame["explanation"].str.len().gt(0).all(), name


# -- the command ----------------------------------------------------------------------------

# procps-ng 4.0.2's vmstat repeats its memory columns: the capture says so, as it should
@pytest.mark.filterwarnings("ignore:.*vmstat's memory columns:perfkit.errors.ParseWarning")
def test_main_prints_findings_of_a_capture(tmp_path, capsys):
    import shutil

    if not all(shutil.which(t) for t in ("vmstat", "mpstat", "iostat", "sar")):
        pytest.skip("sysstat or procps missing")
    target = tmp_path / "cap"
    subprocess.run([sys.executable, "-m", "perfkit", "capture", str(target), "--duration",
                    "2", "--quiet"], check=True, timeout=120)
    assert checklist.main(argparse.Namespace(directory=str(target))) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"perfkit checklist: {target}")
    assert out.rstrip().splitlines()[-1].endswith(" info")
    result = subprocess.run([sys.executable, "-m", "perfkit", "checklist", str(target)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert "critical," in result.stdout


def test_main_refuses_what_is_not_a_capture(tmp_path, capsys):
    missing = tmp_path / "nothing-here"
    assert checklist.main(argparse.Namespace(directory=str(missing))) == 1
    assert "neither a capture directory nor a recorded scenario" in capsys.readouterr().err


# -- a kernel log that is empty, or could not be read ---------------------------------------

def _with_dmesg(tmp_path, argv: list[str], user: int | None) -> str:
    """A copy of the network-retrans capture whose dmesg step is ``argv`` run now, as
    ``user`` (None: as we are), its stdout, stderr and exit status recorded as a capture
    records them."""
    import json
    import shutil as sh

    if "network-retrans" not in _listed():
        pytest.skip("network-retrans is not recorded here")
    target = tmp_path / "cap"
    sh.copytree(samples.path("network-retrans"), target)
    if user is not None:
        argv = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *argv]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30,
                          env={"LC_ALL": "C", "PATH": "/usr/bin:/bin:/usr/sbin:/sbin"})
    (target / "dmesg.txt").write_text(done.stdout)
    (target / "dmesg.stderr").write_text(done.stderr)
    meta = json.loads((target / "capture.json").read_text())
    for entry in meta["commands"]:
        if entry["name"] == "dmesg":
            entry["returncode"] = done.returncode
            entry["status"] = "ok" if done.returncode == 0 else "failed"
    (target / "capture.json").write_text(json.dumps(meta))
    return str(target)


@pytest.mark.live
@pytest.mark.root
def test_an_unreadable_kernel_log_is_not_an_empty_one(tmp_path):
    import os
    import shutil as sh
    from pathlib import Path

    if os.geteuid() != 0 or not sh.which("setpriv") or not sh.which("dmesg"):
        pytest.skip("needs root, setpriv and dmesg")
    if Path("/proc/sys/kernel/dmesg_restrict").read_text().strip() != "1":
        pytest.skip("kernel.dmesg_restrict is 0: everyone may read the kernel log here")
    # run as nobody, dmesg prints "dmesg: read kernel buffer failed: Operation not
    # permitted" and exits 1
    denied = checklist.findings(_with_dmesg(tmp_path / "a", ["dmesg", "--time-format",
                                                             "iso"], 65534))
    row = rows(denied, "dmesg").iloc[0]
    assert (row["metric"], row["severity"], row["key"]) == ("kernel log (unreadable)",
                                                            "info", "dmesg-read")
    assert "exit status 1: dmesg: read kernel buffer failed: Operation not permitted" in \
        row["explanation"]
    assert "(missing)" not in set(denied["metric"])
    # as root, nothing since a future date: dmesg prints nothing and exits 0
    empty = checklist.findings(_with_dmesg(tmp_path / "b", [
        "dmesg", "--time-format", "iso", "--since", "2099-01-01"], None))
    row = rows(empty, "dmesg").iloc[0]
    assert (row["metric"], row["severity"]) == ("kernel log (empty)", "info")
    assert "the kernel log is empty" in row["explanation"]


# -- reasoning across tools, on the recorded scenarios --------------------------------------

def _scenario(name: str):
    if name not in _listed():
        pytest.skip(f"{name} is not recorded here")
    return samples.load(name)


def test_the_top_consumer_is_a_command_its_processes_summed():
    from perfkit.derive.commands import command_cpu
    from perfkit.derive.commands import command_processes as command_pids
    from perfkit.derive.intervals import interval_samples

    # oom-kill: stress-ng starts a new stress-ng-vm after each OOM kill
    cap = _scenario("oom-kill")
    raw = [line.split() for line in cap.raw("pidstat").splitlines()]
    mine = [f for f in raw if len(f) == 10 and f[-1] == "stress-ng-vm" and f[0] != "Average:"]
    used, pids = [float(f[7]) for f in mine], {f[2] for f in mine}
    frame = interval_samples(cap["pidstat"]["cpu"])
    assert len(pids) > 10
    assert command_cpu(frame)["stress-ng-vm"].sum() == pytest.approx(sum(used))
    assert command_pids(frame)["stress-ng-vm"] == len(pids)
    top = rows(checklist.findings(cap), "pidstat", "%CPU of").iloc[0]
    assert top["metric"] == f"%CPU of stress-ng-vm ({len(pids)} processes)"
    count = max(frame["time"].nunique(), cap.meta["count"])  # the capture's samples
    assert f"mean {sum(used) / count:.1f} %" in top["explanation"]


def test_short_lived_processes_take_cpu_no_process_shows():
    # short-lived: sar -w proc/s against vmstat's us + sy and pidstat's processes
    from perfkit.derive.intervals import interval_samples

    cap = _scenario("short-lived")
    started = cap["sar-all"]["tasks"]["proc/s"].median()
    vm = interval_samples(cap["vmstat"])
    busy = float((vm["us"] + vm["sy"]).mean()) * cap.meta["cpus"]
    found = checklist.findings(cap)
    row = found[found["key"] == "short-lived"].iloc[0]
    assert (row["tool"], row["metric"], row["observed"], row["severity"]) == (
        "sar", "proc/s", started, "warning")
    assert started >= 250  # the load starts /bin/true 300 times a second
    assert f"{busy:.1f} % of one CPU" in row["explanation"]
    assert "execsnoop" in row["next"]


def test_context_switches_per_cpu_are_a_finding_of_their_own():
    """The mystery's recording: vmstat's cs median against the CPUs, with sy and us."""
    cap = _scenario("mystery")
    from perfkit.derive.intervals import interval_samples

    vm = interval_samples(cap["vmstat"])
    found = checklist.findings(cap)
    row = found[found["key"] == "context-switches"].iloc[0]
    assert (row["tool"], row["metric"]) == ("vmstat", "cs")
    assert row["observed"] == vm["cs"].median()
    assert row["severity"] == checklist.grade("context-switches", row["observed"],
                                              cap.meta["cpus"])
    assert f"median cs = {vm['cs'].median():.0f}" in row["explanation"]
    assert "pidstat -w" in row["next"]
    assert not (checklist.findings(_scenario("idle"))["key"] == "context-switches").any()


def test_huge_pages_reserved_are_named_as_the_memory_taken():
    cap = perfkit.load_capture(fixture_path("captures", "memory-swap-hugepages"))
    found = checklist.findings(cap)
    row = found[found["key"] == "available"].iloc[0]
    assert "22 GiB (93.6 % of memory) is reserved as huge pages" in row["explanation"]


def test_loadavg_start_in_capture_json_is_the_start_snapshot():
    from perfkit.derive.load import load_seen

    cap = _scenario("hot-thread")
    cap.meta = {**cap.meta, "loadavg_start": [3.5, 3.1, 2.98]}
    seen = load_seen(cap)
    assert seen.iloc[0][["ldavg-1", "source"]].tolist() == [3.5, "capture.json"]
    end = float(re.search(r"load average: ([\d.]+)", cap.raw("top-end")).group(1))
    assert seen["ldavg-1"].iloc[-1] == end  # top at the end: "load average: END, ..."
    before = checklist.findings(cap)
    row = before[before["key"] == "load-before"].iloc[0]
    assert row["observed"] == 3.5 and f"{end:g} at the end" in row["explanation"]


@pytest.mark.live
@pytest.mark.root
def test_a_cpu_quota_shows_as_waiting_with_idle_cpus(tmp_path):
    """A busy loop in a cgroup held to 20 % of one CPU (cpu.cfs_quota_us, or cpu.max):
    pidstat's %wait rises while the CPUs sit idle, and the findings name a CPU limit. The
    loop ends itself after 15 s (and is killed once measured), pidstat and vmstat are
    bounded, and the cgroup is removed."""
    import os
    import shutil as sh
    import time
    from pathlib import Path

    if os.geteuid() != 0 or not (sh.which("pidstat") and sh.which("vmstat")):
        pytest.skip("needs root, pidstat and vmstat")
    v1, v2 = Path("/sys/fs/cgroup/cpu"), Path("/sys/fs/cgroup")
    if (v1 / "cpu.cfs_quota_us").is_file():
        group, limit = v1 / f"perfkit-test-{os.getpid()}", ("cpu.cfs_quota_us", "20000")
    elif "cpu" in (v2 / "cgroup.subtree_control").read_text(errors="ignore") \
            if (v2 / "cgroup.subtree_control").is_file() else False:
        group, limit = v2 / f"perfkit-test-{os.getpid()}", ("cpu.max", "20000 100000")
    else:
        pytest.skip("no cgroup cpu controller to set a quota with")
    env = {"LC_ALL": "C", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    group.mkdir()
    loop = None
    try:
        (group / limit[0]).write_text(limit[1])
        loop = subprocess.Popen(
            ["sh", "-c", f"echo $$ > {group}/cgroup.procs && exec {sys.executable} -c "
                         "'import time\nend = time.time() + 15\nwhile time.time() < end: pass'"],
            env=env)
        time.sleep(1)
        vm = subprocess.Popen(["vmstat", "1", "9"], stdout=subprocess.PIPE, text=True,
                              env=env)
        pid = subprocess.run(["pidstat", "-p", str(loop.pid), "1", "8"], capture_output=True,
                             text=True, timeout=30, env=env).stdout
        vm_out = vm.communicate(timeout=30)[0]
    finally:
        if loop is not None:
            loop.kill()
            loop.wait(timeout=10)
        time.sleep(0.5)
        group.rmdir()
    vmstat = perfkit.parse(vm_out, "vmstat")
    from perfkit.checklist.thresholds import CPU_LIMIT_BUSY
    from perfkit.derive.cpu import vmstat_busy
    from perfkit.derive.intervals import interval_samples

    if vmstat_busy(interval_samples(vmstat)).median() >= CPU_LIMIT_BUSY:
        pytest.skip("the machine's CPUs are busy with other work: no idle CPUs to compare")
    pidstat = perfkit.parse(pid, "pidstat")
    cpu = interval_samples(pidstat["cpu"])
    assert cpu["%CPU"].median() <= 25  # held to 20 % of one CPU
    frame = checklist.findings(Recorded({"pidstat": pidstat, "vmstat": vmstat},
                                        cpus=os.cpu_count()))
    limited = frame[frame["key"] == "cpu-limit"]
    assert len(limited) == 1, checklist.render(frame)
    assert limited["observed"].iloc[0] == cpu["%wait"].median() >= 10


def test_interface_errors_and_drops():
    from conftest import corpus_files

    # sysstat's expected sar -A (a test build reading /proc snapshots): wlp5s0 rxdrop/s
    # 3.21 then 9.60, virbr0 coll/s 0.64 + rxfram/s 2.57, then rxfram/s 2.56
    path = [p for p in corpus_files("sar", "sysstat__tests__expected.sar-A")]
    if not path:
        pytest.skip("sysstat's expected.sar-A is not in the corpus")
    frame = checklist.findings(Recorded({"sar": perfkit.read(path[0], "sar")}))
    found = frame[frame["key"] == "net-errors"].set_index("metric")
    wlan = found.loc["errors and drops/s of wlp5s0"]
    assert wlan["observed"] == pytest.approx((3.21 + 9.60) / 2)
    assert wlan["severity"] == "warning" and "rxdrop/s 9.6" in wlan["explanation"]
    virbr = found.loc["errors and drops/s of virbr0"]
    assert virbr["observed"] == pytest.approx((0.64 + 2.57 + 2.56) / 2)
    assert "coll/s 0.64, rxfram/s 2.57" in virbr["explanation"]
    assert "errors and drops/s of lo" not in found.index  # all 0.00
