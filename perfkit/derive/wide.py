"""Per-entity wide frames: one column per CPU, device, interface or process, one row per
interval, for heatmaps, stacked plots and rules that compare entities.

>>> import numpy as np, pandas as pd
>>> ordered(["10", "2", "all", "sda"])
['2', '10', 'all', 'sda']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .intervals import positions


def ordered(names: Sequence[Any]) -> list[Any]:
    """Names in natural order: CPUs ``0, 1, 2, ... 10`` numerically, others by name.

    >>> ordered(["10", "2", "all", "0"])
    ['0', '2', '10', 'all']
    """
    def key(name: Any) -> tuple[int, float, str]:
        text = str(name)
        return (0, float(text), "") if text.isdigit() else (1, 0.0, text)

    return sorted(dict.fromkeys(names), key=key)


def wide(frame: pd.DataFrame, key: str, value: str | pd.Series, *,
         xs: np.ndarray | None = None, fill: float | None = 0.0) -> pd.DataFrame:
    """One column per ``key`` (device, process, CPU) and one row per position in time (see
    :func:`~perfkit.derive.intervals.positions`), filled with ``fill`` where an entity
    printed no row (``iostat -z`` and ``pidstat`` leave idle ones out).
    ``xs`` adds positions no row of ``frame`` has.

    >>> f = pd.DataFrame({"report": [1, 1, 2], "Device": ["sda", "vda", "vda"],
    ...                   "%util": [5.0, 1.0, 2.0]})
    >>> wide(f, "Device", "%util", xs=np.array([1, 2, 3])).to_dict("list")
    {'sda': [5.0, 0.0, 0.0], 'vda': [1.0, 2.0, 0.0]}
    """
    x, _ = positions(frame)
    values = frame[value] if isinstance(value, str) else value
    table = pd.DataFrame({"x": x, "key": frame[key].astype(str).to_numpy(),
                          "value": pd.to_numeric(values, errors="coerce").to_numpy()})
    out = table.pivot_table(index="x", columns="key", values="value", aggfunc="mean",
                            dropna=False)
    index = np.unique(np.concatenate([np.asarray(x), np.asarray(xs)])) if xs is not None \
        else np.unique(np.asarray(x))
    out = out.reindex(index=index, columns=ordered(list(out.columns)))
    if fill is not None:
        out = out.fillna(fill)
    out.columns.name = key
    return out
