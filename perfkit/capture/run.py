"""``perfkit capture``: run the 60-second checklist and keep everything it printed.

::

    perfkit capture [DIR] [--duration 60] [--interval 1] [--redact] [--force] [--quiet]

runs ``uptime`` and ``top -b -n 2``, then ``vmstat``, ``mpstat``, ``free -m -s N``,
``pidstat``, ``iostat``, ``sar -n DEV`` and ``sar -n TCP,ETCP`` side by side for the same
duration, then ``top`` again and ``dmesg`` (the exact command lines are in
:mod:`perfkit.capture.plan`). Each command's standard output goes to ``<name>.txt``, its
standard error to ``<name>.stderr``; ``sar`` also writes the binary ``sar.data`` that
``sar -f`` and ``sadf`` can render again in any form. ``capture.json`` describes the
capture (layout version, host, kernel, distribution, CPUs, memory, tool versions, the
environment the tools ran with, UTC start and end, and each command with its duration, exit
status, error and files). It is written "in progress" first and replaced atomically at the
end, with ``complete`` true, or false and a ``reason``.

* A missing tool, or one that is refused (``dmesg`` under ``kernel.dmesg_restrict=1``), is
  recorded with its reason and the capture goes on. When sysstat or procps tools are
  missing, :mod:`perfkit.capture.psutil_stand_in` records the same quantities from psutil into
  ``psutil-*.csv`` files, labelled as such.
* Ctrl-C (SIGINT), SIGTERM or SIGHUP stops it cleanly: the running tools are interrupted
  (sysstat tools print their averages), what they printed is kept, the kernel log is still
  read in full (with its own timeout, :data:`FINAL_TIMEOUT`, that a signal does not cut
  short), and ``capture.json`` says ``complete: false`` with the reason. The exit status is
  then 128 + the signal number (130, 143, 129). Every tool dies with perfkit however
  perfkit ends (:func:`perfkit.runner.die_with_parent`); a perfkit that was killed leaves
  ``capture.json`` saying "in progress", which loading and capturing again report.
* An existing capture is not overwritten unless ``--force``, and then only the files its
  ``capture.json`` lists as its own (``own_files``) are replaced: the user's other files
  and folders in the directory stay. A non-empty directory whose ``capture.json`` perfkit
  did not write (or that has none) is never touched; nor is a symbolic link.
* ``--redact`` replaces host names, IP and MAC addresses, user names and the kernel command
  line in every file and in ``capture.json`` (:mod:`perfkit.capture.redact`); the binary
  ``sar.data`` is first rendered as text (``sar -A -f sar.data`` into ``sar-all.txt``),
  then deleted, since it cannot be redacted safely (when the render fails, ``sar.data`` is
  kept and ``capture.json`` says it is not redacted). Only the capture's own files are
  redacted; ``capture.json``'s ``redacted`` says what kinds of value were replaced.

Read a capture with :func:`perfkit.load_capture` (:mod:`perfkit.capture.load`).

>>> from perfkit.capture.plan import ENVIRONMENT
>>> ENVIRONMENT["S_TIME_FORMAT"], ENVIRONMENT["TZ"]
('ISO', 'UTC')
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from .. import runner
from . import psutil_stand_in
from .checks import frozen_vmstat_memory
from .load import MAX_META_BYTES, UNFINISHED, Capture, load_capture
from .meta import SCHEMA_VERSION, host_names, machine_facts, replace_text, write_json
from .plan import ENVIRONMENT, SA_FILE, Step, count_for, plan
from .redact import PLACEHOLDERS, Redactor, local_users
from .schema import is_file_name

__all__ = ["Capture", "CaptureError", "capture", "load_capture", "main"]

#: Seconds a snapshot command (uptime, dmesg, free, top) may take.
SNAPSHOT_TIMEOUT = 30.0
#: Seconds the interval tools get beyond the capture's duration before they are stopped.
SLACK = 15.0
#: Seconds interrupted tools get to print their averages and exit.
GRACE = 3.0
#: Seconds dmesg (and sar's render of sar.data for --redact) may take: a signal does not
#: cut them short, this does.
FINAL_TIMEOUT = 15.0
#: The signals that stop a capture cleanly, and the capture's exit status after each.
STOP_SIGNALS = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGHUP: 129}


class CaptureError(Exception):
    """The capture could not start (the directory is taken, the arguments are wrong)."""


class _Stop:
    """Remembers the first SIGINT/SIGTERM/SIGHUP; a second one makes the capture hurry."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.reason: str | None = None
        self.signum: int | None = None
        self.count = 0

    def handler(self, signum: int, frame: Any) -> None:
        self.count += 1
        if self.signum is None:
            self.signum = signum
            name = "Ctrl-C (SIGINT)" if signum == signal.SIGINT else signal.Signals(signum).name
            self.reason = f"interrupted by {name}"
        self.event.set()

    def install(self) -> dict[int, Any]:
        """Handle the stop signals (in the main thread); the previous handlers."""
        previous = {}
        for signum in STOP_SIGNALS:
            try:
                previous[signum] = signal.signal(signum, self.handler)
            except ValueError:  # not the main thread: no signal handling
                break
        return previous


