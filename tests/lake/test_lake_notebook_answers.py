"""Notebook 30's exercise solutions state answers; they must be what the shipped fleet
says (computed here from the lake, and from sadf's rows where it is installed)."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT

pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")

from perfkit import lake
from perfkit.lake import shipped

NOTEBOOK = ROOT / "notebooks" / "30-fleet.ipynb"


def _solutions() -> list[str]:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                     for c in cells if c["cell_type"] == "markdown")
    parts = text.split("<summary>Solution")[1:]
    return [part.split("</details>")[0] for part in parts]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lake")
    assert lake.ingest(shipped.sources(), folder, jobs=2).errors == []
    return lake.connect(folder)


def test_exercise_1_highest_p95_iowait(con):
    host, p95 = con.execute("""SELECT host, quantile_cont("%iowait", 0.95) AS p95 FROM sar_cpu
                           WHERE "CPU" = 'all' GROUP BY host ORDER BY p95 DESC LIMIT 1"""
                        ).fetchone()
    answer = _solutions()[0]
    assert f"**{host}**" in answer and f"{p95:.1f} %" in answer


def test_exercise_2_swapping(con):
    swapping = '"pswpin/s" > 0 OR "pswpout/s" > 0'
    rows = con.execute(f"""
        SELECT host, count(*) FILTER (WHERE {swapping}), count(*),
               strftime(min(time) FILTER (WHERE {swapping}), '%H:%M:%S'),
               strftime(max(time) FILTER (WHERE {swapping}), '%H:%M:%S')
        FROM sar_swapping GROUP BY host
        HAVING count(*) FILTER (WHERE {swapping}) > 0 ORDER BY host""").fetchall()
    answer = _solutions()[1]
    assert {"cache-1", "mon-1"} <= {host for host, *_ in rows}
    for host, count, samples, first, last in rows:
        assert f"`{host}`: {count} of its {samples} samples, from {first} to {last}" in answer


def test_exercise_3_busiest_device_of_db_1(con):
    device, util, queue, wait = con.execute(
        """SELECT "Device", median("%util") AS util, median("aqu-sz"), median("await")
           FROM sar_disk WHERE host = 'db-1' GROUP BY "Device" ORDER BY util DESC LIMIT 1"""
    ).fetchone()
    answer = _solutions()[2]
    assert f"**{device}**" in answer
    for value in (f"median {util:.1f} % busy", f"of {queue:.2f}", f"{wait:.2f} ms"):
        assert value in answer, value
