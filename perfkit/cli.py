"""The perfkit command: capture the checklist, list findings, read outputs, open the course.

    perfkit capture [DIR] [--duration 60] [--interval 1] [--redact] [--force]
    perfkit checklist CAPTURE_DIR | --lake LAKE [--by hour]
    perfkit ingest SOURCES... --into LAKE
    perfkit parse FILE [--tool TOOL] [--table NAME] [--csv]
    perfkit samples
    perfkit induce NAME [--duration 60] [--builtin]
    perfkit lab [--recorded] [--dir DIR]
    perfkit mystery --check "DIAGNOSIS" | --reveal

An error prints one line on standard error and exits with status 2 (bad arguments, a file
that is missing or cannot be read, text perfkit cannot read) or 1 (anything else); --debug
shows the traceback instead. A closed pipe (``perfkit parse FILE --csv | head``) ends the
command quietly, with status 141 as for a command killed by SIGPIPE.

>>> main(["parse", "--help"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

#: Exit statuses: the input or the arguments are at fault; a closed pipe; Ctrl-C.
USAGE, CLOSED_PIPE, INTERRUPTED = 2, 141, 130

DESCRIPTION = """\
Linux performance analysis in 60 seconds, and beyond: capture the checklist's
tools on a machine, list what the capture shows, read any tool's saved output
as a table or CSV, and open the course in JupyterLab."""

EPILOG = """\
examples:
  perfkit capture DIR --duration 60     record the checklist for 60 s into DIR
  perfkit checklist DIR                 the findings of a capture (or of a sample's name)
  perfkit parse vmstat.txt --csv        any tool's saved output as CSV
  perfkit samples                       the recorded scenarios shipped with perfkit
  perfkit lab --recorded                the course in JupyterLab, on recordings only
  perfkit mystery --check "TEXT"        does a diagnosis of the workshop mystery name its cause?

'perfkit COMMAND --help' describes each command."""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions kept as written (plain text, wrapped by hand); every command's name and
    summary on one line (argparse measures sub-commands one indent short)."""

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        self._action_max_length = max(self._action_max_length, 16)


class _Parser(argparse.ArgumentParser):
    """argparse with plain-text help kept as written, one-line errors (exit status 2) and
    ``--debug`` on every command (sub-commands' parsers are of this class too)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)
        self.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                          help="on an error, show the whole traceback")

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(USAGE, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    top = _Parser(prog="perfkit", description=DESCRIPTION, epilog=EPILOG)
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    from .capture.plan import CLI_DESCRIPTION, CLI_EPILOG

    cap = sub.add_parser("capture", help="run the 60-second checklist and save its output",
                         description=CLI_DESCRIPTION, epilog=CLI_EPILOG)
    cap.add_argument("directory", nargs="?", default=None,
                     help="where to write (default: perfkit-capture-<UTC time> in the "
                          "current directory)")
    cap.add_argument("--duration", type=float, default=60.0,
                     help="seconds the interval tools sample, rounded to whole intervals "
                          "(default 60)")
    cap.add_argument("--interval", type=int, default=1,
                     help="whole seconds between samples (default 1)")
    cap.add_argument("--redact", action="store_true",
                     help="replace host names, addresses, user names and the boot command "
                          "line with placeholders")
    cap.add_argument("--force", action="store_true",
                     help="replace an existing capture in DIRECTORY")
    cap.add_argument("--quiet", action="store_true", help="no progress display")
    cap.add_argument("--induce", default=None, metavar="SCENARIO",
                     help="first put this machine in a scenario's state (perfkit induce's "
                          "names), capture it, then remove the load; capture.json records "
                          "the ground truth")
    cap.add_argument("--builtin", action="store_true",
                     help="with --induce: perfkit's built-in loads even where stress-ng is "
                          "installed")

    chk = sub.add_parser(
        "checklist", help="print the findings of a capture",
        description="Print what a capture shows, one finding a line: the severity, the tool,\n"
                    "the metric, the value observed against its threshold, and what it means.\n"
                    "With --lake, the same rules over every host and time window of a fleet's\n"
                    "lake (perfkit ingest). Exit status 2 when the capture cannot be opened.")
    chk.add_argument("directory", nargs="?",
                     help="a capture directory (perfkit capture) or the name of a recorded "
                          "scenario (perfkit samples); or --lake")
    from .lake.cli import add_ingest, add_lake_options

    add_lake_options(chk)
    add_ingest(sub)

    from .registry import TOOLS

    prs = sub.add_parser(
        "parse", help="parse a saved output and print it as a table or CSV",
        description="Read a tool's saved output (recognised from its text, or named with\n"
                    "--tool) and print its frames: a table, or CSV with --csv. Every row is\n"
                    "printed when the output goes to a file or a pipe; a terminal shows the\n"
                    "head and tail of long frames. Exit status 2 when the file cannot be read\n"
                    "or the text is not a known tool's output.")
    prs.add_argument("file", help="the output file ('-' for standard input)")
    prs.add_argument("--tool", default=None, choices=(*TOOLS, "sadf"), metavar="TOOL",
                     help="the tool that printed it (default: recognised from the text): "
                          + ", ".join(TOOLS))
    prs.add_argument("--table", default=None, help="which table of a multi-table output")
    prs.add_argument("--csv", action="store_true", help="write CSV instead of a table")
    prs.add_argument("--strict", action="store_true", help="fail on unrecognised lines")

    sub.add_parser("samples", help="list the recorded scenarios shipped with perfkit",
                   description="List the recorded scenarios shipped with perfkit: a name and "
                               "what the machine\nwas doing. Open one with 'perfkit "
                               "checklist NAME' or perfkit.samples.load(NAME).")

    from .course.lab import DESCRIPTION as LAB_DESCRIPTION

    lab = sub.add_parser("lab", help="open the course in JupyterLab", description=LAB_DESCRIPTION)
    lab.add_argument("--recorded", action="store_true",
                     help="every notebook uses the recordings (sets PERFKIT_MODE=recorded): "
                          "the same numbers on every laptop of a workshop")
    lab.add_argument("--dir", default=None, metavar="DIR",
                     help="copy the course to DIR (files already there are kept) and open it "
                          "there")
    lab.add_argument("--port", type=int, default=None, help="the port (default: JupyterLab's)")
    lab.add_argument("--no-browser", dest="browser", action="store_false",
                     help="do not open a web browser; open the address printed")
    lab.add_argument("jupyter_args", nargs=argparse.REMAINDER, metavar="-- JUPYTER_OPTIONS",
                     help="options passed on to jupyter lab, after --")

    from .capture.induce.cli import add_cli as add_induce

    add_induce(sub)
    mys = sub.add_parser("mystery", help="check a diagnosis of the workshop mystery",
                         description="Does a diagnosis of the workshop's mystery capture "
                                     "(notebook 12) name its cause?\nExit status 0 yes, 1 no "
                                     "(with a hint of what is missing). Teachers:\n--reveal "
                                     "prints the answer.")
    what = mys.add_mutually_exclusive_group(required=True)
    what.add_argument("--check", metavar="TEXT", help="your diagnosis, in a few words")
    what.add_argument("--reveal", action="store_true", help="print the answer (for teachers)")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        status = _dispatch(args)
        sys.stdout.flush()  # a closed pipe shows here rather than at exit
        return status
    except BrokenPipeError:
        _silence_stdout()
        return CLOSED_PIPE
    except KeyboardInterrupt:
        if getattr(args, "debug", False):
            raise
        print(f"perfkit {args.command}: interrupted", file=sys.stderr)
        return INTERRUPTED
    except Exception as exc:
        if getattr(args, "debug", False):
            raise
        print(f"perfkit {args.command}: {_one_line(exc)}", file=sys.stderr)
        return USAGE if isinstance(exc, (OSError, *_input_errors())) else 1


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "capture":
        from .capture import main as capture_main

        return capture_main(args)
    if args.command == "checklist" and (getattr(args, "lake", None) or args.directory is None):
        from .lake.cli import checklist_main as lake_checklist

        return lake_checklist(args)
    if args.command == "checklist":
        from .checklist import main as checklist_main

        # its only failure (1) is a capture it cannot open: the user's input, status 2
        return USAGE if checklist_main(args) == 1 else 0
    if args.command == "induce":
        from .capture.induce.cli import main as induce_main

        return induce_main(args)
    if args.command == "ingest":
        from .lake.cli import ingest_main

        return ingest_main(args)
    if args.command == "samples":
        from . import samples

        for name, info in samples.list().items():
            print(f"{name:18} {info}")
        return 0
    if args.command == "lab":
        from .course import lab

        extra = args.jupyter_args[1:] if args.jupyter_args[:1] == ["--"] else args.jupyter_args
        return lab.run(recorded=args.recorded, folder=args.dir, port=args.port,
                       browser=args.browser, extra=extra)
    if args.command == "mystery":
        from .course import mystery

        return mystery.main(args.check, show=args.reveal)
    return _parse(args)


def _input_errors() -> tuple[type[Exception], ...]:
    """Errors that mean the user's input is at fault (exit status 2)."""
    from .course.lab import LabError
    from .errors import ParseError

    return (ParseError, LabError)


def _one_line(exc: BaseException) -> str:
    """An exception as one line: ``No such file or directory: 'x.txt'``, not a traceback."""
    if isinstance(exc, OSError) and exc.strerror:
        message = exc.strerror + (f": {exc.filename}" if exc.filename else "")
    else:
        message = str(exc) or type(exc).__name__
        if not isinstance(exc, _input_errors()):
            message = f"{type(exc).__name__}: {message} (--debug shows the traceback)"
    return " ".join(message.split())


def _silence_stdout() -> None:
    """After a closed pipe: send what Python still flushes at exit to /dev/null, so it ends
    without a second BrokenPipeError."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _parse(args: argparse.Namespace) -> int:
    import pandas as pd

    import perfkit

    source = sys.stdin.buffer if args.file == "-" else args.file
    name = "standard input" if args.file == "-" else args.file
    try:
        result = perfkit.read(source, args.tool, strict=args.strict)
    except OSError as exc:
        if getattr(args, "debug", False):
            raise
        print(f"perfkit parse: {name}: {exc.strerror or exc}", file=sys.stderr)
        return USAGE
    except perfkit.ParseError as exc:
        if getattr(args, "debug", False):
            raise
        # the library's words are for Python (tool=); here the option is --tool
        message = str(exc).replace("pass tool= with", "give --tool with")
        print(f"perfkit parse: {name}: {message}", file=sys.stderr)
        return USAGE
    frames = {"": result} if isinstance(result, pd.DataFrame) else dict(result)
    if args.table:
        if args.table not in frames:
            print(f"perfkit parse: no table {args.table!r}; tables: {', '.join(frames)}",
                  file=sys.stderr)
            return USAGE
        frames = {args.table: frames[args.table]}
    terminal = sys.stdout.isatty()
    for title, frame in frames.items():
        if args.csv:
            if len(frames) > 1:
                print(f"# {title}")
            frame.to_csv(sys.stdout, index=False)
            continue
        if title:
            print(f"== {title}")
        if terminal:
            import shutil

            width = shutil.get_terminal_size().columns
            with pd.option_context("display.width", width, "display.max_columns", 40):
                print(frame)
        else:
            print(frame.to_string())
    return 0
