"""Shared test helpers: where fixtures and the shared corpus live, and skip markers."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# Outputs recorded by others on many distributions; tests that read them skip without it.
CORPUS = Path(os.environ.get("PERFKIT_CORPUS", ROOT.parent / "shared" / "corpus"))


def fixture_path(*parts: str) -> Path:
    """Path of a recorded fixture under tests/fixtures."""
    return FIXTURES.joinpath(*parts)


def fixture_text(*parts: str) -> str:
    """A recorded fixture's text."""
    return fixture_path(*parts).read_text(encoding="utf-8")


def corpus_files(tool: str, pattern: str = "*") -> list[Path]:
    """The corpus files for a tool, or a skip when the corpus is absent."""
    folder = CORPUS / tool
    if not folder.is_dir():
        pytest.skip(f"shared corpus not present at {CORPUS}")
    return sorted(p for p in folder.glob(pattern) if p.is_file())


def needs_tool(*names: str):
    """Skip unless every named program is on PATH."""
    missing = [n for n in names if shutil.which(n) is None]
    return pytest.mark.skipif(bool(missing), reason=f"not installed: {', '.join(missing)}")


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root")
