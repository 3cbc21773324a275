"""sadf's machine-readable forms of sar data: CSV (``sadf -d``), JSON (``sadf -j``), and
binary sa files read through the installed ``sadf``.

Every form gives the same :class:`~perfkit.result.Tables` as sar's text: the table names of
:mod:`perfkit.parsers.sar_reports`, the columns under the names sar prints, a ``time``
column first, then sadf's ``interval`` (seconds). sadf writes times in UTC
(``2026-11-25 00:23:17 UTC``) unless asked for local time (``-T``, ``-t``) or seconds since
the epoch (``-U``); the zone it names is kept in ``attrs["timezone"]``. sadf prints no
``Average:`` rows, so ``tables.averages`` is empty.

CSV, one header per activity (``sadf -d tests/fixtures/sar/sa-restart.bin -- -A``, two
lines of it)::

    # hostname;interval;timestamp;IFACE;rxpck/s;txpck/s;rxkB/s;txkB/s;rxcmp/s;...
    demo-host;1;2026-11-25 00:33:09 UTC;lo;2472.00;2472.00;29599.46;29599.46;0.00;...

>>> t = parse_csv(
...     "# hostname;interval;timestamp;IFACE;rxpck/s;txpck/s;rxkB/s;txkB/s;rxcmp/s;txcmp/s;"
...     "rxmcst/s;%ifutil\\n"
...     "demo-host;1;2026-11-25 00:33:09 UTC;lo;2472.00;2472.00;29599.46;29599.46;0.00;0.00;"
...     "0.00;0.00\\n")
>>> t["DEV"][["time", "interval", "IFACE", "rxkB/s"]]
                 time  interval IFACE    rxkB/s
0 2026-11-25 00:33:09         1    lo  29599.46

JSON (the same file's ``sadf -j``, cut to two of its activities) names the fields its own
way (``retrans``, ``util-percent``, ``memfree``); they are renamed to sar's (``retrans/s``,
``%util``, ``kbmemfree``) with the tables in :data:`JSON_ACTIVITIES`. sadf -j puts the
``-r`` and ``-S`` fields in one ``memory`` object; they are split into ``memory`` and
``swap`` as sar prints them.

>>> t = parse_json('''{"sysstat": {"hosts": [{"nodename": "demo-host", "number-of-cpus": 2,
...   "statistics": [{
...     "timestamp": {"date": "2026-11-25", "time": "00:33:09", "utc": 1, "interval": 1},
...     "network": {
...       "net-tcp": {"active": 114.00, "passive": 114.00, "iseg": 2472.00, "oseg": 2474.00},
...       "net-etcp": {"atmptf": 0.00, "estres": 0.00, "retrans": 0.00, "isegerr": 0.00,
...                    "orsts": 0.00}}}],
...   "restarts": []}]}}''')
>>> t["TCP"]
                 time  interval  active/s  passive/s  iseg/s  oseg/s
0 2026-11-25 00:33:09         1     114.0      114.0  2472.0  2474.0
>>> list(t["ETCP"].columns)
['time', 'interval', 'atmptf/s', 'estres/s', 'retrans/s', 'isegerr/s', 'orsts/s']
"""

from __future__ import annotations

import collections
import itertools
import json
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import runner
from ..errors import ParseError, bad_line, warn
from ..result import Tables
from ._read.numeric import detect_decimal, plain_numbers
from .sar_reports import LABEL_COLUMNS, REPORTS, TEXT_COLUMNS, known_report, report_name

TOOL = "sar"
#: How long ``sadf`` may take on one file before perfkit gives up.
SADF_TIMEOUT = 60.0
#: The first bytes of a binary sa file, either byte order.
SA_MAGIC = (b"\x96\xd5", b"\xd5\x96")

_CSV_HEADER = re.compile(r"^# hostname;interval;timestamp;")
_CSV_ROW = re.compile(r"^[^;\s]*;-?\d+;(?:\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?: \S+)?|\d{9,11});")
_CPUS_IN = re.compile(r"\((\d+) CPU\)")
_USB = ("BUS", "idvendor", "idprod", "maxpower", "manufact", "product")


def _per_second(*keys: str) -> dict[str, str]:
    return {key: f"{key}/s" for key in keys}


def _same(*keys: str) -> dict[str, str]:
    return {key: key for key in keys}


_CPU = {"cpu": "CPU", **{k: f"%{k}" for k in (
    "user", "usr", "nice", "system", "sys", "iowait", "steal", "irq", "soft", "guest",
    "gnice", "idle")}}
_MEMORY = {
    "memfree": "kbmemfree", "avail": "kbavail", "memused": "kbmemused",
    "memused-percent": "%memused", "buffers": "kbbuffers", "cached": "kbcached",
    "commit": "kbcommit", "commit-percent": "%commit", "active": "kbactive",
    "inactive": "kbinact", "dirty": "kbdirty", "shared": "kbshmem", "anonpg": "kbanonpg",
    "slab": "kbslab", "kstack": "kbkstack", "pgtbl": "kbpgtbl", "vmused": "kbvmused",
}
_SWAP = {"swpfree": "kbswpfree", "swpused": "kbswpused", "swpused-percent": "%swpused",
         "swpcad": "kbswpcad", "swpcad-percent": "%swpcad"}
