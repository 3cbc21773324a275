"""Many mpstat or pidstat runs joined in one text (``mpstat -P ALL >> log`` from cron) are
read together when every run is plain, and that gives exactly what reading each run on its
own gives (frames, dtypes, attrs, each row's since_boot, the warnings and their lines), at a
small cost per run."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import FIXTURES, ROOT, spy_on

import perfkit
from perfkit.errors import ParseError
from perfkit.parsers import mpstat, pidstat

TOOLS = [mpstat, pidstat]


def _parsed(module, text: str) -> tuple[object, list[tuple[str, int | None]]]:
    """What parse gives (or the error it raises) and its warnings with their lines."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = module.parse(text)
        except ParseError as exc:
            result = str(exc)
    return result, sorted((str(w.message), getattr(w.message, "line", None)) for w in caught)


def _recordings(module) -> list:
    return [*sorted((FIXTURES / module.NAME).glob("*.txt")),
            *sorted((ROOT / "data" / "scenarios").glob(f"*/{module.NAME}*.txt"))]


def _joined(texts: list[str]) -> str:
    """Outputs appended to one file, as ``>>`` appends them (a blank line between)."""
    return "\n".join(text if text.endswith("\n") else text + "\n" for text in texts)


@pytest.mark.parametrize("module", TOOLS, ids=["mpstat", "pidstat"])
def test_runs_read_together_give_what_runs_read_one_by_one_give(module, monkeypatch):
    paths = _recordings(module)
    together_count = 0
    for first, second in zip(paths, [*paths[1:], paths[0]], strict=True):
        texts = [path.read_text(encoding="utf-8", errors="replace")
                 for path in (first, second, first)]
        text = _joined(texts)
        with monkeypatch.context() as patch:
            taken = spy_on(patch, mpstat, "plain_runs")
            together, together_warnings = _parsed(module, text)
        with monkeypatch.context() as patch:
            patch.setattr(mpstat, "plain_runs", lambda *args, **kwargs: None)
            one_by_one, one_by_one_warnings = _parsed(module, text)
        together_count += taken == [True]
        name = f"{first.name} + {second.name}"
        assert together_warnings == one_by_one_warnings, name
        if isinstance(together, str):
            assert together == one_by_one, name
            continue
        assert list(together) == list(one_by_one), name
        assert together.attrs == one_by_one.attrs, name
        for kind in ("tables", "averages"):
            mine = dict(together) if kind == "tables" else together.averages
            theirs = dict(one_by_one) if kind == "tables" else one_by_one.averages
            assert list(mine) == list(theirs), name
            for table, frame in mine.items():
                pd.testing.assert_frame_equal(frame, theirs[table], check_exact=True)
                assert frame.attrs == theirs[table].attrs, name
    # the plain C recordings are read together: most pairs of them
    assert together_count >= len(paths) // 3, together_count


def test_cron_log_of_since_boot_and_interval_runs():
    """A since-boot run (mpstat without an interval), then a run with one: each row keeps
    its own run's since_boot and date, and the second banner is named."""
    since_boot = (FIXTURES / "mpstat" / "since-boot.C.txt").read_text()
    interval = (FIXTURES / "mpstat" / "P-ALL.C.txt").read_text()
    text = _joined([since_boot, interval])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cpu = mpstat.parse(text)["cpu"]
    banner_line = since_boot.count("\n") + 2  # after the blank line the join puts between
    assert [(w.message.line, "second banner" in str(w.message)) for w in caught] == [
        (banner_line, True)]
    first_rows = since_boot.count("\n") - 3  # banner, blank line, header
    assert cpu["since_boot"].tolist() == [True] * first_rows + [False] * (len(cpu) - first_rows)
    # the first row of each run, as printed: "00:24:31 all 8.60" and "00:24:09 all 100.00"
    assert cpu.loc[0, "%usr"] == 8.60 and str(cpu.loc[0, "time"]) == "2026-11-25 00:24:31"
    assert cpu.loc[first_rows, "%usr"] == 100.00
    assert str(cpu.loc[first_rows, "time"]) == "2026-11-25 00:24:09"


def test_each_run_is_dated_by_its_own_banner(monkeypatch):
    """Two runs of pidstat from two days (the second banner's date edited, as a cron log of
    the next day has): the second run's rows are on the next day, at the times printed."""
    run = (FIXTURES / "pidstat" / "u.C.txt").read_text()
    text = _joined([run, run.replace("11/25/26", "11/26/26", 1)])
    taken = spy_on(monkeypatch, mpstat, "plain_runs")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pidstat.parse(text)["cpu"]
    assert taken == [True]
    half = len(frame) // 2
    first, second = frame["time"].iloc[:half], frame["time"].iloc[half:]
    assert (second.to_numpy() - first.to_numpy() == np.timedelta64(1, "D")).all()
    assert frame["%usr"].iloc[:half].tolist() == frame["%usr"].iloc[half:].tolist()


def test_a_thousand_runs_are_read_together(monkeypatch):
    """A day of a cron job's short runs is read in one go, not a parse per run (which cost
    about 20 ms a run); the hostile-shapes benchmark prints the time."""
    run = (FIXTURES / "mpstat" / "since-boot.C.txt").read_text()
    text = _joined([run] * 1000)
    taken = spy_on(monkeypatch, mpstat, "plain_runs")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cpu = perfkit.parse(text, "mpstat")["cpu"]
    assert taken == [True]
    assert len(cpu) == 1000 * (run.count("\n") - 3) and cpu["since_boot"].all()
    # the 999 later banners: the first ten named, then one warning with a count
    said = [str(w.message) for w in caught]
    assert len(said) == 11 and "989 more lines like this" in said[-1], said[-1]
