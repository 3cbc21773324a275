"""The rows of one sysstat table, given as spans of a text's ASCII bytes, read into a frame
exactly as ``pandas.read_csv`` reads them squeezed (the careful reader's way): numbers as
int64 when every one is printed whole, float64 otherwise; text columns as text. Or None
when a row does not read cleanly (a field too many or too few, text where a number is due),
for the caller's careful path to name the row.

sysstat prints a table's numbers right-aligned in columns of fixed width, each with a fixed
number of decimals, so the rows of a table usually line up: every field ends at the same
place in every row. Such rows are read by numpy column by column, digits times powers of
ten, with no tokenizer at all (:func:`_lined_up`); other rows are squeezed and read by
``read_csv``. A number is its digits as an integer divided by a power of ten, as pandas'
converter computes it, so both give the same float to the last bit.

>>> data = b"00:15:32     all   42.00    7\\n00:15:33       0   -1.50   12\\n"
>>> ends = np.array([29, 59]); starts = np.array([0, 30]) + 9    # after each time
>>> frame = read_columns(data, starts, ends, ["CPU", "%usr", "n"], {"CPU"})
>>> frame["CPU"].tolist(), frame["%usr"].tolist(), frame["n"].dtype.name
(['all', '0'], [42.0, -1.5], 'int64')
>>> read_columns(data, starts, ends, ["CPU", "%usr"], {"CPU"}) is None
True
"""

from __future__ import annotations

import re
from collections.abc import Collection

import numpy as np
import pandas as pd

from .tabular import _TEXT_DTYPE, read_rows, squeezed_pieces

#: Bytes of rows laid out at once (bounds the scratch memory of :func:`_lined_up`).
_CHUNK = 1 << 18
#: The widest field read by numpy: 15 digits, a sign and a space (an int64 and a float64
#: hold every such number exactly).
_WIDEST = 17
_FLOAT_POWERS = np.array([1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
                          1e13, 1e14, 1e15, 1e16])


def read_columns(data: bytes | bytearray, starts: np.ndarray, ends: np.ndarray,
                 names: list[str], text_columns: Collection[str], *,
                 leading: dict[str, np.ndarray] | None = None) -> pd.DataFrame | None:
    """The rows ``data[start:end]`` (no tab in them) as a frame with columns ``names``;
    None unless every row has one field per name and a number where a number is due.
    ``leading``: columns put first, one value per row (a frame built with them costs less
    than one they are inserted into)."""
    text = {name for name in names if name in text_columns}
    if not len(starts):
        return None
    frame = _lined_up(data, starts, ends, names, text, dict(leading or {}))
    if frame is not None:
        return frame
    count = len(starts)
    squeezed = b"\n".join(squeezed_pieces(data, starts, ends, tabs=False, indented=True))
    if squeezed.count(b" ") != count * (len(names) - 1) or \
            squeezed.count(b"\n") != count - 1:
        return None  # a row with a field too many or too few
    frame = read_rows(squeezed, names, text_columns=text, squeezed=True)
    del squeezed
    if frame is None or len(frame) != count:
        return None
    if any(frame[name].dtype.kind not in "if" for name in names if name not in text):
        return None
    if any(frame[name].isna().any() for name in names):  # column by column: no 2-D copy
        return None
    for at, (name, values) in enumerate((leading or {}).items()):
        frame.insert(at, name, values)
    return frame


def _lined_up(data: bytes | bytearray, starts: np.ndarray, ends: np.ndarray,
              names: list[str], text: set[str],
              out: dict[str, object]) -> pd.DataFrame | None:
    """The rows read by numpy when all are as long and their fields end at the same
    places, every number a plain one (``-12``, ``85.21``) with its decimal point where the
    column's others have it; None otherwise. The frame's columns are those of ``out``
    (filled in), then ``names``. A last text column may be as long as each row makes it
    (pidstat's ``Command``): see :func:`_ragged_last`."""
    width = int(ends[0] - starts[0])
    if width < 1:
        return None
    if ((ends - starts) != width).any():
        return _ragged_last(data, starts, ends, names, text, out)
    if int(starts.max()) + width > len(data):
        return None
    codes = np.frombuffer(data, dtype=np.uint8)
    windows = np.lib.stride_tricks.sliding_window_view(codes, width)
    layout = _Layout.of(windows[starts[0]], names, text)
    if layout is None:
        return None
    return _read_laid_out(windows, starts, width, layout, names, text, out)