_DISK = {"disk-device": "DEV", "tps": "tps", "rkB": "rkB/s", "wkB": "wkB/s", "dkB": "dkB/s",
         "areq-sz": "areq-sz", "aqu-sz": "aqu-sz", "await": "await", "svctm": "svctm",
         "util-percent": "%util", "rd_sec": "rd_sec/s", "wr_sec": "wr_sec/s",
         "dc_sec": "dc_sec/s", "avgrq-sz": "avgrq-sz", "avgqu-sz": "avgqu-sz"}
#: sadf -j writes both the sector-based fields of sysstat < 11.5.7 and the kB-based ones sar
#: prints now; the old ones are dropped when the new ones are there (same data, other unit).
_DISK_LEGACY = ("rd_sec", "wr_sec", "dc_sec", "avgrq-sz", "avgqu-sz")


def _psi(kind: str) -> dict[str, str]:
    return {f"{level}_avg{window}": f"%{level[0]}{kind}-{window}" if window
            else f"%{level[0]}{kind}"
            for level in ("some", "full") for window in ("10", "60", "300", "")}


#: sadf -j activity (``network/net-dev`` for nested ones) -> (table, JSON key -> sar column).
#: Keys not listed keep their JSON name; an activity not listed becomes a table named after its
#: JSON path, with its JSON field names.
JSON_ACTIVITIES: dict[str, tuple[str, dict[str, str]]] = {
    "cpu-load": ("cpu", _CPU),
    "cpu-load-all": ("cpu", _CPU),
    "process-and-context-switch": ("tasks", _per_second("proc", "cswch")),
    "interrupts": ("interrupts", {"intr": "INTR", "value": "intr/s"}),
    "swap-pages": ("swapping", _per_second("pswpin", "pswpout")),
    "paging": ("paging", {**_per_second("pgpgin", "pgpgout", "fault", "majflt", "pgfree",
                                        "pgscank", "pgscand", "pgsteal", "pgprom", "pgdem"),
                          "vmeff-percent": "%vmeff"}),
    "io": ("io", {"tps": "tps", "rtps": "rtps", "wtps": "wtps", "dtps": "dtps",
                  **_per_second("bread", "bwrtn", "bdscd")}),
    "memory": ("memory", {**_MEMORY, **_SWAP}),
    "hugepages": ("hugepages", {"hugfree": "kbhugfree", "hugused": "kbhugused",
                                "hugused-percent": "%hugused", "hugrsvd": "kbhugrsvd",
                                "hugsurp": "kbhugsurp"}),
    "kernel": ("kernel", _same("dentunusd", "file-nr", "inode-nr", "pty-nr")),
    "queue": ("queue", _same("runq-sz", "plist-sz", "ldavg-1", "ldavg-5", "ldavg-15",
                             "blocked")),
    "serial": ("tty", {"line": "TTY", **_per_second("rcvin", "xmtin", "framerr", "prtyerr",
                                                    "brk", "ovrun")}),
    "disk": ("disk", _DISK),
    "network/net-dev": ("DEV", {"iface": "IFACE", "ifutil-percent": "%ifutil",
                                **_per_second("rxpck", "txpck", "rxkB", "txkB", "rxcmp",
                                              "txcmp", "rxmcst")}),
    "network/net-edev": ("EDEV", {"iface": "IFACE", **_per_second(
        "rxerr", "txerr", "coll", "rxdrop", "txdrop", "txcarr", "rxfram", "rxfifo",
        "txfifo")}),
    "network/net-nfs": ("NFS", _per_second("call", "retrans", "read", "write", "access",
                                           "getatt")),
    "network/net-nfsd": ("NFSD", _per_second("scall", "badcall", "packet", "udp", "tcp",
                                             "hit", "miss", "sread", "swrite", "saccess",
                                             "sgetatt")),
    "network/net-sock": ("SOCK", _same("totsck", "tcpsck", "udpsck", "rawsck", "ip-frag",
                                       "tcp-tw")),
    "network/net-ip": ("IP", _per_second("irec", "fwddgm", "idel", "orq", "asmrq", "asmok",
                                         "fragok", "fragcrt")),
    "network/net-eip": ("EIP", _per_second("ihdrerr", "iadrerr", "iukwnpr", "idisc",
                                           "odisc", "onort", "asmf", "fragf")),
    "network/net-icmp": ("ICMP", _per_second(
        "imsg", "omsg", "iech", "iechr", "oech", "oechr", "itm", "itmr", "otm", "otmr",
        "iadrmk", "iadrmkr", "oadrmk", "oadrmkr")),
    "network/net-eicmp": ("EICMP", _per_second(
        "ierr", "oerr", "idstunr", "odstunr", "itmex", "otmex", "iparmpb", "oparmpb",
        "isrcq", "osrcq", "iredir", "oredir")),
    "network/net-tcp": ("TCP", _per_second("active", "passive", "iseg", "oseg")),
    "network/net-etcp": ("ETCP", _per_second("atmptf", "estres", "retrans", "retrseg",
                                             "isegerr", "orsts")),
    "network/net-udp": ("UDP", _per_second("idgm", "odgm", "noport", "idgmerr")),
    "network/net-sock6": ("SOCK6", _same("tcp6sck", "udp6sck", "raw6sck", "ip6-frag")),
    "network/net-ip6": ("IP6", _per_second("irec6", "fwddgm6", "idel6", "orq6", "asmrq6",
                                           "asmok6", "imcpck6", "omcpck6", "fragok6",
                                           "fragcr6")),
    "network/net-eip6": ("EIP6", _per_second(
        "ihdrer6", "iadrer6", "iukwnp6", "i2big6", "idisc6", "odisc6", "inort6", "onort6",
        "asmf6", "fragf6", "itrpck6")),
    "network/net-icmp6": ("ICMP6", _per_second(
        "imsg6", "omsg6", "iech6", "iechr6", "oechr6", "igmbq6", "igmbr6", "ogmbr6",
        "igmbrd6", "ogmbrd6", "irtsol6", "ortsol6", "irtad6", "inbsol6", "onbsol6",
        "inbad6", "onbad6")),
    "network/net-eicmp6": ("EICMP6", _per_second(
        "ierr6", "idtunr6", "odtunr6", "itmex6", "otmex6", "iprmpb6", "oprmpb6",
        "iredir6", "oredir6", "ipck2b6", "opck2b6")),
    "network/net-udp6": ("UDP6", _per_second("idgm6", "odgm6", "noport6", "idgmer6")),
    "network/fchosts": ("FC", {"fchost": "FCHOST", **_per_second(
        "fch_rxf", "fch_txf", "fch_rxw", "fch_txw")}),
    "network/softnet": ("SOFT", {"cpu": "CPU", "blg_len": "blg_len", **_per_second(
        "total", "dropd", "squeezd", "rx_rps", "flw_lim")}),
    "power-management/cpu-frequency": ("power-CPU", {"number": "CPU", "frequency": "MHz"}),
    "power-management/cpu-weighted-frequency": ("power-FREQ", {
        "number": "CPU", "weighted-frequency": "wghMHz"}),
    "power-management/fan-speed": ("power-FAN", {"number": "FAN", "rpm": "rpm",
                                                 "drpm": "drpm", "device": "DEVICE"}),
    "power-management/temperature": ("power-TEMP", {
        "number": "TEMP", "degC": "degC", "percent-temp": "%temp", "device": "DEVICE"}),
    "power-management/voltage-input": ("power-IN", {
        "number": "IN", "inV": "inV", "percent-in": "%in", "device": "DEVICE"}),
    "power-management/battery": ("power-BAT", {
        "number": "BAT", "percent-capacity": "%cap", "variation": "cap/min",
        "status": "status"}),
    "power-management/usb-devices": ("power-USB", {"bus_number": "BUS"}),
    "filesystems": ("filesystems", {"filesystem": "FILESYSTEM",
                                    "mountpoint": "MOUNTPOINT"}),
    "psi/psi-cpu": ("psi-CPU", _psi("cpu")),
    "psi/psi-io": ("psi-IO", _psi("io")),
    "psi/psi-mem": ("psi-MEM", _psi("mem")),
}
_NESTED = {"network", "power-management", "psi"}