class _Progress:
    """A one-line countdown on a terminal, a line every few seconds otherwise."""

    def __init__(self, stream: IO[str] | None, total: float) -> None:
        self.stream = stream
        self.total = total
        self.tty = bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())
        self.every = max(5.0, min(15.0, total / 4))
        self.last = -1e9
        self.width = 0
        self.shown = ""

    def _write(self, text: str) -> None:
        """Write, and stop writing when the terminal is gone (after SIGHUP)."""
        if self.stream is None:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            self.stream = None

    def say(self, text: str) -> None:
        if self.stream is None:
            return
        if self.tty and self.width:
            self._write("\r" + " " * self.width + "\r")
            self.width = 0
        self._write(f"perfkit capture: {text}\n")

    def tick(self, elapsed: float, running: list[str]) -> None:
        if self.stream is None:
            return
        left = max(0, round(self.total - elapsed))
        line = f"perfkit capture: {left:3d} s left, running {' '.join(running) or '-'}"
        if self.tty:
            if line != self.shown:
                self._write("\r" + line.ljust(self.width))
                self.width = max(self.width, len(line))
                self.shown = line
        elif time.monotonic() - self.last >= self.every:
            self.last = time.monotonic()
            self._write(line + "\n")

    def done(self) -> None:
        if self.stream is not None and self.tty and self.width:
            self._write("\r" + " " * self.width + "\r")
            self.width = 0
            self.shown = ""


def default_directory() -> Path:
    """``perfkit-capture-<UTC time>`` in the current directory."""
    return Path(f"perfkit-capture-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}")


def _previous(directory: Path) -> dict[str, Any]:
    """The ``capture.json`` of a previous capture in ``directory``; :class:`CaptureError`
    when there is none, or perfkit did not write it."""
    meta_file = directory / "capture.json"
    refuse = (f"{directory} is not empty and its capture.json was not written by perfkit: "
              "not a perfkit capture, refusing to write into it")
    if not os.path.lexists(meta_file):
        raise CaptureError(f"{directory} is not empty and holds no capture.json: "
                           "not a perfkit capture, refusing to write into it")
    if meta_file.is_symlink() or not meta_file.is_file() or \
            meta_file.stat().st_size > MAX_META_BYTES:
        raise CaptureError(refuse)
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise CaptureError(refuse) from None
    if not (isinstance(meta, dict) and isinstance(meta.get("generator"), str)
            and meta["generator"].startswith("perfkit capture")
            and isinstance(meta.get("schema_version"), int)
            and not isinstance(meta.get("schema_version"), bool)):
        raise CaptureError(refuse)
    return meta


