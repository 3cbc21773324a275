"""Removing what identifies a machine from a capture (``perfkit capture --redact``).

A :class:`Redactor` replaces, consistently across every file of a capture (the same value
always becomes the same placeholder):

* this machine's host names (host name, short name, FQDN) by ``host-1``;
* IPv4 addresses by ``192.0.2.N`` (then ``198.51.100.N``, ``203.0.113.N``: the ranges
  reserved for documentation); loopback, unspecified, multicast and mask-like addresses
  (``255.255.255.0``) identify nothing and are kept;
* IPv6 addresses by ``2001:db8::N`` (documentation range); ``::1`` and ``::`` are kept;
* IPv4 addresses written with leading zeros (``10.001.002.003``) likewise;
* MAC addresses (``aa:bb:cc:dd:ee:ff`` and ``aa-bb-cc-dd-ee-ff``, and the two inside an
  iptables log line's ``MAC=`` field) by ``02:00:00:00:00:NN`` (a locally administered
  address, in the same form); all-zero and broadcast addresses are kept;
* user names (every ``/etc/passwd`` account but ``root``, system accounts such as
  ``postgres`` included, and the current user) in ``top``'s USER column and in
  ``/home/<name>`` paths, by ``user-N``, keeping the column alignment;
* the kernel command line (dmesg's ``Command line:`` and ``Kernel command line:`` lines,
  and ``Unknown kernel command line parameters``) by ``[redacted]``, and init's command
  line and environment (``Run /sbin/init as init process`` and the lines under ``with
  arguments:`` and ``with environment:``, which repeat boot arguments, addresses and
  ports); the lines themselves stay, so nothing a parser expects disappears.

In ``capture.json`` (:meth:`Redactor.meta`), the fields that describe software, not the
machine (``distribution``, ``kernel_version``, ``tool_versions``, ``environment``...), are
left as they are: a host named ``debian`` must not turn "Debian GNU/Linux" into
"host-1 GNU/Linux".

Values already in the placeholder ranges are left alone, so redacting twice changes nothing.

>>> r = Redactor(hosts=["web1.example.com", "web1"], users=["alice"])
>>> r.text("Linux 6.1.0 (web1) 2026-11-25 _x86_64_ (2 CPU)")
'Linux 6.1.0 (host-1) 2026-11-25 _x86_64_ (2 CPU)'
>>> r.text("inet 10.1.2.3 peer 10.1.2.4 again 10.1.2.3 lo 127.0.0.1 fe80::1c2:3ff:fe04:506")
'inet 192.0.2.1 peer 192.0.2.2 again 192.0.2.1 lo 127.0.0.1 2001:db8::1'
>>> r.text("eth0: link up, aa:bb:cc:dd:ee:ff, 00:00:00:00:00:00 at 00:15:30")
'eth0: link up, 02:00:00:00:00:01, 00:00:00:00:00:00 at 00:15:30'
>>> r.text("[    0.000000] Command line: BOOT_IMAGE=/vmlinuz root=/dev/sda1 quiet")
'[    0.000000] Command line: [redacted]'
>>> r.text(" 4242 alice     20   0    7000   3000   2000 S   0.0   0.0   0:00.01 bash")
' 4242 user-1    20   0    7000   3000   2000 S   0.0   0.0   0:00.01 bash'
>>> r.text("IN=eth0 OUT= MAC=aa:bb:cc:dd:ee:01:aa:bb:cc:dd:ee:02:08:00 SRC=10.001.002.003")
'IN=eth0 OUT= MAC=02:00:00:00:00:02:02:00:00:00:00:03:08:00 SRC=192.0.2.1'
>>> r.text("wlan0: AA-BB-CC-DD-EE-01 and aa:bb:cc:dd:ee:01")
'wlan0: 02-00-00-00-00-02 and 02:00:00:00:00:02'
>>> print(r.text("[    0.387534] Run /init as init process\\n"
...              "[    0.387535]   with arguments:\\n[    0.387536]     --addr\\n"
...              "[    0.387553]   with environment:\\n[    0.387554]     HOME=/\\n"
...              "[    0.397494] page_reporting_drain_all: err=0"))
[    0.387534] Run [redacted] as init process
[    0.387535]   with arguments:
[    0.387536]     [redacted]
[    0.387553]   with environment:
[    0.387554]     [redacted]
[    0.397494] page_reporting_drain_all: err=0
>>> r.kinds()  # doctest: +NORMALIZE_WHITESPACE
['host name', 'IPv4 address', 'IPv6 address', 'MAC address', 'user name', 'command line',
 'init command line and environment']
>>> Redactor(hosts=["debian"]).meta({"host": "debian", "distribution":
...                                  {"PRETTY_NAME": "Debian GNU/Linux 12"}})
{'host': 'host-1', 'distribution': {'PRETTY_NAME': 'Debian GNU/Linux 12'}}
"""

