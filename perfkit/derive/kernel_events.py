"""Kernel events in a ``dmesg`` or ``journalctl`` frame: OOM kills, segfaults, hung tasks and
dropped connections, with their fields pulled out.

Each function takes a frame from :mod:`perfkit.parsers.dmesg` or
:mod:`perfkit.parsers.journalctl` (any frame with a ``message`` column) and returns the
matching rows: the frame's ``time``/``timestamp`` columns when it has them, the event's
fields, then ``message``. The index is the row's index in the frame given, so
``df.loc[events.index]`` finds the lines again. Real lines (``dmesg -x``, kernel 6.18):

>>> import perfkit
>>> df = perfkit.parse(
...     "kern  :err   : [ 1129.012603] Memory cgroup out of memory: Killed process 25916"
...     " (python3) total-vm:79540kB, anon-rss:65280kB, file-rss:6712kB, shmem-rss:0kB,"
...     " UID:0 pgtables:192kB oom_score_adj:0\\n"
...     "kern  :info  : [ 1129.695298] python3[26115]: segfault at 0 ip 00007f5bf5985ad8"
...     " sp 00007ffff4af7788 error 4 in libc.so.6[167ad8,7f5bf5844000+156000] likely on"
...     " CPU 0 (core 0, socket 0)\\n"
...     "kern  :err   : [ 1133.879465] INFO: task sh:26251 blocked for more than 2 seconds.\\n",
...     "dmesg")
>>> oom_kills(df)[["pid", "comm", "total-vm", "anon-rss"]]
     pid     comm  total-vm  anon-rss
0  25916  python3   79540.0   65280.0
>>> events(df)[["timestamp", "kind", "pid", "comm"]]
     timestamp       kind    pid     comm
0  1129.012603   oom_kill  25916  python3
1  1129.695298   segfault  26115  python3
2  1133.879465  hung_task  26251       sh
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

__all__ = [
    "capture_events",
    "events",
    "hung_tasks",
    "on_clock",
    "oom_kills",
    "segfaults",
    "tcp_drops",
    "words",
]

_OOM = re.compile(r"(?P<memcg>Memory cgroup out of memory: )?(?:Out of memory[^:]*: )?"
                  r"Killed process (?P<pid>\d+) \((?P<comm>[^)]*)\)(?P<rest>.*)")
_OOM_FIELD = re.compile(r"(?P<key>[A-Za-z_-]+):(?P<value>-?\d+)(?:kB)?")
_OOM_CONTEXT = re.compile(r"^oom-kill:(?P<fields>\S+)")
_SEGFAULT = re.compile(r"(?P<comm>.+?)\[(?P<pid>\d+)\]: segfault at (?P<address>[0-9a-fA-F]+)"
                       r" ip (?P<ip>[0-9a-fA-F]+) sp (?P<sp>[0-9a-fA-F]+)"
                       r" error (?P<error>[0-9a-fA-F]+)(?: in (?P<object>[^\s\[]+))?")
_HUNG = re.compile(r"task (?P<comm>.+):(?P<pid>\d+) blocked for more than (?P<seconds>\d+) "
                   r"seconds")
_SYN_FLOOD = re.compile(r"Possible SYN flooding on port (?:(?P<address>\[[^\]]*\]|[^\s:]+):)?"
                        r"(?P<port>\d+)\. (?P<action>Sending cookies|Dropping request)")
_CONNTRACK = re.compile(r"nf_conntrack: (?:nf_conntrack: )?table full, (?P<action>dropping "
                        r"packet)")

#: OOM-report fields in KiB (the kernel prints them with ``kB``).
OOM_SIZES = ("total-vm", "anon-rss", "file-rss", "shmem-rss", "pgtables")


def _messages(df: pd.DataFrame) -> pd.Series:
    if "message" not in df:
        raise KeyError("expected a frame from the dmesg or journalctl parser (with a "
                       f"'message' column); columns: {list(df.columns)}")
    return df["message"].astype(str)


def _with_times(df: pd.DataFrame, fields: pd.DataFrame) -> pd.DataFrame:
    """The frame's time columns for the rows of ``fields``, then the fields, then message."""
    times = [c for c in ("time", "timestamp") if c in df]
    out = pd.concat([df.loc[fields.index, times], fields,
                     df.loc[fields.index, ["message"]]], axis=1)
    return out


