"""Write the navigation cells of every notebook: the title cell's links and the closing links.

    python scripts/notebook_nav.py          # rewrite the navigation in place
    python scripts/notebook_nav.py --check  # exit 1 if any notebook's navigation is stale

The course order and titles live in COURSE below. Each notebook's first cell is its title
cell: it starts with ``# <title>`` and its last line is the navigation; its last cell is the
navigation alone. The rest of each notebook is left untouched.

A navigation line is plain Markdown links, ending with the marker ``<!-- nav -->`` that this
script finds it by. The marker must stay at the end: a line that *starts* with ``<!--`` is an
HTML block to Markdown, shown as raw text instead of links.

>>> for part in nav_line(3).split(" · "): print(part)
[← 02 dmesg and journalctl](02-dmesg.ipynb)
[Contents](00-start-here.ipynb)
[04 mpstat →](04-mpstat.ipynb) <!-- nav -->
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
    ("13-hidden-cpu", "CPU the checklist does not show: short-lived processes and CPU limits"),
    ("14-pressure-and-packets",
     "Pressure and packets: stalls with a baseline, and what the network costs in CPU"),
    ("20-ebpf-intro", "Introduction to eBPF"),
    ("21-bpftrace-one-liners", "bpftrace one-liners: probes, filters, maps"),
    ("22-latency-histograms", "Latency histograms: block I/O and the run queue"),
    ("23-tracing-tcp", "Tracing TCP: connections, lifetimes, retransmissions"),
    ("24-cpu-profiling", "CPU profiling: stacks and flame graphs"),
    ("25-from-checklist-to-tracing", "From the checklist to tracing: finding the cause"),
    ("30-fleet", "A fleet: many hosts, one lake, the saturated ones"),
    ("90-appendix-formats", "Appendix: locales, units and file formats"),
]
#: Link labels where the title's part before ':' would not say enough.
SHORT = {"00-start-here": "Start here", "12-workshop-mystery": "the mystery capture",
         "13-hidden-cpu": "CPU the checklist does not show",
         "90-appendix-formats": "Appendix: formats"}
MARK = "<!-- nav -->"


def label(index: int) -> str:
    """A notebook's short name in links: its number and the first part of its title.

    >>> label(1), label(12)
    ('01 uptime', '12 the mystery capture')
    """
    stem, title = COURSE[index]
    return f"{stem[:2]} {SHORT.get(stem, title.split(':')[0])}"


def nav_line(index: int) -> str:
    """Markdown links to the previous notebook, the contents (notebook 00) and the next one,
    then the marker."""
    parts = []
    if index > 0:
        parts.append(f"[← {label(index - 1)}]({COURSE[index - 1][0]}.ipynb)")
    if index > 1:
        parts.append("[Contents](00-start-here.ipynb)")
    if index + 1 < len(COURSE):
        parts.append(f"[{label(index + 1)} →]({COURSE[index + 1][0]}.ipynb)")
    return " · ".join(parts) + f" {MARK}"


def is_nav(line: str) -> bool:
    """Whether ``line`` is a navigation line (the marker at its end, or at its start as
    older versions of this script wrote it)."""
    line = line.strip()
    return line.endswith(MARK) or line.startswith(MARK)


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def updated(notebook: dict, index: int) -> dict:
    """The notebook with its navigation rewritten."""
    cells = notebook["cells"]
    line = nav_line(index)
    title = [t for t in _source(cells[0]).split("\n") if not is_nav(t)]
    while title and not title[-1].strip():
        title.pop()
    cells[0]["source"] = "\n".join([*title, "", line])
    last = _source(cells[-1]).strip()
    if len(cells) > 1 and cells[-1]["cell_type"] == "markdown" and "\n" not in last \
            and is_nav(last):
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
