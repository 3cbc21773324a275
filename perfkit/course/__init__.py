"""What a course notebook needs: the tool's output, live or recorded, and a plain statement
of which it is.

Each notebook has one setting at the top, ``MODE = "auto"``: ``"live"`` runs the tool now,
``"recorded"`` loads a scenario shipped with perfkit, and ``"auto"`` runs live when the
machine is Linux and the tool is installed and answers, and falls back to the recording
otherwise (a Mac's ``uptime`` answers, but its numbers do not belong in a Linux lesson). The
environment variable ``PERFKIT_MODE`` (``live``/``recorded``) overrides the notebook's setting,
for workshops and tests (``perfkit lab --recorded`` sets it).

>>> src = source("vmstat", ["vmstat", "1", "3"], scenario="idle", mode="recorded")  # doctest: +SKIP
RECORDED scenario 'idle' (vmstat): captured 2026-11-25 on Linux 6.18, procps-ng 4.0.2, locale C
>>> src.data.head()  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import os
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import runner

MODES = ("auto", "live", "recorded")
MODE_ENV = "PERFKIT_MODE"


def resolve_mode(setting: str = "auto") -> str:
    """The mode in force: ``PERFKIT_MODE`` when set to live/recorded, else ``setting``; and
    ``"auto"`` is ``"recorded"`` on a machine that is not Linux (see :func:`not_linux`).

    >>> resolve_mode("recorded")
    'recorded'
    """
    mode = _requested(setting)
    if mode == "auto" and not_linux():
        return "recorded"
    return mode


def _requested(setting: str) -> str:
    forced = os.environ.get(MODE_ENV, "").strip().lower()
    mode = forced if forced in ("live", "recorded") else setting
    if mode not in MODES:
        raise ValueError(f"MODE must be one of {MODES}, not {mode!r}")
    return mode


def not_linux() -> str:
    """Why the tools cannot run live here, or ``""`` on Linux.

    The course teaches the Linux tools and the Linux kernel's numbers: a Mac's ``uptime`` or
    ``top`` answer, but their load average and columns mean something else, and Windows has
    none of them. There ``MODE = "auto"`` uses the recordings.

    >>> not_linux() == "" if sys.platform == "linux" else not_linux().startswith("this is ")
    True
    """
    if sys.platform.startswith("linux"):
        return ""
    name = {"darwin": "macOS", "win32": "Windows", "cygwin": "Windows (Cygwin)"}.get(
        sys.platform, sys.platform)
    return f"this is {name}, not Linux: the course's tools run live on Linux only"


@dataclass
class Source:
    """A tool's output for a lesson: ``data`` (parsed), ``text`` (as printed), and where
    it came from (``mode`` is ``"live"`` or ``"recorded"``; ``description`` says so)."""

    tool: str
    mode: str
    text: str
    data: Any
    description: str
    scenario: str | None = None
    capture: Any = None
    notes: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return self.description


def scenario(name: str, *, quiet: bool = False) -> Any:
    """Load a recorded scenario (a :class:`~perfkit.capture.load.Capture`) and say so."""
    from .. import samples

    cap = samples.load(name)
    if not quiet:
        print(describe_capture(name, cap))
    return cap


def describe_capture(name: str, cap: Any, tool: str | None = None) -> str:
    """``RECORDED scenario 'idle' (vmstat): captured <date> on Linux <kernel>, <version>``."""
    meta = getattr(cap, "meta", {}) or {}
    machine = meta.get("machine", meta)
    started = str(meta.get("started_utc", meta.get("start_utc", "")))[:16].replace("T", " ")
    kernel = machine.get("kernel", "?")
    versions = meta.get("tool_versions", {}) or {}
    version = versions.get(tool, "") if tool else ""
    what = f" ({tool})" if tool else ""
    extra = f", {version}" if version else ""
    return (f"RECORDED scenario {name!r}{what}: captured {started} UTC on Linux {kernel}"
            f"{extra}, locale {meta.get('locale', 'C')}")


def source(tool: str, argv: list[str], *, scenario: str, mode: str = "auto",
           timeout: float = 30.0, key: str | None = None) -> Source:
    """The output of ``argv`` run now, or of ``tool`` in a recorded scenario.

    Args:
        tool: the parser to use (``"vmstat"``, ``"sar"``...).
        argv: the command a live run uses; it must end by itself (an interval and a count).
            Its output is parsed with what the command line implies (``free -m``: MiB).
        scenario: the recorded scenario to fall back on.
        mode: ``"auto"``, ``"live"`` or ``"recorded"`` (``PERFKIT_MODE`` overrides it).
        key: the capture's name for this output when it differs from ``tool``.

    It prints one line saying which it did.
    """
    import perfkit

    from ..capture.load import parse_options

    notes = _platform_notes(mode)
    chosen = resolve_mode(mode)
    if chosen in ("auto", "live"):
        if runner.which(argv[0]) is None:
            notes.append(f"{argv[0]} is not installed here")
        else:
            result = runner.run(list(argv), timeout=timeout)
            if result.error is None and result.stdout.strip():
                data = perfkit.parse(result.stdout, tool, **parse_options(tool, list(argv)))
                version = runner.tool_version(argv[0]) or ""
                description = (f"LIVE on {socket.gethostname()}: {' '.join(argv)}"
                               + (f" ({version})" if version else ""))
                print(description)
                return Source(tool, "live", result.stdout, data, description)
            notes.append(f"{' '.join(argv)} " + (f"failed: {result.error}" if result.error
                                                 else "printed nothing"))
        if chosen == "live":
            raise RuntimeError("; ".join(notes) + " (set MODE = 'auto' to fall back on "
                               "the recorded scenario)")
    cap = globals()["scenario"](scenario, quiet=True)
    name = key or tool
    description = describe_capture(scenario, cap, tool)
    if notes:
        description += " — " + "; ".join(notes)
    print(description)
    return Source(tool, "recorded", cap.raw(name), cap[name], description, scenario, cap,
                  notes)


def traces_dir() -> Path:
    """The folder of recorded bpftrace traces (``data/traces`` of a checkout, or
    ``$PERFKIT_DATA/traces``)."""
    env = os.environ.get("PERFKIT_DATA")
    candidates = [Path(env) / "traces"] if env else []
    candidates.append(Path(__file__).resolve().parents[2] / "data" / "traces")
    candidates.append(Path(sys.prefix) / "share" / "perfkit" / "traces")
    for folder in candidates:
        if folder.is_dir():
            return folder
    raise FileNotFoundError("no recorded traces found; looked in "
                            + ", ".join(str(c) for c in candidates))


def trace(name: str, *, duration: float = 5, mode: str = "auto",
          command: list[str] | None = None, program: str | None = None) -> Source:
    """Run the bpftrace program ``data/traces/<name>.bt`` now (root, bpftrace and tracefs
    needed), or load its recording ``<name>.txt``; prints which it did.

    ``program`` replaces the shipped program text for a live run (its recording is still
    ``<name>.txt``); ``command`` is a workload started once the probes are attached.
    """
    import perfkit

    from .. import bpftrace

    folder = traces_dir()
    notes = _platform_notes(mode)
    chosen = resolve_mode(mode)
    if chosen in ("auto", "live"):
        ok, why = bpftrace.available()
        if ok:
            text = program if program is not None else (folder / f"{name}.bt").read_text()
            try:
                result = bpftrace.run(text, duration=duration, json=False, command=command)
            except bpftrace.BpftraceError as exc:
                notes.append(f"bpftrace failed: {exc}")
            else:
                what = f"{name}.bt" if program is None else f"the notebook's version of {name}.bt"
                span = (f"while its load ran (at most {duration} s)" if command
                        else f"for {duration} s")
                description = f"LIVE on {socket.gethostname()}: bpftrace {what} {span}"
                print(description)
                raw = result.attrs.get("text", "") if hasattr(result, "attrs") else ""
                return Source("bpftrace", "live", raw, result, description)
        else:
            notes.append(why)
        if chosen == "live":
            raise RuntimeError("; ".join(notes))
    path = folder / f"{name}.txt"
    data = perfkit.read(path, "bpftrace", date=recorded_date(path.name))
    row = _provenance(folder, path.name)
    description = (f"RECORDED trace {name!r}: {row.get('recorded_utc', '?')[:16]} UTC on "
                   f"Linux {row.get('kernel', '?')}, {row.get('tool_version', '?')}")
    if notes:
        description += " — " + "; ".join(notes)
    print(description)
    return Source("bpftrace", "recorded", path.read_text(), data, description, name,
                  notes=notes)


def recorded_date(file: str) -> str | None:
    """The UTC day a recorded trace file was made (its PROVENANCE.tsv row), for the
    ``date=`` of :func:`perfkit.read`: bpftrace prints times of day without a date.

    >>> recorded_date("execsnoop.txt")[:4]
    '2026'
    """
    when = _provenance(traces_dir(), file).get("recorded_utc", "")
    return when[:10] or None


def workload(script: str) -> list[str]:
    """A shell ``script`` as a ``command=`` for :func:`trace` and :func:`perfkit.bpftrace.run`.

    bpftrace's ``-c`` splits its command at spaces, so a loop, a pipe or a redirection cannot
    be passed as it is: the script goes into a file of its own (removed when Python exits),
    and the command runs it with ``/bin/sh``. Send its output to ``/dev/null``: what it prints
    is mixed into bpftrace's.

    >>> argv = workload("for i in 1 2; do true; done")
    >>> argv[0], Path(argv[1]).read_text()
    ('/bin/sh', 'for i in 1 2; do true; done\\n')
    """
    import atexit
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="perfkit-load-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = Path(folder) / "load.sh"
    path.write_text(script.rstrip("\n") + "\n", encoding="utf-8")
    return ["/bin/sh", str(path)]


def loopback_tcp(seconds: float = 3.0, *, rate: float = 20.0, size: int = 65536) -> Any:
    """Start TCP traffic on 127.0.0.1 for ``seconds`` in the background, for a live ``sar -n
    DEV`` or ``sar -n TCP,ETCP`` to count: ``rate`` connections a second to a listener,
    each sending ``size`` bytes, and as many to a port bound without listening (refused).
    Returns the started thread; ``join()`` it to wait for the end.

    >>> load = loopback_tcp(0.2, rate=10)
    >>> load.join(); load.connections > 0, load.connections == load.refused
    (True, True)
    """
    import socket
    import threading
    import time

    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    closed = socket.socket()  # bound but not listening: connections to it are refused
    closed.bind(("127.0.0.1", 0))
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                while conn.recv(size):
                    pass
        listener.close()

    def send() -> None:
        end = time.monotonic() + seconds
        try:
            while time.monotonic() < end:
                with socket.create_connection(listener.getsockname(), timeout=2) as conn:
                    conn.sendall(b"\0" * size)
                thread.connections += 1
                try:
                    socket.create_connection(closed.getsockname(), timeout=2).close()
                except ConnectionRefusedError:
                    thread.refused += 1
                time.sleep(1.0 / rate)
        finally:
            done.set()
            closed.close()
            server.join()

    server = threading.Thread(target=serve, daemon=True)
    thread = threading.Thread(target=send, daemon=True, name="loopback_tcp")
    thread.connections = thread.refused = 0  # type: ignore[attr-defined]
    server.start()
    thread.start()
    return thread


def _platform_notes(setting: str) -> list[str]:
    """Off Linux: why ``auto`` did not try a live run; ``live`` is refused, saying why."""
    why = not_linux()
    if not why:
        return []
    requested = _requested(setting)
    if requested == "live":
        raise RuntimeError(f"MODE is 'live' but {why}; set MODE = 'auto' or 'recorded'")
    return [why] if requested == "auto" else []


def _provenance(folder: Path, file: str) -> dict[str, str]:
    table = folder / "PROVENANCE.tsv"
    if not table.is_file():
        return {}
    with table.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row.get("file") == file:
                return row
    return {}
