"""Every recorded fixture says how it was made, and every provenance row has its file."""

from __future__ import annotations

import csv

import pytest
from conftest import FIXTURES

COLUMNS = ["file", "command", "recorded_utc", "kernel", "tool_version", "locale", "redacted"]
NOT_RECORDINGS = {"PROVENANCE.tsv", "README.md", "record.sh"}


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
        assert row["command"] and row["kernel"] and row["locale"] and row["tool_version"], row