def own_files(meta: dict[str, Any]) -> set[str]:
    """The files a capture's ``capture.json`` lists as its own: ``own_files``, ``files``
    and every command's outputs (plain names only; never a folder or a path).

    >>> sorted(own_files({"own_files": ["a.txt", "../x"], "commands": [
    ...     {"stdout": "b.txt", "stderr": None, "files": ["/etc/passwd"]}]}))
    ['a.txt', 'b.txt', 'capture.json']
    """
    names: set[str] = {"capture.json"}
    for key in ("own_files", "files"):
        if isinstance(meta.get(key), list):
            names.update(meta[key])
    for entry in meta.get("commands") or []:
        if isinstance(entry, dict):
            names.update(entry.get(k) for k in ("stdout", "stderr"))
            if isinstance(entry.get("files"), list):
                names.update(entry["files"])
    psutil = meta.get("psutil")
    if isinstance(psutil, dict) and isinstance(psutil.get("tools"), dict):
        for files in psutil["tools"].values():
            if isinstance(files, list):
                names.update(files)
    return {n for n in names if is_file_name(n)}


def _prepare(directory: Path, force: bool) -> str | None:
    """Make ``directory`` ready; what was replaced (or ``None``). See :func:`capture`."""
    if directory.is_symlink():
        where = os.readlink(directory)
        dangling = "" if directory.exists() else ", which does not exist"
        raise CaptureError(f"{directory} is a symbolic link (to {where!r}{dangling}); give "
                           "the directory itself")
    if directory.exists() and not directory.is_dir():
        raise CaptureError(f"{directory} exists and is not a directory")
    replaced = None
    try:
        if directory.is_dir() and any(directory.iterdir()):
            previous = _previous(directory)
            state = "a capture"
            if previous.get("status") == "in progress":
                state = f"a capture left 'in progress' ({UNFINISHED})"
            if not force:
                raise CaptureError(f"{directory} already holds {state}; use --force to "
                                   "replace it")
            for name in sorted(own_files(previous)):
                path = directory / name
                if path.is_symlink() or path.is_file():
                    path.unlink()
            replaced = state
        directory.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".perfkit-write-test.", dir=directory)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise CaptureError(f"cannot write into {directory}: "
                           f"{exc.strerror or exc}") from None
    return replaced


def _entry(step: Step, result: runner.RunResult | None, status: str | None = None,
           substitute: list[str] | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": step.name, "tool": step.tool, "phase": step.phase, "when": step.when,
        "argv": step.argv, "command": shlex.join(step.argv),
        "stdout": step.stdout, "stderr": step.stderr, "files": [],
    }
    if result is None:
        entry.update(status="skipped", error=status or "skipped", returncode=None,
                     started_utc=None, ended_utc=None, duration=None, interrupted=False)
    else:
        entry.update(started_utc=result.started_utc, ended_utc=result.ended_utc,
                     duration=result.duration, returncode=result.returncode,
                     error=result.error, interrupted=result.interrupted)
        if result.error is None:
            entry["status"] = "interrupted" if result.interrupted else "ok"
        elif result.error in ("not installed", "permission denied", "timed out"):
            entry["status"] = result.error
        else:
            entry["status"] = "failed"
    if substitute:
        entry["substitute"] = substitute
    return entry


def _finish_files(directory: Path, step: Step, entry: dict[str, Any]) -> None:
    """Drop an empty output of a program that never ran; list the files that exist."""
    out = directory / step.stdout
    if entry.get("status") == "not installed" and out.exists() and out.stat().st_size == 0:
        out.unlink()
        entry["stdout"] = None
    entry["files"] = [name for name in (step.stdout, step.stderr, *step.extra_files)
                      if (directory / name).exists()]


