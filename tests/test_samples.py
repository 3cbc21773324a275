"""perfkit.samples (finding and loading recorded scenarios), scripts/record_scenarios.sh, and
the redactor on outputs recorded elsewhere."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, corpus_files, needs_root, needs_tool

import perfkit
from perfkit import samples
from perfkit.capture import capture
from perfkit.capture.redact import Redactor

HEADER = "name\tdescription\tcommands\tdate\tkernel\tsha256\n"


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory):
    """A scenarios folder holding one real 1-second capture, listed in MANIFEST.tsv."""
    if any(shutil.which(t) is None for t in ("vmstat", "mpstat", "free", "top")):
        pytest.skip("sysstat or procps missing")
    folder = tmp_path_factory.mktemp("data") / "scenarios"
    capture(folder / "idle", duration=1, redact=True)
    (folder / "MANIFEST.tsv").write_text(
        HEADER + "idle\tnothing running: the baseline\t(no load)\t2026-11-25\t6.18\t0\n"
        "ghost\tlisted but never recorded\t-\t2026-11-25\t6.18\t0\n")
    return folder


def test_list_path_and_load_with_an_explicit_folder(scenarios):
    assert samples.list(data=scenarios) == {"idle": "nothing running: the baseline",
                                            "ghost": "listed but never recorded"}
    assert samples.path("idle", data=scenarios) == scenarios / "idle"
    cap = samples.load("idle", data=scenarios)
    assert cap.meta["redacted"]["done"] is True
    assert "vmstat" in cap
    assert samples.manifest(data=scenarios)[0]["commands"] == "(no load)"


def test_data_root_with_a_scenarios_subfolder_is_accepted(scenarios):
    assert samples.data_dir(scenarios.parent) == scenarios


def test_environment_variable_is_used(scenarios, monkeypatch):
    monkeypatch.setenv("PERFKIT_DATA", str(scenarios.parent))
    assert samples.data_dir() == scenarios
    assert list(samples.list()) == ["idle", "ghost"]
    assert samples.load("idle").path == scenarios / "idle"


def test_a_wrong_explicit_choice_is_an_error(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match=r"no MANIFEST\.tsv"):
        samples.list(data=tmp_path)
    monkeypatch.setenv("PERFKIT_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"no MANIFEST\.tsv"):
        samples.list()


def test_unknown_and_unrecorded_scenarios(scenarios):
    with pytest.raises(KeyError, match="recorded: idle, ghost"):
        samples.path("nope", data=scenarios)
    with pytest.raises(FileNotFoundError, match=r"holds no capture\.json"):
        samples.load("ghost", data=scenarios)


def test_package_data_is_found_next_to_the_package(monkeypatch):
    monkeypatch.delenv("PERFKIT_DATA", raising=False)
    shipped = ROOT / "data" / "scenarios" / "MANIFEST.tsv"
    if shipped.is_file():
        assert samples.data_dir() == shipped.parent
        assert set(samples.list()) <= set(samples.SCENARIOS)
    else:
        assert isinstance(samples.list(), dict)  # nothing recorded in the checkout: no error


def test_cli_lists_the_scenarios(scenarios):
    env = dict(os.environ, PERFKIT_DATA=str(scenarios))
    out = subprocess.run([sys.executable, "-m", "perfkit", "samples"], capture_output=True,
                         text=True, env=env, check=True).stdout
    assert re.search(r"^idle\s+nothing running: the baseline$", out, re.MULTILINE)


@needs_root
@needs_tool("unshare", "stress-ng", "ip")
def test_record_script_records_one_short_scenario(tmp_path):
    netem = shutil.which("tc") is not None and shutil.which("modinfo") is not None and \
        subprocess.run(["modinfo", "sch_netem"], capture_output=True).returncode == 0
    if not netem and shutil.which("nft") is None:
        pytest.skip("neither tc's netem nor nft to drop packets")
    out = tmp_path / "scenarios"
    run = subprocess.run(["bash", str(ROOT / "scripts" / "record_scenarios.sh"),
                          "--duration", "3", "--out", str(out), "network-retrans"],
                         capture_output=True, text=True, timeout=150,
                         env=dict(os.environ, PYTHON=sys.executable, COOL_DOWN="0"))
    if run.returncode != 0 and "Operation not permitted" in run.stderr:
        pytest.skip(f"namespaces not allowed here: {run.stderr[-200:]}")
    assert run.returncode == 0, run.stderr
    rows = samples.manifest(data=out)
    assert [r["name"] for r in rows] == ["network-retrans"]
    row = rows[0]
    assert row["kernel"] == os.uname().release
    assert row["commands"].startswith("perfkit capture --induce network-retrans --duration 3")
    listing = subprocess.run(
        "find . -type f | LC_ALL=C sort | xargs sha256sum", shell=True, cwd=out / row["name"],
        capture_output=True, check=True).stdout
    assert row["sha256"] == hashlib.sha256(listing).hexdigest()
    assert "## network-retrans" in (out / "README.md").read_text()
    cap = samples.load("network-retrans", data=out)
    assert cap.meta["complete"] and cap.meta["redacted"]["done"]
    tcp = [line.split() for line in cap.raw("sar").splitlines()
           if re.match(r"^\d\d:\d\d:\d\d\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+$", line)]
    assert any(float(fields[4]) > 0 for fields in tcp)  # oseg/s: the traffic was there
    top = cap.raw("top-start")
    assert "stress-ng" not in top and len(top.splitlines()) < 40  # own PID namespace; 2 iterations
    assert not (out / ".network-retrans.commands").exists()


# -- the redactor on text recorded on other machines ------------------------------------------
def test_redactor_replaces_every_address_in_bcc_tcpconnect_example():
    path = next(iter(corpus_files("bcc", "*tcpconnect_example.txt")), None)
    if path is None:
        pytest.skip("tcpconnect example not in the corpus")
    text = path.read_text()
    redactor = Redactor()
    out = redactor.text(text)
    for address in ("10.201.219.236", "54.245.105.25", "54.67.101.145",
                    "fe80::2000:bff:fe82:3ac"):
        assert address in text and address not in out
    assert "127.0.0.1        127.0.0.1" in out and "::1              ::1" in out
    # the same address always gets the same placeholder
    row = next(line for line in out.splitlines() if line.startswith("1469   curl"))
    assert row.split()[3:5] == ["192.0.2.1", "192.0.2.2"]
    assert "2001:db8::1 2001:db8::1" in out
    assert redactor.kinds() == ["IPv4 address", "IPv6 address"]
    assert redactor.text(out) == out  # redacting twice changes nothing


def test_redactor_leaves_numbers_and_times_alone(basic_outputs):
    redactor = Redactor(hosts=["no-such-host-name"], users=["no-such-user"])
    for text in basic_outputs:
        assert redactor.text(text) == text
    assert redactor.kinds() == []


@pytest.fixture(scope="module")
def basic_outputs(scenarios):
    """Text outputs of the real capture, minus dmesg (which holds the command line)."""
    folder = scenarios / "idle"
    return [p.read_text() for p in sorted(folder.glob("*.txt")) if p.name != "dmesg.txt"]


def test_load_capture_of_a_scenario_parses(scenarios):
    pytest.importorskip("perfkit.parsers.mpstat", reason="mpstat parser not written yet")
    cap = perfkit.load_capture(scenarios / "idle")
    cpu = cap["mpstat"]["cpu"]
    assert set(cpu["CPU"]) >= {"all"}
