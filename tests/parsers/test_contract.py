"""Every registered parser keeps the shared contract (see CONTRIBUTING.md), and survives
random damage to its own real recordings: a frame or a ParseError, never another exception."""

from __future__ import annotations

import csv
import inspect
import warnings
from pathlib import Path

import pandas as pd
import pytest
from conftest import CORPUS, FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfkit
from perfkit.parsers.columns import KINDS, problems
from perfkit.registry import TOOLS, parser

SINGLE_TABLE = {"uptime", "dmesg", "journalctl", "vmstat", "free"}


#: Recordings of forms perfkit refuses by design, with their own tests of the refusal
#: (sadf -d -h with two per-device activities on a row: test_sar.py).
REFUSED = {"sar/sa-restart.sadf-dh-u-P-ALL-n-DEV.C.txt"}


def recordings(tool: str) -> list[Path]:
    """The text recordings of a tool listed in its PROVENANCE.tsv (but those in REFUSED)."""
    prov = FIXTURES / tool / "PROVENANCE.tsv"
    if not prov.is_file():
        return []
    with prov.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    paths = [FIXTURES / tool / row["file"] for row in rows
             if f"{tool}/{row['file']}" not in REFUSED]
    return [p for p in paths if b"\x00" not in p.read_bytes()[:4096]]


ALL_RECORDINGS = [(tool, path) for tool in TOOLS for path in recordings(tool)]


@pytest.mark.parametrize("tool", TOOLS)
def test_parser_module_keeps_the_contract(tool):
    module = parser(tool)
    assert module.NAME == tool
    assert ">>>" in (module.__doc__ or ""), "the docstring shows a real sample and its frame"
    params = inspect.signature(module.parse).parameters
    assert params["strict"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["dayfirst"].kind is inspect.Parameter.KEYWORD_ONLY
    assert recordings(tool), f"no recorded fixtures for {tool}"


@pytest.mark.parametrize(("tool", "path"), ALL_RECORDINGS,
                         ids=[f"{t}/{p.name}" for t, p in ALL_RECORDINGS])
def test_recording_is_recognised_and_has_the_tools_return_type(tool, path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", perfkit.ParseWarning)
        detected = perfkit.read(path)
        explicit = perfkit.read(path, tool)
    assert type(detected) is type(explicit)
    if tool in SINGLE_TABLE:
        assert isinstance(explicit, pd.DataFrame)
    else:
        assert isinstance(explicit, perfkit.Tables)
        assert all(isinstance(df, pd.DataFrame) for df in explicit.values())
    frames = [explicit] if isinstance(explicit, pd.DataFrame) else list(explicit.values())
    for frame in frames:
        if "time" in frame:
            # datetime64; or, for an output that prints no date (uptime, a fragment without
            # its banner), the time of day as timedelta64 with attrs["date"] None
            kind = str(frame["time"].dtype)
            assert kind.startswith("datetime64") or (
                kind.startswith("timedelta64") and frame.attrs.get("date") is None), path.name


@pytest.mark.parametrize("tool", TOOLS)
def test_empty_and_binary_input_raise_parse_error(tool):
    for bad in (b"", b"   \n\n", b"\x7fELF\x02\x01\x01\x00\x00\x00binary", bytes(range(256))):
        with pytest.raises(perfkit.ParseError) as info:
            perfkit.parse(bad, tool)
        assert info.value.line is not None


def _parsed(data: str | bytes, tool: str | None = None,
            ) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The frames of ``perfkit.parse(data, tool)`` by name, and its warnings' texts."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = perfkit.parse(data, tool)
    frames = {"": result} if isinstance(result, pd.DataFrame) else dict(result)
    return frames, [str(w.message) for w in caught]


BOM_SAMPLES = [(tool, path) for tool in TOOLS for path in recordings(tool)[:3]]


@pytest.mark.parametrize(("tool", "path"), BOM_SAMPLES,
                         ids=[f"{t}/{p.name}" for t, p in BOM_SAMPLES])
def test_a_byte_order_mark_or_utf16_changes_nothing(tool, path):
    # an editor or PowerShell's ">" saves text with a byte order mark (PowerShell in UTF-16)
    raw = path.read_bytes()
    frames, said = _parsed(raw)
    text = raw.decode("utf-8", "surrogateescape")
    for variant in (b"\xef\xbb\xbf" + raw, "\ufeff" + text,
                    text.encode("utf-16", "surrogatepass")):
        again, said_again = _parsed(variant)
        assert said_again == said
        assert again.keys() == frames.keys()
        for name, frame in frames.items():
            pd.testing.assert_frame_equal(again[name], frame)


def _survives(tool: str, text: str | bytes) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            perfkit.parse(text, tool)
        except perfkit.ParseError:
            pass


# no deadline: speed is measured by the benchmarks, not here (a busy machine made
# hypothesis's 5 s deadline fail on sar's longest recordings)
FUZZ = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize(("tool", "path"), ALL_RECORDINGS,
                         ids=[f"{t}/{p.name}" for t, p in ALL_RECORDINGS])
@FUZZ
@given(data=st.data())
def test_random_damage_gives_a_frame_or_a_parse_error(tool, path, data):
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = text.split("\n")
    kind = data.draw(st.sampled_from(["truncate", "garbage", "bytes", "drop"]))
    if kind == "truncate":
        cut = data.draw(st.integers(0, len(text)))
        _survives(tool, text[:cut])
    elif kind == "garbage":
        at = data.draw(st.integers(0, len(lines)))
        junk = data.draw(st.text(min_size=1, max_size=60).filter(lambda s: "\n" not in s))
        _survives(tool, "\n".join([*lines[:at], junk, *lines[at:]]))
    elif kind == "drop":
        at = data.draw(st.integers(0, max(0, len(lines) - 1)))
        _survives(tool, "\n".join(lines[:at] + lines[at + 1:]))
    else:
        _survives(tool, data.draw(st.binary(max_size=400)))


#: JSON documents are one whole: a stray line damages them (a ParseError, or the records
#: before it kept with a warning); bpftrace prints whatever the program's printf says.
_STRAY_EXEMPT = {"bpftrace"}
STRAY_SAMPLES = [(tool, path) for tool, path in ALL_RECORDINGS
                 if tool not in _STRAY_EXEMPT and path.suffix == ".txt"
                 and not path.read_text(errors="replace").lstrip().startswith(("{", "["))]


@pytest.mark.parametrize(("tool", "path"), STRAY_SAMPLES,
                         ids=[f"{t}/{p.name}" for t, p in STRAY_SAMPLES])
@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), stray=st.sampled_from(["@@@ stray line",
                                              "ERROR: disk failure detected on sda"]))
