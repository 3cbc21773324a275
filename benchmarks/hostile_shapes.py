"""Time and peak memory of every parser on hostile shapes at full size.

    python benchmarks/hostile_shapes.py [--tools vmstat,sar] [--shapes long-line] [--scale 1]

The shapes are those a damaged or hostile log takes, built from one real recording per
parser (tests/fixtures):

* ``long-line``: a line of 10 MB (no newline in it) inserted after the first third;
* ``junk-lines``: a million lines of junk (``some junk here``) inserted there;
* ``repeated-body``: the recording repeated to 50 MB (a long capture appended to itself).

Each is parsed at half its size and at full size (CPU time, ``time.process_time``), and once
more at full size under tracemalloc for the peak memory. It prints, for every parser and
shape: the time at full size, the ratio of full to half (about 2 when the time is linear; a
quadratic step gives 4), the peak memory, and the peak as a multiple of the input's size
(bounded: a parser that holds a few copies of its input stays under 10). ``--scale 0.1``
runs everything at a tenth of the size. It prints figures and asserts nothing; the test that
fails on a quadratic step is tests/parsers/test_hostile.py, on smaller inputs.

>>> text = "header\\nrow 1\\nrow 2\\n"
>>> long_line(text, 5)
'header\\nxxxxx\\nrow 1\\nrow 2\\n'
>>> junk_lines(text, 2)
'header\\nsome junk here\\nsome junk here\\nrow 1\\nrow 2\\n'
>>> len(repeated_body(text, 100)) >= 100
True
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

import perfkit

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

#: one real text recording per parser
SAMPLES = {
    "bpftrace": "bpftrace/interval.txt", "bcc": "bcc/runqlat-m.txt",
    "iostat": "iostat/x.C.txt", "pidstat": "pidstat/u.C.txt", "mpstat": "mpstat/P-ALL.C.txt",
    "sar": "sar/n-DEV.C.txt", "vmstat": "vmstat/t.C.txt", "free": "free/s1-c3.C.txt",
    "top": "top/b-n3.C.txt", "uptime": "uptime/loop.C.txt",
    "journalctl": "journalctl/short-iso-grep.C.txt", "dmesg": "dmesg/since-T.C.txt",
}
JUNK = "some junk here\n"


def _split(text: str) -> tuple[str, str]:
    """The text cut after its first third of lines (so inserts land inside the body)."""
    lines = text.splitlines(keepends=True)
    cut = max(1, len(lines) // 3)
    return "".join(lines[:cut]), "".join(lines[cut:])


def long_line(text: str, size: int) -> str:
    """``text`` with a line of ``size`` characters inserted after its first third."""
    head, tail = _split(text)
    return head + "x" * size + "\n" + tail


def junk_lines(text: str, count: int) -> str:
    """``text`` with ``count`` junk lines inserted after its first third."""
    head, tail = _split(text)
    return head + JUNK * count + tail


def repeated_body(text: str, size: int) -> str:
    """``text`` repeated until it holds at least ``size`` characters."""
    return text * max(1, -(-size // len(text)))


#: shape -> (builder, its full size: characters, or lines for junk-lines)
SHAPES: dict[str, tuple[Callable[[str, int], str], int]] = {
    "long-line": (long_line, 10_000_000),
    "junk-lines": (junk_lines, 1_000_000),
    "repeated-body": (repeated_body, 50_000_000),
}


def parse_quietly(text: str, tool: str) -> None:
    """perfkit.parse, its warnings and a ParseError (a refusal is an answer) set aside."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            perfkit.parse(text, tool)
        except perfkit.ParseError:
            pass


def cpu_seconds(text: str, tool: str) -> float:
    gc.collect()
    start = time.process_time()
    parse_quietly(text, tool)
    return time.process_time() - start


def peak_bytes(text: str, tool: str) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        parse_quietly(text, tool)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def run(tools: list[str], shapes: list[str], scale: float) -> None:
    print(f"{'tool':10} {'shape':14} {'input':>9} {'time':>8} {'x2 ratio':>8} "
          f"{'peak':>10} {'peak/input':>10}")
    for tool in tools:
        base = (FIXTURES / SAMPLES[tool]).read_text(encoding="utf-8")
        for shape in shapes:
            make, full = SHAPES[shape]
            size = max(1, int(full * scale))
            half_text, full_text = make(base, size // 2), make(base, size)
            half, whole = cpu_seconds(half_text, tool), cpu_seconds(full_text, tool)
            peak = peak_bytes(full_text, tool)
            mib, ratio = len(full_text) / 2**20, whole / max(half, 1e-3)
            print(f"{tool:10} {shape:14} {mib:7.1f} MB {whole:7.2f}s {ratio:8.2f} "
                  f"{peak / 2**20:7.1f} MiB {peak / len(full_text):10.2f}", flush=True)
            del half_text, full_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tools", default=",".join(SAMPLES),
                        help="comma-separated parsers (default: all)")
    parser.add_argument("--shapes", default=",".join(SHAPES),
                        help="comma-separated shapes (default: all three)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the full sizes (default 1: 10 MB, 1M lines, 50 MB)")
    args = parser.parse_args()
    run(args.tools.split(","), args.shapes.split(","), args.scale)


if __name__ == "__main__":
    main()
