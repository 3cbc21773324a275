"""The shipped fleet's findings against its ground truth (data/fleet/README.md), and the
numbers behind them against what sadf itself prints."""

from __future__ import annotations

import csv
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


def test_no_quiet_host_was_recorded_and_the_readme_says_why():
    """The machine was never idle enough for the quiet phase (see the README): no host is
    presented as healthy."""
    assert not list(FLEET.glob("*-quiet.sa"))
    assert "**No quiet host.**" in (FLEET / "README.md").read_text(encoding="utf-8")


def _sadf(name: str, *activity: str) -> list[dict[str, str]]:
    out = subprocess.run(["sadf", "-d", str(FLEET / name), "--", *activity],
                         capture_output=True, text=True, check=True,
                         env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"}).stdout
    return list(csv.DictReader(io.StringIO(out.lstrip("# ")), delimiter=";"))


@needs_tool("sadf")
@pytest.mark.parametrize("name", ["db-1-io.sa", "db-2-io.sa"])
def test_disk_numbers_are_sadf_numbers(found, name):
    """The disk findings' medians per minute are those of sadf -d's own rows."""
    by_minute = defaultdict(list)
    for row in _sadf(name, "-d"):
        if row["DEV"] == "vda":
            by_minute[row["timestamp"][:16]].append(float(row["%util"]))
    host = name.rsplit("-", 1)[0]
    util = found[(found["host"] == host) & (found["metric"] == "%util")]
    assert len(util) > 0
    for item in util.itertuples():
        minute = f"{item.window:%Y-%m-%d %H:%M}"
        assert item.observed == pytest.approx(statistics.median(by_minute[minute]))


@needs_tool("sadf")
def test_the_cpu_hosts_were_busy_by_sadf():
    """By sadf's own rows: four stress-ng threads on 2 CPUs kept them busy, with a run
    queue of more than twice the CPUs."""
    for name in ("web-3-cpu.sa", "web-4-cpu.sa"):
        rows = [r for r in _sadf(name, "-u") if r["CPU"] == "-1"]
        busy = [100 - float(r["%idle"]) - float(r["%iowait"]) for r in rows]
        queue = [float(r["runq-sz"]) for r in _sadf(name, "-q")]
        assert len(rows) == 60 and statistics.median(busy) > 99, name
        assert statistics.median(queue) > 4, name


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


@needs_tool("sadf")
def test_the_readme_s_numbers_are_the_data_s():
    """Each figure the README gives about what else ran is what sadf prints: the io hosts'
    %user and %steal (medians), their vda %util per minute, the cpu hosts' run queue."""
    text = _readme()
    for name in ("db-1-io.sa", "db-2-io.sa"):
        rows = [r for r in _sadf(name, "-u") if r["CPU"] == "-1"]
        user = statistics.median(float(r["%user"]) for r in rows)
        steal = statistics.median(float(r["%steal"]) for r in rows)
        assert abs(user - 69) <= 3 and "`%user` near 69 %" in text, (name, user)
        assert abs(steal - 21) <= 3 and "`%steal` near 21 %" in text, (name, steal)
        util = _minute_medians([r for r in _sadf(name, "-d") if r["DEV"] == "vda"], "%util")
        assert 84 <= round(min(util)) and round(max(util)) <= 88, (name, util)
    assert "`%util` of 84 to 88 %" in text
    for name in ("web-3-cpu.sa", "web-4-cpu.sa"):
        queue = _minute_medians(_sadf(name, "-q"), "runq-sz")
        assert 8 <= min(queue) and max(queue) <= 12, (name, queue)
    assert "a run queue (per-minute median) of 8 to 12" in text
    for name in ("db-1-io.sa", "db-2-io.sa", "cache-1-memory.sa"):
        queue = _minute_medians(_sadf(name, "-q"), "runq-sz")
        assert 6 <= min(queue) and max(queue) <= 8.5, (name, queue)
    assert "a run queue of 6 to 8.5" in text
    cache = [r for r in _sadf("cache-1-memory.sa", "-d") if r["DEV"] == "vda"]
    assert [f"{q:.1f}" for q in _minute_medians(cache, "aqu-sz")] == ["4.6", "2.1", "0.7"]
    assert "`aqu-sz` of 4.6, then 2.1, then 0.7" in text
    pages = [*_minute_medians(_sadf("cache-1-memory.sa", "-W"), "pswpin/s"),
             *_minute_medians(_sadf("cache-1-memory.sa", "-W"), "pswpout/s")]
    assert round(min(pages), -2) == 1600 and round(max(pages), -2) == 16500, pages
    assert "1,600 to 16,500 pages/s" in text
    moving = [sum(1 for r in _sadf(name, "-W")
                  if float(r["pswpin/s"]) > 0 or float(r["pswpout/s"]) > 0)
              for name in ("web-3-cpu.sa", "web-4-cpu.sa")]
    assert moving == [8, 9] and "swap in 8 and 9 of their samples" in text
    used = max(float(r["kbswpused"]) for r in _sadf("web-3-cpu.sa", "-S"))
    assert round(used / 1024) == 285 and "up to 285 MiB of it in use" in text
