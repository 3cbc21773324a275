"""``perfkit ingest``: parse captures, sa files and text outputs in parallel into a lake.

>>> from perfkit.lake import ingest
>>> report = ingest(["data/fleet"], "fleet-lake")          # doctest: +SKIP
>>> report.files, report.rows, report.errors               # doctest: +SKIP
(9, 131076, [])

Sources are found by :func:`perfkit.lake.discover.sources`, parsed by
:func:`perfkit.lake.parse.parse_source` in worker processes (or on a Dask cluster with
``scheduler=``), and written by the main process as they come back, at most ``2 x jobs``
sources in flight: memory depends on the largest source, not on how many there are.

Each table and day that ends up with many part files (a fleet of hosts) is then
compacted: one more file holds all of that day's rows, for queries
(:mod:`perfkit.lake.compact`).

A source already in the lake (same sha256, whatever its name or place) is skipped, and so
is a second copy of a source within one run. A source that cannot be read (a damaged sa
file, an output cut short) is reported, logged with its error, and the others go on; it is
tried again on the next run.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .compact import compact_days
from .discover import Skipped, Source, sources
from .parse import Parsed, parse_source
from .store import Lake


@dataclass
class Report:
    """What an ingest did: sources ingested, skipped (already there), passed over (not an
    output), failed (with their errors); rows written; seconds taken."""

    files: int = 0
    rows: int = 0
    already: int = 0
    duplicates: int = 0
    warnings: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    passed_over: dict[str, int] = field(default_factory=dict)
    tables: set[str] = field(default_factory=set)
    compacted: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        """One paragraph for the terminal."""
        parts = [f"ingested {self.files} source{'s' * (self.files != 1)}, {self.rows} rows "
                 f"into {len(self.tables)} tables in {self.seconds:.1f} s"]
        if self.already:
            parts.append(f"{self.already} already in the lake (skipped)")
        if self.duplicates:
            parts.append(f"{self.duplicates} copies of another source (skipped)")
        if self.warnings:
            parts.append(f"{self.warnings} parse warnings (in the lake's log)")
        if self.passed_over:
            parts.append("passed over: " + ", ".join(
                f"{n} {why}" for why, n in sorted(self.passed_over.items())))
        if self.compacted:
            parts.append(f"{self.compacted} busy table-days compacted for queries")
        if self.errors:
            parts.append(f"{len(self.errors)} FAILED")
        return "; ".join(parts)


def ingest(paths: Iterable[str | os.PathLike], lake: str | os.PathLike, *,
           jobs: int | None = None, scheduler: Any = None,
           progress: bool = False) -> Report:
    """Ingest every source under ``paths`` into the lake folder ``lake``.

    Args:
        paths: files and folders, searched recursively.
        lake: the lake folder (created when missing).
        jobs: worker processes (default: the CPUs); 1 parses in this process.
        scheduler: a Dask scheduler address (``"tcp://10.0.0.5:8786"``) or a
            ``distributed.Client``: parse on that cluster; its workers must see the same
            paths.
        progress: show a progress bar (tqdm) on standard error.
    """
    started = time.perf_counter()
    store = Lake(lake)
    store.root.mkdir(parents=True, exist_ok=True)
    report = Report()
    skipped = Skipped()
    found = list(sources(paths, exclude=[store.root], skipped=skipped))
    report.passed_over = skipped.counts
    done = store.ingested()
    todo: list[Source] = []
    seen: set[str] = set()
    for source in found:
        if source.digest in done:
            report.already += 1
        elif source.digest in seen:
            report.duplicates += 1
        else:
            seen.add(source.digest)
            todo.append(source)
    bar = _progress_bar(len(todo), progress)
    days: set[tuple[str, str]] = set()
    try:
        for parsed in _parse_all(todo, jobs=jobs, scheduler=scheduler):
            _store(store, parsed, report)
            days.update(_days(parsed))
            bar(parsed)
    finally:
        bar(None)
    report.compacted = compact_days(store, days)
    report.seconds = time.perf_counter() - started
    return report


def _days(parsed: Parsed) -> set[tuple[str, str]]:
    """The (table, day) pairs ``parsed`` wrote to."""
    import pyarrow.compute as pc

    return {(name, day) for name, rows in parsed.tables.items()
            for day in pc.unique(rows["day"]).to_pylist()}


def _store(store: Lake, parsed: Parsed, report: Report) -> None:
    source = parsed.source
    entry: dict[str, Any] = {
        "sha256": source.digest, "source": source.label, "kind": source.kind,
        "tool": source.tool, "host": parsed.host,
        "ingested_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "warnings": parsed.warning_count, "first_warnings": parsed.warnings,
    }
    if parsed.error is not None:
        report.errors.append((source.label, parsed.error))
        store.record({**entry, "status": "error", "error": parsed.error, "rows": 0,
                      "tables": {}})
        return
    for name, rows in parsed.tables.items():
        store.write(name, rows, source.digest)
        report.tables.add(name)
    report.files += 1
    report.rows += parsed.rows
    report.warnings += parsed.warning_count
    store.record({**entry, "status": "ok", "rows": parsed.rows,
                  "tables": {name: rows.num_rows for name, rows in parsed.tables.items()}})


def _parse_all(todo: list[Source], *, jobs: int | None,
               scheduler: Any) -> Iterator[Parsed]:
    if not todo:
        return
    if scheduler is not None:
        yield from _on_dask(todo, scheduler)
        return
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(todo) == 1:
        for source in todo:
            yield parse_source(source)
        return
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
        yield from _windowed(todo, lambda s: pool.submit(parse_source, s), 2 * jobs)


def _windowed(todo: list[Source], submit: Callable[[Source], Future],
              window: int) -> Iterator[Parsed]:
    """Results as they finish, never more than ``window`` sources in flight."""
    pending: set[Future] = set()
    queue = iter(todo)
    for source in queue:
        pending.add(submit(source))
        if len(pending) >= window:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield future.result()
    while pending:
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            yield future.result()


def _on_dask(todo: list[Source], scheduler: Any) -> Iterator[Parsed]:
    from distributed import Client, as_completed

    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        window = 2 * max(1, sum(client.nthreads().values()))
        queue = iter(todo)
        running = as_completed([client.submit(parse_source, s, pure=False)
                                for s in _take(queue, window)])
        for future in running:
            yield future.result()
            future.release()
            for source in _take(queue, 1):
                running.add(client.submit(parse_source, source, pure=False))
    finally:
        if client is not scheduler:
            client.close()


def _take(queue: Iterator[Source], count: int) -> list[Source]:
    out = []
    for source in queue:
        out.append(source)
        if len(out) >= count:
            break
    return out


def _progress_bar(total: int, show: bool) -> Callable[[Parsed | None], None]:
    """A callable that advances a tqdm bar by one parsed source (None closes it)."""
    if not show or total == 0:
        return lambda parsed: None
    from tqdm import tqdm

    bar = tqdm(total=total, unit="file", file=sys.stderr, dynamic_ncols=True)
    rows = [0]

    def step(parsed: Parsed | None) -> None:
        if parsed is None:
            bar.close()
            return
        rows[0] += parsed.rows
        bar.set_postfix_str(f"{rows[0]} rows", refresh=False)
        bar.update(1)

    return step


def describe_errors(report: Report) -> list[str]:
    """One line per source that failed, for the terminal."""
    return [f"{source}: {error}" for source, error in report.errors]
