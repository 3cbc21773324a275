"""Write data/fleet/README.md from the recordings themselves.

    python scripts/fleet_readme.py [--data DIR] [--check]

Every figure the README gives about the data (times, run queues, disk and swap figures) is
computed here from sadf's own rows (``sadf -d FILE -- ACTIVITY`` in the C locale, UTC) and
from PROVENANCE.tsv, never typed by hand, so re-recording the fleet cannot leave them stale.
The ground-truth table is the exception: it states what the loads make
``perfkit checklist --lake LAKE --by minute`` find, and tests/lake/test_lake_fleet_truth.py
checks it against the checklist (a re-recording that moves the phases fails there).

``--check`` exits 1 when the README on disk differs from what the data gives (a test runs
it), instead of writing it. Needs sysstat's ``sadf``.

>>> rows = sadf(Path("data/fleet/web-3-cpu.sa"), "-q")          # doctest: +SKIP
>>> rows[0]["runq-sz"]                                           # doctest: +SKIP
'4'
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import subprocess
import sys
import textwrap
from collections import defaultdict
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "fleet"
#: The script's pause between starting a phase's load and starting its sadc (record_fleet.sh).
LEAD = 2

#: The ground truth: what `perfkit checklist --lake LAKE --by minute` finds, per host and
#: resource (worst severity, first and last one-minute window), "-" for nothing. Written from
#: the loads and the phases' times; the truth test checks it against the checklist.
TRUTH = [
    ("web-1", "quiet phase", "-", "-", "-"),
    ("web-2", "quiet phase", "-", "-", "-"),
    ("web-3", "cpu phase", "critical 15:17-15:19", "warning 15:19-15:19", "-"),
    ("web-4", "cpu phase", "critical 15:17-15:19", "warning 15:19-15:19", "-"),
    ("db-1", "io phase", "-", "critical 15:19-15:21", "-"),
    ("db-2", "io phase", "-", "critical 15:19-15:21", "-"),
    ("cache-1", "memory phase", "-", "warning 15:21-15:23", "critical 15:21-15:23"),
    ("mon-1", "cpu, io, memory phases in turn", "warning 15:17-15:18", "critical 15:19-15:23",
     "critical 15:21-15:23"),
]


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A Markdown table, the first cell of each row a host or phase name."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


@cache
def sadf(path: Path, *activity: str) -> list[dict[str, str]]:
    """sadf -d's rows of one sa file for the given activity flags, as dicts."""
    out = subprocess.run(["sadf", "-d", str(path), "--", *activity], capture_output=True,
                         text=True, check=True,
                         env={"LC_ALL": "C", "TZ": "UTC", "PATH": "/usr/bin:/bin"}).stdout
    return list(csv.DictReader(io.StringIO(out.lstrip("# ")), delimiter=";"))


def cpu_all(path: Path) -> list[dict[str, str]]:
    """sadf -u ALL's rows for all CPUs together."""
    return [r for r in sadf(path, "-u", "ALL") if r["CPU"] == "-1"]


def disk(path: Path, device: str = "vda") -> list[dict[str, str]]:
    return [r for r in sadf(path, "-d") if r["DEV"] == device]


def median(rows: list[dict[str, str]], column: str) -> float:
    return statistics.median(float(r[column]) for r in rows)


def busy(rows: list[dict[str, str]]) -> float:
    """Median busy share of all CPUs: 100 - %idle - %iowait."""
    return statistics.median(100 - float(r["%idle"]) - float(r["%iowait"]) for r in rows)


def per_minute(rows: list[dict[str, str]], column: str) -> list[float]:
    """Medians of a column per one-minute window (the checklist's --by minute), in order."""
    by_minute: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        by_minute[row["timestamp"][:16]].append(float(row[column]))
    return [statistics.median(values) for values in by_minute.values()]


def hhmmss(row: dict[str, str]) -> str:
    return row["timestamp"][11:19]


def fmt(value: float, digits: int = 1) -> str:
    """A figure as the README prints it: ``digits`` decimals (negative: rounded to tens,
    hundreds...), thousands separated, no trailing zeros.

    >>> fmt(16_512.3, -2), fmt(2.50, 2), fmt(97.0)
    ('16,500', '2.5', '97')
    """
    if digits < 0:
        value, digits = round(value, digits), 0
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def span(values: list[float], digits: int = 1) -> str:
    """'a to b' (or 'a' when both round alike)."""
    low, high = fmt(min(values), digits), fmt(max(values), digits)
    return low if low == high else f"{low} to {high}"


