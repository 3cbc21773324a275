"""The fleet's command line: ``perfkit ingest`` and ``perfkit checklist --lake``.

    perfkit ingest SOURCES... --into LAKE [--jobs N] [--scheduler ADDRESS] [--quiet]
    perfkit checklist --lake LAKE [--by hour]

:func:`add_ingest` and :func:`add_lake_options` register them on ``perfkit``'s argument
parser; :func:`ingest_main` and :func:`checklist_main` run them. Nothing here imports
pyarrow, DuckDB or Dask until a command runs, so ``perfkit --help`` works without the
``fleet`` extra.

>>> import argparse
>>> top = argparse.ArgumentParser(prog="perfkit")
>>> add_ingest(top.add_subparsers(dest="command"))
>>> args = top.parse_args(["ingest", "data/fleet", "--into", "lake", "--jobs", "2"])
>>> args.sources, args.into, args.jobs
(['data/fleet'], 'lake', 2)
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

INGEST_DESCRIPTION = """\
Parse perfkit capture directories, binary sa files (through sadf, every activity) and
tool outputs found under SOURCES (recursively), in parallel, into a Parquet lake: one
dataset per table (sar_cpu, sar_dev, sar_disk, vmstat, iostat_devices, ...) partitioned by
host and day. Each row has host, time (UTC where the source names its zone), tz and source.
A source already ingested (same content) is skipped; one that cannot be read is reported
and the others go on (exit status 1 when any failed)."""

INGEST_EPILOG = """\
Query the lake with perfkit.lake.connect(LAKE) (DuckDB), perfkit.lake.table(LAKE, name,
engine="pandas"|"duckdb"|"dask"), or `perfkit checklist --lake LAKE --by hour`.
With --scheduler, the Dask cluster's workers parse the files: they must see the same
paths (a shared file system)."""


def add_ingest(sub: Any) -> None:
    """Register ``perfkit ingest`` on the sub-command set ``sub``."""
    ing = sub.add_parser("ingest", help="parse many hosts' outputs into a Parquet lake",
                         description=INGEST_DESCRIPTION, epilog=INGEST_EPILOG,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    ing.add_argument("sources", nargs="+", help="files and folders to ingest")
    ing.add_argument("--into", required=True, metavar="LAKE", help="the lake folder")
    ing.add_argument("--jobs", type=int, default=None,
                     help="worker processes (default: the CPUs)")
    ing.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="parse on this Dask cluster (tcp://host:8786)")
    ing.add_argument("--quiet", action="store_true", help="no progress bar")


def add_lake_options(checklist: argparse.ArgumentParser) -> None:
    """Add ``--lake`` and ``--by`` to ``perfkit checklist``."""
    checklist.add_argument("--lake", default=None, metavar="LAKE",
                           help="a lake written by perfkit ingest: the fleet's findings "
                                "per host and time window")
    checklist.add_argument("--by", default="hour",
                           help="the window with --lake: minute, hour (default), day, or "
                                "'10 minutes'")


def ingest_main(args: argparse.Namespace) -> int:
    """Run ``perfkit ingest``; 0 when every source was read, 1 when any failed, 2 when the
    fleet extra is missing."""
    try:
        from .ingest import describe_errors, ingest
    except ImportError as exc:  # pragma: no cover - depends on the install
        print(f"perfkit ingest: {exc}; install the fleet extra: pip install "
              "'perfkit[fleet]'", file=sys.stderr)
        return 2
    report = ingest(args.sources, args.into, jobs=args.jobs, scheduler=args.scheduler,
                    progress=not args.quiet and sys.stderr.isatty())
    for line in describe_errors(report):
        print(f"perfkit ingest: FAILED {line}", file=sys.stderr)
    print(report.summary())
    return 1 if report.errors else 0


def checklist_main(args: argparse.Namespace) -> int:
    """Run ``perfkit checklist --lake LAKE``: the fleet's saturated hosts."""
    from .findings import findings, interval, render

    if not args.lake:
        print("perfkit checklist: give a capture directory, or --lake LAKE", file=sys.stderr)
        return 2
    try:
        interval(args.by)
        found = findings(args.lake, by=args.by)
    except (FileNotFoundError, ValueError) as exc:
        print(f"perfkit checklist: {exc}", file=sys.stderr)
        return 1
    print(render(found, by=args.by))
    return 0
