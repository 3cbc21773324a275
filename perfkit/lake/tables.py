"""What a parsed output becomes in the lake: table names and rows with ``host``, ``time``,
``tz`` and ``source``.

A tool's frames are named ``<tool>_<table>`` in lower case, with anything but letters and
digits turned into ``_`` (``sar``'s ``DEV`` is ``sar_dev``, ``psi-CPU`` is ``sar_psi_cpu``,
``iostat``'s ``devices`` is ``iostat_devices``); a single-table tool keeps its own name
(``vmstat``, ``free``, ``dmesg``).

>>> table_name("sar", "ETCP"), table_name("sar", "psi-CPU"), table_name("vmstat", None)
('sar_etcp', 'sar_psi_cpu', 'vmstat')

Columns get their current C-locale name through :mod:`perfkit.synonyms`, so a sysstat 10
``avgqu-sz`` and a sysstat 12 ``aqu-sz`` land in the same column; rows are an Arrow table
(cheap to send from a worker and to write); numbers are stored as float64 (a column
that is whole in one file and fractional in the next keeps one type), text
as strings. ``time`` is UTC when the source names its zone (sadf, a capture run with
``TZ=UTC``; then ``tz`` is ``"UTC"``) and as printed otherwise (``tz`` empty); a time
printed without a date (``uptime``, ``top`` outside a capture) is not guessed: it is left
empty (NaT) and the row goes to the ``undated`` day.

>>> import pandas as pd
>>> frame = pd.DataFrame({"time": pd.to_datetime(["2026-12-05 10:00:00"]),
...                       "Device:": ["sda"], "avgqu-sz": [2]})
>>> out = lake_frame(frame, host="db-1", source="old/iostat.txt", zone="UTC").to_pandas()
>>> list(out.columns), out["aqu-sz"].dtype.name, out["day"].iloc[0]
(['time', 'Device', 'aqu-sz', 'tz', 'source', 'host', 'day'], 'float64', '2026-12-05')
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

from ..synonyms import canonical

#: The columns every lake row carries (``host`` and ``day`` are also the partition keys).
KEY_COLUMNS = ("time", "tz", "source", "host", "day")
#: The day partition of rows without a date.
UNDATED = "undated"
_NOT_NAME = re.compile(r"[^a-z0-9]+")
#: Names that mean something else in one table than their synonym elsewhere: NFS's
#: ``retrans/s`` counts RPC retransmissions, not TCP segments (``retrseg/s``).
OWN_NAMES = {"sar_nfs": frozenset({"retrans/s"})}


def table_name(tool: str, table: str | None) -> str:
    """The lake table for ``tool``'s frame ``table`` (None for single-table tools)."""
    name = tool if table is None else f"{tool}_{table}"
    return _NOT_NAME.sub("_", name.lower()).strip("_")


def lake_frame(frame: pd.DataFrame, *, host: str, source: str, zone: str | None,
               table: str = "") -> pa.Table:
    """``frame`` as lake rows (an Arrow table): canonical column names, float64 numbers,
    string text, a ``time`` column (UTC when ``zone`` names it), ``tz``, ``source``,
    ``host``, ``day``. ``table`` is the lake table's name (see :data:`OWN_NAMES`)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    # pandas copies .attrs (deeply) into every column taken out: sa files' attrs hold frames
    attrs, frame.attrs = frame.attrs, {}
    try:
        arrow = _to_arrow(frame)
    finally:
        frame.attrs = attrs
    own = OWN_NAMES.get(table, frozenset())
    names: list[str] = []
    columns: list[pa.ChunkedArray] = []
    time = None
    for name, column in zip(arrow.column_names, arrow.columns, strict=True):
        key = name if name in own else canonical(name)
        if key == "time":
            time = column
            continue
        if key in KEY_COLUMNS:
            key = f"{key}_"  # a tool column called "host" (journalctl) keeps its values
        if key in names:  # the same metric under two names: keep the first
            continue
        names.append(key)
        columns.append(_typed(column))
    count = arrow.num_rows
    times = _times(time, count)
    days = pc.fill_null(pc.strftime(times, format="%Y-%m-%d"), UNDATED)
    constant = {"tz": "UTC" if zone == "UTC" else "", "source": source, "host": host}
    return pa.table(
        [times, *columns, *(pa.array([v] * count, pa.string()) for v in constant.values()),
         days],
        names=["time", *names, *constant, "day"])


def _to_arrow(frame: pd.DataFrame) -> pa.Table:
    import pyarrow as pa

    names = [str(c) for c in frame.columns]
    if len(set(names)) == len(names):
        try:
            # column by column: pyarrow's whole-frame conversion costs milliseconds per
            # call, more than the few hundred rows of a sar table take
            return pa.table([pa.array(series, from_pandas=True)
                             for _, series in frame.items()], names=names)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass  # the whole frame's conversion says which columns are mixed
    frame = frame.reset_index(drop=True)
    frame.columns = names
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # a column of mixed objects: as text, the way it printed
        mixed = {c: frame[c].astype("string") for c in frame.columns if frame[c].dtype == object}
        return pa.Table.from_pandas(frame.assign(**mixed), preserve_index=False)


def _typed(column: pa.ChunkedArray) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    if pa.types.is_boolean(kind) or kind == pa.float64():
        return column
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return column.cast(pa.float64())
    if pa.types.is_timestamp(kind):
        return column.cast(pa.timestamp("us", tz=kind.tz)).cast(pa.timestamp("us"))
    if pa.types.is_duration(kind):
        return pc.divide(column.cast(pa.duration("us")).cast(pa.int64()), 1e6)
    if pa.types.is_null(kind):
        return column.cast(pa.string())
    return column.cast(pa.string())


def _times(values: pa.ChunkedArray | None, count: int) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    if values is None or not pa.types.is_timestamp(values.type):
        return pa.nulls(count, pa.timestamp("us"))
    # a zone-aware time is stored in UTC; a naive one as printed
    values = values.cast(pa.timestamp("us", tz=values.type.tz)).cast(pa.timestamp("us"))
    # a time of day placed on 1970-01-01 by a parser that saw no date: not a real date
    real = pc.not_equal(pc.year(values), 1970)
    return pc.if_else(real, values, pa.scalar(None, pa.timestamp("us")))
