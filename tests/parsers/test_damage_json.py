"""Damage to sadf -j documents (as sadf wrote them and as jq or json.tool re-indented them)
that leaves valid JSON: a ParseError, never a time made up from what is left."""

from __future__ import annotations

import pytest
from conftest import fixture_text

import perfkit


@pytest.mark.parametrize("key", ["date", "time"])
def test_a_record_that_lost_its_date_or_time_is_refused(key):
    text = fixture_text("sar", "sa-restart.sadf-j-json-tool.C.txt")
    whole = perfkit.parse(text, "sar")
    first = whole["cpu"]["time"].iloc[0]
    assert str(first) == "2026-11-25 00:33:09"
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip().startswith(f'"{key}": '))
    damaged = "\n".join(lines[:at] + lines[at + 1:])
    with pytest.raises(perfkit.ParseError, match="without its date and time"):
        perfkit.parse(damaged, "sar")
