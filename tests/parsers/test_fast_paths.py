"""The numpy readers of plainly laid out iostat and vmstat text give what the careful
line-by-line path gives (frames, dtypes, attrs, warnings), and take the plain recordings."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from conftest import FIXTURES

from perfkit.parsers import iostat, vmstat
from perfkit.parsers._read.text import clean_text_and_bytes

FAST = {iostat: "_parse_laid_out", vmstat: "_plain_table"}


def _parsed(module, text: str) -> tuple[object, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = module.parse(text)
    return result, [str(w.message) for w in caught]


def _frames(result) -> dict[str, pd.DataFrame]:
    return {"": result} if isinstance(result, pd.DataFrame) else dict(result)


@pytest.mark.parametrize("module", [iostat, vmstat], ids=["iostat", "vmstat"])
def test_fast_path_gives_what_the_careful_path_gives(module, monkeypatch):
    paths = sorted((FIXTURES / module.NAME).glob("*.txt"))
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
