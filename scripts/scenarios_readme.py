"""Write data/scenarios/README.md from the recordings themselves.

    python scripts/scenarios_readme.py [--data DIR] [--check]

Every number in the README is computed here from the scenario's files with perfkit, never
typed by hand, so re-recording a scenario cannot leave its description stale. A scenario's
ground truth (the workload that made it) comes from MANIFEST.tsv and, for captures made with
``perfkit capture --induce``, from the ``induced`` record of its capture.json. The mystery's
workload is not written out: it is sealed (``perfkit mystery --reveal``).

``--check`` exits 1 when the README on disk differs from what the data gives (a test runs
it), instead of writing it.
"""

from __future__ import annotations

import argparse
import csv
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

import perfkit
from perfkit.derive.commands import command_cpu, command_processes
from perfkit.derive.cpu import busy_grid
from perfkit.derive.intervals import interval_samples
from perfkit.derive.kernel_events import capture_events

SEALED = {"mystery"}

HEAD = """# Recorded scenarios

Each folder is a `perfkit capture --redact` of this project's recording machine in a known
state, made by `scripts/record_scenarios.sh` inside a private PID namespace (process lists
show only the workload). `perfkit.samples.load(NAME)` opens one; `perfkit checklist NAME`
lists its findings. The workload of each (its ground truth) is below, with what every tool
shows, as medians over the capture's samples unless said otherwise.

This file is written by `scripts/scenarios_readme.py` from the recordings: every number here
is computed from the data, so a re-recording rewrites it. Do not edit it by hand.
"""


def _fmt(value: float, digits: int = 1) -> str:
    if value is None or pd.isna(value):
        return "?"
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _median(series: pd.Series) -> float:
    values = pd.to_numeric(series, errors="coerce").dropna()
    return float(values.median()) if len(values) else float("nan")


def _safe(capture: Any, tool: str) -> Any:
    if tool not in capture:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return capture[tool]
    except (KeyError, ValueError, OSError):
        return None


def uptime_line(capture: Any) -> str | None:
    frame = _safe(capture, "uptime")
    if frame is None or frame.empty:
        return None
    row = frame.iloc[0]
    return (f"load averages at the start {_fmt(row['ldavg-1'], 2)}, {_fmt(row['ldavg-5'], 2)}, "
            f"{_fmt(row['ldavg-15'], 2)} (1, 5, 15 min) on {capture.meta.get('cpus')} CPUs")


def vmstat_line(capture: Any) -> str | None:
    frame = _safe(capture, "vmstat")
    if frame is None:
        return None
    frame = interval_samples(frame)
    if frame.empty:
        return None
    parts = [f"r {_fmt(_median(frame['r']), 0)} (max {_fmt(frame['r'].max(), 0)}; vmstat "
             "counts itself)", f"b {_fmt(_median(frame['b']), 0)} "
             f"(max {_fmt(frame['b'].max(), 0)})"]
    parts += [f"{c} {_fmt(_median(frame[c]), 0)} %" for c in ("us", "sy", "wa", "id")
              if c in frame.columns]
    swapping = [c for c in ("si", "so") if c in frame.columns and frame[c].max() > 0]
    if swapping:
        parts.append(", ".join(f"{c} {_fmt(_median(frame[c]) / 1024, 1)} MiB/s" for c in swapping))
    return ", ".join(parts)


def mpstat_line(capture: Any) -> str | None:
    data = _safe(capture, "mpstat")
    if data is None or "cpu" not in data:
        return None
    grid = busy_grid(interval_samples(data["cpu"])).dropna(how="all")
    if grid.empty:
        return None
    medians = grid.median()
    return "busy % (100 - %idle - %iowait) per CPU: " + ", ".join(
        f"CPU {cpu} {_fmt(value, 0)} %" for cpu, value in medians.items())


def pidstat_line(capture: Any) -> str | None:
    data = _safe(capture, "pidstat")
    if data is None or "cpu" not in data:
        return None
    frame = interval_samples(data["cpu"])
    if frame.empty:
        return "no process used CPU in any interval"
    grid = command_cpu(frame)
    counts = command_processes(frame)
    means = grid.mean().sort_values(ascending=False).head(3)
    return "commands by mean %CPU: " + ", ".join(
        f"{name} {_fmt(value, 1)} %" + (f" ({int(counts.get(name, 1))} processes)"
                                       if int(counts.get(name, 1)) > 1 else "")
        for name, value in means.items() if value >= 0.5) or "no command above 0.5 %CPU"


def iostat_line(capture: Any) -> str | None:
    data = _safe(capture, "iostat")
    if data is None or "devices" not in data:
        return None
    frame = interval_samples(data["devices"])
    if frame.empty or "%util" not in frame.columns:
        return "no device did I/O (iostat -z printed none)"
    reports = frame["time"].nunique() if "time" in frame.columns else len(frame)
    util = frame.groupby("Device")["%util"].sum() / max(reports, 1)
    busiest = util.sort_values(ascending=False).head(2)
    parts = []
    for device, value in busiest.items():
        rows = frame[frame["Device"] == device]
        extra = []
        for col in ("aqu-sz", "w/s", "r/s"):
            if col in rows.columns:
                extra.append(f"{col} {_fmt(rows[col].sum() / max(reports, 1), 1)}")
        parts.append(f"{device} {_fmt(value, 0)} %util on average"
                     + (f" ({', '.join(extra)})" if extra else ""))
    return "; ".join(parts)


