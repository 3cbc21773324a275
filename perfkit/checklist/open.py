"""Open what ``perfkit checklist`` is given: a Capture, a capture directory, or the name of
a recorded scenario.

>>> open_capture("no-such-thing")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
FileNotFoundError: no-such-thing: neither a capture directory nor a recorded scenario...
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def open_capture(source: Any) -> Any:
    """A Capture from a Capture, a capture directory, or the name of a shipped scenario."""
    if hasattr(source, "meta") and hasattr(source, "tools"):
        return source
    from .. import samples
    from ..capture import load_capture

    path = Path(source)
    if path.is_dir():
        return load_capture(path)
    try:
        known = samples.list()
    except FileNotFoundError:
        known = {}
    if str(source) in known:
        return samples.load(str(source))
    raise FileNotFoundError(f"{source}: neither a capture directory nor a recorded scenario"
                            + (f" ({', '.join(known)})" if known else ""))
