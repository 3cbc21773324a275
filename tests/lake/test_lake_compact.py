"""Compacted days: every host's rows of a table's day in one file, read by DuckDB instead of
the part files, with the same rows; parts written since are read beside it, and a copy
whose parts are gone by hand is not used. The shipped fleet (six hosts) is compacted from
two part files a day instead of the usual 32."""

from __future__ import annotations

import shutil

import pytest
from conftest import ROOT, needs_tool

pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")

from perfkit import lake
from perfkit.lake import compact
from perfkit.lake.store import Lake

FLEET = ROOT / "data" / "fleet"
SA_FILES = sorted(FLEET.glob("*.sa"))
pytestmark = needs_tool("sadf")
QUERY = ('SELECT host, day, time, "CPU", "%iowait", source FROM sar_cpu '
         'ORDER BY host, time, "CPU"')


def parts_only(folder) -> list[tuple]:
    """The rows as the part files hold them, without any compacted copy."""
    import duckdb

    con = duckdb.connect()
    pattern = Lake(folder).glob("sar_cpu")
    con.execute("CREATE VIEW sar_cpu AS SELECT * FROM read_parquet("
                f"'{pattern}', hive_partitioning = true, "
                "hive_types = {'host': VARCHAR, 'day': VARCHAR})")
    return con.execute(QUERY).fetchall()


@pytest.fixture
def compacted(tmp_path, monkeypatch):
    monkeypatch.setattr(compact, "COMPACT_FROM", 2)
    src = tmp_path / "src"
    src.mkdir()
    for path in SA_FILES[:-1]:
        shutil.copy(path, src / path.name)
    report = lake.ingest([src], tmp_path / "lake", jobs=1)
    return tmp_path, report


def test_a_compacted_day_gives_the_rows_of_its_parts(compacted):
    folder, report = compacted
    store = Lake(folder / "lake")
    copies, rest = compact.layout(store, "sar_cpu")
    assert report.compacted > 0 and copies and rest == []
    # the parts stay: Dask and Lake.files read them
    assert len(list(store.files("sar_cpu"))) == len(SA_FILES) - 1
    got = lake.connect(folder / "lake").execute(QUERY).fetchall()
    assert got and got == parts_only(folder / "lake")
    assert "compacted" in report.summary()


def test_parts_written_since_are_read_beside_the_copy(compacted, monkeypatch):
    folder, _ = compacted
    monkeypatch.setattr(compact, "COMPACT_FROM", 10_000)  # the next ingest compacts nothing
    extra = folder / "extra"
    extra.mkdir()
    shutil.copy(SA_FILES[-1], extra / SA_FILES[-1].name)
    report = lake.ingest([extra], folder / "lake", jobs=1)
    assert report.files == 1 and report.compacted == 0
    copies, rest = compact.layout(Lake(folder / "lake"), "sar_cpu")
    assert copies and len(rest) == 1
    got = lake.connect(folder / "lake").execute(QUERY).fetchall()
    assert got == parts_only(folder / "lake")
    hosts = {host for host, *_ in got}
    assert len(hosts) == len({p.name.rsplit("-", 1)[0] for p in SA_FILES})


def test_a_copy_whose_part_was_deleted_is_not_used(compacted):
    folder, _ = compacted
    store = Lake(folder / "lake")
    gone = sorted(store.files("sar_cpu"))[0]
    gone.unlink()
    copies, rest = compact.layout(store, "sar_cpu")
    # the copy of the deleted part's day is not used: the day's other parts are read
    # one by one (by the table's glob when no other day has a copy)
    day = gone.parts[-2].removeprefix("day=")
    assert not any(p.name.startswith(day) for p in copies)
    assert rest is None or gone not in rest
    got = lake.connect(folder / "lake").execute(QUERY).fetchall()
    assert got == parts_only(folder / "lake")


def test_a_record_naming_another_file_never_removes_it(compacted):
    """Compacting again removes the previous copy, only when the record names a file the
    way compact_day names its copies: a record edited to point elsewhere deletes nothing."""
    folder, _ = compacted
    store = Lake(folder / "lake")
    (record,) = list((folder / "lake" / "_perfkit" / "compact" / "sar_cpu").glob("*.json"))
    outside = folder / "precious.txt"
    outside.write_text("not perfkit's")
    previous = compact._read_record(record)
    record.write_text(record.read_text().replace(previous["file"], "../../../precious.txt"))
    day = record.stem
    assert compact._read_record(record) is None  # neither read by queries nor removed
    new = compact.compact_day(store, "sar_cpu", day)
    assert outside.read_text() == "not perfkit's"
    assert new.is_file() and (new.parent / previous["file"]).is_file()  # not named: kept
