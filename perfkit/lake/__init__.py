"""A fleet's outputs in one place: ingest captures, sa files and text outputs of many hosts
into Parquet, query them with DuckDB, pandas or Dask, and find the saturated hosts.

>>> from perfkit import lake
>>> lake.ingest(["data/fleet"], "fleet-lake")                  # doctest: +SKIP
>>> con = lake.connect("fleet-lake")             # DuckDB, a view per table  # doctest: +SKIP
>>> con.sql('SELECT host, max("%util") FROM sar_disk GROUP BY host').df()  # doctest: +SKIP
>>> lake.table("fleet-lake", "sar_cpu")                        # pandas   # doctest: +SKIP
>>> lake.findings("fleet-lake", by="minute")                   # doctest: +SKIP

The command line does the same: ``perfkit ingest SOURCES... --into LAKE`` and
``perfkit checklist --lake LAKE --by hour``. Needs the ``fleet`` extra
(``pip install 'perfkit[fleet]'``: pyarrow, DuckDB, Dask, tqdm).
"""

from __future__ import annotations

from .engines import connect, table
from .findings import findings
from .ingest import ingest

# the functions, not the modules of the same names
__all__ = ["connect", "findings", "ingest", "table"]
