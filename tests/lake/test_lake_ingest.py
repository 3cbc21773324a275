"""perfkit ingest: sa files, captures and text outputs into the Parquet lake, idempotent,
damaged files reported, columns under their C-locale names across sysstat versions."""

from __future__ import annotations

import shutil
import subprocess
import threading

import pandas as pd
import pytest
from conftest import CORPUS, FIXTURES, ROOT, needs_tool

pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")

from perfkit import lake
from perfkit.lake.ingest import _windowed
from perfkit.lake.store import Lake

FLEET = ROOT / "data" / "fleet"
SA_FILES = sorted(FLEET.glob("*.sa"))
pytestmark = needs_tool("sadf")


@pytest.fixture(scope="module")
def fleet_lake(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lake")
    report = lake.ingest([FLEET], folder, jobs=2)
    return folder, report


def test_every_sa_file_is_ingested_once_with_its_host(fleet_lake):
    folder, report = fleet_lake
    assert report.errors == [] and report.files == len(SA_FILES)
    con = lake.connect(folder)
    hosts = con.execute("SELECT DISTINCT host FROM sar_cpu ORDER BY host").fetchall()
    expected = sorted({p.name.split("-")[0] + "-" + p.name.split("-")[1] for p in SA_FILES})
    assert [h for (h,) in hosts] == expected
    sources = con.execute("SELECT DISTINCT source FROM sar_cpu ORDER BY source").fetchall()
    assert [s for (s,) in sources] == [f"fleet/{p.name}" for p in SA_FILES]


def test_a_cell_equals_what_sadf_prints(fleet_lake):
    folder, _ = fleet_lake
    path = SA_FILES[0]
    out = subprocess.run(["sadf", "-d", str(path), "--", "-u", "ALL"], capture_output=True,
                         text=True, env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
                         check=True).stdout.splitlines()
    header = out[0].lstrip("# ").split(";")
    row = dict(zip(header, out[1].split(";"), strict=True))  # the first all-CPU row
    when = pd.Timestamp(row["timestamp"].removesuffix(" UTC"))
    con = lake.connect(folder)
    got = con.execute('SELECT "%idle", "%iowait", tz, day FROM sar_cpu WHERE source = ? '
                      "AND time = ? AND \"CPU\" = 'all'", [f"fleet/{path.name}", when]
                      ).fetchall()
    assert got == [(float(row["%idle"]), float(row["%iowait"]), "UTC", f"{when:%Y-%m-%d}")]


def test_tables_are_partitioned_by_host_and_day(fleet_lake):
    folder, _ = fleet_lake
    parts = sorted(p.relative_to(folder).parts[:3] for p in Lake(folder).files("sar_disk"))
    assert parts and all(h.startswith("host=") and d.startswith("day=2026-")
                         for _, h, d in parts)
    names = set(Lake(folder).tables())
    assert {"sar_cpu", "sar_dev", "sar_tcp", "sar_etcp", "sar_disk", "sar_queue",
            "sar_swapping", "sar_memory"} <= names


def test_the_lake_records_each_tables_columns(fleet_lake, tmp_path):
    """Every sa file of one sysstat version gives the same columns: DuckDB can skip reading
    every footer to unite them. A table whose files differ is marked so."""
    folder, _ = fleet_lake
    known = Lake(folder).schema("sar_cpu")
    assert known["uniform"] is True
    assert [name for name, _ in known["columns"]][:4] == ["time", "interval", "CPU", "%usr"]
    Lake(folder).refresh_schemas()
    assert Lake(folder).schema("sar_cpu") == known


def test_a_second_ingest_skips_everything(fleet_lake, tmp_path):
    folder, report = fleet_lake
    before = sorted((p, p.stat().st_mtime_ns) for p in Lake(folder).files("sar_cpu"))
    again = lake.ingest([FLEET], folder, jobs=1)
    assert again.files == 0 and again.already == report.files and again.rows == 0
    assert sorted((p, p.stat().st_mtime_ns) for p in Lake(folder).files("sar_cpu")) == before


def test_a_copy_under_another_name_is_skipped(tmp_path):
    shutil.copy(SA_FILES[0], tmp_path / "a.sa")
    shutil.copy(SA_FILES[0], tmp_path / "b.sa")
    report = lake.ingest([tmp_path], tmp_path / "lake", jobs=1)
    assert (report.files, report.duplicates) == (1, 1)
    rows = lake.connect(tmp_path / "lake").execute("SELECT count(*) FROM sar_cpu").fetchone()[0]
    assert rows == report_rows(tmp_path / "lake", "sar_cpu")


def report_rows(folder, table) -> int:
    return sum(len(pd.read_parquet(p)) for p in Lake(folder).files(table))


def test_a_damaged_file_is_reported_and_the_rest_goes_on(tmp_path):
    sources = tmp_path / "src"
    sources.mkdir()
    shutil.copy(SA_FILES[0], sources / "good.sa")
    data = SA_FILES[1].read_bytes()
    (sources / "damaged.sa").write_bytes(data[:200])  # the header only, cut short
    report = lake.ingest([sources], tmp_path / "lake", jobs=2)
    assert report.files == 1
    assert [name for name, _ in report.errors] == ["src/damaged.sa"]
    assert "sa file" in report.errors[0][1]
    log = Lake(tmp_path / "lake").log().set_index("source")
    assert log.loc["src/damaged.sa", "status"] == "error"
    assert log.loc["src/good.sa", "status"] == "ok"


def test_a_capture_and_text_outputs(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT / "data" / "scenarios" / "idle", src / "idle")
    (src / "db-7").mkdir()
    shutil.copy(FIXTURES / "iostat" / "xzt.C.txt", src / "db-7" / "iostat.txt")
    shutil.copy(FIXTURES / "vmstat" / "t.C.txt", src / "db-7" / "vmstat.txt")
    (src / "db-7" / "notes.md").write_text("not an output\n")
    report = lake.ingest([src], tmp_path / "lake", jobs=1)
    assert report.errors == [] and report.files == 3
    assert report.passed_over == {"not a tool's output": 1}
    con = lake.connect(tmp_path / "lake")
    hosts = dict(con.execute("SELECT source, first(host) FROM vmstat GROUP BY source").fetchall())
    assert hosts == {"src/idle": "host-1", "src/db-7/vmstat.txt": "db-7"}
    # the capture ran its tools with TZ=UTC, vmstat -t prints its zone: UTC; iostat -t
    # prints times without a zone: kept as printed, tz empty
    zones = dict(con.execute("SELECT source, first(tz) FROM vmstat GROUP BY source").fetchall())
    assert zones == {"src/idle": "UTC", "src/db-7/vmstat.txt": "UTC"}
    zone, day = con.execute("SELECT DISTINCT tz, day FROM iostat_devices WHERE source = "
                            "'src/db-7/iostat.txt'").fetchall()[0]
    assert (zone, day) == ("", "2026-11-25")
    # the capture's sar -A gives every sar table, iostat gives devices under "Device"
    assert "sar_queue" in Lake(tmp_path / "lake").tables()
    cols = {c for (c, *_) in con.execute("DESCRIBE iostat_devices").fetchall()}
    assert {"Device", "aqu-sz", "%util", "host", "day", "time"} <= cols


def test_sysstat_versions_share_their_columns(tmp_path):
    """sysstat 10's iostat prints avgqu-sz and "Device:", 12 prints aqu-sz and "Device";
    an 11.6.5 sa file is converted by sadf -c: all land in the same columns."""
    old = CORPUS / "iostat" / "jc__tests__fixtures__centos-7.7__iostat-x.out"
    sa11 = CORPUS / "sar" / "sysstat__tests__data-11.6.5"
    if not old.is_file() or not sa11.is_file():
        pytest.skip("shared corpus not present")
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(old, src / "centos7-iostat.txt")
    shutil.copy(FIXTURES / "iostat" / "x.C.txt", src / "iostat.txt")
    shutil.copy(sa11, src / "sa11")
    shutil.copy(SA_FILES[0], src / "sa12")
    report = lake.ingest([src], tmp_path / "lake", jobs=1)
    assert report.errors == []
    con = lake.connect(tmp_path / "lake")
    cols = {c for (c, *_) in con.execute("DESCRIBE iostat_devices").fetchall()}
    assert "aqu-sz" in cols and "avgqu-sz" not in cols and "Device:" not in cols
    assert Lake(tmp_path / "lake").schema("iostat_devices")["uniform"] is False
    # centos-7.7: "dm-0 ... avgrq-sz 44.30  avgqu-sz 0.00 ..."; x.C.txt: "vda ... 0.07"
    got = dict(con.execute('SELECT source, max("aqu-sz") FROM iostat_devices GROUP BY source'
                       ).fetchall())
    assert got == {"src/centos7-iostat.txt": 0.0, "src/iostat.txt": 0.07}
    disks = dict(con.execute('SELECT source, count("aqu-sz") FROM sar_disk GROUP BY source'
                         ).fetchall())
    assert set(disks) == {"src/sa11", "src/sa12"} and min(disks.values()) > 0


def test_at_most_a_window_of_sources_is_in_flight():
    """Sources are handed to the workers as results come back: memory holds the window's
    results, never the whole tree's."""
    from concurrent.futures import ThreadPoolExecutor

    state = {"in_flight": 0, "most": 0}

    with ThreadPoolExecutor(max_workers=8) as pool:
        def submit(item):
            state["in_flight"] += 1
            state["most"] = max(state["most"], state["in_flight"])
            return pool.submit(threading.Event().wait, 0.001)

        count = 0
        for _ in _windowed(list(range(60)), submit, 4):
            state["in_flight"] -= 1
            count += 1
    assert count == 60 and state["most"] == 4
