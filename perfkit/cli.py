"""The ``perfkit`` command: capture the checklist, list findings, convert outputs.

    perfkit capture [DIR] [--duration 60] [--interval 1] [--redact] [--force]
    perfkit checklist CAPTURE_DIR | --lake LAKE [--by hour]
    perfkit ingest SOURCES... --into LAKE
    perfkit parse FILE [--tool TOOL] [--table NAME] [--csv]
    perfkit samples

>>> main(["parse", "--help"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    top = argparse.ArgumentParser(prog="perfkit", description=__doc__.split("\n\n")[0])
    sub = top.add_subparsers(dest="command", required=True)

    from .capture_plan import CLI_DESCRIPTION, CLI_EPILOG

    cap = sub.add_parser("capture", help="run the 60-second checklist and save its output",
                         description=CLI_DESCRIPTION, epilog=CLI_EPILOG,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
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

    chk = sub.add_parser("checklist", help="print the findings of a capture")
    chk.add_argument("directory", nargs="?", help="a capture directory or a sample name")
    from .lake.cli import add_ingest, add_lake_options

    add_lake_options(chk)
    add_ingest(sub)

    prs = sub.add_parser("parse", help="parse a saved output and print it as a table or CSV")
    prs.add_argument("file", help="the output file ('-' for standard input)")
    prs.add_argument("--tool", default=None, help="the tool (default: recognised)")
    prs.add_argument("--table", default=None, help="which table of a multi-table output")
    prs.add_argument("--csv", action="store_true", help="write CSV instead of a table")
    prs.add_argument("--strict", action="store_true", help="fail on unrecognised lines")

    sub.add_parser("samples", help="list the recorded scenarios shipped with perfkit")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    if args.command == "capture":
        from .capture import main as capture_main

        return capture_main(args)
    if args.command == "checklist":
        from .checklist import main as checklist_main

        return checklist_main(args)
    if args.command == "ingest":
        from .lake.cli import ingest_main

        return ingest_main(args)
    if args.command == "samples":
        from . import samples

        for name, info in samples.list().items():
            print(f"{name:18} {info}")
        return 0
    return _parse(args)


def _parse(args: argparse.Namespace) -> int:
    import pandas as pd

    import perfkit

    source = sys.stdin.buffer if args.file == "-" else args.file
    try:
        result = perfkit.read(source, args.tool, strict=args.strict)
    except perfkit.ParseError as exc:
        print(f"perfkit: {exc}", file=sys.stderr)
        return 1
    frames = {"": result} if isinstance(result, pd.DataFrame) else dict(result)
    if args.table:
        if args.table not in frames:
            print(f"perfkit: no table {args.table!r}; tables: {', '.join(frames)}",
                  file=sys.stderr)
            return 2
        frames = {args.table: frames[args.table]}
    for name, frame in frames.items():
        if args.csv:
            if len(frames) > 1:
                print(f"# {name}")
            frame.to_csv(sys.stdout, index=False)
        else:
            if name:
                print(f"== {name}")
            with pd.option_context("display.width", 200, "display.max_columns", 40):
                print(frame)
    return 0