#: The forms of sadf output perfkit does not read, with what each starts with.
UNSUPPORTED_FORMS: dict[str, str] = {
    "sadf -x (XML)": "<?xml",
    "sadf -g (SVG)": "<svg / <!DOCTYPE svg",
    "sadf -p / sadf (one field per line)": "host<TAB>interval<TAB>timestamp<TAB>...",
    "sadf -r (raw counters)": "# uptime_cs;",
    "sadf -H (file header)": "System activity data file: / File created by sar/sadc",
    "sadf -d -h with per-device activities ([...] groups)": "# hostname;...[...]",
}


def looks_like_csv(lines: list[str]) -> bool:
    """True for ``sadf -d`` output (a ``# hostname;interval;timestamp;`` header or row)."""
    return any(_CSV_HEADER.match(line) or _CSV_ROW.match(line) for line in lines[:5])


def looks_like_json(lines: list[str]) -> bool:
    """True for ``sadf -j`` output: sysstat JSON whose host has a ``file-date`` (mpstat,
    iostat and pidstat ``-o JSON`` write ``"date"`` instead)."""
    head = "".join(line.strip() for line in lines[:40])
    return head.startswith('{"sysstat"') and '"file-date"' in head


def unsupported_form(lines: list[str]) -> str | None:
    """The name of a sadf form perfkit does not read, when ``lines`` start like one."""
    first = lines[0].strip() if lines else ""
    if first.startswith("<?xml") or first.startswith("<svg") or first.startswith("<!DOCTYPE"):
        body = " ".join(lines[:4])
        return "sadf -g (SVG)" if "svg" in body.lower() else "sadf -x (XML)"
    if first.startswith("<text") or first.startswith("<rect") or first.startswith("<g"):
        return "sadf -g (SVG)"
    if (first.startswith("# uptime_cs;") or re.match(r"^# name; A_", first)
            or re.match(r"^\d{2}:\d{2}:\d{2} [A-Z]\w*; ", first)):
        return "sadf -r (raw counters)"
    if first.startswith(("System activity data file:", "File created by sar/sadc")):
        return "sadf -H (file header)"
    if re.match(r"^[^\t]+\t-?\d+\t(?:\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?: \S+)?|\d+)\t",
                first):
        return "sadf -p / sadf (one field per line)"
    return None


# ---------------------------------------------------------------------------------------
# CSV (sadf -d)


#: A number with decimals: never what sadf -d prints as a label (CPU, INTR, DEV, IFACE...)
_DECIMAL = re.compile(r"-?\d+[.,]\d+")


