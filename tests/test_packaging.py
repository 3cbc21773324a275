"""The package's set-up: conda and pip agree, the CLI is wired, the import stays light."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r): r for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        wanted.update({_name(r): r for r in extra})
    conda = {}
    section = None
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if re.match(r"^\w", line):
            section = line.split(":")[0]
        match = re.match(r"^\s*-\s+([A-Za-z0-9_.\-]+)(.*)$", line)
        if section == "dependencies" and match and match.group(1) != "python":
            conda[match.group(1).lower()] = match.group(1) + match.group(2).strip()
    assert set(conda) == set(wanted)
    for name, requirement in wanted.items():
        # pip's extras ("dask[dataframe]") have no conda spelling: conda-forge's package
        # of that name carries them
        pip = re.sub(r"\[[^]]*\]", "", requirement)
        assert conda[name].replace(" ", "") == pip.replace(" ", ""), name


def test_import_does_not_load_matplotlib():
    code = "import sys, perfkit; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"


def test_console_script_and_module_entry_point():
    out = subprocess.run([sys.executable, "-m", "perfkit", "--help"], capture_output=True,
                         text=True, check=True).stdout
    assert "capture" in out and "checklist" in out
