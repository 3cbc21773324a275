"""perfkit.course.trace and course.workload: a shipped bpftrace program run live with a
workload of its own, or its recording."""

from __future__ import annotations

import subprocess

import pytest

from perfkit import bpftrace, course


def test_workload_is_a_script_sh_runs():
    argv = course.workload("for i in 1 2 3; do printf x; done")
    assert argv[0] == "/bin/sh" and " " not in argv[1]
    assert subprocess.run(argv, capture_output=True, text=True).stdout == "xxx"


def test_recorded_trace_says_so(monkeypatch, capsys):
    monkeypatch.setenv("PERFKIT_MODE", "recorded")
    src = course.trace("exec_timeline", duration=2)
    assert capsys.readouterr().out.startswith("RECORDED trace 'exec_timeline': 2026-")
    assert src.text.startswith("Attaching 3 probes...")
    rows = src.data["printf"]
    assert rows["ARGS"].tolist().count("sleep 0.5") == 6
    assert rows.loc[1, "TIME(ms)"] == 649 and rows.loc[1, "ARGS"] == "ls /"


@pytest.mark.skipif(not bpftrace.available()[0], reason=bpftrace.available()[1])
def test_live_trace_runs_its_workload_and_keeps_the_text(monkeypatch, capsys):
    monkeypatch.delenv("PERFKIT_MODE", raising=False)
    program = ('tracepoint:syscalls:sys_enter_execve /pid == cpid || '
               'curtask->real_parent->tgid == cpid/ { printf("%d ", pid); join(args->argv); }')
    load = course.workload("for i in 1 2 3; do /bin/echo perfkit-$i >/dev/null; done")
    src = course.trace("execsnoop", duration=10, mode="live", program=program, command=load)
    assert "the notebook's version of execsnoop.bt" in capsys.readouterr().out
    lines = src.data["printf"]["line"].tolist()
    assert [line.split(" ", 1)[1] for line in lines[1:]] == [
        f"/bin/echo perfkit-{i}" for i in (1, 2, 3)]
    assert src.text.startswith("Attaching 1 probe") and "perfkit-3" in src.text
