"""perfkit capture end to end on this machine, and perfkit.load_capture.

Each capture here is short (1 to 3 seconds of sampling). Parts that need a parser which is
not written yet are skipped with the reason "<tool> parser not written yet".
"""

from __future__ import annotations

import io
import ipaddress
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, needs_root, needs_tool

import perfkit
from perfkit.capture import CaptureError, capture
from perfkit.capture.meta import host_names
from perfkit.capture.psutil_stand_in import NOTE
from perfkit.capture.run import _Progress

CHECKLIST = ("uptime", "dmesg", "free", "top", "vmstat", "mpstat", "pidstat", "iostat", "sar",
             "sadf")
needs_checklist = needs_tool(*CHECKLIST[:-1])


def needs_parser(tool: str) -> None:
    pytest.importorskip(f"perfkit.parsers.{tool}", reason=f"{tool} parser not written yet")


def shim_path(tmp: Path, keep: tuple[str, ...]) -> str:
    """A PATH holding only links to the named programs (the others look uninstalled)."""
    folder = tmp / "bin"
    folder.mkdir(exist_ok=True)
    for name in keep:
        real = shutil.which(name)
        if real:
            (folder / name).symlink_to(real)
    return str(folder)


def entry(meta: dict, name: str) -> dict:
    return next(c for c in meta["commands"] if c["name"] == name)


def vmstat_of(cap) -> pd.DataFrame:
    """cap["vmstat"], expecting the frozen-memory warning when capture.json notes it."""
    if any("vmstat's memory columns" in n for n in cap.meta.get("notes") or []):
        with pytest.warns(perfkit.ParseWarning, match="vmstat's memory columns"):
            return cap["vmstat"]
    return cap["vmstat"]


def last_row(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()][-1].split()


@pytest.fixture(scope="module")
def basic(tmp_path_factory):
    """One 3-second capture shared by the tests that only read it."""
    if any(shutil.which(t) is None for t in CHECKLIST[:-1]):
        pytest.skip("sysstat, procps or util-linux missing")
    folder = tmp_path_factory.mktemp("capture") / "basic"
    meta = capture(folder, duration=3, interval=1)
    return folder, meta


# -- the files and capture.json ------------------------------------------------------------
def test_capture_writes_every_output_and_its_description(basic):
    folder, meta = basic
    on_disk = json.loads((folder / "capture.json").read_text())
    assert on_disk == json.loads(json.dumps(meta))
    assert meta["schema_version"] == 1
    assert meta["complete"] is True and meta["status"] == "complete" and meta["reason"] is None
    for name in ("uptime", "dmesg", "top-start", "vmstat", "mpstat", "pidstat", "iostat",
                 "sar-dev", "sar-tcp", "free", "top-end"):
        step = entry(meta, name)
        assert step["status"] == "ok", step
        assert step["returncode"] == 0
        assert (folder / step["stdout"]).stat().st_size > 0
        assert (folder / step["stderr"]).exists()
        assert step["duration"] >= 0
        assert step["command"] == " ".join(step["argv"])
    assert (folder / "sar.data").read_bytes()[:2] in (b"\x96\xd5", b"\xd5\x96")
    assert "sar.data" in entry(meta, "sar-dev")["files"]
    assert set(meta["files"]) == {p.name for p in folder.iterdir() if p.is_file()}


def test_an_unredacted_capture_offers_every_activity_from_its_binary_file(basic):
    """Without --redact, sar.data stays and cap["sar-all"] reads it through sadf: the
    rules that need sar -A (processes started, PSI, softirq packets) work on it too."""
    folder, _ = basic
    cap = perfkit.load_capture(folder)
    assert "sar-all" in cap and "sar-all" in cap.tools
    tasks = cap["sar-all"]["tasks"]
    sadf = subprocess.run(["sadf", "-d", str(folder / "sar.data"), "--", "-w"],
                          capture_output=True, text=True, check=True,
                          env={"LC_ALL": "C", "PATH": os.environ.get("PATH", "/usr/bin")})
    rows = [line.split(";") for line in sadf.stdout.splitlines() if not line.startswith("#")]
    assert tasks["proc/s"].tolist() == [float(row[-2]) for row in rows]


