"""The checklist's rules for pidstat: the top consumer as a command, CPU time no process
accounts for (short-lived processes, kernel threads), and processes kept waiting while the
CPUs sit idle (a CPU limit)."""

from __future__ import annotations

import pandas as pd

from ...derive.commands import command_cpu, command_processes
from ...derive.cpu import vmstat_busy
from ...derive.intervals import interval_samples
from ...derive.pressure import stall_shares
from ...derive.processes import process_cpu
from ...synonyms import find
from ..thresholds import CPU_LIMIT_BUSY, NOISE_CPU, grade, rule
from ._common import Context, Row, finding, fmt, median


def _padded(values: pd.Series, count: int) -> pd.Series:
    """``values`` with a 0 for each sample in which pidstat printed no row at all."""
    missing = max(count - len(values), 0)
    return pd.concat([values.reset_index(drop=True), pd.Series([0.0] * missing)],
                     ignore_index=True)


def check_pidstat(ctx: Context) -> list[Row]:
    """The top consumer, CPU no process accounts for, and CPU limits."""
    data = ctx.get("pidstat")
    if data is None or "cpu" not in data:
        return []
    frame = interval_samples(data["cpu"])
    if frame.empty or not find(frame, "%CPU"):
        return []
    grid = command_cpu(frame)
    if grid.empty:
        return []
    count = max(len(grid), int(ctx.capture.meta.get("count") or 0))
    return (_top_consumer(frame, grid, count) + _unaccounted(ctx, grid, count)
            + _cpu_limit(ctx, frame, grid, count))


def _top_consumer(frame: pd.DataFrame, grid: pd.DataFrame, count: int) -> list[Row]:
    means = grid.sum() / count
    name = str(means.sort_values(ascending=False, kind="stable").index[0])
    mean = float(means[name])
    if mean < NOISE_CPU:
        return []
    values = _padded(grid[name], count)
    level = median(values)
    pids = int(command_processes(frame).get(name, 1))
    per_process = process_cpu(frame[frame[find(frame, "Command") or "Command"]
                                    .astype(str) == name])
    busiest = str(per_process.median().sort_values(ascending=False).index[0])
    single = median(_padded(per_process[busiest], count))
    severity = grade("top-consumer", single)
    following = None
    churn = ""
    if pids == 1:
        metric = f"%CPU of {busiest}"
        what = f"{busiest}, median {fmt(level)} % of one CPU"
    else:
        metric = f"%CPU of {name} ({pids} processes)"
        what = (f"{name}: {pids} processes together, median {fmt(level)} % of one CPU "
                f"(about {fmt(level / 100, 1)} CPUs; the busiest, {busiest}, "
                f"{fmt(single)} %)")
        following = f"pidstat -C {name} 1; pidstat -t 1 -p PID (one process's threads)"
        if pids > count / 4:
            churn = (f" {pids} processes in {count} samples: short-lived ones, started one "
                     "after another.")
            following = f"execsnoop (bcc) names each new one as it starts; pidstat -C {name} 1"
    tail = (" It keeps one CPU busy: a hot thread, unless it is multi-threaded."
            if severity != "info" else "")
    return [finding("top-consumer", level, metric=metric, severity=severity,
                    threshold=rule("top-consumer").warning, next=following, explanation=(
                        f"top CPU consumer: {what} (mean {fmt(mean)} %, max "
                        f"{fmt(float(grid[name].max()))} %) over {count} samples.{churn}"
                        f"{tail}"))]


def _unaccounted(ctx: Context, grid: pd.DataFrame, count: int) -> list[Row]:
    """vmstat's us + sy against the sum of pidstat's %CPU, and sar's proc/s."""
    vm = ctx.optional("vmstat")
    if vm is None or not ctx.cpus or not {"us", "sy"} <= set(vm.columns):
        return []
    vm = interval_samples(vm)
    if not _same_span(vm, grid):
        return []
    busy = float((vm["us"] + vm["sy"]).mean()) * ctx.cpus
    listed = float(grid.to_numpy().sum()) / count
    gap = busy - listed
    sar = ctx.optional("sar-all")
    started = (median(sar["tasks"]["proc/s"]) if sar is not None and "tasks" in sar
               and "proc/s" in sar["tasks"].columns else float("nan"))
    said = (f"vmstat's us + sy come to {fmt(busy)} % of one CPU (mean, {ctx.cpus} CPUs), "
            f"the processes pidstat lists to {fmt(listed)} %: {fmt(gap)} % no listed "
            "process accounts for")
    large = gap >= rule("unaccounted-cpu").warning and gap >= busy / 3
    if pd.notna(started) and started >= rule("short-lived").warning:
        # processes started all the time: the gap need not be a third of the busy time
        # (other work may keep the CPUs busy too)
        warn = gap >= rule("unaccounted-cpu").warning
        return [finding("short-lived", started, severity="warning" if warn else "info",
                        explanation=(
                            f"{fmt(started)} processes started per second (sar proc/s, "
                            f"median); {said}. Processes that live shorter than a sample "
                            "use CPU that pidstat never names: find what starts them."))]
    if not large:
        return []
    new = (f" sar saw {fmt(started)} new processes per second, too few to explain it."
           if pd.notna(started) else "")
    return [finding("unaccounted-cpu", gap, severity="info", explanation=(
        f"{said}: kernel threads (kswapd for reclaim, kworker and loop threads for I/O) or "
        f"processes outside pidstat's view (another PID namespace or container).{new}"))]


def _same_span(vm: pd.DataFrame, grid: pd.DataFrame) -> bool:
    """Whether vmstat's samples and pidstat's overlap in time (True when either has no
    times): comparing two tools' CPU needs them to have watched the same seconds."""
    if "time" not in vm.columns or not pd.api.types.is_datetime64_any_dtype(vm["time"]) \
            or not pd.api.types.is_datetime64_any_dtype(grid.index):
        return True
    return bool(vm["time"].min() <= grid.index.max() and grid.index.min() <= vm["time"].max())


def _cpu_limit(ctx: Context, frame: pd.DataFrame, grid: pd.DataFrame,
               count: int) -> list[Row]:
    """A command kept waiting (%wait) while the CPUs are mostly idle."""
    vm = ctx.optional("vmstat")
    if "%wait" not in frame.columns or vm is None or "id" not in vm.columns:
        return []
    busy = median(vmstat_busy(interval_samples(vm)))
    if not busy < CPU_LIMIT_BUSY:
        return []
    command = frame[find(frame, "Command") or "Command"].astype(str)
    waits = pd.to_numeric(frame["%wait"], errors="coerce").groupby(command).median()
    rows = []
    shares = stall_shares(ctx.optional("sar-all"))
    psi = (f"; PSI cpu some {fmt(median(shares['%scpu']))} % of the time"
           if "%scpu" in shares.columns else "")
    for name, wait in waits.sort_values(ascending=False).items():
        if grade("cpu-limit", wait) == "info" or grid[name].sum() / count < NOISE_CPU:
            continue
        rows.append(finding("cpu-limit", float(wait), metric=f"%wait of {name}",
                            explanation=(
                                f"{name} waited for a CPU {fmt(wait)} % of the time "
                                f"(pidstat %wait, median) while the CPUs were only "
                                f"{fmt(busy)} % busy (vmstat 100 - id - wa){psi}: "
                                f"{rule('cpu-limit').reason}.")))
    return rows
