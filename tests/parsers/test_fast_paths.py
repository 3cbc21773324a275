"""The numpy readers of plainly laid out iostat, vmstat, mpstat, pidstat and sar text give
what the careful line-by-line path gives (frames, dtypes, attrs, warnings), and take the
plain recordings."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from conftest import FIXTURES, ROOT, spy_on

from perfkit.errors import ParseError
from perfkit.parsers import iostat, mpstat, pidstat, sar, vmstat
from perfkit.parsers._read.sysstat import clean_report_text
from perfkit.parsers._read.text import clean_text_and_bytes

FAST = {iostat: "_parse_laid_out", vmstat: "_plain_table", mpstat: "plain_report",
        pidstat: "plain_report", sar: "plain_report"}
SYSSTAT = [mpstat, pidstat, sar]


def _parsed(module, text: str) -> tuple[object, list[str]]:
    """What parse gives (the error it raises, for a recording refused by design) and the
    warnings it gives."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = module.parse(text)
        except ParseError as exc:
            result = str(exc)
    return result, [str(w.message) for w in caught]


def _frames(result) -> dict[str, pd.DataFrame]:
    if isinstance(result, str):  # an error's message
        return {result: pd.DataFrame()}
    return {"": result} if isinstance(result, pd.DataFrame) else dict(result)


def _recordings(module) -> list:
    """The tool's fixtures, and its recordings in the scenarios (sar's under sar-*.txt)."""
    return [*sorted((FIXTURES / module.NAME).glob("*.txt")),
            *sorted((ROOT / "data" / "scenarios").glob(f"*/{module.NAME}*.txt"))]


@pytest.mark.parametrize("module", [iostat, vmstat, *SYSSTAT],
                         ids=["iostat", "vmstat", "mpstat", "pidstat", "sar"])
def test_fast_path_gives_what_the_careful_path_gives(module, monkeypatch):
    paths = _recordings(module)
    assert paths
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        fast, fast_warnings = _parsed(module, text)
        with monkeypatch.context() as patch:
            patch.setattr(module, FAST[module], lambda *args, **kwargs: None)
            careful, careful_warnings = _parsed(module, text)
        assert fast_warnings == careful_warnings, path.name
        fast_frames, careful_frames = _frames(fast), _frames(careful)
        assert list(fast_frames) == list(careful_frames), path.name
        for name, frame in fast_frames.items():
            pd.testing.assert_frame_equal(frame, careful_frames[name], check_exact=True)
            assert frame.attrs == careful_frames[name].attrs, path.name


def test_plain_recordings_take_the_fast_path():
    _, encoded = clean_text_and_bytes((FIXTURES / "iostat" / "x.C.txt").read_text())
    tables = iostat._parse_laid_out(encoded, dayfirst=None, since_boot=None, date=None)
    assert tables is not None
    # vda's r/s in the first report, as printed
    assert tables["devices"].loc[1, "r/s"] == 69.26
    _, encoded = clean_text_and_bytes((FIXTURES / "vmstat" / "t.C.txt").read_text())
    frame = vmstat._plain_table(encoded.pop(), None)
    assert frame is not None
    assert str(frame.loc[0, "time"]) == "2026-11-25 00:24:36" and frame.loc[0, "free"] == 23841736


@pytest.mark.parametrize("module", SYSSTAT, ids=["mpstat", "pidstat", "sar"])
def test_plain_sysstat_recordings_take_the_fast_path(module, monkeypatch):
    taken = spy_on(monkeypatch, module, "plain_report")
    name = {"mpstat": "P-ALL.C.txt", "pidstat": "h-urd.C.txt", "sar": "A.C.txt"}[module.NAME]
    tables = module.parse((FIXTURES / module.NAME / name).read_text())
    assert taken == [True]
    assert len(tables) and all(len(frame) for frame in tables.values())


def _cases(text: str) -> dict[str, str]:
    """The same recording made odd in ways the fast path must leave to the careful one."""
    lines = text.split("\n")
    row = next(i for i, line in enumerate(lines) if i > 3 and line[:1].isdigit()
               and not line.split()[1].isalpha() and line.split()[1] != "CPU")
    junk = [*lines[:row], "some junk a terminal left", *lines[row:]]
    second_banner = [*lines[:row], lines[0], *lines[row:]]
    extra = [*lines[:row], lines[row] + " 1.00", *lines[row + 1:]]
    number = lines[row].split()[2]  # the third field: a number in each recording used
    at = lines[row].index(f" {number} ") + len(number)
    letter = [*lines[:row], lines[row][:at] + "x" + lines[row][at + 1:], *lines[row + 1:]]
    return {"junk": "\n".join(junk), "second banner": "\n".join(second_banner),
            "cut": text.rstrip("\n")[:-1], "trailing blank": text.replace("\n", " \n", 3),
            "field too many": "\n".join(extra), "letter in a number": "\n".join(letter),
            "comma": text.replace(".", ",", 40)}


@pytest.mark.parametrize("module", SYSSTAT, ids=["mpstat", "pidstat", "sar"])
def test_fast_path_declines_odd_text(module):
    name = {"mpstat": "P-ALL.C.txt", "pidstat": "h-urd.C.txt", "sar": "A.C.txt"}[module.NAME]
    for case, text in _cases((FIXTURES / module.NAME / name).read_text()).items():
        cleaned, encoded, _ = clean_report_text(text, module.NAME)
        options = {"mpstat": dict(text_columns={"CPU"}, header_columns=mpstat.header_columns),
                   "pidstat": dict(text_columns={"Command", "TGID", "TID", "CPU"},
                                   header_columns=pidstat.header_columns),
                   "sar": dict(text_columns=sar.TEXT_COLUMNS,
                               header_columns=sar._header_columns)}[module.NAME]
        assert module.plain_report(cleaned, encoded, tool=module.NAME, **options) is None, case
        assert encoded or not cleaned.isascii(), case  # left for the careful reader
