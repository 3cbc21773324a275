"""The workshop mystery's answer, kept sealed: check a diagnosis without showing the answer.

The mystery scenario (``perfkit.samples.load("mystery")``, notebook 12) is a puzzle: the
learner finds what makes the machine slow from the checklist alone. Its answer is not written
in any notebook, data file or document, so that a participant's checkout does not give it
away. It lives in :mod:`perfkit.course.mystery_seal` as ``SEALED``: a zlib-compressed,
base64-encoded JSON object (obfuscated, not encrypted: a teacher's convenience, not a secret
from someone who reads this module). ``scripts/seal_mystery.py`` writes that module from a
plain JSON given on standard input, so the mystery can be re-recorded with another cause and
resealed. The plain JSON (kept by teachers, outside the repository) has:

- ``answer``: the explanation a teacher reads out at the debrief (``perfkit mystery --reveal``);
- ``load``: what the recording ran, in words (for teachers);
- ``load_script``: how the recording starts the load (``perfkit capture --induce mystery``,
  whose sealed load ``scripts/seal_mystery.py`` writes into the induce plan);
- ``concepts``: what a diagnosis must name, each ``{"hint": ..., "words": [...]}``. A
  diagnosis names the cause when, for every concept, it contains one of the accepted words or
  two-word phrases. The hint is shown when a concept is missing, so it must say *what kind* of
  thing is missing without naming it ("say which resource...");
- ``keywords``: words that give the answer away (a test checks that no file of the repository
  writes them near the word "mystery").

The sealed form keeps only salted SHA-256 hashes of the accepted words, so ``--check`` never
needs them in plain text.

>>> check("the machine is slow")  # doctest: +SKIP
Verdict(names_cause=False, missing=['say which resource ...'])
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import secrets
import zlib
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Verdict", "check", "normalise", "phrases", "reveal", "seal", "unseal"]


def normalise(text: str) -> list[str]:
    """Lower-case words of ``text``, every run of other characters a separator.

    >>> normalise("O_DSYNC writes; CPU-quota!")
    ['o_dsync', 'writes', 'cpu', 'quota']
    """
    return re.findall(r"[a-z0-9_.]+", text.lower().replace("-", " ").replace("/", " "))


def phrases(text: str) -> set[str]:
    """The single words and the two-word phrases of ``text``, normalised.

    >>> sorted(phrases("CPU quota"))
    ['cpu', 'cpu quota', 'quota']
    """
    words = [w.strip(".") for w in normalise(text)]
    words = [w for w in words if w]
    return set(words) | {f"{a} {b}" for a, b in itertools.pairwise(words)}


def _digest(salt: str, phrase: str) -> str:
    return hashlib.sha256(f"{salt}:{phrase}".encode()).hexdigest()


def seal(plain: dict[str, Any], *, salt: str | None = None) -> str:
    """The sealed text of a plain answer (see the module's docstring for its keys).

    >>> sealed = seal({"answer": "a", "load": "l", "load_script": ":", "keywords": ["k"],
    ...                "concepts": [{"hint": "h", "words": ["Disk"]}]}, salt="s")
    >>> unseal(sealed)["concepts"][0]["hashes"] == [_digest("s", "disk")]
    True
    """
    for key in ("answer", "load", "load_script", "concepts", "keywords"):
        if key not in plain:
            raise ValueError(f"the plain answer has no {key!r}")
    salt = salt or secrets.token_hex(8)
    concepts = []
    for concept in plain["concepts"]:
        accepted = sorted({" ".join(normalise(w)) for w in concept["words"]} - {""})
        if not accepted or not concept.get("hint"):
            raise ValueError("every concept needs a hint and at least one word")
        concepts.append({"hint": concept["hint"],
                         "hashes": [_digest(salt, w) for w in accepted]})
    body = {"salt": salt, "answer": plain["answer"], "load": plain["load"],
            "load_script": plain["load_script"], "keywords": list(plain["keywords"]),
            "concepts": concepts}
    packed = zlib.compress(json.dumps(body, sort_keys=True).encode(), 9)
    return base64.b64encode(packed).decode("ascii")


def unseal(sealed: str | None = None) -> dict[str, Any]:
    """The sealed answer as a dict (the one shipped with perfkit when ``sealed`` is None)."""
    if sealed is None:
        from .mystery_seal import SEALED

        sealed = SEALED
    return json.loads(zlib.decompress(base64.b64decode(sealed)))


@dataclass
class Verdict:
    """Whether a diagnosis names the mystery's cause, and hints for what it lacks."""

    names_cause: bool
    missing: list[str] = field(default_factory=list)


def check(diagnosis: str, sealed: str | None = None) -> Verdict:
    """Does ``diagnosis`` name the cause? Every concept of the answer must be named.

    >>> sealed = seal({"answer": "a", "load": "l", "load_script": ":", "keywords": [],
    ...                "concepts": [{"hint": "say which resource", "words": ["disk"]},
    ...                             {"hint": "say what it does", "words": ["small writes"]}]})
    >>> check("the disk is slow", sealed)
    Verdict(names_cause=False, missing=['say what it does'])
    >>> check("Small writes keep the DISK busy", sealed).names_cause
    True
    """
    body = unseal(sealed)
    said = {_digest(body["salt"], p) for p in phrases(diagnosis)}
    missing = [c["hint"] for c in body["concepts"] if not said & set(c["hashes"])]
    return Verdict(names_cause=not missing, missing=missing)


def reveal(sealed: str | None = None) -> str:
    """The answer for teachers: the explanation and what the recording ran."""
    body = unseal(sealed)
    return f"{body['answer']}\n\nThe recording's load: {body['load']}"


def load_script(sealed: str | None = None) -> str:
    """The bash lines that start the mystery's load (for scripts/record_scenarios.sh)."""
    return unseal(sealed)["load_script"]


def main(text: str | None, *, show: bool) -> int:
    """``perfkit mystery``: 0 when ``text`` names the cause (or on --reveal), 1 when not."""
    if show:
        print(reveal())
        return 0
    if not text or not text.strip():
        print("say what you found: perfkit mystery --check \"YOUR DIAGNOSIS\"")
        return 1
    verdict = check(text)
    if verdict.names_cause:
        print("Yes: that names the cause. Compare your evidence with the debrief "
              "(teachers: perfkit mystery --reveal).")
        return 0
    print("Not yet: the diagnosis does not name the whole cause. Missing:")
    for hint in verdict.missing:
        print(f"  - {hint}")
    return 1


def _command_line() -> int:
    """``python -m perfkit.course.mystery --load-script``, for the recording script."""
    import sys

    if sys.argv[1:] == ["--load-script"]:
        print(load_script())
        return 0
    print("usage: python -m perfkit.course.mystery --load-script", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(_command_line())