def test_one_stray_line_is_reported_and_every_real_line_kept(tool, path, data, stray):
    # (telling the tool with a stray line among the first is another matter: it is given)
    text = path.read_text(encoding="utf-8", errors="replace")
    frames, said = _parsed(text, tool)
    lines = text.rstrip("\n").split("\n")
    if said or len(lines) < 2:  # warned about already (a cut last line), or one line
        return
    at = data.draw(st.integers(1, len(lines) - 1))  # after the first line, before the last
    damaged = "\n".join([*lines[:at], stray, *lines[at:]]) + "\n"
    again, said_again = _parsed(damaged, tool)
    assert len(said_again) == 1 and f"line {at + 1}:" in said_again[0], said_again
    assert again.keys() == frames.keys()
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(again[name], frame)


@pytest.mark.parametrize("tool", TOOLS)
def test_the_declared_columns_are_well_formed(tool):
    declaration = parser(tool).COLUMNS
    assert declaration, f"{tool} declares no table"
    for table, columns in declaration.items():
        assert columns, f"{tool}: table {table!r} declares no column"
        for column, kind in columns.items():
            assert set(kind.split("|")) <= KINDS, (tool, table, column, kind)


def _parse_quietly(path: Path, tool: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return perfkit.read(path, tool)


@pytest.mark.parametrize(("tool", "path"), ALL_RECORDINGS,
                         ids=[f"{t}/{p.name}" for t, p in ALL_RECORDINGS])
def test_every_table_column_and_dtype_is_declared(tool, path):
    # the declaration is what code (and a reader) can rely on: names, kinds, time first
    assert problems(_parse_quietly(path, tool), parser(tool).COLUMNS) == []


def corpus_recordings(tool: str) -> list[Path]:
    """The corpus's recordings of a tool (sadf's with sar's), without jc's JSON parses."""
    folders = [CORPUS / tool] + ([CORPUS / "sadf"] if tool == "sar" else [])
    return sorted(path for folder in folders if folder.is_dir() for path in folder.iterdir()
                  if path.is_file() and not (path.name.startswith("jc__")
                                             and path.suffix == ".json"))


@pytest.mark.parametrize("tool", TOOLS)
def test_every_corpus_recording_keeps_the_declaration(tool):
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not present at {CORPUS}")
    paths = corpus_recordings(tool)
    if not paths:
        pytest.skip(f"no {tool} recordings in the corpus")
    found, read = [], 0
    for path in paths:
        try:
            result = _parse_quietly(path, tool)
        except perfkit.ParseError:  # a form perfkit refuses (sadf -x, RFC 5424...): no frame
            continue
        read += 1
        found += [f"{path.name}: {problem}" for problem in problems(result, parser(tool).COLUMNS)]
    assert read, f"no {tool} corpus recording was read"
    assert found == []


def test_unknown_text_names_the_known_tools():
    with pytest.raises(perfkit.ParseError) as info:
        perfkit.parse("hello, this is not the output of a performance tool\n")
    for tool in ("vmstat", "iostat", "sar"):
        assert tool in str(info.value)
