"""The checklist's thresholds: one :class:`Threshold` per rule, and how a value is graded.

Values from Brendan Gregg, "Linux Performance Analysis in 60,000 Milliseconds" (Netflix
Tech Blog, 2015), and the tools' man pages.

>>> grade("util", 95.0), grade("util", 70.0), grade("util", 10.0)
('critical', 'warning', 'info')
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd


@dataclass(frozen=True)
class Threshold:
    """One rule: ``metric`` of ``tool`` is a problem beyond ``warning``/``critical``
    (above them, or below when ``above`` is False), measured as ``statistic``; ``next`` is
    what to run, live, to confirm a finding of it (the course's tools)."""

    key: str
    tool: str
    metric: str
    warning: float | None
    critical: float | None
    unit: str
    statistic: str
    reason: str
    above: bool = True
    next: str = ""


#: The rules, in the checklist's order. ``x CPUs``: the limit times the CPU count.
THRESHOLDS: tuple[Threshold, ...] = (
    Threshold("load", "uptime", "ldavg-1", 1.0, 2.0, "x CPUs", "snapshot at the start",
              "more tasks want to run (or wait on disk, on Linux) than there are CPUs: "
              "saturation",
              next="vmstat 1 (r against the CPU count, b for tasks in I/O wait); mpstat -P ALL 1"),
    Threshold("load-trend", "uptime", "ldavg-1 / ldavg-15", None, None, "ratio",
              "snapshot at the start (info below 0.5 or above 2)",
              "a 1-minute load much lower than the 15-minute one means the problem may "
              "have passed: you arrived late; much higher means load is rising",
              next="uptime again in a minute; sar -q 1 (ldavg-1 and runq-sz each second)"),
    Threshold("run-queue", "vmstat", "r", 1.0, 2.0, "x CPUs", "median",
              "r counts threads running and waiting for a CPU: more than the CPUs is "
              "CPU saturation",
              next=("mpstat -P ALL 1 (every CPU busy?); pidstat 1 (%wait per process); runqlat "
                    "(bcc) for how long threads wait")),
    Threshold("swapping", "vmstat", "si, so", 20.0, 50.0, "% of samples",
              "share of samples with si or so > 0",
              "pages moving to or from swap: memory is short and every access to a "
              "swapped page waits for disk",
              next="vmstat 1 (si/so); free -m; pidstat -r 1 (who grows: RSS, majflt/s)"),
    Threshold("iowait", "vmstat", "wa", 20.0, 50.0, "%", "median",
              "CPUs idle while I/O they wait for is pending: the work is I/O bound",
              next="iostat -xz 1 (which device); pidstat -d 1 (which process); biolatency (bcc)"),
    Threshold("steal", "vmstat", "st", 10.0, 30.0, "%", "median",
              "time the hypervisor gave this VM's CPUs to someone else",
              next="mpstat -P ALL 1 (%steal per CPU); ask the hypervisor's owner about its load"),
    Threshold("system", "vmstat", "sy", 20.0, 50.0, "%", "median",
              "much kernel time: system calls, I/O, page faults, locks",
              next=("mpstat -P ALL 1 (%sys against %soft); pidstat 1 (%system per process); perf "
                    "top or profile (bcc) for where the kernel spends it")),
    Threshold("context-switches", "vmstat", "cs", 50000.0, 200000.0, "x CPUs", "median",
              "the CPUs are handed from task to task tens of thousands of times a second: "
              "threads that wake each other for every small piece of work (pipes, locks, "
              "chatty IPC) spend their time in the scheduler, not computing",
              next=("pidstat -w 1 (cswch/s and nvcswch/s per process); vmstat 1 (sy against "
                    "us); bpftrace -e 'tracepoint:sched:sched_switch { @[comm] = count(); }'")),
    Threshold("hot-cpu", "mpstat", "busy % of the busiest CPU", 90.0, None, "%",
              "per sample: busiest CPU above this while the others average below "
              "hot-cpu-others; in at least hot-cpu-share of the samples",
              "one CPU saturated while the others idle: a single-threaded bottleneck "
              "that more CPUs would not help",
              next="mpstat -P ALL 1; pidstat -t 1 (which thread); profile (bcc) on that process"),
    Threshold("hot-cpu-others", "mpstat", "mean busy % of the other CPUs", 50.0, None, "%",
              "per sample (see hot-cpu)", "the rest of the machine has room", above=False,
              next="mpstat -P ALL 1"),
    Threshold("hot-cpu-share", "mpstat", "samples with a hot CPU", 50.0, None,
              "% of samples", "share of samples", "sustained, not a spike",
              next="mpstat -P ALL 1"),
    Threshold("nice", "mpstat", "%nice", None, None, "% of all CPUs",
              "median of the all row (info from NICE_SHARE %)",
              "niced work runs at a lower priority, on the time other work leaves: it "
              "seldom is what users wait for, even when it keeps a CPU busy",
              next="ps -eo pid,ni,pcpu,comm --sort=-pcpu | head; pidstat 1"),
    Threshold("top-consumer", "pidstat", "%CPU", 90.0, None, "% of one CPU",
              "median of the process with the highest mean %CPU",
              "the process using most CPU; near 100 % it saturates one CPU (a hot "
              "thread) unless it is multi-threaded",
              next=("pidstat -t 1 -p PID (its threads); top -H; profile (bcc) for where it spends"
                    " the CPU")),
    Threshold("util", "iostat", "%util", 60.0, 90.0, "%", "median per device",
              "share of time the device was busy: past 60 % queueing grows fast (for "
              "devices that serve requests in parallel, 100 % is not yet saturation)",
              next=("iostat -xz 1 (r/s, w/s, sizes); pidstat -d 1 (which process); biolatency "
                    "(bcc)")),
    Threshold("queue", "iostat", "aqu-sz", 1.0, None, "requests", "median per device",
              "more than one request queued on average: requests wait for each other",
              next=("iostat -xz 1; biolatency -Q (bcc: time in the queue against time on the "
                    "device)")),
    Threshold("await", "iostat", "r_await, w_await", 10.0, 100.0, "ms",
              "median per device",
              "time a request takes, queueing included: beyond a few ms for virtual and "
              "SSD disks the device or its queue is slow",
              next=("iostat -xz 1; biolatency (bcc) for the latency distribution; biosnoop for "
                    "single slow requests")),
    Threshold("available", "free", "available", 10.0, 5.0, "% of total",
              "the lower of the start and end snapshots",
              "memory left for new work without swapping; below 10 % the kernel "
              "reclaims hard and the OOM killer is near", above=False,
              next=("free -m; grep -i huge /proc/meminfo (reserved huge pages); pidstat -r 1 or "
                    "top -o %MEM (who holds the memory)")),
    Threshold("swap-used", "free", "Swap used", None, None, "% of swap",
              "the higher of the start and end snapshots (info only)",
              "swap in use: memory was short at some point; vmstat si/so say whether "
              "pages still move",
              next="vmstat 1 (do si/so still move?); grep VmSwap /proc/*/status"),
    Threshold("oom_kill", "dmesg", "OOM kills", None, 0.0, "events", "count, recent",
              "the kernel killed a process to free memory",
              next=("dmesg -T | grep -i -A20 'out of memory'; cat the cgroup's memory.max and "
                    "memory.events")),
    Threshold("hung_task", "dmesg", "hung tasks", 0.0, None, "events", "count, recent",
              "a task blocked in uninterruptible sleep for minutes: I/O or a lock stuck",
              next="dmesg -T (the task's stack); iostat -xz 1; cat /proc/PID/stack"),
    Threshold("tcp_drop", "dmesg", "TCP drops", 0.0, None, "events", "count, recent",
              "the kernel dropped connection requests (SYN flood, full queues or tables)",
              next="ss -ltn (listen queues); nstat -az | grep -i -e drop -e overflow"),
    Threshold("segfault", "dmesg", "segfaults", None, None, "events", "count, recent",
              "a process crashed: a bug rather than a performance problem, but it may "
              "explain missing work",
              next="dmesg -T | grep segfault; coredumpctl list"),
    Threshold("retrans", "sar", "retrans/s", 1.0, 10.0, "segments/s", "median",
              "retransmitted TCP segments: packet loss or a congested path or receiver",
              next=("sar -n TCP,ETCP 1; ss -ti (retrans per connection); tcpretrans (bcc) names "
                    "the connections")),
    Threshold("retrans-share", "sar", "retrans/s of oseg/s", 1.0, 5.0, "%",
              "sum of retrans/s over the sum of oseg/s (with at least "
              "RETRANS_MIN_SEGMENTS retransmitted)",
              "the share of sent segments sent again",
              next="sar -n TCP,ETCP 1; ss -ti; tcpretrans (bcc)"),
    Threshold("ifutil", "sar", "%ifutil", 60.0, 90.0, "%", "median per interface",
              "share of the interface's bandwidth in use",
              next="sar -n DEV 1; sar -n EDEV 1 (drops, errors); ethtool IFACE (link speed)"),
    Threshold("load-before", "uptime", "ldavg-1 (from before)", None, None, "x CPUs",
              "snapshot at the start, against the capture's own load (sar -q, top) and r",
              "a 1-minute load above the CPUs that falls through the capture while vmstat r "
              "stays low was made before the capture: not saturation now",
              next="uptime again in a minute; sar -q 1; vmstat 1 (r)"),
    Threshold("run-queue-idle", "vmstat", "r - 1 (CPUs idle)", None, None, "x CPUs",
              "median of r - 1 while the CPUs have idle or iowait time",
              "more runnable threads than CPUs while the CPUs have room: short bursts, or "
              "threads held back by a CPU limit, not CPU saturation",
              next="mpstat -P ALL 1; pidstat 1 (%wait); cat /sys/fs/cgroup/*/cpu.stat"),
    Threshold("unaccounted-cpu", "pidstat", "CPU no process accounts for", 10.0, None,
              "% of one CPU", "mean of vmstat's us + sy (times the CPUs) less the mean "
              "sum of pidstat's %CPU, when that is at least a third of the busy time",
              "CPU time that no process pidstat listed accounts for: kernel threads "
              "(kswapd, kworker, loop) or processes pidstat cannot see (another PID "
              "namespace or container)",
              next="top -H (kernel threads); pidstat 1 from the host's PID namespace; "
              "profile (bcc) for where the time goes"),
    Threshold("short-lived", "sar", "proc/s", 10.0, None, "processes/s", "median",
              "many processes started every second that live too short for pidstat's "
              "samples: their CPU time shows in vmstat us + sy but under no process",
              next="execsnoop (bcc) names them as they start; sar -w 1 (proc/s)"),
    Threshold("cpu-limit", "pidstat", "%wait", 10.0, 50.0, "%",
              "median per command while the CPUs are mostly idle (busy below "
              "CPU_LIMIT_BUSY %)",
              "threads ready to run but kept waiting while CPUs sit idle: a CPU limit "
              "(a cgroup's cpu.max quota, or a cpuset) rather than contention",
              next="cat /sys/fs/cgroup/<group>/cpu.max and cpu.stat (nr_throttled, "
              "throttled_usec); pidstat 1 (%wait)"),
    Threshold("net-errors", "sar", "errors and drops/s", 0.0, None, "per second",
              "median per interface of sar -n EDEV's error and drop columns summed (info "
              "when some samples had them)",
              "packets dropped or damaged at the interface: errors (bad frames, "
              "collisions, carrier) or drops (full rings or queues): the network's errors "
              "in the USE method",
              next="sar -n EDEV 1; ip -s link show IFACE; ethtool -S IFACE"),
    Threshold("packets", "sar", "packets/s", None, None, "packets/s",
              "median per interface of rxpck/s + txpck/s (at least PACKETS_MIN)",
              "packets per second are load: each costs kernel CPU (%sys and %soft, sar's "
              "SOFT table) whatever the bandwidth; loopback has no link speed, so its "
              "%ifutil says nothing",
              next="sar -n DEV 1; mpstat -P ALL 1 (%soft per CPU); sar -n SOFT 1"),
    Threshold("psi-memory", "sar", "%smem", 5.0, 20.0, "% of time",
              "median of sar -q PSI's %smem (share of each interval some task stalled on "
              "memory); baseline: 0 % in the idle recording",
              "tasks stalled waiting for memory (reclaim, swap-in, refaults)",
              next="cat /proc/pressure/memory; vmstat 1 (si/so); free -m"),
    Threshold("psi-io", "sar", "%sio", 20.0, 50.0, "% of time",
              "median of sar -q PSI's %sio (share of each interval some task stalled on "
              "I/O); baseline: 0 % in the idle recording",
              "tasks stalled waiting for I/O: the storage is what the work waits for",
              next="cat /proc/pressure/io; iostat -xz 1; pidstat -d 1 (which process)"),
    Threshold("sync-writes", "iostat", "f/s", 100.0, None, "flushes/s", "median per device",
              "a flush request per few writes: a program forces its writes to stable "
              "storage (fsync, O_SYNC/O_DSYNC), so each small write waits for the disk",
              next="pidstat -d 1 (the writer); strace -f -e trace=fsync,fdatasync,openat "
              "-p PID; biosnoop (bcc) for each request's size and latency"),
    Threshold("dmesg-read", "dmesg", "kernel log", None, None, "lines",
              "whether the kernel log was read, and whether it was empty",
              "an empty kernel log says nothing happened; one that could not be read "
              "(dmesg_restrict, no permission) says nothing at all",
              next="sudo dmesg -T | tail; sysctl kernel.dmesg_restrict"),
)

#: How long before the capture's start a dmesg event still counts as current.
RECENT = pd.Timedelta(minutes=5)
#: The fewest retransmitted segments (summed over the samples) for the share rule.
RETRANS_MIN_SEGMENTS = 10.0
#: The order of tools in the checklist (and of findings of equal severity).
TOOLS = ("uptime", "dmesg", "vmstat", "mpstat", "pidstat", "iostat", "free", "sar", "top")
SEVERITIES = ("critical", "warning", "info")
#: A finding's columns: what was seen, how bad, why, what to run next to confirm it, and the
#: key of the rule in :data:`THRESHOLDS` that made it.
COLUMNS = ["tool", "metric", "observed", "threshold", "severity", "explanation", "next",
           "key"]
#: A command using less than this mean % of one CPU is noise, not a top consumer.
NOISE_CPU = 0.5
#: The cpu-limit rule needs the CPUs this idle: busy (100 - id - wa) below this %.
CPU_LIMIT_BUSY = 50.0
#: Run-queue saturation needs the CPUs this busy: 100 - id - wa at or above this %.
SATURATION_BUSY = 90.0
#: Below this median %util a device's flushes are reported as info: it has room.
SYNC_WRITES_UTIL = 30.0
#: The nice rule reports niced work from this median % of all CPUs.
NICE_SHARE = 10.0
#: Fewer packets per second than this on an interface make no packets finding.
PACKETS_MIN = 100.0


def rule(key: str) -> Threshold:
    """The threshold named ``key`` in :data:`THRESHOLDS`."""
    for item in THRESHOLDS:
        if item.key == key:
            return item
    raise KeyError(key)


def thresholds() -> pd.DataFrame:
    """:data:`THRESHOLDS` as a table indexed by key."""
    return pd.DataFrame([asdict(t) for t in THRESHOLDS]).set_index("key")


def grade(key: str, value: float, scale: float = 1.0) -> str:
    """``"critical"``, ``"warning"`` or ``"info"`` for ``value`` under rule ``key``, its
    limits multiplied by ``scale`` (the CPU count for ``x CPUs`` rules).

    >>> grade("util", 95.0), grade("util", 70.0), grade("util", 10.0)
    ('critical', 'warning', 'info')
    >>> grade("available", 7.5), grade("run-queue", 5.0, scale=2)
    ('warning', 'critical')
    """
    item = rule(key)
    for severity, limit in (("critical", item.critical), ("warning", item.warning)):
        if limit is None:
            continue
        limit *= scale
        if (value > limit) if item.above else (value < limit):
            return severity
    return "info"
