"""Dates and times as the tools print them, turned into ``datetime64``.

sysstat prints the date once, in the banner, in the locale's format, and only the time of
day on each line: ``11/25/26`` (C), ``11/25/2026`` (en_US), ``25.11.2026`` (de_DE),
``25/11/2026`` (fr_FR), ``2026-11-25`` (``S_TIME_FORMAT=ISO``), ``2026年11月25日`` (ja_JP);
times as ``00:15:30``, ``12:15:33 AM``, ``00時15分34秒`` (ja_JP) or ``00时15分34秒``
(zh_CN). :func:`parse_date` reads the
banner date, :func:`times_of_day` the per-line times, and :func:`combine` joins them,
rolling over midnight.

A date such as ``03/04/2026`` could be day-first or month-first. perfkit decides by the
locale's convention, read from the rest of the output: a two-digit year with slashes is the
C locale's ``%x`` (month first); a 12-hour clock means en_US (month first); a decimal comma
or a translated word (``Moyenne``) means a European locale (day first). Pass ``dayfirst=``
to override.

>>> parse_date("11/25/26")
Timestamp('2026-11-25 00:00:00')
>>> parse_date("25.11.2026")
Timestamp('2026-11-25 00:00:00')
>>> parse_date("03/04/2026", dayfirst=True)
Timestamp('2026-04-03 00:00:00')
>>> parse_date("Thursday 04 September 2014")
Timestamp('2014-09-04 00:00:00')
>>> import pandas as pd
>>> secs = times_of_day(pd.Series(["23:59:59", "00:00:01"]))
>>> combine(parse_date("11/24/26"), secs).tolist()
[Timestamp('2026-11-24 23:59:59'), Timestamp('2026-11-25 00:00:01')]
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_DATE_NUMERIC = re.compile(r"^(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})\.?$")
_DATE_CJK = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
# a long date (a locale's %x in words): "Thursday 04 September 2014", "Thursday, September 4, 2014"
_DATE_LONG = re.compile(r"^(?:[^\W\d_]+,?\s+)?(?:(?P<day>\d{1,2})\.?\s+(?P<month>[^\W\d_]+)\.?"
                        r"|(?P<month2>[^\W\d_]+)\.?\s+(?P<day2>\d{1,2})\.?),?\s+(?P<year>\d{4})$")
#: Month names and abbreviations in the C and English locales.
MONTHS = {name: number for number, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
     ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
     ("october", "oct"), ("november", "nov"), ("december", "dec")), start=1)
    for name in names}

#: Regex for one time of day as sysstat and procps print it (24-hour, 12-hour, CJK).
TIME_TOKEN = r"\d{1,2}[:.]\d{2}[:.]\d{2}|\d{1,2}[時时]\d{1,2}分\d{1,2}秒"
AM_PM = {"AM": 0, "PM": 12, "am": 0, "pm": 12, "a.m.": 0, "p.m.": 12}
_TIME = re.compile(rf"^(?:{TIME_TOKEN})$")
_CLOCK = re.compile(r"^(\d{1,2})\D(\d{1,2})\D(\d{1,2})")


def is_time(token: str) -> bool:
    """True for a time-of-day token such as ``00:15:30`` or ``00時15分34秒``."""
    return bool(_TIME.match(token))


def parse_date(text: str, *, dayfirst: bool | None = None) -> pd.Timestamp:
    """Read a banner date. ``dayfirst=None`` applies the conventions in the module docstring:
    ISO and CJK dates are unambiguous, dots mean day first, slashes with a two-digit year mean
    month first (the C locale), and a slash date with a four-digit year is month first unless
    ``dayfirst`` says otherwise (callers pass what the rest of the output suggests).
    """
    text = text.strip()
    cjk = _DATE_CJK.match(text)
    if cjk:
        return pd.Timestamp(int(cjk.group(1)), int(cjk.group(2)), int(cjk.group(3)))
    long = _DATE_LONG.match(text)
    if long:
        month = MONTHS.get((long["month"] or long["month2"]).lower())
        if month is None:
            raise ValueError(f"not a date (a month name perfkit does not know): {text!r}")
        return pd.Timestamp(int(long["year"]), month, int(long["day"] or long["day2"]))
    match = _DATE_NUMERIC.match(text)
    if not match:
        raise ValueError(f"not a date: {text!r}")
    a, sep, b, c = match.group(1), match.group(2), match.group(3), match.group(4)
    if len(a) == 4:  # ISO: YYYY-MM-DD
        return pd.Timestamp(int(a), int(b), int(c))
    year = int(c) + (2000 if len(c) == 2 else 0)
    first, second = int(a), int(b)
    if dayfirst is None:
        if first > 12:
            dayfirst = True
        elif second > 12:
            dayfirst = False
        else:
            dayfirst = sep == "."
    day, month = (first, second) if dayfirst else (second, first)
    return pd.Timestamp(year, month, day)


def guess_dayfirst(*, decimal: str, twelve_hour: bool, translated: bool,
                   date_text: str) -> bool | None:
    """Guess whether an ambiguous slash date is day-first from the output's other habits."""
    if "." in date_text or "-" in date_text:
        return None
    parts = date_text.split("/")
    if len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit():
        if int(parts[0]) > 12:
            return True  # 28/04/19: only day first makes a date
        if int(parts[1]) > 12:
            return False
    if len(parts) == 3 and len(parts[2]) == 2:
        return False  # the C locale's %x: mm/dd/yy
    if twelve_hour:
        return False  # en_US
    if decimal == "," or translated:
        return True  # fr_FR, es_ES, it_IT, en_GB-like
    return False


