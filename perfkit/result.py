"""The container returned by tools whose output holds several tables.

sysstat's tools (``mpstat``, ``pidstat``, ``iostat``, ``sar``) and ``top`` print several
kinds of table in one output. Their readers return a :class:`Tables`: a ``dict`` of
DataFrames keyed by a documented table name, plus

* ``tables.averages``: the ``Average:`` rows (or ``Moyenne :``, ``Durchschn.:``...) that
  sysstat prints at the end, one DataFrame per table name, never mixed with the samples;
* ``tables.attrs``: facts from the banner (kernel, host, date, CPU count...), which every
  frame also carries in its own ``.attrs``.

>>> import pandas as pd
>>> t = Tables({"cpu": pd.DataFrame({"%usr": [1.0]})}, attrs={"cpus": 2})
>>> t["cpu"]["%usr"].iloc[0], t.attrs["cpus"], dict(t.averages)
(np.float64(1.0), 2, {})
"""

from __future__ import annotations

from typing import Any

import pandas as pd


class Tables(dict[str, pd.DataFrame]):
    """A dict of DataFrames with ``.averages`` and ``.attrs`` (see the module docstring)."""

    def __init__(self, tables: dict[str, pd.DataFrame] | None = None, *,
                 averages: dict[str, pd.DataFrame] | None = None,
                 attrs: dict[str, Any] | None = None) -> None:
        super().__init__(tables or {})
        self.averages: dict[str, pd.DataFrame] = dict(averages or {})
        self.attrs: dict[str, Any] = dict(attrs or {})

    def __repr__(self) -> str:
        inner = ", ".join(f"{name!r}: {len(df)}x{df.shape[1]}" for name, df in self.items())
        extra = f", averages={sorted(self.averages)}" if self.averages else ""
        return f"Tables({{{inner}}}{extra})"
