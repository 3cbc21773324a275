"""Damage to the event and snapshot tools' recordings (bcc, dmesg, top, uptime) and to the
recognition of a tool, as tests/parsers/test_damage.py finds it, one test each on real
recordings: a value read equals what the undamaged text prints, or a warning (or error)
names the damaged line (for two outputs joined, a line of the second)."""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest
from conftest import ROOT, fixture_text

import perfkit


def joined(first: str, second: str) -> tuple[str, int]:
    """The two texts as ``cmd >> file`` twice leaves them, and the number of the second's
    first line."""
    head = first if first.endswith("\n") else first + "\n"
    return head + second, head.count("\n") + 1


def quiet(text: str, tool: str | None = None):
    with warnings.catch_warnings():
        warnings.simplefilter("error", perfkit.ParseWarning)
        return perfkit.parse(text, tool)


def shifted(text: str, seconds: int) -> str:
    """``text`` with every ``HH:MM:SS`` that opens a line or follows ``top - `` moved by
    ``seconds`` (modulo a day): a real recording as if made at another time of day."""
    def move(match: re.Match[str]) -> str:
        h, m, s = (int(part) for part in match.group(2).split(":"))
        total = (h * 3600 + m * 60 + s + seconds) % 86400
        return f"{match.group(1)}{total // 3600:02d}:{total // 60 % 60:02d}:{total % 60:02d}"
    return re.sub(r"(?m)^((?:top - )?\s*)(\d\d:\d\d:\d\d)", move, text)


# --- bcc: a -T clock line lost -------------------------------------------------------

def test_bcc_histogram_without_its_clock_line_warns_and_has_no_time():
    text = fixture_text("bcc", "runqlat-T.txt")
    whole = quiet(text, "bcc")["hist"]
    lines = text.split("\n")
    second = next(i for i, line in enumerate(lines) if line == "00:33:57")
    lines[second] = ""  # the second interval's clock line printed empty
    with pytest.warns(perfkit.ParseWarning, match="no -T clock line") as said:
        hist = perfkit.parse("\n".join(lines), "bcc")["hist"]
    assert [w.message.line for w in said] == [second + 1]
    # its rows: no time (not the interval before's 00:33:56), the counts as printed
    assert hist.loc[hist["interval"] == 1, "time"].isna().all()
    assert (hist.loc[hist["interval"] == 0, "time"] == pd.Timedelta("00:33:56")).all()
    assert hist["count"].tolist() == whole["count"].tolist()
    assert hist.loc[hist["interval"] == 1, "count"].iloc[3] == 108  # "8 -> 15 : 108"


def test_bcc_first_clock_line_lost_warns_naming_it():
    text = fixture_text("bcc", "runqlat-T.txt")
    damaged = text.replace("00:33:56\n", "\n", 1)
    with pytest.warns(perfkit.ParseWarning, match="no -T clock line") as said:
        hist = perfkit.parse(damaged, "bcc")["hist"]
    assert [w.message.line for w in said] == [3]
    assert hist.loc[hist["interval"] == 0, "time"].isna().all()
    assert (hist.loc[hist["interval"] == 1, "time"] == pd.Timedelta("00:33:57")).all()


# --- dmesg: a stamp printed twice, outputs joined ------------------------------------

@pytest.mark.parametrize(("name", "stamp"), [
    ("since-iso.C.txt", "2026-11-25T00:31:54,012153+00:00"),
    ("since.C.txt", "1129.012153]"),
])
def test_dmesg_stamp_printed_twice_warns_and_keeps_the_message(name, stamp):
    text = fixture_text("dmesg", name)
    whole = quiet(text, "dmesg")
    first, rest = text.split("\n", 1)
    assert stamp in first
    damaged = first.replace(stamp, f"{stamp} {stamp}", 1) + "\n" + rest
    with pytest.warns(perfkit.ParseWarning, match="printed twice") as said:
        frame = perfkit.parse(damaged, "dmesg")
    assert [w.message.line for w in said] == [1]
    assert frame.loc[0, "message"] == whole.loc[0, "message"]
    assert frame.loc[0, "message"].startswith("python3 invoked oom-killer")


def test_dmesg_json_then_text_warns_naming_the_texts_first_line():
    text, start = joined(fixture_text("dmesg", "since-J.C.txt"),
                         fixture_text("dmesg", "since.C.txt"))
    with pytest.warns(perfkit.ParseWarning, match="after the end of dmesg's JSON") as said:
        frame = perfkit.parse(text, "dmesg")
    assert [w.message.line for w in said] == [start]
    assert frame["timestamp"].tolist() == quiet(fixture_text("dmesg", "since-J.C.txt"),
                                                "dmesg")["timestamp"].tolist()


