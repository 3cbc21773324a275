"""Removing what identifies a machine from a capture (``perfkit capture --redact``).

A :class:`Redactor` replaces, consistently across every file of a capture (the same value
always becomes the same placeholder):

* this machine's host names (host name, short name, FQDN) by ``host-1``;
* IPv4 addresses by ``192.0.2.N`` (then ``198.51.100.N``, ``203.0.113.N``: the ranges
  reserved for documentation); loopback, unspecified, multicast and mask-like addresses
  (``255.255.255.0``) identify nothing and are kept;
* IPv6 addresses by ``2001:db8::N`` (documentation range); ``::1`` and ``::`` are kept;
* MAC addresses by ``02:00:00:00:00:NN`` (a locally administered address); all-zero and
  broadcast addresses are kept;
* user names (``/etc/passwd`` entries with UID >= 1000 and the current user, ``root``
  excepted) in ``top``'s USER column and in ``/home/<name>`` paths, by ``user-N``, keeping
  the column alignment;
* the kernel command line (dmesg's ``Command line:`` and ``Kernel command line:`` lines,
  and ``Unknown kernel command line parameters``) by ``[redacted]``; the lines themselves
  stay, so nothing a parser expects disappears.

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
>>> r.kinds()
['host name', 'IPv4 address', 'IPv6 address', 'MAC address', 'user name', 'command line']
"""

from __future__ import annotations

import ipaddress
import os
import pwd
import re
from collections.abc import Iterable
from typing import Any

_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\.?\d)")
_IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
_MAC = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}(?![\w:])")
_CMDLINE = re.compile(r"(?i)(command line:)[ \t]*\S.*$", re.MULTILINE)
_CMDLINE_PARAMS = re.compile(r'(?i)(kernel command line parameters\s*)"[^"\n]*"')
_TOP_ROW = re.compile(r"^(\s*\d+ )(\S+)( +)", re.MULTILINE)
_DOC_V4 = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24",
                                             "203.0.113.0/24")]
_DOC_V6 = ipaddress.ip_network("2001:db8::/32")

KINDS = ("host name", "IPv4 address", "IPv6 address", "MAC address", "user name",
         "command line")


def local_users() -> list[str]:
    """User names worth hiding: ``/etc/passwd`` accounts with 1000 <= UID < 65534 and the
    current user, except ``root``."""
    names: set[str] = set()
    try:
        for entry in pwd.getpwall():
            if 1000 <= entry.pw_uid < 65534:
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
        try:
            addr = ipaddress.IPv4Address(text)
        except ValueError:
            return text
        octets = [int(p) for p in text.split(".")]
        if (addr.is_loopback or addr.is_unspecified or addr.is_multicast
                or all(o in (0, 255) for o in octets) or any(addr in n for n in _DOC_V4)):
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
        text = match.group(0)
        lowered = text.lower()
        if lowered in ("00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff") or lowered.startswith(
                "02:00:00:00:"):
            return text
        return self._placeholder(
            "MAC address", lowered,
            lambda n: "02:00:00:00:" + f"{n:04x}"[:2] + ":" + f"{n:04x}"[2:])

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
        if self._host_re is not None:
            text = self._host_re.sub(self._host, text)
        text = _MAC.sub(self._mac, text)
        text = _IPV6.sub(self._ipv6, text)
        text = _IPV4.sub(self._ipv4, text)
        if self.users:
            text = _TOP_ROW.sub(self._top_row, text)
            if self._home_re is not None:
                text = self._home_re.sub(self._home, text)
        return text

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
