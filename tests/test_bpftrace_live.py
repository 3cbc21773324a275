"""perfkit.bpftrace.run on this machine: bounded traces that must see what we do during
them, errors with hints, and nothing left attached afterwards.

Skipped unless we are root, bpftrace is installed and tracefs is mounted (these tests never
mount anything).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from perfkit import bpftrace
from perfkit.bpftrace import BpftraceError

pytestmark = [
    pytest.mark.live,
    pytest.mark.root,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root"),
    pytest.mark.skipif(shutil.which("bpftrace") is None, reason="bpftrace not installed"),
    pytest.mark.skipif(not any(Path(d, "events").is_dir() for d in
                               ("/sys/kernel/tracing", "/sys/kernel/debug/tracing")),
                       reason="tracefs not mounted"),
]


def loaded_bpf_programs() -> set[int]:
    """IDs of the BPF programs held open (``prog_id:`` in /proc/*/fdinfo) by this test
    process or its descendants; programs of unrelated processes on the machine (another
    user's trace) do not count."""
    ids: set[int] = set()
    for proc in Path("/proc").glob("[0-9]*"):
        if not _descends_from_us(int(proc.name)):
            continue
        for fdinfo in proc.glob("fdinfo/*"):
            try:
                text = fdinfo.read_text()
            except OSError:
                continue
            for line in text.splitlines():
                if line.startswith("prog_id:"):
                    ids.add(int(line.split()[1]))
    return ids


def _descends_from_us(pid: int) -> bool:
    me = os.getpid()
    for _ in range(64):
        if pid == me:
            return True
        if pid <= 1:
            return False
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        pid = int(stat.rsplit(")", 1)[1].split()[1])
    return False


def bpftrace_children() -> list[int]:
    """bpftrace processes whose parent is this test process."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
            comm = fields[0].split("(", 1)[1]
            ppid = int(fields[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if comm == "bpftrace" and ppid == os.getpid():
            found.append(int(stat.parent.name))
    return found


def test_available():
    ok, reason = bpftrace.available()
    assert ok, reason


def test_a_command_run_during_the_trace_appears_in_the_exec_trace():
    marker = f"perfkit-live-{os.getpid()}-{time.monotonic_ns()}"
    program = ('tracepoint:syscalls:sys_enter_execve { printf("%-7d %-16s ", pid, comm); '
               'join(args->argv); }')
    tables = bpftrace.run(program, duration=20, command=["/bin/true", marker])
    rows = tables["printf"]["line"]
    mine = rows[rows.str.endswith(f"/bin/true {marker}")]
    assert len(mine) == 1, rows.tolist()
    assert tables.attrs["probes"] == 1


def test_direct_writes_are_counted_as_block_completions(tmp_path):
    """N direct 4 KiB writes to a file on a real block device complete as N requests.

    The file is written and synced first, so dd's writes need no block allocation (no
    metadata I/O of ours); O_DIRECT with dd's one-write-at-a-time makes each write one bio
    and one request (nothing to merge). We tag the bios of our own dd (a copy with a name
    of its own, so another dd on the machine does not count) at block_bio_queue, in dd's
    context, and count the completions of those sectors. So we expect exactly N; the 2 %
    tolerance (4 of 200) allows for a request completing after the trace stopped. Journal
    and other processes' I/O are not tagged, so they cannot inflate the count.
    """
    device = os.stat(tmp_path).st_dev
    if os.major(device) == 0:
        pytest.skip("the temporary directory is not on a block device")
    blocks = 200
    target = tmp_path / "direct.img"
    with open(target, "wb") as handle:
        handle.write(os.urandom(4096) * blocks)
        handle.flush()
        os.fsync(handle.fileno())
    dd = tmp_path / "pkddlive"
    shutil.copy(shutil.which("dd"), dd)
    program = """
tracepoint:block:block_bio_queue /comm == "pkddlive"/ { @mine[args->dev, args->sector] = 1; }
tracepoint:block:block_rq_complete /@mine[args->dev, args->sector]/ {
  @completions = count(); @bytes = sum(args->nr_sector * 512);
  delete(@mine[args->dev, args->sector]);
}
END { clear(@mine); }
"""
    tables = bpftrace.run(program, duration=30, command=[
        str(dd), "if=/dev/zero", f"of={target}", "bs=4k", f"count={blocks}", "oflag=direct",
        "conv=notrunc", "status=none"])
    completions = int(tables["@completions"]["value"].iloc[0])
    assert blocks * 0.98 <= completions <= blocks * 1.02, completions
    assert int(tables["@bytes"]["value"].iloc[0]) == completions * 4096


def test_text_output_gives_the_same_tables_as_json():
    program = 'BEGIN { @x[1, "a"] = 5; @h = hist(300); @s = stats(7); exit(); }'
    text = bpftrace.run(program, duration=20, json=False)
    json = bpftrace.run(program, duration=20)
    assert text.attrs["format"] == "text" and json.attrs["format"] == "json"
    for name in ("@x", "@h", "@s"):
        assert text[name].equals(json[name]), name
    assert text["@h"][["low", "high", "count"]].values.tolist() == [[256.0, 512.0, 1.0]]


def test_a_program_file_with_positional_parameters(tmp_path):
    program = tmp_path / "hello.bt"
    program.write_text('BEGIN { printf("%s %d\\n", str($1), $2); exit(); }\n')
    tables = bpftrace.run(program, duration=20, args=["perfkit", "42"])
    assert tables["printf"]["line"].tolist() == ["perfkit 42"]
    with pytest.raises(BpftraceError) as info:
        bpftrace.run(tmp_path / "missing.bt", 5)
    assert "missing.bt" in str(info.value)


def test_interrupted_trace_leaves_nothing_attached():
    before = loaded_bpf_programs()
    started = time.monotonic()
    tables = bpftrace.run("tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }", 2)
    assert 2 <= time.monotonic() - started < 2 + bpftrace.GRACE + 5
    assert len(tables["@"]) > 0   # the maps bpftrace prints when interrupted
    assert not bpftrace_children()
    assert not (loaded_bpf_programs() - before)


def test_keyboard_interrupt_ends_the_trace_and_is_raised(monkeypatch):
    before = loaded_bpf_programs()

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 1.5)
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            bpftrace.run("tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }", 60)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - started < 15
    assert not bpftrace_children()
    assert not (loaded_bpf_programs() - before)


@pytest.mark.skipif(Path("/sys/kernel/tracing/kprobe_events").exists()
                    or Path("/sys/kernel/debug/tracing/kprobe_events").exists(),
                    reason="this kernel can attach kprobes")
def test_a_kprobe_on_this_kernel_explains_itself():
    with pytest.raises(BpftraceError) as info:
        bpftrace.run("kprobe:do_nanosleep { exit(); }", 20)
    assert "kprobe:do_nanosleep" in str(info.value)
    assert "tracepoint" in info.value.hint


def _kfunc_supported() -> bool:
    info = subprocess.run(["bpftrace", "--info"], capture_output=True, text=True, check=False)
    return "kfunc: yes" in info.stdout + info.stderr


@pytest.mark.skipif(_kfunc_supported(), reason="this kernel and bpftrace attach kfuncs")
def test_an_unsupported_kfunc_explains_itself():
    with pytest.raises(BpftraceError) as info:
        bpftrace.run("kfunc:vfs_read { exit(); }", 20)
    assert "kfunc" in str(info.value) and "tracepoint" in info.value.hint


def test_missing_probe_and_syntax_error():
    with pytest.raises(BpftraceError) as info:
        bpftrace.run("tracepoint:perfkit:no_such_probe { exit(); }", 20)
    assert "tracepoint not found" in str(info.value)
    assert "bpftrace -l" in info.value.hint
    with pytest.raises(BpftraceError) as info:
        bpftrace.run("BEGIN { @x = ; }", 20)
    assert "syntax error" in str(info.value)
    with pytest.raises(BpftraceError) as info:
        bpftrace.run("uprobe:/bin/sh:perfkit_no_such_function { exit(); }", 20)
    assert "No probes to attach" in str(info.value)
    assert not bpftrace_children()