def times_of_day(times: pd.Series, ampm: pd.Series | None = None) -> np.ndarray:
    """Seconds since midnight for each printed time (``"00:15:30"``, ``"00時15分34秒"``),
    with an optional column of ``AM``/``PM`` markers for a 12-hour clock."""
    hms = clock_fields(times.tolist())
    if hms is None:
        hms = np.empty((len(times), 3), dtype="int64")
        # a plain loop over the printed times: pandas' str.extract does the same per value,
        # with a setup that costs more than the loop for the few distinct times callers pass
        for row, (value, printed) in enumerate(zip(times, times.astype(str), strict=True)):
            match = _CLOCK.match(printed)
            if match is None:
                raise ValueError(f"not a time of day: {value!r}")
            hms[row] = [int(part) for part in match.groups()]
    hours = hms[:, 0]
    if ampm is not None:
        offset = ampm.map(AM_PM)
        if offset.isna().any():
            bad = ampm[offset.isna()].iloc[0]
            raise ValueError(f"not AM or PM: {bad!r}")
        hours = hours % 12 + offset.to_numpy(dtype=int)
    return hours * 3600 + hms[:, 1] * 60 + hms[:, 2]


def clock_fields(values: list) -> np.ndarray | None:
    """Hours, minutes and seconds of times all printed ``HH:MM:SS`` (one row each), read
    at once from their bytes; ``None`` when any is printed otherwise (the caller reads
    those one by one). A day-long run prints tens of thousands of distinct times.

    >>> clock_fields(["00:15:30", "23:59:59"]).tolist()
    [[0, 15, 30], [23, 59, 59]]
    >>> clock_fields(["00:15:30", "0:15:30"]) is None
    True
    """
    try:
        if not values or set(map(len, values)) != {8}:
            return None
        raw = "".join(values).encode("ascii")
    except (TypeError, UnicodeEncodeError):  # not all text, or not ASCII
        return None
    digits = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 8).astype(np.int64) - 48
    colons = digits[:, [2, 5]] == ord(":") - 48
    numbers = digits[:, [0, 1, 3, 4, 6, 7]]
    if not (colons.all() and ((numbers >= 0) & (numbers <= 9)).all()):
        return None
    return numbers[:, 0::2] * 10 + numbers[:, 1::2]


#: `` YYYY-MM-DD HH:MM:SS``: which of its bytes are digits (the others as printed)
_STAMP_SHAPE = np.frombuffer(b" 0000-00-00 00:00:00", dtype=np.uint8)
_STAMP_DIGITS = _STAMP_SHAPE == ord("0")


