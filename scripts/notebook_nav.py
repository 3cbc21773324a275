"""Write the navigation cells of every notebook: the title cell's links and the closing links.

    python scripts/notebook_nav.py          # rewrite the navigation in place
    python scripts/notebook_nav.py --check  # exit 1 if any notebook's navigation is stale

The course order and titles live in COURSE below. Each notebook's first cell is its title
cell: it starts with ``# <title>`` and its last line is the navigation; its last cell is the
navigation alone. The rest of each notebook is left untouched.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

#: (file stem, title) in course order.
COURSE: list[tuple[str, str]] = [
    ("00-start-here", "Start here: Linux performance in 60 seconds, and beyond"),
    ("01-uptime", "uptime: load averages"),
    ("02-dmesg", "dmesg and journalctl: what the kernel said"),
    ("03-vmstat", "vmstat: run queue, memory, swapping and CPU time"),
    ("04-mpstat", "mpstat: every CPU on its own"),
    ("05-pidstat", "pidstat: which processes use the machine"),
    ("06-iostat", "iostat: disks, their load and their latency"),
    ("07-free", "free: where the memory went"),
    ("08-sar-network", "sar -n DEV: network interface throughput"),
    ("09-sar-tcp", "sar -n TCP,ETCP: connections and retransmissions"),
    ("10-top", "top: the catch-all re-check"),
    ("11-sixty-seconds", "All ten in sixty seconds: one capture, one figure, the findings"),
    ("12-workshop-mystery", "Workshop: the mystery capture"),
    ("20-ebpf-intro", "Introduction to eBPF"),
    ("21-bpftrace-one-liners", "bpftrace one-liners: probes, filters, maps"),
    ("22-latency-histograms", "Latency histograms: block I/O and the run queue"),
    ("23-tracing-tcp", "Tracing TCP: connections, lifetimes, retransmissions"),
    ("24-cpu-profiling", "CPU profiling: stacks and flame graphs"),
    ("25-from-checklist-to-tracing", "From the checklist to tracing: finding the cause"),
    ("30-fleet", "A fleet: many hosts, one lake, the saturated ones"),
]
MARK = "<!-- nav -->"


def nav_line(index: int) -> str:
    """Markdown links to the previous notebook, the start and the next notebook."""
    parts = []
    if index > 0:
        stem, title = COURSE[index - 1]
        parts.append(f"← [{title}]({stem}.ipynb)")
    if index > 0:
        parts.append("[Start here](00-start-here.ipynb)")
    if index + 1 < len(COURSE):
        stem, title = COURSE[index + 1]
        parts.append(f"[{title}]({stem}.ipynb) →")
    return f"{MARK} " + " · ".join(parts)


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def updated(notebook: dict, index: int) -> dict:
    """The notebook with its navigation rewritten."""
    cells = notebook["cells"]
    line = nav_line(index)
    title = _source(cells[0]).split("\n")
    title = [t for t in title if not t.startswith(MARK)]
    while title and not title[-1].strip():
        title.pop()
    cells[0]["source"] = "\n".join([*title, "", line])
    if cells and _source(cells[-1]).startswith(MARK):
        cells[-1]["source"] = line
    else:
        cells.append({"cell_type": "markdown", "metadata": {}, "source": line,
                      **({"id": f"nav-{index}"} if notebook.get("nbformat_minor", 0) >= 5
                         else {})})
    return notebook


def main() -> int:
    opts = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    opts.add_argument("--check", action="store_true")
    args = opts.parse_args()
    stale = []
    for index, (stem, _) in enumerate(COURSE):
        path = NOTEBOOKS / f"{stem}.ipynb"
        if not path.exists():
            continue
        before = path.read_text(encoding="utf-8")
        notebook = updated(json.loads(before), index)
        after = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
        if after != before:
            stale.append(path.name)
            if not args.check:
                path.write_text(after, encoding="utf-8")
    if args.check and stale:
        print("navigation out of date (run scripts/notebook_nav.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
