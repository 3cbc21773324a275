"""The panels :mod:`perfkit.plot` and :func:`perfkit.plot.timeline` are made of.

Each function draws one panel of one tool's data into a given ``ax`` and labels it (title,
y label with its unit, legend); the caller labels the shared x axis with
:func:`perfkit.plot._base.format_x`. Frames come in without their since-boot rows.

>>> import pandas as pd
>>> f = pd.DataFrame({"report": [1, 1, 2], "Device": ["sda", "vda", "vda"],
...                   "%util": [50.0, 1.0, 2.0]})
>>> active(f, "Device", ["%util"])
['sda', 'vda']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..derive.commands import command_cpu, command_metric, command_processes
from ..derive.cpu import busy_grid
from ..derive.intervals import positions
from ..derive.wide import wide
from ..synonyms import column, find
from ._base import count_ticks, legend, step

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

KIB_PER_MIB = 1024.0

_CPU_NAMES = {"us": "us (user)", "sy": "sy (system)", "wa": "wa (I/O wait)",
              "st": "st (stolen)"}


def active(frame: pd.DataFrame, key: str, metrics: Sequence[str]) -> list[str]:
    """The ``key`` values (devices, interfaces) with a non-zero value of any metric."""
    values = frame[[m for m in metrics if m in frame.columns]].apply(
        pd.to_numeric, errors="coerce").fillna(0)
    busy = frame.loc[(values != 0).any(axis=1), key].astype(str)
    return [name for name in dict.fromkeys(frame[key].astype(str)) if name in set(busy)]


# -- vmstat ---------------------------------------------------------------------------------

def run_queue(ax: Axes, frame: pd.DataFrame, cpus: int | None) -> None:
    """vmstat ``r`` and ``b`` with a dashed line at the CPU count."""
    x, _ = positions(frame)
    ax.plot(x, frame["r"], label="r (runnable)", color="C0")
    ax.plot(x, frame["b"], label="b (blocked, uninterruptible)", color="C3")
    if cpus:
        ax.axhline(cpus, color="grey", linestyle="--", label=f"CPUs ({cpus})")
    ax.set_ylabel("threads")
    ax.set_ylim(bottom=0)
    count_ticks(ax)
    ax.set_title("vmstat: run queue (r) and blocked (b)")
    legend(ax)


def cpu_split(ax: Axes, frame: pd.DataFrame) -> None:
    """vmstat ``us sy st`` stacked as busy time, in %, and ``wa`` apart: a line of the time
    the CPUs sat idle waiting for I/O (idle time, not work)."""
    x, _ = positions(frame)
    parts = [c for c in ("us", "sy", "st") if c in frame.columns]
    ax.stackplot(x, *(frame[c].to_numpy(dtype=float) for c in parts),
                 labels=[_CPU_NAMES[c] for c in parts],
                 colors=["C0", "C1", "C4"][:len(parts)])
    if "wa" in frame.columns:
        ax.plot(x, frame["wa"].to_numpy(dtype=float), color="C3", linestyle="--",
                label="wa (idle, waiting for I/O)")
    ax.set_ylim(0, 100)
    ax.set_ylabel("% of CPU time")
    ax.set_title("vmstat: CPU busy (us + sy + st, stacked) and I/O wait (wa, idle time)")
    legend(ax)


def swap_traffic(ax: Axes, frame: pd.DataFrame) -> None:
    """vmstat ``si`` and ``so``, which vmstat prints in KiB/s, drawn in MiB/s: the unit of
    the memory panel, and one that reads at a glance when a machine pages hundreds of MiB
    a second (the same unit whatever the values, so two captures side by side compare)."""
    x, _ = positions(frame)
    for col, color, word in (("si", "C2", "in"), ("so", "C3", "out")):
        if col in frame.columns:
            ax.plot(x, frame[col] / KIB_PER_MIB, label=f"{col} (swapped {word})", color=color)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("MiB/s")
    ax.set_title("vmstat: swap traffic (si, so; printed in KiB/s, drawn in MiB/s)")
    legend(ax)


def memory(ax: Axes, frame: pd.DataFrame) -> None:
    """vmstat ``free buff cache`` (``inact active`` with ``-a``), KiB shown as MiB, on a
    scale fitted to the values (a change of a few hundred MiB stays visible next to many
    GiB). Columns that never change are said so in the title: procps-ng 4.0.2 prints the
    same memory columns in every row."""
    x, _ = positions(frame)
    names = [col for col in ("free", "buff", "cache", "inact", "active") if col in frame.columns]
    for col in names:
        ax.plot(x, frame[col] / KIB_PER_MIB, label=col)
    ax.set_ylabel("MiB")
    frozen = len(frame) > 2 and all(frame[col].nunique() == 1 for col in names)
    ax.set_title("vmstat: memory" + (" (unchanged in every row: see free)" if frozen else ""))
    legend(ax)


# -- mpstat ---------------------------------------------------------------------------------

def busy_heatmap(ax: Axes, cpu: pd.DataFrame) -> Any:
    """mpstat's busy % as an image: one row per CPU (CPU 0 on top), one column per sample,
    placed on the x axis at the samples' times; returns the image."""
    grid = busy_grid(cpu)
    xs = grid.index.to_numpy()
    half = step(xs) / 2
    left, right = xs[0] - half, xs[-1] + half
    if np.issubdtype(xs.dtype, np.datetime64):
        import matplotlib.dates as mdates

        left, right = mdates.date2num(left), mdates.date2num(right)
        ax.xaxis_date()
    values = np.ma.masked_invalid(grid.to_numpy(dtype=float).T)
    count = values.shape[0]
    image = ax.imshow(values, aspect="auto", interpolation="nearest", cmap="inferno",
                      vmin=0, vmax=100, origin="upper",
                      extent=(float(left), float(right), count - 0.5, -0.5))
    every = max(1, int(np.ceil(count / 16)))
    ticks = list(range(0, count, every))
    ax.set_yticks(ticks, [str(grid.columns[i]) for i in ticks])
    ax.figure.colorbar(image, ax=ax, label="busy % (100 - %idle - %iowait)", pad=0.01)
    ax.set_ylabel("CPU")
    ax.set_title("mpstat: busy % per CPU")
    return image


