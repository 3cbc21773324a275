"""Reading the lake: a DuckDB connection with a view per table, or one table as a pandas,
DuckDB or Dask frame.

>>> from perfkit import lake
>>> con = lake.connect("fleet-lake")                                      # doctest: +SKIP
>>> con.sql('SELECT host, max("%iowait") FROM sar_cpu GROUP BY host').df()  # doctest: +SKIP
>>> lake.table("fleet-lake", "sar_disk")                # pandas           # doctest: +SKIP
>>> lake.table("fleet-lake", "sar_disk", engine="dask")  # lazy, any size  # doctest: +SKIP

Every view and frame has the table's columns, then ``host`` and ``day`` from the folder
names. Files of one table may differ in columns (sysstat 10 and 12 print different sets):
every engine reads the union of them, missing values as NULL/NaN.

DuckDB is the default: embedded (no server), it reads the Parquet files in place, in
parallel, without loading the lake into memory. Dask reads the same files as a
``dask.dataframe`` for a lake larger than memory or spread over a cluster: with a
``distributed.Client`` connected (``Client("tcp://scheduler:8786")``, or a
``LocalCluster``), ``.compute()`` runs there; the workers must see the lake's path.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from .compact import hive_options, layout, sql_paths
from .store import PARTITIONS, Lake

ENGINES = ("pandas", "duckdb", "dask")


def _duckdb() -> Any:
    try:
        import duckdb
    except ImportError as exc:  # pragma: no cover - the fleet extra is missing
        raise ImportError("perfkit.lake needs DuckDB: pip install 'perfkit[fleet]'") from exc
    return duckdb


def scan(lake: Lake, table: str) -> str:
    """The SQL that reads ``table``'s files, host and day as text. When the files differ in
    columns, DuckDB reads the union of them (``union_by_name``, which opens every file's
    footer first: the lake's schema record says when that can be skipped). A day compacted
    by the ingest (:mod:`perfkit.lake.compact`) is read from its one file, and the part
    files no compacted file holds beside it."""
    known = lake.schema(table)
    union = "true" if known is None or not known["uniform"] else "false"
    copies, rest = layout(lake, table)
    if not copies:
        return f"read_parquet({sql_paths(lake.glob(table))}, {hive_options(union)})"
    reads = [f"SELECT * FROM read_parquet({sql_paths(*copies)}, union_by_name = {union})"]
    if rest:
        reads.append(f"SELECT * FROM read_parquet({sql_paths(*rest)}, {hive_options(union)})")
    return "(" + " UNION ALL BY NAME ".join(reads) + ")"


def _no_progress_bar(con: Any, duckdb: Any) -> None:
    """No progress bar over a CLI's output; in Jupyter without ipywidgets DuckDB draws none
    and refuses the setting, which is then left alone."""
    try:
        con.execute("SET enable_progress_bar = false")
    except duckdb.Error:
        pass


def connect(lake: str | os.PathLike, *, threads: int | None = None) -> Any:
    """An in-memory DuckDB connection with one view per lake table (``sar_cpu``...).

    Column names with ``%`` or ``/`` are quoted in SQL: ``SELECT "%iowait" FROM sar_cpu``.
    """
    duckdb = _duckdb()
    store = Lake(lake)
    if not store.root.is_dir():
        raise FileNotFoundError(f"{lake}: no such lake folder")
    con = duckdb.connect()
    _no_progress_bar(con, duckdb)
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    for name in store.tables():
        con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM {scan(store, name)}')
    return con


def table(lake: str | os.PathLike, name: str, engine: str = "pandas") -> Any:
    """Lake table ``name`` as a pandas DataFrame, a DuckDB relation or a Dask DataFrame."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    store = Lake(lake)
    if name not in store.tables():
        raise KeyError(f"no table {name!r} in {lake}; tables: {', '.join(store.tables())}")
    if engine == "dask":
        return _dask(store, name)
    duckdb = _duckdb()
    con = duckdb.connect()
    _no_progress_bar(con, duckdb)
    relation = con.sql(f"SELECT * FROM {scan(store, name)}")
    if engine == "duckdb":
        return relation
    frame = relation.df()
    for column in PARTITIONS:
        frame[column] = frame[column].astype("string")
    return frame


def _dask(store: Lake, name: str) -> Any:
    """A Dask DataFrame with one partition per part file and the union of their columns."""
    import dask.dataframe as dd
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = sorted(store.files(name))
    schema = pa.unify_schemas([pq.read_schema(f) for f in files],
                              promote_options="permissive")
    meta = schema.empty_table().to_pandas()
    for column in PARTITIONS:
        meta[column] = pd.Series(dtype="string")
    return dd.from_map(_read_part, [str(f) for f in files], meta=meta, schema=schema,
                       enforce_metadata=False)


def _read_part(path: str, schema: Any) -> pd.DataFrame:
    """One part file as pandas, with the table's columns (missing ones empty) and its
    host and day from the folder names."""
    from urllib.parse import unquote

    import pyarrow.parquet as pq

    arrow = pq.read_table(path)
    missing = [f for f in schema if f.name not in arrow.column_names]
    for item in missing:
        import pyarrow as pa

        arrow = arrow.append_column(item, pa.nulls(len(arrow), type=item.type))
    frame = arrow.select(schema.names).cast(schema).to_pandas()
    parts = Path(path).parts
    for column in PARTITIONS:
        value = next(p.split("=", 1)[1] for p in parts if p.startswith(f"{column}="))
        frame[column] = pd.Series([unquote(value)] * len(frame), dtype="string")
    return frame