@dataclass
class _CsvBlock:
    """One ``# hostname;...`` header of ``sadf -d`` (without -h) and its rows: (line number,
    time stamp, the columns its values were grouped under)."""

    number: int
    columns: tuple[str, ...]
    rows: list[tuple[int, str, tuple[str, ...]]] = field(default_factory=list)


@dataclass
class _CsvReader:
    """The rows of ``sadf -d`` output gathered by header: one group per distinct columns."""

    strict: bool
    last_line: int  # the number of the last non-blank line
    groups: dict[tuple[str, ...], list[tuple[int, list[str]]]] = field(default_factory=dict)
    restarts: list[tuple[str, int]] = field(default_factory=list)
    comments: list[tuple[str, str]] = field(default_factory=list)
    host: str | None = None
    columns: tuple[str, ...] | None = None
    segments: list[tuple[str, tuple[str, ...]]] | None = None  # sadf -dh: activity slices
    repeated: int | None = None  # the segment printed once per CPU or device (-h's [...])
    blocks: list[_CsvBlock] = field(default_factory=list)  # sadf -d's headers, in order

    def bad(self, number: int, line: str, why: str) -> None:
        if number == self.last_line:
            warn("the last line is truncated and was dropped", line=number, text=line, tool=TOOL)
            return
        bad_line(why, line=number, text=line, tool=TOOL, strict=self.strict,
                 action="line skipped")

    def feed(self, number: int, line: str) -> None:
        if not line.strip():
            return
        if line.startswith("#"):
            self.header(number, line)
            return
        fields = line.split(";", 3)
        if len(fields) < 4 or not _CSV_ROW.match(line):
            self.bad(number, line, "expected a sadf -d row 'host;interval;timestamp;values'")
            return
        self.host = self.host or fields[0]
        if fields[1] == "-1":
            self.special(number, line, fields)
        elif self.columns is None or self.segments is None:
            self.bad(number, line, "a row before any '# hostname;interval;timestamp;...' header")
        else:
            self.row(number, line, fields, self.segments)

    def header(self, number: int, line: str) -> None:
        """``# hostname;interval;timestamp;CPU;%user;...``."""
        if not _CSV_HEADER.match(line):
            self.bad(number, line, "expected a sadf -d header '# hostname;interval;timestamp;...'")
            return
        names = tuple(line.split(";")[3:])
        marked = [i for i, name in enumerate(names) if name.endswith("[...]")]
        names = tuple(name.removesuffix("[...]") for name in names)
        if sorted(names) == sorted(_USB):
            names = _USB  # sadf -d heads USB rows out of order; the rows are in sar's
        self.columns = names
        self.segments = _split_activities(names)
        self.repeated = None
        self.blocks.append(_CsvBlock(number, names))
        if marked:
            # sadf -d -h prints a per-CPU or per-device activity once per CPU or device on
            # each row ("%idle[...]" ends its columns): with one such activity, its share
            # of a row is what the other activities leave; with more, it is not known
            ends = list(itertools.accumulate(len(cols) for _, cols in self.segments))
            groups = {next(k for k, end in enumerate(ends) if i < end) for i in marked}
            if len(marked) > 1 or len(groups) > 1:
                raise ParseError("this is sadf -d -h output with several per-device "
                                 "activities ([...] groups) on one row, which perfkit does "
                                 "not read: where one ends is not printed; use sadf -d "
                                 "without -h, or sadf -j",
                                 line=number, text=line, tool=TOOL)
            self.repeated = groups.pop()

    def special(self, number: int, line: str, fields: list[str]) -> None:
        """A LINUX-RESTART or COM record (interval -1)."""
        rest = fields[3]
        if rest.startswith("LINUX-RESTART"):
            cpus = _CPUS_IN.search(rest)
            self.restarts.append((fields[2], int(cpus.group(1)) if cpus else 0))
        elif rest.startswith("COM "):
            self.comments.append((fields[2], rest[4:]))
        else:
            self.bad(number, line, "a special record that is neither LINUX-RESTART nor COM")

    def row(self, number: int, line: str, fields: list[str],
            segments: list[tuple[str, tuple[str, ...]]]) -> None:
        """A row of values, cut by the header's activities (``sadf -d -h`` prints several
        on one line)."""
        values = fields[3].split(";")
        stamp = [fields[1], fields[2]]
        if self.repeated is not None:
            self.repeated_row(number, line, values, stamp, segments)
            return
        if len(segments) == 1:
            key = _expand_cpu_star(segments[0][1], len(values))
            if len(values) != len(key):
                self.bad(number, line, f"{len(values)} values where the header has "
                         f"{len(key)} columns ({';'.join(key)})")
                return
            if key[0] in LABEL_COLUMNS and _DECIMAL.fullmatch(values[0]):
                self.bad(number, line, f"a number where the header has {key[0]}: a row of "
                         "another activity, whose header line is lost?")
                return
            self.groups.setdefault(key, []).append((number, stamp + values))
            self.blocks[-1].rows.append((number, fields[2], key))
            return
        total = sum(len(cols) for _, cols in segments)
        if len(values) != total:
            self.bad(number, line, f"{len(values)} values where the header has {total} columns")
            return
        start = 0
        for _, cols in segments:
            part = values[start:start + len(cols)]
            self.groups.setdefault(cols, []).append((number, stamp + part))
            start += len(cols)


    def drop_lost_headers(self, lines: list[str]) -> None:
        """Take out the rows of an activity whose header line was lost, read under the
        header before it (another activity's columns, as many of them perhaps), with a
        warning naming the first (:class:`ParseError` with ``strict``). With several
        activities, sadf -d prints a header before each activity's rows, the same activities
        in the same order at every time (with one, its header once): where a time lacks a
        header the others have, the block before it holds, past the rows it has at the
        others, the rows of the lost one."""
        # a block whose rows span several times is an activity printed once for the whole
        # run (another output's layout, joined after this one): it lost no header
        blocks = [block for block in self.blocks
                  if block.rows and block.rows[0][1] == block.rows[-1][1]]
        drop: dict[int, int] = {}  # block -> its first row that is not its own
        by_time: dict[str, list[int]] = {}
        for index, block in enumerate(blocks):
            by_time.setdefault(block.rows[0][1], []).append(index)
        orders = {stamp: tuple(blocks[i].columns for i in members)
                  for stamp, members in by_time.items()}
        counts = collections.Counter(orders.values())
        usual = max(counts, key=lambda order: (counts[order], len(order)), default=())
        for stamp, order in orders.items():
            if len(order) >= len(usual):
                continue
            members = by_time[stamp]
            for place, index in enumerate(members):
                columns = blocks[index].columns
                if columns not in usual:
                    continue
                after = usual.index(columns) + 1
                printed = orders[stamp][place + 1] if place + 1 < len(members) else None
                if after == len(usual) or usual[after] == printed:
                    continue  # the header after this block is there
                sizes = {len(blocks[i].rows) for other, order_ in orders.items()
                         if order_ == usual for i in by_time[other]
                         if blocks[i].columns == columns}
                size = sizes.pop() if len(sizes) == 1 else 0
                if size < len(blocks[index].rows):
                    drop[index] = min(drop.get(index, size), size)
        for index, at in sorted(drop.items()):
            block = blocks[index]
            gone = block.rows[at:]
            number = gone[0][0]
            bad_line(f"rows of another activity under the header of line {block.number}: "
                     "the header sadf -d prints before them at the other times is lost; "
                     f"{len(gone)} rows skipped",
                     line=number, text=lines[number - 1], tool=TOOL, strict=self.strict,
                     action="")
            numbers = {row[0] for row in gone}
            for key in {row[2] for row in gone}:
                self.groups[key] = [row for row in self.groups[key] if row[0] not in numbers]
                if not self.groups[key]:
                    del self.groups[key]

    def repeated_row(self, number: int, line: str, values: list[str], stamp: list[str],
                     segments: list[tuple[str, tuple[str, ...]]]) -> None:
        """A ``sadf -d -h`` row whose one per-device activity is printed once per CPU or
        device: each of those becomes a row of its table, with the row's time."""
        assert self.repeated is not None
        width = len(segments[self.repeated][1])
        extra = len(values) - sum(len(cols) for _, cols in segments) + width
        if extra <= 0 or extra % width:
            self.bad(number, line, f"{len(values)} values, which do not fit the header's "
                                   f"activities and whole groups of {width}")
            return
        start = 0
        for position, (_, cols) in enumerate(segments):
            copies = extra // width if position == self.repeated else 1
            for _copy in range(copies):
                part = values[start:start + len(cols)]
                self.groups.setdefault(cols, []).append((number, stamp + part))
                start += len(cols)


