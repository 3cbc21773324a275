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
    if len(clock) < 2:
        return np.zeros(len(clock), dtype="int64"), []
    step = np.diff(clock)
    guess = (step < -_HALF_DAY).astype("int64")  # the clock alone: back over 12 hours
    grown = np.diff(up)
    known = ~np.isnan(grown)
    whole = np.where(known, np.round((np.nan_to_num(grown) - step) / _DAY), 0).astype("int64")
    agrees = known & (grown >= -SLOP) & (whole >= 0) & (
        np.abs(np.nan_to_num(grown) - step - whole * _DAY) <= SLOP)
    days = np.concatenate([[0], np.cumsum(np.where(agrees, whole, guess))])
    notes: list[tuple[int, str]] = []
    for i in np.flatnonzero((agrees & (step < 0) & (whole == 0)) | (known & ~agrees)):
        back, day = int(step[i]), "the next day" if guess[i] else "the same day"
        if agrees[i]:
            why = (f"the time of day goes back {-back} s while the uptime grows by less "
                   "than a day (outputs out of order, or the clock set back): taken as "
                   "the same day")
        elif grown[i] < -SLOP:
            why = (f"the uptime goes back ({_span(up[i])} before, {_span(up[i + 1])} here): "
                   "another boot or another system's output follows, so the days between "
                   f"are not known; taken as {day}")
        else:
            why = (f"the time of day moves {back:+d} s while the uptime grows "
                   f"{grown[i]:+.0f} s (a clock change, or outputs joined out of order): "
                   f"taken as {day}")
        notes.append((int(i) + 1, why))
    return days, notes


def _span(seconds: float) -> str:
    """``15900.0`` -> ``'4:25'``; ``90000.0`` -> ``'1 day 1:00'``."""
    whole = int(seconds) // 60
    days, minutes = divmod(whole, 1440)
    hours, minutes = divmod(minutes, 60)
    return (f"{days} day{'s' if days != 1 else ''} " if days else "") + f"{hours}:{minutes:02d}"
