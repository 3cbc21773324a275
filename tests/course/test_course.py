"""perfkit.course: the notebooks' live-or-recorded switch."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import needs_tool

import perfkit
from perfkit import course


def test_environment_overrides_the_notebook_setting(monkeypatch):
    monkeypatch.setenv("PERFKIT_MODE", "recorded")
    assert course.resolve_mode("live") == "recorded"
    monkeypatch.setenv("PERFKIT_MODE", "auto")
    assert course.resolve_mode("live") == "live"
    monkeypatch.delenv("PERFKIT_MODE")
    with pytest.raises(ValueError):
        course.resolve_mode("sometimes")


@needs_tool("vmstat")
def test_live_source_runs_the_tool_and_says_so(monkeypatch, capsys):
    monkeypatch.delenv("PERFKIT_MODE", raising=False)
    src = course.source("vmstat", ["vmstat", "1", "2"], scenario="idle", mode="live")
    assert src.mode == "live"
    assert capsys.readouterr().out.startswith("LIVE on ")
    assert isinstance(src.data, pd.DataFrame)
    first = src.text.strip().splitlines()[2].split()
    assert src.data["r"].iloc[0] == int(first[0])


def test_missing_tool_falls_back_to_the_recording(monkeypatch, capsys):
    if "idle" not in perfkit.samples.list():
        pytest.skip("the idle scenario is not recorded in this checkout")
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("PERFKIT_MODE", raising=False)
    src = course.source("vmstat", ["vmstat", "1", "2"], scenario="idle")
    out = capsys.readouterr().out
    assert src.mode == "recorded" and out.startswith("RECORDED scenario 'idle'")
    assert "not installed" in out
    assert src.text == src.capture.raw("vmstat")
    with pytest.raises(RuntimeError):
        course.source("vmstat", ["vmstat", "1", "2"], scenario="idle", mode="live")


@needs_tool("free")
def test_live_free_m_is_read_as_mebibytes(monkeypatch, capsys):
    monkeypatch.delenv("PERFKIT_MODE", raising=False)
    src = course.source("free", ["free", "-m"], scenario="idle", mode="live")
    assert src.mode == "live"
    total_mib = int(src.text.splitlines()[1].split()[1])
    assert src.data.loc[0, "total"] == total_mib * 1024
    assert src.data.attrs["printed_unit"] == "MiB"


def _tcp_counters() -> dict[str, int]:
    lines = [line.split() for line in open("/proc/net/snmp", encoding="ascii")
             if line.startswith("Tcp:")]
    return {name: int(value) for name, value in zip(lines[0][1:], lines[1][1:], strict=True)}


def test_loopback_tcp_opens_and_refuses_connections():
    import os
    if not os.path.exists("/proc/net/snmp"):
        pytest.skip("no /proc/net/snmp (not Linux)")
    before = _tcp_counters()
    load = course.loopback_tcp(0.3, rate=20, size=4096)
    load.join(timeout=10)
    after = _tcp_counters()
    assert not load.is_alive() and load.connections >= 2 and load.refused == load.connections
    # others may open connections at the same time: at least ours are counted
    assert after["ActiveOpens"] - before["ActiveOpens"] >= 2 * load.connections
    assert after["PassiveOpens"] - before["PassiveOpens"] >= load.connections
    assert after["AttemptFails"] - before["AttemptFails"] >= load.refused
