"""Findings of a capture: every rule's rows, most severe first (see :mod:`perfkit.checklist`).

>>> findings("idle").columns.tolist()  # doctest: +SKIP
['tool', 'metric', 'observed', 'threshold', 'severity', 'explanation', 'next', 'key']
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .open import open_capture
from .thresholds import COLUMNS, SEVERITIES, TOOLS


def findings(capture: Any) -> pd.DataFrame:
    """The findings of a capture (a :class:`~perfkit.capture.Capture`, a capture directory
    or a scenario name); see the module docstring."""
    from .rules import Context, run_rules

    context = Context(open_capture(capture))
    rows = run_rules(context)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["observed"] = pd.to_numeric(frame["observed"]).astype(float)
    frame["threshold"] = pd.to_numeric(frame["threshold"]).astype(float)
    order = {tool: i for i, tool in enumerate(TOOLS)}
    frame = frame.assign(_s=frame["severity"].map(SEVERITIES.index),
                         _t=frame["tool"].map(lambda t: order.get(t, len(order))))
    frame = frame.sort_values(["_s", "_t"], kind="stable").drop(columns=["_s", "_t"])
    return frame.reset_index(drop=True)
