"""How long `import perfkit` takes, and whether it pulls in matplotlib.

    python benchmarks/import_time.py

Target: under half a second, matplotlib not imported until a plot is drawn. Prints the best
of several fresh interpreters (the first run warms the disk cache).
"""

from __future__ import annotations

import subprocess
import sys

CODE = ("import time, sys; t = time.perf_counter(); import perfkit; "
        "print(time.perf_counter() - t, 'matplotlib' in sys.modules)")


def main(runs: int = 5) -> int:
    times = []
    loaded = False
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True,
                             check=True).stdout.split()
        times.append(float(out[0]))
        loaded |= out[1] == "True"
    best = min(times)
    print(f"import perfkit: best {best * 1000:.0f} ms of {runs} (target < 500 ms); "
          f"matplotlib imported: {loaded}")
    return 0 if best < 0.5 and not loaded else 1


if __name__ == "__main__":
    raise SystemExit(main())
