"""``perfkit checklist CAPTURE_DIR``: the command line's side of the checklist."""

from __future__ import annotations

import argparse

from .findings import findings
from .open import open_capture
from .report import render


def main(args: argparse.Namespace) -> int:
    """``perfkit checklist CAPTURE_DIR``: print the findings; exit status 0 (1 when the
    capture cannot be opened)."""
    import sys

    try:
        capture = open_capture(args.directory)
    except (FileNotFoundError, ValueError) as exc:
        print(f"perfkit checklist: {exc}", file=sys.stderr)
        return 1
    print(render(findings(capture), capture))
    return 0
