"""Shared test helpers: where fixtures and the shared corpus live, and skip markers."""

from __future__ import annotations

import os
import re
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

import perfkit

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


def parse_with_setting(monkeypatch, owner, name: str, value, text: str, tool: str):
    """``perfkit.parse(text, tool)`` with ``owner.name`` set to ``value``: the tables and
    the messages of the warnings given, for :func:`assert_same_tables`."""
    monkeypatch.setattr(owner, name, value)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tables = perfkit.parse(text, tool)
    return tables, [str(w.message) for w in caught]


def parse_and_warnings(text: str, tool: str) -> tuple[object, list[perfkit.ParseWarning]]:
    """What ``perfkit.parse(text, tool)`` gives and the ParseWarnings it said on the way
    (each one, even when the same warning comes twice)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = perfkit.parse(text, tool)
    return result, [w.message for w in caught if isinstance(w.message, perfkit.ParseWarning)]


def spy_on(monkeypatch, owner, name: str) -> list[bool]:
    """Replace ``owner.name`` by a spy that calls it and records, for each call, whether it
    gave something (not None): whether a fast path was taken.

    >>> import types, pytest
    >>> owner = types.SimpleNamespace(read=lambda text: text or None)
    >>> with pytest.MonkeyPatch.context() as patch:
    ...     taken = spy_on(patch, owner, "read")
    ...     _ = owner.read("x"), owner.read("")
    >>> taken
    [True, False]
    """
    taken: list[bool] = []
    real = getattr(owner, name)

    def spy(*args, **kwargs):
        result = real(*args, **kwargs)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(owner, name, spy)
    return taken


def assert_same_tables(one, other) -> None:
    """Two results of :func:`parse_with_setting` hold the same frames and warnings."""
    (tables, messages), (other_tables, other_messages) = one, other
    assert list(tables) == list(other_tables)
    assert all(tables[name].equals(other_tables[name]) for name in other_tables)
    assert messages == other_messages


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


def day(clock: str) -> pd.Timestamp:
    """A time on the day the sysstat fixtures were recorded (2026-11-25)."""
    return pd.Timestamp(f"2026-11-25 {clock}")


def prefix_width(tokens: list[str]) -> int:
    """For the tests' own reading of sysstat text: tokens before the columns (a time with
    AM/PM, a time or an epoch, or a label such as ``Average:`` or ``Moyenne :``)."""
    if re.match(r"^\d", tokens[0]):
        return 2 if len(tokens) > 1 and tokens[1] in ("AM", "PM") else 1
    return 2 if tokens[1:2] == [":"] else 1


@pytest.fixture
def dmesg_restricted():
    """kernel.dmesg_restrict=1 for the test, then the previous value again."""
    knob = Path("/proc/sys/kernel/dmesg_restrict")
    before = knob.read_text().strip()
    try:
        knob.write_text("1\n")
    except OSError as exc:
        pytest.skip(f"cannot set kernel.dmesg_restrict: {exc}")
    yield
    knob.write_text(before + "\n")


def pytest_collection_modifyitems(config, items):
    """Tests marked ``scenario_live`` run first: their fresh captures see the whole machine,
    so they must come before other tests leave OOM kills in the kernel log, disk load and
    raised load averages behind."""
    first = [item for item in items if item.get_closest_marker("scenario_live")]
    if first:
        items[:] = first + [item for item in items if not item.get_closest_marker("scenario_live")]