def test_capture_json_describes_machine_tools_and_environment(basic):
    _, meta = basic
    assert meta["kernel"] == os.uname().release
    assert meta["host"] == os.uname().nodename
    assert meta["cpus"] == os.cpu_count()
    meminfo = Path("/proc/meminfo").read_text().split("\n")[0].split()
    assert meta["memory_kib"] == int(meminfo[1])
    assert meta["distribution"].get("ID")
    assert meta["tool_versions"]["vmstat"].startswith("vmstat from procps-ng")
    assert meta["tool_versions"]["sar"].startswith("sysstat version")
    assert meta["locale"] == "C"
    assert meta["environment"] == {"LC_ALL": "C", "LANG": "C", "S_TIME_FORMAT": "ISO",
                                   "S_COLORS": "never", "TZ": "UTC"}
    start = datetime.fromisoformat(meta["started_utc"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(meta["ended_utc"].replace("Z", "+00:00"))
    assert 3 <= (end - start).total_seconds() < 30
    assert meta["interval"] == 1 and meta["count"] == 3
    assert entry(meta, "vmstat")["argv"] == ["vmstat", "-w", "-t", "1", "4"]
    assert entry(meta, "mpstat")["argv"] == ["mpstat", "-P", "ALL", "1", "3"]
    assert entry(meta, "dmesg")["argv"][0] == "dmesg"
    assert meta["missing"] == {} and meta["psutil"] is None and meta["redacted"] is False


def test_outputs_are_what_the_tools_print_in_the_c_locale_with_iso_dates(basic):
    folder, meta = basic
    vmstat = (folder / "vmstat.txt").read_text().splitlines()
    assert vmstat[1].split()[-1] == "UTC"  # -t with TZ=UTC
    assert len(vmstat) == 2 + 4  # two header lines, since-boot line and three intervals
    banner = (folder / "mpstat.txt").read_text().splitlines()[0]
    assert re.search(r"\t\d{4}-\d{2}-\d{2} \t", banner)  # S_TIME_FORMAT=ISO
    assert (folder / "mpstat.txt").read_text().count("Average:") >= 1
    assert (folder / "top-start.txt").read_text().startswith("top - ")
    if entry(meta, "dmesg")["argv"][1:] == ["--time-format", "iso"]:
        first = (folder / "dmesg.txt").read_text().splitlines()[0]
        assert re.match(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2},\d{6}[+-]\d{2}:\d{2} ", first)


# -- load_capture ----------------------------------------------------------------------------
def test_load_capture_parses_each_tool_on_first_use(basic):
    folder, meta = basic
    needs_parser("vmstat")
    cap = perfkit.load_capture(folder)
    assert cap.meta == meta
    assert "vmstat" in cap and "nothing" not in cap
    # sar-all: every activity of the kept sar.data, read through sadf
    assert cap.tools == ["uptime", "dmesg", "vmstat", "mpstat", "pidstat", "iostat", "sar",
                         "free", "top", *(["sar-all"] if shutil.which("sadf") else [])]
    vm = vmstat_of(cap)
    assert cap["vmstat"] is vm  # cached
    raw = last_row(cap.raw("vmstat"))
    assert vm["free"].iloc[-1] == int(raw[3])
    assert vm["time"].iloc[-1] == pd.Timestamp(f"{raw[-2]} {raw[-1]}")
    assert vm["since_boot"].tolist() == [True, False, False, False]


def test_sar_tables_are_merged(basic):
    folder, _ = basic
    needs_parser("sar")
    sar = perfkit.load_capture(folder)["sar"]
    assert {"DEV", "TCP", "ETCP"} <= set(sar)
    dev_text = (folder / "sar-dev.txt").read_text().splitlines()
    lo = next(line.split() for line in dev_text
              if re.match(r"^\d\d:\d\d:\d\d\s+lo\s", line))
    first_lo = sar["DEV"][sar["DEV"]["IFACE"] == "lo"].iloc[0]
    assert first_lo["rxpck/s"] == float(lo[2])
    tcp_rows = [line.split() for line in (folder / "sar-tcp.txt").read_text().splitlines()
                if re.match(r"^\d\d:\d\d:\d\d\s+\d", line)]
    assert sar["TCP"]["oseg/s"].iloc[0] == float(tcp_rows[0][4])
    assert set(sar.averages) >= {"DEV", "TCP", "ETCP"}


def test_free_runs_every_interval_and_top_at_start_and_end(basic):
    folder, meta = basic
    needs_parser("free")
    cap = perfkit.load_capture(folder)
    assert entry(meta, "free")["argv"] == ["free", "-m", "-s", "1", "-c", "3"]
    free = cap["free"]
    mem = free[free["kind"] == "Mem"]
    rows = [line.split() for line in (folder / "free.txt").read_text().splitlines()
            if line.startswith("Mem:")]
    assert len(rows) == 3 == len(mem) and mem["sample"].tolist() == [0, 1, 2]
    assert mem["free"].tolist() == [int(r[3]) * 1024 for r in rows]  # MiB, read as KiB
    assert mem["total"].iloc[0] == int(rows[0][1]) * 1024
    # free prints no times: sample k is the step's start + k intervals, and says so
    started = pd.Timestamp(entry(meta, "free")["started_utc"]).tz_convert(None)
    assert mem["time"].tolist() == [started + pd.Timedelta(seconds=k) for k in range(3)]
    assert "free -s" in free.attrs["time_from"]
    assert mem["when"].tolist() == ["start", "during", "end"]
    needs_parser("top")
    top = cap["top"]
    assert top["summary"]["when"].tolist() == ["start", "end"]
    assert set(top["processes"]["when"]) == {"start", "end"}
    day = meta["started_utc"][:10]
    # top prints only a time of day: the capture's UTC date is put in front of it
    assert top["summary"]["time"].dt.strftime("%Y-%m-%d").tolist() in ([day, day],
                                                                       [day, _next(day)])
    # top runs two iterations one interval apart: the first one's %CPU covers top's own
    # start-up, so the capture keeps the second (its CPU summary and %CPU)
    assert entry(meta, "top-start")["argv"] == ["top", "-b", "-n", "2", "-d", "1", "-w", "512"]
    text = (folder / "top-start.txt").read_text()
    assert text.count("top - ") == 2
    second = text[text.rindex("top - "):]
    assert top["summary"]["iteration"].tolist() == [2, 2]
    assert top["summary"]["time"].iloc[0].strftime("%H:%M:%S") == second.split()[2]
    cpu = re.search(r"(\d+\.\d+) us,", second).group(1)
    assert top["summary"]["%Cpu us"].iloc[0] == float(cpu)
    first_row = next(line.split() for line in second.splitlines()
                     if re.match(r"^\s*\d+\s", line))
    start = top["processes"].query("when == 'start'")
    assert start["PID"].iloc[0] == int(first_row[0])
    assert start["%CPU"].iloc[0] == float(first_row[8])


def test_a_frozen_vmstat_memory_is_noted_and_warned_about(basic):
    """procps-ng 4.0.2's vmstat repeats its first free/buff/cache figures; free does not."""
    folder, meta = basic
    needs_parser("vmstat")
    rows = [line.split() for line in (folder / "vmstat.txt").read_text().splitlines()
            if re.match(r"^\s*\d", line)][1:]  # the since-boot report first
    vm_still = len({tuple(r[3:6]) for r in rows}) == 1
    mem = [line.split() for line in (folder / "free.txt").read_text().splitlines()
           if line.startswith("Mem:")]
    free_moved = len({(r[3], r[5]) for r in mem}) > 1
    notes = meta.get("notes") or []
    frozen = [n for n in notes if "vmstat's memory columns" in n]
    assert bool(frozen) == (vm_still and free_moved)
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        perfkit.load_capture(folder)["vmstat"]
    said = [w for w in caught if "vmstat's memory columns" in str(w.message)]
    assert bool(said) == (vm_still and free_moved)
    if said:
        assert issubclass(said[0].category, perfkit.ParseWarning)


def test_capture_json_records_the_load_averages_at_the_start(basic):
    folder, meta = basic
    load = meta["load_average_start"]
    assert set(load) == {"1", "5", "15"} and all(v >= 0 for v in load.values())
    uptime = (folder / "uptime.txt").read_text()
    printed = [float(v) for v in uptime.rsplit("load average:", 1)[1].split(",")]
    assert abs(load["1"] - printed[0]) < 2.0  # read a moment before uptime ran


def _next(day: str) -> str:
    return (pd.Timestamp(day) + pd.Timedelta(days=1)).strftime("%Y-%m-%d")


def test_uptime_gets_the_capture_date(basic):
    folder, meta = basic
    needs_parser("uptime")
    up = perfkit.load_capture(folder)["uptime"]
    assert up["time"].iloc[0].strftime("%Y-%m-%d") in (meta["started_utc"][:10],
                                                      _next(meta["started_utc"][:10]))
    printed = (folder / "uptime.txt").read_text().split()
    assert up["ldavg-15"].iloc[0] == float(printed[-1])


def test_other_tools_parse(basic):
    folder, _ = basic
    cap = perfkit.load_capture(folder)
    for tool, table in (("mpstat", "cpu"), ("iostat", "devices"), ("pidstat", "cpu")):
        try:
            __import__(f"perfkit.parsers.{tool}")
        except ImportError:
            continue
        assert len(cap[tool][table]) > 0, tool
    needs_parser("dmesg")
    lines = (folder / "dmesg.txt").read_text().splitlines()
    records = [line for line in lines if line[:1].strip()]  # continuation lines are indented
    assert len(cap["dmesg"]) == len(records)
    if records[-1][:4].isdigit():  # --time-format iso: "2026-11-25T00:13:05,000000+00:00 msg"
        assert cap["dmesg"]["message"].iloc[-1].split("\n")[0] == records[-1].split(" ", 1)[1]


def test_unknown_name_is_a_key_error(basic):
    folder, _ = basic
    cap = perfkit.load_capture(folder)
    with pytest.raises(KeyError, match="not part of a capture"):
        cap["nfsstat"]
    with pytest.raises(FileNotFoundError):
        perfkit.load_capture(folder / "nowhere")


# -- a tool missing, refused, interrupted ------------------------------------------------------
@needs_checklist
def test_missing_tool_is_recorded_and_the_rest_goes_on(tmp_path, monkeypatch):
    keep = tuple(t for t in CHECKLIST if t not in ("vmstat", "top"))
    monkeypatch.setenv("PATH", shim_path(tmp_path, keep))
    meta = capture(tmp_path / "cap", duration=2)
    assert meta["complete"] is True
    assert meta["missing"]["top"] == "not installed"
    assert meta["missing"]["vmstat"].startswith("not installed; psutil-derived")
    assert entry(meta, "vmstat")["status"] == "not installed"
    assert entry(meta, "vmstat")["substitute"] == ["psutil-vmstat.csv"]
    assert "not found" in (tmp_path / "cap" / "vmstat.stderr").read_text()
    assert not (tmp_path / "cap" / "vmstat.txt").exists()
    for name in ("mpstat", "pidstat", "iostat", "sar-dev", "free", "uptime"):
        assert entry(meta, name)["status"] == "ok", name
    cap = perfkit.load_capture(tmp_path / "cap")
    with pytest.raises(KeyError, match="not installed"):
        cap["top"]
    assert "top" not in cap and "vmstat" in cap
    assert cap["vmstat"].attrs["source"] == "psutil"


@needs_root
@needs_checklist
@needs_tool("setpriv")
def test_refused_dmesg_is_recorded_for_an_unprivileged_user(dmesg_restricted):
    probe = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            sys.executable, "-c", "import perfkit"], capture_output=True,
                           cwd="/")
    if probe.returncode != 0:
        pytest.skip("this Python cannot be run by uid 65534")
    parent = Path(tempfile.mkdtemp(prefix="perfkit-nobody-"))
    try:
        parent.chmod(0o777)
        target = parent / "cap"
        run = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                              sys.executable, "-m", "perfkit", "capture", str(target),
                              "--duration", "2", "--quiet"], capture_output=True, text=True,
                             cwd="/", timeout=60)
        assert run.returncode == 0, run.stderr
        meta = json.loads((target / "capture.json").read_text())
        assert meta["complete"] is True
        assert entry(meta, "dmesg")["status"] == "permission denied"
        assert meta["missing"]["dmesg"] == "permission denied"
        assert "Operation not permitted" in (target / "dmesg.stderr").read_text()
        assert entry(meta, "vmstat")["status"] == "ok"
        with pytest.raises(KeyError, match="permission denied"):
            perfkit.load_capture(target)["dmesg"]
    finally:
        shutil.rmtree(parent)


