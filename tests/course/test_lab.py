"""The course on every laptop: `make lab` and `perfkit lab` serve it (as root too), an
installed perfkit ships it, MODE="auto" runs tools live on Linux only, and every notebook's
navigation is real Markdown links."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import urllib.request
import zipfile

import lab_server
import pytest
from conftest import ROOT
from notebook_runner import execute, outputs_text

from perfkit import cli, course, runner
from perfkit.course import lab

sys.path.insert(0, str(ROOT / "scripts"))
from notebook_nav import COURSE, MARK, nav_line

NOTEBOOKS = ROOT / "notebooks"
needs_jupyterlab = pytest.mark.skipif(lab.jupyterlab_missing() != "",
                                      reason="JupyterLab (the lab extra) is not installed")


def _cells(stem: str) -> list[dict]:
    return json.loads((NOTEBOOKS / f"{stem}.ipynb").read_text(encoding="utf-8"))["cells"]


def _text(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


# --- make lab and perfkit lab -----------------------------------------------------------

def test_make_lab_is_perfkit_lab():
    recipe = (ROOT / "Makefile").read_text().split("\nlab:", 1)[1].split("\n\n", 1)[0]
    commands = [line.strip() for line in recipe.splitlines()[1:] if line.startswith("\t")]
    assert commands == ["$(BIN)/perfkit lab"]


def test_allow_root_is_added_as_root_only():
    as_root = lab.command(NOTEBOOKS, root=True)
    as_user = lab.command(NOTEBOOKS, root=False)
    assert "--allow-root" in as_root and "--allow-root" not in as_user
    assert as_user[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={NOTEBOOKS}" in as_user
    assert "--LabApp.default_url=/lab/tree/00-start-here.ipynb" in as_user
    assert lab.is_root() == (hasattr(os, "geteuid") and os.geteuid() == 0)


def test_recorded_sets_the_mode_for_every_kernel(monkeypatch):
    monkeypatch.delenv("PERFKIT_MODE", raising=False)
    assert lab.environment(recorded=True)["PERFKIT_MODE"] == "recorded"
    assert "PERFKIT_MODE" not in lab.environment(recorded=False)


def test_lab_options_are_passed_on(monkeypatch):
    seen = {}
    monkeypatch.setattr(lab, "run", lambda **kwargs: seen.update(kwargs) or 0)
    assert cli.main(["lab", "--recorded", "--no-browser", "--port", "8899", "--",
                     "--ServerApp.ip=127.0.0.1"]) == 0
    assert seen == {"recorded": True, "folder": None, "port": 8899, "browser": False,
                    "extra": ["--ServerApp.ip=127.0.0.1"]}


def test_lab_without_jupyterlab_says_what_to_install(monkeypatch, capsys):
    monkeypatch.setattr(lab, "jupyterlab_missing", lambda: "JupyterLab is not installed "
                        "for python: install the lab extra, pip install 'perfkit[lab]'")
    assert cli.main(["lab"]) == 2
    assert capsys.readouterr().err == ("perfkit lab: JupyterLab is not installed for python: "
                                       "install the lab extra, pip install 'perfkit[lab]'\n")


@needs_jupyterlab
def test_perfkit_lab_serves_every_notebook(tmp_path):
    server = lab_server.start(tmp_path)
    try:
        names = {item["name"] for item in server.get("/api/contents/")["content"]}
        for stem, title in COURSE:
            assert f"{stem}.ipynb" in names
            opened = server.get(f"/api/contents/{stem}.ipynb?content=1")
            assert opened["type"] == "notebook"
            assert opened["content"]["cells"][0]["source"].startswith(f"# {title}")
        lab_page = urllib.request.urlopen(f"{server.base}/lab?token={server.token}", timeout=10)
        assert lab_page.status == 200
        # what a browser opening the server's address lands on: the first notebook
        start = urllib.request.urlopen(f"{server.base}/?token={server.token}", timeout=10)
        assert start.url.split("?")[0].endswith("/lab/tree/00-start-here.ipynb")
    finally:
        server.stop()
    assert server.process.returncode is not None
    if lab.is_root():  # JupyterLab refuses root without --allow-root: perfkit lab gave it
        assert "Running as root is not recommended" not in server.log.read_text()


# --- an installed perfkit ships the course ---------------------------------------------

def _fixture_paths() -> set[str]:
    """Every ``FIXTURES / "tool" / "file"`` (or folder) the notebooks read."""
    found = set()
    for path in NOTEBOOKS.glob("*.ipynb"):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                for parts in re.findall(r'FIXTURES((?:\s*/\s*"[^"]+")+)', _text(cell)):
                    found.add("/".join(re.findall(r'"([^"]+)"', parts)))
    return found


def test_every_fixture_a_notebook_reads_is_installed_with_the_course():
    data_files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "data-files"]
    shipped = {target.removeprefix("share/perfkit/course/tests/fixtures/")
               for target in data_files if target.startswith("share/perfkit/course/tests/")}
    assert data_files["share/perfkit/course/notebooks"] == ["notebooks/*.ipynb"]
    needed = _fixture_paths()
    assert {"uptime/proc-loadavg.txt", "mpstat/P-ALL.de_DE.txt"} <= needed
    for path in needed:
        assert path.split("/")[0] in shipped, path
        assert (ROOT / "tests" / "fixtures" / path).exists(), path


def test_an_installed_perfkit_finds_copies_and_runs_the_course(tmp_path, monkeypatch):
    """pip installs the course under share/; `perfkit lab` copies it to a folder of the
    learner's, keeps their edits, and a notebook runs there, reading its fixtures."""
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "build", "*.egg-info", "__pycache__", ".pytest_cache", "benchmarks",
        ".ruff_cache"))
    # a wheel, as pip builds it (installing it here would replace the perfkit under test);
    # its data files are what pip puts under <prefix>/share
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                            "--wheel-dir", str(tmp_path / "wheels"), str(source)],
                           capture_output=True, text=True, timeout=600)
    if build.returncode != 0 and re.search(r"No matching distribution|Could not find a version",
                                           build.stderr):
        pytest.skip("pip could not fetch the build backend (setuptools) from the package index")
    assert build.returncode == 0, build.stderr[-2000:]
    prefix = tmp_path / "prefix"
    (wheel,) = (tmp_path / "wheels").glob("perfkit-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            data = re.match(r"perfkit-[^/]+\.data/data/(.+)$", name)
            if data:
                target = prefix / data.group(1)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(name))
    installed = prefix / "share" / "perfkit" / "course"
    assert sorted(p.stem for p in (installed / "notebooks").glob("*.ipynb")) == sorted(
        stem for stem, _ in COURSE)

    monkeypatch.setattr(lab, "checkout_root", lambda: None)
    monkeypatch.setattr(lab, "installed_roots", lambda: [installed])
    mine = tmp_path / "my-course"
    notebooks = lab.find_notebooks(mine, quiet=True)
    assert notebooks == mine / "notebooks"
    for path in _fixture_paths():
        assert (mine / "tests" / "fixtures" / path).exists(), path
    # a learner's edit survives the next `perfkit lab`
    edited = notebooks / "01-uptime.ipynb"
    original = edited.read_text(encoding="utf-8")
    edited.write_text(original.replace("MODE = \\\"auto\\\"", "MODE = \\\"recorded\\\""),
                      encoding="utf-8")
    assert lab.copy_course(installed, mine) == 0
    assert "MODE = \\\"recorded\\\"" in edited.read_text(encoding="utf-8")
    # the copied notebook runs where it is, reading ../tests/fixtures of the copy
    notebook, _ = execute(edited, offline=True)
    assert "RECORDED" in outputs_text(notebook)
    assert "2.37 0.90 0.35 5/123 1" in outputs_text(notebook)  # proc-loadavg.txt