def test_dmesg_two_json_documents_are_both_read():
    one = fixture_text("dmesg", "since-x-J.C.txt")
    single = quiet(one, "dmesg")
    text, _ = joined(one, one)
    frame = quiet(text, "dmesg")
    assert len(frame) == 2 * len(single)
    assert frame["timestamp"].tolist() == 2 * single["timestamp"].tolist()
    assert frame.loc[0, "timestamp"] == 1129.012153


def test_dmesg_text_then_json_keeps_the_json_out_of_the_last_message():
    plain = fixture_text("dmesg", "since.C.txt")
    text, start = joined(plain, fixture_text("dmesg", "since-J.C.txt"))
    with pytest.warns(perfkit.ParseWarning) as said:
        frame = perfkit.parse(text, "dmesg")
    assert start in [w.message.line for w in said]
    assert frame["message"].tolist() == quiet(plain, "dmesg")["message"].tolist()


# --- top and uptime: times of day over two outputs, over midnight --------------------

def test_top_outputs_of_two_boots_joined_warn_at_the_seconds_first_line():
    first = (ROOT / "data" / "scenarios" / "cpu-limit" / "top-end.txt").read_text()
    text, start = joined(first, fixture_text("top", "b-n3.C.txt"))
    with pytest.warns(perfkit.ParseWarning, match="the uptime goes back") as said:
        summary = perfkit.parse(text, "top")["summary"]
    assert [w.message.line for w in said] == [start]
    assert "taken as the next day" in str(said[0].message)
    assert summary["time"].iloc[0] == pd.Timedelta("15:14:45")  # "top - 15:14:45 up 4:25"
    assert summary["up"].iloc[-1] == pd.Timedelta(minutes=14)


def test_top_outputs_joined_out_of_order_warn_where_the_clock_goes_back():
    scenario = ROOT / "data" / "scenarios" / "cpu-limit"
    end, start_text = (scenario / "top-end.txt").read_text(), (scenario / "top-start.txt")
    text, start = joined(end, start_text.read_text())
    with pytest.warns(perfkit.ParseWarning, match="goes back 42 s") as said:
        summary = perfkit.parse(text, "top")["summary"]
    assert [w.message.line for w in said] == [start]
    assert summary["time"].iloc[-2] == pd.Timedelta("15:14:04")  # the same day, as printed


def test_a_top_run_over_midnight_reads_the_next_day_without_a_warning():
    # b-n3 (00:27:16, :17, :18, up 14 min) as if started at 23:59:59
    text = shifted(fixture_text("top", "b-n3.C.txt"), -(27 * 60 + 17))
    assert text.startswith("top - 23:59:59 up 14 min")
    tables = quiet(text, "top")
    assert tables["summary"]["time"].tolist() == [
        pd.Timedelta("23:59:59"), pd.Timedelta("1 days 00:00:00"),
        pd.Timedelta("1 days 00:00:01")]
    assert tables["processes"]["time"].iloc[-1] == pd.Timedelta("1 days 00:00:01")


def test_uptime_lines_of_two_boots_joined_warn_at_the_seconds_line():
    first = (ROOT / "data" / "scenarios" / "cpu-limit" / "uptime.txt").read_text()
    text, start = joined(first, fixture_text("uptime", "default.C.txt"))
    with pytest.warns(perfkit.ParseWarning, match="the uptime goes back") as said:
        frame = perfkit.parse(text, "uptime")
    assert [w.message.line for w in said] == [start]
    assert frame["time"].iloc[0] == pd.Timedelta("15:14:04")
    assert frame["ldavg-1"].tolist() == [0.40, 2.37]


def test_an_uptime_loop_over_midnight_reads_the_next_day_without_a_warning():
    text = shifted(fixture_text("uptime", "loop.C.txt"), -(25 * 60 + 43))
    assert text.startswith(" 23:59:59 up 12 min")
    frame = quiet(text, "uptime")
    assert frame["time"].tolist()[-3:] == [pd.Timedelta("23:59:59"),
                                           pd.Timedelta("1 days 00:00:00"),
                                           pd.Timedelta("1 days 00:00:01")]


