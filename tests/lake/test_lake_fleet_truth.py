"""The shipped fleet's findings against its ground truth (data/fleet/README.md), and the
numbers behind them against what sadf itself prints."""

from __future__ import annotations

import csv
import importlib.util
import io
import re
import statistics
import subprocess
from collections import defaultdict

import pandas as pd
import pytest
from conftest import ROOT, needs_tool

pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")

from perfkit import lake
from perfkit.lake.findings import saturated

FLEET = ROOT / "data" / "fleet"
RESOURCES = ("cpu", "disk", "memory")


def ground_truth() -> dict[tuple[str, str], str]:
    """(host, resource) -> "severity HH:MM-HH:MM" or "-", from the README's table."""
    text = (FLEET / "README.md").read_text(encoding="utf-8")
    table = text.split("## Ground truth", 1)[1]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    truth = {}
    for line in rows:
        cells = [c.strip().strip("`") for c in line.strip("|").split("|")]
        host, _load, *per = cells
        assert len(per) == len(RESOURCES), line
        for resource, cell in zip(RESOURCES, per, strict=True):
            truth[(host, resource)] = cell
    return truth


def observed(found: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(host, resource) -> "worst-severity first-last" minute windows, as the README writes."""
    spans = saturated(found)
    out = {}
    for (host, resource), rows in spans.groupby(["host", "resource"]):
        worst = "critical" if (rows["severity"] == "critical").any() else "warning"
        out[(host, resource)] = (f"{worst} {rows['window'].min():%H:%M}-"
                                 f"{rows['window'].max():%H:%M}")
    return out


@pytest.fixture(scope="module")
def found(tmp_path_factory):
    from perfkit.lake import shipped

    folder = tmp_path_factory.mktemp("lake")
    report = lake.ingest(shipped.sources(), folder, jobs=2)
    assert report.errors == []
    return lake.findings(folder, by="minute")


def test_the_readme_table_covers_every_host():
    hosts = {h for h, _ in ground_truth()}
    on_disk = {m.group(1) for p in FLEET.glob("*.sa")
               if (m := re.match(r"^([a-z]+-\d+)-", p.name))}
    assert hosts == on_disk


def test_findings_match_the_ground_truth(found):
    got = observed(found)
    for (host, resource), expected in ground_truth().items():
        assert got.get((host, resource), "-") == expected, (host, resource)


QUIET = ("web-1", "web-2")


def test_the_quiet_hosts_are_present_and_healthy(found):
    """The quiet phase ran no load: its hosts are in the fleet and the checklist finds
    nothing on them, in any window, while every other host has a finding."""
    assert {f"{host}-quiet.sa" for host in QUIET} <= {p.name for p in FLEET.glob("*.sa")}
    assert all(ground_truth()[(host, r)] == "-" for host in QUIET for r in RESOURCES)
    assert not found["host"].isin(QUIET).any()
    loaded = {h for h, _ in ground_truth()} - set(QUIET)
    assert set(found["host"]) == loaded


def _sadf(name: str, *activity: str) -> list[dict[str, str]]:
    out = subprocess.run(["sadf", "-d", str(FLEET / name), "--", *activity],
                         capture_output=True, text=True, check=True,
                         env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"}).stdout
    return list(csv.DictReader(io.StringIO(out.lstrip("# ")), delimiter=";"))


@needs_tool("sadf")
@pytest.mark.parametrize("name", ["db-1-io.sa", "db-2-io.sa", "cache-1-memory.sa"])
def test_disk_numbers_are_sadf_numbers(found, name):
    """The disk findings' medians per minute are those of sadf -d's own rows."""
    by_minute = defaultdict(list)
    for row in _sadf(name, "-d"):
        if row["DEV"] == "vda":
            by_minute[row["timestamp"][:16]].append(float(row["%util"]))
    host = name.rsplit("-", 1)[0]
    util = found[(found["host"] == host) & (found["metric"] == "%util")]
    assert set(util["detail"]) == {"vda"}
    assert len(util) > 0
    for item in util.itertuples():
        minute = f"{item.window:%Y-%m-%d %H:%M}"
        assert item.observed == pytest.approx(statistics.median(by_minute[minute]))


@needs_tool("sadf")
def test_the_cpu_hosts_were_busy_by_sadf():
    """By sadf's own rows: four stress-ng threads on 2 CPUs kept them busy, with a run
    queue of twice the CPUs."""
    for name in ("web-3-cpu.sa", "web-4-cpu.sa"):
        rows = [r for r in _sadf(name, "-u") if r["CPU"] == "-1"]
        busy = [100 - float(r["%idle"]) - float(r["%iowait"]) for r in rows]
        queue = [float(r["runq-sz"]) for r in _sadf(name, "-q")]
        assert len(rows) == 60 and statistics.median(busy) > 99, name
        assert statistics.median(queue) >= 4, name


@needs_tool("sadf")
def test_the_text_renderings_give_the_same_findings(found, tmp_path):
    """data/fleet-text (sadf -d of the same files, for machines without sysstat) gives the
    same findings as the sa files read through sadf -j."""
    from perfkit.lake import shipped

    report = lake.ingest(shipped.sources(binary=False), tmp_path / "lake", jobs=2)
    assert report.errors == [] and report.files == len(list(FLEET.glob("*.sa")))
    again = lake.findings(tmp_path / "lake", by="minute")
    columns = ["host", "window", "resource", "rule", "observed", "severity", "detail"]
    pd.testing.assert_frame_equal(again[columns], found[columns])


def _readme() -> str:
    return " ".join((FLEET / "README.md").read_text(encoding="utf-8").split())


def _minute_medians(rows: list[dict[str, str]], column: str) -> list[float]:
    by_minute = defaultdict(list)
    for row in rows:
        by_minute[row["timestamp"][:16]].append(float(row[column]))
    return [statistics.median(values) for values in by_minute.values()]


def _script():
    spec = importlib.util.spec_from_file_location("fleet_readme",
                                                  ROOT / "scripts" / "fleet_readme.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_tool("sadf")
def test_the_readme_is_computed_from_the_data():
    """Every figure of the README is what scripts/fleet_readme.py computes from sadf's rows
    and PROVENANCE.tsv: a re-recording that changes one fails here until it is rewritten."""
    assert _script().main(["--check"]) == 0


@needs_tool("sadf")
def test_the_readme_s_numbers_are_the_data_s():
    """Figures traced by hand from sadf's own rows, apart from the script: the io hosts'
    vda %util per minute, the cpu hosts' run queue, cache-1's swapping samples, the quiet
    hosts' idle share, and the phases' first and last samples."""
    text = _readme()
    util = [u for name in ("db-1-io.sa", "db-2-io.sa")
            for u in _minute_medians([r for r in _sadf(name, "-d") if r["DEV"] == "vda"],
                                     "%util")]
    assert f"`%util` of {min(util):.1f} to {max(util):.1f} %" in text
    assert min(util) > 90  # the util rule's critical level: the table's critical disk
    for name in ("web-3-cpu.sa", "web-4-cpu.sa"):
        queue = statistics.median(float(r["runq-sz"]) for r in _sadf(name, "-q"))
        assert queue == 4, name  # four stress-ng threads: twice the 2 CPUs, a warning
    assert "a run queue (`runq-sz`) of 4:" in text
    moving = [r for r in _sadf("cache-1-memory.sa", "-W")
              if float(r["pswpin/s"]) > 0 or float(r["pswpout/s"]) > 0]
    assert f"swap in {len(moving)} of its 60 samples" in text and len(moving) == 60
    for name in ("web-1-quiet.sa", "web-2-quiet.sa"):
        rows = [r for r in _sadf(name, "-u") if r["CPU"] == "-1"]
        idle = statistics.median(float(r["%idle"]) for r in rows)
        assert idle > 99 and f"the CPUs are {idle:.2f} % idle" in text, name
    for name, phase in (("web-3-cpu.sa", "cpu"), ("db-1-io.sa", "io"),
                        ("cache-1-memory.sa", "memory"), ("web-1-quiet.sa", "quiet")):
        rows = _sadf(name, "-q")
        first, last = rows[0]["timestamp"][11:19], rows[-1]["timestamp"][11:19]
        assert f"| {phase} | {first} to {last} ({len(rows)} samples) |" in text, name
