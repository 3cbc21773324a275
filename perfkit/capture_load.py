"""Reading a capture directory: :func:`load_capture` and the :class:`Capture` it returns.

>>> import perfkit
>>> cap = perfkit.load_capture("my-capture")            # doctest: +SKIP
>>> cap.tools                                           # doctest: +SKIP
['uptime', 'dmesg', 'vmstat', 'mpstat', 'pidstat', 'iostat', 'sar', 'free', 'top']
>>> cap["vmstat"][["time", "r", "us", "sy", "id"]]      # doctest: +SKIP
>>> cap["sar"]["TCP"], cap["free"].query("when == 'end'")  # doctest: +SKIP
>>> print(cap.raw("dmesg"))                             # doctest: +SKIP

Each tool's output is parsed on first use (``perfkit.read``) and kept. ``cap["sar"]`` joins
``sar -n DEV`` and ``sar -n TCP,ETCP`` into one :class:`~perfkit.Tables` (``DEV``, ``TCP``,
``ETCP``); ``cap["free"]`` and every table of ``cap["top"]`` hold the start and end
snapshots with a ``when`` column (``"start"``/``"end"``). ``uptime`` and ``top`` print only
a time of day, so their ``time`` column is placed on the capture's UTC start date (the
tools ran with ``TZ=UTC``), rolling over midnight. A redacted capture also has
``cap["sar-all"]``, every activity of the deleted binary sar file, as text.

When a tool was missing and psutil stood in (``cap.meta["psutil"]``), the same keys give
frames read from the ``psutil-*.csv`` files, with the tool's column names where the quantity
exists (``cap["mpstat"]["cpu"]["%usr"]``) and ``attrs["source"] == "psutil"``. A tool that is
neither there nor stood in for raises ``KeyError`` with the reason recorded at capture time.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from .capture_meta import SCHEMA_VERSION
from .capture_plan import TOOL_STEPS
from .result import Tables

#: Keys a capture may offer besides the checklist tools.
EXTRA = {"sar-all": ("sar-all",)}
_USABLE = ("ok", "interrupted", "timed out", "failed")
_PSUTIL_TEXT_COLUMNS = {"CPU", "Device", "IFACE", "Command", "when", "kind"}


def _placeholder_date(frame: pd.DataFrame, start: pd.Timestamp) -> pd.DataFrame:
    """Move ``time`` values printed without a date (times of day as ``timedelta64``, or, from
    older parsers, placed on 1970-01-01) to the capture's start date, adding a day to times
    more than 12 hours before the start (the clock went past midnight).

    >>> f = pd.DataFrame({"time": pd.to_datetime(["1970-01-01 23:59:58",
    ...                                           "1970-01-01 00:00:03"])})
    >>> _placeholder_date(f, pd.Timestamp("2026-11-24 23:59:57"))["time"].tolist()
    [Timestamp('2026-11-24 23:59:58'), Timestamp('2026-11-25 00:00:03')]
    >>> f = pd.DataFrame({"time": pd.to_timedelta(["23:59:58", "1 days 00:00:03"])})
    >>> _placeholder_date(f, pd.Timestamp("2026-11-24 23:59:57"))["time"].tolist()
    [Timestamp('2026-11-24 23:59:58'), Timestamp('2026-11-25 00:00:03')]
    """
    if "time" not in frame.columns:
        return frame
    times = frame["time"]
    if pd.api.types.is_timedelta64_dtype(times):
        of_day = times
    elif not pd.api.types.is_datetime64_any_dtype(times) or times.isna().all() or \
            (times.dropna().dt.year != 1970).any():
        return frame
    else:
        of_day = times - pd.Timestamp(1970, 1, 1)
    start_day = start.normalize()
    since_start = of_day - (start - start_day)
    rolled = since_start < pd.Timedelta(hours=-12)
    fixed = start_day + of_day + pd.to_timedelta(rolled.astype(int), unit="D")
    out = frame.copy()
    out["time"] = fixed.astype("datetime64[ns]")
    out.attrs.update(frame.attrs)
    out.attrs["date_from"] = "capture.json started_utc"
    return out


def _with_when(frame: pd.DataFrame, when: str) -> pd.DataFrame:
    out = frame.copy()
    out.insert(0, "when", when)
    return out


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    attrs = dict(frames[0].attrs) if frames else {}
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    out.attrs.update(attrs)
    return out


def _merge_tables(parts: list[tuple[str | None, Tables]]) -> Tables:
    """Join several Tables; with a ``when`` label, rows of the same table are stacked."""
    tables: dict[str, list[pd.DataFrame]] = {}
    averages: dict[str, list[pd.DataFrame]] = {}
    attrs: dict[str, Any] = {}
    for when, part in parts:
        for key, value in part.attrs.items():
            attrs.setdefault(key, value)
        for target, source in ((tables, part), (averages, part.averages)):
            for name, frame in source.items():
                target.setdefault(name, []).append(
                    _with_when(frame, when) if when else frame)
    return Tables({k: _concat(v) for k, v in tables.items()},
                  averages={k: _concat(v) for k, v in averages.items()}, attrs=attrs)


class Capture:
    """A capture directory (see the module docstring). ``meta`` is ``capture.json``."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        meta_file = self.path / "capture.json"
        if not meta_file.is_file():
            raise FileNotFoundError(f"{self.path} holds no capture.json: not a perfkit "
                                    "capture")
        self.meta: dict[str, Any] = json.loads(meta_file.read_text(encoding="utf-8"))
        version = self.meta.get("schema_version")
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise ValueError(f"{meta_file}: schema_version {version!r} is not one this "
                             f"perfkit reads (up to {SCHEMA_VERSION})")
        self._entries = {e["name"]: e for e in self.meta.get("commands", [])}
        self._cache: dict[str, Any] = {}

    # -- what is there -------------------------------------------------------------------
    def _steps(self, name: str) -> tuple[str, ...]:
        if name in TOOL_STEPS:
            return TOOL_STEPS[name]
        if name in EXTRA:
            return EXTRA[name]
        if name in self._entries:
            return (name,)
        raise KeyError(f"{name!r} is not part of a capture; known: "
                       f"{', '.join([*TOOL_STEPS, *EXTRA])}")

    def _text_files(self, name: str) -> list[tuple[dict[str, Any], Path]]:
        out = []
        for step in self._steps(name):
            entry = self._entries.get(step)
            if entry is None or not entry.get("stdout"):
                continue
            path = self.path / entry["stdout"]
            if entry.get("status") in _USABLE and path.is_file() and path.stat().st_size:
                out.append((entry, path))
        return out

    def _psutil_files(self, name: str) -> list[Path]:
        info = self.meta.get("psutil") or {}
        files = (info.get("tools") or {}).get(name) or []
        return [self.path / f for f in files if (self.path / f).is_file()]

    def reason(self, name: str) -> str | None:
        """Why ``name`` is not in the capture (``None`` when it is)."""
        if name in self:
            return None
        missing = self.meta.get("missing") or {}
        if name in missing:
            return missing[name]
        for step in self._steps(name):
            entry = self._entries.get(step)
            if entry is not None and entry.get("error"):
                return f"{entry['command']}: {entry['error']}"
        return "not recorded in this capture"

    @property
    def tools(self) -> list[str]:
        """The tools whose output (or psutil stand-in) this capture holds."""
        return [name for name in [*TOOL_STEPS, *EXTRA] if name in self]

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        try:
            return bool(self._text_files(name) or self._psutil_files(name))
        except KeyError:
            return False

    def __iter__(self):
        return iter(self.tools)

    def keys(self) -> list[str]:
        """Same as :attr:`tools`."""
        return self.tools

    def __len__(self) -> int:
        return len(self.tools)

    def __repr__(self) -> str:
        state = "complete" if self.meta.get("complete") else "partial"
        source = ", psutil" if self.meta.get("psutil") else ""
        return (f"<Capture {self.path.name}: {state}{source}, host "
                f"{self.meta.get('host')!r}, {self.meta.get('started_utc')}, "
                f"tools {self.tools}>")

    # -- text ----------------------------------------------------------------------------
    def raw(self, name: str) -> str:
        """The text a tool printed (``"free"``: start then end; ``"free-end"``: one step;
        a psutil stand-in: its CSV text)."""
        files = self._text_files(name)
        paths = [p for _, p in files] or self._psutil_files(name)
        if not paths:
            raise KeyError(f"{name}: {self.reason(name)}")
        return "".join(p.read_text(encoding="utf-8", errors="replace") for p in paths)

    @property
    def sa_file(self) -> Path | None:
        """The binary sysstat file (``sar -f``, ``perfkit.read``), when kept."""
        for entry in self._entries.values():
            for name in entry.get("files", []):
                path = self.path / name
                if path.suffix == ".data" and path.is_file():
                    return path
        return None

    # -- frames -------------------------------------------------------------------------
    def __getitem__(self, name: str) -> Any:
        if name in self._cache:
            return self._cache[name]
        files = self._text_files(name)
        if files:
            value = self._parse(name, files)
        elif self._psutil_files(name):
            value = self._from_psutil(name)
        else:
            raise KeyError(f"{name}: {self.reason(name)}")
        self._cache[name] = value
        return value

    def _start(self) -> pd.Timestamp:
        text = self.meta.get("started_utc")
        stamp = pd.Timestamp(text) if text else pd.Timestamp(1970, 1, 1)
        return stamp.tz_convert(None) if stamp.tzinfo is not None else stamp

    def _fix_dates(self, value: Any) -> Any:
        start = self._start()
        if isinstance(value, Tables):
            fixed = Tables({k: _placeholder_date(v, start) for k, v in value.items()},
                           averages=dict(value.averages), attrs=dict(value.attrs))
            return fixed
        return _placeholder_date(value, start)

    def _parse(self, name: str, files: list[tuple[dict[str, Any], Path]]) -> Any:
        tool = files[0][0]["tool"]
        parsed = [(entry, _read(path, tool, entry.get("argv") or [])) for entry, path in files]
        if name in ("uptime", "top"):
            parsed = [(entry, self._fix_dates(value)) for entry, value in parsed]
        if len(parsed) == 1 and not parsed[0][0].get("when"):
            return parsed[0][1]
        if isinstance(parsed[0][1], Tables):
            return _merge_tables([(entry.get("when"), value) for entry, value in parsed])
        return _concat([_with_when(value, entry.get("when") or entry["name"])
                        for entry, value in parsed])

    def _from_psutil(self, name: str) -> Any:
        frames = {path.name: _read_psutil_csv(path) for path in self._psutil_files(name)}
        first = next(iter(frames.values()))
        if name in ("vmstat", "uptime", "free"):
            if name == "vmstat":
                first.insert(len(first.columns), "since_boot", False)
            return first
        names = {"mpstat": {"psutil-mpstat.csv": "cpu"},
                 "pidstat": {"psutil-pidstat.csv": "cpu"},
                 "iostat": {"psutil-iostat.csv": "devices"},
                 "sar": {"psutil-sar-dev.csv": "DEV", "psutil-sar-edev.csv": "EDEV"}}[name]
        return Tables({names[f]: frame for f, frame in frames.items() if f in names},
                      attrs={"source": "psutil"})


