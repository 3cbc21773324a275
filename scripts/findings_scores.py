"""Print how well the checklist's findings meet the scenarios' ground truth.

The truth is the table at the top of tests/checklist/test_findings_truth.py: per recorded scenario,
the findings that must be found and those that must not. For each scenario this prints
what was found, missed and wrongly found, then over all scenarios:

* recall: must-find expectations met / all must-find expectations;
* precision: must-find expectations met / (those + must-not-find expectations violated).

Usage (from the repository root)::

    python scripts/findings_scores.py            # every shipped scenario
    python scripts/findings_scores.py hot-thread # some of them
"""

from __future__ import annotations

import importlib.util
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _truth_module():
    path = ROOT / "tests" / "checklist" / "test_findings_truth.py"
    spec = importlib.util.spec_from_file_location("findings_truth", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _label(expectation) -> str:
    tool, pattern, severities = expectation
    level = "any" if len(severities) == 3 else "/".join(severities)
    return f"{tool} {pattern} ({level})"


def main(argv: list[str]) -> int:
    from perfkit import checklist, samples

    truth = _truth_module()
    names = argv or [n for n in truth.TRUTH if n in samples.list()]
    results = []
    for name in names:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = checklist.findings(name)
        result = truth.judge(name, frame)
        results.append(result)
        precision, recall = truth.scores([result])
        print(f"{name}: found {len(result['found'])} of "
              f"{len(result['found']) + len(result['missed'])}, wrong {len(result['wrong'])}"
              f"  (precision {precision:.2f}, recall {recall:.2f})")
        for expectation in result["missed"]:
            print(f"    missed: {_label(expectation)}")
        for expectation, metrics in result["wrong"]:
            print(f"    wrong:  {_label(expectation)}: {', '.join(metrics)}")
    precision, recall = truth.scores(results)
    found = sum(len(r["found"]) for r in results)
    total = found + sum(len(r["missed"]) for r in results)
    wrong = sum(len(r["wrong"]) for r in results)
    print(f"\nall {len(results)} scenarios: found {found} of {total}, wrong {wrong}: "
          f"precision {precision:.2f}, recall {recall:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
