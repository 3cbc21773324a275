"""Which sar report a header is: the one table from header columns to table names.

sar prints each report under a header of column names. A report is recognised by its
*label column* (the text column naming the device, CPU or interrupt, if any: ``CPU``,
``IFACE``, ``DEV``...) and its *first metric column*; the rest of the header may change
between versions (``retrans/s`` became ``retrseg/s`` in sysstat 12.7.6, ``rd_sec/s`` became
``rkB/s`` in 11.5.7, ``-r ALL`` adds columns) without changing the table's name. With
``--pretty`` the label column moves to the end of the header; it is found there too.

Table names: the ``-n`` keywords exactly as sar's man page spells them (``DEV``, ``TCP``,
``ETCP``...), lower-case words for the single-letter reports, and ``psi-<KEYWORD>`` /
``power-<KEYWORD>`` for the keywords of ``-q`` and ``-m``:

================  =====================================  =========================
table             sar option                             label, first metric
================  =====================================  =========================
``cpu``           ``-u``, ``-u ALL``, ``-P``             ``CPU``, ``%user``/``%usr``
``tasks``         ``-w``                                 ``proc/s``
``interrupts``    ``-I``                                 ``INTR``, ``intr/s``/``all``
``swapping``      ``-W``                                 ``pswpin/s``
``paging``        ``-B``                                 ``pgpgin/s``
``io``            ``-b``                                 ``tps``
``memory``        ``-r``, ``-r ALL``                     ``kbmemfree``
``swap``          ``-S``                                 ``kbswpfree``
``hugepages``     ``-H``                                 ``kbhugfree``
``kernel``        ``-v``                                 ``dentunusd``
``queue``         ``-q``, ``-q LOAD``                    ``runq-sz``
``psi-CPU``       ``-q CPU``                             ``%scpu-10``
``psi-IO``        ``-q IO``                              ``%sio-10``
``psi-MEM``       ``-q MEM``                             ``%smem-10``
``tty``           ``-y``                                 ``TTY``
``disk``          ``-d``                                 ``DEV``, ``tps``
``filesystems``   ``-F``, ``-F MOUNT``                   ``FILESYSTEM``/``MOUNTPOINT``
``power-CPU``     ``-m CPU``                             ``CPU``, ``MHz``
``power-FREQ``    ``-m FREQ``                            ``CPU``, ``wghMHz``
``power-FAN``     ``-m FAN``                             ``FAN``
``power-TEMP``    ``-m TEMP``                            ``TEMP``
``power-IN``      ``-m IN``                              ``IN``
``power-BAT``     ``-m BAT`` (sysstat 12.7)              ``BAT``
``power-USB``     ``-m USB``                             ``BUS``
``DEV`` ...       ``-n DEV``, ``EDEV``, ``NFS``, ``NFSD``, ``SOCK``, ``IP``, ``EIP``, ``ICMP``,
                  ``EICMP``, ``TCP``, ``ETCP``, ``UDP``, ``SOCK6``, ``IP6``, ``EIP6``,
                  ``ICMP6``, ``EICMP6``, ``UDP6``, ``FC``, ``SOFT``
================  =====================================  =========================

A header that is in none of these rows is still a table: it is named after its columns,
joined by spaces (:func:`report_name`).

>>> report_name(("CPU", "%usr", "%nice", "%sys", "%iowait", "%steal", "%idle"))
'cpu'
>>> report_name(("atmptf/s", "estres/s", "retrseg/s", "isegerr/s", "orsts/s"))
'ETCP'
>>> report_name(("tps", "rkB/s", "wkB/s", "dkB/s", "areq-sz", "aqu-sz", "await", "%util", "DEV"))
'disk'
>>> report_name(("foo/s", "bar/s"))
'foo/s bar/s'
"""

from __future__ import annotations

from collections.abc import Sequence

#: Columns that name the thing a row is about; they are kept as text.
LABEL_COLUMNS: frozenset[str] = frozenset({
    "CPU", "IFACE", "DEV", "INTR", "TTY", "FILESYSTEM", "MOUNTPOINT", "DEVICE", "FCHOST",
    "BUS", "FAN", "TEMP", "IN", "BAT",
})

#: Other columns that hold text (USB identifiers and names, battery status arrows).
TEXT_COLUMNS: frozenset[str] = LABEL_COLUMNS | {"idvendor", "idprod", "manufact", "product",
                                                "status"}

