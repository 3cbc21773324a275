"""Running the performance tools: the only module of perfkit that starts processes.

Parsers never run anything; :mod:`perfkit.capture` and notebooks come here. Every command is
an argument list (never a shell string), runs with ``LC_ALL``/``LANG`` set to a locale (``C``
by default, so the output reads the same everywhere) and with a timeout. Failures do not
raise: a :class:`RunResult` says what happened in ``error``:

* ``"not installed"``: the program is not on ``PATH`` (exit status 127, as a shell reports);
* ``"permission denied"``: it could not be executed, or it said ``Operation not permitted``
  / ``Permission denied`` and failed (``dmesg`` under ``kernel.dmesg_restrict=1``);
* ``"timed out"``: it was still running after ``timeout`` seconds and was stopped; what it
  printed until then is kept;
* ``"exit status N: <last line of stderr>"`` for any other failure.

``interrupt_after`` sends SIGINT after that many seconds and waits for the program to finish,
for tools that print a summary when interrupted (sysstat's ``Average:`` lines, bpftrace maps).

>>> result = run(["echo", "hello"], timeout=5)
>>> result.returncode, result.stdout, result.error
(0, 'hello\\n', None)
>>> run(["no-such-tool-perfkit"], timeout=5).error
'not installed'
"""

from __future__ import annotations

import ctypes
import functools
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

#: Seconds a program gets to finish after SIGINT or SIGTERM before it is killed.
GRACE = 3.0

_DENIED = ("operation not permitted", "permission denied")

#: ``prctl`` option: the signal the kernel sends a process when its parent dies.
_PR_SET_PDEATHSIG = 1


@functools.lru_cache(maxsize=1)
def _prctl() -> Any:
    """libc's ``prctl``, looked up once in the parent (never in a forked child)."""
    try:
        function = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # pragma: no cover - not Linux/glibc
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong,
                         ctypes.c_ulong]
    function.restype = ctypes.c_int
    return function


