"""Every recording, in tests/fixtures and in data/, says how it was made (command, date,
kernel, tool version, locale), and every provenance row has its file."""

from __future__ import annotations

import csv
import json

import pytest
from conftest import FIXTURES, ROOT

COLUMNS = ["file", "command", "recorded_utc", "kernel", "tool_version", "locale", "redacted"]
NOT_RECORDINGS = {"PROVENANCE.tsv", "README.md", "record.sh"}
TRACES = ROOT / "data" / "traces"
#: the bpftrace programs and load generators that the traces' commands name
PROGRAMS = {".bt", ".c", ".py"}
CAPTURES = sorted([*(ROOT / "data" / "scenarios").glob("*/capture.json"),
                   *TRACES.glob("*/capture.json")])


def _tool_dirs():
    return sorted(p for p in FIXTURES.iterdir() if p.is_dir()) if FIXTURES.is_dir() else []


@pytest.mark.parametrize("folder", _tool_dirs(), ids=lambda p: p.name)
def test_every_fixture_has_provenance(folder):
    prov = folder / "PROVENANCE.tsv"
    assert prov.is_file(), f"{folder.name}: no PROVENANCE.tsv"
    with prov.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert rows, f"{prov} is empty"
    assert list(rows[0].keys()) == COLUMNS
    listed = {row["file"] for row in rows}
    on_disk = {str(p.relative_to(folder)) for p in folder.rglob("*")
               if p.is_file() and p.name not in NOT_RECORDINGS}
    assert on_disk - listed == set(), "fixtures without provenance"
    assert listed - on_disk == set(), "provenance rows without a file"
    for row in rows:
        assert (row["command"] and row["recorded_utc"].startswith("20") and row["kernel"]
                and row["locale"] and row["tool_version"]), row


def test_every_trace_recording_says_how_it_was_made():
    with (TRACES / "PROVENANCE.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert list(rows[0].keys()) == COLUMNS
    for row in rows:
        assert all(row[column] for column in COLUMNS[:-1]), row
        assert row["recorded_utc"].startswith("2026-"), row
    listed = {row["file"] for row in rows}
    on_disk = {p.name for p in TRACES.iterdir()
               if p.name not in NOT_RECORDINGS and p.suffix not in PROGRAMS}
    assert on_disk == listed
    assert "execsnoop.txt" in listed and "diskcomm-capture" in listed


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.parent.name)
def test_every_captured_file_says_how_it_was_made(capture):
    """A capture folder's capture.json names the command behind each of its files, with
    the date, kernel, locale and the version of every tool it ran."""
    facts = json.loads(capture.read_text(encoding="utf-8"))
    assert facts["kernel"] and facts["started_utc"].startswith("2026-")
    assert facts["locale"] == facts["environment"]["LC_ALL"] == "C"
    named = set()
    for command in facts["commands"]:
        assert command["command"] and facts["tool_versions"].get(command["tool"]), command
        named.update(command["files"])
    on_disk = {p.name for p in capture.parent.iterdir() if p.name != "capture.json"}
    assert on_disk <= named, "files no command made"
    assert facts["tool_versions"]["sar"] == "sysstat version 12.6.1"


@pytest.mark.parametrize("folder", ["fleet", "fleet-text"])
def test_every_fleet_recording_says_how_it_was_made(folder):
    """The shipped fleet's sa files and their sadf renderings: a row each, with command,
    date, kernel, sysstat version, locale, host and the load it ran under."""
    base = ROOT / "data" / folder
    with (base / "PROVENANCE.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert list(rows[0].keys()) == [*COLUMNS, "host", "load"]
    for row in rows:
        assert all(row[column] for column in [*COLUMNS, "host", "load"]), row
        assert row["recorded_utc"].startswith("2026-") and row["locale"] == "C", row
        assert row["tool_version"].startswith("sysstat version "), row
    on_disk = {p.name for p in base.iterdir() if p.name not in NOT_RECORDINGS}
    assert on_disk == {row["file"] for row in rows}


def test_every_file_in_data_is_a_recording_checked_above_or_describes_one():
    """No file of data/ escapes the checks above: each is in a PROVENANCE.tsv that they read
    (traces, fleet, fleet-text), in a capture folder whose capture.json they read, or is a
    program, a README or a manifest that describes recordings."""
    data = ROOT / "data"
    checked = {TRACES, data / "fleet", data / "fleet-text"}
    captures = {path.parent for path in CAPTURES}
    unchecked = [
        path.relative_to(data) for path in data.rglob("*") if path.is_file()
        and path.name not in {*NOT_RECORDINGS, "MANIFEST.tsv"} and path.suffix not in PROGRAMS
        and path.parent not in checked and path.parent not in captures]
    assert unchecked == []
