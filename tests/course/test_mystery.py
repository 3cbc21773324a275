"""The workshop mystery's answer is sealed: `perfkit mystery --check` judges a diagnosis
without showing the answer, `--reveal` shows it to teachers, and no file of the repository
gives it away near the word "mystery"."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from perfkit.cli import main
from perfkit.course import mystery

ROOT = Path(__file__).resolve().parents[2]
PLAIN = {"answer": "The widget cache is cold.", "load": "widget --cold",
         "load_script": "widget --cold &",
         "keywords": ["widget"],
         "concepts": [{"hint": "say which resource", "words": ["cache", "caches"]},
                      {"hint": "say what state it is in", "words": ["cold", "cold start"]}]}


def test_a_diagnosis_must_name_every_concept():
    sealed = mystery.seal(PLAIN, salt="test")
    assert mystery.check("the cache", sealed).missing == ["say what state it is in"]
    assert mystery.check("a cold start", sealed).missing == ["say which resource"]
    assert mystery.check("Caches are COLD!", sealed).names_cause
    assert not mystery.check("", sealed).names_cause


def test_the_seal_keeps_no_accepted_word_in_plain_text():
    sealed = mystery.seal(PLAIN, salt="test")
    body = mystery.unseal(sealed)
    assert "cold" not in json.dumps(body["concepts"])
    assert "cold" not in sealed  # obfuscated (zlib + base64), not readable at a glance
    assert body["answer"] == PLAIN["answer"]
    assert mystery.reveal(sealed).startswith("The widget cache is cold.")


def test_a_plain_answer_without_hints_is_refused():
    broken = dict(PLAIN, concepts=[{"hint": "", "words": ["x"]}])
    with pytest.raises(ValueError):
        mystery.seal(broken)


def test_the_shipped_seal_opens_and_has_every_part():
    body = mystery.unseal()
    assert body["answer"] and body["load"] and body["load_script"]
    assert len(body["concepts"]) >= 2 and body["keywords"]


def test_check_exit_status_and_hint(capsys):
    assert main(["mystery", "--check", "the machine is slow"]) == 1
    printed = capsys.readouterr().out
    assert "Missing" in printed
    for word in mystery.unseal()["keywords"]:
        assert word.lower() not in printed.lower()  # the hint does not give it away


def test_reveal_prints_the_answer(capsys):
    assert main(["mystery", "--reveal"]) == 0
    assert capsys.readouterr().out.strip().startswith(mystery.unseal()["answer"][:40])


def test_the_answer_written_by_a_teacher_passes_its_own_check():
    """The revealed answer's own words name the cause (the seal and its concepts agree)."""
    assert mystery.check(mystery.unseal()["answer"]).names_cause


def test_the_recording_script_induces_the_sealed_load():
    """record_scenarios.sh records the mystery with ``perfkit capture --induce mystery``,
    whose load is sealed in the induce plan by scripts/seal_mystery.py."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import seal_mystery
    finally:
        sys.path.pop(0)
    import importlib

    plan = importlib.import_module("perfkit.capture.induce.plan")

    script = (ROOT / "scripts" / "record_scenarios.sh").read_text(encoding="utf-8")
    assert '--induce "$name"' in script
    text = (ROOT / "perfkit" / "capture" / "induce" / "plan.py").read_text(encoding="utf-8")
    assert seal_mystery.plan_text(text, plan.unseal(plan._SEALED_MYSTERY)) == text
    other = seal_mystery.plan_text(text, [{"kind": "cpu", "workers": 1}])
    assert other != text and plan.seal([{"kind": "cpu", "workers": 1}])[:40] in other


def _repository_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    return [ROOT / name for name in listed.stdout.splitlines() if (ROOT / name).is_file()]


def test_no_file_gives_the_answer_away_near_the_word_mystery():
    keywords = [re.escape(k.lower()) for k in mystery.unseal()["keywords"]]
    answer = re.compile("|".join(keywords))
    near = 600  # characters either side of "mystery"
    found = []
    for path in _repository_files():
        if path.suffix in {".png", ".svg", ".gz", ".data"} or path.name == "mystery_seal.py":
            continue
        try:
            text = path.read_text(encoding="utf-8").lower()
        except (UnicodeDecodeError, OSError):
            continue
        for match in re.finditer("mystery", text):
            window = text[max(0, match.start() - near):match.end() + near]
            hit = answer.search(window)
            if hit:
                found.append(f"{path.relative_to(ROOT)}: {hit.group()!r} near 'mystery'")
                break
    assert not found, found
