"""Fleet benchmarks: ingest throughput, a DuckDB query over a large fleet, ingest memory.

    python benchmarks/fleet.py [--hosts 1000] [--jobs 2] [--keep] [--runs 7]
    python benchmarks/fleet.py --lake LAKE [--runs 7]     # part 3 only, on a built lake

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
   hour" (target: under a second on 2 cores), median and best of ``--runs``, cold (a new
   ``perfkit.lake.connect`` each run) and warm (one connection), beside the same answer
   computed by pandas from the same Parquet files (read by pyarrow, then in memory only).

It prints the figures, with the load average beside the query's; it asserts nothing. The
machine these run on is shared: run it twice and quote the range.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
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


def large_fleet(hosts: int, jobs: int, keep: bool, runs: int) -> None:
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
    query(lake, runs)
    if not keep:
        shutil.rmtree(lake)
        shutil.rmtree(source)


def query(lake: Path, runs: int = 7) -> None:
    """The query, cold (a new connection each run: views made, files opened afresh) and
    warm (one connection, run once before timing), median and best of ``runs``; beside
    it, the same answer computed by pandas from the same Parquet files."""
    from perfkit import lake as fleet
    from perfkit.lake.store import Lake

    if Lake(lake).schema("sar_cpu") is None:  # a kept lake from before schemas were recorded
        Lake(lake).refresh_schemas()

    def cold() -> pd.DataFrame:
        return fleet.connect(lake).sql(QUERY).df()

    con = fleet.connect(lake)
    result = con.sql(QUERY).df()
    cold_s = [timed(cold)[0] for _ in range(runs)]
    warm_s = [timed(lambda: con.sql(QUERY).df())[0] for _ in range(runs)]
    rows = con.execute("SELECT count(*) FROM sar_cpu").fetchone()[0]
    files = len(list(Lake(lake).files("sar_cpu")))
    print(f"3. top 10 hosts by p95 %iowait per hour over {rows} sar_cpu rows ({files} part "
          f"files; {len(result)} result rows, {result['hour'].nunique()} hours), "
          f"{runs} runs each, {os.cpu_count()} CPUs, load average {_load()}")
    print(f"   {'':34}{'median':>8}{'best':>8}")
    _line("DuckDB, cold (new connection)", cold_s)
    _line("DuckDB, warm (same connection)", warm_s)
    frames: list[pd.DataFrame] = []
    read_s = [timed(lambda: frames.append(_pandas_read(lake)))[0] for _ in range(runs)]
    answer = _pandas_query(frames[-1])
    compute_s = [timed(_pandas_query, frames[-1])[0] for _ in range(runs)]
    _line("pandas, read + compute", [r + c for r, c in zip(read_s, compute_s, strict=True)])
    _line("pandas, compute only (in memory)", compute_s)
    same = _rows(answer) == _rows(result)
    print(f"   DuckDB and pandas give the same hosts and values: {'yes' if same else 'NO'}"
          f"; load average after: {_load()}")


def _rows(frame: pd.DataFrame) -> list[tuple[pd.Timestamp, str, float]]:
    return [(pd.Timestamp(hour), str(host), round(float(p95), 9))
            for hour, host, p95 in frame[["hour", "host", "p95"]].itertuples(index=False)]


def _line(label: str, seconds: list[float]) -> None:
    print(f"   {label:34}{statistics.median(seconds):8.3f}{min(seconds):8.3f}  s")


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _pandas_read(lake: Path) -> pd.DataFrame:
    """sar_cpu's all-CPU rows, the columns the query needs, read by pyarrow."""
    import pyarrow.dataset as ds

    data = ds.dataset(lake / "sar_cpu", format="parquet", partitioning="hive")
    table = data.to_table(columns=["host", "time", "%iowait"],
                          filter=ds.field("CPU") == "all")
    return table.to_pandas()


def _pandas_query(frame: pd.DataFrame) -> pd.DataFrame:
    hourly = (frame.assign(hour=frame["time"].dt.floor("h"))
              .groupby(["hour", "host"], observed=True)["%iowait"].quantile(0.95)
              .rename("p95").reset_index())
    hourly["host"] = hourly["host"].astype(str)
    top = hourly.sort_values(["hour", "p95", "host"], ascending=[True, False, True])
    return top.groupby("hour").head(10).reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", action="store_true",
                        help="keep (and reuse) the large fleet and its lake in benchmarks/out")
    parser.add_argument("--skip-small", action="store_true", help="skip part 1")
    parser.add_argument("--small-only", action="store_true", help="part 1 only")
    parser.add_argument("--lake", type=Path, default=None, metavar="DIR",
                        help="part 3 only, on this lake (built by perfkit ingest of a fleet "
                             "from scripts/build_large_fleet.py)")
    parser.add_argument("--runs", type=int, default=7, help="query runs (median and best)")
    args = parser.parse_args(argv)
    if args.lake is not None:
        query(args.lake, args.runs)
        return 0
    if shutil.which("sadf") is None:
        print("needs sadf (apt-get install sysstat)", file=sys.stderr)
        return 2
    if not args.skip_small:
        ingest_throughput(args.jobs)
    if not args.small_only:
        large_fleet(args.hosts, args.jobs, args.keep, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