def swapping(path: Path) -> list[dict[str, str]]:
    return [r for r in sadf(path, "-W")
            if float(r["pswpin/s"]) > 0 or float(r["pswpout/s"]) > 0]


def provenance(data: Path) -> dict[str, dict[str, str]]:
    with open(data / "PROVENANCE.tsv", newline="", encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}


def samples(path: Path) -> str:
    rows = cpu_all(path)
    return f"{hhmmss(rows[0])} to {hhmmss(rows[-1])} ({len(rows)} samples)"


def render(data: Path) -> str:
    prov = provenance(data)
    f = {name.split("-")[0] + "-" + name.split("-")[1]: data / name for name in prov}
    first = next(iter(prov.values()))
    day = first["recorded_utc"][:10]
    kernel = first["kernel"].split("-")[0]
    web3, db1, cache1, mon1, web1 = f["web-3"], f["db-1"], f["cache-1"], f["mon-1"], f["web-1"]
    cpus = len({r["CPU"] for r in sadf(web3, "-u", "ALL", "-P", "ALL")} - {"-1"})

    def started(name: str) -> str:
        return prov[name]["recorded_utc"][11:19]

    # cpu phase
    web_queue = [median(sadf(f[h], "-q"), "runq-sz") for h in ("web-3", "web-4")]
    web_busy = [busy(cpu_all(f[h])) for h in ("web-3", "web-4")]
    last_minute = cpu_all(web3)[-1]["timestamp"][:16]
    tail_q = [r for r in sadf(web3, "-q") if r["timestamp"].startswith(last_minute)]
    tail_d = [r for r in disk(web3) if r["timestamp"].startswith(last_minute)]
    writing = [r for r in tail_d if float(r["tps"]) > 0]
    cpu_end = cpu_all(web3)[-1]["timestamp"]
    blips = {h: [r for r in sadf(f[h], "-q") if float(r["runq-sz"]) > 4
                 and not r["timestamp"].startswith(last_minute) and r["timestamp"] <= cpu_end]
             for h in ("web-3", "web-4", "mon-1")}
    # io phase
    db_util = [v for h in ("db-1", "db-2") for v in per_minute(disk(f[h]), "%util")]
    db_queue = [v for h in ("db-1", "db-2") for v in per_minute(disk(f[h]), "aqu-sz")]
    db_await = [median(disk(f[h]), "await") for h in ("db-1", "db-2")]
    db_iowait = [v for h in ("db-1", "db-2") for v in per_minute(cpu_all(f[h]), "%iowait")]
    db_busy = [busy(cpu_all(f[h])) for h in ("db-1", "db-2")]
    # memory phase
    swapped = swapping(cache1)
    pages = [*per_minute(sadf(cache1, "-W"), "pswpin/s"),
             *per_minute(sadf(cache1, "-W"), "pswpout/s")]
    swap_used = max(float(r["kbswpused"]) for r in sadf(cache1, "-S")) / 1024
    cache_util = per_minute(disk(cache1), "%util")
    cache_queue = per_minute(disk(cache1), "aqu-sz")
    cache_iowait = per_minute(cpu_all(cache1), "%iowait")
    mon_swapped = swapping(mon1)
    # quiet phase
    quiet = {h: f[h] for h in ("web-1", "web-2")}
    quiet_idle = [median(cpu_all(p), "%idle") for p in quiet.values()]
    quiet_min_idle = min(float(r["%idle"]) for p in quiet.values() for r in cpu_all(p))
    quiet_queue = max(float(r["runq-sz"]) for p in quiet.values() for r in sadf(p, "-q"))
    quiet_util = max(float(r["%util"]) for p in quiet.values() for r in disk(p))
    quiet_swap = sum(len(swapping(p)) for p in quiet.values())
    truth = [(f"`{row[0]}`", *row[1:]) for row in TRUTH]
    phases = table(("phase", "samples", "hosts", "load added"), [
        ("cpu", samples(web3), "`web-3`, `web-4` (and `mon-1`)",
         f"`stress-ng --cpu 4 --cpu-method matrixprod`: four busy threads on {cpus} CPUs"),
        ("io", samples(db1), "`db-1`, `db-2` (and `mon-1`)",
         "`dd if=/dev/zero of=FILE bs=4k oflag=direct,dsync` and `dd ... bs=1M oflag=direct`"
         " in loops, to a file on the machine's disk (`vda`)"),
        ("memory", samples(cache1), "`cache-1` (and `mon-1`)",
         "a 1 GiB swap file switched on; `stress-ng --vm 1 --vm-bytes 768M --vm-keep` in a"
         " memory cgroup limited to 256 MiB, so it pages to swap"),
        ("quiet", samples(web1), "`web-1`, `web-2`",
         "nothing: the script waited until `mpstat` showed the machine more than 90 % idle"
         " over 5 s"),
    ]).rstrip("\n")
    others = {h: swapping(p) for h, p in f.items() if h not in ("cache-1", "mon-1")}

    text = f"""# A small fleet

Binary sa files of {len(prov)} host names, recorded on {day} by `scripts/record_fleet.sh` on
one {cpus}-CPU virtual machine (kernel {kernel}, {first["tool_version"]}, locale
{first["locale"]}): each host is a `sadc -S XALL 2 N` (every activity, a sample every 2 s)
running in its own UTS namespace (`unshare --uts`, then `hostname web-3`), so each file
carries its own host name. The hosts were recorded in phases while a known load ran, and the
machine was otherwise quiet (but see "What else ran"); hosts recorded in the same phase are
the same machine and see the same load. `PROVENANCE.tsv` lists every file with its command,
start time, kernel, sysstat version, locale and load. `data/fleet-text/` holds the same
files rendered by `sadf -d` (the activities the fleet's findings read: `-u ALL -P ALL -q -d
-W -r -n DEV,TCP,ETCP`), for machines without sysstat, with their own `PROVENANCE.tsv`.
Nothing was removed: the host names are the namespaces' own and sa files hold no addresses.

Read it with `perfkit ingest data/fleet --into LAKE` (or `perfkit.lake.shipped.sources()`),
then `perfkit checklist --lake LAKE --by minute`. Notebook 30 works on it.

This file is written by `scripts/fleet_readme.py`: every figure below is computed from
`PROVENANCE.tsv` and from sadf's own rows (`sadf -d`, medians over a host's samples unless
said otherwise), so a re-recording rewrites it; do not edit it by hand. The ground-truth
table states what the loads make the checklist find, and
`tests/lake/test_lake_fleet_truth.py` checks it against the checklist.

## The phases (UTC)

{phases}

Each phase's load was started {LEAD} s before its hosts' `sadc` (the times in
`PROVENANCE.tsv`: {started("web-3-cpu.sa")}, {started("db-1-io.sa")},
{started("cache-1-memory.sa")}, {started("web-1-quiet.sa")}) and stopped by a timeout a
few seconds after their last sample. `mon-1` was recorded from {samples(mon1)}, through
the cpu, io and memory phases: one host that sees three problems in turn.

## What the data shows

- **cpu** (`web-3`, `web-4`): the CPUs are {span(web_busy)} % busy (100 - `%idle` -
  `%iowait`) with a run queue (`runq-sz`) of {span(web_queue, 0)}: the four stress-ng threads,
  twice the CPUs.
- **io** (`db-1`, `db-2`): `vda` at a `%util` of {span(db_util)} % (per-minute medians)
  with {span(db_queue, 2)} requests queued (`aqu-sz`), each taking {span(db_await, 2)} ms
  (`await`, median) on this fast virtual disk. With nothing else to run, the CPUs spend the
  wait idle, so `%iowait` is {span(db_iowait)} % (per-minute medians) while the CPUs are
  only {span(db_busy)} % busy.
- **memory** (`cache-1`): pages move to or from swap in {len(swapped)} of its
  {len(cpu_all(cache1))} samples, at a per-minute median of {span(pages, -2)} pages/s each
  way (`pswpin/s`, `pswpout/s`), with up to {fmt(swap_used, 0)} MiB of the swap file in use
  (`sar -S`). The swap file is on `vda`: its `%util` is {span(cache_util)} % with
  {span(cache_queue, 2)} requests queued, and `%iowait` {span(cache_iowait)} % (per-minute
  medians). `mon-1` swaps in {len(mon_swapped)} samples, from {hhmmss(mon_swapped[0])} to
  {hhmmss(mon_swapped[-1])}; no other host swaps ({sum(map(len, others.values()))} samples).
- **quiet** (`web-1`, `web-2`): the CPUs are {span(quiet_idle, 2)} % idle (median; never
  below {fmt(quiet_min_idle, 2)} %), the run queue is at most {fmt(quiet_queue, 0)}, `vda`
  at most {fmt(quiet_util)} % busy, and no page moves to or from swap ({quiet_swap}
  samples): healthy.

## What else ran

One thing the loads do not explain: the last {len(tail_q)} samples of `web-3` and `web-4`
(at {", ".join(hhmmss(r) for r in tail_q)}, the end of the cpu phase) show a run queue of
{span([float(r["runq-sz"]) for r in tail_q], 0)} instead of the four stress-ng threads
alone, and writes to `vda` ({span([float(r["tps"]) for r in writing])} transfers/s, with
up to {fmt(max(float(r["aqu-sz"]) for r in tail_d), 2)} requests queued) while none of the
phases' loads writes: the io phase's dd loops started {LEAD} s before its hosts' `sadc`
({started("db-1-io.sa")}), after these samples. The data does not say whose work
that was. Otherwise the hosts show only their phase's load (in the cpu phase's earlier minutes
the run queue exceeds four in {", ".join(f"{len(v)} samples of `{h}`" for h, v in blips.items())},
up to {fmt(max([float(r["runq-sz"]) for v in blips.values() for r in v] or [4]), 0)}, too few to
move a minute's median; no `%steal` above
{fmt(max(float(r["%steal"]) for p in f.values() for r in cpu_all(p)), 2)} %, no swapping
outside the memory phase).

## Ground truth

What `perfkit checklist --lake LAKE --by minute` finds, per host and resource: the worst
severity and the first and last one-minute windows (UTC) with a finding, `-` for none.
`tests/lake/test_lake_fleet_truth.py` checks the findings against this table.

{table(("host", "load", "cpu", "disk", "memory"), truth)}
How each line follows from the loads (the rules' limits are the checklist's,
`perfkit/checklist/thresholds.py`):

- **cpu**: four stress-ng threads on {cpus} CPUs make a run queue of twice the CPUs while
  they are all busy: a warning (critical is *above* twice the CPUs). `web-3`'s and
  `web-4`'s worst is critical only because of their last minute, whose {len(tail_q)}
  samples have the larger run queue of "what else ran". `mon-1` shares the cpu phase's
  first two minutes; its third minute is mostly the io phase, with idle CPUs.
- **disk**: `db-1` and `db-2` (and `mon-1` in the io phase) keep `vda` over 90 % busy
  (`util` critical) with more than one request queued (`queue` warning) and `%iowait` over
  20 % (`iowait` warning). `cache-1`'s swapping keeps `vda` busy too (`util`, `queue` and
  `iowait` warnings). `web-3`'s and `web-4`'s disk warning is their last minute's queue
  (above); the io phase's own writes start in the same minute on `db-1` and `db-2`.
- **memory**: `cache-1` and `mon-1` swap in more than half of each minute's samples from
  the memory phase's start (critical); no other host swaps.
- **quiet**: `web-1` and `web-2` have no finding at all.
"""
    return reflow(text)


def reflow(text: str, width: int = 92) -> str:
    """Paragraphs and list items rewrapped to ``width`` (tables and headings as they are),
    so that figures of any length keep the lines even."""
    out = []
    for block in text.split("\n\n"):
        if block.startswith(("|", "#")):
            out.append(block)
            continue
        items: list[str] = []
        for line in block.splitlines():
            if line.startswith("- ") or not items:
                items.append(line)
            else:
                items[-1] += " " + line.strip()
        out.append("\n".join(
            textwrap.fill(item, width, subsequent_indent="  " if item.startswith("- ") else "",
                          break_on_hyphens=False, break_long_words=False)
            for item in items))
    return "\n\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when the README differs from what the data gives")
    args = parser.parse_args(argv)
    text = render(args.data)
    target = args.data / "README.md"
    if args.check:
        same = target.exists() and target.read_text(encoding="utf-8") == text
        if not same:
            print(f"{target} is stale: run scripts/fleet_readme.py", file=sys.stderr)
        return 0 if same else 1
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
