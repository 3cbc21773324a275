"""perfkit.load_capture reads only regular files inside the capture directory, checks sizes
before reading, and names the file and field of every problem in capture.json.

Built on a copy of a shipped scenario (a real capture); only capture.json is edited.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time

import pytest
from conftest import ROOT

import perfkit
from perfkit.capture.load import MAX_FILE_BYTES
from perfkit.capture.schema import CaptureFileError

SCENARIO = ROOT / "data/scenarios/cpu-saturation"
SECRET = "perfkit-secret-line: this must never be printed\n"


@pytest.fixture
def cap_dir(tmp_path):
    if not SCENARIO.is_dir():
        pytest.skip("no shipped scenario")
    target = tmp_path / "cap"
    shutil.copytree(SCENARIO, target)
    (tmp_path / "secret.txt").write_text(SECRET)
    return target


def edit(folder, change) -> None:
    path = folder / "capture.json"
    meta = json.loads(path.read_text())
    change(meta)
    path.write_text(json.dumps(meta))


def vmstat_entry(meta):
    return next(c for c in meta["commands"] if c["name"] == "vmstat")


def test_a_symlinked_output_is_refused_and_checklist_prints_none_of_it(cap_dir):
    (cap_dir / "vmstat.txt").unlink()
    (cap_dir / "vmstat.txt").symlink_to(cap_dir.parent / "secret.txt")
    with pytest.raises(CaptureFileError, match=r"vmstat\.txt: a symbolic link"):
        perfkit.load_capture(cap_dir)
    cli = subprocess.run([sys.executable, "-m", "perfkit", "checklist", str(cap_dir)],
                         capture_output=True, text=True, cwd=ROOT)
    assert cli.returncode == 2 and "symbolic link" in cli.stderr
    assert "perfkit-secret-line" not in cli.stdout + cli.stderr


@pytest.mark.parametrize("name", ["/etc/shadow", "../secret.txt", "../../etc/passwd", ".."])
def test_a_path_out_of_the_capture_in_capture_json_is_refused(cap_dir, name):
    edit(cap_dir, lambda m: vmstat_entry(m).update(stdout=name))
    with pytest.raises(CaptureFileError) as info:
        perfkit.load_capture(cap_dir)
    assert "capture.json: commands[" in str(info.value) and "].stdout" in str(info.value)
    assert repr(name) in str(info.value)


def test_a_huge_file_is_refused_before_it_is_read(cap_dir):
    with open(cap_dir / "vmstat.txt", "r+b") as handle:
        handle.truncate(1 << 30)  # sparse: 1 GiB that reads as zeros
    started = time.monotonic()
    with pytest.raises(CaptureFileError, match=f"more than the {MAX_FILE_BYTES} bytes"):
        perfkit.load_capture(cap_dir)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("text, field", [
    ("{not json", "not valid JSON: Expecting property name enclosed in double quotes at "
                  "line 1, column 2"),
    ("[1, 2]", "(top level): expected an object"),
    ('{"schema_version": true, "status": "complete", "complete": true}', "schema_version"),
    ('{"schema_version": 1, "status": "done", "complete": true}', "status"),
    ('{"schema_version": 1, "status": "complete", "complete": "yes"}', "complete"),
    ('{"schema_version": 1, "status": "complete", "complete": true, "commands": "x"}',
     "commands: expected a list"),
    ('{"schema_version": 1, "status": "complete", "complete": true, "commands": [3]}',
     "commands[0]: expected an object"),
    ('{"schema_version": 1, "status": "complete", "complete": true, '
     '"commands": [{"name": "a"}]}', "commands[0].tool"),
    ('{"schema_version": 1, "status": "complete", "complete": true, '
     '"commands": [{"name": "a", "tool": "vmstat", "argv": "vmstat 1"}]}',
     "commands[0].argv"),
    ('{"schema_version": 1, "status": "complete", "complete": true, '
     '"psutil": {"tools": {"vmstat": ["/etc/passwd"]}}}', "psutil.tools.vmstat[0]"),
    ('{"schema_version": 1, "status": "complete", "complete": true, '
     '"started_utc": "yesterday"}', "started_utc"),
])
def test_broken_capture_json_names_the_file_and_field(tmp_path, text, field):
    (tmp_path / "capture.json").write_text(text)
    with pytest.raises(CaptureFileError) as info:
        perfkit.load_capture(tmp_path)
    assert str(info.value).startswith(f"{tmp_path / 'capture.json'}: ")
    assert field in str(info.value)


def test_a_capture_left_in_progress_is_reported(cap_dir):
    edit(cap_dir, lambda m: m.update(status="in progress", complete=False, ended_utc=None))
    with pytest.warns(perfkit.ParseWarning, match="'in progress': the capture never finished"):
        cap = perfkit.load_capture(cap_dir)
    assert "in progress (never finished)" in repr(cap)
    assert cap["vmstat"].loc[0, "r"] == int((cap_dir / "vmstat.txt").read_text()
                                            .splitlines()[2].split()[0])


def test_the_shipped_scenarios_still_load():
    for folder in sorted((ROOT / "data/scenarios").iterdir()):
        if (folder / "capture.json").is_file():
            cap = perfkit.load_capture(folder)
            assert len(cap["vmstat"]) > 0, folder.name