def stamps_before(data: bytes, ends: np.ndarray) -> np.ndarray | None:
    """The ``YYYY-MM-DD HH:MM:SS`` time stamp (after a blank) that ends each line of
    ASCII ``data`` (``ends``: where the lines end), as ``datetime64[ns]``, read from the
    bytes at once (``vmstat -t`` prints one on every row); None when any line does not
    end with one, or holds a date or time that does not exist.

    >>> data = b"7 0 2026-11-25 23:59:59\\n5 0 2026-11-26 00:00:00\\n"
    >>> stamps_before(data, np.array([23, 47])).astype(str).tolist()
    ['2026-11-25T23:59:59.000000000', '2026-11-26T00:00:00.000000000']
    >>> stamps_before(b"7 0 2026-02-29 00:00:00\\n", np.array([23])) is None
    True
    """
    width = len(_STAMP_SHAPE)
    codes = np.frombuffer(data, dtype=np.uint8)
    if not len(ends) or int(ends.min()) < width:
        return None
    printed = np.lib.stride_tricks.sliding_window_view(codes, width)[ends - width]
    shaped = np.where(_STAMP_DIGITS, (printed >= ord("0")) & (printed <= ord("9")),
                      printed == _STAMP_SHAPE)
    if not shaped.all():
        return None
    del shaped

    def number(first: int, last: int) -> np.ndarray:
        value = np.zeros(len(printed), dtype=np.int64)
        for column in range(first, last + 1):
            value = value * 10 + printed[:, column] - ord("0")
        return value

    year, month, day = number(1, 4), number(6, 7), number(9, 10)
    hour, minute, second = number(12, 13), number(15, 16), number(18, 19)
    if not (((year >= 1900) & (year <= 2200) & (month >= 1) & (month <= 12)).all()
            and (hour <= 23).all() and (minute <= 59).all() and (second <= 59).all()):
        return None
    months = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    first_days = months.astype("datetime64[D]")
    lengths = ((months + 1).astype("datetime64[D]") - first_days).astype(np.int64)
    if not ((day >= 1) & (day <= lengths)).all():
        return None
    seconds = hour * 3600 + minute * 60 + second
    moments = first_days + (day - 1).astype("timedelta64[D]")
    return (moments.astype("datetime64[s]") + seconds.astype("timedelta64[s]")).astype(
        "datetime64[ns]")


def combine(date: pd.Timestamp | None, seconds: np.ndarray,
            start: int | None = None) -> pd.Series:
    """Join a date with seconds-since-midnight, adding a day each time the clock goes back
    by more than twelve hours (midnight). Without a date, times are placed on 1970-01-01
    (callers record that the date was unknown). ``start``: the time of day the date
    belongs to (a sysstat run's first header), when the first row may come after midnight.

    >>> combine(pd.Timestamp("2026-11-24"), np.array([300, 900]), start=86100).tolist()
    [Timestamp('2026-11-25 00:05:00'), Timestamp('2026-11-25 00:15:00')]
    """
    base = (date if date is not None else pd.Timestamp(1970, 1, 1)).normalize()
    nanoseconds = _since_first_midnight(seconds, start) * 1_000_000_000
    nanoseconds += base.as_unit("ns").value
    return pd.Series(nanoseconds.view("datetime64[ns]"))


def of_day(seconds: np.ndarray, start: int | None = None) -> pd.Series:
    """Times of day printed without a date, as ``timedelta64``: the time since midnight of
    the day the output starts on, plus a day each time the clock goes back by more than
    twelve hours (as :func:`combine` rolls over). This is how perfkit shows a ``time`` when
    no date is known (a fragment pasted without its banner): the printed clock, honestly
    without a date, rather than a made-up day such as 1970-01-01. Pass the date to the
    parser (``perfkit.parse(text, date="2026-11-25")``) to get ``datetime64`` instead.

    >>> of_day(np.array([86399, 1])).tolist()
    [Timedelta('0 days 23:59:59'), Timedelta('1 days 00:00:01')]
    """
    nanoseconds = _since_first_midnight(seconds, start) * 1_000_000_000
    return pd.Series(nanoseconds.view("timedelta64[ns]"))


def _since_first_midnight(seconds: np.ndarray, start: int | None) -> np.ndarray:
    """Seconds since the midnight the output starts after: each time of day plus a day for
    every time the clock went back by more than twelve hours (and one more when the first
    time is already past midnight from ``start``), by one cumulative sum."""
    seconds = np.asarray(seconds, dtype="int64")
    if not seconds.size:
        return seconds
    first = 0 if start is None else int(seconds[0] - start < -43200)
    wraps = np.concatenate([[first], first + np.cumsum(np.diff(seconds) < -43200)])
    return seconds + wraps * 86400


def given_date(date: object) -> pd.Timestamp | None:
    """The ``date=`` a caller passes for an output that prints no date (``"2026-11-25"``, a
    ``datetime.date`` or a Timestamp), as a Timestamp at midnight; ``None`` stays ``None``.

    >>> given_date("2026-11-25")
    Timestamp('2026-11-25 00:00:00')
    """
    if date is None:
        return None
    try:
        stamp = pd.Timestamp(date)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ValueError(f"date= must be a date such as '2026-11-25', not {date!r}") from exc
    if stamp is pd.NaT:
        raise ValueError(f"date= must be a date such as '2026-11-25', not {date!r}")
    return stamp.normalize()


def epoch_to_datetime(values: pd.Series) -> pd.Series:
    """Seconds since the epoch (``pidstat -H``, ``sadf -U``) as UTC-naive datetime64."""
    return pd.to_datetime(pd.to_numeric(values), unit="s")
