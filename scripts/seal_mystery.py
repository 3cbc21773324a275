"""Seal the workshop mystery's answer: read the plain answer (JSON) on standard input and
write perfkit/course/mystery_seal.py, the only place the answer is kept.

    python scripts/seal_mystery.py < mystery-answer.json
    python scripts/seal_mystery.py --check < mystery-answer.json   # exit 1 if the seal differs

The plain JSON's keys are described in perfkit/course/mystery.py: ``answer``, ``load``,
``load_script``, ``concepts`` (each ``{"hint", "words"}``) and ``keywords``. Keep the plain
file out of the repository (a teacher's copy); after re-recording the mystery with a new
cause, write a new plain file and run this script. Then check the seal:

    perfkit mystery --reveal
    perfkit mystery --check "A DIAGNOSIS THAT NAMES THE NEW CAUSE"
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfkit.course.mystery import seal, unseal  # noqa: E402

TARGET = ROOT / "perfkit" / "course" / "mystery_seal.py"
HEADER = '''"""The workshop mystery's answer, sealed (zlib+base64 JSON), see perfkit.course.mystery.

Written by scripts/seal_mystery.py: do not edit by hand. Teachers: ``perfkit mystery --reveal``.
"""

SEALED = (
'''


def module_text(sealed: str) -> str:
    """The source of mystery_seal.py holding ``sealed``, in lines of 88 characters."""
    lines = [f'    "{sealed[i:i + 88]}"\n' for i in range(0, len(sealed), 88)]
    return HEADER + "".join(lines) + ")\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true",
                        help="compare the shipped seal with standard input; write nothing")
    args = parser.parse_args()
    plain = json.load(sys.stdin)
    if args.check:
        body = unseal()
        same = (body["answer"] == plain["answer"] and body["load"] == plain["load"]
                and body["load_script"] == plain["load_script"])
        print("the seal holds this answer" if same else "the seal holds another answer")
        return 0 if same else 1
    TARGET.write_text(module_text(seal(plain)), encoding="utf-8")
    print(f"sealed the answer into {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