class _Run:
    """One capture in progress (see :func:`capture`)."""

    def __init__(self, directory: Path, *, duration: float, interval: int, redact: bool,
                 stream: IO[str] | None, stop: _Stop | None = None) -> None:
        self.directory = directory
        self.duration = duration
        self.interval = interval
        self.count = count_for(duration, interval)
        self.redact = redact
        self.stop = stop or _Stop()
        self.path = os.environ.get("PATH")
        self.steps = plan(duration=duration, interval=interval, path=self.path)
        self.progress = _Progress(stream, self.count * interval)
        self.redactor = Redactor(host_names(), local_users()) if redact else None
        self.entries: dict[str, dict[str, Any]] = {}
        self.missing = {s.tool for s in self.steps
                        if runner.which(s.argv[0], path=self.path) is None}
        programs = sorted({s.argv[0] for s in self.steps} | {"sadf"})
        self.meta: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "generator": f"perfkit capture {_version()}",
            "status": "in progress", "complete": False, "reason": None,
            **machine_facts(),
            "tool_versions": {p: runner.tool_version(p) for p in programs
                              if runner.which(p, path=self.path)},
            "locale": ENVIRONMENT["LC_ALL"],
            "environment": dict(ENVIRONMENT),
            "duration_requested": duration, "interval": interval, "count": self.count,
            "load_average_start": dict(zip(("1", "5", "15"), os.getloadavg(), strict=True)),
            "started_utc": runner.utc_now(), "ended_utc": None,
            "commands": [], "missing": {}, "psutil": None,
            "redacted": {"done": False, "pending": True} if redact else False,
            "own_files": self._own_files(),
        }

    def _own_files(self) -> list[str]:
        """Every file this capture may write (listed first, so that a later --force
        replaces exactly these, even when this capture is killed)."""
        names = {"capture.json", "sar-all.txt", "sar-all.stderr"}
        for step in self.steps:
            names.update([step.stdout, step.stderr, *step.extra_files])
        for files in psutil_stand_in.FILES.values():
            names.update(files)
        return sorted(names)

    # -- capture.json ---------------------------------------------------------------
    def write_meta(self) -> None:
        self.meta["commands"] = [self.entries[s.name] for s in self.steps
                                 if s.name in self.entries]
        data = self.meta
        if self.redactor is not None:
            data = self.redactor.meta(data)
        write_json(self.directory / "capture.json", data)

    # -- running ----------------------------------------------------------------------
    def _start(self, step: Step) -> runner.Process:
        return runner.Process(step.argv, env=ENVIRONMENT, locale=ENVIRONMENT["LC_ALL"],
                              stdout_path=self.directory / step.stdout,
                              stderr_path=self.directory / step.stderr, cwd=self.directory)

    def _wait(self, running: dict[str, runner.Process], timeout: float,
              show: bool, interruptible: bool = True) -> dict[str, runner.RunResult]:
        """Wait for the processes, passing on an interruption (unless not
        ``interruptible``: dmesg and the sar render then run to their end or timeout);
        results by step name."""
        began = time.monotonic()
        interrupted_at: float | None = None
        while any(not p.poll() for p in running.values()):
            now = time.monotonic()
            if interruptible and self.stop.event.is_set() and interrupted_at is None:
                interrupted_at = now
                for process in running.values():
                    process.interrupt()
            if interrupted_at is not None and (now - interrupted_at > GRACE
                                               or self.stop.count > 1):
                for process in running.values():
                    process.send(signal.SIGKILL)
            if now - began > timeout:
                break
            if show:
                self.progress.tick(now - began, [n for n, p in running.items() if not p.poll()])
            time.sleep(0.1)
        if show:
            self.progress.done()
        left = max(0.0, timeout - (time.monotonic() - began))
        return {name: p.wait(timeout=p.elapsed() + left) for name, p in running.items()}

    def _record(self, step: Step, result: runner.RunResult | None, status: str | None = None,
                substitute: list[str] | None = None) -> None:
        entry = _entry(step, result, status, substitute)
        _finish_files(self.directory, step, entry)
        self.entries[step.name] = entry
        if entry["status"] in ("not installed", "permission denied", "failed"):
            reason = entry["error"]
            if substitute:
                reason += f"; psutil-derived {', '.join(substitute)} recorded instead"
            self.meta["missing"].setdefault(step.tool, reason)

    def _snapshots(self, phase: str, *, always: bool = False) -> None:
        for step in (s for s in self.steps if s.phase == phase):
            if self.stop.event.is_set() and not always:
                self._record(step, None, status=f"skipped: {self.stop.reason}")
                continue
            substitute = self._psutil_snapshot(step)
            results = self._wait({step.name: self._start(step)},
                                 FINAL_TIMEOUT if always else SNAPSHOT_TIMEOUT, show=False,
                                 interruptible=not always)
            self._record(step, results[step.name], substitute=substitute)

    def _psutil_snapshot(self, step: Step) -> list[str] | None:
        if step.tool not in self.missing or step.tool not in ("free", "uptime"):
            return None
        if not psutil_stand_in.available():
            return None
        if step.tool == "free":
            name = psutil_stand_in.free_snapshot(self.directory, step.when or "start")
        else:
            name = psutil_stand_in.uptime_snapshot(self.directory)
        self._note_psutil(step.tool, [name])
        return [name]

    def _note_psutil(self, tool: str, files: list[str]) -> None:
        info = self.meta["psutil"] or {"note": psutil_stand_in.NOTE, "tools": {},
                                       "version": _psutil_version()}
        info["tools"][tool] = files
        self.meta["psutil"] = info

    def _intervals(self) -> None:
        steps = [s for s in self.steps if s.phase == "interval"]
        if self.stop.event.is_set():
            for step in steps:
                self._record(step, None, status=f"skipped: {self.stop.reason}")
            return
        stand_in = {s.tool for s in steps if s.tool in self.missing}
        free_files = None
        if "free" in stand_in and psutil_stand_in.available():  # at the start and the end
            free_files = [psutil_stand_in.free_snapshot(self.directory, "start")]
            self._note_psutil("free", free_files)
        collector = None
        if stand_in and psutil_stand_in.available():
            collector = psutil_stand_in.Collector(self.directory, tools=stand_in,
                                                 interval=self.interval, count=self.count,
                                                 stop=self.stop.event)
            for tool in sorted(collector.tools):
                self._note_psutil(tool, psutil_stand_in.FILES[tool])
            if "sar" in collector.tools:
                self.meta["psutil"]["not_available"] = [
                    "sar -n TCP,ETCP: psutil has no TCP segment counters"]
            collector.start()
        running = {s.name: self._start(s) for s in steps}
        self.progress.say(f"capturing {self.count} x {self.interval} s into {self.directory}")
        results = self._wait(running, self.count * self.interval + SLACK, show=True)
        if collector is not None:
            collector.join(timeout=self.interval + SLACK)
            if collector.error:
                self.meta["psutil"]["error"] = collector.error
            self.meta["psutil"]["samples"] = collector.samples
        if free_files:
            psutil_stand_in.free_snapshot(self.directory, "end")
        for step in steps:
            files = psutil_stand_in.FILES.get(step.tool) if (
                collector is not None and step.tool in collector.tools
                and step.name != "sar-tcp") else None
            if step.tool == "free":
                files = free_files
            self._record(step, results[step.name], substitute=files)
        self._check_memory()

    def _check_memory(self) -> None:
        """Note a vmstat whose memory columns froze while free's moved."""
        vm, free = self.entries.get("vmstat"), self.entries.get("free")
        if not vm or not free or vm["status"] not in ("ok", "interrupted") \
                or free["status"] not in ("ok", "interrupted"):
            return
        import warnings

        import perfkit

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                note = frozen_vmstat_memory(
                    perfkit.read(self.directory / vm["stdout"], tool="vmstat"),
                    perfkit.read(self.directory / free["stdout"], tool="free", unit="MiB"))
        except Exception:  # a note is a bonus; the outputs are kept anyway
            return
        if note:
            self.meta.setdefault("notes", []).append(note)

    # -- redaction ------------------------------------------------------------------------
    def _render_sa_file(self, info: dict[str, Any]) -> None:
        """``sar -A -f sar.data`` into sar-all.txt, then delete sar.data; keep it (and say
        so) when the render fails."""
        render = Step("sar-all", "sar", ["sar", "-A", "-f", SA_FILE], "redact")
        result = self._wait({"sar-all": self._start(render)}, FINAL_TIMEOUT, show=False,
                            interruptible=False)["sar-all"]
        self._record(render, result)
        self.steps.append(render)
        out = self.directory / render.stdout
        if result.error is not None or not out.is_file() or out.stat().st_size == 0:
            info["sa_file"] = (f"sar -A -f {SA_FILE} failed ({result.error or 'no output'}): "
                               f"{SA_FILE} was KEPT and is NOT redacted (it holds the host "
                               "name); delete it before sharing the capture")
            info["not_redacted"] = [SA_FILE]
            return
        (self.directory / SA_FILE).unlink()
        for entry in self.entries.values():
            if SA_FILE in entry["files"]:
                entry["files"].remove(SA_FILE)
        info["dropped"] = [SA_FILE]
        info["sa_file"] = (f"the binary {SA_FILE} holds the host name and cannot be "
                           "redacted safely: it was rendered with 'sar -A -f' into "
                           "sar-all.txt (redacted) and deleted")

    def _redact_files(self) -> None:
        assert self.redactor is not None
        info: dict[str, Any] = {"done": True}
        if (self.directory / SA_FILE).exists():
            self._render_sa_file(info)
        for name in self.meta["own_files"]:
            path = self.directory / name
            if name == "capture.json" or path.is_symlink() or not path.is_file():
                continue
            data = path.read_bytes()
            if b"\x00" in data:
                continue
            text = data.decode("utf-8", "surrogateescape")
            new = self.redactor.text(text)
            if new != text:
                replace_text(path, new)
        # capture.json itself is redacted when written; count its values too
        self.redactor.meta(self.meta)
        info["kinds"] = self.redactor.kinds()
        info["counts"] = self.redactor.counts()
        info["placeholders"] = PLACEHOLDERS
        self.meta["redacted"] = info

    # -- the whole capture -------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        previous = self.stop.install()
        try:
            self.write_meta()
            self._snapshots("start")
            self.write_meta()
            self._intervals()
            self.write_meta()
            self._snapshots("end")
            self._snapshots("last", always=True)
            if self.redactor is not None:
                self._redact_files()
            self.meta["ended_utc"] = runner.utc_now()
            timed_out = [e["name"] for e in self.entries.values() if e["status"] == "timed out"]
            if self.stop.reason:
                self.meta.update(status="partial", complete=False, reason=self.stop.reason)
            elif timed_out:
                self.meta.update(status="partial", complete=False,
                                 reason=f"timed out: {', '.join(timed_out)}")
            else:
                self.meta.update(status="complete", complete=True, reason=None)
            self.meta["files"] = sorted(
                name for name in self.meta["own_files"]
                if (self.directory / name).is_file() or name == "capture.json")
            self.write_meta()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return self.redactor.meta(self.meta) if self.redactor is not None else self.meta