@needs_checklist
@pytest.mark.parametrize("redact", [False, True], ids=["plain", "redacted"])
def test_sigint_stops_the_capture_and_keeps_what_was_captured(tmp_path, redact):
    target = tmp_path / "cap"
    process = subprocess.Popen([sys.executable, "-m", "perfkit", "capture", str(target),
                                "--duration", "30", *(["--redact"] if redact else [])],
                               cwd=ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60  # the interval tools are running (start-up can be slow)
    while time.monotonic() < deadline and not (
            (target / "vmstat.txt").exists()
            and len((target / "vmstat.txt").read_text().splitlines()) >= 4):
        time.sleep(0.1)
    began = time.monotonic()
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=20)
    assert time.monotonic() - began < 6
    assert process.returncode == 130
    assert "partial" in err
    meta = json.loads((target / "capture.json").read_text())
    assert meta["complete"] is False and meta["status"] == "partial"
    assert "SIGINT" in meta["reason"]
    assert entry(meta, "mpstat")["status"] == "interrupted"
    assert entry(meta, "top-end")["status"] == "skipped"
    assert "Average:" in (target / "mpstat.txt").read_text()  # sysstat's summary on SIGINT
    assert len((target / "vmstat.txt").read_text().splitlines()) >= 3
    assert meta["ended_utc"] is not None
    if redact:  # an interrupted capture is redacted all the same
        assert meta["redacted"]["done"] is True and meta["host"] == "host-1"
        assert not (target / "sar.data").exists()
        name = re.compile(r"(?<![A-Za-z0-9_-])" + re.escape(os.uname().nodename)
                          + r"(?![A-Za-z0-9_-])", re.I)
        for path in target.iterdir():
            assert not name.search(path.read_text(errors="replace")), path.name


