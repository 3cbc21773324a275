"""Figures of the 60-second checklist: one function per tool, each returning a matplotlib
``Figure``.

>>> import perfkit
>>> cap = perfkit.load_capture("my-capture")             # doctest: +SKIP
>>> perfkit.plot.vmstat(cap["vmstat"], cpus=2)           # doctest: +SKIP
>>> perfkit.plot.mpstat(cap)                             # doctest: +SKIP
>>> perfkit.plot.timeline(cap)                           # doctest: +SKIP
>>> perfkit.plot.side_by_side(perfkit.plot.vmstat, idle, loaded)  # doctest: +SKIP

Every function takes what the parser returns (a DataFrame or a :class:`perfkit.Tables`) or
a whole :class:`~perfkit.capture.Capture` (then the CPU count comes from ``capture.json``),
and an optional ``ax=`` (one panel) or ``axes=`` (several panels) to draw into a figure of
your own. Samples that report averages since boot (``since_boot``: vmstat's first line,
iostat's first report) are left out. Axes carry their units; times are on a date axis.

A figure perfkit creates is removed from pyplot's list of open figures before it is
returned, so figures do not accumulate and Jupyter shows each one once: leave it as the
value of a cell, pass it to ``display()``, or ``fig.savefig("vmstat.png")``.

matplotlib is imported when a function draws, never by ``import perfkit``.

================  ===========================================================================
function          figure
================  ===========================================================================
``vmstat``        run queue ``r`` and blocked ``b`` against the CPU count; ``us sy wa st``
                  stacked in %; ``si so`` swap traffic in MiB/s; ``free buff cache`` in MiB
``mpstat``        heatmap of busy % (100 - ``%idle``) per CPU (rows) and sample (columns)
``pidstat``       ``%CPU`` over time of the ``top`` processes using most CPU
``iostat``        per device ``%util``, ``r_await``/``w_await`` (or ``await``; a gap where
                  no request completed), ``aqu-sz``
``free``          bars of memory used / buff/cache / free, and swap used / free, in MiB
``sar_dev``       per interface ``rxkB/s`` and ``txkB/s``
``sar_tcp``       ``active/s`` and ``passive/s``; ``retrans/s`` (``retrseg/s``)
``top``           load, tasks and CPU split over iterations; or one iteration's processes
``uptime``        the three load averages as bars against the CPU count (``row=None``:
                  over time, e.g. from ``sar -q``)
``dmesg``         kernel events (OOM kills, segfaults, hung tasks, TCP drops) per second
``timeline``      a capture's tools on one shared time axis, with dmesg events marked
``side_by_side``  the same figure of two captures, columns sharing the y scale
================  ===========================================================================

For bpftrace and bcc output (:mod:`perfkit.plot.trace`): ``histogram`` (a ``hist()`` or
``lhist()`` map as bars per bucket), ``histograms`` (several side by side on the same
buckets and scale: a healthy and a saturated run queue), ``latency_heatmap`` (a histogram
printed every interval: time on x, bucket on y, count as colour) and ``map_bars`` (a map's
largest values as bars).
"""

from __future__ import annotations

from ._base import show_figures_in_ipython as display_figures
from .compare import side_by_side
from .dmesg_figures import dmesg
from .free_figures import free
from .iostat_figures import iostat
from .mpstat_figures import mpstat
from .pidstat_figures import pidstat
from .sar_figures import sar_dev, sar_tcp
from .timeline import timeline
from .top_figures import top
from .trace import histogram, histograms, latency_heatmap, map_bars
from .uptime_figures import uptime
from .vmstat_figures import vmstat

__all__ = ["display_figures", "dmesg", "free", "histogram", "histograms", "iostat",
           "latency_heatmap", "map_bars", "mpstat", "pidstat", "sar_dev", "sar_tcp",
           "side_by_side", "timeline", "top", "uptime", "vmstat"]