#: free's flags that set the unit of the numbers it prints (the text does not say).
_FREE_UNITS = {"-b": "B", "--bytes": "B", "-k": "KiB", "--kibi": "KiB", "-m": "MiB",
               "--mebi": "MiB", "-g": "GiB", "--gibi": "GiB", "--tebi": "TiB",
               "--pebi": "PiB", "--kilo": "kB", "--mega": "MB", "--giga": "GB",
               "--tera": "TB", "--peta": "PB"}


def parse_options(tool: str, argv: list[str]) -> dict[str, Any]:
    """What the command line tells the parser that the text does not: ``free -m`` prints
    MiB without saying so.

    >>> parse_options("free", ["free", "-m"]), parse_options("vmstat", ["vmstat", "1"])
    ({'unit': 'MiB', 'si': False}, {})
    >>> parse_options("vmstat", ["vmstat", "-S", "M", "1"])
    {'unit': 'M'}
    """
    if tool == "free":
        units = [_FREE_UNITS[a] for a in argv if a in _FREE_UNITS]
        if units:
            return {"unit": units[-1], "si": "--si" in argv}
    if tool == "vmstat":
        unit = None
        for index, arg in enumerate(argv):
            if arg in ("-S", "--unit") and index + 1 < len(argv):
                unit = argv[index + 1]
            elif arg.startswith("--unit="):
                unit = arg.partition("=")[2]
            elif arg.startswith("-S") and len(arg) > 2:
                unit = arg[2:]
        if unit:
            return {"unit": unit}
    return {}


def _read(path: Path, tool: str, argv: list[str]) -> Any:
    """Parse one output file, with the options its command line implies."""
    import perfkit

    return perfkit.read(path, tool=tool, **parse_options(tool, argv))


def _read_psutil_csv(path: Path) -> pd.DataFrame:
    """A ``psutil-*.csv`` file as a frame (its first line is the psutil note)."""
    with open(path, encoding="utf-8") as handle:
        note = handle.readline().lstrip("# ").strip()
        frame = pd.read_csv(handle, dtype={c: str for c in _PSUTIL_TEXT_COLUMNS})
    if "time" in frame.columns:
        frame["time"] = pd.to_datetime(frame["time"]).astype("datetime64[ns]")
    frame.attrs.update(source="psutil", note=note)
    return frame


def load_capture(path: str | os.PathLike) -> Capture:
    """Open a directory written by ``perfkit capture`` (see :class:`Capture`)."""
    return Capture(path)
