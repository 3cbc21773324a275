"""Run a bpftrace program for a bounded time and get its maps and printf output as tables.

:func:`run` starts ``bpftrace -f json`` (or the text output) in a process group of its own
through :func:`perfkit.runner.run_bounded` (it dies with the Python process, however that
ends),
sends SIGINT after ``duration`` seconds (bpftrace then prints its maps and exits), SIGKILL
after a grace period if it is still there, and reads what it printed with
:func:`perfkit.parse` (see :mod:`perfkit.parsers.bpftrace` for the tables). Whatever happens
(a timeout, an error, a KeyboardInterrupt in a notebook), the process group is ended before
:func:`run` returns or raises, so no probe stays attached.

Failures raise :class:`BpftraceError` with a ``hint`` saying what to do: not root,
bpftrace missing, tracefs not mounted, a probe that does not exist, a kernel where kprobes
or kfuncs cannot attach. :func:`available` says beforehand whether tracing can work here.
This module never mounts anything: the hint prints the commands for you to run.

>>> ok, reason = available()
>>> isinstance(ok, bool) and isinstance(reason, str)
True
>>> BpftraceError("bpftrace is not installed", hint="apt-get install bpftrace").hint
'apt-get install bpftrace'
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import runner
from .errors import warn
from .result import Tables

#: Seconds bpftrace gets after SIGINT to print its maps and exit before it is killed.
GRACE = 5.0
#: Bytes of output :func:`run` keeps by default before it stops the trace (16 MiB; parsing
#: takes about ten times as much memory).
MAX_BYTES = 16 << 20
TRACEFS_DIRS = (Path("/sys/kernel/tracing"), Path("/sys/kernel/debug/tracing"))
MOUNT_HINT = ("mount tracefs and debugfs (as root):\n"
              "  mount -t tracefs tracefs /sys/kernel/tracing\n"
              "  mount -t debugfs debugfs /sys/kernel/debug")
INSTALL_HINT = ("install it: apt-get install bpftrace (Debian/Ubuntu; "
                "dnf install bpftrace on Fedora)")
KPROBE_HINT = ("this kernel cannot attach kprobes/kretprobes (no kprobe_events in tracefs) or "
               "kfuncs (bpftrace --info says 'kfunc: no'): use tracepoints instead "
               "(bpftrace -l 'tracepoint:*'), e.g. "
               "tracepoint:syscalls:sys_enter_execve, tracepoint:block:block_rq_complete, "
               "tracepoint:sock:inet_sock_set_state, tracepoint:tcp:tcp_retransmit_skb")


class BpftraceError(RuntimeError):
    """bpftrace could not run the program; ``hint`` says what to do, ``stderr`` what it said."""

    def __init__(self, message: str, *, hint: str = "", stderr: str = "",
                 returncode: int | None = None) -> None:
        self.hint = hint
        self.stderr = stderr
        self.returncode = returncode
        super().__init__(message + (f"\nhint: {hint}" if hint else ""))


def _tracefs_mounted() -> bool:
    return any((folder / "events").is_dir() for folder in TRACEFS_DIRS)


def _check(bpftrace: str) -> tuple[str, None] | tuple[None, BpftraceError]:
    path = shutil.which(bpftrace)
    if path is None:
        return None, BpftraceError(f"{bpftrace} is not installed (not found on PATH)",
                                   hint=INSTALL_HINT)
    if os.geteuid() != 0:
        return None, BpftraceError("bpftrace needs root to load BPF programs",
                                   hint="run as root (sudo) or in a root notebook kernel")
    if not _tracefs_mounted():
        return None, BpftraceError("tracefs is not mounted: tracepoints cannot be found",
                                   hint=MOUNT_HINT)
    return path, None


def available(bpftrace: str = "bpftrace") -> tuple[bool, str]:
    """Whether :func:`run` can work here, and why not (or which bpftrace it would run)."""
    path, error = _check(bpftrace)
    if error is not None:
        return False, str(error)
    return True, f"{path} as root, tracefs mounted"


_LOCATED = re.compile(r"^(?P<where>\S+:\d+:[\d-]+): ERROR: (?P<what>.*)$")


def _first_error(said: list[str]) -> str | None:
    """bpftrace's first ``ERROR:`` line, with its location (``stdin:1:67-68``) and, when
    it printed them, the program line and the ``~~~`` line under the culprit.

    >>> print(_first_error(["stdin:1:9-10: ERROR: syntax error, unexpected ;",
    ...                     "BEGIN { ; }", "        ~"]))
    syntax error, unexpected ; (at stdin:1:9-10)
    BEGIN { ; }
            ~
    """
    for index, line in enumerate(said):
        if "ERROR:" not in line:
            continue
        located = _LOCATED.match(line.strip())
        if located is None:
            return re.sub(r"^.*?ERROR: ", "", line.strip())
        text = [f"{located['what']} (at {located['where']})"]
        following = said[index + 1:index + 3]
        if len(following) == 2 and set(following[1].strip()) <= set("~^"):
            text += [following[0].rstrip(), following[1].rstrip()]
        return "\n".join(text)
    return None


def explain(stderr: str, returncode: int | None = None, stdout: str = "") -> BpftraceError:
    """The :class:`BpftraceError` for what bpftrace printed when it failed (some messages,
    such as ``No probes to attach``, go to stdout).

    >>> err = explain("stdin:1:1-15: ERROR: kfunc/kretfunc not available for your kernel "
    ...               "version.\\nkfunc:vfs_read { exit(); }\\n", 1)
    >>> str(err).splitlines()[0]
    'kfunc/kretfunc not available for your kernel version. (at stdin:1:1-15)'
    >>> "tracepoint" in err.hint
    True
    """
    # bpftrace 0.17 says it could not raise RLIMIT_MEMLOCK on every run, harmlessly
    said = [line for line in (stderr + "\n" + stdout).splitlines()
            if line.strip() and "RLIMIT" not in line and not line.startswith(("{", "Attach"))]
    message = _first_error(said) or (said[-1].strip() if said else
                                     f"bpftrace failed (exit status {returncode})")
    lowered = "\n".join(said).lower()
    if "only supports running as the root user" in lowered:
        hint = "run as root (sudo)"
    elif ("kfunc" in lowered and "not available" in lowered) or "kprobe_events" in lowered \
            or re.search(r"error attaching probe: '(kprobe|kretprobe|kfunc|kretfunc)", lowered):
        hint = KPROBE_HINT
    elif "btf" in lowered or "kernel headers" in lowered:
        hint = ("this kernel has no BTF (/sys/kernel/btf/vmlinux) and no headers were found: "
                "install linux-headers-$(uname -r) or use tracepoints")
    elif "tracepoint not found" in lowered:
        hint = (MOUNT_HINT if not _tracefs_mounted() else
                "list the tracepoints with: bpftrace -l 'tracepoint:*'")
    elif "no probes to attach" in lowered or "error attaching probe" in lowered \
            or "not found" in lowered:
        hint = "the probe does not exist here; list probes with: bpftrace -l '<pattern>'"
    elif "syntax error" in lowered or "error:" in lowered:
        hint = "bpftrace rejected the program: see the message above"
    else:
        hint = ""
    return BpftraceError(message, hint=hint, stderr=stderr, returncode=returncode)


def run(program: str | os.PathLike, duration: float | None = 5, *, args: Sequence[str] = (),
        json: bool = True, command: Sequence[str] | None = None, grace: float = GRACE,
        bpftrace: str = "bpftrace", max_bytes: int | None = MAX_BYTES) -> Tables:
    """Run a bpftrace ``program`` (its text, or a path to a ``.bt`` file) for ``duration``
    seconds (``None``: until it calls ``exit()``) and return its output as tables.

    ``args`` go after the program (positional parameters ``$1``...). ``json=False`` reads
    the text output instead of ``-f json``. ``command`` (an argument list without spaces
    inside arguments) is started by bpftrace (``-c``) once the probes are attached, and the
    trace ends when it exits (or after ``duration``); its standard output is mixed into
    bpftrace's, so give it a command that prints nothing. Raises :class:`BpftraceError`
    when bpftrace cannot run the program. What bpftrace printed is kept in
    ``tables.attrs["text"]`` (and its standard error in ``attrs["stderr"]``).

    bpftrace is started by :func:`perfkit.runner.run_bounded`: it dies with this process
    however that ends (even SIGKILL), so no probe outlives it. Once it has printed more
    than ``max_bytes`` bytes (:data:`MAX_BYTES` unless given; ``None``: no limit) it is
    stopped, the output is cut at the last whole line before the limit, a
    :class:`~perfkit.ParseWarning` says so and ``attrs["truncated"]`` holds the bytes it
    printed in all. "Lost N events" reports give one warning with their total
    (``attrs["lost_events"]``).
    """
    path, error = _check(bpftrace)
    if error is not None:
        raise error
    source = Path(program) if not isinstance(program, str) or (
        "\n" not in program and "{" not in program) else None
    argv = [str(path)] + (["-f", "json"] if json else [])
    if command:
        argv += ["-c", " ".join(str(part) for part in command)]
    if source is not None:
        if not source.is_file():
            raise BpftraceError(f"no bpftrace program at {source}",
                                hint="pass the program text or the path of a .bt file")
        argv.append(str(source))
    else:
        argv += ["-e", str(program)]
    argv += [str(a) for a in args]
    result = runner.run_bounded(argv, duration=duration, grace=grace, max_bytes=max_bytes)
    stdout = result.stdout.decode("utf-8", "replace")
    stderr = result.stderr.decode("utf-8", "replace")
    ended_by_us = (result.interrupted or result.truncated) and result.returncode in (
        0, -signal.SIGINT, -signal.SIGKILL)
    errors = [line for line in stderr.splitlines() if "ERROR:" in line and "RLIMIT" not in line]
    if not ended_by_us and (result.returncode != 0 or errors):
        raise explain(stderr, result.returncode, stdout)
    if result.truncated:
        stdout = stdout[:stdout.rfind("\n") + 1]
    attrs: dict[str, Any] = {"stderr": stderr, "text": stdout,
                             "killed": result.returncode == -signal.SIGKILL}
    if result.truncated:
        attrs["truncated"] = result.stdout_seen
        warn(f"bpftrace printed more than max_bytes={max_bytes} bytes "
             f"({result.stdout_seen} at least): the trace was stopped and its output cut at "
             "the last whole line before the limit; maps printed at exit are missing. "
             "Aggregate in maps, filter, or raise max_bytes", tool="bpftrace")
    if not stdout.strip():
        return Tables(attrs={"format": "json" if json else "text", **attrs})
    tables = _parse(stdout)
    tables.attrs.update(attrs)
    return tables


def _parse(stdout: str) -> Tables:
    """Parse bpftrace's output, folding its "Lost N events" warnings into one."""
    from . import parse

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tables = parse(stdout, "bpftrace")
    lost = 0
    for item in caught:  # one pass: there can be tens of thousands of reports
        text = str(item.message)
        if "lost" in text and "events" in text:
            lost += 1
        else:
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
    if lost:
        total = tables.attrs.get("lost_events", 0)
        warn(f"lost {total} events in all ({lost} reports): its buffers overflowed, so "
             "maps and rows miss them", tool="bpftrace")
    return tables
