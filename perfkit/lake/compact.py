"""Compacted copies of a lake's busy days: every host's rows of one table and day in one
Parquet file, so that a query over a thousand hosts opens one file, not a thousand.

::

    LAKE/_perfkit/compact/sar_cpu/2026-12-01-<hash>.parquet   the rows of every part file
                                     sar_cpu/host=*/day=2026-12-01/part-*.parquet, with host
                                     and day as columns, sorted by host and time
    LAKE/_perfkit/compact/sar_cpu/2026-12-01.json   {"file": "2026-12-01-<hash>.parquet",
                                                     "parts": [the part files it holds]}
    LAKE/_perfkit/compact/sar_cpu/listing.state     the table's part files and the times
                                                     of their folders when last compacted

Opening a small file costs DuckDB about half a millisecond, more than reading its few
hundred rows: a day of a thousand hosts is a thousand part files. ``perfkit ingest``
compacts each table and day it wrote to once the day has :data:`COMPACT_FROM` part files
or more (a small fleet keeps its parts alone).

The part files stay the lake's record (:meth:`Lake.files` lists them, Dask reads them);
the copy is a faster way to the same rows. :func:`layout` tells the readers which copies
hold parts that are all still there, and which parts no copy holds (written since, by an
interrupted ingest, or by hand): those are read beside the copies. A copy one of whose
parts is gone is not used at all, so a part deleted by hand never lingers in a query.

>>> import tempfile
>>> from .store import Lake
>>> layout(Lake(tempfile.mkdtemp()), "sar_cpu")      # nothing compacted: read the parts
([], None)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

from .store import META, Lake, _segment

#: A table's day is compacted once it has this many part files (one per host and source).
COMPACT_FROM = 32
#: Rows per Parquet row group of a compacted file: DuckDB reads row groups in parallel.
ROW_GROUP = 122_880
FOLDER = "compact"
#: The name :func:`compact_day` gives a copy: only such a file is ever removed.
_COPY_NAME = re.compile(r"[^/\\]+-[0-9a-f]{16}\.parquet")
#: The record of a table's part files and folder times (see :func:`note_listing`).
LISTING = "listing.state"


def compact_days(lake: Lake, days: Iterable[tuple[str, str]]) -> int:
    """Compact each ``(table, day)`` with :data:`COMPACT_FROM` part files or more; returns
    how many were compacted."""
    done = 0
    days = sorted(set(days))
    for table, day in days:
        parts = _day_parts(lake, table, day)
        if len(parts) >= COMPACT_FROM:
            compact_day(lake, table, day, parts)
            done += 1
    for table in sorted({table for table, _ in days}):
        if (lake.root / META / FOLDER / table).is_dir():
            note_listing(lake, table)
    return done


def note_listing(lake: Lake, table: str) -> None:
    """Record ``table``'s part files and the modification times of its folders, so that
    :func:`layout` can tell nothing changed from a stat of each folder, several times
    faster than listing them again (adding or removing a file changes its folder's time)."""
    parts = sorted(_table_parts(lake, table))
    listing = {"parts": parts, "folders": _folder_times(lake, table, parts)}
    path = lake.root / META / FOLDER / table / LISTING
    written = path.with_name(f".{path.name}.tmp")
    written.write_text(json.dumps(listing), encoding="utf-8")
    written.replace(path)


def _folder_times(lake: Lake, table: str, parts: list[str]) -> dict[str, int]:
    folders = {table}
    for part in parts:
        host_day = part.rsplit("/", 1)[0]
        folders.update((host_day, host_day.rsplit("/", 1)[0]))
    return {f: os.stat(lake.root / f).st_mtime_ns for f in sorted(folders)}


def _known_parts(lake: Lake, table: str, folder: Path) -> list[str]:
    """``table``'s part files: as recorded by :func:`note_listing` when none of its folders
    changed since, else listed afresh."""
    listing = _read_record(folder / LISTING)
    if listing and isinstance(listing.get("folders"), dict):
        root = f"{lake.root}{os.sep}"  # strings: a Path per folder costs more than its stat
        try:
            unchanged = all(os.stat(root + name).st_mtime_ns == when
                            for name, when in listing["folders"].items())
        except OSError:
            unchanged = False
        if unchanged:
            return list(listing.get("parts") or [])
    return _table_parts(lake, table)


def compact_day(lake: Lake, table: str, day: str, parts: list[str] | None = None) -> Path:
    """Write the compacted copy of ``table``'s ``day`` (every host's part files) and its
    record; returns the copy's path. The previous copy is removed once the new one is
    recorded."""
    import duckdb

    parts = sorted(parts if parts is not None else _day_parts(lake, table, day))
    folder = lake.root / META / FOLDER / table
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
    path = folder / f"{_segment(day)}-{digest}.parquet"
    temporary = path.with_name(f".{path.name}.tmp")
    known = lake.schema(table)
    union = "true" if known is None or not known["uniform"] else "false"
    con = duckdb.connect()
    try:
        con.execute(
            f"COPY (SELECT * FROM read_parquet({sql_paths(*(lake.root / p for p in parts))}, "
            f"{hive_options(union)}) ORDER BY host, time) TO {sql_paths(temporary)} "
            f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP})")
    finally:
        con.close()
    temporary.replace(path)
    record = folder / f"{_segment(day)}.json"
    previous = _read_record(record)
    written = record.with_name(f".{record.name}.tmp")
    written.write_text(json.dumps({"file": path.name, "parts": parts}), encoding="utf-8")
    written.replace(record)
    if previous and previous["file"] != path.name:
        (folder / previous["file"]).unlink(missing_ok=True)
    return path


