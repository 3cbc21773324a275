"""Findings as text for a terminal: a line per finding, its explanation wrapped below.

>>> import pandas as pd
>>> print(render(pd.DataFrame(columns=["tool", "metric", "observed", "threshold",
...                                    "severity", "explanation", "next"])))
no findings
<BLANKLINE>
0 critical, 0 warning, 0 info
>>> row = {"tool": "iostat", "metric": "%util of vda", "observed": 95.0, "threshold": 90.0,
...        "severity": "critical", "explanation": "vda busy.", "next": "iostat -xz 1"}
>>> print(render(pd.DataFrame([row])))
CRITICAL  iostat   %util of vda                 observed       95   threshold 90
          vda busy.
          next: iostat -xz 1
<BLANKLINE>
1 critical, 0 warning, 0 info
"""

from __future__ import annotations

import textwrap
from typing import Any

import pandas as pd

from .thresholds import SEVERITIES


def _number(value: float) -> str:
    if pd.isna(value):
        return "-"
    return f"{value:.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:.3g}"


def render(frame: pd.DataFrame, capture: Any = None, width: int = 100) -> str:
    """The findings as text: a line per finding (severity, tool, metric, observed value
    and threshold), its explanation wrapped below, then what to run next to confirm it,
    and a count by severity."""
    lines = []
    if capture is not None:
        meta = capture.meta
        lines.append(f"perfkit checklist: {capture.path}")
        lines.append(f"  host {meta.get('host')}, kernel {meta.get('kernel')}, "
                     f"{meta.get('cpus')} CPUs, started {meta.get('started_utc')}, "
                     f"{meta.get('count')} x {meta.get('interval')} s"
                     + ("" if meta.get("complete", True) else
                        f", INCOMPLETE: {meta.get('reason')}"))
        lines.append("")
    if frame.empty:
        lines.append("no findings")
    # columns as wide as their longest entry, so a long metric name shifts every line alike
    tool_width = max([8, *(len(str(tool)) for tool in frame.get("tool", ()))])
    metric_width = max([28, *(len(str(metric)) for metric in frame.get("metric", ()))])
    for row in frame.itertuples(index=False):
        head = (f"{row.severity.upper():9} {row.tool:{tool_width}} {row.metric:{metric_width}} "
                f"observed {_number(row.observed):>8}   threshold {_number(row.threshold)}")
        lines.append(head.rstrip())
        lines.extend(textwrap.wrap(row.explanation, width=width, initial_indent=" " * 10,
                                   subsequent_indent=" " * 10))
        following = getattr(row, "next", "")
        if isinstance(following, str) and following:
            lines.extend(textwrap.wrap(f"next: {following}", width=width,
                                       initial_indent=" " * 10, subsequent_indent=" " * 16))
    counts = frame["severity"].value_counts()
    lines.append("")
    lines.append(", ".join(f"{int(counts.get(s, 0))} {s}" for s in SEVERITIES))
    return "\n".join(lines)