def parse_csv(text: str, *, strict: bool = False) -> Tables:
    """Read ``sadf -d`` and ``sadf -d -h`` output (with at most one per-device activity,
    ``[...]``, on a ``-h`` row)."""
    lines = text.split("\n")
    last_line = max((i + 1 for i, line in enumerate(lines) if line.strip()), default=0)
    reader = _CsvReader(strict, last_line)
    for number, line in enumerate(lines, start=1):
        reader.feed(number, line)
    reader.drop_lost_headers(lines)
    if not reader.groups and not reader.restarts and not reader.comments:
        raise ParseError("no sadf -d rows found", line=1, text=lines[0], tool=TOOL)
    return _csv_tables(reader)


def _csv_tables(reader: _CsvReader) -> Tables:
    """One table per group of rows (groups of one report name are joined)."""
    sample = [";".join(row[2:]).replace(";", " ") for rows in reader.groups.values()
              for _, row in rows[:20]]
    decimal = detect_decimal(sample)
    zone = None
    tables = Tables(attrs={"tool": TOOL, "format": "sadf -d", "host": reader.host,
                           "decimal": decimal})
    for key, rows in reader.groups.items():  # in the order their first rows came
        frame, zone_seen = _csv_frame(rows, key, decimal, reader.strict, reader.last_line)
        zone = zone or zone_seen
        _add(tables, report_name(key), frame)
    tables.attrs["timezone"] = zone
    tables.attrs["restarts"] = _event_frame(reader.restarts, "cpus")
    tables.attrs["comments"] = _event_frame(reader.comments, "comment")
    _finish(tables)
    return tables


