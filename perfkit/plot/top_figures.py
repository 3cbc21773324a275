"""perfkit.plot's figures of top (see :mod:`perfkit.plot`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ..derive.intervals import positions
from ..derive.tables import capture_source, cpu_count, table
from ..synonyms import column
from ._base import (
    count_ticks,
    finish,
    format_x,
    legend,
    make_axes,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


def _top_processes(processes: pd.DataFrame, iteration: int | None, when: str | None, n: int,
                   ax: Any) -> Figure:
    rows = processes
    if when is not None:
        rows = rows[rows["when"] == when]
    if iteration is None:
        iteration = int(rows["iteration"].min())
    rows = rows[rows["iteration"] == iteration]
    if rows.empty:
        raise ValueError(f"top: no processes for iteration {iteration}"
                         + (f" ({when})" if when else ""))
    cpu = column(rows, "%CPU")
    chosen = rows.assign(_cpu=cpu).sort_values("_cpu", ascending=False, kind="stable").head(n)
    fig, (axis,), owned = make_axes(1, axes=ax, height=0.35 * len(chosen) + 1.5, width=8)
    names = chosen["COMMAND"].astype(str) + " (" + chosen["PID"].astype(str) + ")"
    axis.barh(range(len(chosen)), chosen["_cpu"], color="C0")
    axis.set_yticks(range(len(chosen)), names.tolist())
    axis.invert_yaxis()
    axis.set_xlabel("%CPU (100 = one CPU)")
    axis.set_ylabel("process (PID)")
    stamp = ""
    if "time" in chosen.columns and pd.notna(chosen["time"].iloc[0]):
        moment = chosen["time"].iloc[0]
        if isinstance(moment, pd.Timedelta):  # a time of day printed without a date
            seconds = int(moment.total_seconds()) % 86400
            stamp = f" at {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        else:
            stamp = f" at {pd.Timestamp(moment):%H:%M:%S}"
    label = f"{when}, iteration {iteration}" if when else f"iteration {iteration}"
    axis.set_title(f"top: processes by %CPU{stamp} ({label})")
    return finish(fig, owned)


def top(tables: Any, *, iteration: int | None = None, when: str | None = None, n: int = 10,
        cpus: int | None = None, axes: Any = None) -> Figure:
    """top's summary over its iterations (load averages against the CPU count, task
    counts, CPU split in %), or, given ``iteration=`` and/or ``when=`` (a capture's
    ``"start"``/``"end"``), a bar chart of the ``n`` processes with most ``%CPU`` then."""
    data, facts = capture_source(tables, "top")
    summary = table(data, "summary", "top")
    if iteration is not None or when is not None:
        return _top_processes(table(data, "processes", "top"), iteration, when, n, axes)
    cpus = cpu_count(cpus, facts.get("cpus"), data)
    fig, (load, tasks, split), owned = make_axes(3, axes=axes)
    x, kind = positions(summary)
    for col in ("ldavg-1", "ldavg-5", "ldavg-15"):
        load.plot(x, summary[col], marker="o", label=col)
    if cpus:
        load.axhline(cpus, color="grey", linestyle="--", label=f"CPUs ({cpus})")
    load.set_ylabel("load (tasks)")
    load.set_ylim(bottom=0)
    load.set_title("top: load averages (1, 5, 15 min)")
    legend(load)
    word = "Threads" if any(c.startswith("Threads ") for c in summary.columns) else "Tasks"
    for state in ("total", "running", "sleeping", "stopped", "zombie"):
        col = f"{word} {state}"
        if col in summary.columns:
            tasks.plot(x, summary[col], marker="o", label=state)
    tasks.set_ylabel(word.lower())
    tasks.set_ylim(bottom=0)
    count_ticks(tasks)
    tasks.set_title(f"top: {word.lower()} by state")
    legend(tasks)
    parts = [c for c in ("us", "sy", "ni", "wa", "hi", "si", "st")
             if f"%Cpu {c}" in summary.columns and summary[f"%Cpu {c}"].notna().any()]
    if parts and len(summary) > 1:
        split.stackplot(x, *(summary[f"%Cpu {c}"].fillna(0).to_numpy(dtype=float)
                             for c in parts), labels=parts)
    elif parts:  # one iteration: stacked bars, as a stack of zero width draws nothing
        bottom = 0.0
        width = 20 / 86400 if kind == "time" else 0.5
        for c in parts:
            value = float(summary[f"%Cpu {c}"].fillna(0).iloc[0])
            split.bar(x, [value], bottom=bottom, width=width, label=c)
            bottom += value
    split.set_ylim(0, 100)
    split.set_ylabel("% of CPU time")
    split.set_title("top: CPU time (%Cpu(s); the rest is idle)")
    legend(split)
    format_x(split, kind, summary, facts.get("tz"))
    return finish(fig, owned, "top")
