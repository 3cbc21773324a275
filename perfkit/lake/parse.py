"""Turning one source (a capture, an sa file or a text output) into lake tables; what an
ingest worker runs, in its own process or on a Dask worker.

:func:`parse_source` never raises for a bad source: the error is returned in
:class:`Parsed` so that the ingest reports it and goes on. ``ParseWarning``\\ s are
collected, not printed, and counted in the ingest's record.

The host of a row is the name the source gives (the sa file's or the sysstat banner's
host, a capture's ``capture.json``), else the name of the folder holding the file (a
``vmstat.txt`` in ``web-3/`` belongs to ``web-3``).

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "web-3" / "uptime.txt"
>>> path.parent.mkdir()
>>> _ = path.write_text(" 10:00:00 up 5 min,  1 user,  load average: 0.08, 0.03, 0.01\\n")
>>> parsed = parse_source(Source(path, "text", "uptime"))
>>> frame = parsed.tables["uptime"].to_pandas()
>>> parsed.host, frame["ldavg-1"].iloc[0], frame["day"].iloc[0]
('web-3', np.float64(0.08), 'undated')
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..errors import ParseError, ParseWarning
from ..result import Tables
from .discover import Source
from .tables import lake_frame, table_name

#: How many warnings of one source are kept word for word (all are counted).
KEPT_WARNINGS = 5


@dataclass
class Parsed:
    """What one source gave: lake frames by table name, its host, warnings, or an error."""

    source: Source
    host: str = ""
    tables: dict[str, Any] = field(default_factory=dict)  # name -> pyarrow.Table
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0
    error: str | None = None

    @property
    def rows(self) -> int:
        return sum(table.num_rows for table in self.tables.values())


def parse_source(source: Source) -> Parsed:
    """Parse ``source`` into lake tables; errors and warnings are returned, not raised."""
    result = Parsed(source)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ParseWarning)
        try:
            if source.kind == "capture":
                _capture(source, result)
            else:
                _file(source, result)
        except (ParseError, ValueError, KeyError, OSError) as exc:
            result.error = f"{type(exc).__name__}: {exc}"
            result.tables = {}
    found = [str(w.message) for w in caught if issubclass(w.category, ParseWarning)]
    result.warning_count = len(found)
    result.warnings = found[:KEPT_WARNINGS]
    return result


def _file(source: Source, result: Parsed) -> None:
    import perfkit

    value = perfkit.read(source.path, None if source.kind == "sa" else source.tool)
    tool = "sar" if source.kind == "sa" else str(source.tool)
    attrs = value.attrs
    result.host = str(attrs.get("host") or source.path.parent.name or "unknown")
    zone = attrs.get("timezone")
    _add(result, tool, value, zone, source.label or source.path.name)


def _capture(source: Source, result: Parsed) -> None:
    from ..capture import load_capture

    capture = load_capture(source.path)
    meta = capture.meta
    result.host = str(meta.get("host") or source.path.name)
    zone = "UTC" if (meta.get("environment") or {}).get("TZ") == "UTC" else None
    keys = list(capture.tools)
    if "sar-all" in capture:  # every sar activity: it holds sar -n DEV/TCP/ETCP's too
        keys = [k for k in keys if k != "sar"] + ["sar-all"]
    for key in keys:
        try:
            value = capture[key]
        except (KeyError, ParseError) as exc:
            result.warnings.append(f"{key}: {exc}")
            continue
        tool = "sar" if key == "sar-all" else key
        _add(result, tool, value, zone, source.label or source.path.name)
    sa_file = capture.sa_file
    if sa_file is not None and "sar-all" not in capture:
        import perfkit

        value = perfkit.read(sa_file)
        _add(result, "sar", value, value.attrs.get("timezone"), str(source.path),
             skip=set(result.tables))


def _add(result: Parsed, tool: str, value: Any, zone: str | None, source: str,
         skip: set[str] | None = None) -> None:
    frames = value.items() if isinstance(value, Tables) else [(None, value)]
    for table, frame in frames:
        if not isinstance(frame, pd.DataFrame) or frame.empty:
            continue
        name = table_name(tool, table)
        if skip and name in skip:
            continue
        rows = lake_frame(frame, host=result.host, source=source, zone=zone, table=name)
        if name in result.tables:
            import pyarrow as pa

            rows = pa.concat_tables([result.tables[name], rows], promote_options="permissive")
        result.tables[name] = rows