def _split_activities(names: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
    """Cut the columns of a ``sadf -d -h`` header into activities, each starting at the
    first metric of a known report; a plain ``sadf -d`` header stays one activity."""
    starts = {metric for (label, metric) in REPORTS if label is None}
    cuts = [0, *[i for i, name in enumerate(names) if i and name in starts], len(names)]
    parts = [tuple(names[a:b]) for a, b in itertools.pairwise(cuts)]
    if len(parts) > 1 and all(known_report(part) for part in parts):
        return [(report_name(part), part) for part in parts]
    return [(report_name(names), names)]


def _expand_cpu_star(columns: tuple[str, ...], width: int) -> tuple[str, ...]:
    """``INTR;CPU*`` heads one value for all CPUs, then one per CPU: name them as sar does
    (``all``, ``CPU0``, ``CPU1``...)."""
    if "CPU*" not in columns:
        return columns
    at = columns.index("CPU*")
    count = width - (len(columns) - 1)
    names = ["all", *[f"CPU{i}" for i in range(max(count - 1, 0))]][:max(count, 0)]
    return (*columns[:at], *names, *columns[at + 1:])


def _csv_frame(rows: list[tuple[int, list[str]]], columns: tuple[str, ...], decimal: str,
               strict: bool, last_line: int) -> tuple[pd.DataFrame, str | None]:
    numbers = np.array([n for n, _ in rows])
    cells = list(zip(*(values for _, values in rows), strict=True))  # one tuple per column
    times, zone = _csv_times(cells[1])
    data: dict[str, Any] = {"time": times}
    bad = np.array(times.isna(), dtype=bool)
    for name, column in zip(["interval", *columns], [cells[0], *cells[2:]], strict=True):
        if name in TEXT_COLUMNS:
            text = pd.Series(column, dtype=object)
            if name in LABEL_COLUMNS:
                text = text.where(text != "-1", "all")
            data[name] = text.astype(str).where(text.astype(str) != "", None)
            continue
        values = plain_numbers(column) if decimal == "." else None
        if values is None:  # something else than plain numbers: cell by cell
            text = pd.Series(column, dtype=object).astype(str)
            if decimal != ".":
                text = text.str.replace(decimal, ".", regex=False)
            values = pd.to_numeric(text, errors="coerce")
            bad |= np.array(values.isna() & (text != ""), dtype=bool)
        data[name] = values
    frame = pd.DataFrame(data)
    if bad.any():
        keep = np.ones(len(frame), dtype=bool)
        for index in np.flatnonzero(bad):
            number = int(numbers[index])
            bad_line("a value that is not a number, or a bad timestamp", line=number, tool=TOOL,
                     strict=strict and number != last_line, action="line skipped")
            keep[index] = False
        frame = frame.loc[keep].reset_index(drop=True)
    return _sar_order(frame), zone


def _csv_times(stamps: tuple[str, ...]) -> tuple[pd.Series, str | None]:
    """sadf -d's timestamps (``2026-11-25 00:33:09 UTC``, or seconds since the epoch with
    ``-U``) as datetime64 (NaT where unreadable), and the zone the first one names. Each
    distinct stamp is read once: every row of one sample shares it."""
    places: dict[str, int] = {}
    codes = np.array([places.setdefault(stamp, len(places)) for stamp in stamps])
    fast = _stamps_in_utc(list(places))
    if fast is not None:
        return pd.Series(fast[0][codes], dtype="datetime64[ns]"), fast[1]
    unique = pd.Series(list(places), dtype=object).astype(str)
    zone = None
    split = unique.str.rsplit(" ", n=1, expand=True)
    if split.shape[1] == 2 and split[1].notna().all() and not split[1].str[:1].str.isdigit().any():
        zone = str(split[1].iloc[0])
        times = pd.to_datetime(split[0], format="%Y-%m-%d %H:%M:%S", errors="coerce")
    elif unique.str.fullmatch(r"\d+").all():
        times = pd.to_datetime(pd.to_numeric(unique), unit="s")
        zone = "UTC"
    else:
        times = pd.to_datetime(unique, format="%Y-%m-%d %H:%M:%S", errors="coerce")
    values = times.astype("datetime64[ns]").to_numpy()
    return pd.Series(values[codes], dtype="datetime64[ns]"), zone


_STAMP_AND_ZONE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2}) "
                             r"((?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]) ([^\d\s]\S*)")


def _stamps_in_utc(stamps: list[str]) -> tuple[np.ndarray, str] | None:
    """The common case of :func:`_csv_times` read by numpy: every stamp a valid
    ``YYYY-MM-DD HH:MM:SS ZONE``; None otherwise (the general reading decides)."""
    matches = [_STAMP_AND_ZONE.fullmatch(stamp) for stamp in stamps]
    if not all(matches):
        return None
    try:
        values = np.array([f"{m[1]}T{m[2]}" for m in matches], dtype="datetime64[s]")
    except ValueError:  # a date or time out of range: NaT and a bad line, the general way
        return None
    return values.astype("datetime64[ns]"), matches[0][3]