def _version() -> str:
    from .. import __version__

    return __version__


def _psutil_version() -> str | None:
    try:
        import psutil
    except ImportError:  # pragma: no cover
        return None
    return psutil.__version__


def capture(directory: str | os.PathLike | None = None, *, duration: float = 60.0,
            interval: int = 1, redact: bool = False, force: bool = False,
            progress: IO[str] | None = None, induce: str | None = None,
            builtin: bool = False) -> dict[str, Any]:
    """Run the checklist into ``directory`` and return what ``capture.json`` holds.

    Args:
        directory: where to write (created; default :func:`default_directory`).
        duration: seconds the interval tools run (rounded to whole intervals).
        interval: seconds between samples.
        redact: replace identifying values (see :mod:`perfkit.capture.redact`).
        force: replace an existing capture in ``directory`` (only the files its
            capture.json lists as its own; other files and folders stay).
        progress: a stream for progress lines (``sys.stderr`` from the command line),
            ``None`` for silence.
        induce: a scenario to put the machine in first (``perfkit induce``'s names): its
            load starts, the capture waits until it has taken hold, captures, and the load
            is removed; ``capture.json``'s ``induced`` holds the ground truth (scenario,
            parameters, mechanism, start and end).
        builtin: with ``induce``, use perfkit's built-in loads even where stress-ng is
            installed.

    Raises :class:`CaptureError` when the directory is taken, the arguments are wrong, or
    the scenario cannot be induced safely here (the message says what is missing).

    >>> meta = capture("/tmp/perfkit-doc-capture", duration=1, force=True)  # doctest: +SKIP
    >>> meta["complete"], meta["commands"][0]["command"]  # doctest: +SKIP
    (True, 'uptime')
    """
    if interval < 1:
        raise CaptureError("--interval must be a whole number of seconds >= 1")
    if duration <= 0:
        raise CaptureError("--duration must be positive")
    target = Path(directory) if directory is not None else default_directory()
    stop = _Stop()
    previous = stop.install()  # a signal during start-up stops the capture cleanly too
    try:
        replaced = _prepare(target, force)
        if replaced and progress is not None:
            _Progress(progress, 0).say(f"replacing {replaced} in {target}")
        job = _Run(target, duration=duration, interval=interval, redact=redact,
                   stream=progress, stop=stop)
        if induce is None:
            return job.run()
        return _run_induced(job, induce, builtin=builtin, progress=progress)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


