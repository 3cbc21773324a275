"""The command line: perfkit ingest and perfkit checklist --lake."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, needs_tool

pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")

FLEET = ROOT / "data" / "fleet"
pytestmark = needs_tool("sadf")


def _perfkit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "perfkit", *args], capture_output=True,
                          text=True, cwd=ROOT)


def test_ingest_then_checklist_on_the_lake(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("web-3-cpu.sa", "db-1-io.sa"):
        shutil.copy(FLEET / name, src / name)
    done = _perfkit("ingest", str(src), "--into", str(tmp_path / "lake"), "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ingested 2 sources, ")
    again = _perfkit("ingest", str(src), "--into", str(tmp_path / "lake"))
    assert "0 sources" in again.stdout and "2 already in the lake" in again.stdout
    found = _perfkit("checklist", "--lake", str(tmp_path / "lake"), "--by", "minute")
    assert found.returncode == 0, found.stderr
    # web-3 ran stress-ng --cpu 4 on 2 CPUs from 15:17:01; db-1 wrote to vda from 15:19:09
    # (data/fleet/README.md, PROVENANCE.tsv)
    assert "web-3          cpu      2026-12-05 15:17 to 15:20 (3 windows)" in found.stdout
    assert "CRITICAL  db-1           disk     2026-12-05 15:19 to 15:22 " in found.stdout
    assert "%util up to 97.6 (vda)" in found.stdout


def test_a_failed_source_sets_the_exit_status(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "cut.sa").write_bytes((FLEET / "web-3-cpu.sa").read_bytes()[:100])
    done = _perfkit("ingest", str(src), "--into", str(tmp_path / "lake"), "--quiet")
    assert done.returncode == 1
    assert "FAILED src/cut.sa" in done.stderr and "1 FAILED" in done.stdout


def test_checklist_needs_a_capture_or_a_lake():
    done = _perfkit("checklist")
    assert done.returncode == 2 and "--lake" in done.stderr
    bad = _perfkit("checklist", "--lake", "x", "--by", "fortnight")
    assert bad.returncode == 1 and "--by" in bad.stderr
