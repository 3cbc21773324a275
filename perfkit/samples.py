"""Recorded scenarios shipped with perfkit: captures of a machine in a known state.

>>> import perfkit
>>> perfkit.samples.list()                      # doctest: +SKIP
{'idle': 'nothing running: the baseline', 'cpu-saturation': ..., ...}
>>> cap = perfkit.samples.load("cpu-saturation")  # doctest: +SKIP
>>> cap["mpstat"]["cpu"].query("CPU == 'all'")["%idle"].max()  # doctest: +SKIP

The scenarios (``idle``, ``cpu-saturation``, ``hot-thread``, ``memory-swap``, ``oom-kill``,
``disk-saturation``, ``network-retrans``, ``mystery``) are ``perfkit capture --redact``
directories recorded by ``scripts/record_scenarios.sh``, listed in ``MANIFEST.tsv`` (name,
description, commands, date, kernel, sha256) in the scenarios folder, which is found in this
order:

1. the ``data`` argument of :func:`list`, :func:`path` and :func:`load`;
2. the ``PERFKIT_DATA`` environment variable (the folder holding ``MANIFEST.tsv``, or a
   folder with a ``scenarios`` sub-folder that does);
3. the package's data: ``data/scenarios`` next to the ``perfkit`` package in a checkout,
   or ``<prefix>/share/perfkit/scenarios`` where pip installed it.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "MANIFEST.tsv").write_text(
...     "name\\tdescription\\tcommands\\tdate\\tkernel\\tsha256\\n"
...     "idle\\tnothing running: the baseline\\t-\\t2026-11-25\\t6.18\\t0\\n")
>>> list(data=folder)
{'idle': 'nothing running: the baseline'}
"""

from __future__ import annotations

import builtins
import csv
import os
import sys
from pathlib import Path

from .capture.load import Capture, load_capture

#: The scenarios the course uses, in teaching order.
SCENARIOS = ("idle", "cpu-saturation", "hot-thread", "memory-swap", "oom-kill",
             "disk-saturation", "network-retrans", "mystery", "short-lived", "packet-rate",
             "cpu-limit")
MANIFEST = "MANIFEST.tsv"


def _candidates(data: str | os.PathLike | None) -> builtins.list[Path]:
    if data is not None:
        return [Path(data)]
    out = []
    env = os.environ.get("PERFKIT_DATA")
    if env:
        out.append(Path(env))
    here = Path(__file__).resolve().parent
    out.append(here.parent / "data" / "scenarios")
    out.append(Path(sys.prefix) / "share" / "perfkit" / "scenarios")
    return out


def data_dir(data: str | os.PathLike | None = None) -> Path:
    """The scenarios folder (see the module docstring); ``FileNotFoundError`` naming the
    places looked at when there is none."""
    looked = []
    for base in _candidates(data):
        for folder in (base, base / "scenarios"):
            looked.append(str(folder))
            if (folder / MANIFEST).is_file():
                return folder
        if data is not None or os.environ.get("PERFKIT_DATA") == str(base):
            # an explicit choice that holds no manifest: say so rather than look elsewhere
            raise FileNotFoundError(f"no {MANIFEST} in {base} or {base / 'scenarios'}")
    raise FileNotFoundError(f"no recorded scenarios found (looked for {MANIFEST} in: "
                            f"{', '.join(looked)}); set PERFKIT_DATA or record them with "
                            "scripts/record_scenarios.sh")


def _rows(data: str | os.PathLike | None) -> builtins.list[dict[str, str]]:
    folder = data_dir(data)
    with open(folder / MANIFEST, encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle, delimiter="\t") if row.get("name")]


def list(data: str | os.PathLike | None = None) -> dict[str, str]:
    """Scenario names and their one-line descriptions: empty when none are recorded, an
    error when the folder given (``data`` or ``PERFKIT_DATA``) holds no manifest."""
    try:
        rows = _rows(data)
    except FileNotFoundError:
        if data is not None or os.environ.get("PERFKIT_DATA"):
            raise
        return {}
    return {row["name"]: row.get("description", "") for row in rows}


def manifest(data: str | os.PathLike | None = None) -> builtins.list[dict[str, str]]:
    """Every row of ``MANIFEST.tsv`` (name, description, commands, date, kernel, sha256)."""
    return _rows(data)


def path(name: str, data: str | os.PathLike | None = None) -> Path:
    """The capture directory of scenario ``name``; ``KeyError`` listing the known ones."""
    folder = data_dir(data)
    known = [row["name"] for row in _rows(data)]
    if name not in known:
        raise KeyError(f"no scenario {name!r}; recorded: {', '.join(known) or 'none'}")
    target = folder / name
    if not (target / "capture.json").is_file():
        raise FileNotFoundError(f"scenario {name!r} is listed in {folder / MANIFEST} but "
                                f"{target} holds no capture.json")
    return target


def load(name: str, data: str | os.PathLike | None = None) -> Capture:
    """Open scenario ``name`` as a :class:`~perfkit.capture.load.Capture`."""
    return load_capture(path(name, data))
