"""The ``perfkit`` command in a shell: quiet on a closed pipe, one line and exit status 2 for
what the user got wrong, a traceback only with --debug, plain help for every command, whole
frames when the output is not a terminal, checklist columns that line up."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys

import pandas as pd
import pytest
from conftest import FIXTURES, ROOT

import perfkit
from perfkit import checklist, cli

PERFKIT = [sys.executable, "-m", "perfkit"]
SAR_ALL = FIXTURES / "sar" / "A.C.txt"
# a recorded scenario's mpstat -P ALL: 120 rows of 13 columns
MPSTAT = ROOT / "data" / "scenarios" / "hot-thread" / "mpstat.txt"


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*PERFKIT, *args], capture_output=True, text=True, timeout=120,
                          **kwargs)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The only line of standard error, checked to be one and no traceback."""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_pipe_closed_before_anything_is_written_ends_quietly():
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head -0`: every write fails with EPIPE
    try:
        result = subprocess.run([*PERFKIT, "parse", str(SAR_ALL), "--csv"], stdout=write_end,
                                stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert result.stderr == ""
    assert result.returncode == cli.CLOSED_PIPE


def test_parse_piped_into_head_prints_its_first_lines_and_nothing_else():
    shell = f"{' '.join(PERFKIT)} parse {SAR_ALL} --csv | head -n 2"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", shell], capture_output=True,
                            text=True, timeout=120)
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "# cpu", "time,CPU,%usr,%nice,%sys,%iowait,%steal,%irq,%soft,%guest,%gnice,%idle"]
    assert result.returncode in (0, cli.CLOSED_PIPE)  # 0 when all fitted in the pipe


@pytest.mark.parametrize("command", [["parse"], ["checklist"]])
def test_a_missing_file_is_one_line_and_status_2(tmp_path, command):
    missing = tmp_path / "no-such-output.txt"
    result = run(*command, str(missing))
    assert result.returncode == 2
    line = one_line_error(result)
    assert line.startswith(f"perfkit {command[0]}: ") and str(missing) in line


def test_a_directory_given_to_parse_is_one_line_and_status_2(tmp_path):
    result = run("parse", str(tmp_path))
    assert result.returncode == 2
    assert one_line_error(result) == f"perfkit parse: {tmp_path}: Is a directory"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root reads files whatever their mode")
def test_an_unreadable_file_is_one_line_and_status_2(tmp_path):
    locked = tmp_path / "vmstat.txt"
    locked.write_bytes((FIXTURES / "vmstat" / "S-M.C.txt").read_bytes())
    locked.chmod(0)
    result = run("parse", str(locked))
    assert result.returncode == 2
    assert one_line_error(result) == f"perfkit parse: {locked}: Permission denied"


def test_an_unreadable_file_in_process(monkeypatch, capsys):
    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(perfkit, "read", refuse)
    assert cli.main(["parse", "vmstat.txt"]) == 2
    assert capsys.readouterr().err == "perfkit parse: vmstat.txt: Permission denied\n"


def test_text_no_tool_printed_names_the_tool_option():
    result = run("parse", str(ROOT / "pyproject.toml"))
    assert result.returncode == 2
    line = one_line_error(result)
    assert "cannot tell which tool printed this; give --tool with one of: bpftrace" in line
    assert "tool=" not in line and "'[build-system]'" in line


def test_binary_data_is_one_line_and_status_2():
    result = run("parse", str(FIXTURES / "sar" / "sa-restart.bin"), "--tool", "vmstat")
    assert result.returncode == 2
    assert "binary data" in one_line_error(result)


@pytest.mark.parametrize(("args", "expected"), [
    ([], "perfkit: the following arguments are required: COMMAND (see 'perfkit --help')"),
    (["parse"], "perfkit parse: the following arguments are required: file "
                "(see 'perfkit parse --help')"),
    (["parse", "x.txt", "--tool", "vmstats"], "perfkit parse: argument --tool: invalid "
                                              "choice: 'vmstats'"),
    (["nosuch"], "perfkit: argument COMMAND: invalid choice: 'nosuch'"),
    (["capture", "--duration", "soon"], "perfkit capture: argument --duration: invalid "
                                        "float value: 'soon'"),
])
def test_bad_arguments_are_one_line_and_status_2(args, expected):
    result = run(*args)
    assert result.returncode == 2
    assert one_line_error(result).startswith(expected)


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_shows_the_traceback(tmp_path, where):
    missing = str(tmp_path / "gone.txt")
    args = ["--debug", "parse", missing] if where == "before" else ["parse", missing, "--debug"]
    result = run(*args)
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.rstrip().endswith(f"FileNotFoundError: [Errno 2] No such file or "
                                           f"directory: '{missing}'")


def test_an_unexpected_error_is_one_line_naming_debug(monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise KeyError("cpus")

    monkeypatch.setattr(checklist, "main", broken)
    assert cli.main(["checklist", "idle"]) == 1
    assert capsys.readouterr().err == ("perfkit checklist: KeyError: 'cpus' (--debug shows "
                                       "the traceback)\n")
    with pytest.raises(KeyError):
        cli.main(["--debug", "checklist", "idle"])


def _commands() -> list[str]:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(sub.choices)


def _help(*args: str, capsys) -> str:
    with pytest.raises(SystemExit) as ended:
        cli.main([*args, "--help"])
    assert ended.value.code == 0
    return capsys.readouterr().out


def test_help_is_plain_text_with_a_description_for_every_command(capsys):
    top = run("--help")
    assert top.returncode == 0
    assert "``" not in top.stdout and ":func:" not in top.stdout
    commands = _commands()
    assert {"capture", "checklist", "parse", "samples", "lab"} <= set(commands)
    for command in commands:
        # each command listed with its summary on one line
        assert re.search(rf"^    {command} +\S", top.stdout, re.M), command
        text = _help(command, capsys=capsys)
        assert "``" not in text and ":func:" not in text, command
        description = text.split("\n\n")[1]
        assert not description.startswith(("positional arguments", "options")), command
        assert len(description.split()) >= 8, (command, description)
        assert max(len(line) for line in description.splitlines()) <= 100, command


def test_parse_into_a_pipe_prints_every_row_and_column():
    frame = perfkit.read(MPSTAT)["cpu"]
    assert len(frame) > 60  # more than pandas shows on a terminal
    result = run("parse", str(MPSTAT))
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "== cpu"
    assert len(lines) == 2 + len(frame)  # title, header, every row
    assert "..." not in result.stdout
    assert lines[1].split() == list(frame.columns)  # every column on one line
    # the last row as mpstat printed it (time, CPU, %usr ... %idle)
    printed = [line.split() for line in MPSTAT.read_text().splitlines()
               if line[:2].isdigit() and "CPU" not in line]
    shown = lines[-1].split()
    assert shown[-1] == printed[-1][-1] and printed[-1][2] in shown


def test_parse_csv_matches_the_frame():
    result = run("parse", str(FIXTURES / "vmstat" / "S-M.C.txt"), "--csv")
    frame = perfkit.read(FIXTURES / "vmstat" / "S-M.C.txt")
    rows = result.stdout.splitlines()
    assert rows[0].split(",") == list(frame.columns)
    assert len(rows) == 1 + len(frame)


def test_checklist_columns_line_up_with_a_long_metric_name():
    capture = perfkit.samples.load("hot-thread")
    found = checklist.findings(capture)
    assert len(found) >= 2
    # a per-device latency finding names its device; an NVMe partition makes it long
    found.loc[found.index[0], "metric"] = "r_await, w_await of nvme0n1p1"
    text = checklist.render(found)
    heads = [line for line in text.splitlines() if re.match(r"^(CRITICAL|WARNING|INFO) ", line)]
    assert len(heads) == len(found)
    assert len({line.index(" observed ") for line in heads}) == 1, "\n".join(heads)
    assert len({line.index("threshold") for line in heads}) == 1
    assert "r_await, w_await of nvme0n1p1 observed" in text


def test_checklist_of_a_scenario_through_the_cli():
    result = run("checklist", "hot-thread")
    assert result.returncode == 0
    found = checklist.findings(perfkit.samples.load("hot-thread"))
    heads = [line for line in result.stdout.splitlines()
             if re.match(r"^(CRITICAL|WARNING|INFO) ", line)]
    assert len(heads) == len(found)
    assert len({line.index(" observed ") for line in heads}) == 1
    assert isinstance(found, pd.DataFrame)
