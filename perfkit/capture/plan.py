"""What ``perfkit capture`` runs: the 60-second checklist as commands, files and phases.

The checklist of Brendan Gregg's "Linux Performance Analysis in 60,000 Milliseconds", with
flags chosen so that every output carries times and parses the same everywhere:

==========  =========================================  ==============================
phase       command (interval N, count C)              files
==========  =========================================  ==============================
start       ``uptime``                                 uptime.txt
start       ``top -b -n 2 -d N -w 512``                top-start.txt
interval    ``vmstat -w -t N C+1``                     vmstat.txt
interval    ``mpstat -P ALL N C``                      mpstat.txt
interval    ``pidstat N C``                            pidstat.txt
interval    ``iostat -xz -t N C+1``                    iostat.txt
interval    ``sar -n DEV -o sar.data N C``             sar-dev.txt, sar.data (binary,
                                                       every activity: ``sar -f``)
interval    ``sar -n TCP,ETCP N C``                    sar-tcp.txt
interval    ``free -m -s N -c C``                      free.txt
end         ``top -b -n 2 -d N -w 512``                top-end.txt
last        ``dmesg --time-format iso`` (else ``-T``,  dmesg.txt
            else plain): the whole ring buffer, with
            what happened during the capture; it runs
            even after Ctrl-C
==========  =========================================  ==============================

top runs two iterations one interval apart: the first one's CPU figures cover top's own
start-up (its %CPU column is even empty of meaning), so a loaded capture keeps the
second. C is ``round(duration / N)``; vmstat and iostat get one more report because their first one
is the average since boot, so all interval tools cover the same C intervals. Each command's
standard error goes to ``<name>.stderr``. They run with :data:`ENVIRONMENT`: the C locale,
ISO dates from sysstat, no colours, and UTC times (so the times of day printed by ``top``
and ``uptime`` fall on the capture's UTC date).

>>> [s.name for s in plan(duration=3, interval=1)]  # doctest: +NORMALIZE_WHITESPACE
['uptime', 'top-start', 'vmstat', 'mpstat', 'pidstat', 'iostat', 'sar-dev', 'sar-tcp',
 'free', 'top-end', 'dmesg']
>>> step = plan(duration=3, interval=1)[2]
>>> step.argv, step.stdout, step.tool
(['vmstat', '-w', '-t', '1', '4'], 'vmstat.txt', 'vmstat')
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from .. import runner

#: Variables every tool runs with (recorded in capture.json).
ENVIRONMENT = {"LC_ALL": "C", "LANG": "C", "S_TIME_FORMAT": "ISO", "S_COLORS": "never",
               "TZ": "UTC"}

#: The tools a capture exposes (``cap["vmstat"]``...) and the steps that feed each.
TOOL_STEPS = {
    "uptime": ("uptime",), "dmesg": ("dmesg",), "vmstat": ("vmstat",),
    "mpstat": ("mpstat",), "pidstat": ("pidstat",), "iostat": ("iostat",),
    "sar": ("sar-dev", "sar-tcp"), "free": ("free-start", "free", "free-end"),
    "top": ("top-start", "top-end"),
}

#: The binary sysstat file written next to sar's text.
SA_FILE = "sar.data"

#: ``perfkit capture --help``: what the command does (kept here so the CLI stays light).
CLI_DESCRIPTION = """\
Run Brendan Gregg's 60-second checklist on this machine and keep everything the tools
print, with a capture.json describing the capture. Read it back in Python with
perfkit.load_capture(DIRECTORY)."""

CLI_EPILOG = """\
what it runs (with LC_ALL=C LANG=C S_TIME_FORMAT=ISO S_COLORS=never TZ=UTC;
N = --interval, C = duration / N):
  at the start  uptime; top -b -n 2 -d N -w 512 (the second iteration is kept)
  side by side  vmstat -w -t N C+1; mpstat -P ALL N C; pidstat N C; iostat -xz -t N C+1;
                sar -n DEV -o sar.data N C; sar -n TCP,ETCP N C; free -m -s N -c C
  at the end    top -b -n 2 -d N -w 512; then dmesg --time-format iso (else -T,
                else plain): the whole ring buffer, read last (even after Ctrl-C) so it
                holds what happened during the capture

what it writes into DIRECTORY:
  NAME.txt, NAME.stderr  each command's output and errors: uptime, dmesg, top-start,
                         vmstat, mpstat, pidstat, iostat, sar-dev, sar-tcp, free,
                         top-end
  sar.data               sar's binary file with every activity (sar -f, sadf)
  capture.json           host, kernel, distribution, CPUs, memory, tool versions, locale
                         and environment, UTC start and end, each command line with its
                         duration, exit status, error and files; "complete": true, or
                         false with a "reason" (it says "in progress" while running)
  psutil-*.csv           only when sysstat or procps tools are missing: the same
                         quantities sampled with psutil, labelled "psutil-derived, not
                         the tool's output"

