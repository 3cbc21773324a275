"""The course: every notebook is stored clean, keeps the template, and runs top to bottom on a
fresh kernel, offline (tools hidden from PATH, recorded data) and live (tools present)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from notebook_runner import NOTEBOOKS, ROOT, execute, figures, outputs_text

sys.path.insert(0, str(ROOT / "scripts"))
from notebook_nav import COURSE

STEMS = [stem for stem, _ in COURSE]


def _cells(stem: str) -> list[dict]:
    return json.loads((NOTEBOOKS / f"{stem}.ipynb").read_text(encoding="utf-8"))["cells"]


def _text(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def test_the_course_has_exactly_the_listed_notebooks():
    on_disk = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))
    assert on_disk == sorted(STEMS)


def test_navigation_is_current():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "notebook_nav.py"),
                             "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("stem", STEMS)
def test_notebook_is_stored_without_outputs(stem):
    for cell in _cells(stem):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None


@pytest.mark.parametrize("stem", STEMS)
def test_notebook_keeps_the_template(stem):
    cells = _cells(stem)
    title = _text(cells[0])
    assert title.startswith("# "), "a title cell first"
    assert "you will learn" in title.lower() or "you will learn" in _text(cells[1]).lower()
    markdown = "\n".join(_text(c) for c in cells if c["cell_type"] == "markdown")
    assert "<!-- nav -->" in _text(cells[-1])
    if stem != "00-start-here":
        assert "## Exercises" in markdown
        solutions = markdown.count("<summary>Solution")
        assert 2 <= solutions <= 4 or stem == "12-workshop-mystery", solutions
    code = "\n".join(_text(c) for c in cells if c["cell_type"] == "code")
    assert "TODO" not in code and "TODO" not in markdown


TRACKS = ("core", "optional")


@pytest.mark.parametrize("stem", STEMS)
def test_every_code_cell_is_core_or_optional(stem):
    """A participant can run the core track alone: every code cell has exactly one of the
    tags (a `solution` tag may come beside it)."""
    for index, cell in enumerate(_cells(stem)):
        if cell["cell_type"] == "code":
            tags = cell.get("metadata", {}).get("tags", [])
            assert sum(tag in TRACKS for tag in tags) == 1, (index, tags)


@pytest.mark.notebook
@pytest.mark.parametrize("stem", STEMS)
def test_core_cells_alone_run_offline(stem):
    notebook, _ = execute(NOTEBOOKS / f"{stem}.ipynb", offline=True, only_tag="core")
    assert "RECORDED" in outputs_text(notebook)


@pytest.mark.notebook
@pytest.mark.parametrize("stem", STEMS)
def test_notebook_runs_offline_on_recorded_data(stem):
    notebook, _ = execute(NOTEBOOKS / f"{stem}.ipynb", offline=True)
    printed = outputs_text(notebook)
    assert "RECORDED" in printed, "says it runs on recorded data"
    if stem not in ("00-start-here", "20-ebpf-intro", "90-appendix-formats"):
        assert figures(notebook) >= 1


@pytest.mark.notebook
@pytest.mark.parametrize("stem", STEMS)
def test_notebook_runs_live_when_the_tools_are_here(stem):
    if shutil.which("vmstat") is None or shutil.which("sar") is None:
        pytest.skip("procps/sysstat not installed: the live run needs them")
    notebook, _ = execute(NOTEBOOKS / f"{stem}.ipynb", offline=False)
    printed = outputs_text(notebook)
    assert "LIVE" in printed or "RECORDED" in printed
    if stem not in ("00-start-here", "20-ebpf-intro", "90-appendix-formats"):
        assert figures(notebook) >= 1
