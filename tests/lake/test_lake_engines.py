"""perfkit.lake's engines read the same rows (DuckDB, pandas, Dask), and ingest runs on a
Dask cluster (a LocalCluster here; an existing cluster's address works the same)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import ROOT, needs_tool

pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")

from perfkit import lake

FLEET = ROOT / "data" / "fleet"
pytestmark = needs_tool("sadf")


@pytest.fixture(scope="module")
def small_lake(tmp_path_factory):
    """Two recordings of the shipped fleet, ingested."""
    src = tmp_path_factory.mktemp("src")
    for path in sorted(FLEET.glob("*.sa"))[:2]:
        shutil.copy(path, src / path.name)
    folder = tmp_path_factory.mktemp("lake")
    lake.ingest([src], folder, jobs=1)
    return folder


def _key(frame: pd.DataFrame) -> pd.DataFrame:
    cols = ["host", "day", "time", "CPU", "%idle", "%iowait", "source"]
    return frame[cols].sort_values(["host", "time", "CPU"]).reset_index(drop=True)


def test_pandas_duckdb_and_dask_give_the_same_rows(small_lake):
    by_pandas = lake.table(small_lake, "sar_cpu")
    by_duckdb = lake.table(small_lake, "sar_cpu", engine="duckdb").df()
    by_dask = lake.table(small_lake, "sar_cpu", engine="dask")
    assert by_dask.npartitions == 2
    computed = by_dask.compute()
    assert len(by_pandas) == len(by_duckdb) == len(computed) > 0
    pd.testing.assert_frame_equal(_key(by_pandas), _key(computed), check_dtype=False)
    pd.testing.assert_frame_equal(_key(by_pandas), _key(by_duckdb), check_dtype=False)


def test_a_dask_query_matches_sql(small_lake):
    frame = lake.table(small_lake, "sar_cpu", engine="dask")
    lazy = frame[frame["CPU"] == "all"].groupby("host")["%iowait"].max().compute()
    sql = lake.connect(small_lake).execute(
        "SELECT host, max(\"%iowait\") FROM sar_cpu WHERE \"CPU\" = 'all' GROUP BY host")
    assert lazy.sort_index().to_dict() == dict(sorted(sql.fetchall()))


def test_unknown_table_or_engine():
    with pytest.raises(ValueError, match="engine"):
        lake.table("nowhere", "sar_cpu", engine="spark")


def test_ingest_on_a_local_dask_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    src = tmp_path / "src"
    src.mkdir()
    for path in sorted(FLEET.glob("*.sa"))[:3]:
        shutil.copy(path, src / path.name)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        report = lake.ingest([src], tmp_path / "lake", scheduler=cluster.scheduler_address)
    assert report.errors == [] and report.files == 3
    local = lake.ingest([src], tmp_path / "again", jobs=1)
    con, other = lake.connect(tmp_path / "lake"), lake.connect(tmp_path / "again")
    query = 'SELECT host, count(*), sum("%idle") FROM sar_cpu GROUP BY host ORDER BY host'
    assert con.execute(query).fetchall() == other.execute(query).fetchall()
    assert local.rows == report.rows