def die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child get SIGKILL when this process ends, however it
    ends (SIGKILL, SIGTERM, SIGHUP, a crash): Linux's ``PR_SET_PDEATHSIG``.

    It runs in the child after ``fork`` (after the new session of ``start_new_session``
    is made) and only calls the ``prctl`` looked up beforehand and ``getppid``: nothing
    that takes a lock another thread could hold. When the parent died between ``fork``
    and ``prctl``, the child exits at once. The signal is sent when the *thread* that
    started the child ends, so start and wait in the same thread (as :class:`Process`
    users and :func:`run_bounded` do). ``None`` where ``prctl`` does not exist.

    >>> callable(die_with_parent())
    True
    """
    prctl = _prctl()
    if prctl is None:  # pragma: no cover
        return None
    parent = os.getpid()
    kill = int(signal.SIGKILL)

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, kill, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(127)

    return preexec


def utc_now() -> str:
    """The current UTC time as ISO 8601 with microseconds and a ``Z``.

    >>> utc_now().endswith("Z")
    True
    """
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class RunResult:
    """What one run of a program did.

    ``stdout``/``stderr`` are the decoded text (empty when they were sent to files, see
    :class:`Process`); ``returncode`` is negative when a signal ended the program (``-2`` for
    SIGINT) and ``None`` when it never started; ``error`` is ``None`` on success.
    """

    argv: list[str]
    returncode: int | None
    stdout: str
    stderr: str
    started_utc: str
    ended_utc: str
    duration: float
    error: str | None = None
    interrupted: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the program ran and exited with status 0 (or was interrupted on purpose
        and exited by itself)."""
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-ready dict (without the captured text)."""
        out = asdict(self)
        out.pop("stdout")
        out.pop("stderr")
        out.pop("extra")
        out.update(self.extra)
        return out


def child_env(env: dict[str, str] | None = None, *, locale: str = "C") -> dict[str, str]:
    """The environment a tool runs with: this process's, plus ``env``, with ``LC_ALL`` and
    ``LANG`` set to ``locale`` and ``LANGUAGE`` removed (it would override message
    translations).

    >>> e = child_env({"S_TIME_FORMAT": "ISO"}, locale="de_DE.UTF-8")
    >>> e["LC_ALL"], e["LANG"], e["S_TIME_FORMAT"], "LANGUAGE" in e
    ('de_DE.UTF-8', 'de_DE.UTF-8', 'ISO', False)
    """
    out = dict(os.environ)
    out.update(env or {})
    out.pop("LANGUAGE", None)
    out["LC_ALL"] = locale
    out["LANG"] = locale
    return out


def which(tool: str, path: str | None = None) -> str | None:
    """Where ``tool`` is on ``PATH`` (or the given search path), or ``None``.

    >>> which("sh") is not None, which("no-such-tool-perfkit")
    (True, None)
    """
    return shutil.which(tool, path=path)


def _classify(returncode: int | None, stderr: str, *, timed_out: bool,
              interrupted: bool) -> str | None:
    if timed_out:
        return "timed out"
    if returncode == 0:
        return None
    if interrupted and returncode in (-signal.SIGINT, 128 + signal.SIGINT, 1):
        return None  # it stopped because we asked it to
    lowered = stderr.lower()
    if any(word in lowered for word in _DENIED):
        return "permission denied"
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if returncode is not None and returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:  # pragma: no cover - unknown signal number
            name = str(-returncode)
        return f"killed by {name}" + (f": {lines[-1]}" if lines else "")
    return f"exit status {returncode}" + (f": {lines[-1]}" if lines else "")


class Process:
    """A started program: :meth:`interrupt`, :meth:`poll` and :meth:`wait` for its result.

    Output goes to memory, or to files when ``stdout_path``/``stderr_path`` are given (what
    :mod:`perfkit.capture` does, so that an interrupted capture keeps every line printed so
    far). It runs in ``cwd`` when given, and in its own session, so a Ctrl-C at the
    terminal reaches only the caller, which decides whether to pass it on
    (:meth:`interrupt`).

    >>> p = Process(["sleep", "30"])
    >>> p.interrupt()
    >>> r = p.wait(timeout=5)
    >>> r.returncode, r.interrupted, r.error
    (-2, True, None)
    """

    def __init__(self, argv: list[str], *, env: dict[str, str] | None = None,
                 locale: str = "C", stdout_path: str | os.PathLike | None = None,
                 stderr_path: str | os.PathLike | None = None,
                 cwd: str | os.PathLike | None = None) -> None:
        """Start ``argv``; it gets SIGKILL if this process dies (:func:`die_with_parent`)."""
        self.argv = [str(a) for a in argv]
        self.started_utc = utc_now()
        self._start = time.monotonic()
        self.interrupted = False
        self._timed_out = False
        self._files: list[IO[bytes]] = []
        self._stdout_path = stdout_path
        self._stderr_path = stderr_path
        self.result: RunResult | None = None
        self.proc: subprocess.Popen[bytes] | None = None
        environment = child_env(env, locale=locale)
        program = which(self.argv[0], path=environment.get("PATH")) if self.argv else None
        if program is None:
            self._finish_early(127, "not installed",
                               f"{self.argv[0] if self.argv else '(empty)'}: not found on PATH")
            return
        out = self._open(stdout_path)
        err = self._open(stderr_path)
        try:
            self.proc = subprocess.Popen(  # an argument list, never a shell
                [program, *self.argv[1:]], stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                env=environment, cwd=cwd, start_new_session=True,
                preexec_fn=die_with_parent())
        except PermissionError as exc:
            self._finish_early(126, "permission denied", str(exc))
        except OSError as exc:
            self._finish_early(126, f"cannot run: {exc.strerror or exc}", str(exc))

    def _open(self, path: str | os.PathLike | None) -> Any:
        if path is None:
            return subprocess.PIPE
        handle = open(path, "wb")  # closed in _close
        self._files.append(handle)
        return handle

    def _close(self) -> None:
        for handle in self._files:
            handle.close()
        self._files.clear()

    def _finish_early(self, code: int, error: str, message: str) -> None:
        self._close()
        for path, text in ((self._stdout_path, ""), (self._stderr_path, message + "\n")):
            if path is not None:
                Path(path).write_text(text, encoding="utf-8")
        self.result = RunResult(self.argv, None if code == 127 else code, "", message + "\n",
                                self.started_utc, utc_now(), 0.0, error)

    @property
    def pid(self) -> int | None:
        """The process id, or ``None`` when the program never started."""
        return self.proc.pid if self.proc else None

    def elapsed(self) -> float:
        """Seconds since the program was started."""
        return time.monotonic() - self._start

    def poll(self) -> bool:
        """True once the program has finished (or never started)."""
        return self.proc is None or self.proc.poll() is not None

    def send(self, sig: int) -> None:
        """Send a signal to the program and to what it started (its process group)."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def interrupt(self) -> None:
        """Send SIGINT, as Ctrl-C would: sysstat tools then print their averages and exit."""
        if self.proc is not None and self.proc.poll() is None:
            self.interrupted = True
            self.send(signal.SIGINT)

    def stop(self, grace: float = GRACE) -> None:
        """Interrupt the program, then terminate and finally kill it if it does not finish."""
        if self.proc is None:
            return
        for sig in (signal.SIGINT, signal.SIGTERM):
            if self.proc.poll() is not None:
                return
            self.send(sig)
            try:
                self.proc.wait(timeout=grace)
                return
            except subprocess.TimeoutExpired:
                continue
        self.send(signal.SIGKILL)
        self.proc.wait()

    def wait(self, timeout: float | None = None) -> RunResult:
        """Wait for the program (stopping it after ``timeout`` seconds, counted from its
        start) and return its :class:`RunResult`."""
        if self.result is not None:
            return self.result
        assert self.proc is not None
        remaining = None if timeout is None else max(0.0, timeout - self.elapsed())
        try:
            out, err = self.proc.communicate(timeout=remaining)
        except subprocess.TimeoutExpired:
            self._timed_out = True
            self.stop()
            try:
                out, err = self.proc.communicate(timeout=GRACE)
            except subprocess.TimeoutExpired:  # a child of the program holds the pipes
                self.send(signal.SIGKILL)
                out, err = self.proc.communicate()
        self._close()
        stdout = (out or b"").decode("utf-8", "replace")
        stderr = (err or b"").decode("utf-8", "replace")
        if self._stderr_path is not None:
            stderr_for_class = Path(self._stderr_path).read_text("utf-8", "replace")
        else:
            stderr_for_class = stderr
        code = self.proc.returncode
        error = _classify(code, stderr_for_class, timed_out=self._timed_out,
                          interrupted=self.interrupted)
        self.result = RunResult(self.argv, code, stdout, stderr, self.started_utc, utc_now(),
                                round(self.elapsed(), 3), error, self.interrupted)
        return self.result