def _sar_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Put columns where sar prints them: ``FILESYSTEM``/``DEVICE`` last, USB names last."""
    columns = list(frame.columns)
    tail = [c for c in ("manufact", "product", "DEVICE", "FILESYSTEM", "MOUNTPOINT")
            if c in columns]
    if tail:
        frame = frame[[c for c in columns if c not in tail] + tail]
    return frame


# ---------------------------------------------------------------------------------------
# JSON (sadf -j)


def parse_json(text: str, *, strict: bool = False) -> Tables:
    """Read ``sadf -j`` output into sar's tables (see :data:`JSON_ACTIVITIES`)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        line = text.split("\n")[exc.lineno - 1] if exc.lineno else ""
        raise ParseError(f"not valid sadf -j JSON ({exc.msg}); the output may be truncated",
                         line=exc.lineno, text=line, tool=TOOL) from exc
    try:
        hosts = document["sysstat"]["hosts"]
    except (KeyError, TypeError) as exc:
        raise ParseError("JSON without sysstat.hosts: not sadf -j output", line=1,
                         tool=TOOL) from exc
    if not hosts:
        raise ParseError("sadf -j output with no host", line=1, tool=TOOL)
    host = hosts[0]
    rows: dict[str, list[dict[str, Any]]] = {}
    zone = None
    for record in host.get("statistics", []):
        stamp = record.get("timestamp", {})
        if not stamp:
            continue
        zone = zone or stamp.get("tz") or ("UTC" if stamp.get("utc") else None)
        when = _json_time(stamp, "a statistics record")
        base = {"time": when, "interval": stamp.get("interval")}
        for key, value in record.items():
            if key == "timestamp":
                continue
            if key in _NESTED and isinstance(value, dict):
                for sub, inner in value.items():
                    _json_activity(f"{key}/{sub}", inner, base, rows)
            else:
                _json_activity(key, value, base, rows)
    attrs = {
        "tool": TOOL, "format": "sadf -j", "host": host.get("nodename"),
        "os": host.get("sysname"), "kernel": host.get("release"),
        "arch": host.get("machine"), "cpus": host.get("number-of-cpus"),
        "date": pd.Timestamp(host["file-date"]) if host.get("file-date") else None,
        "timezone": zone or host.get("timezone") or None, "decimal": ".",
    }
    tables = Tables(attrs=attrs)
    for name, records in rows.items():
        ranks = _json_rank(name)
        # the columns in their first records' order, then sar's (naming them up front
        # spares reordering the frame afterwards)
        seen = dict.fromkeys(key for record in records for key in record)
        frame = pd.DataFrame.from_records(
            records, columns=sorted(seen, key=lambda column: ranks[column]))
        frame["time"] = frame["time"].astype("datetime64[ns]")
        for column in frame.columns:
            if column in TEXT_COLUMNS:
                frame[column] = frame[column].map(
                    lambda v: None if v is None or v == "" else str(v))
            elif column not in ("time",) and frame[column].dtype == object:
                converted = pd.to_numeric(frame[column], errors="coerce")
                if converted.notna().sum() == frame[column].notna().sum():
                    frame[column] = converted
        _add(tables, name, _sar_order(frame))
    tables.attrs["restarts"] = _event_frame(
        [(_json_time(b["boot"], "a restart"), b["boot"].get("cpu_count", 0))
         for b in host.get("restarts", []) if "boot" in b], "cpus")
    tables.attrs["comments"] = _event_frame(
        [(_json_time(c["comment"], "a comment"), c["comment"].get("com"))
         for c in host.get("comments", []) if "comment" in c], "comment")
    _finish(tables)
    return tables


def _json_time(stamp: dict[str, Any], what: str) -> pd.Timestamp:
    """The time of a sadf -j record from its ``date`` and ``time``; a ParseError when
    either is missing or unreadable (a damaged or edited document).

    >>> _json_time({"date": "2026-11-25", "time": "00:33:09"}, "a record")
    Timestamp('2026-11-25 00:33:09')
    >>> _json_time({"time": "00:33:09"}, "a record")
    Traceback (most recent call last):
    ...
    perfkit.errors.ParseError: sar: a record without its date and time: date None, time '00:33:09'
    """
    date, clock = stamp.get("date"), stamp.get("time")
    if not (isinstance(date, str) and date and isinstance(clock, str) and clock):
        raise ParseError(f"{what} without its date and time: date {date!r}, time {clock!r}",
                         tool=TOOL)
    try:
        return pd.Timestamp(f"{date} {clock}")
    except ValueError as exc:
        raise ParseError(f"{what} with a date and time that are not one: {date} {clock}",
                         tool=TOOL) from exc


class _Ranks(dict):
    def __missing__(self, key: str) -> float:
        return 10_000.0


def _json_rank(table: str) -> _Ranks:
    """Column -> position sar prints it at, from the order of :data:`JSON_ACTIVITIES`
    (sadf -j nests ``io``'s fields by direction); unknown columns keep their place."""
    rank = _Ranks({"time": -2, "interval": -1})
    for name, names in JSON_ACTIVITIES.values():
        if name == table or (table == "swap" and name == "memory"):
            for column in names.values():
                rank.setdefault(column, len(rank))
    return _Ranks(rank)


def _json_activity(path: str, value: Any, base: dict[str, Any],
                   rows: dict[str, list[dict[str, Any]]]) -> None:
    # an activity this table does not know is still a table: named after its JSON path,
    # with its JSON field names
    table, names = JSON_ACTIVITIES.get(path, (path, {}))
    items = value if isinstance(value, list) else [value]
    for item in items:
        if not isinstance(item, dict):
            continue
        flat = _flatten(item)
        if path == "disk" and "rkB" in flat:
            for old in _DISK_LEGACY:
                flat.pop(old, None)
        if path == "memory":
            memory = {names.get(k, k): v for k, v in flat.items() if k not in _SWAP}
            swap = {_SWAP[k]: v for k, v in flat.items() if k in _SWAP}
            if memory:
                rows.setdefault("memory", []).append({**base, **memory})
            if swap:
                rows.setdefault("swap", []).append({**base, **swap})
            continue
        rows.setdefault(table, []).append(
            {**base, **{names.get(k, k): v for k, v in flat.items()}})


