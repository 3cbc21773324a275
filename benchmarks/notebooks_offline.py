"""How long the whole course takes to run offline, notebook by notebook.

    python benchmarks/notebooks_offline.py

Each notebook runs top to bottom on a fresh kernel with the tools hidden from PATH (so on the
recorded scenarios), as a learner without sysstat would run it; a notebook's time runs from
starting its kernel to its last cell's answer. Shutting the kernels down afterwards is printed
apart (the client polls for the kernel's exit, usually 0.3 s, now and then seconds).
Target: the whole course in at most 60 seconds on a 2-core machine.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "course"))
sys.path.insert(0, str(ROOT / "scripts"))

from notebook_nav import COURSE  # noqa: E402
from notebook_runner import NOTEBOOKS, execute  # noqa: E402


def main() -> int:
    total = shutdowns = 0.0
    for stem, _ in COURSE:
        start = time.perf_counter()
        _, seconds = execute(NOTEBOOKS / f"{stem}.ipynb", offline=True)
        shutdowns += time.perf_counter() - start - seconds
        total += seconds
        print(f"{stem:32} {seconds:6.1f} s")
    print(f"{'whole course (offline)':32} {total:6.1f} s (target <= 60 s)")
    print(f"{'(kernel shutdowns, not counted)':32} {shutdowns:6.1f} s")
    return 0 if total <= 60 else 1


if __name__ == "__main__":
    raise SystemExit(main())