def oom_kills(df: pd.DataFrame) -> pd.DataFrame:
    """``Killed process 25916 (python3) total-vm:79540kB, ...`` lines.

    Columns: ``pid``, ``comm``, ``total-vm``, ``anon-rss``, ``file-rss``, ``shmem-rss``,
    ``pgtables`` (KiB), ``uid``, ``oom_score_adj``, ``memcg`` (True for a memory cgroup's
    own limit: ``Memory cgroup out of memory``), and from the ``oom-kill:`` line the kernel
    prints just before (kernels 4.19+): ``constraint`` (``CONSTRAINT_MEMCG``,
    ``CONSTRAINT_NONE``...) and ``cgroup`` (the victim's memory cgroup, ``task_memcg``).
    """
    messages = _messages(df)
    found = messages.str.extract(_OOM).dropna(subset=["pid"])
    contexts: dict[str, dict[str, str]] = {}
    for text in messages[messages.str.startswith("oom-kill:")]:
        match = _OOM_CONTEXT.match(text)
        if match:
            pairs = dict(p.split("=", 1) for p in match.group("fields").split(",") if "=" in p)
            contexts[pairs.get("pid", "")] = pairs
    rows = []
    for pid, comm, memcg, rest in zip(found["pid"], found["comm"], found["memcg"],
                                      found["rest"], strict=True):
        fields = {m.group("key"): float(m.group("value"))
                  for m in _OOM_FIELD.finditer(str(rest))}
        context = contexts.get(pid, {})
        rows.append({
            "pid": int(pid), "comm": comm,
            **{name: fields.get(name, float("nan")) for name in OOM_SIZES},
            "uid": fields.get("UID", float("nan")),
            "oom_score_adj": fields.get("oom_score_adj", float("nan")),
            "memcg": isinstance(memcg, str),
            "constraint": context.get("constraint"),
            "cgroup": context.get("task_memcg"),
        })
    columns = ["pid", "comm", *OOM_SIZES, "uid", "oom_score_adj", "memcg", "constraint",
               "cgroup"]
    return _with_times(df, pd.DataFrame(rows, index=found.index, columns=columns))


def segfaults(df: pd.DataFrame) -> pd.DataFrame:
    """``python3[26115]: segfault at 0 ip ... sp ... error 4 in libc.so.6[...]`` lines.

    Columns: ``comm``, ``pid``, ``address`` (the faulting address, hex text as printed),
    ``ip``, ``sp`` (hex text), ``error`` (the page-fault error code, printed in hex, as an
    int: 4 is a user-mode read of an unmapped page, 6 a write, 0x14 an instruction fetch),
    ``object`` (the file the instruction pointer was in, when printed).
    """
    found = _messages(df).str.extract(_SEGFAULT).dropna(subset=["pid"])
    fields = pd.DataFrame({
        "comm": found["comm"].astype(object),
        "pid": found["pid"].astype("int64"),
        "address": found["address"].astype(object),
        "ip": found["ip"].astype(object),
        "sp": found["sp"].astype(object),
        "error": found["error"].map(lambda v: int(v, 16)).astype("int64"),
        "object": found["object"].astype(object),
    }, index=found.index)
    return _with_times(df, fields)


def hung_tasks(df: pd.DataFrame) -> pd.DataFrame:
    """``INFO: task sh:26251 blocked for more than 2 seconds.`` lines.

    Columns: ``comm``, ``pid``, ``seconds`` (the ``kernel.hung_task_timeout_secs`` the task
    exceeded, not how long it was blocked in total).
    """
    found = _messages(df).str.extract(_HUNG).dropna(subset=["pid"])
    fields = pd.DataFrame({"comm": found["comm"].astype(object),
                           "pid": found["pid"].astype("int64"),
                           "seconds": found["seconds"].astype("int64")}, index=found.index)
    return _with_times(df, fields)


def tcp_drops(df: pd.DataFrame) -> pd.DataFrame:
    """Connections the kernel refused or dropped for lack of room.

    * ``TCP: request_sock_TCP: Possible SYN flooding on port 127.0.0.1:8080. Dropping
      request.`` (``Sending cookies.`` when SYN cookies answer instead): a listener's SYN
      queue overflowed; printed once per listener;
    * ``nf_conntrack: table full, dropping packet``: the connection-tracking table is full
      (this pattern is read as the kernel prints it but was not recorded on perfkit's test
      machine).

    Columns: ``reason`` (``syn_flood`` or ``conntrack_full``), ``address`` and ``port``
    (the listener, for SYN floods; kernels before 5.x print only the port), ``action`` as
    printed.
    """
    messages = _messages(df)
    syn = messages.str.extract(_SYN_FLOOD).dropna(subset=["port"])
    full = messages.str.extract(_CONNTRACK).dropna(subset=["action"])
    fields = pd.concat([
        pd.DataFrame({"reason": "syn_flood", "address": syn["address"].astype(object),
                      "port": syn["port"].astype("int64"), "action": syn["action"]},
                     index=syn.index),
        pd.DataFrame({"reason": "conntrack_full", "address": None,
                      "port": pd.Series(pd.NA, index=full.index, dtype="Int64"),
                      "action": full["action"]}, index=full.index),
    ]).sort_index()
    fields["port"] = fields["port"].astype("Int64")
    return _with_times(df, fields)