# -- pidstat --------------------------------------------------------------------------------

def top_processes(ax: Axes, frame: pd.DataFrame, top: int) -> list[str]:
    """``%CPU`` over time of the ``top`` commands (each command's processes summed: a loop
    of short-lived ``dd`` is one workload) with the highest mean; their names."""
    grid = command_cpu(frame)
    counts = command_processes(frame)
    chosen = list(grid.mean().sort_values(ascending=False, kind="stable").index[:top])
    for i, name in enumerate(chosen):
        many = int(counts.get(name, 1))
        label = f"{name} ({many} processes)" if many > 1 else name
        ax.plot(grid.index.to_numpy(), grid[name], marker=".", color=f"C{i % 10}",
                label=label)
    ax.set_ylabel("%CPU (100 = one CPU)")
    ax.set_ylim(bottom=0)
    ax.set_title(f"pidstat: the {len(chosen)} commands using most CPU")
    legend(ax)
    return chosen


def waiting(ax: Axes, frame: pd.DataFrame, chosen: Sequence[str]) -> None:
    """pidstat's ``%wait`` (runnable, waiting for a CPU) of the ``chosen`` commands."""
    grid = command_metric(frame, "%wait")
    for i, name in enumerate(chosen):
        if name in grid.columns:
            ax.plot(grid.index.to_numpy(), grid[name], marker=".", color=f"C{i % 10}",
                    label=name)
    ax.set_ylabel("%wait")
    ax.set_ylim(bottom=0)
    ax.set_title("pidstat: %wait, time runnable but waiting for a CPU")
    legend(ax)


# -- per device / interface -----------------------------------------------------------------

def per_key(ax: Axes, frame: pd.DataFrame, key: str, metrics: Sequence[str], *,
            xs: np.ndarray | None = None, keys: Sequence[str] | None = None,
            gaps: bool = False) -> int:
    """One line per ``key`` value (device, interface) and metric (solid, dashed, dotted);
    rows missing from a sample count as 0. With ``gaps``, missing rows and NaN values
    (a time per request where no request completed) stay gaps in the line, points are
    marked so that a value between two gaps shows, and a metric with no value at all is
    not drawn. Returns the number of lines drawn."""
    styles = ("-", "--", ":")
    drawn = 0
    for number, metric in enumerate(metrics):
        grid = wide(frame, key, metric, xs=xs, fill=None if gaps else 0.0)
        names = [k for k in grid.columns if (keys is None or k in keys)
                 and not (gaps and grid[k].isna().all())]
        for i, name in enumerate(names):
            label = name if len(metrics) == 1 else f"{name} {metric}"
            ax.plot(grid.index.to_numpy(), grid[name], linestyle=styles[number % 3],
                    color=f"C{i % 10}", label=label, marker="." if gaps else None)
            drawn += 1
    ax.set_ylim(bottom=0)
    legend(ax)
    return drawn


# -- sar -n TCP,ETCP ------------------------------------------------------------------------

def connections(ax: Axes, tcp: pd.DataFrame) -> None:
    """sar ``active/s`` and ``passive/s``."""
    x, _ = positions(tcp)
    for metric in ("active/s", "passive/s"):
        if metric in tcp.columns:
            ax.plot(x, tcp[metric], label=metric, marker=".")
    ax.set_ylabel("connections/s")
    ax.set_ylim(bottom=0)
    ax.set_title("sar -n TCP: connections opened (active/s) and accepted (passive/s)")
    legend(ax)


def retransmits(ax: Axes, etcp: pd.DataFrame) -> None:
    """sar ``retrans/s`` (``retrseg/s`` from sysstat 12.7.6), and ``atmptf/s`` (failed
    connection attempts), ``estres/s`` (resets of established connections) and
    ``isegerr/s``/``orsts/s`` when printed."""
    x, _ = positions(etcp)
    name = find(etcp, "retrseg/s") or "retrseg/s"
    ax.plot(x, column(etcp, "retrseg/s"), color="C3", marker=".", label=name)
    for number, metric in enumerate(("atmptf/s", "estres/s", "isegerr/s", "orsts/s")):
        if metric in etcp.columns:
            ax.plot(x, etcp[metric], marker=".", color=f"C{number + 4}", label=metric)
    ax.set_ylabel("per second")
    ax.set_ylim(bottom=0)
    ax.set_title("sar -n ETCP: retransmitted segments and failed connections")
    legend(ax)