from __future__ import annotations

import ipaddress
import os
import pwd
import re
from collections.abc import Iterable
from typing import Any

_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\.?\d)")
_MAC_DASH = re.compile(r"(?<![\w-])(?:[0-9A-Fa-f]{2}-){5}[0-9A-Fa-f]{2}(?![\w-])")
#: iptables' MAC= field: destination MAC, source MAC, then the EtherType bytes
_MAC_FIELD = re.compile(r"\bMAC=((?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2})"
                        r"(?::((?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}))?"
                        r"((?::[0-9A-Fa-f]{2})*)(?![\w:])")
#: dmesg's time stamp ([    0.387534], [Sat Dec  5 10:48:55 2026], ISO) before a message
_DMESG_PREFIX = re.compile(r"^(\[[^\]\n]*\] ?|\d{4}-\d\d-\d\dT\S+ |)")
_INIT_RUN = re.compile(r"^(Run )\S.*( as init process\s*)$")
_INIT_LIST = re.compile(r"^\s+with (?:arguments|environment):\s*$")
_INIT_ITEM = re.compile(r"^(\s{3,})\S.*?(\s*)$")
_IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
_MAC = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}(?![\w:])")
_CMDLINE = re.compile(r"(?i)(command line:)[ \t]*\S.*$", re.MULTILINE)
_CMDLINE_PARAMS = re.compile(r'(?i)(kernel command line parameters\s*)"[^"\n]*"')
_TOP_ROW = re.compile(r"^(\s*\d+ )(\S+)( +)", re.MULTILINE)
_DOC_V4 = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24",
                                             "203.0.113.0/24")]
_DOC_V6 = ipaddress.ip_network("2001:db8::/32")

KINDS = ("host name", "IPv4 address", "IPv6 address", "MAC address", "user name",
         "command line", "init command line and environment")

#: What each kind of value becomes (recorded in capture.json).
PLACEHOLDERS = ("host names -> host-N; IPv4 -> 192.0.2.N; IPv6 -> 2001:db8::N; MAC -> "
                "02:00:00:00:00:NN; user names -> user-N; kernel command line, init's "
                "command line and environment -> [redacted]")

#: capture.json fields about software, not about the machine: never redacted.
META_KEPT = ("schema_version", "generator", "distribution", "kernel_version", "tool_versions",
             "locale", "environment", "redacted")


def local_users() -> list[str]:
    """User names worth hiding: every ``/etc/passwd`` account (system accounts such as
    ``postgres`` name the services a machine runs) and the current user, except ``root``."""
    names: set[str] = set()
    try:
        for entry in pwd.getpwall():
            names.add(entry.pw_name)
    except OSError:  # pragma: no cover
        pass
    try:
        names.add(pwd.getpwuid(os.getuid()).pw_name)
    except KeyError:  # pragma: no cover - a UID without a passwd entry
        pass
    names.discard("root")
    return sorted(n for n in names if n)