def hive_options(union: str) -> str:
    """``read_parquet``'s options for part files: host and day from the folder names, as
    text; ``union`` (``"true"``/``"false"``): unite the files' columns by name."""
    return (f"hive_partitioning = true, union_by_name = {union}, "
            "hive_types = {'host': VARCHAR, 'day': VARCHAR}")


def sql_paths(*paths: str | os.PathLike) -> str:
    """One path as an SQL string, several as a list of them."""
    items = [str(p).replace("'", "''") for p in paths]
    return f"'{items[0]}'" if len(items) == 1 else "[" + ", ".join(f"'{i}'" for i in items) + "]"


def layout(lake: Lake, table: str) -> tuple[list[Path], list[Path] | None]:
    """The compacted copies to read for ``table`` and the part files none of them holds;
    ``([], None)`` when the table has no copy (read its parts by their glob)."""
    folder = lake.root / META / FOLDER / table
    if not folder.is_dir():
        return [], None
    parts = set(_known_parts(lake, table, folder))
    copies: list[Path] = []
    held: set[str] = set()
    for record in sorted(folder.glob("*.json")):
        entry = _read_record(record)
        if not entry:
            continue
        members = entry.get("parts") or []
        path = folder / str(entry.get("file"))
        if members and parts.issuperset(members) and path.is_file():
            copies.append(path)
            held.update(members)
    if not copies:
        return [], None
    return copies, [lake.root / p for p in sorted(parts - held)]


def _read_record(path: Path) -> dict | None:
    """A copy's record, or None when it is unreadable or names a file that is no copy of
    this module's (a record edited by hand: its copy is then neither read nor removed)."""
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or not _COPY_NAME.fullmatch(str(entry.get("file"))):
        return None
    return entry


def _day_parts(lake: Lake, table: str, day: str) -> list[str]:
    """``table``'s part files of ``day``, relative to the lake (posix paths)."""
    want = f"day={_segment(day)}"
    return [p for p in _table_parts(lake, table) if p.split("/")[2] == want]


def _table_parts(lake: Lake, table: str) -> list[str]:
    """Every part file of ``table``, relative to the lake: ``os.scandir`` walks a thousand
    host folders several times faster than a glob."""
    out = []
    base = lake.root / table
    try:
        hosts = list(os.scandir(base))
    except OSError:
        return out
    for host in hosts:
        if not host.name.startswith("host=") or not host.is_dir():
            continue
        for day in os.scandir(host.path):
            if not day.name.startswith("day=") or not day.is_dir():
                continue
            for part in os.scandir(day.path):
                if part.name.startswith("part-") and part.name.endswith(".parquet"):
                    out.append(f"{table}/{host.name}/{day.name}/{part.name}")
    return out
