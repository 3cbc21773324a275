"""``perfkit induce``: the command line of :mod:`perfkit.capture.induce`.

    perfkit induce NAME [--duration 60] [--builtin] [--dir /var/tmp] [--set KEY=VALUE]
                        [--record FILE]
    perfkit induce --cleanup

>>> _options(["workers=3", "sync=none"])
{'workers': 3, 'sync': 'none'}
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import (
    DEFAULT_DIR,
    DESCRIPTIONS,
    SCENARIOS,
    InducedRun,
    InduceError,
    InduceRefused,
    Stopped,
    induced,
)
from .plan import MAX_DURATION
from .resources import leftovers, remove_leftovers

CLI_HELP = "reproduce a recorded scenario on this machine, bounded and cleaned up"
CLI_DESCRIPTION = (
    "Run a course scenario's load on this machine in the foreground, bounded in time, "
    "memory (a cgroup of its own), disk (capped temporary files) and network (a private "
    "namespace), and remove everything at the end, on Ctrl-C, SIGTERM and SIGHUP. Refuses "
    "(exit status 2) where it cannot run safely.")


def add_cli(sub: Any) -> argparse.ArgumentParser:
    """Add ``perfkit induce`` to the command line's sub-commands."""
    parser = sub.add_parser(
        "induce", help=CLI_HELP,
        description="\n\n".join(textwrap.fill(part, 90) for part in CLI_DESCRIPTION.split("\n\n")),
        epilog="\n".join(textwrap.wrap("scenarios: " + "; ".join(
            f"{n}: {d}" for n, d in DESCRIPTIONS.items()), 90)))
    parser.add_argument("scenario", choices=SCENARIOS, metavar="NAME", nargs="?",
                        help="the scenario: " + ", ".join(SCENARIOS))
    parser.add_argument("--duration", type=float, default=60.0,
                        help=f"seconds the load runs (default 60, at most {MAX_DURATION:.0f})")
    parser.add_argument("--builtin", action="store_true",
                        help="use the built-in loads even where stress-ng is installed")
    parser.add_argument("--dir", default=DEFAULT_DIR, dest="directory",
                        help=f"where temporary and swap files go (default {DEFAULT_DIR})")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="change a default, e.g. --set workers=2 --set cap_mib=64")
    parser.add_argument("--record", default=None, metavar="FILE",
                        help="write the ground truth (JSON) to FILE at the end")
    parser.add_argument("--cleanup", action="store_true",
                        help="only remove what runs killed with SIGKILL left behind (their "
                             "cgroups, namespaces, swap files, temporary files)")
    return parser


def _options(pairs: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"--set takes KEY=VALUE, not {pair!r}")
        try:
            out[key] = int(value)
        except ValueError:
            try:
                out[key] = float(value)
            except ValueError:
                out[key] = value
    return out


def _cleanup(directory: str, say: Callable[[str], None]) -> int:
    found = leftovers([directory])
    if not found:
        say("nothing left behind by earlier runs")
        return 0
    for kind, path in found:
        say(f"removing {kind} {path}")
    left = remove_leftovers(found)
    for item in left:
        say(f"could not remove {item}")
    return 1 if left else 0


def main(args: argparse.Namespace) -> int:
    """``perfkit induce``: 0 when the load ran and everything was removed, 2 when refused,
    1 when a load failed or something was left, 128+N after signal N (all cleaned up)."""
    def say(line: str) -> None:
        try:
            print(f"perfkit induce: {line}", flush=True)
        except OSError:  # the terminal is gone (SIGHUP) or the pipe closed
            pass

    if args.cleanup:
        return _cleanup(args.directory, say)
    if args.scenario is None:
        print("perfkit induce: name a scenario (" + ", ".join(SCENARIOS) + ") or --cleanup",
              file=sys.stderr)
        return 2
    stale = leftovers([args.directory])
    if stale:
        say("warning: an earlier run that was killed left " + ", ".join(
            str(path) for _, path in stale) + " (perfkit induce --cleanup removes them)")
    runs: list[InducedRun] = []
    status = 0
    try:
        options = _options(args.set)
        with induced(args.scenario, args.duration, builtin=args.builtin,
                     directory=args.directory, options=options, say=say,
                     track=runs) as run:
            if run.remaining() > 0:
                say(f"running for {run.remaining():.0f} s more (Ctrl-C stops it early)")
            while run.remaining() > 0:
                time.sleep(min(0.5, run.remaining()))
    except InduceRefused as exc:
        print(f"perfkit induce: refused: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"perfkit induce: {exc}", file=sys.stderr)
        return 2
    except InduceError as exc:
        print(f"perfkit induce: {exc}", file=sys.stderr)
        status = 1
    except KeyboardInterrupt as exc:
        signum = exc.signum if isinstance(exc, Stopped) else signal.SIGINT
        say(f"stopped by {signal.Signals(signum).name}")
        status = 128 + signum
    for run in runs:
        if run.left:
            status = status or 1
        if args.record:
            Path(args.record).write_text(json.dumps(run.record(), indent=2) + "\n")
            say(f"ground truth written to {args.record}")
    return status
