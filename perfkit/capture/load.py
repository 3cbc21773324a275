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
``ETCP``); every table of ``cap["top"]`` holds the start and end snapshots (top's second
iteration of each) with a ``when`` column (``"start"``/``"end"``); ``cap["free"]`` holds
``free -s``'s sample of every interval with a ``time`` (the step's start plus the sample
number times the interval: free prints no time) and a ``when`` (``"start"``, ``"during"``,
``"end"``; captures recorded before this hold only a start and an end snapshot).
``uptime`` and ``top`` print only a time of day, so their ``time`` column is placed on the
capture's UTC start date (the tools ran with ``TZ=UTC``), rolling over midnight.
``cap["sar-all"]`` holds every activity sar recorded: a redacted capture's ``sar-all.txt``
(the binary file rendered as text, then deleted), or else the binary ``sar.data`` read
through ``sadf`` (where sysstat is installed).

Only regular files inside the directory are read, never through a symbolic link, and never
a path from ``capture.json`` that leaves the directory; files larger than
:data:`MAX_FILE_BYTES` (``capture.json``: :data:`MAX_META_BYTES`) are refused before they
are read; ``capture.json`` is checked against its layout (:mod:`perfkit.capture.schema`).
Each problem raises :class:`~perfkit.capture.schema.CaptureFileError` (a ``ValueError``)
naming the file and field. A capture whose ``capture.json`` still says "in progress" (its
perfkit was killed) loads with a :class:`~perfkit.ParseWarning` saying so.

