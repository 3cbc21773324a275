"""perfkit capture --redact on this machine: no file of the capture holds this machine's host
names, addresses, MAC addresses, user names, boot arguments, or init's command line and
environment.
"""

from __future__ import annotations

import ipaddress
import pwd
import re
import shutil
import socket
import subprocess
from pathlib import Path

import psutil
from conftest import needs_root, needs_tool

from perfkit.capture import capture
from perfkit.capture.meta import host_names, machine_facts

CHECKLIST = ("uptime", "dmesg", "free", "top", "vmstat", "mpstat", "pidstat", "iostat", "sar")
_DOC = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24",
                                          "203.0.113.0/24", "2001:db8::/32")]


def bounded(text: str, inside: str = r"A-Za-z0-9_-") -> re.Pattern[str]:
    return re.compile(rf"(?<![{inside}]){re.escape(text)}(?![{inside}])", re.IGNORECASE)


def machine_secrets() -> dict[str, list[re.Pattern[str]]]:
    """What identifies this machine, as word-bounded patterns by kind."""
    found: dict[str, list[re.Pattern[str]]] = {"host name": [bounded(n) for n in host_names()]}
    addresses, macs = set(), set()
    for family_addrs in psutil.net_if_addrs().values():
        for item in family_addrs:
            if item.family == psutil.AF_LINK:
                if item.address and item.address.strip("0:") and item.address != "ff" * 6:
                    macs.add(item.address.lower())
            elif item.family in (socket.AF_INET, socket.AF_INET6):
                addr = ipaddress.ip_address(item.address.split("%")[0])
                # the documentation ranges are the placeholders themselves
                if not addr.is_loopback and not any(addr in net for net in _DOC):
                    addresses.add(str(addr))
    found["address"] = [bounded(a, r"\w.:") for a in addresses]
    found["MAC address"] = [bounded(m, r"\w:-") for m in macs] + [
        bounded(m.replace(":", "-"), r"\w:-") for m in macs]
    humans = [e.pw_name for e in pwd.getpwall() if 1000 <= e.pw_uid < 65534]
    found["user name"] = [bounded(n) for n in humans]
    tokens = Path("/proc/cmdline").read_text().split()
    found["boot argument"] = [bounded(t, r"\w=./:-") for t in tokens
                              if len(t) >= 5 and ("=" in t or t.startswith("--"))]
    return found


@needs_root
@needs_tool(*CHECKLIST, "setpriv", "sleep")
def test_a_redacted_capture_of_this_machine_holds_nothing_that_identifies_it(tmp_path):
    account = pwd.getpwnam("daemon")  # a system account (UID < 1000) running a process
    sleeper = subprocess.Popen(["setpriv", f"--reuid={account.pw_uid}",
                                f"--regid={account.pw_gid}", "--clear-groups", "sleep", "60"])
    try:
        meta = capture(tmp_path / "cap", duration=2, redact=True)
    finally:
        sleeper.kill()
        sleeper.wait()
    target = tmp_path / "cap"
    assert meta["complete"] is True
    secrets = machine_secrets()
    assert secrets["host name"] and secrets["boot argument"] and secrets["MAC address"]
    for path in sorted(target.iterdir()):
        text = path.read_text(errors="replace")
        for kind, patterns in secrets.items():
            for pattern in patterns:
                match = pattern.search(text)
                assert match is None, (path.name, kind, text[max(0, match.start() - 60):
                                                             match.end() + 20])
    # top's USER column: root or a placeholder, never an account name (daemon included)
    names = {e.pw_name for e in pwd.getpwall()} - {"root"}
    for name in ("top-start.txt", "top-end.txt"):
        users = [line.split()[1] for line in (target / name).read_text().splitlines()
                 if re.match(r"^\s*\d+\s", line)]
        assert users and not (set(users) & names), (name, set(users) & names)
        assert any(u.startswith("user-") for u in users)  # the sleeping daemon
    # init's command line and environment: every listed line is a placeholder
    dmesg = (target / "dmesg.txt").read_text().splitlines()
    listing = False
    for line in dmesg:
        message = re.sub(r"^(\[[^\]]*\] ?|\d{4}-\d\d-\d\dT\S+ )", "", line)
        if "as init process" in message:
            assert message.strip() == "Run [redacted] as init process", line
        if re.match(r"^\s+with (arguments|environment):\s*$", message):
            listing = True
        elif listing and re.match(r"^\s{3,}\S", message):
            assert message.strip() == "[redacted]", line
        else:
            listing = False
    if any("as init process" in line for line in dmesg):
        assert "init command line and environment" in meta["redacted"]["kinds"]
    # capture.json keeps what describes the software
    assert meta["distribution"] == machine_facts()["distribution"]
    assert meta["host"] == "host-1"
    assert shutil.which("sar") is None or (target / "sar-all.txt").stat().st_size > 0


@needs_tool(*CHECKLIST)
def test_a_host_named_like_a_common_word_leaves_the_distribution_alone(tmp_path, monkeypatch):
    facts = machine_facts()
    word = facts["distribution"].get("NAME", "Linux").split()[0]  # "Debian"
    from perfkit.capture import run

    monkeypatch.setattr(run, "host_names", lambda: [word.lower()])
    meta = capture(tmp_path / "cap", duration=1, redact=True)
    assert meta["distribution"] == facts["distribution"]
    assert meta["kernel_version"] == facts["kernel_version"]
    assert meta["tool_versions"]["vmstat"].startswith("vmstat from procps-ng")