@needs_checklist
def test_existing_capture_is_kept_unless_forced(tmp_path):
    target = tmp_path / "cap"
    first = capture(target, duration=1)
    with pytest.raises(CaptureError, match="--force"):
        capture(target, duration=1)
    cli = subprocess.run([sys.executable, "-m", "perfkit", "capture", str(target),
                          "--duration", "1", "--quiet"], capture_output=True, text=True,
                         cwd=ROOT)
    assert cli.returncode == 2 and "already holds a capture" in cli.stderr
    assert json.loads((target / "capture.json").read_text())["started_utc"] == \
        first["started_utc"]
    (target / "note.txt").write_text("old")
    second = capture(target, duration=1, force=True)
    assert second["started_utc"] != first["started_utc"]
    assert (target / "note.txt").read_text() == "old"  # not the capture's: kept
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "thesis.tex").write_text("keep me")
    with pytest.raises(CaptureError, match="not a perfkit capture"):
        capture(stranger, duration=1, force=True)
    assert (stranger / "thesis.tex").read_text() == "keep me"


# -- redaction -----------------------------------------------------------------------------------
@needs_checklist
def test_redacted_capture_hides_the_machine_and_still_parses(tmp_path):
    target = tmp_path / "cap"
    meta = capture(target, duration=2, redact=True)
    assert meta["complete"] is True
    assert meta["redacted"]["done"] is True
    assert "host name" in meta["redacted"]["kinds"]
    assert meta["redacted"]["dropped"] == ["sar.data"]
    assert not (target / "sar.data").exists()
    assert meta["host"] == "host-1"
    names = [re.compile(r"(?<![A-Za-z0-9_-])" + re.escape(n) + r"(?![A-Za-z0-9_-])", re.I)
             for n in host_names()]
    ipv4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\.?\d)")
    mac = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}(?![\w:])")
    for path in target.iterdir():
        text = path.read_text(errors="replace")
        for name in names:
            assert not name.search(text), (path.name, name.pattern)
        for match in ipv4.finditer(text):
            addr = ipaddress.ip_address(match.group(0))
            assert (addr.is_loopback or addr.is_unspecified or addr.is_multicast
                    or match.group(0).startswith(("192.0.2.", "198.51.100.", "203.0.113."))
                    or set(match.group(0).split(".")) <= {"0", "255"}), (path.name, addr)
        for match in mac.finditer(text):
            assert match.group(0).lower().startswith(("02:00:00:00:", "00:00:00:00:00:00",
                                                      "ff:ff:ff:ff:ff:ff")), path.name
    dmesg = (target / "dmesg.txt").read_text()
    cmdline = Path("/proc/cmdline").read_text().strip()
    assert cmdline not in dmesg
    if "ommand line:" in dmesg:
        assert "command line" in meta["redacted"]["kinds"]
        for line in dmesg.splitlines():
            if "ommand line:" in line:
                assert line.endswith("command line: [redacted]") or line.endswith(
                    "Command line: [redacted]")
    assert "(host-1)" in (target / "sar-all.txt").read_text().splitlines()[0]
    cap = perfkit.load_capture(target)
    assert "sar-all" in cap.tools
    needs_parser("vmstat")
    assert len(vmstat_of(cap)) == 3
    needs_parser("sar")
    assert cap["sar"].attrs["host"] == "host-1"
    assert {"DEV", "TCP", "ETCP"} <= set(cap["sar"])


