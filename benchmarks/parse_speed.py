"""Parse throughput and peak memory on large logs built from real recordings.

    python benchmarks/parse_speed.py [--lines 1000000] [--jc-lines 200000]

For each of pidstat, mpstat -P ALL, sar -A, vmstat -t and iostat -x, the sample blocks of a
real recording from tests/fixtures are repeated until the text has at least ``--lines`` lines,
their times advancing by the interval and crossing midnight as a day-long run's do (see
benchmarks/day_long.py: a benchmark input, not a fixture). Then it times:

* perfkit.parse on the whole text;
* jc's parser for the same tool (jc has all but sar) on the first
  ``--jc-lines`` lines, scaled to the whole text (jc is far too slow to wait for a million);
* pandas.read_csv on the same rows written as CSV (the floor: the C reader with no
  recognising of lines at all);

and measures perfkit's peak memory with tracemalloc against the size of the frames it returns.
Every timing is CPU time (``time.process_time``: all threads of the process, so a busy shared
machine does not inflate it), the best of ``--repeat`` runs (5 by default), perfkit and
read_csv taken in turns.
Targets: at least 10x faster than jc; at most 3x (aim 2x) the read_csv time; peak memory at
most 3x the final frames. It prints the figures, then the ratios side by side in one table;
it asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import io
import time
import tracemalloc
import warnings
from pathlib import Path

import pandas as pd
from day_long import long_run  # benchmarks/ is on the path when run as a script

import perfkit

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
#: (tool, glob of a C-locale recording, jc parser module or None)
CASES = [
    ("pidstat", "pidstat/h-urd.C.txt", "jc.parsers.pidstat"),
    ("mpstat", "mpstat/P-ALL.C.txt", "jc.parsers.mpstat"),
    ("sar", "sar/A.C.txt", None),
    ("vmstat", "vmstat/t.C.txt", "jc.parsers.vmstat"),
    ("iostat", "iostat/x.C.txt", "jc.parsers.iostat"),
]
#: (tool, perfkit/read_csv, jc/perfkit, peak memory/frames) of each case, for the table
RATIOS: list[tuple[str, float, float | None, float]] = []


def frames_of(result) -> list[pd.DataFrame]:
    return [result] if isinstance(result, pd.DataFrame) else list(result.values())


#: How many times each timing is taken; the best (shortest) run counts.
REPEAT = 5


def timed(func, *args):
    """The shortest of ``REPEAT`` runs of ``func(*args)``, and the last run's value."""
    best = float("inf")
    value = None
    for _ in range(REPEAT):
        value = None  # let the previous result go before the next run
        gc.collect()
        start = time.process_time()
        value = func(*args)
        best = min(best, time.process_time() - start)
    return best, value


def timed_in_turns(*funcs) -> list[float]:
    """The shortest of ``REPEAT`` runs of each function, the functions run in turns."""
    best = [float("inf")] * len(funcs)
    for _ in range(REPEAT):
        for index, func in enumerate(funcs):
            gc.collect()
            start = time.process_time()
            func()
            best[index] = min(best[index], time.process_time() - start)
    return best


def run_case(tool: str, pattern: str, jc_module: str | None, lines: int, jc_lines: int) -> None:
    matches = sorted(FIXTURES.glob(pattern))
    if not matches:
        print(f"{tool:8} no recording matches tests/fixtures/{pattern}; skipped")
        return
    source = matches[0]
    big = long_run(source.read_text(), lines)
    n_lines = big.count("\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = perfkit.parse(big, tool)
    frames = frames_of(result)
    rows = sum(len(f) for f in frames)
    final_bytes = sum(int(f.memory_usage(deep=True).sum()) for f in frames)
    csvs = [f.to_csv(index=False) for f in frames]
    del result, frames

    def parse() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            perfkit.parse(big, tool)

    def read_csvs() -> None:
        for text in csvs:
            pd.read_csv(io.StringIO(text))

    # taken in turns, so that a slow spell of a shared machine weighs on both sides
    seconds, csv_seconds = timed_in_turns(parse, read_csvs)

    tracemalloc.start()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = perfkit.parse(big, tool)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del again

    jc_text = ""
    jc_ratio = None
    if jc_module:
        import importlib

        module = importlib.import_module(jc_module)
        head = "\n".join(big.split("\n")[:jc_lines]) + "\n"
        spent, _ = timed(lambda: module.parse(head, quiet=True))
        jc_seconds = spent * n_lines / max(1, head.count("\n"))
        jc_ratio = jc_seconds / seconds
        jc_text = (f"jc {jc_seconds:7.2f} s (measured on {head.count(chr(10)):,} lines, scaled)"
                   f"  perfkit is {jc_seconds / seconds:5.1f}x faster (target >= 10)")
    else:
        jc_text = "jc has no parser for this tool"
    print(f"{tool:8} {n_lines:>10,} lines from {source.name}: perfkit {seconds:6.2f} s "
          f"({n_lines / seconds / 1e6:.2f} M lines/s, {rows:,} rows); "
          f"read_csv on the same rows {csv_seconds:6.2f} s -> ratio {seconds / csv_seconds:4.2f} "
          f"(target <= 3, aim 2)")
    print(f"{'':8} peak memory {peak / 2**20:7.1f} MiB vs final frames "
          f"{final_bytes / 2**20:7.1f} MiB -> ratio {peak / final_bytes:4.2f} (target <= 3)")
    print(f"{'':8} {jc_text}")
    print(f"{'':8} (times: best of {REPEAT} runs each)")
    RATIOS.append((tool, seconds / csv_seconds, jc_ratio, peak / final_bytes))


def print_ratios() -> None:
    print("\ntool      perfkit/read_csv (<= 3)  jc/perfkit (>= 10)  peak/frames (<= 3)")
    for tool, csv_ratio, jc_ratio, memory in RATIOS:
        jc_shown = f"{jc_ratio:18.1f}" if jc_ratio is not None else f"{'no jc parser':>18}"
        print(f"{tool:8} {csv_ratio:24.2f} {jc_shown}  {memory:18.2f}")


def main() -> None:
    global REPEAT
    args = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    args.add_argument("--lines", type=int, default=1_000_000)
    args.add_argument("--jc-lines", type=int, default=200_000)
    args.add_argument("--repeat", type=int, default=REPEAT,
                      help="runs per timing; the best counts (default %(default)s)")
    args.add_argument("--tools", default=",".join(case[0] for case in CASES),
                      help="comma-separated tools to measure (default: %(default)s)")
    opts = args.parse_args()
    REPEAT = max(1, opts.repeat)
    for tool, pattern, jc_module in CASES:
        if tool in opts.tools.split(","):
            run_case(tool, pattern, jc_module, opts.lines, opts.jc_lines)
    print_ratios()


if __name__ == "__main__":
    main()