def _read_laid_out(windows: np.ndarray, starts: np.ndarray, width: int, layout: _Layout,
                   names: list[str], text: set[str], out: dict[str, object],
                   ) -> pd.DataFrame | None:
    """The fields of ``layout`` in the rows ``windows[starts]`` (each ``width`` bytes), a
    chunk of rows at a time, into ``out``; None when a row does not fit the layout."""
    count = len(starts)
    numbers = [np.empty(count, dtype=np.float64) for _ in layout.numeric]
    texts: list[list[np.ndarray]] = [[] for _ in layout.texts]
    per_row = max(1, _CHUNK // width)
    for low in range(0, count, per_row):
        rows = windows[starts[low:low + per_row]]
        read = layout.read(rows)
        if read is None:
            return None
        for values, column in zip(read.T, numbers, strict=True):
            column[low:low + len(rows)] = values
        for (first, last), parts in zip(layout.texts, texts, strict=True):
            parts.append(rows[:, first:last].copy())  # not a view: let the rows go
    for index, name in enumerate(names):
        if name in text:
            parts = texts[layout.text_index[index]]
            out[name] = _texts(np.concatenate(parts) if len(parts) > 1 else parts[0])
        else:
            at = layout.number_index[index]
            values = numbers[at]
            out[name] = values.astype(np.int64) if layout.decimals[at] is None else values
    return pd.DataFrame(out, copy=False)


#: The longest last text field read by :func:`_ragged_last` (longer: the squeezed path).
_WIDEST_LAST = 64


def _ragged_last(data: bytes | bytearray, starts: np.ndarray, ends: np.ndarray,
                 names: list[str], text: set[str],
                 out: dict[str, object]) -> pd.DataFrame | None:
    """Rows whose fields line up but for the last, a text left-aligned at one place in
    every row and as long as each row makes it, with no blank in it (pidstat's
    ``Command``): the fields before it read as lined-up rows are, the last one as a text
    column; None for rows not so.

    >>> data = b"  1000  4.00  bash\\n    22 12.50  stress-ng-cpu\\n"
    >>> frame = read_columns(data, np.array([0, 19]), np.array([18, 46]),
    ...                      ["UID", "%usr", "Command"], {"Command"})
    >>> frame["UID"].tolist(), frame["%usr"].tolist(), frame["Command"].tolist()
    ([1000, 22], [4.0, 12.5], ['bash', 'stress-ng-cpu'])
    """
    if len(names) < 2 or names[-1] not in text:
        return None
    first = bytes(data[int(starts[0]):int(ends[0])])
    fields = [(match.start(), match.end()) for match in re.finditer(rb"\S+", first)]
    if len(fields) != len(names) or fields[-1][0] == fields[-2][1]:
        return None
    gap, at = fields[-2][1], fields[-1][0]  # the last field starts at ``at`` in every row
    lengths = ends - starts - at
    longest = int(lengths.max())
    if int(lengths.min()) < 1 or longest > _WIDEST_LAST:
        return None
    codes = np.frombuffer(data, dtype=np.uint8)
    windows = np.lib.stride_tricks.sliding_window_view(codes, at + 1)
    layout = _Layout.of(windows[starts[0]][:gap], names[:-1], text)
    if layout is None:
        return None
    heads = windows[:, :gap]
    lead = windows[starts][:, gap:]  # the blanks before the last field, and its first byte
    if not (lead[:, :-1] == 32).all() or (lead[:, -1] == 32).any():
        return None
    del lead
    last = _last_field(codes, starts + at, lengths, longest)
    if last is None:
        return None
    frame = _read_laid_out(heads, starts, gap, layout, names[:-1], text, out)
    if frame is None:
        return None
    frame[names[-1]] = _texts(last)
    return frame


def _last_field(codes: np.ndarray, starts: np.ndarray, lengths: np.ndarray,
                longest: int) -> np.ndarray | None:
    """Each row's last field (``lengths`` bytes from ``starts``) as a row of ``longest``
    bytes, blanks after it; None when one holds a blank."""
    field = np.full((len(starts), longest), 32, dtype=np.uint8)
    inside = starts + longest <= len(codes)
    windows = np.lib.stride_tricks.sliding_window_view(codes, longest)
    field[inside] = windows[starts[inside]]
    for row in np.flatnonzero(~inside).tolist():  # the last rows, near the text's end
        low = int(starts[row])
        field[row, :len(codes) - low] = codes[low:]
    past = np.arange(longest)[None, :] >= lengths[:, None]
    if (field[~past] == 32).any():
        return None  # a blank inside (a command with spaces): the squeezed path
    field[past] = 32
    return field


class _Layout:
    """Where the fields of lined-up rows lie (from the first row): each number field's
    digit weights and decimal point, and the text fields' bounds."""

    def __init__(self, bounds: list[int], first: np.ndarray, names: list[str],
                 text: set[str]) -> None:
        width = len(first)
        self.field_ends = np.zeros(width, dtype=bool)
        self.field_ends[np.array(bounds[1:]) - 1] = True
        self.numeric = [index for index, name in enumerate(names) if name not in text]
        self.number_index = {index: at for at, index in enumerate(self.numeric)}
        self.text_index = {index: at for at, index in
                           enumerate(i for i, name in enumerate(names) if name in text)}
        self.texts = [(bounds[i], bounds[i + 1]) for i, name in enumerate(names)
                      if name in text]
        #: digit weights: the number of field f is ``digits @ weights[:, f]``
        self.weights = np.zeros((width, len(self.numeric)), dtype=np.float64)
        self.owner = np.full(width, -1, dtype=np.int64)  # each byte's number field
        self.loose = np.zeros(width, dtype=bool)  # any byte goes (text fields)
        self.must_digit = np.zeros(width, dtype=bool)
        self.points = np.zeros(width, dtype=bool)
        self.decimals: list[int | None] = []
        for at, index in enumerate(self.numeric):
            low, high = bounds[index], bounds[index + 1]
            field = first[low:high]
            dots = np.flatnonzero(field == 46)
            point = low + int(dots[0]) if len(dots) == 1 else None
            self.decimals.append(None if point is None else high - 1 - point)
            power = 0
            for column in range(high - 1, low - 1, -1):
                if column == point:
                    continue
                self.weights[column, at] = 10.0 ** power
                power += 1
            self.owner[low:high] = at
            self.must_digit[high - 1] = True
            if point is not None:
                self.points[point] = True
                self.must_digit[point + 1:high] = True
                self.must_digit[point - 1] = True
        for first_at, last in self.texts:
            self.loose[first_at:last] = True
        self.scale = np.array([_FLOAT_POWERS[d or 0] for d in self.decimals])
        self.spans = [(bounds[i], bounds[i + 1],
                       self.weights[bounds[i]:bounds[i + 1], at].astype(np.int64))
                      for at, i in enumerate(self.numeric)]

    @classmethod
    def of(cls, first: np.ndarray, names: list[str], text: set[str]) -> _Layout | None:
        """The layout of rows like ``first`` (a row's bytes), or None when its fields do
        not match ``names`` or a number field is too wide to read exactly."""
        filled = first != 32
        ends = filled.copy()
        ends[:-1] &= ~filled[1:]
        last = np.flatnonzero(ends)
        if len(last) != len(names) or not filled[-1]:
            return None
        bounds = [0, *(last[:-1] + 1).tolist(), len(first)]
        for index, name in enumerate(names):
            field = first[bounds[index]:bounds[index + 1]]
            if name not in text and (len(field) > _WIDEST
                                     or np.count_nonzero(field == 46) > 1):
                return None
        return cls(bounds, first, names, text)

    def read(self, rows: np.ndarray) -> np.ndarray | None:
        """The numbers of ``rows`` (one column per number field, decimals applied), or
        None when a row's fields end elsewhere or a number is not a plain one."""
        blank = rows == 32
        ends = ~blank
        ends[:, :-1] &= blank[:, 1:]
        if not (ends == self.field_ends).all():
            return None  # a field ends elsewhere in some row
        digits = rows - np.uint8(48)
        is_digit = digits < 10
        minus = rows == 45
        signed = bool(minus.any())
        known = is_digit | blank
        known |= self.loose
        if self.points.any():
            known |= (rows == 46) & self.points
        if signed:  # a sign only right before a number's first digit
            lead = np.ones_like(minus)
            lead[:, 1:] = blank[:, :-1]
            known |= minus & lead
        if not known.all() or not (is_digit | ~self.must_digit).all():
            return None
        if self.points.any() and not (rows[:, self.points] == 46).all():
            return None
        np.multiply(digits, is_digit, out=digits)  # the others 0 (no masked assignment)
        # integer dot products, field by field (a float matrix product would be exact too,
        # but a threaded BLAS costs more than it gives on blocks this small)
        values = np.empty((len(rows), len(self.numeric)), dtype=np.float64)
        for at, (low, high, weights) in enumerate(self.spans):
            values[:, at] = digits[:, low:high].astype(np.int64) @ weights
        values /= self.scale
        if signed:
            owned = minus & (self.owner >= 0)
            negative = np.zeros((len(rows), len(self.numeric)), dtype=bool)
            row, column = np.nonzero(owned)
            negative[row, self.owner[column]] = True
            values[negative] *= -1.0
        return values


def _texts(field: np.ndarray) -> pd.Series:
    """A text column (rows of bytes, blanks around each value) as read_csv reads it."""
    width = field.shape[1]
    if width <= 16:  # each value's bytes as one or two integers, told apart by hashing
        codes, uniques = _hashed(field)
    else:
        printed = np.ascontiguousarray(field).view(f"S{width}").ravel()
        found, codes = np.unique(printed, return_inverse=True)
        uniques = found.tolist()
    words = np.array([value.decode("ascii").strip() for value in uniques], dtype=object)
    return pd.Series(words[codes.ravel()], dtype=_TEXT_DTYPE)


def _hashed(field: np.ndarray) -> tuple[np.ndarray, list[bytes]]:
    """Each row of ``field`` (at most 16 bytes wide) as a code, and each code's bytes: the
    rows read as one or two 8-byte integers, factorized by hashing (no sort).

    >>> codes, uniques = _hashed(np.frombuffer(b"eth0 lo   eth0 ", np.uint8).reshape(3, 5))
    >>> codes.tolist(), uniques
    ([0, 1, 0], [b'eth0 ', b'lo   '])
    """
    count, width = field.shape
    words = 1 if width <= 8 else 2
    padded = np.zeros((count, 8 * words), dtype=np.uint8)
    padded[:, :width] = field
    halves = padded.view(np.uint64)
    del padded
    codes, keys = pd.factorize(halves[:, 0], size_hint=64)
    if words == 1:
        return codes, [int(key).to_bytes(8, "little")[:width] for key in keys.tolist()]
    high, high_keys = pd.factorize(halves[:, 1], size_hint=64)
    codes, pairs = pd.factorize(codes * len(high_keys) + high, size_hint=64)
    low_keys, high_keys = keys.tolist(), high_keys.tolist()
    return codes, [(int(low_keys[pair // len(high_keys)]).to_bytes(8, "little")
                    + int(high_keys[pair % len(high_keys)]).to_bytes(8, "little"))[:width]
                   for pair in pairs.tolist()]