def _flatten(item: dict[str, Any]) -> dict[str, Any]:
    """``io``'s nested ``io-reads``/``io-writes`` objects to one level."""
    flat: dict[str, Any] = {}
    for key, value in item.items():
        if isinstance(value, dict):
            flat.update(_flatten(value))
        else:
            flat[key] = value
    return flat


# ---------------------------------------------------------------------------------------
# shared pieces


def _add(tables: Tables, name: str, frame: pd.DataFrame) -> None:
    """Add ``frame`` to ``tables[name]`` (a table seen again after a restart, with other
    columns, is appended)."""
    if name in tables:
        merged = pd.concat([tables[name], frame], ignore_index=True)
        if "time" in merged:
            merged = merged.sort_values("time", kind="stable", ignore_index=True)
        tables[name] = merged
    else:
        tables[name] = frame


def _event_frame(events: Iterable[tuple[str, Any]], column: str) -> pd.DataFrame:
    events = list(events)
    stamps = pd.Series([when for when, _ in events], dtype=object)
    if len(stamps):
        stamps = stamps.astype(str).str.replace(r" [A-Za-z]\S*$", "", regex=True)
        times = (pd.to_datetime(pd.to_numeric(stamps), unit="s")
                 if stamps.str.fullmatch(r"\d+").all()
                 else pd.to_datetime(stamps, format="%Y-%m-%d %H:%M:%S"))
    else:
        times = pd.Series([], dtype="datetime64[ns]")
    return pd.DataFrame({"time": pd.Series(times).astype("datetime64[ns]").to_numpy(),
                         column: [value for _, value in events]})


def _finish(tables: Tables) -> None:
    for frame in tables.values():
        frame.attrs = {k: v for k, v in tables.attrs.items()
                       if not isinstance(v, pd.DataFrame)}


# ---------------------------------------------------------------------------------------
# binary sa files


def read_sa_file(data: bytes, *, strict: bool = False) -> Tables:
    """Read a binary sysstat data file (``/var/log/sysstat/saDD``, ``sar -o``) with every
    activity it holds, through the installed ``sadf -j``.

    Files from older sysstat versions that this sadf cannot read directly are converted
    with ``sadf -c`` first. A damaged file raises :class:`ParseError` with sadf's message;
    a missing sadf raises one saying to install sysstat.
    """
    if not data:
        raise ParseError("empty sa file", line=1, tool=TOOL)
    if data[:2] not in SA_MAGIC:
        raise ParseError("not a binary sysstat data file (no sysstat magic number)",
                         tool=TOOL)
    sadf = shutil.which("sadf")
    if sadf is None:
        raise ParseError("reading a binary sa file needs sadf, which was not found: install "
                         "sysstat (apt-get install sysstat, dnf install sysstat)", tool=TOOL)
    with tempfile.TemporaryDirectory(prefix="perfkit-sa-") as folder:
        path = Path(folder) / "sa.data"
        path.write_bytes(data)
        code, out, err = _run([sadf, "-j", "-C", str(path), "--", "-A"])
        if code != 0 and _needs_conversion(err):
            converted = Path(folder) / "sa.converted"
            ccode, _, cerr = _run([sadf, "-c", str(path)], stdout_path=converted)
            if ccode != 0:
                why = _message(cerr, path) or f"exit status {ccode}"
                if ccode < 0 or ccode > 128:
                    why = f"sadf -c crashed (signal {abs(ccode) % 128}); {why}"
                raise ParseError(f"sadf could not convert this older sa file: {why}",
                                 tool=TOOL)
            code, out, err = _run([sadf, "-j", "-C", str(converted), "--", "-A"])
        if code != 0:
            raise ParseError(f"sadf cannot read this sa file: "
                             f"{_message(err, path) or f'exit status {code}'}", tool=TOOL)
    tables = parse_json(out, strict=strict)
    tables.attrs["format"] = "sa file"
    _finish(tables)
    return tables


def _run(command: list[str], stdout_path: Path | None = None) -> tuple[int, str, str]:
    """Run sadf through :mod:`perfkit.runner` (C locale, no colours, bounded in time): its
    exit status, output (empty when sent to ``stdout_path``) and error text."""
    env = {"S_TIME_FORMAT": "", "S_COLORS": "never"}
    process = runner.Process(command, env=env, stdout_path=stdout_path)
    if process.proc is None:  # it never started
        why = process.result.stderr.strip() if process.result else "not started"
        raise ParseError(f"could not run sadf ({why}): install sysstat", tool=TOOL)
    done = process.wait(timeout=SADF_TIMEOUT)
    if done.error == "timed out":
        raise ParseError(f"sadf took more than {SADF_TIMEOUT:.0f} s on this sa file and was "
                         "stopped", tool=TOOL)
    return int(done.returncode or 0), done.stdout, done.stderr


def _needs_conversion(err: str) -> bool:
    return "sadf -c" in err or "cannot read the format of this file" in err


def _message(err: str, path: Path) -> str:
    """sadf's error message, without the temporary file's name."""
    lines = [line.strip().replace(str(path), "<file>") for line in err.splitlines()]
    return "; ".join(line for line in lines if line)
