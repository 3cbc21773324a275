"""``perfkit checklist``: what a capture of the 60-second checklist says, as findings.

::

    perfkit checklist CAPTURE_DIR      # a perfkit capture directory, or a scenario name

>>> import perfkit
>>> perfkit.checklist.findings(perfkit.samples.load("hot-thread"))  # doctest: +SKIP
      tool                     metric  observed  threshold severity  ...           key
0   mpstat            busy % of CPU 1     100.0       90.0  warning  ...       hot-cpu
1  pidstat  %CPU of stress-ng-cpu (9)      99.0       90.0  warning  ...  top-consumer
2   uptime      ldavg-1 (from before)       3.4        2.0     info  ...   load-before

:func:`findings` applies the rules of :data:`THRESHOLDS` (Brendan Gregg, "Linux Performance
Analysis in 60,000 Milliseconds", Netflix Tech Blog, 2015, and the USE method: utilisation,
saturation and errors of every resource the capture shows) to a capture and returns one row
per finding: ``tool``, ``metric``, ``observed`` (a number, in the unit the explanation
names), ``threshold`` (the limit it was compared with, NaN for a plain observation),
``severity`` (``"info"``, ``"warning"`` or ``"critical"``), ``explanation``, ``next`` (what
to run, live, to confirm it) and ``key`` (the rule in :data:`THRESHOLDS`), the most severe
first and otherwise in the checklist's order.

Rules reason across tools where one tool alone misleads: vmstat's run queue is CPU
saturation only with busy CPUs (``100 - id - wa``; ``%iowait`` is idle time) and counts
``r - 1`` (vmstat counts itself); the load averages are judged with the load the capture
itself saw (``sar -q``, top, vmstat ``r``), so a load left over from before the capture is
reported as such; the top consumer is a command, its processes summed (noise below
:data:`NOISE_CPU` % is left out); CPU time no listed process accounts for is set against
sar's processes started per second; processes kept waiting while CPUs idle point at a CPU
limit; packets per second are load on any interface, loopback included; memory and I/O
pressure (PSI) are compared with the idle recording's baseline; and an empty kernel log is
told apart from one that could not be read.

How values are summarised, so that one spike does not make a finding:

* every sample that reports an average since boot (vmstat's first line, iostat's first
  report) is left out;
* a rate or percentage is the **median** over the capture's samples (a device, interface
  or process missing from a sample, because ``iostat -z`` or ``pidstat`` leave idle ones
  out, counts as 0 there), so it must hold for at least half of the samples;
* swapping and the hot CPU count the **share of samples** in which they happened;
* ``uptime``'s load averages and ``free`` are snapshots: the load of the capture's start
  (``capture.json``'s ``loadavg_start`` when recorded), set against the load through the
  capture, and the lower ``available`` of the start and end snapshots;
* dmesg events count when they happened during the capture or at most :data:`RECENT`
  before it; older ones are reported as ``info``.

A tool missing from the capture (not installed, refused, or output that cannot be read)
gives one ``info`` finding saying so and why; its rules are skipped. ``info`` findings are
observations (the top CPU consumer, the load trend, swap in use); a healthy capture has
no ``warning`` or ``critical`` finding.

>>> table = thresholds().loc[["run-queue", "util"]].rename_axis(None)
>>> print(table[["tool", "metric", "warning", "critical", "unit"]].to_string())
             tool metric  warning  critical    unit
run-queue  vmstat      r      1.0       2.0  x CPUs
util       iostat  %util     60.0      90.0       %

The parts: :mod:`~perfkit.checklist.thresholds` (the limits and grading),
:mod:`~perfkit.checklist.rules` (one module of rules per tool, reading
:mod:`perfkit.derive`), :mod:`~perfkit.checklist.findings` (running them),
:mod:`~perfkit.checklist.report` (text) and :mod:`~perfkit.checklist.command` (the CLI).
"""

from __future__ import annotations

from .command import main
from .findings import findings
from .open import open_capture
from .report import render
from .thresholds import (
    COLUMNS,
    NOISE_CPU,
    RECENT,
    RETRANS_MIN_SEGMENTS,
    SEVERITIES,
    THRESHOLDS,
    TOOLS,
    Threshold,
    grade,
    rule,
    thresholds,
)

__all__ = ["COLUMNS", "NOISE_CPU", "RECENT", "RETRANS_MIN_SEGMENTS", "SEVERITIES", "THRESHOLDS",
           "TOOLS",
           "Threshold", "findings", "grade", "main", "open_capture", "render", "rule",
           "thresholds"]
