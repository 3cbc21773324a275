"""Pressure stall information (PSI) as ``sar -q PSI`` (and ``sar -A``) reports it.

Each PSI table of sar holds the kernel's running averages over 10, 60 and 300 seconds
(``%scpu-10`` ...) and the share of each interval itself (``%scpu``, ``%sio``, ``%fio``,
``%smem``, ``%fmem``: *some* task, or *full*: every non-idle task, stalled on CPU, I/O or
memory). The interval shares describe what the capture saw; the running averages also
carry the minutes before it. :func:`stall_shares` gathers the interval shares in one frame.

A baseline is needed before reading them: a machine's shares at rest are not always 0 (a
virtual machine whose host is busy shows CPU "some" pressure with nothing of its own waiting,
as an earlier idle recording of this course did, at 78 %). The shipped idle recording
(nothing running, ``runq-sz`` 0, made after a cool-down) shows every share within 0.2 % of 0.
The checklist compares memory and I/O pressure with that baseline, and quotes CPU pressure
beside ``pidstat`` ``%wait`` rather than reading it as contention on its own.

>>> import pandas as pd
>>> t = {"psi-IO": pd.DataFrame({"time": [1, 2], "%sio-10": [5.0, 6.0], "%sio": [9.0, 1.0],
...                              "%fio": [0.0, 0.0]})}
>>> stall_shares(t).to_dict("list")
{'time': [1, 2], '%sio': [9.0, 1.0], '%fio': [0.0, 0.0]}
"""

from __future__ import annotations

from typing import Any

import pandas as pd

#: sar's PSI tables and their interval columns.
PSI_TABLES = {"psi-CPU": ("%scpu", "%fcpu"), "psi-IO": ("%sio", "%fio"),
              "psi-MEM": ("%smem", "%fmem")}


def stall_shares(sar: Any) -> pd.DataFrame:
    """The interval stall shares of every PSI table ``sar`` holds (a Tables or a mapping of
    table name to frame), one row per interval; empty when it holds none."""
    frames = []
    for name, columns in PSI_TABLES.items():
        if sar is None or name not in sar:
            continue
        table = sar[name]
        keep = [c for c in columns if c in table.columns]
        if not keep or "time" not in table.columns:
            continue
        frames.append(table[["time", *keep]].set_index("time"))
    if not frames:
        return pd.DataFrame(columns=["time"])
    out = pd.concat(frames, axis=1)
    return out.reset_index()
