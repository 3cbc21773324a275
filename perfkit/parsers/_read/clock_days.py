"""How many days pass between lines that print a time of day and an uptime (``uptime``'s
lines, top's ``top - 15:14:04 up 4:25, ...``): the uptime says it, where the clock alone
cannot.

A time of day that goes back could be midnight passing, two outputs joined out of order, a
clock change, or another boot (or host) whose output was appended. The uptime grows with
the clock on one running system, so for each line after the first:

* uptime grown by the clock's step plus whole days (within :data:`SLOP`, uptime being
  printed to the minute): those days passed (a long ``top -b`` run over midnight reads
  ``23:59:59`` then ``00:00:01`` with uptime grown a few seconds: one day, said by no
  warning; a clock back by minutes with uptime grown by minutes too is not a day);
* otherwise (uptime smaller: a restart or another system; or uptime and clock disagree: a
  clock change, lines out of order) the day is not known: a warning names the line, and
  the time counts as the next day when the clock went back by more than twelve hours,
  as the same day otherwise.

Without an uptime on both lines, the clock alone decides, by the same twelve hours.

>>> import numpy as np
>>> clock = np.array([86399, 1])  # 23:59:59, 00:00:01
>>> days, notes = days_passed(clock, np.array([840.0, 842.0]))
>>> days.tolist(), notes
([0, 1], [])
>>> days, notes = days_passed(np.array([55_204, 1_636]), np.array([15_900.0, 840.0]))
>>> days.tolist(), notes[0][0]
([0, 1], 1)
"""

from __future__ import annotations

import numpy as np

#: Seconds by which uptime and clock may disagree on one system: uptime is printed to the
#: minute (and a macOS clock without seconds), each rounded down.
SLOP = 150
_HALF_DAY = 43_200
_DAY = 86_400


def days_passed(clock: np.ndarray, up: np.ndarray) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """For times of day ``clock`` (seconds since midnight, one per line in order) and
    uptimes ``up`` (seconds, NaN where not printed): the days to add to each time, and
    ``(position, why)`` for each line whose day is a guess (see the module docstring)."""
    clock = np.asarray(clock, dtype="int64")
    up = np.asarray(up, dtype=float)
    days = np.zeros(len(clock), dtype="int64")
    notes: list[tuple[int, str]] = []
    for i in range(1, len(clock)):
        step = int(clock[i] - clock[i - 1])
        guess = int(step < -_HALF_DAY)
        before, now = up[i - 1], up[i]
        if np.isnan(before) or np.isnan(now):
            days[i] = days[i - 1] + guess
            continue
        grown = float(now - before)
        whole = round((grown - step) / _DAY)
        if grown >= -SLOP and whole >= 0 and abs(grown - step - whole * _DAY) <= SLOP:
            days[i] = days[i - 1] + whole
            if step < 0 and whole == 0:
                notes.append((i, f"the time of day goes back {-step} s while the uptime "
                                 "grows by less than a day (outputs out of order, or the "
                                 "clock set back): taken as the same day"))
            continue
        days[i] = days[i - 1] + guess
        day = "the next day" if guess else "the same day"
        if grown < -SLOP:
            why = (f"the uptime goes back ({_span(before)} before, {_span(now)} here): "
                   "another boot or another system's output follows, so the days between "
                   f"are not known; taken as {day}")
        else:
            why = (f"the time of day moves {step:+d} s while the uptime grows "
                   f"{grown:+.0f} s (a clock change, or outputs joined out of order): "
                   f"taken as {day}")
        notes.append((i, why))
    return days, notes


def _span(seconds: float) -> str:
    """``15900.0`` -> ``'4:25'``; ``90000.0`` -> ``'1 day 1:00'``."""
    whole = int(seconds) // 60
    days, minutes = divmod(whole, 1440)
    hours, minutes = divmod(minutes, 60)
    return (f"{days} day{'s' if days != 1 else ''} " if days else "") + f"{hours}:{minutes:02d}"
