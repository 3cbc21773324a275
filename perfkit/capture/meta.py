"""Facts about the machine for ``capture.json``, and writing that file safely.

:func:`machine_facts` gathers what a reader of a capture needs to know about where it was
recorded (host, kernel, distribution, CPU count, memory); :func:`write_json` replaces a file
atomically (a temporary file in the same directory, then a rename), so ``capture.json`` is
never half-written, even when the capture is interrupted.

>>> facts = machine_facts()
>>> sorted(facts)
['arch', 'cpus', 'distribution', 'fqdn', 'host', 'kernel', 'kernel_version', 'memory_kib']
>>> parse_os_release('NAME="Debian GNU/Linux"\\nVERSION_ID="12"\\n# comment\\n')
{'NAME': 'Debian GNU/Linux', 'VERSION_ID': '12'}
"""

from __future__ import annotations

import json
import os
import platform
import shlex
import socket
import tempfile
from pathlib import Path
from typing import Any

#: The version of the ``capture.json`` layout; readers check it.
SCHEMA_VERSION = 1


def parse_os_release(text: str) -> dict[str, str]:
    """``/etc/os-release`` (shell-style ``KEY="value"`` lines) as a dict."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        try:
            parts = shlex.split(value)
        except ValueError:
            parts = [value.strip("\"'")]
        out[key.strip()] = parts[0] if parts else ""
    return out


def _os_release() -> dict[str, str]:
    for candidate in ("/etc/os-release", "/usr/lib/os-release"):
        try:
            return parse_os_release(Path(candidate).read_text(encoding="utf-8"))
        except OSError:
            continue
    return {}


def _memory_kib() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def host_names() -> list[str]:
    """This machine's names (host name, short name, FQDN), longest first, without
    ``localhost`` names: the strings :mod:`perfkit.capture.redact` replaces."""
    names = {socket.gethostname(), platform.node()}
    try:
        names.add(socket.getfqdn())
    except OSError:  # pragma: no cover - resolver trouble
        pass
    try:
        names.add(Path("/etc/hostname").read_text().strip())
    except OSError:
        pass
    for name in list(names):
        if name and "." in name:
            names.add(name.split(".")[0])
    keep = {n for n in names if n and not n.startswith("localhost")
            and n not in ("(none)", "ip6-localhost")}
    return sorted(keep, key=lambda n: (-len(n), n))


def machine_facts() -> dict[str, Any]:
    """Host, kernel, distribution (``/etc/os-release``), CPU count and memory."""
    uname = platform.uname()
    release = _os_release()
    distribution = {key: release[key] for key in
                    ("PRETTY_NAME", "NAME", "ID", "VERSION_ID", "VERSION_CODENAME")
                    if key in release}
    try:
        fqdn = socket.getfqdn()
    except OSError:  # pragma: no cover
        fqdn = uname.node
    return {
        "host": socket.gethostname(),
        "fqdn": fqdn,
        "kernel": uname.release,
        "kernel_version": uname.version,
        "arch": uname.machine,
        "distribution": distribution,
        "cpus": os.cpu_count(),
        "memory_kib": _memory_kib(),
    }


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_json(path: str | os.PathLike, data: dict[str, Any]) -> None:
    """Write ``data`` as indented JSON to ``path`` atomically (temporary file + rename)."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def replace_text(path: str | os.PathLike, text: str) -> None:
    """Replace a text file's content atomically, keeping its permissions."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, target.stat().st_mode & 0o777)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
