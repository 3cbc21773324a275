"""The lake on disk: one Parquet dataset per table, partitioned by host and day, and the
record of what was ingested.

::

    LAKE/
      sar_cpu/host=web-3/day=2026-12-05/part-<sha256 of the source, 16 hex>.parquet
      sar_dev/host=web-3/day=2026-12-05/part-....parquet
      vmstat/host=db-1/day=undated/part-....parquet
      _perfkit/ingested.jsonl     one line per source: sha256, source, host, rows, tables,
                                  warnings, status ("ok" or "error" with the message)
      _perfkit/schema/sar_cpu.json   the table's columns (the union over its files) and
                                  whether every file has the same ones ("uniform")
      _perfkit/compact/sar_cpu/2026-12-05-<hash>.parquet   a busy day's part files of
                                  every host in one file, for DuckDB (see
                                  :mod:`perfkit.lake.compact`)

A part file is named after its source's hash, so ingesting a source again writes the same
files (nothing is doubled even after an interrupted run), and is written under a
temporary name then renamed, so a reader never sees half a file. ``host`` and ``day`` are
in the folder names only (hive partitioning): DuckDB, pyarrow and Dask read them back as
columns.

>>> import tempfile, pandas as pd
>>> lake = Lake(tempfile.mkdtemp())
>>> rows = pd.DataFrame({"time": pd.to_datetime(["2026-12-05 10:00"]), "%idle": [99.0],
...                      "tz": ["UTC"], "source": ["web-3.sa"], "host": ["web-3"],
...                      "day": ["2026-12-05"]})
>>> [p.relative_to(lake.root).as_posix() for p in lake.write("sar_cpu", rows, "ab" * 32)]
['sar_cpu/host=web-3/day=2026-12-05/part-abababababababab.parquet']
>>> lake.tables()
['sar_cpu']
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

#: Where the lake keeps its own records.
META = "_perfkit"
LOG = "ingested.jsonl"
PARTITIONS = ("host", "day")


class Lake:
    """A lake folder: write a table's rows, list tables and their files, read the log."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)
        self._schemas: dict[str, dict[str, Any]] = {}

    # -- writing ---------------------------------------------------------------------------
    def write(self, table: str, rows: Any, digest: str) -> list[Path]:
        """Write ``rows`` (lake rows with ``host`` and ``day``: an Arrow table or a
        DataFrame) as one part per host and day under ``table``; returns the files."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        arrow = rows if isinstance(rows, pa.Table) else pa.Table.from_pandas(
            rows, preserve_index=False)
        single = [pc.unique(arrow[c]) for c in PARTITIONS]
        if all(len(values) == 1 for values in single):  # one host, one day: the usual
            pairs = [tuple(values[0].as_py() for values in single)]
        else:
            keys = arrow.select(list(PARTITIONS)).group_by(list(PARTITIONS)).aggregate([])
            pairs = list(zip(*(keys[c].to_pylist() for c in PARTITIONS), strict=True))
        written = []
        for host, day in pairs:
            part = arrow
            if len(pairs) > 1:
                mask = pc.and_(pc.equal(arrow["host"], host), pc.equal(arrow["day"], day))
                part = arrow.filter(mask)
            folder = self.root / table / f"host={_segment(host)}" / f"day={_segment(day)}"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"part-{digest[:16]}.parquet"
            temporary = path.with_name(f".{path.name}.tmp")
            body = part.drop_columns(list(PARTITIONS))
            pq.write_table(body, temporary, compression="zstd")
            temporary.replace(path)
            written.append(path)
            self._note_schema(table, body.schema)
        return written

    def _note_schema(self, table: str, schema: Any) -> None:
        """Keep the union of ``table``'s columns, and whether all its files agree, in
        ``_perfkit/schema/TABLE.json`` (rewritten only when something new is seen)."""
        columns = [[field.name, str(field.type)] for field in schema]
        known = self._schemas.get(table) or self.schema(table)
        if known is None:
            known = {"columns": columns, "uniform": True}
        elif known["columns"] == columns:
            self._schemas[table] = known
            return
        else:
            names = {name for name, _ in known["columns"]}
            known = {"columns": known["columns"] + [c for c in columns if c[0] not in names],
                     "uniform": False}
        self._schemas[table] = known
        folder = self.root / META / "schema"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{table}.json").write_text(json.dumps(known), encoding="utf-8")

    def schema(self, table: str) -> dict[str, Any] | None:
        """``{"columns": [[name, arrow type], ...], "uniform": bool}`` for ``table``, or
        None when no ingest recorded it (a lake written by hand: read it as not uniform)."""
        path = self.root / META / "schema" / f"{table}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    def refresh_schemas(self) -> None:
        """Record every table's schema from its files' footers (for a lake written before
        schemas were recorded, or changed by hand)."""
        import pyarrow.parquet as pq

        for table in self.tables():
            (self.root / META / "schema" / f"{table}.json").unlink(missing_ok=True)
            self._schemas.pop(table, None)
            for path in sorted(self.files(table)):
                self._note_schema(table, pq.read_schema(path))

    def record(self, entry: dict[str, Any]) -> None:
        """Append one source's outcome to the ingest log."""
        folder = self.root / META
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / LOG).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, sort_keys=True) + "\n")

    # -- reading ---------------------------------------------------------------------------
    def log(self) -> pd.DataFrame:
        """The ingest log as a frame (empty with no ingest yet)."""
        path = self.root / META / LOG
        if not path.is_file():
            return pd.DataFrame(columns=["sha256", "source", "host", "status"])
        return pd.read_json(path, lines=True, dtype={"sha256": str})

    def ingested(self) -> set[str]:
        """Hashes of the sources ingested without error."""
        path = self.root / META / LOG
        done: set[str] = set()
        if path.is_file():
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    entry = json.loads(line)
                    if entry.get("status") == "ok":
                        done.add(entry["sha256"])
        return done

    def tables(self) -> list[str]:
        """The tables that hold at least one part file, sorted."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir()
                      if p.is_dir() and not p.name.startswith(("_", "."))
                      and next(self.files(p.name), None) is not None)

    def files(self, table: str) -> Iterator[Path]:
        """The part files of ``table``."""
        return (self.root / table).glob("host=*/day=*/part-*.parquet")

    def glob(self, table: str) -> str:
        """A glob pattern for ``table``'s part files (for DuckDB's ``read_parquet``)."""
        return str(self.root / table / "host=*" / "day=*" / "part-*.parquet")


def _segment(value: Any) -> str:
    """A partition value as a folder name: host names keep letters, digits, ``.``, ``_``
    and ``-``; anything else is %-escaped."""
    return quote(str(value), safe="._-")