def run(argv: list[str], *, timeout: float, env: dict[str, str] | None = None,
        locale: str = "C", interrupt_after: float | None = None) -> RunResult:
    """Run ``argv`` (a list, never a shell string) and return its :class:`RunResult`.

    Args:
        argv: the program and its arguments.
        timeout: seconds before the program is stopped (SIGINT, then SIGTERM, then SIGKILL);
            the result then has ``error="timed out"`` and keeps the output printed so far.
        env: variables added to this process's environment (``{"S_TIME_FORMAT": "ISO"}``).
        locale: the value of ``LC_ALL`` and ``LANG`` (``"C"`` unless a test wants another).
        interrupt_after: send SIGINT after this many seconds and wait (within ``timeout``)
            for the program to finish by itself; ``interrupted`` is then True and a program
            that exits as asked is not an error.

    >>> r = run(["mpstat", "1"], timeout=10, interrupt_after=1.2)  # doctest: +SKIP
    >>> "Average:" in r.stdout  # doctest: +SKIP
    True
    """
    process = Process(argv, env=env, locale=locale)
    if process.result is not None:
        return process.result
    if interrupt_after is not None:
        deadline = time.monotonic() + interrupt_after
        while not process.poll() and time.monotonic() < deadline:
            time.sleep(min(0.05, max(0.0, deadline - time.monotonic())))
        if not process.poll():
            process.interrupt()
    return process.wait(timeout=timeout)


#: How each known tool reports its version (the first line is kept).
_VERSION_FLAGS = {
    "vmstat": "-V", "free": "-V", "top": "-V", "uptime": "-V", "ps": "-V", "pidof": "-V",
    "mpstat": "-V", "pidstat": "-V", "iostat": "-V", "sar": "-V", "sadf": "-V", "dmesg": "-V",
}


@functools.lru_cache(maxsize=64)
def tool_version(tool: str) -> str | None:
    """The first line of what ``tool -V`` (or ``--version``) prints, or ``None`` when the
    tool is missing or says nothing.

    >>> tool_version("no-such-tool-perfkit") is None
    True
    """
    if which(tool) is None:
        return None
    flag = _VERSION_FLAGS.get(tool, "--version")
    result = run([tool, flag], timeout=10)
    for line in (result.stdout + "\n" + result.stderr).splitlines():
        if line.strip():
            return line.strip()
    return None


class RunError(RuntimeError):
    """A tool run by :func:`live` failed; ``.result`` is its :class:`RunResult`."""

    def __init__(self, result: RunResult) -> None:
        self.result = result
        super().__init__(f"{' '.join(result.argv)}: {result.error}")


def live(argv: list[str], *, timeout: float, tool: str | None = None,
         interrupt_after: float | None = None, env: dict[str, str] | None = None) -> Any:
    """Run a tool now and return its parsed output (:func:`perfkit.parse`), for notebooks.

    ``tool`` defaults to the program's name when perfkit has a parser of that name, else it
    is recognised from the output. Raises :class:`RunError` when the tool failed.

    >>> df = live(["vmstat", "1", "2"], timeout=10)  # doctest: +SKIP
    >>> list(df.columns[:3])  # doctest: +SKIP
    ['time', 'r', 'b']
    """
    import perfkit

    result = run(argv, timeout=timeout, env=env, interrupt_after=interrupt_after)
    if result.error is not None:
        raise RunError(result)
    if tool is None:
        name = os.path.basename(argv[0])
        tool = name if name in perfkit.TOOLS else None
    return perfkit.parse(result.stdout, tool)


