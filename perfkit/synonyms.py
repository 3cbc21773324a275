"""One metric, several printed names: the table of synonyms across tool versions.

perfkit keeps every column under the name the tool printed, so a frame reads like the
terminal. Versions rename columns, though (sysstat 11.5.7 turned ``avgqu-sz`` into
``aqu-sz``; 12.7.6 turned ``retrans/s`` into ``retrseg/s``). Code that wants "the queue
length, whatever this version called it" asks :func:`column`:

>>> import pandas as pd
>>> old = pd.DataFrame({"Device:": ["sda"], "avgqu-sz": [2.5]})
>>> column(old, "aqu-sz").tolist(), find(old, "Device")
([2.5], 'Device:')

Each entry maps the current C-locale name to the older (or alternative) names.
"""

from __future__ import annotations

import pandas as pd

#: Current name -> other names the same metric has been printed under.
SYNONYMS: dict[str, tuple[str, ...]] = {
    # iostat -x: sysstat 11.5.7 renamed these and dropped the colon after "Device"
    "Device": ("Device:", "DEV"),
    "aqu-sz": ("avgqu-sz",),
    "areq-sz": ("avgrq-sz",),
    # sysstat JSON writes "util" where the text writes "%util"
    "%util": ("util",),
    # sar -n ETCP: sysstat 12.7.6 renamed retrans/s
    "retrseg/s": ("retrans/s",),
    # the same CPU time under sar's default and mpstat/sar ALL names (sar's %user and
    # %system include guest and irq time in some versions: compare with care)
    "%usr": ("%user",),
    "%sys": ("%system",),
    # (free's buff/cache has no synonym: procps-ng 3.3.10 made it of the old layout's
    # buffers and cached together, so old "cached" alone is a smaller quantity)
    # top's process table: the header is %CPU, some versions print CPU%
    "%CPU": ("CPU%",),
}

_REVERSE: dict[str, str] = {}
for _name, _others in SYNONYMS.items():
    for _other in _others:
        _REVERSE.setdefault(_other, _name)


def canonical(name: str) -> str:
    """The current name of a column printed as ``name`` (``"avgqu-sz"`` -> ``"aqu-sz"``)."""
    return _REVERSE.get(name, name)


def find(frame: pd.DataFrame, name: str) -> str | None:
    """The column of ``frame`` that holds metric ``name`` under any of its names, or None."""
    if name in frame.columns:
        return name
    for other in SYNONYMS.get(canonical(name), ()):
        if other in frame.columns:
            return other
    target = canonical(name)
    for col in frame.columns:
        if canonical(str(col)) == target:
            return str(col)
    return None


def column(frame: pd.DataFrame, name: str) -> pd.Series:
    """The column holding metric ``name``; ``KeyError`` naming the columns there otherwise."""
    found = find(frame, name)
    if found is None:
        raise KeyError(f"no column for {name!r} (or its synonyms "
                       f"{SYNONYMS.get(canonical(name), ())}); columns: {list(frame.columns)}")
    return frame[found]