When a tool was missing and psutil stood in (``cap.meta["psutil"]``), the same keys give
frames read from the ``psutil-*.csv`` files, with the tool's column names where the quantity
exists (``cap["mpstat"]["cpu"]["%usr"]``) and ``attrs["source"] == "psutil"``. A tool that is
neither there nor stood in for raises ``KeyError`` with the reason recorded at capture time.
"""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import warn
from ..result import Tables
from .checks import FROZEN_VMSTAT
from .plan import TOOL_STEPS
from .schema import CaptureFileError, is_file_name, validate

#: The largest capture.json read (bytes): 16 MiB.
MAX_META_BYTES = 16 << 20
#: The largest output file read (bytes): 512 MiB, about ten hours of ``pidstat 1`` on a
#: busy machine; a larger file is refused before any of it is read.
MAX_FILE_BYTES = 512 << 20
#: What a capture left "in progress" means.
UNFINISHED = ("the capture never finished (the perfkit that wrote it was killed, or is "
              "still running): its outputs may stop early and capture.json lacks the end")

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


def _last_iteration(tables: Tables) -> Tables:
    """top's last iteration only: ``perfkit capture`` runs ``top -n 2 -d N`` because the
    first iteration's CPU figures cover top's own start-up."""
    summary = tables.get("summary")
    if summary is None or "iteration" not in summary.columns or summary.empty:
        return tables
    last = summary["iteration"].max()
    kept = {}
    for key, frame in tables.items():
        if "iteration" in frame.columns:
            frame = frame[frame["iteration"] == last].reset_index(drop=True)
            frame.attrs.update(tables[key].attrs)
        kept[key] = frame
    out = Tables(kept, averages=dict(tables.averages), attrs=dict(tables.attrs))
    out.attrs["iteration_kept"] = int(last)
    return out


def _free_times(frame: pd.DataFrame, entry: dict[str, Any]) -> pd.DataFrame:
    """``when`` and ``time`` columns for ``free -s N`` samples (free prints no time):
    sample k was printed k intervals after the step started (``started_utc`` in
    capture.json); ``when`` is ``start`` for the first, ``end`` for the last, ``during``
    between."""
    argv = entry.get("argv") or []
    if "-s" not in argv or "sample" not in frame.columns or not entry.get("started_utc"):
        return frame
    try:
        every = float(argv[argv.index("-s") + 1])
    except (IndexError, ValueError):
        return frame
    start = pd.Timestamp(entry["started_utc"]).tz_convert(None).floor("us")
    out = frame.copy()
    out.insert(0, "time", (start + pd.to_timedelta(frame["sample"] * every, unit="s"))
               .astype("datetime64[ns]"))
    # as the start and end snapshots of captures before free ran every interval were
    # labelled: the first sample is "start", the last "end", the others "during"
    last = frame["sample"].max()
    out.insert(0, "when", ["start" if k == 0 else "end" if k == last else "during"
                           for k in frame["sample"]])
    out.attrs.update(frame.attrs)
    out.attrs["time_from"] = (f"free -s prints no times: the step's start ({start}) + "
                              f"sample x {every:g} s")
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
        if not meta_file.is_file() and not meta_file.is_symlink():
            raise FileNotFoundError(f"{self.path} holds no capture.json: not a perfkit "
                                    "capture")
        raw = read_inside(self.path, "capture.json", limit=MAX_META_BYTES)
        try:
            meta = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise CaptureFileError(f"{meta_file}: not UTF-8 text (byte {exc.start})") from None
        except json.JSONDecodeError as exc:
            raise CaptureFileError(f"{meta_file}: not valid JSON: {exc.msg} at line "
                                   f"{exc.lineno}, column {exc.colno}") from None
        validate(meta, str(meta_file))
        self.meta: dict[str, Any] = meta
        self._entries = {e["name"]: e for e in self.meta.get("commands", [])}
        self._cache: dict[str, Any] = {}
        self._sizes = self._check_files()
        if self.meta["status"] == "in progress":
            warn(f"{meta_file}: status 'in progress': {UNFINISHED}")

    def _listed(self) -> set[str]:
        names = set(self.meta.get("files") or [])
        for entry in self._entries.values():
            names.update(n for n in (entry.get("stdout"), entry.get("stderr")) if n)
            names.update(entry.get("files") or [])
        for files in ((self.meta.get("psutil") or {}).get("tools") or {}).values():
            names.update(files)
        names.discard("capture.json")
        return names

    def _check_files(self) -> dict[str, int]:
        """Every file capture.json names that exists: a regular file (not a symbolic link)
        within the size limit; their sizes."""
        sizes = {}
        for name in sorted(self._listed()):
            size = regular_size(self.path, name, limit=MAX_FILE_BYTES)
            if size is not None:
                sizes[name] = size
        return sizes

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
            if entry.get("status") in _USABLE and self._sizes.get(entry["stdout"]):
                out.append((entry, path))
        return out

    def _psutil_files(self, name: str) -> list[Path]:
        info = self.meta.get("psutil") or {}
        files = (info.get("tools") or {}).get(name) or []
        return [self.path / f for f in files if f in self._sizes]

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
            return bool(self._text_files(name) or self._psutil_files(name)
                        or self._sa_all(name))
        except KeyError:
            return False

    def _sa_all(self, name: str) -> bool:
        """Whether ``name`` is ``sar-all`` to be read from the kept binary file (sadf)."""
        from ..runner import which

        return (name == "sar-all" and not self._text_files(name)
                and self.sa_file is not None and which("sadf") is not None)

    def __iter__(self):
        return iter(self.tools)

    def keys(self) -> list[str]:
        """Same as :attr:`tools`."""
        return self.tools

    def __len__(self) -> int:
        return len(self.tools)

    def __repr__(self) -> str:
        state = "complete" if self.meta.get("complete") else "partial"
        if self.meta.get("status") == "in progress":
            state = "in progress (never finished)"
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
        return "".join(read_inside(self.path, p.name, limit=MAX_FILE_BYTES).decode(
            "utf-8", "replace") for p in paths)

    @property
    def sa_file(self) -> Path | None:
        """The binary sysstat file (``sar -f``, ``perfkit.read``), when kept."""
        for entry in self._entries.values():
            for name in entry.get("files", []):
                path = self.path / name
                if path.suffix == ".data" and name in self._sizes:
                    return path
        return None

    # -- frames -------------------------------------------------------------------------
    def __getitem__(self, name: str) -> Any:
        if name in self._cache:
            return self._cache[name]
        files = self._text_files(name)
        if files:
            value = self._parse(name, files)
        elif self._sa_all(name):
            from .. import read

            value = read(self.sa_file)
        elif self._psutil_files(name):
            value = self._from_psutil(name)
        else:
            raise KeyError(f"{name}: {self.reason(name)}")
        self._cache[name] = value
        if name == "vmstat" and files:
            self._warn_frozen(value)
        return value

    def _warn_frozen(self, vmstat: pd.DataFrame) -> None:
        """Repeat capture.json's note on a frozen vmstat as a warning (captures recorded
        before perfkit checked this carry no note and give no warning)."""
        notes = self.meta.get("notes") or []
        if FROZEN_VMSTAT in notes:
            warn(f"{self.path / 'vmstat.txt'}: {FROZEN_VMSTAT}", tool="vmstat")

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
        parsed = [(entry, _read(read_inside(self.path, path.name, limit=MAX_FILE_BYTES), tool,
                                entry.get("argv") or [])) for entry, path in files]
        if name == "top":
            parsed = [(entry, _last_iteration(value)) for entry, value in parsed]
        if name in ("uptime", "top"):
            parsed = [(entry, self._fix_dates(value)) for entry, value in parsed]
        if name == "free":
            parsed = [(entry, _free_times(value, entry)) for entry, value in parsed]
        if len(parsed) == 1 and not parsed[0][0].get("when"):
            return parsed[0][1]
        if isinstance(parsed[0][1], Tables):
            return _merge_tables([(entry.get("when"), value) for entry, value in parsed])
        return _concat([_with_when(value, entry.get("when") or entry["name"])
                        for entry, value in parsed])

    def _from_psutil(self, name: str) -> Any:
        frames = {path.name: _read_psutil_csv(read_inside(self.path, path.name,
                                                          limit=MAX_FILE_BYTES))
                  for path in self._psutil_files(name)}
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


def parse_options(tool: str, argv: list[str]) -> dict[str, Any]:
    """What the command line tells the parser that the text does not (``free -m`` prints
    MiB without saying so): the parser's own ``options_from_command``, when it has one.

    >>> parse_options("free", ["free", "-m"]), parse_options("vmstat", ["vmstat", "1"])
    ({'unit': 'MiB', 'si': False}, {})
    >>> parse_options("vmstat", ["vmstat", "-S", "M", "1"])
    {'unit': 'M'}
    """
    from ..registry import parser

    try:
        module = parser(tool)
    except ValueError:
        return {}
    reader = getattr(module, "options_from_command", None)
    return reader(list(argv)) if reader is not None else {}


def _read(data: bytes, tool: str, argv: list[str]) -> Any:
    """Parse one output file's bytes, with the options its command line implies."""
    import perfkit

    return perfkit.read(io.BytesIO(data), tool=tool, **parse_options(tool, argv))


