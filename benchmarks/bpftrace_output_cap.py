"""Memory and time of perfkit.bpftrace.run on a trace that prints without end, with the
default output cap (perfkit.bpftrace.MAX_BYTES) and with no cap.

    python benchmarks/bpftrace_output_cap.py [SECONDS]

Needs root, bpftrace and a mounted tracefs. Each run is a fresh interpreter tracing every
system call with a printf for SECONDS (default 6): the peak resident memory (ru_maxrss of
the child Python), the bytes bpftrace printed and the bytes kept. Target: with the cap, the
peak stays under 400 MiB whatever the trace prints.
"""

from __future__ import annotations

import json
import subprocess
import sys

CODE = """
import json, resource, sys, time, warnings
from perfkit import bpftrace
cap = None if sys.argv[2] == "none" else bpftrace.MAX_BYTES
started = time.monotonic()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    tables = bpftrace.run('tracepoint:raw_syscalls:sys_enter { printf("%s %d\\\\n", comm, pid); }',
                          float(sys.argv[1]), max_bytes=cap)
print(json.dumps({"seconds": round(time.monotonic() - started, 1),
                  "printed": tables.attrs.get("truncated") or len(tables.attrs["text"]),
                  "kept": len(tables.attrs["text"]),
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
"""


def main() -> int:
    seconds = sys.argv[1] if len(sys.argv) > 1 else "6"
    worst = 0
    for cap in ("default", "none"):
        run = subprocess.run([sys.executable, "-c", CODE, seconds, cap], capture_output=True,
                             text=True, check=False)
        if run.returncode != 0:
            print(f"max_bytes={cap}: failed: {run.stderr.strip().splitlines()[-1:]}")
            return 1
        got = json.loads(run.stdout)
        print(f"max_bytes={cap:7s}: {got['seconds']:5.1f} s, bpftrace printed "
              f"{got['printed'] / 2**20:7.1f} MiB, kept {got['kept'] / 2**20:5.1f} MiB, "
              f"peak {got['peak_mib']} MiB")
        if cap == "default":
            worst = got["peak_mib"]
    print(f"target: peak under 400 MiB with the default cap: {'met' if worst < 400 else 'MISSED'}")
    return 0 if worst < 400 else 1


if __name__ == "__main__":
    sys.exit(main())
