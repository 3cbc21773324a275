"""perfkit.bpftrace.run is bounded: bpftrace dies with the Python process however it ends,
its output has a size cap, lost events give one warning, errors keep their location.

Live on this machine: skipped unless we are root, bpftrace is installed and tracefs is
mounted (nothing here mounts anything).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from conftest import ROOT
from test_bpftrace_live import loaded_bpf_programs, pytestmark  # noqa: F401

import perfkit
from perfkit import bpftrace
from perfkit.bpftrace import BpftraceError

COUNT = "tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }"


def _children(parent: int, comm: str) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
        except (OSError, ValueError):
            continue
        if head.split("(", 1)[1] == comm and int(tail.split()[1]) == parent:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL, signal.SIGHUP],
                         ids=["SIGTERM", "SIGKILL", "SIGHUP"])
def test_bpftrace_dies_with_the_python_process(sig):
    code = f"import perfkit.bpftrace as b; b.run({COUNT!r}, 120)"
    # a suite started under nohup ignores SIGHUP, and children inherit that: undo it
    python = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL))
    tracer = None
    try:
        assert _wait_for(lambda: _children(python.pid, "bpftrace"), 30)
        (tracer,) = _children(python.pid, "bpftrace")
        time.sleep(1.0)  # attached
        python.send_signal(sig)
        # bpftrace detaches its probes and prints its map first: slower on a busy machine
        python.wait(timeout=30)
        assert _wait_for(lambda: not _alive(tracer), 5), f"bpftrace {tracer} outlived perfkit"
    finally:
        python.kill()
        python.wait()
        if tracer is not None and _alive(tracer):  # the failure case: do not leave it
            os.kill(tracer, signal.SIGKILL)


def test_output_past_max_bytes_stops_the_trace_and_says_so():
    flood = 'tracepoint:raw_syscalls:sys_enter { printf("%s %d\\n", comm, pid); }'
    started = time.monotonic()
    with pytest.warns(perfkit.ParseWarning, match="max_bytes=100000"):
        tables = bpftrace.run(flood, 60, max_bytes=100_000)
    assert time.monotonic() - started < 30
    assert tables.attrs["truncated"] > 100_000
    text = tables.attrs["text"]
    assert 0 < len(text.encode()) <= 100_000 and text.endswith("\n")
    assert len(tables["printf"]) == text.count("\n") - text.count('"attached_probes"')


def test_lost_events_give_one_warning_with_the_total(monkeypatch):
    monkeypatch.setenv("BPFTRACE_PERF_RB_PAGES", "1")
    burst = ('interval:ms:300 { $i = 0; unroll(100) { printf("event %d %s %s\\n", $i, '
             '"a burst larger than a one-page perf buffer", '
             '"a burst larger than a one-page perf buffer"); $i++; } } '
             'interval:ms:1000 { exit(); }')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tables = bpftrace.run(burst, 20)
    lost = [str(w.message) for w in caught if "lost" in str(w.message)]
    total = tables.attrs["lost_events"]
    assert total > 0
    assert tables.attrs["text"].count("lost_events") >= 2  # several reports...
    assert lost == [f"bpftrace: lost {total} events in all "
                    f"({tables.attrs['text'].count('lost_events')} reports): its buffers "
                    "overflowed, so maps and rows miss them"]  # ...one warning


def test_a_syntax_error_keeps_its_location_and_caret():
    with pytest.raises(BpftraceError) as info:
        bpftrace.run('BEGIN { printf("%d\\n" }', 20)
    lines = str(info.value).splitlines()
    assert lines[0].startswith("syntax error") and "(at stdin:1:" in lines[0]
    assert lines[1] == 'BEGIN { printf("%d\\n" }'
    assert set(lines[2].strip()) <= {"~", "^"} and lines[2].index("~") == lines[1].index("}")
