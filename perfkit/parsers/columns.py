"""What each parser declares about its tables: their names, columns and dtypes.

Every parser module has a ``COLUMNS`` constant: ``{table name: {column: kind}}`` (``""`` is
the table name of a tool that gives one DataFrame). A kind is one of :data:`KINDS`, or
several joined by ``|`` (``"int|str"``). A table or column name may be a shell-style
pattern (``"events*"``, ``"*/s"``, ``"*"``) where the tool prints names perfkit cannot know
in advance (a bpftrace map, a bcc tool's header, an interrupt number); exact names win over
patterns. The declaration is the set of columns ``parse`` may give, whatever the tool's
version and flags: :func:`problems` says where a result strays from it.

>>> import pandas as pd
>>> declared = {"": {"time": "datetime", "r": "int", "*/s": "float"}}
>>> frame = pd.DataFrame({"time": pd.to_datetime(["2026-11-25 10:00"]), "r": [1],
...                       "rxkB/s": [0.5]})
>>> problems(frame, declared)
[]
>>> problems(frame.assign(r=[1.5], extra=["x"]), declared)
["table '': column 'r' is float64, declared int", "table '': column 'extra' is not declared"]
"""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase

import pandas as pd

#: The kinds of dtype a declaration names.
KINDS: frozenset[str] = frozenset({"datetime", "timedelta", "float", "int", "number", "str",
                                   "bool"})

Declaration = Mapping[str, Mapping[str, str]]


def kind_of(series: pd.Series) -> str:
    """The kind of a column's dtype (``"other"`` for none of :data:`KINDS`).

    >>> kind_of(pd.Series([1, 2])), kind_of(pd.Series(["a", None])), kind_of(pd.Series([.5]))
    ('int', 'str', 'float')
    """
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if pd.api.types.is_timedelta64_dtype(dtype):
        return "timedelta"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    if pd.api.types.is_string_dtype(dtype) and all(
            isinstance(value, str) for value in series.dropna()):
        return "str"
    return "other"


def fits(kind: str, declared: str) -> bool:
    """Whether a column of ``kind`` fits the ``declared`` kind (``number``: int or float).

    >>> fits("int", "number"), fits("str", "int|str"), fits("float", "int")
    (True, True, False)
    """
    allowed = set(declared.split("|"))
    if "number" in allowed:
        allowed |= {"int", "float"}
    return kind in allowed


def _lookup(names: Mapping[str, object], name: str) -> object | None:
    if name in names:
        return names[name]
    return next((value for pattern, value in names.items() if fnmatchcase(name, pattern)),
                None)


def problems(result: pd.DataFrame | Mapping[str, pd.DataFrame],
             declaration: Declaration) -> list[str]:
    """Where ``result`` (a DataFrame or a mapping of them) strays from ``declaration``: a
    table or column not declared, a dtype of another kind, ``time`` not the first column."""
    frames = {"": result} if isinstance(result, pd.DataFrame) else dict(result)
    found = []
    for name, frame in frames.items():
        columns = _lookup(declaration, name)
        if columns is None:
            found.append(f"table {name!r} is not declared")
            continue
        assert isinstance(columns, Mapping)
        if "time" in frame.columns and frame.columns[0] != "time":
            found.append(f"table {name!r}: 'time' is not the first column")
        for column in frame.columns:
            declared = _lookup(columns, str(column))
            if declared is None:
                found.append(f"table {name!r}: column {column!r} is not declared")
                continue
            kind = kind_of(frame[column])
            if not fits(kind, str(declared)):
                found.append(f"table {name!r}: column {column!r} is {frame[column].dtype}, "
                             f"declared {declared}")
    return found
