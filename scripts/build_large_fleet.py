"""Build a large fleet for benchmarks from the real recordings in data/fleet.

    python scripts/build_large_fleet.py OUT [--hosts 1000] [--step 600] [--day 2026-12-01]

Each of the shipped sa files is rendered once by ``sadf -d`` (the activities the fleet's
rules and the benchmark query read: ``-u ALL -P ALL -q -d -W -r -n DEV,TCP,ETCP``). Host
``host-0001`` ... gets one day of samples ``--step`` seconds apart: its samples are the
rows of one recording (chosen in turn), taken in order from a different starting sample
for each host and repeated as needed, with the host field replaced by the new name and
the timestamp by the new time (the day's midnight plus the sample's place times the step,
plus a per-host offset of a few seconds). Every number is one sadc recorded; only names
and times are changed, and the ``interval`` field keeps the recorded interval (the rates
are per second over that interval).

The output, one ``sadf -d`` text file per host (OUT/host-0001.csv ...), is generated, not
a recording: write it to a temporary or ignored folder (``benchmarks/out/`` is ignored by
git), never into data/ or tests/fixtures/.

>>> stamp(pd.Timestamp("2026-12-01"), 2, 600, 7)
'2026-12-01 00:20:07 UTC'
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
FLEET = ROOT / "data" / "fleet"
ACTIVITIES = ["-u", "ALL", "-P", "ALL", "-q", "-d", "-W", "-r", "-n", "DEV,TCP,ETCP"]


def stamp(day: pd.Timestamp, place: int, step: int, offset: int) -> str:
    """The timestamp of sample ``place`` of a host, as sadf -d writes it."""
    return f"{day + pd.Timedelta(seconds=place * step + offset):%Y-%m-%d %H:%M:%S} UTC"


def recording(path: Path) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """A recording as sections: (header, [(timestamp, rows of that sample)])."""
    out = subprocess.run(["sadf", "-d", str(path), "--", *ACTIVITIES], capture_output=True,
                         text=True, check=True, env={"LC_ALL": "C", "PATH": "/usr/bin:/bin",
                                                     "TZ": "UTC"}).stdout
    sections: list[tuple[str, list[tuple[str, list[str]]]]] = []
    for line in out.splitlines():
        if line.startswith("#"):
            sections.append((line, []))
            continue
        if not line or not sections:
            continue
        _, _, timestamp, rest = line.split(";", 3)
        samples = sections[-1][1]
        if not samples or samples[-1][0] != timestamp:
            samples.append((timestamp, []))
        samples[-1][1].append(rest)
    return sections


def write_host(out: Path, name: str, sections, day: pd.Timestamp, samples: int, step: int,
               start: int, offset: int, interval: str) -> int:
    """One host's day as sadf -d text; returns the rows written."""
    rows = 0
    with (out / f"{name}.csv").open("w", encoding="utf-8") as handle:
        for header, recorded in sections:
            if not recorded:
                continue
            handle.write(header + "\n")
            for place in range(samples):
                _, lines = recorded[(start + place) % len(recorded)]
                when = stamp(day, place, step, offset)
                prefix = f"{name};{interval};{when};"
                handle.writelines(prefix + line + "\n" for line in lines)
                rows += len(lines)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write (emptied first)")
    parser.add_argument("--hosts", type=int, default=1000)
    parser.add_argument("--step", type=int, default=600, help="seconds between samples")
    parser.add_argument("--day", default="2026-12-01")
    args = parser.parse_args(argv)
    if shutil.which("sadf") is None:
        print("needs sadf (apt-get install sysstat)", file=sys.stderr)
        return 2
    recordings = sorted(FLEET.glob("*.sa"))
    sources = [recording(p) for p in recordings]
    intervals = [_interval(p) for p in recordings]
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    day = pd.Timestamp(args.day)
    samples = 86400 // args.step
    total = 0
    used = defaultdict(int)
    for number in range(1, args.hosts + 1):
        which = (number - 1) % len(sources)
        used[recordings[which].name] += 1
        total += write_host(args.out, f"host-{number:04d}", sources[which], day, samples,
                            args.step, start=number * 7, offset=number % 60,
                            interval=intervals[which])
    print(f"{args.hosts} hosts x {samples} samples, {total} rows in {args.out} "
          f"(from {len(recordings)} recordings)")
    return 0


def _interval(path: Path) -> str:
    out = subprocess.run(["sadf", "-d", str(path), "--", "-q"], capture_output=True,
                         text=True, check=True, env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"}
                         ).stdout.splitlines()
    return out[1].split(";")[1]


if __name__ == "__main__":
    sys.exit(main())
