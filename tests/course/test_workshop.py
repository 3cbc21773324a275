"""The teachers' workshop plan: its agendas add up to three hours and point at notebooks that
exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "docs" / "workshop.md"


def _agendas() -> list[list[dict[str, str]]]:
    """Every agenda table of the plan (a table whose header starts with 'start | minutes')."""
    tables, rows, header = [], None, None
    for line in PLAN.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| start | minutes"):
            header, rows = cells, []
            tables.append(rows)
        elif rows is not None and line.startswith("|") and not line.startswith("|---"):
            rows.append(dict(zip(header, cells, strict=True)))
        elif not line.startswith("|"):
            rows = None
    return tables


def _clock(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def test_each_session_adds_up_to_three_hours():
    agendas = _agendas()
    assert len(agendas) == 2
    for agenda in agendas:
        assert sum(int(row["minutes"]) for row in agenda) == 180


def test_each_block_starts_when_the_one_before_ends():
    for agenda in _agendas():
        clock = 0
        for row in agenda:
            assert _clock(row["start"]) == clock, row
            clock += int(row["minutes"])


def test_the_plan_names_existing_notebooks_and_the_mystery_debrief():
    text = PLAN.read_text(encoding="utf-8")
    stems = {path.stem[:2] for path in (ROOT / "notebooks").glob("*.ipynb")}
    for agenda in _agendas():
        for row in agenda:
            for number in re.findall(r"\b(\d\d)\b", row["notebooks and exercises"]):
                assert number in stems, row
    assert "debrief" in text.lower() and "perfkit mystery --reveal" in text
    for link in re.findall(r"\]\((\.\./notebooks/[^)]+)\)", text):
        assert (PLAN.parent / link).is_file(), link
