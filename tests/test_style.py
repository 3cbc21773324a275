"""The code is ruff-clean (the rules are in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

RUFF = Path(sys.executable).parent / "ruff"


@pytest.mark.skipif(not RUFF.exists() and shutil.which("ruff") is None,
                    reason="ruff (the test extra) is not installed")
def test_ruff_is_clean():
    ruff = str(RUFF) if RUFF.exists() else shutil.which("ruff")
    result = subprocess.run([ruff, "check", "perfkit", "tests", "benchmarks", "scripts"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
