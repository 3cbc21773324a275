"""Seal the workshop mystery's answer: read the plain answer (JSON) on standard input and
write perfkit/course/mystery_seal.py, the only place the answer is kept, and the load that
`perfkit induce mystery` runs into perfkit/capture/induce/plan.py (sealed too).

    python scripts/seal_mystery.py < mystery-answer.json
    python scripts/seal_mystery.py --check < mystery-answer.json   # exit 1 if the seal differs

The plain JSON's keys are described in perfkit/course/mystery.py: ``answer``, ``load``,
``load_script``, ``concepts`` (each ``{"hint", "words"}``) and ``keywords``; and ``loads``,
the load as perfkit/capture/induce/plan.py describes loads (a list of dicts with a
``kind``). Keep the plain file out of the repository (a teacher's copy); after
re-recording the mystery with a new cause, write a new plain file and run this script.
Then check the seal:

    perfkit mystery --reveal
    perfkit mystery --check "A DIAGNOSIS THAT NAMES THE NEW CAUSE"
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfkit.capture.induce.plan import _SEALED_MYSTERY  # noqa: E402
from perfkit.capture.induce.plan import seal as seal_loads  # noqa: E402
from perfkit.capture.induce.plan import unseal as unseal_loads  # noqa: E402
from perfkit.course.mystery import seal, unseal  # noqa: E402

TARGET = ROOT / "perfkit" / "course" / "mystery_seal.py"
PLAN = ROOT / "perfkit" / "capture" / "induce" / "plan.py"
SEALED_LOADS = re.compile(r'_SEALED_MYSTERY = \(\n(?:    "[^"]*"\n)+\)')
HEADER = '''"""The workshop mystery's answer, sealed (zlib+base64 JSON), see perfkit.course.mystery.

Written by scripts/seal_mystery.py: do not edit by hand. Teachers: ``perfkit mystery --reveal``.
"""

SEALED = (
'''


def _string_lines(sealed: str) -> str:
    """``sealed`` as indented string literals of 88 characters, one a line."""
    return "".join(f'    "{sealed[i:i + 88]}"\n' for i in range(0, len(sealed), 88))


def module_text(sealed: str) -> str:
    """The source of mystery_seal.py holding ``sealed``, in lines of 88 characters."""
    return HEADER + _string_lines(sealed) + ")\n"


def plan_text(text: str, loads: list) -> str:
    """plan.py's ``text`` with its sealed mystery loads replaced by ``loads``."""
    lines = _string_lines(seal_loads(loads))
    new, count = SEALED_LOADS.subn(lambda _: f"_SEALED_MYSTERY = (\n{lines})", text)
    if count != 1:
        raise SystemExit("plan.py has no _SEALED_MYSTERY to replace")
    return new


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
                and body["load_script"] == plain["load_script"]
                and plain.get("loads", unseal_loads(_SEALED_MYSTERY))
                == unseal_loads(_SEALED_MYSTERY))
        print("the seal holds this answer" if same else "the seal holds another answer")
        return 0 if same else 1
    loads = plain.pop("loads", None)
    TARGET.write_text(module_text(seal(plain)), encoding="utf-8")
    if loads is not None:
        PLAN.write_text(plan_text(PLAN.read_text(encoding="utf-8"), loads), encoding="utf-8")
        print(f"sealed the mystery's load into {PLAN.relative_to(ROOT)}")
    print(f"sealed the answer into {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
