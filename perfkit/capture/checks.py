"""Checks across a capture's outputs that no single parser can make.

:func:`frozen_vmstat_memory`: procps-ng 4.0.2's ``vmstat`` prints the same ``free``,
``buff`` and ``cache`` on every line after the first (it reads ``/proc/meminfo`` once),
while ``free -s`` run beside it shows memory moving. ``perfkit capture`` records the
note in ``capture.json`` (``notes``) and :func:`perfkit.load_capture` warns when
``cap["vmstat"]`` is read.

>>> import pandas as pd
>>> vm = pd.DataFrame({"free": [5, 5, 5], "buff": [1, 1, 1], "cache": [2, 2, 2],
...                    "since_boot": [True, False, False]})
>>> mem = pd.DataFrame({"kind": ["Mem", "Mem"], "free": [5, 6], "buff/cache": [3, 3]})
>>> frozen_vmstat_memory(vm, mem).startswith("vmstat's memory columns")
True
>>> frozen_vmstat_memory(vm, mem.assign(free=[5, 5])) is None
True
"""

from __future__ import annotations

import pandas as pd

FROZEN_VMSTAT = ("vmstat's memory columns (free, buff, cache) never changed during the "
                 "capture while free's did: this vmstat repeats its first reading "
                 "(procps-ng 4.0.2 does); read memory over time from cap['free']")


def frozen_vmstat_memory(vmstat: pd.DataFrame, free: pd.DataFrame) -> str | None:
    """:data:`FROZEN_VMSTAT` when vmstat's interval rows all hold the same memory figures
    and free's ``Mem`` rows do not; ``None`` otherwise (or when either has too few
    rows to say)."""
    rows = vmstat[~vmstat["since_boot"].astype(bool)] if "since_boot" in vmstat else vmstat
    columns = [c for c in ("free", "buff", "cache") if c in rows.columns]
    if len(rows) < 2 or not columns or "kind" not in free.columns:
        return None
    mem = free[free["kind"] == "Mem"]
    moving = [c for c in ("free", "buff/cache", "buffers", "cache") if c in mem.columns]
    if len(mem) < 2 or not moving:
        return None
    still = bool((rows[columns].nunique(dropna=False) == 1).all())
    moved = bool((mem[moving].nunique(dropna=False) > 1).any())
    return FROZEN_VMSTAT if still and moved else None