A missing or refused tool (dmesg under kernel.dmesg_restrict=1) is recorded with its
reason and the rest goes on. Ctrl-C, SIGTERM or SIGHUP stops cleanly: the tools are
interrupted (sysstat prints its averages), their output is kept, dmesg is still read in
full, and capture.json says complete=false and why. No tool outlives perfkit, even when
perfkit is killed (its capture.json then says "in progress"). A directory holding a
capture is replaced only with --force, and then only the files that capture listed as its
own: other files and folders stay; a non-empty directory without a perfkit capture.json,
or a symbolic link, is never touched. --redact replaces this host's names (host-1), IPv4
(192.0.2.N), IPv6 (2001:db8::N) and MAC (02:00:00:00:00:NN) addresses, user names
(user-N), the kernel command line and init's arguments and environment in the capture's
files and capture.json, renders sar.data to sar-all.txt (sar -A -f) and deletes it.

Progress goes to stderr: a countdown on a terminal, a line every few seconds otherwise.
Exit status: 0 complete, 130 after Ctrl-C, 143 after SIGTERM, 129 after SIGHUP, 1 partial
for another reason (a tool timed out), 2 could not start (directory taken or not
writable, bad arguments)."""


@dataclass
class Step:
    """One command of the capture.

    ``name`` is unique in a capture (``top-start``); ``tool`` is the parser and the key in
    a loaded capture (``top``); ``when`` is ``start``/``end`` for snapshots.
    """

    name: str
    tool: str
    argv: list[str]
    phase: str
    when: str | None = None
    extra_files: list[str] = field(default_factory=list)

    @property
    def stdout(self) -> str:
        """The file that receives standard output."""
        return f"{self.name}.txt"

    @property
    def stderr(self) -> str:
        """The file that receives standard error."""
        return f"{self.name}.stderr"


@functools.lru_cache(maxsize=4)
def dmesg_argv(path: str | None = None) -> list[str]:
    """The dmesg command line: ISO times when this dmesg has ``--time-format``, else
    ``-T`` (wall-clock times), else plain seconds since boot."""
    if runner.which("dmesg", path=path) is None:
        return ["dmesg"]
    result = runner.run(["dmesg", "--help"], timeout=10, env={"PATH": path} if path else None)
    text = result.stdout + result.stderr
    if "--time-format" in text:
        return ["dmesg", "--time-format", "iso"]
    if "--ctime" in text or " -T" in text:
        return ["dmesg", "-T"]
    return ["dmesg"]


def count_for(duration: float, interval: int) -> int:
    """How many intervals fit the duration (at least one).

    >>> count_for(60, 1), count_for(10, 3), count_for(0.5, 1)
    (60, 3, 1)
    """
    return max(1, round(duration / interval))


def plan(*, duration: float, interval: int, path: str | None = None) -> list[Step]:
    """The steps of a capture, in the order they run (see the module docstring)."""
    n = str(interval)
    c = count_for(duration, interval)
    top = ["top", "-b", "-n", "2", "-d", n, "-w", "512"]
    return [
        Step("uptime", "uptime", ["uptime"], "start"),
        Step("top-start", "top", top, "start", when="start"),
        Step("vmstat", "vmstat", ["vmstat", "-w", "-t", n, str(c + 1)], "interval"),
        Step("mpstat", "mpstat", ["mpstat", "-P", "ALL", n, str(c)], "interval"),
        Step("pidstat", "pidstat", ["pidstat", n, str(c)], "interval"),
        Step("iostat", "iostat", ["iostat", "-xz", "-t", n, str(c + 1)], "interval"),
        Step("sar-dev", "sar", ["sar", "-n", "DEV", "-o", SA_FILE, n, str(c)], "interval",
             extra_files=[SA_FILE]),
        Step("sar-tcp", "sar", ["sar", "-n", "TCP,ETCP", n, str(c)], "interval"),
        # every interval: procps-ng 4.0.2's vmstat repeats its first memory figures
        Step("free", "free", ["free", "-m", "-s", n, "-c", str(c)], "interval"),
        Step("top-end", "top", top, "end", when="end"),
        # last, and even after Ctrl-C: the ring buffer then holds what happened during the
        # capture too (an OOM kill in the middle of it)
        Step("dmesg", "dmesg", dmesg_argv(path), "last"),
    ]