def free_line(capture: Any) -> str | None:
    frame = _safe(capture, "free")
    if frame is None or frame.empty:
        return None
    mem = frame[frame["kind"].astype(str).str.startswith("Mem")]
    swap = frame[frame["kind"].astype(str).str.startswith("Swap")]
    parts = []
    if "available" in mem.columns and len(mem):
        parts.append(f"available {_fmt(mem['available'].min() / 1024, 0)} MiB at the lowest "
                     f"of {_fmt(mem['total'].iloc[0] / 1024, 0)} MiB")
    if len(swap) and swap["total"].iloc[0] > 0:
        parts.append(f"swap used {_fmt(swap['used'].max() / 1024, 0)} of "
                     f"{_fmt(swap['total'].iloc[0] / 1024, 0)} MiB")
    return ", ".join(parts) or None


def sar_line(capture: Any) -> str | None:
    data = _safe(capture, "sar")
    if data is None:
        return None
    parts = []
    if "DEV" in data:
        dev = interval_samples(data["DEV"])
        if len(dev):
            traffic = dev.groupby("IFACE")[["rxkB/s", "txkB/s"]].median().sum(axis=1)
            iface = traffic.idxmax()
            rows = dev[dev["IFACE"] == iface]
            parts.append(f"busiest interface {iface}: rxkB/s {_fmt(_median(rows['rxkB/s']))}, "
                         f"rxpck/s {_fmt(_median(rows['rxpck/s']), 0)}")
    if "ETCP" in data:
        etcp = interval_samples(data["ETCP"])
        name = perfkit.synonyms.find(etcp, "retrseg/s")
        if name and len(etcp):
            parts.append(f"{name} {_fmt(_median(etcp[name]), 1)}"
                         f" (max {_fmt(etcp[name].max(), 1)})")
    return "; ".join(parts) or None


def dmesg_line(capture: Any) -> str | None:
    if _safe(capture, "dmesg") is None:
        return None
    events = capture_events(capture)
    if events.empty:
        return "no OOM kill, segfault, hung task or TCP drop"
    counts = events["kind"].value_counts()
    return ", ".join(f"{count} {kind}" for kind, count in counts.items())


def findings_line(capture: Any) -> str:
    frame = perfkit.checklist.findings(capture)
    serious = frame[frame["severity"] != "info"]
    if serious.empty:
        return "no warning or critical finding"
    return "; ".join(f"{row.severity} {row.tool} {row.metric}"
                     for row in serious.itertuples(index=False))


LINES: list[tuple[str, Callable[[Any], str | None]]] = [
    ("uptime", uptime_line), ("vmstat", vmstat_line), ("mpstat", mpstat_line),
    ("pidstat", pidstat_line), ("iostat", iostat_line), ("free", free_line),
    ("sar", sar_line), ("dmesg", dmesg_line), ("perfkit checklist", findings_line),
]


def section(row: dict[str, str], data: Path) -> list[str]:
    name = row["name"]
    capture = perfkit.load_capture(data / name)
    out = [f"## {name}", "", row["description"], ""]
    induced = capture.meta.get("induced") or {}
    if name in SEALED:
        out.append("- workload: sealed for the workshop (teachers: `perfkit mystery --reveal`)")
    else:
        out.append(f"- workload (ground truth): {row['commands']}")
        if induced:
            params = ", ".join(f"{k}={v}" for k, v in (induced.get("parameters") or {}).items())
            out.append(f"- induced with `perfkit capture --induce {name}`"
                       + (f" ({params})" if params else "")
                       + f", by {induced.get('mechanism', '?')}")
    meta = capture.meta
    out.append(f"- recorded {str(meta.get('started_utc', ''))[:19].replace('T', ' ')} UTC, "
               f"{meta.get('count')} x {meta.get('interval')} s, kernel {meta.get('kernel')}, "
               f"{meta.get('cpus')} CPUs")
    for tool, make in LINES:
        text = make(capture)
        if text:
            out.append(f"- {tool}: {text}")
    out += [f"- sha256: `{row['sha256']}`", ""]
    return out


def render(data: Path) -> str:
    with open(data / "MANIFEST.tsv", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    lines = [HEAD]
    for row in rows:
        lines.extend(section(row, data))
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path,
                        default=Path(__file__).resolve().parents[1] / "data" / "scenarios")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when the README differs from what the data gives")
    args = parser.parse_args(argv)
    text = render(args.data)
    target = args.data / "README.md"
    if args.check:
        same = target.exists() and target.read_text() == text
        if not same:
            print(f"{target} is stale: run scripts/scenarios_readme.py", file=sys.stderr)
        return 0 if same else 1
    target.write_text(text)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