def _read_psutil_csv(data: bytes) -> pd.DataFrame:
    """A ``psutil-*.csv`` file as a frame (its first line is the psutil note)."""
    with io.StringIO(data.decode("utf-8", "replace")) as handle:
        note = handle.readline().lstrip("# ").strip()
        frame = pd.read_csv(handle, dtype={c: str for c in _PSUTIL_TEXT_COLUMNS})
    if "time" in frame.columns:
        frame["time"] = pd.to_datetime(frame["time"]).astype("datetime64[ns]")
    frame.attrs.update(source="psutil", note=note)
    return frame


def _open_regular(folder: Path, name: str) -> tuple[int, int]:
    """Open ``folder/name`` without following a symbolic link; (fd, size) of a regular
    file. Raises :class:`CaptureFileError` naming the file otherwise."""
    path = folder / name
    if not is_file_name(name):
        raise CaptureFileError(f"{path}: not a file name inside the capture directory")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if path.is_symlink():
            raise CaptureFileError(f"{path}: a symbolic link ({os.readlink(path)!r}); a "
                                   "capture's files are read only when they are regular "
                                   "files inside its directory") from None
        raise CaptureFileError(f"{path}: cannot be opened: {exc.strerror}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise CaptureFileError(f"{path}: not a regular file")
    return fd, info.st_size


def _too_big(path: Path, size: int, limit: int) -> CaptureFileError:
    return CaptureFileError(f"{path}: {size} bytes, more than the {limit} bytes perfkit "
                            "reads from a capture file (perfkit.capture.load.MAX_FILE_BYTES "
                            "and MAX_META_BYTES)")


def regular_size(folder: Path, name: str, *, limit: int) -> int | None:
    """The size of ``folder/name`` when it is a regular file within ``limit`` bytes,
    ``None`` when it does not exist; :class:`CaptureFileError` for a symbolic link,
    anything else or a larger file."""
    if not os.path.lexists(folder / name):
        return None
    fd, size = _open_regular(folder, name)
    os.close(fd)
    if size > limit:
        raise _too_big(folder / name, size, limit)
    return size


def read_inside(folder: Path, name: str, *, limit: int) -> bytes:
    """The bytes of the regular file ``name`` inside ``folder`` (never through a symbolic
    link), refused before reading when larger than ``limit``."""
    fd, size = _open_regular(folder, name)
    with os.fdopen(fd, "rb") as handle:
        if size > limit:
            raise _too_big(folder / name, size, limit)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise _too_big(folder / name, len(data), limit)
    return data


def load_capture(path: str | os.PathLike) -> Capture:
    """Open a directory written by ``perfkit capture`` (see :class:`Capture`)."""
    return Capture(path)