# -- psutil stand-in -----------------------------------------------------------------------------
@needs_tool("dmesg")
def test_psutil_stands_in_for_sysstat_and_procps(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", shim_path(tmp_path, ("dmesg",)))
    meta = capture(tmp_path / "cap", duration=2)
    folder = tmp_path / "cap"
    assert meta["complete"] is True
    assert meta["psutil"]["note"] == NOTE
    assert set(meta["psutil"]["tools"]) == {"vmstat", "mpstat", "pidstat", "iostat", "sar",
                                            "free", "uptime"}
    assert meta["psutil"]["samples"] == 2
    for files in meta["psutil"]["tools"].values():
        for name in files:
            assert (folder / name).read_text().startswith(f"# {NOTE}"), name
    cap = perfkit.load_capture(folder)
    assert cap.tools == ["uptime", "dmesg", "vmstat", "mpstat", "pidstat", "iostat", "sar",
                         "free"]
    with pytest.raises(KeyError, match="not installed"):
        cap["top"]
    cpu = cap["mpstat"]["cpu"]
    assert cpu.attrs["source"] == "psutil"
    assert set(cpu["CPU"]) == {"all", *map(str, range(os.cpu_count()))}
    shares = cpu[["%usr", "%nice", "%sys", "%iowait", "%irq", "%soft", "%steal", "%idle"]]
    assert ((shares.sum(axis=1) - 100).abs() < 0.2).all()
    vm = cap["vmstat"]
    assert len(vm) == 2 and pd.api.types.is_datetime64_any_dtype(vm["time"])
    assert ((vm[["us", "sy", "id", "wa", "st"]].sum(axis=1) - 100).abs() <= 3).all()
    meminfo = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
    free = cap["free"]
    assert free["when"].tolist() == ["start", "start", "end", "end"]
    assert free.loc[0, "total"] == meminfo
    assert "lo" in set(cap["sar"]["DEV"]["IFACE"])
    assert cap["uptime"]["ldavg-1"].iloc[0] >= 0


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_countdown_on_a_terminal_and_lines_otherwise():
    screen = _Terminal()
    progress = _Progress(screen, total=10)
    for elapsed in (0.0, 0.1, 1.0):
        progress.tick(elapsed, ["vmstat", "mpstat"])
    progress.done()
    shown = screen.getvalue()
    assert shown.count("\r") >= 3 and "\n" not in shown
    assert "10 s left, running vmstat mpstat" in shown and "9 s left" in shown
    log = io.StringIO()
    progress = _Progress(log, total=60)
    for elapsed in (0.0, 0.1, 1.0):
        progress.tick(elapsed, ["vmstat"])
    assert log.getvalue() == "perfkit capture:  60 s left, running vmstat\n"
    _Progress(None, total=5).tick(1.0, ["vmstat"])  # --quiet: nothing, no error


@needs_root
@needs_tool("top", "setpriv", "sleep")
def test_user_names_in_top_are_replaced_keeping_the_columns():
    from perfkit import runner
    from perfkit.capture.redact import Redactor

    sleeper = subprocess.Popen(["setpriv", "--reuid=65534", "--regid=65534",
                                "--clear-groups", "sleep", "30"])
    try:
        time.sleep(0.3)
        text = runner.run(["top", "-b", "-n", "1", "-w", "512"], timeout=20).stdout
    finally:
        sleeper.kill()
        sleeper.wait()
    rows = [line for line in text.splitlines() if re.match(rf"^\s*{sleeper.pid} ", line)]
    assert rows and rows[0].split()[1] == "nobody"
    redactor = Redactor(users=["nobody"])
    out = redactor.text(text)
    new = next(line for line in out.splitlines() if re.match(rf"^\s*{sleeper.pid} ", line))
    assert new.split()[1] == "user-1"
    assert len(new) == len(rows[0]) and new.index(" 20 ") == rows[0].index(" 20 ")
    assert redactor.kinds() == ["user name"]
    assert "root" in out  # root is never replaced