class _suppress_gone:
    """``with _suppress_gone(): os.killpg(...)``: a group that is already gone is fine."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, value: Any, trace: Any) -> bool:
        return kind is not None and issubclass(kind, (ProcessLookupError, PermissionError))


@dataclass
class BoundedResult:
    """What :func:`run_bounded` saw: the bytes printed (``stdout`` at most ``max_bytes``),
    whether it was stopped after its duration (``interrupted``), because it printed too
    much (``truncated``, with ``stdout_seen`` the bytes it printed in all), or killed
    after the grace period (``killed``)."""

    argv: list[str]
    returncode: int | None
    stdout: bytes
    stderr: bytes
    duration: float
    interrupted: bool = False
    truncated: bool = False
    killed: bool = False
    stdout_seen: int = 0


class _Drain(threading.Thread):
    """Read a pipe to its end, keeping the first ``limit`` bytes and counting the rest."""

    def __init__(self, pipe: IO[bytes], limit: int | None, over: threading.Event) -> None:
        super().__init__(daemon=True)
        self.pipe = pipe
        self.limit = limit
        self.over = over
        self.kept = bytearray()
        self.seen = 0

    def run(self) -> None:
        fd = self.pipe.fileno()
        while True:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:  # pragma: no cover - the pipe went away
                break
            if not chunk:
                break
            self.seen += len(chunk)
            room = len(chunk) if self.limit is None else max(0, self.limit - len(self.kept))
            self.kept += chunk[:room]
            if self.limit is not None and self.seen > self.limit:
                self.over.set()


def run_bounded(argv: list[str], *, duration: float | None, grace: float = GRACE,
                max_bytes: int | None = None, max_stderr: int = 1 << 20,
                env: dict[str, str] | None = None, locale: str = "C") -> BoundedResult:
    """Run a tracer such as bpftrace for at most ``duration`` seconds and ``max_bytes``
    bytes of standard output, and never longer than this process.

    The program runs in a session of its own with :func:`die_with_parent`. After
    ``duration`` seconds (``None``: until it exits), or as soon as it has printed more
    than ``max_bytes``, its process group gets SIGINT (bpftrace then prints its maps and
    detaches), then SIGKILL ``grace`` seconds later. Output past ``max_bytes`` is read and
    dropped (``truncated`` says so). Any exception while waiting (a KeyboardInterrupt in a
    notebook) stops the group the same way before it is raised again.

    >>> r = run_bounded(["sh", "-c", "yes | head -c 100000"], duration=10, max_bytes=1000)
    >>> len(r.stdout), r.truncated, r.stdout_seen > 1000
    (1000, True, True)
    """
    over = threading.Event()
    began = time.monotonic()
    proc = subprocess.Popen([str(a) for a in argv], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=child_env(env, locale=locale), start_new_session=True,
                            preexec_fn=die_with_parent())
    assert proc.stdout is not None and proc.stderr is not None
    out = _Drain(proc.stdout, max_bytes, over)
    err = _Drain(proc.stderr, max_stderr, threading.Event())
    out.start()
    err.start()
    interrupted = killed = False

    def stop(wait: float) -> bool:
        with _suppress_gone():
            os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=wait)
            return False
        except subprocess.TimeoutExpired:
            with _suppress_gone():
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return True

    try:
        while proc.poll() is None:
            if over.is_set() or (duration is not None
                                 and time.monotonic() - began >= duration):
                interrupted = not over.is_set()
                killed = stop(grace)
                break
            over.wait(0.05)
    except BaseException:
        stop(min(grace, 2.0))
        raise
    finally:
        with _suppress_gone():  # what the program started in its group (system(), -c)
            os.killpg(proc.pid, signal.SIGKILL)
        out.join(timeout=grace)
        err.join(timeout=grace)
        proc.stdout.close()
        proc.stderr.close()
    return BoundedResult([str(a) for a in argv], proc.returncode, bytes(out.kept),
                         bytes(err.kept), round(time.monotonic() - began, 3),
                         interrupted=interrupted,
                         truncated=max_bytes is not None and out.seen > max_bytes,
                         killed=killed, stdout_seen=out.seen)


def hand_over(argv: list[str], env: dict[str, str]) -> int:
    """Run ``argv`` in this process's place, for a program that is the rest of the command
    (``perfkit lab`` becoming JupyterLab): on POSIX the process is replaced, so Ctrl-C and
    SIGTERM reach the program itself; elsewhere it is started and waited for, Ctrl-C left to
    the program (which got it too). Returns the exit status where it returns at all."""
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execve(argv[0], argv, env)
    server = subprocess.Popen(argv, env=env)
    while True:
        try:
            return server.wait()
        except KeyboardInterrupt:
            continue  # the program got the same Ctrl-C and asks, or stops
