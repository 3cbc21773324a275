"""The first line of every sysstat report, and what it tells about the machine.

>>> facts = parse_banner("Linux 6.1.0-26-amd64 (web1) \\t11/24/26 \\t_x86_64_\\t(2 CPU)")
>>> facts["kernel"], facts["host"], facts["date_text"], facts["arch"], facts["cpus"]
('6.1.0-26-amd64', 'web1', '11/24/26', 'x86_64', 2)
>>> parse_banner("Linux 3.11.0-23-generic (h) \tThursday 04 September 2014 \t_i686_\t(2 CPU)")[
...     "date_text"]
'Thursday 04 September 2014'
"""

from __future__ import annotations

import re
from typing import Any

# a long date as a locale's %x may print it: "Thursday 04 September 2014", "4 September 2014",
# "Thursday, September 4, 2014" (a weekday, then day and month in either order, then the year)
_LONG_DATE = (r"(?:[^\W\d_]+,?\s+)?(?:\d{1,2}\.?\s+[^\W\d_]+\.?"
              r"|[^\W\d_]+\.?\s+\d{1,2}\.?),?\s+\d{4}")
BANNER = re.compile(
    r"^(?P<os>[A-Za-z][\w.-]*)\s+(?P<kernel>\S+)\s+\((?P<host>[^)]*)\)\s+"
    rf"(?P<date>{_LONG_DATE}|\S+)\s*(?:_(?P<arch>[^_\s]+(?:_[^_\s]+)*)_)?\s*(?:\((?P<cpus>\d+)\s+CPU\))?\s*$"
)


def is_banner(line: str) -> bool:
    """True for a sysstat banner line such as ``Linux 6.1.0 (host) 11/24/26 _x86_64_ (2 CPU)``."""
    return bool(BANNER.match(line.strip()))


def parse_banner(line: str) -> dict[str, Any]:
    """Split a banner into ``os``, ``kernel``, ``host``, ``date_text``, ``arch``, ``cpus``.

    Raises ``ValueError`` when the line is not a banner.
    """
    match = BANNER.match(line.strip())
    if not match:
        raise ValueError(f"not a sysstat banner: {line!r}")
    return {
        "os": match.group("os"),
        "kernel": match.group("kernel"),
        "host": match.group("host"),
        "date_text": match.group("date"),
        "arch": match.group("arch"),
        "cpus": int(match.group("cpus")) if match.group("cpus") else None,
    }
