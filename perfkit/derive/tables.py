"""One table of a parsed output or a capture, with the facts needed to read it.

>>> import pandas as pd
>>> from perfkit.result import Tables
>>> cpu_count(3), cpu_count(None, Tables({}, attrs={"cpus": 2}))
(3, 2)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def capture_source(obj: Any, tool: str) -> tuple[Any, dict[str, Any]]:
    """``(data, facts)``: ``obj[tool]`` and the capture's facts (``cpus``, ``tz``) when
    ``obj`` is a :class:`~perfkit.capture.Capture`, else ``obj`` itself and ``{}``."""
    if hasattr(obj, "meta") and hasattr(obj, "tools") and hasattr(obj, "raw"):
        facts = {"cpus": obj.meta.get("cpus"),
                 "tz": (obj.meta.get("environment") or {}).get("TZ")}
        return obj[tool], facts
    return obj, {}


def cpu_count(*sources: Any) -> int | None:
    """The first CPU count given: an ``int``, or ``attrs["cpus"]`` of a frame or Tables."""
    for source in sources:
        if source is None:
            continue
        if isinstance(source, int | np.integer) and not isinstance(source, bool):
            return int(source)
        attrs = getattr(source, "attrs", None)
        if isinstance(attrs, dict) and attrs.get("cpus"):
            return int(attrs["cpus"])
    return None


def table(data: Any, name: str, tool: str) -> pd.DataFrame:
    """Table ``name`` of a :class:`~perfkit.Tables` (a DataFrame is taken as that table),
    carrying the Tables' facts (not its frames, such as sar's ``restarts``, which would break
    ``pd.concat`` of the frame's descendants); a ``KeyError`` naming the tables there
    otherwise. The Tables' own frame is left as it is.

    >>> from perfkit.result import Tables
    >>> t = Tables({"DEV": pd.DataFrame({"x": [1]})},
    ...            attrs={"cpus": 2, "restarts": pd.DataFrame()})
    >>> sorted(table(t, "DEV", "sar").attrs), t["DEV"].attrs
    (['cpus'], {})
    """
    if isinstance(data, pd.DataFrame):
        return data
    if name not in data:
        raise KeyError(f"{tool}: no {name!r} table here (tables: {', '.join(data)})")
    frame = data[name]
    extra = {key: value for key, value in getattr(data, "attrs", {}).items()
             if key not in frame.attrs and not isinstance(value, (pd.DataFrame, dict))}
    if extra:  # on a copy: a plot must not change the caller's frame
        frame = frame.copy(deep=False)
        frame.attrs.update(extra)
    return frame
