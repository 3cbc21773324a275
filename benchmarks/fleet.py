"""Fleet benchmarks: ingest throughput, a DuckDB query over a large fleet, ingest memory.

    python benchmarks/fleet.py [--hosts 1000] [--jobs 2] [--keep]

1. Ingest throughput on the shipped fleet (data/fleet, real sa files): ``perfkit ingest``
   (every activity, through ``sadf -j``, written as Parquet) against ``sadf -d -- -A`` and
   ``pandas.read_csv`` of each of its sections (the same tables, in memory, not written),
   both in files/s and rows/s, one process each, then perfkit with ``--jobs``.
2. A large fleet built by ``scripts/build_large_fleet.py`` (default 1,000 hosts x one day
   at 10-minute intervals, sadf -d text made from the recordings) in ``benchmarks/out/``
   (ignored by git): its ingest's wall time, rows/s and peak memory (the resident memory of
   the ingest and its workers, summed, sampled every 50 ms), against ``pandas.read_csv`` of
   the same files.
3. DuckDB on that lake: "the 10 hosts with the highest 95th-percentile ``%iowait`` per
   hour", best of 5 (target: under a second on 2 cores).

It prints the figures; it asserts nothing. The machine these run on is shared: run it
twice and quote the range.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parent.parent
FLEET = ROOT / "data" / "fleet"
OUT = ROOT / "benchmarks" / "out"
QUERY = """
WITH hourly AS (
    SELECT host, time_bucket(INTERVAL '1 hour', time) AS hour,
           quantile_cont("%iowait", 0.95) AS p95
    FROM sar_cpu WHERE "CPU" = 'all' GROUP BY ALL)
SELECT hour, host, p95 FROM hourly
QUALIFY row_number() OVER (PARTITION BY hour ORDER BY p95 DESC, host) <= 10
ORDER BY hour, p95 DESC, host
"""


def sadf_read_csv(path: Path) -> int:
    """The baseline: sadf -d of every activity, each section read by pandas; rows read."""
    text = subprocess.run(["sadf", "-d", str(path), "--", "-A"], capture_output=True,
                          text=True, check=True,
                          env={"LC_ALL": "C", "PATH": os.environ["PATH"]}).stdout
    return read_sections(text)


def read_sections(text: str) -> int:
    rows = 0
    for section in text.split("# ")[1:]:
        frame = pd.read_csv(io.StringIO(section), sep=";")
        rows += len(frame)
    return rows


def timed(function, *args) -> tuple[float, object]:
    start = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - start, value


def ingest_throughput(jobs: int) -> None:
    files = sorted(FLEET.glob("*.sa"))
    print(f"1. ingest throughput, shipped fleet: {len(files)} sa files, "
          f"{sum(p.stat().st_size for p in files) / 2**20:.1f} MiB")
    base_s, base_rows = timed(lambda: sum(sadf_read_csv(p) for p in files))
    print(f"   sadf -d + pandas.read_csv:   {base_s:6.2f} s  {len(files) / base_s:6.2f} files/s"
          f"  {base_rows / base_s:9.0f} rows/s  ({base_rows} rows)")
    for count in sorted({1, jobs}):
        with tempfile.TemporaryDirectory() as folder:
            done = run_ingest([str(FLEET)], Path(folder) / "lake", count)
        print(f"   perfkit ingest --jobs {count}:    {done['seconds']:6.2f} s  "
              f"{len(files) / done['seconds']:6.2f} files/s  "
              f"{done['rows'] / done['seconds']:9.0f} rows/s  ({done['rows']} rows, "
              f"peak memory {done['peak'] / 2**20:.0f} MiB)")


def run_ingest(sources: list[str], lake: Path, jobs: int) -> dict[str, float]:
    """``perfkit ingest`` in a child process; wall time, rows and the peak of the summed
    resident memory of it and its workers."""
    command = [sys.executable, "-m", "perfkit", "ingest", *sources, "--into", str(lake),
               "--jobs", str(jobs), "--quiet"]
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    process = psutil.Process(child.pid)
    peak = 0
    while child.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    out = child.stdout.read() if child.stdout else ""
    rows = int(out.split(" rows")[0].rsplit(" ", 1)[-1]) if " rows" in out else 0
    print("   " + out.strip())
    return {"seconds": seconds, "rows": rows, "peak": peak}


def large_fleet(hosts: int, jobs: int, keep: bool) -> None:
    source = OUT / f"fleet-{hosts}"
    lake = OUT / f"lake-{hosts}"
    if not source.is_dir() or not keep:
        subprocess.run([sys.executable, str(ROOT / "scripts" / "build_large_fleet.py"),
                        str(source), "--hosts", str(hosts)], check=True)
    files = sorted(source.glob("*.csv"))
    size = sum(p.stat().st_size for p in files)
    print(f"2. large fleet: {len(files)} files, {size / 2**20:.0f} MiB of sadf -d text")
    base_s, base_rows = timed(lambda: sum(read_sections(p.read_text()) for p in files))
    print(f"   pandas.read_csv of the sections: {base_s:6.1f} s  "
          f"{base_rows / base_s:9.0f} rows/s")
    if lake.exists():
        shutil.rmtree(lake)
    done = run_ingest([str(source)], lake, jobs)
    print(f"   perfkit ingest --jobs {jobs}: {done['seconds']:6.1f} s  "
          f"{len(files) / done['seconds']:6.1f} files/s  "
          f"{done['rows'] / done['seconds']:9.0f} rows/s  "
          f"peak memory {done['peak'] / 2**20:.0f} MiB (ingest and workers)")
    query(lake)
    if not keep:
        shutil.rmtree(lake)
        shutil.rmtree(source)


def query(lake: Path) -> None:
    from perfkit import lake as fleet
    from perfkit.lake.store import Lake

    if Lake(lake).schema("sar_cpu") is None:  # a kept lake from before schemas were recorded
        Lake(lake).refresh_schemas()
    con = fleet.connect(lake)
    times = []
    for _ in range(5):
        seconds, result = timed(lambda: con.sql(QUERY).df())
        times.append(seconds)
    rows = con.execute("SELECT count(*) FROM sar_cpu").fetchone()[0]
    files = len(list((lake / "sar_cpu").rglob("*.parquet")))
    print(f"3. DuckDB, top 10 hosts by p95 %iowait per hour over {rows} sar_cpu rows "
          f"({files} files): best {min(times):.3f} s, worst {max(times):.3f} s of 5 "
          f"({len(result)} rows, {result['hour'].nunique()} hours)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", action="store_true",
                        help="keep (and reuse) the large fleet and its lake in benchmarks/out")
    parser.add_argument("--skip-small", action="store_true", help="skip part 1")
    parser.add_argument("--small-only", action="store_true", help="part 1 only")
    args = parser.parse_args(argv)
    if shutil.which("sadf") is None:
        print("needs sadf (apt-get install sysstat)", file=sys.stderr)
        return 2
    if not args.skip_small:
        ingest_throughput(args.jobs)
    if not args.small_only:
        large_fleet(args.hosts, args.jobs, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
