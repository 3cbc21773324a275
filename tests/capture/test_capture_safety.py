"""perfkit capture is safe with the user's files and complete after a signal.

--force replaces only a previous capture's own files; SIGINT, SIGTERM and SIGHUP leave a
final capture.json, the whole kernel log, the sar render and no tool running; a killed
perfkit leaves no tool running and its capture is reported "in progress"; a directory
that cannot be used is a message and exit status 2.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import ROOT, needs_root, needs_tool

import perfkit
from perfkit.capture import CaptureError, capture
from perfkit.capture.meta import host_names

CHECKLIST = ("uptime", "dmesg", "free", "top", "vmstat", "mpstat", "pidstat", "iostat", "sar")
needs_checklist = needs_tool(*CHECKLIST)


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "perfkit", "capture", *args, "--quiet"],
                          capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def entry(meta: dict, name: str) -> dict:
    return next(c for c in meta["commands"] if c["name"] == name)


def working_in(folder: Path) -> list[str]:
    """Processes whose current directory is ``folder`` (the capture's tools run there)."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if Path(os.readlink(proc / "cwd")) == folder.resolve():
                found.append(f"{proc.name} {(proc / 'comm').read_text().strip()}")
        except OSError:
            continue
    return found


def wait_for_lines(path: Path, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and len(path.read_text(errors="replace").splitlines()) >= count:
            return
        time.sleep(0.1)
    raise AssertionError(f"{path.name} did not reach {count} lines")


# -- --force ---------------------------------------------------------------------------------
def test_force_refuses_a_capture_json_that_perfkit_did_not_write(tmp_path):
    target = tmp_path / "d"
    (target / "sub").mkdir(parents=True)
    (target / "capture.json").write_text("{}\n")
    (target / "notes.txt").write_text("x\n")
    run = cli(str(target), "--duration", "1", "--force")
    assert run.returncode == 2 and "not a perfkit capture" in run.stderr, run.stderr
    assert (target / "notes.txt").read_text() == "x\n"
    assert (target / "capture.json").read_text() == "{}\n" and (target / "sub").is_dir()


@needs_checklist
def test_force_replaces_only_the_files_the_previous_capture_listed(tmp_path):
    target = tmp_path / "d"
    first = capture(target, duration=1)
    notes = f"my notes about {host_names()[0]}\n"
    (target / "notes.txt").write_text(notes)
    (target / "sub").mkdir()
    (target / "sub" / "keep.txt").write_text("keep\n")
    (target / "vmstat.txt").write_text("an old vmstat\n")  # listed: replaced
    second = capture(target, duration=1, force=True, redact=True)
    assert second["started_utc"] != first["started_utc"]
    assert (target / "notes.txt").read_text() == notes  # neither deleted nor redacted
    assert (target / "sub" / "keep.txt").read_text() == "keep\n"
    assert "notes.txt" not in second["files"] and "sub" not in second["files"]
    assert "an old vmstat" not in (target / "vmstat.txt").read_text()
    assert set(second["files"]) <= set(second["own_files"]) | {"capture.json"}
    assert not (target / "sar.data").exists()  # redacted: rendered and deleted


# -- signals ---------------------------------------------------------------------------------
@needs_checklist
@pytest.mark.parametrize("sig, redact", [(signal.SIGINT, True), (signal.SIGTERM, False),
                                         (signal.SIGHUP, True)],
                         ids=["SIGINT-redact", "SIGTERM", "SIGHUP-redact"])
def test_a_signal_leaves_a_final_capture_the_whole_kernel_log_and_no_tool(tmp_path, sig,
                                                                          redact):
    kernel_lines = len(subprocess.run(["dmesg"], capture_output=True, text=True,
                                      check=True).stdout.splitlines())
    target = tmp_path / "cap"
    process = subprocess.Popen([sys.executable, "-m", "perfkit", "capture", str(target),
                                "--duration", "60", *(["--redact"] if redact else [])],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
    wait_for_lines(target / "vmstat.txt", 6)  # sar.data holds records by now
    process.send_signal(sig)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + sig, err
    assert "Traceback" not in err
    assert not working_in(target), "tools outlived the capture"
    meta = json.loads((target / "capture.json").read_text())
    assert meta["status"] == "partial" and meta["complete"] is False
    assert signal.Signals(sig).name in meta["reason"]
    assert meta["ended_utc"] is not None
    dmesg = entry(meta, "dmesg")
    assert dmesg["status"] == "ok", dmesg
    assert len((target / "dmesg.txt").read_text().splitlines()) >= kernel_lines
    if redact:
        render = entry(meta, "sar-all")
        assert render["status"] == "ok", render
        text = (target / "sar-all.txt").read_text()
        assert "IFACE" in text and "Average:" in text
        assert not (target / "sar.data").exists()
        assert meta["redacted"]["done"] is True
    with _no_warning_about_progress():
        perfkit.load_capture(target)
    if "notes" in meta:  # procps-ng 4.0.2's frozen vmstat memory
        with pytest.warns(perfkit.ParseWarning, match="vmstat's memory"):
            perfkit.load_capture(target)["vmstat"]


class _no_warning_about_progress:
    def __enter__(self):
        import warnings

        self.catcher = warnings.catch_warnings(record=True)
        self.caught = self.catcher.__enter__()
        warnings.simplefilter("always")

    def __exit__(self, *exc):
        self.catcher.__exit__(*exc)
        assert not [w for w in self.caught if "in progress" in str(w.message)]


@needs_checklist
def test_a_killed_capture_leaves_no_tool_and_says_in_progress(tmp_path):
    target = tmp_path / "cap"
    process = subprocess.Popen([sys.executable, "-m", "perfkit", "capture", str(target),
                                "--duration", "60", "--quiet"], cwd=ROOT)
    wait_for_lines(target / "vmstat.txt", 4)
    process.kill()
    process.wait(timeout=10)
    deadline = time.monotonic() + 5
    while working_in(target) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not working_in(target), "tools outlived a killed capture"
    assert json.loads((target / "capture.json").read_text())["status"] == "in progress"
    with pytest.warns(perfkit.ParseWarning, match="in progress"):
        perfkit.load_capture(target)
    again = cli(str(target), "--duration", "1")
    assert again.returncode == 2 and "left 'in progress'" in again.stderr, again.stderr


def test_ctrl_c_during_start_up_is_a_message_not_a_traceback(tmp_path):
    code = ("import sys, time\n"
            "from perfkit import runner\n"
            "from perfkit.cli import main\n"
            "slow = runner.tool_version\n"
            "runner.tool_version = lambda t: (time.sleep(0.5), slow(t))[1]\n"
            "print('ready', flush=True)\n"
            f"sys.exit(main(['capture', {str(tmp_path / 'cap')!r}, '--duration', '5']))\n")
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "ready\n"
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert process.returncode == 130
    assert "SIGINT" in err


# -- directories that cannot be used -----------------------------------------------------
def test_a_dangling_symlink_is_a_message_and_exit_2(tmp_path):
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    run = cli(str(tmp_path / "link"), "--duration", "1")
    assert run.returncode == 2 and "symbolic link" in run.stderr and "Traceback" not in run.stderr


@needs_checklist
def test_a_symlink_with_force_is_a_message_and_exit_2(tmp_path):
    capture(tmp_path / "real", duration=1)
    (tmp_path / "link").symlink_to(tmp_path / "real")
    before = sorted(p.name for p in (tmp_path / "real").iterdir())
    run = cli(str(tmp_path / "link"), "--duration", "1", "--force")
    assert run.returncode == 2 and "symbolic link" in run.stderr and "Traceback" not in run.stderr
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == before


@needs_root
@needs_tool("setpriv")
def test_an_unwritable_directory_is_a_message_and_exit_2():
    probe = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            sys.executable, "-c", "import perfkit"], capture_output=True,
                           cwd="/")
    if probe.returncode != 0:
        pytest.skip("this Python cannot be run by uid 65534")
    parent = Path(tempfile.mkdtemp(prefix="perfkit-unwritable-"))
    try:
        parent.chmod(0o755)  # root's: uid 65534 cannot write here
        for target in (parent, parent / "cap"):
            run = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534",
                                  "--clear-groups", sys.executable, "-m", "perfkit", "capture",
                                  str(target), "--duration", "1", "--quiet"],
                                 capture_output=True, text=True, cwd="/", timeout=60)
            assert run.returncode == 2, run.stderr
            assert "Traceback" not in run.stderr and "cannot write" in run.stderr, run.stderr
    finally:
        shutil.rmtree(parent)


def test_a_file_in_the_way_is_a_capture_error(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(CaptureError, match="not a directory"):
        capture(tmp_path / "f", duration=1)
