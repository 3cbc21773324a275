"""perfkit.runner: argument lists, locale, timeouts, missing tools, refusals, SIGINT."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import needs_root, needs_tool

from perfkit import runner


def test_runs_an_argument_list_without_a_shell():
    result = runner.run(["echo", "$(id); *"], timeout=5)
    assert result.stdout == "$(id); *\n"
    assert result.returncode == 0 and result.error is None and result.ok
    assert result.started_utc.endswith("Z") and result.ended_utc >= result.started_utc
    assert 0 <= result.duration < 5


def test_locale_and_extra_environment_reach_the_program():
    code = "import os; print(os.environ['LC_ALL'], os.environ['LANG'], os.environ['X_PERFKIT'])"
    result = runner.run([sys.executable, "-c", code], timeout=10, locale="de_DE.UTF-8",
                        env={"X_PERFKIT": "42", "LANGUAGE": "fr"})
    assert result.stdout.split() == ["de_DE.UTF-8", "de_DE.UTF-8", "42"]
    default = runner.run([sys.executable, "-c", "import os; print(os.environ['LC_ALL'])"],
                         timeout=10)
    assert default.stdout == "C\n"


def test_missing_program_is_reported_not_raised():
    result = runner.run(["perfkit-no-such-tool", "-x"], timeout=5)
    assert result.error == "not installed"
    assert result.returncode is None
    assert "not found" in result.stderr
    assert runner.which("perfkit-no-such-tool") is None
    assert runner.tool_version("perfkit-no-such-tool") is None


def test_timeout_stops_the_program_and_keeps_what_it_printed():
    code = "import time; print('early', flush=True); time.sleep(60)"
    began = time.monotonic()
    result = runner.run([sys.executable, "-c", code], timeout=1.5)
    assert time.monotonic() - began < 8
    assert result.error == "timed out"
    assert result.stdout == "early\n"
    assert not result.interrupted


def test_timeout_also_stops_what_the_program_started():
    # sh waits for its child sleep, which holds the output pipe: the whole group must go
    began = time.monotonic()
    result = runner.run(["sh", "-c", "sleep 60; echo never"], timeout=1)
    assert time.monotonic() - began < 8
    assert result.error == "timed out" and "never" not in result.stdout


def test_failure_names_the_exit_status_and_the_last_error_line():
    result = runner.run(["sh", "-c", "echo first >&2; echo 'bad option' >&2; exit 3"],
                        timeout=5)
    assert result.returncode == 3
    assert result.error == "exit status 3: bad option"


@needs_tool("mpstat")
def test_interrupt_after_lets_sysstat_print_its_averages():
    result = runner.run(["mpstat", "1"], timeout=15, interrupt_after=1.5)
    assert result.interrupted
    assert result.error is None
    assert result.returncode == 0  # mpstat exits normally after SIGINT
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Linux ")
    assert any(line.startswith("Average:") for line in lines)
    assert result.duration < 10


def test_process_writes_to_files_and_can_be_interrupted(tmp_path: Path):
    out, err = tmp_path / "out.txt", tmp_path / "out.stderr"
    code = "import sys, time; print('a', flush=True); print('e', file=sys.stderr); time.sleep(60)"
    process = runner.Process([sys.executable, "-c", code], stdout_path=out, stderr_path=err,
                             cwd=tmp_path)
    deadline = time.monotonic() + 10
    while out.read_text() == "" and time.monotonic() < deadline:
        time.sleep(0.05)
    process.interrupt()
    result = process.wait(timeout=10)
    assert result.interrupted and result.error is None
    assert out.read_text() == "a\n"
    assert err.read_text().startswith("e\n")  # then Python's KeyboardInterrupt traceback


@needs_root
@needs_tool("dmesg", "setpriv", "sysctl")
def test_refused_dmesg_is_permission_denied(dmesg_restricted):
    result = runner.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                         "dmesg"], timeout=10)
    assert result.error == "permission denied"
    assert result.returncode == 1
    assert "Operation not permitted" in result.stderr


@needs_tool("vmstat")
def test_tool_version_reads_the_first_line():
    version = runner.tool_version("vmstat")
    assert version is not None and "procps" in version


@needs_tool("vmstat")
def test_live_parses_what_the_tool_printed():
    pytest.importorskip("perfkit.parsers.vmstat", reason="vmstat parser not written yet")
    frame = runner.live(["vmstat", "1", "2"], timeout=15)
    assert len(frame) == 2
    assert "us" in frame.columns


def test_live_raises_on_failure():
    with pytest.raises(runner.RunError, match="not installed"):
        runner.live(["perfkit-no-such-tool"], timeout=5)


def test_child_environment_drops_language():
    env = runner.child_env({"A": "1"}, locale="fr_FR.UTF-8")
    assert env["LC_ALL"] == env["LANG"] == "fr_FR.UTF-8"
    assert env["A"] == "1"
    assert "LANGUAGE" not in env
    assert env.get("PATH") == os.environ.get("PATH")


def test_a_started_program_dies_with_the_python_process_that_started_it():
    code = ("import sys, time; from perfkit import runner; "
            "p = runner.Process(['sleep', '120']); print(p.pid, flush=True); time.sleep(120)")
    python = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        child = int(python.stdout.readline())
        python.send_signal(signal.SIGKILL)
        python.wait(timeout=10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _running(child):
            time.sleep(0.1)
        assert not _running(child), "sleep outlived the process that started it"
    finally:
        python.kill()
        python.wait()
        if _running(child):
            os.kill(child, signal.SIGKILL)


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_run_bounded_caps_output_and_duration():
    big = runner.run_bounded([sys.executable, "-c", "print('x' * 10_000_000)"],
                             duration=30, max_bytes=4096)
    assert len(big.stdout) == 4096 and big.truncated and big.stdout_seen > 4096
    started = time.monotonic()
    slow = runner.run_bounded(["sleep", "60"], duration=0.5, grace=1)
    assert time.monotonic() - started < 5
    assert slow.interrupted and not slow.truncated and slow.returncode == -signal.SIGINT