def test_without_a_course_lab_says_where_it_looked(monkeypatch, tmp_path):
    monkeypatch.setattr(lab, "checkout_root", lambda: None)
    monkeypatch.setattr(lab, "installed_roots", lambda: [tmp_path / "share"])
    with pytest.raises(lab.LabError, match=r"no course notebooks found.*share"):
        lab.find_notebooks()


# --- MODE = "auto" runs live on Linux only ----------------------------------------------

@pytest.fixture
def on_a_mac(monkeypatch):
    monkeypatch.delenv("PERFKIT_MODE", raising=False)
    monkeypatch.setattr(sys, "platform", "darwin")

    def no_live_run(*args, **kwargs):
        raise AssertionError("a live run was tried off Linux")

    monkeypatch.setattr(runner, "run", no_live_run)


def test_auto_uses_the_recording_off_linux_and_says_why(on_a_mac, capsys):
    assert course.resolve_mode("auto") == "recorded"
    src = course.source("uptime", ["uptime"], scenario="idle", mode="auto")
    printed = capsys.readouterr().out
    assert src.mode == "recorded"
    assert printed.startswith("RECORDED scenario 'idle' (uptime)")
    assert "this is macOS, not Linux: the course's tools run live on Linux only" in printed
    assert src.data["ldavg-1"].iloc[0] == src.capture["uptime"]["ldavg-1"].iloc[0]


