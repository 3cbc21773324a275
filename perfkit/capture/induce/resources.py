"""The resources ``perfkit induce`` runs loads in, each removed again afterwards.

Each is created by ``create`` and removed by ``remove``, which never raises and returns what
it could not remove:

* :class:`MemoryCgroup`: a memory cgroup of its own (v2 ``memory.max`` and
  ``memory.swap.max``, or v1 ``memory.limit_in_bytes`` + ``memory.memsw.limit_in_bytes``);
* :class:`CpuCgroup`: a cgroup of its own with a CPU quota (v2 ``cpu.max``, v1
  ``cpu.cfs_quota_us``/``cpu.cfs_period_us``);
* :class:`SwapFile`: a bounded swap file, swapped off and deleted afterwards;
* :class:`NetNamespace`: a private network namespace joined to this one by a veth pair,
  with packet loss on that link only.

Every name starts ``perfkit-induce-<pid>``, so :func:`leftovers` can find what a run that
was killed with SIGKILL left behind. Programs (ip, tc, nft, mkswap, swapon, swapoff) are run
through :mod:`perfkit.runner`.

>>> _owner("perfkit-induce-4242-oom-kill"), _owner("pki4242h"), _owner("other")
(4242, 4242, None)
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ... import runner
from .system import CGROUP_ROOT, cpu_cgroup_kind, memory_cgroup_kind

NETNS_DIR = Path("/run/netns")
#: Where perfkit induce's cgroups are made: v1 memory and cpu hierarchies, v2's root.
CGROUP_ROOTS = (CGROUP_ROOT / "memory", CGROUP_ROOT / "cpu", CGROUP_ROOT / "cpu,cpuacct",
                CGROUP_ROOT, CGROUP_ROOT / "unified")
#: Name prefix of every resource perfkit induce creates (cgroups, namespaces, files).
PREFIX = "perfkit-induce"


class SetupError(RuntimeError):
    """A resource could not be created; the message says which and why (one line)."""


def _write(path: Path, value: str) -> None:
    path.write_text(value)


def _wait_gone(check, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


class Cgroup:
    """What every cgroup of ours does: list, kill and remove what is inside, then itself.
    ``path`` is its directory, ``version`` ``"v1"`` or ``"v2"``.

    >>> Cgroup(Path("/sys/fs/cgroup/memory/perfkit-induce-1-x"), "v1").remove()  # gone
    []
    """

    what = "cgroup"

    def __init__(self, path: Path, version: str) -> None:
        self.path, self.version = path, version

    @property
    def procs_file(self) -> Path:
        """The file a process writes its id into to join the cgroup."""
        return self.path / "cgroup.procs"

    def _read(self, v2: str, v1: str) -> str | None:
        path = self.path / (v2 if self.version == "v2" else v1)
        try:
            return path.read_text()
        except OSError:
            return None

    def pids(self) -> list[int]:
        """The processes in the cgroup now."""
        text = self._read("cgroup.procs", "cgroup.procs") or ""
        return [int(p) for p in text.split()]

    def kill_all(self, timeout: float = 5.0) -> bool:
        """SIGKILL every process in the cgroup (``cgroup.kill`` where v2 has it); True once
        it is empty."""
        if self.version == "v2" and (self.path / "cgroup.kill").exists():
            try:
                _write(self.path / "cgroup.kill", "1")
            except OSError:
                pass

        def empty() -> bool:
            pids = self.pids()
            for pid in pids:
                try:
                    os.kill(pid, 9)
                except ProcessLookupError:
                    pass
            return not pids

        return _wait_gone(empty, timeout)

    def remove(self) -> list[str]:
        """Kill what is left inside and remove the cgroup; returns what could not be."""
        if not self.path.name or not self.path.exists():
            return []
        self.kill_all()

        def removed() -> bool:
            try:
                self.path.rmdir()
            except FileNotFoundError:
                return True
            except OSError:
                return False
            return True

        return [] if _wait_gone(removed, 5.0) else [f"{self.what} {self.path}"]


@dataclass
class MemoryCgroup(Cgroup):
    """A memory cgroup of its own, ``perfkit-induce-<pid>-<scenario>``, with a limit on
    memory and on swap (``swap_mib`` 0: none).

    In v2 the limits are ``memory.max`` and ``memory.swap.max``; in v1
    ``memory.limit_in_bytes`` and, where the kernel accounts swap,
    ``memory.memsw.limit_in_bytes`` (memory + swap) - without it, ``memory.swappiness`` 0
    keeps a no-swap cgroup's pages out of swap.
    """

    name: str
    limit_mib: int
    swap_mib: int
    version: str = ""
    path: Path = field(default_factory=Path)
    what = "memory cgroup"

    def create(self) -> MemoryCgroup:
        """Make the cgroup and set its limits (raises :class:`SetupError`)."""
        kind, root, memsw = memory_cgroup_kind()
        if kind is None or root is None:
            raise SetupError("no memory cgroup hierarchy is mounted")
        self.version = kind
        limit = self.limit_mib << 20
        try:
            (root / self.name).mkdir()
            self.path = root / self.name  # ours from here on: remove() deletes it
            if kind == "v2":
                _write(self.path / "memory.max", str(limit))
                if (self.path / "memory.swap.max").exists():
                    _write(self.path / "memory.swap.max", str(self.swap_mib << 20))
                if (self.path / "memory.oom.group").exists():
                    _write(self.path / "memory.oom.group", "0")
            else:
                _write(self.path / "memory.limit_in_bytes", str(limit))
                if memsw:
                    _write(self.path / "memory.memsw.limit_in_bytes",
                           str(limit + (self.swap_mib << 20)))
                if self.swap_mib == 0:
                    _write(self.path / "memory.swappiness", "0")
        except OSError as exc:
            raise SetupError(f"cannot set up memory cgroup {root / self.name}: {exc}") from exc
        return self

    def usage(self) -> int:
        """Bytes of memory charged to the cgroup now."""
        return int((self._read("memory.current", "memory.usage_in_bytes") or "0").strip())

    def swap_usage(self) -> int | None:
        """Bytes of the cgroup's pages in swap now (``None`` where the kernel does not
        account swap per cgroup)."""
        if self.version == "v2":
            text = self._read("memory.swap.current", "")
            return int(text.strip()) if text else None
        for line in (self._read("", "memory.stat") or "").splitlines():
            name, _, value = line.partition(" ")
            if name == "swap":
                return int(value)
        return None

    def oom_kills(self) -> int:
        """How many processes the OOM killer has killed in this cgroup."""
        text = self._read("memory.events", "memory.oom_control") or ""
        for line in text.splitlines():
            name, _, value = line.partition(" ")
            if name == "oom_kill":
                return int(value)
        return 0

@dataclass
class CpuCgroup(Cgroup):
    """A CPU cgroup of its own, ``perfkit-induce-<pid>-<scenario>-cpu``, whose processes
    together get at most ``quota_percent`` % of one CPU: v2 ``cpu.max`` (quota and period),
    v1 ``cpu.cfs_quota_us`` and ``cpu.cfs_period_us``. Its ``cpu.stat`` counts the periods
    in which the quota ran out (``nr_throttled``) and the time its processes waited.
    """

    name: str
    quota_percent: float
    version: str = ""
    path: Path = field(default_factory=Path)
    period_us: int = 100_000
    what = "cpu cgroup"

    def create(self) -> CpuCgroup:
        """Make the cgroup and set its quota (raises :class:`SetupError`)."""
        kind, root = cpu_cgroup_kind()
        if kind is None or root is None:
            raise SetupError("no cgroup hierarchy with the cpu controller is mounted")
        self.version = kind
        quota = max(1000, round(self.period_us * self.quota_percent / 100))
        try:
            (root / self.name).mkdir()
            self.path = root / self.name  # ours from here on: remove() deletes it
            if kind == "v2":
                _write(self.path / "cpu.max", f"{quota} {self.period_us}")
            else:
                _write(self.path / "cpu.cfs_period_us", str(self.period_us))
                _write(self.path / "cpu.cfs_quota_us", str(quota))
        except OSError as exc:
            raise SetupError(f"cannot set up cpu cgroup {root / self.name}: {exc}") from exc
        return self

    def stat(self) -> dict[str, float]:
        """``cpu.stat``: ``nr_periods``, ``nr_throttled`` and ``throttled_s`` (seconds its
        processes were held back, from v1 ``throttled_time`` ns or v2 ``throttled_usec``)."""
        out: dict[str, float] = {}
        for line in (self._read("cpu.stat", "cpu.stat") or "").splitlines():
            name, _, value = line.partition(" ")
            if name in ("nr_periods", "nr_throttled"):
                out[name] = int(value)
            elif name == "throttled_time":
                out["throttled_s"] = int(value) / 1e9
            elif name == "throttled_usec":
                out["throttled_s"] = int(value) / 1e6
        return out


@dataclass
class SwapFile:
    """A swap file of ``mib`` MiB in ``directory``: written, ``mkswap``, ``swapon``; removed
    by ``swapoff`` and deletion."""

    directory: Path
    mib: int
    path: Path = field(default_factory=Path)
    active: bool = False

    def create(self) -> SwapFile:
        """Write the file (no holes: swapon refuses those), format it and turn it on."""
        path = Path(self.directory) / f"{PREFIX}-{os.getpid()}.swap"
        block = bytes(1 << 20)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise SetupError(f"cannot create swap file {path}: {exc}") from exc
        self.path = path  # ours from here on: remove() deletes it
        try:
            for _ in range(self.mib):
                os.write(fd, block)
            os.fsync(fd)
        except OSError as exc:
            raise SetupError(f"cannot write swap file {self.path}: {exc}") from exc
        finally:
            os.close(fd)
        for argv in (["mkswap", str(self.path)], ["swapon", str(self.path)]):
            result = runner.run(argv, timeout=60)
            if not result.ok:
                raise SetupError(f"{argv[0]} {self.path} failed: {result.error}")
        self.active = True
        return self

    def in_use(self) -> bool:
        """True while the kernel lists the file in /proc/swaps."""
        listed = Path("/proc/swaps").read_text().split()
        return bool(self.path.name) and str(self.path) in listed

    def remove(self) -> list[str]:
        """swapoff (only after the loads using it are gone) and delete the file."""
        left = []
        if self.path.name and self.in_use():
            result = runner.run(["swapoff", str(self.path)], timeout=300)
            if not result.ok:
                left.append(f"swap file {self.path} (swapoff: {result.error})")
                return left
        if self.path.name:
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                left.append(f"swap file {self.path} ({exc})")
        return left


@dataclass
class NetNamespace:
    """A network namespace ``perfkit-induce-<pid>`` joined to this one by a veth pair on a
    /30 of the benchmarking range 198.18.0.0/15 (RFC 2544): ``host_address`` here,
    ``peer_address`` inside. Packets are lost (``loss_percent`` above 0) only on this
    link: netem on the host end of the pair where the kernel has it, else an nftables rule
    inside the namespace.
    """

    loss_percent: float
    name: str = ""
    host_if: str = ""
    peer_if: str = ""
    host_address: str = ""
    peer_address: str = ""
    loss_method: str = ""

    def _ip(self, *args: str, netns: bool = False) -> runner.RunResult:
        argv = ["ip", "netns", "exec", self.name, *args] if netns else list(args)
        return runner.run(argv, timeout=20)

    def _must(self, *args: str, netns: bool = False) -> None:
        result = self._ip(*args, netns=netns)
        if not result.ok:
            raise SetupError(f"{' '.join(args)} failed: {result.error}")

    def _free_subnet(self) -> int:
        routes = runner.run(["ip", "-4", "route", "show", "table", "all"], timeout=20).stdout
        addresses = runner.run(["ip", "-4", "addr"], timeout=20).stdout
        for step in range(256):
            third = (os.getpid() + step) % 256
            if f"198.18.{third}." not in routes + addresses:
                return third
        raise SetupError("no free /30 in 198.18.0.0/24..198.18.255.0/24 for the veth link")

    def create(self) -> NetNamespace:
        """Namespace, veth pair, addresses, then the packet loss on the link."""
        pid = os.getpid()
        self.name = f"{PREFIX}-{pid}"
        self.host_if, self.peer_if = f"pki{pid}h", f"pki{pid}n"
        third = self._free_subnet()
        self.host_address, self.peer_address = f"198.18.{third}.1", f"198.18.{third}.2"
        self._must("ip", "netns", "add", self.name)
        self._must("ip", "link", "add", self.host_if, "type", "veth", "peer", "name",
                   self.peer_if, "netns", self.name)
        self._must("ip", "addr", "add", f"{self.host_address}/30", "dev", self.host_if)
        self._must("ip", "link", "set", self.host_if, "up")
        self._must("ip", "link", "set", "lo", "up", netns=True)
        self._must("ip", "addr", "add", f"{self.peer_address}/30", "dev", self.peer_if,
                   netns=True)
        self._must("ip", "link", "set", self.peer_if, "up", netns=True)
        if not self.loss_percent:
            self.loss_method = "none"
            return self
        loss = f"{self.loss_percent:g}%"
        netem = runner.run(["tc", "qdisc", "add", "dev", self.host_if, "root", "netem",
                            "loss", loss], timeout=20) if runner.which("tc") else None
        if netem is not None and netem.ok:
            self.loss_method = f"tc qdisc add dev VETH root netem loss {loss}"
            return self
        if not runner.which("nft"):
            raise SetupError("this kernel has no netem (sch_netem) and nft is not installed")
        modulo = f"numgen random mod 100 < {self.loss_percent:g}"
        for rule in (["add", "table", "inet", "perfkit"],
                     ["add", "chain", "inet", "perfkit", "input",
                      "{ type filter hook input priority 0; }"],
                     ["add", "rule", "inet", "perfkit", "input", "iifname", self.peer_if,
                      *modulo.split(), "drop"]):
            self._must("nft", *rule, netns=True)
        self.loss_method = f"nft (inside the namespace): iifname VETH {modulo} drop"
        return self

    def exists(self) -> bool:
        """True while the namespace is still listed."""
        return bool(self.name) and (NETNS_DIR / self.name).exists()

    def remove(self) -> list[str]:
        """Delete the namespace (its veth end and nftables go with it) and the host end."""
        if not self.name:
            return []
        if self.exists():
            self._ip("ip", "netns", "delete", self.name)
        if Path(f"/sys/class/net/{self.host_if}").exists():
            self._ip("ip", "link", "delete", self.host_if)
        left = []
        if not _wait_gone(lambda: not self.exists(), 5.0):
            left.append(f"network namespace {self.name}")
        if not _wait_gone(lambda: not Path(f"/sys/class/net/{self.host_if}").exists(), 5.0):
            left.append(f"veth {self.host_if}")
        return left


# --------------------------------------------------------------------------- leftovers


def _pid_alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def _owner(name: str) -> int | None:
    """The pid in a ``perfkit-induce-<pid>...`` name (``pki<pid>h`` for a veth)."""
    rest = name[len(PREFIX) + 1:] if name.startswith(PREFIX + "-") else ""
    if name.startswith("pki") and name.endswith("h"):
        rest = name[3:-1]
    digits = rest.split("-")[0].split(".")[0]
    return int(digits) if digits.isdigit() else None


def leftovers(directories: list[str | os.PathLike]) -> list[tuple[str, Path]]:
    """What runs that no longer exist (killed with SIGKILL, or a machine that lost power
    mid-run) left behind: ``(kind, path)`` for cgroups, namespaces, veths, swap files and
    temporary directories named after a process that is gone."""
    found: list[tuple[str, Path]] = []
    candidates: list[tuple[str, Path]] = []
    seen: set[Path] = set()  # cpu may be a link to cpu,cpuacct: each cgroup once
    for root in CGROUP_ROOTS:
        for path in root.glob(f"{PREFIX}-*") if root.is_dir() else []:
            if path.is_dir() and path.resolve() not in seen:
                seen.add(path.resolve())
                candidates.append(("cgroup", path))
    candidates += [("netns", p) for p in NETNS_DIR.glob(f"{PREFIX}-*")]
    candidates += [("veth", p) for p in Path("/sys/class/net").glob("pki*h")]
    for directory in {*map(str, directories), tempfile.gettempdir()}:
        candidates += [("file", p) for p in Path(directory).glob(f"{PREFIX}-*")]
    for kind, path in candidates:
        owner = _owner(path.name)
        if owner is not None and not _pid_alive(owner):
            found.append((kind, path))
    return found


def remove_leftovers(found: list[tuple[str, Path]]) -> list[str]:
    """Remove what :func:`leftovers` found; returns what could not be removed."""
    left: list[str] = []
    for kind, path in found:
        if kind == "cgroup":
            version = "v2" if (path / "cgroup.controllers").exists() else "v1"
            left += Cgroup(path, version).remove()
        elif kind == "netns":
            runner.run(["ip", "netns", "delete", path.name], timeout=20)
            if path.exists():
                left.append(f"network namespace {path.name}")
        elif kind == "veth":
            runner.run(["ip", "link", "delete", path.name], timeout=20)
            if path.exists():
                left.append(f"veth {path.name}")
        elif path.name.endswith(".swap"):
            left += SwapFile(path.parent, 0, path).remove()
        elif path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            if path.exists():
                left.append(f"directory {path}")
    return left