def test_an_uptime_loop_on_a_given_date_rolls_over_midnight():
    text = shifted(fixture_text("uptime", "loop.C.txt"), -(25 * 60 + 43))
    frame = quiet_dated(text)
    assert frame["time"].iloc[-1] == pd.Timestamp("2026-11-26 00:00:01")


def quiet_dated(text: str) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("error", perfkit.ParseWarning)
        return perfkit.parse(text, "uptime", date="2026-11-25")


# --- recognising the tool: a second tool's output appended ---------------------------

@pytest.mark.parametrize(("first", "second", "tool"), [
    (("uptime", "default.C.txt"), ("iostat", "c.C.txt"), "uptime"),
    (("uptime", "default.C.txt"), ("vmstat", "default.C.txt"), "uptime"),
    (("free", "b.C.txt"), ("vmstat", "default.C.txt"), "free"),
    (("sar", "F.C.txt"), ("vmstat", "D.C.txt"), "sar"),
    (("bpftrace", "interval.txt"), ("top", "b-n3.C.txt"), "bpftrace"),
    (("dmesg", "since-T.C.txt"), ("vmstat", "default.C.txt"), "dmesg"),
    (("iostat", "x.C.txt"), ("vmstat", "default.C.txt"), "iostat"),
])
def test_a_second_tools_output_appended_is_named_not_taken_for_the_first(first, second,
                                                                          tool):
    one = fixture_text(*first)
    text, start = joined(one, fixture_text(*second))
    assert perfkit.detect_tool(text) == tool
    with pytest.warns(perfkit.ParseWarning) as said:
        result = perfkit.parse(text)
    assert start in [w.message.line for w in said]
    alone = quiet(one, tool)
    frames = {"": result} if isinstance(result, pd.DataFrame) else dict(result)
    expected = {"": alone} if isinstance(alone, pd.DataFrame) else dict(alone)
    for name, frame in expected.items():  # the first output's rows, as read alone
        pd.testing.assert_frame_equal(frames[name].head(len(frame)), frame)


def test_an_uptime_line_after_journalctl_lines_is_named():
    # journalctl indents a message's next lines (by less than the message's column), so the
    # indented uptime line is read as the last message's; the warning says so
    text, start = joined(fixture_text("journalctl", "all-grep.C.txt"),
                         fixture_text("uptime", "default.C.txt"))
    assert perfkit.detect_tool(text) == "journalctl"
    with pytest.warns(perfkit.ParseWarning, match="an uptime output starts") as said:
        perfkit.parse(text)
    assert [w.message.line for w in said] == [start]


def test_an_uptime_line_then_iostat_reads_the_uptime_line():
    text, start = joined(fixture_text("uptime", "default.C.txt"),
                         fixture_text("iostat", "c.C.txt"))
    with pytest.warns(perfkit.ParseWarning) as said:  # uptime's parser: not its line
        frame = perfkit.parse(text)
    assert said[0].message.line == start == 2
    assert frame["ldavg-1"].tolist() == [2.37]  # " 00:25:41 up 12 min, ... 2.37, 0.90"


def test_a_second_output_with_strict_is_an_error_naming_its_first_line():
    text, start = joined(fixture_text("sar", "F.C.txt"), fixture_text("vmstat", "D.C.txt"))
    with pytest.raises(perfkit.ParseError, match="a vmstat output starts") as raised:
        perfkit.parse(text, strict=True)
    assert raised.value.line == start



@pytest.mark.parametrize("edit", ["drop", "twice"])
def test_uptime_with_its_hours_and_minutes_lost_or_doubled_warns(edit):
    """procps prints ``H:MM`` (or ``N min``) after the days, once: a real line from the
    wild corpus with that field lost or printed twice is not read as another uptime."""
    path = ROOT / "tests" / "wild" / "uptime" / "uutils-coreutils-issue8676-uptime-gnu-days.txt"
    text = path.read_text()
    assert perfkit.parse(text, "uptime")["up"].iloc[0] == pd.Timedelta(days=8, hours=23,
                                                                        minutes=11)
    damaged = text.replace("23:11, ", "" if edit == "drop" else "23:11, 23:11, ", 1)
    with pytest.raises(perfkit.ParseError) as refused:  # its only line: nothing left
        perfkit.parse(damaged, "uptime")
    assert refused.value.line == 1
    with pytest.warns(perfkit.ParseWarning) as caught:  # among good lines: skipped, named
        rows = perfkit.parse(text + damaged + text, "uptime")
    assert [w.message.line for w in caught] == [2]
    assert len(rows) == 2
