"""The small fleet shipped with perfkit: real sa files of several hosts (data/fleet).

>>> from perfkit.lake import shipped
>>> shipped.fleet_dir().name                                    # doctest: +SKIP
'fleet'
>>> [p.name for p in shipped.sources(binary=True)][:2]          # doctest: +SKIP
['cache-1-memory.sa', 'db-1-io.sa']

The folder is found like the scenarios (:mod:`perfkit.samples`): ``PERFKIT_DATA/fleet``,
then ``data/fleet`` next to the package in a checkout, then ``<prefix>/share/perfkit/fleet``
where pip installed it. It holds the sa files; ``fleet-text`` beside it holds their
``sadf -d`` renderings, for machines without sysstat: :func:`sources` gives the sa files
when ``sadf`` is installed and the renderings otherwise (the same samples: ingest one or
the other into a lake, never both).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path


def fleet_dir() -> Path:
    """The shipped fleet's folder; ``FileNotFoundError`` naming the places tried."""
    tried = []
    env = os.environ.get("PERFKIT_DATA")
    if env:
        tried.append(Path(env) / "fleet")
    tried.append(Path(__file__).resolve().parent.parent.parent / "data" / "fleet")
    tried.append(Path(sys.prefix) / "share" / "perfkit" / "fleet")
    for folder in tried:
        if (folder / "PROVENANCE.tsv").is_file():
            return folder
    raise FileNotFoundError("the shipped fleet was not found in: "
                            + ", ".join(str(p) for p in tried))


def sources(binary: bool | None = None) -> list[Path]:
    """The fleet's files: the sa files (``binary=True``, the default when ``sadf`` is
    installed) or their sadf -d renderings."""
    folder = fleet_dir()
    if binary is None:
        binary = shutil.which("sadf") is not None
    if binary:
        return sorted(folder.glob("*.sa"))
    return sorted((folder.parent / "fleet-text").glob("*.csv"))