def events(df: pd.DataFrame) -> pd.DataFrame:
    """All of the above in the frame's order, with a ``kind`` column (``oom_kill``,
    ``segfault``, ``hung_task``, ``tcp_drop``) and each kind's fields (NaN where a field
    belongs to another kind)."""
    parts = []
    for kind, finder in (("oom_kill", oom_kills), ("segfault", segfaults),
                         ("hung_task", hung_tasks), ("tcp_drop", tcp_drops)):
        found = finder(df)
        if len(found):
            found.insert(len([c for c in ("time", "timestamp") if c in df]), "kind", kind)
            parts.append(found)
    times = [c for c in ("time", "timestamp") if c in df]
    if not parts:
        return pd.DataFrame(columns=[*times, "kind", "pid", "comm", "message"])
    out = pd.concat(parts).sort_index(kind="stable")
    if "pid" in out:
        out["pid"] = out["pid"].astype("Int64")
    first = [*times, "kind", "pid", "comm"]
    rest = [c for c in out.columns if c not in first and c != "message"]
    return out[[*first, *rest, "message"]]


# -- a capture's events on its clock --------------------------------------------------------
_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")

#: Each event kind of :func:`perfkit.dmesg.events` in words (singular, plural).
KIND_WORDS = {"oom_kill": ("OOM kill", "OOM kills"), "hung_task": ("hung task", "hung tasks"),
              "tcp_drop": ("TCP drop", "TCP drops"), "segfault": ("segfault", "segfaults")}


def words(kind: str, count: int) -> str:
    """``"1 OOM kill"``, ``"3 TCP drops"``.

    >>> words("oom_kill", 1), words("tcp_drop", 3)
    ('1 OOM kill', '3 TCP drops')
    """
    one, many = KIND_WORDS.get(kind, (kind, kind))
    return f"{count} {one if count == 1 else many}"


def empty() -> pd.DataFrame:
    """An event frame without rows (``time``, ``kind``, ``pid``, ``comm``, ``message``)."""
    return pd.DataFrame({"time": pd.Series(dtype="datetime64[ns]"),
                         "kind": pd.Series(dtype=str), "pid": pd.Series(dtype="Int64"),
                         "comm": pd.Series(dtype=object), "message": pd.Series(dtype=str)})


def on_clock(frame: pd.DataFrame, boot: pd.Timestamp | None = None) -> pd.DataFrame:
    """``frame`` with a ``time`` column in UTC (see the module docstring)."""
    out = frame.copy()
    if "time" in frame.columns and pd.api.types.is_datetime64_any_dtype(frame["time"]):
        match = _OFFSET.match(str(frame.attrs.get("utc_offset") or ""))
        if match:
            sign = 1 if match.group(1) == "+" else -1
            shift = pd.Timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
            out["time"] = frame["time"] - sign * shift
        return out
    if "timestamp" in frame.columns and boot is not None:
        out["time"] = boot + pd.to_timedelta(frame["timestamp"], unit="s")
    else:
        out["time"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    return out


def boot_time(capture: Any) -> pd.Timestamp | None:
    """When the captured machine booted: its start minus uptime's ``up`` (or None)."""
    start = capture.meta.get("started_utc")
    if not start or "uptime" not in capture:
        return None
    try:
        up = capture["uptime"]["up"].dropna()
    except (KeyError, ValueError, OSError):
        return None
    if up.empty:
        return None
    stamp = pd.Timestamp(start)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp - up.iloc[0]


def capture_events(capture: Any) -> pd.DataFrame:
    """``time`` (UTC, NaT when unknown), ``kind`` (``oom_kill``, ``segfault``,
    ``hung_task``, ``tcp_drop``), ``pid`` and ``comm`` (the process, where the event names
    one) and ``message`` of the capture's dmesg events; empty when the capture has no
    readable dmesg."""
    if "dmesg" not in capture:
        return empty()
    try:
        frame = capture["dmesg"]
    except (KeyError, ValueError, OSError):
        return empty()
    found = events(frame)
    if found.empty:
        return empty()
    found.attrs.update(frame.attrs)
    placed = on_clock(found, boot_time(capture))
    for name in ("pid", "comm"):
        if name not in placed.columns:
            placed[name] = pd.NA
    return placed[["time", "kind", "pid", "comm", "message"]].reset_index(drop=True)
