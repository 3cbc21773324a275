"""The rules behind :func:`perfkit.checklist.findings`, one module per tool.

Each rule reads one tool's frames from a :class:`Context` and returns finding rows (dicts
with the columns of :data:`perfkit.checklist.COLUMNS`); the thresholds come from
:data:`perfkit.checklist.THRESHOLDS`. Rules read derived data (:mod:`perfkit.derive`), never
plots.
"""

from __future__ import annotations

from collections.abc import Callable

from ._common import Context, Row
from .dmesg import check_dmesg
from .free import check_free
from .iostat import check_iostat
from .mpstat import check_mpstat
from .pidstat import check_pidstat
from .sar import check_sar
from .uptime import check_load
from .vmstat import check_vmstat

__all__ = ["RULES", "Context", "Row", "run_rules"]

#: The rules in checklist order.
RULES: tuple[Callable[[Context], list[Row]], ...] = (
    check_load, check_dmesg, check_vmstat, check_mpstat, check_pidstat, check_iostat,
    check_free, check_sar,
)


def run_rules(ctx: Context) -> list[Row]:
    """Every rule's findings, then one info row per missing tool."""
    rows: list[Row] = []
    for check in RULES:
        rows.extend(check(ctx))
    return rows + ctx.missing