def test_auto_uses_the_recorded_trace_off_linux(on_a_mac, monkeypatch, capsys):
    from perfkit import bpftrace

    monkeypatch.setattr(bpftrace, "available", lambda: pytest.fail("probed for bpftrace"))
    src = course.trace("syscalls", mode="auto")
    assert src.mode == "recorded"
    assert "this is macOS, not Linux" in capsys.readouterr().out


def test_live_is_refused_off_linux_saying_why(on_a_mac):
    with pytest.raises(RuntimeError, match="MODE is 'live' but this is macOS, not Linux"):
        course.source("uptime", ["uptime"], scenario="idle", mode="live")


def test_a_workshop_setting_needs_no_explanation(on_a_mac, monkeypatch, capsys):
    monkeypatch.setenv("PERFKIT_MODE", "recorded")
    src = course.source("uptime", ["uptime"], scenario="idle", mode="auto")
    assert src.mode == "recorded" and src.notes == []
    assert "not Linux" not in capsys.readouterr().out


@pytest.mark.parametrize("platform", ["win32", "cygwin", "freebsd14"])
def test_every_other_system_is_named(monkeypatch, platform):
    monkeypatch.setattr(sys, "platform", platform)
    assert course.not_linux().startswith("this is ")
    assert course.resolve_mode("auto") == "recorded"


def test_on_linux_auto_stays_auto(monkeypatch):
    monkeypatch.delenv("PERFKIT_MODE", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert course.not_linux() == "" and course.resolve_mode("auto") == "auto"


# --- navigation: real Markdown links -----------------------------------------------------

def _nav_cells(stem: str) -> list[str]:
    cells = _cells(stem)
    title_nav = _text(cells[0]).rstrip("\n").split("\n")[-1]
    return [title_nav, _text(cells[-1])]


@pytest.mark.parametrize("index", range(len(COURSE)))
def test_navigation_is_plain_markdown_links(index):
    stem = COURSE[index][0]
    for line in _nav_cells(stem):
        assert line == nav_line(index)
        assert line.startswith("[") and line.endswith(MARK)  # never an HTML block
        targets = re.findall(r"\]\(([^)]+)\)", line)
        expected = [f"{COURSE[index - 1][0]}.ipynb"] if index else []
        expected += ["00-start-here.ipynb"] if index > 1 else []
        expected += [f"{COURSE[index + 1][0]}.ipynb"] if index + 1 < len(COURSE) else []
        assert targets == expected
        for target in targets:
            assert (NOTEBOOKS / target).exists()


@pytest.mark.parametrize("index", range(len(COURSE)))
def test_navigation_renders_as_links(index):
    """Rendered by a CommonMark renderer (mistune, which nbconvert's HTML export uses): the
    navigation is a paragraph of links, with no HTML comment shown as text."""
    mistune = pytest.importorskip("mistune")
    render = mistune.create_markdown(escape=False)
    stem = COURSE[index][0]
    cells = _cells(stem)
    for markdown in (_text(cells[0]), _text(cells[-1])):
        html = render(markdown)
        nav = html.rstrip().split("\n")[-1]
        assert nav.startswith("<p><a href="), nav
        assert "&lt;!--" not in html
        links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav)
        expected = re.findall(r"\[([^]]+)\]\(([^)]+)\)", nav_line(index))  # (label, target)
        assert [(label, href) for href, label in links] == expected