#: (label column or None, first metric column) -> table name. Rows for every version seen.
REPORTS: dict[tuple[str | None, str], str] = {
    ("CPU", "%user"): "cpu",
    ("CPU", "%usr"): "cpu",
    (None, "proc/s"): "tasks",
    ("INTR", "intr/s"): "interrupts",       # sysstat < 12.0 (and -I SUM in some versions)
    ("INTR", "all"): "interrupts",          # sysstat >= 12.0: all, CPU0, CPU1...
    ("CPU", "i000/s"): "interrupts",        # sysstat < 11: sar -I ALL -P ALL, one row per CPU
    (None, "pswpin/s"): "swapping",
    (None, "pgpgin/s"): "paging",
    (None, "tps"): "io",
    (None, "kbmemfree"): "memory",
    (None, "frmpg/s"): "memory-pages",      # sar -R (sysstat < 11.5)
    (None, "kbswpfree"): "swap",
    (None, "kbhugfree"): "hugepages",
    (None, "dentunusd"): "kernel",
    (None, "runq-sz"): "queue",
    (None, "%scpu-10"): "psi-CPU",
    (None, "%sio-10"): "psi-IO",
    (None, "%smem-10"): "psi-MEM",
    ("TTY", "rcvin/s"): "tty",
    ("DEV", "tps"): "disk",
    ("FILESYSTEM", "MBfsfree"): "filesystems",
    ("MOUNTPOINT", "MBfsfree"): "filesystems",
    ("CPU", "MHz"): "power-CPU",
    ("CPU", "wghMHz"): "power-FREQ",
    ("FAN", "rpm"): "power-FAN",
    ("TEMP", "degC"): "power-TEMP",
    ("IN", "inV"): "power-IN",
    ("BAT", "%cap"): "power-BAT",
    ("BUS", "idvendor"): "power-USB",
    ("IFACE", "rxpck/s"): "DEV",
    ("IFACE", "rxerr/s"): "EDEV",
    (None, "call/s"): "NFS",
    (None, "scall/s"): "NFSD",
    (None, "totsck"): "SOCK",
    (None, "irec/s"): "IP",
    (None, "ihdrerr/s"): "EIP",
    (None, "imsg/s"): "ICMP",
    (None, "ierr/s"): "EICMP",
    (None, "active/s"): "TCP",
    (None, "atmptf/s"): "ETCP",
    (None, "idgm/s"): "UDP",
    (None, "tcp6sck"): "SOCK6",
    (None, "irec6/s"): "IP6",
    (None, "ihdrer6/s"): "EIP6",
    (None, "imsg6/s"): "ICMP6",
    (None, "ierr6/s"): "EICMP6",
    (None, "idgm6/s"): "UDP6",
    ("FCHOST", "fch_rxf/s"): "FC",
    ("CPU", "total/s"): "SOFT",
}

#: Every table name above, in the order sar -A prints the reports.
TABLE_NAMES: tuple[str, ...] = tuple(dict.fromkeys(REPORTS.values()))


def split_label(columns: Sequence[str]) -> tuple[str | None, str | None]:
    """The label column of a header (the first column naming a device, CPU or interrupt,
    wherever it is: first, or last with ``--pretty``) and its first metric column."""
    label = next((c for c in columns if c in LABEL_COLUMNS and c != "DEVICE"), None)
    if label is None and "DEVICE" in columns:
        label = "DEVICE"
    metric = next((c for c in columns if c not in LABEL_COLUMNS
                   and c not in ("manufact", "product")), None)
    return label, metric


def known_report(columns: Sequence[str]) -> str | None:
    """The table name of a known header, else None (any ``INTR`` header is ``interrupts``:
    with ``-P`` its columns are the CPUs chosen)."""
    label, metric = split_label(columns)
    if label == "INTR":
        return "interrupts"
    return REPORTS.get((label, metric))


def report_name(columns: Sequence[str]) -> str:
    """The table name for a header's columns (its columns joined by spaces if unknown)."""
    return known_report(columns) or " ".join(columns)


def is_mpstat_cpu_header(columns: Sequence[str]) -> bool:
    """True for mpstat's CPU header, which sar never prints: mpstat has ``%irq`` right after
    ``%iowait`` (``%steal`` comes after ``%soft``); sar -u has ``%steal`` there."""
    columns = list(columns)
    if "%iowait" not in columns:
        return False
    at = columns.index("%iowait")
    return at + 1 < len(columns) and columns[at + 1] == "%irq"