class Redactor:
    """Replace identifying values by consistent placeholders (see the module docstring)."""

    def __init__(self, hosts: Iterable[str] = (), users: Iterable[str] = ()) -> None:
        self.hosts = sorted({h for h in hosts if h}, key=lambda h: (-len(h), h))
        self.users = sorted({u for u in users if u and u != "root"})
        self._maps: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
        self._found: set[str] = set()
        self._host_re = (re.compile(
            r"(?<![A-Za-z0-9_-])(?:" + "|".join(re.escape(h) for h in self.hosts)
            + r")(?![A-Za-z0-9_-])", re.IGNORECASE) if self.hosts else None)
        self._home_re = (re.compile(
            r"/home/(" + "|".join(re.escape(u) for u in self.users) + r")(?![\w.-])")
            if self.users else None)

    def kinds(self) -> list[str]:
        """The kinds of value that were found and replaced so far."""
        return [kind for kind in KINDS if kind in self._found]

    def counts(self) -> dict[str, int]:
        """How many distinct values of each kind were replaced."""
        out = {kind: len(values) for kind, values in self._maps.items() if values}
        if "command line" in self._found:
            out["command line"] = out.get("command line", 0) or 1
        return out

    def _placeholder(self, kind: str, value: str, make) -> str:
        table = self._maps[kind]
        if value not in table:
            table[value] = make(len(table) + 1)
        self._found.add(kind)
        return table[value]

    def _host(self, match: re.Match[str]) -> str:
        return self._placeholder("host name", "this host", lambda n: "host-1")

    def _ipv4(self, match: re.Match[str]) -> str:
        text = match.group(0)
        octets = [int(p) for p in text.split(".")]
        if any(o > 255 for o in octets):
            return text
        addr = ipaddress.IPv4Address(".".join(str(o) for o in octets))  # 10.001.002.003 too
        if (addr.is_loopback or addr.is_unspecified or addr.is_multicast
                or all(o in (0, 255) for o in octets)
                or (any(addr in n for n in _DOC_V4) and text == str(addr))):
            return text

        def make(n: int) -> str:
            block, host = divmod(n - 1, 254)
            base = ("192.0.2", "198.51.100", "203.0.113")[min(block, 2)]
            return f"{base}.{host + 1}"

        return self._placeholder("IPv4 address", str(addr), make)

    def _ipv6(self, match: re.Match[str]) -> str:
        text = match.group(0)
        if "::" not in text and text.count(":") != 7:
            return text
        try:
            addr = ipaddress.IPv6Address(text)
        except ValueError:
            return text
        if addr.is_loopback or addr.is_unspecified or addr in _DOC_V6:
            return text
        return self._placeholder("IPv6 address", str(addr), lambda n: f"2001:db8::{n:x}")

    def _mac(self, match: re.Match[str]) -> str:
        return self._mac_value(match.group(0))

    def _mac_value(self, text: str) -> str:
        lowered = text.lower()
        if lowered in ("00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff") or lowered.startswith(
                "02:00:00:00:"):
            return text
        return self._placeholder(
            "MAC address", lowered,
            lambda n: "02:00:00:00:" + f"{n:04x}"[:2] + ":" + f"{n:04x}"[2:])

    def _mac_dash(self, match: re.Match[str]) -> str:
        colon = self._mac_value(match.group(0).replace("-", ":"))
        return colon.replace(":", "-")

    def _mac_field(self, match: re.Match[str]) -> str:
        first, second, rest = match.groups()
        out = "MAC=" + self._mac_value(first)
        if second:
            out += ":" + self._mac_value(second)
        return out + (rest or "")

    def _init_lines(self, text: str) -> str:
        """Hide init's command line and environment in dmesg (see the module docstring)."""
        if "init process" not in text and "with arguments:" not in text \
                and "with environment:" not in text:
            return text
        out = []
        listing = False
        for line in text.splitlines(keepends=True):
            body = line.rstrip("\r\n")
            ending = line[len(body):]
            prefix = _DMESG_PREFIX.match(body).group(1)
            message = body[len(prefix):]
            run = _INIT_RUN.match(message)
            item = _INIT_ITEM.match(message) if listing else None
            if run:
                self._found.add("init command line and environment")
                body = prefix + run.group(1) + "[redacted]" + run.group(2)
                listing = False
            elif _INIT_LIST.match(message):
                listing = True
            elif item:
                self._found.add("init command line and environment")
                body = prefix + item.group(1) + "[redacted]"
            else:
                listing = False
            out.append(body + ending)
        return "".join(out)

    def _user_name(self, name: str) -> str | None:
        if name in self.users:
            return self._placeholder("user name", name, lambda n: f"user-{n}")
        if name.endswith("+"):  # top truncates long names: "longuser+"
            stem = name[:-1]
            for user in self.users:
                if len(stem) >= 3 and user.startswith(stem):
                    return self._placeholder("user name", user, lambda n: f"user-{n}")
        return None

    def _top_row(self, match: re.Match[str]) -> str:
        lead, name, gap = match.groups()
        new = self._user_name(name)
        if new is None:
            return match.group(0)
        width = len(name) + len(gap)
        return lead + new + " " * max(1, width - len(new))

    def _home(self, match: re.Match[str]) -> str:
        new = self._user_name(match.group(1))
        return "/home/" + (new or match.group(1))

    def _cmdline(self, match: re.Match[str]) -> str:
        self._found.add("command line")
        return match.group(1) + " [redacted]"

    def _cmdline_params(self, match: re.Match[str]) -> str:
        self._found.add("command line")
        return match.group(1) + '"[redacted]"'

    def text(self, text: str) -> str:
        """The text with every identifying value replaced."""
        text = _CMDLINE.sub(self._cmdline, text)
        text = _CMDLINE_PARAMS.sub(self._cmdline_params, text)
        text = self._init_lines(text)
        if self._host_re is not None:
            text = self._host_re.sub(self._host, text)
        text = _MAC_FIELD.sub(self._mac_field, text)
        text = _MAC.sub(self._mac, text)
        text = _MAC_DASH.sub(self._mac_dash, text)
        text = _IPV6.sub(self._ipv6, text)
        text = _IPV4.sub(self._ipv4, text)
        if self.users:
            text = _TOP_ROW.sub(self._top_row, text)
            if self._home_re is not None:
                text = self._home_re.sub(self._home, text)
        return text

    def meta(self, data: dict[str, Any]) -> dict[str, Any]:
        """``capture.json`` redacted, except the fields in :data:`META_KEPT`."""
        return {key: value if key in META_KEPT else self.value(value)
                for key, value in data.items()}

    def value(self, value: Any) -> Any:
        """Redact every string inside a JSON-like value (dicts, lists, strings)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {self.value(k) if isinstance(k, str) else k: self.value(v)
                    for k, v in value.items()}
        return value