#: Seconds an induced load is given beyond the capture's duration (the snapshots before and
#: after the interval tools); the load is removed as soon as the capture ends.
INDUCE_MARGIN = 60.0


def _run_induced(job: _Run, scenario: str, *, builtin: bool,
                 progress: IO[str] | None) -> dict[str, Any]:
    """``job.run()`` with ``scenario``'s load running (see :func:`capture`); the ground
    truth goes into capture.json once the load is removed, so its end time is known."""
    from .induce import InduceError, InduceRefused, induced

    def say(line: str) -> None:
        if progress is not None:
            print(f"perfkit capture: induce {scenario}: {line}", file=progress, flush=True)

    runs: list[Any] = []
    try:
        with induced(scenario, duration=job.duration + INDUCE_MARGIN, builtin=builtin,
                     say=say, track=runs):
            job.run()
    except InduceRefused as exc:
        raise CaptureError(f"cannot induce {scenario}: {exc}") from exc
    except InduceError as exc:
        job.meta.update(status="partial", complete=False,
                        reason=f"the induced load failed: {exc}")
    if runs:
        job.meta["induced"] = runs[0].record()
        job.write_meta()
    return job.redactor.meta(job.meta) if job.redactor is not None else job.meta


def main(args: argparse.Namespace) -> int:
    """The ``perfkit capture`` command (arguments from :func:`perfkit.cli.build_parser`).

    Exit status: 0 when the capture is complete, 130 after Ctrl-C (143 after SIGTERM),
    1 when it ended partial for another reason, 2 when it could not start.
    """
    stream = None if args.quiet else sys.stderr
    directory = Path(args.directory) if args.directory else default_directory()
    try:
        meta = capture(directory, duration=args.duration, interval=args.interval,
                       redact=args.redact, force=args.force, progress=stream,
                       induce=getattr(args, "induce", None),
                       builtin=getattr(args, "builtin", False))
    except CaptureError as exc:
        print(f"perfkit capture: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # before the signal handlers were in place
        print("perfkit capture: interrupted by Ctrl-C (SIGINT) before the capture started",
              file=sys.stderr)
        return 130
    _summary(_Progress(stream, 0), meta, directory)
    if meta["complete"]:
        return 0
    reason = meta.get("reason") or ""
    for signum, status in STOP_SIGNALS.items():
        if signal.Signals(signum).name in reason:
            return status
    return 1


def _summary(out: _Progress, meta: dict[str, Any], directory: Path) -> None:
    """The closing lines: complete or why not, what is missing, what was redacted."""
    state = "complete" if meta["complete"] else f"partial ({meta['reason']})"
    out.say(f"{state}; wrote {len(meta.get('files', []))} files into {directory}")
    for tool, reason in sorted((meta.get("missing") or {}).items()):
        out.say(f"  {tool}: {reason}")
    redacted = meta.get("redacted")
    if isinstance(redacted, dict):
        counts = redacted.get("counts") or {}
        kinds = ", ".join(f"{kind} ({counts.get(kind, 1)})" for kind in
                          redacted.get("kinds") or []) or "nothing identifying found"
        out.say(f"  redacted: {kinds}")
        if redacted.get("not_redacted"):
            out.say(f"  NOT redacted: {redacted['sa_file']}")
