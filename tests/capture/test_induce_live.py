"""perfkit induce on this machine: each scenario for a few seconds, with stress-ng and with
the built-in loads; the load is checked with the kernel's own counters (read here, not with
perfkit's readers) and everything is checked to be gone afterwards, also after SIGINT,
SIGTERM and SIGHUP sent to a running ``perfkit induce``.

Needs root (cgroups, swap, network namespaces); the stress-ng cases need stress-ng.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import needs_root, needs_tool

from perfkit.capture.induce import InduceRefused
from perfkit.capture.induce import induced as _induced
from perfkit.capture.induce import loads as induce_loads

pytestmark = [pytest.mark.live, pytest.mark.root, needs_root]

MECHANISMS = [pytest.param(True, id="builtin"),
              pytest.param(False, id="stress-ng", marks=needs_tool("stress-ng"))]
NPROC = os.cpu_count() or 1


@pytest.fixture
def work_dir():
    """A directory on a disk for the capped files (pytest's tmp_path may be on tmpfs)."""
    path = Path(tempfile.mkdtemp(prefix="perfkit-induce-test-", dir="/var/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def induced(scenario: str, **kwargs):
    """perfkit's induced(), skipping the test where this machine refuses the scenario (a
    container without a memory cgroup or network namespaces)."""
    manager = _induced(scenario, **kwargs)
    try:
        run = manager.__enter__()
    except InduceRefused as exc:
        pytest.skip(f"refused on this machine: {exc}")
    try:
        yield run
    except BaseException:
        if not manager.__exit__(*sys.exc_info()):
            raise
    else:
        manager.__exit__(None, None, None)


def kernel_log() -> str:
    """Every record in the kernel's ring buffer (from /dev/kmsg, which `dmesg --clear`
    elsewhere does not empty)."""
    fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
    records = []
    try:
        while True:
            try:
                records.append(os.read(fd, 8192).decode("utf-8", "replace"))
            except BlockingIOError:
                break
            except BrokenPipeError:  # a record was overwritten while reading: go on
                continue
    finally:
        os.close(fd)
    return "".join(records)


# ------------------------------------------------------------- the kernel's counters, read here


def proc_stat() -> dict[str, list[int]]:
    out = {}
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("cpu"):
            name, *values = line.split()
            out[name] = [int(v) for v in values]
    return out


def runnable() -> int:
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("procs_running "):
            return int(line.split()[1])
    raise AssertionError("no procs_running in /proc/stat")


def fair(workers: int, running: float) -> float:
    """CPUs ``workers`` get when ``running`` threads share the CPUs equally."""
    return min(workers, NPROC, NPROC * workers / max(running, workers))


def cpus_busy_and_nice(window: float = 1.0) -> tuple[float, float]:
    """CPUs' worth of busy time (all but idle, iowait) and of nice time over ``window``."""
    before = proc_stat()["cpu"]
    time.sleep(window)
    after = proc_stat()["cpu"]
    delta = [a - b for a, b in zip(after, before, strict=False)]
    total = sum(delta[:8]) or 1
    busy = total - delta[3] - delta[4]
    return busy / total * NPROC, delta[1] / total * NPROC


def stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return [text[text.index("(") + 1:text.rindex(")")], *text[text.rindex(")") + 2:].split()]


def members(pgids: list[int]) -> dict[int, str]:
    """Live processes of these process groups: pid -> command name."""
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = stat_fields(int(entry.name))
            if fields and int(fields[3]) in pgids and fields[1] != "Z":
                out[int(entry.name)] = fields[0]
    return out


def cpu_seconds(pids) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = stat_fields(pid)
        if fields:
            total += int(fields[12]) + int(fields[13])
    return total / ticks


def groups(run) -> list[int]:
    return [pgid for w in run.workloads for pgid in w.pgids]


def diskstats(device: str) -> list[int]:
    for line in Path("/proc/diskstats").read_text().splitlines():
        fields = line.split()
        if fields[2] == device:
            return [int(v) for v in fields[3:]]
    raise AssertionError(f"{device} not in /proc/diskstats")


def device_of(path: Path) -> str:
    dev = os.stat(path).st_dev
    return Path(f"/sys/dev/block/{os.major(dev)}:{os.minor(dev)}").resolve().name


def snmp(namespace: str | None = None) -> dict[str, int]:
    if namespace:
        text = subprocess.run(["ip", "netns", "exec", namespace, "cat", "/proc/net/snmp"],
                              capture_output=True, text=True, check=True).stdout
    else:
        text = Path("/proc/net/snmp").read_text()
    head, values = (line.split() for line in text.splitlines() if line.startswith("Tcp:"))
    return dict(zip(head[1:], map(int, values[1:]), strict=False))


def vmstat(name: str) -> int:
    for line in Path("/proc/vmstat").read_text().splitlines():
        key, value = line.split()
        if key == name:
            return int(value)
    return 0


def assert_all_gone(record: dict, work_dir: Path, pid: int) -> None:
    """No load process, cgroup, namespace, veth, swap file or temporary file is left."""
    assert record["left"] == []
    pgids = [g for w in record.get("workloads", []) for g in w["process_groups"]]
    assert members(pgids) == {}
    prefix = f"perfkit-induce-{pid}"
    for root in (Path("/sys/fs/cgroup/memory"), Path("/sys/fs/cgroup/cpu"),
                 Path("/sys/fs/cgroup/cpu,cpuacct"), Path("/sys/fs/cgroup"),
                 Path("/sys/fs/cgroup/unified")):
        assert not list(root.glob(f"{prefix}-*")), root
    assert not Path(f"/run/netns/{prefix}").exists()
    assert not Path(f"/sys/class/net/pki{pid}h").exists()
    assert prefix not in Path("/proc/swaps").read_text()
    assert list(work_dir.iterdir()) == []
    assert not list(Path(tempfile.gettempdir()).glob(f"{prefix}-*"))


# ---------------------------------------------------------------------------- each scenario


def test_idle_starts_nothing(work_dir):
    with induced("idle", duration=1, directory=str(work_dir)) as run:
        assert run.workloads == []
    assert run.record()["mechanism"] == "none"
    assert_all_gone(run.record(), work_dir, os.getpid())


@pytest.mark.parametrize("builtin", MECHANISMS)
def test_cpu_saturation_fills_every_cpu(builtin, work_dir):
    with induced("cpu-saturation", duration=5, builtin=builtin,
                 directory=str(work_dir)) as run:
        names = members(groups(run))
        before, running = cpu_seconds(names), runnable()
        busy, _ = cpus_busy_and_nice()
        used, running = cpu_seconds(names) - before, (running + runnable()) / 2
        worker = "perfkit-cpu" if builtin else "stress-ng-cpu"
        assert list(names.values()).count(worker) == 2 * NPROC
        assert busy >= 0.8 * NPROC  # /proc/stat: every CPU busy
        assert running >= NPROC  # a run queue: at least as many runnable threads as CPUs
        # and the load has at least a quarter of its fair part (others share the machine)
        assert used >= 0.25 * fair(2 * NPROC, running)
        assert run.took_hold
    record = run.record()
    assert record["mechanism"] == ("built-in" if builtin else "stress-ng")
    assert_all_gone(record, work_dir, os.getpid())


@pytest.mark.parametrize("builtin", MECHANISMS)
def test_hot_thread_is_one_busy_thread(builtin, work_dir):
    with induced("hot-thread", duration=5, builtin=builtin, directory=str(work_dir)) as run:
        names = members(groups(run))
        before, running = cpu_seconds(names), runnable()
        time.sleep(1)
        used, running = cpu_seconds(names) - before, (running + runnable()) / 2
        if builtin:
            (pid,) = names
            threads = [line for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                       if line.startswith("Threads:")]
            assert threads == ["Threads:\t2"]  # a main thread that waits, one that spins
        else:
            assert list(names.values()).count("stress-ng-cpu") == 1
        assert 0.25 * fair(1, running) <= used <= 1.3  # up to one CPU, never two
    assert_all_gone(run.record(), work_dir, os.getpid())


@pytest.mark.parametrize("builtin", MECHANISMS)
def test_oom_kill_happens_inside_the_cgroup(builtin, work_dir):
    with induced("oom-kill", duration=5, builtin=builtin, directory=str(work_dir),
                 options={"cgroup_limit_mib": 64, "mib": 160}) as run:
        cgroup = Path(run.resources["cgroup"])
        if run.resources["cgroup_version"] == "v1":
            assert (cgroup / "memory.limit_in_bytes").read_text().strip() == str(64 << 20)
            events = (cgroup / "memory.oom_control").read_text()
        else:
            assert (cgroup / "memory.max").read_text().strip() == str(64 << 20)
            events = (cgroup / "memory.events").read_text()
        kills = [int(line.split()[1]) for line in events.splitlines()
                 if line.startswith("oom_kill ")]
        assert kills and kills[0] >= 1
    log = kernel_log()
    assert f"oom_memcg=/{cgroup.name}" in log  # the kernel names our cgroup, not the machine
    assert_all_gone(run.record(), work_dir, os.getpid())


@pytest.mark.parametrize("builtin", MECHANISMS)
def test_memory_swap_pages_the_cgroup_to_a_swap_file(builtin, work_dir):
    out0 = vmstat("pswpout")
    with induced("memory-swap", duration=6, builtin=builtin, directory=str(work_dir),
                 options={"cgroup_limit_mib": 64, "mib": 160, "cgroup_swap_mib": 256,
                          "swap_file_mib": 192}) as run:
        swap_file = run.resources["swap_file"]
        assert swap_file in Path("/proc/swaps").read_text()
        cgroup = Path(run.resources["cgroup"])
        if run.resources["cgroup_version"] == "v1":
            usage = int((cgroup / "memory.usage_in_bytes").read_text())
            stat = dict(line.split() for line in (cgroup / "memory.stat").read_text()
                        .splitlines())
            swapped = int(stat.get("swap", -1))
        else:
            usage = int((cgroup / "memory.current").read_text())
            swapped = int((cgroup / "memory.swap.current").read_text())
        assert usage >= 0.8 * (64 << 20)  # the cgroup is full...
        goal = (160 - 64) * 0.25  # ...and a quarter of the rest is in swap (MiB)
        assert swapped == -1 or swapped >= goal * 2**20
        assert vmstat("pswpout") - out0 >= goal * 256  # pages written to swap
    assert not Path(swap_file).exists()
    assert_all_gone(run.record(), work_dir, os.getpid())


@pytest.mark.parametrize("builtin", MECHANISMS)
def test_disk_saturation_writes_to_a_capped_file(builtin, work_dir):
    device = device_of(work_dir)
    with induced("disk-saturation", duration=5, builtin=builtin, directory=str(work_dir),
                 options={"cap_mib": 32}) as run:
        before = diskstats(device)
        time.sleep(1)
        after = diskstats(device)
        written_sectors = after[6] - before[6]
        busy_ms = after[9] - before[9]
        assert written_sectors * 512 >= 4 << 20
        assert busy_ms >= 300
        if builtin:
            files = [p for p in Path(run.resources["temporary_directory"]).rglob("*")
                     if p.is_file()]
            assert len(files) == 2 and all(p.stat().st_size <= 32 << 20 for p in files)
        else:  # stress-ng unlinks its files once open; it is told the cap
            for workload in run.workloads:
                argv = workload.argv
                assert argv[argv.index("--hdd-bytes") + 1] == "32M"
                assert argv[argv.index("--temp-path") + 1] == run.resources[
                    "temporary_directory"]
    assert_all_gone(run.record(), work_dir, os.getpid())


@needs_tool("ip")
def test_network_retrans_inside_a_private_link(work_dir):
    with induced("network-retrans", duration=6, directory=str(work_dir)) as run:
        namespace = run.resources["netns"]
        assert Path(f"/run/netns/{namespace}").exists()
        host_if = run.resources["veth"][0]
        before, inside = snmp(), snmp(namespace)
        tx = int(Path(f"/sys/class/net/{host_if}/statistics/tx_bytes").read_text())
        time.sleep(1.5)
        after, inside_after = snmp(), snmp(namespace)
        tx_after = int(Path(f"/sys/class/net/{host_if}/statistics/tx_bytes").read_text())
        assert after["RetransSegs"] > before["RetransSegs"]
        assert inside_after["InSegs"] > inside["InSegs"] + 10  # the receiver in the netns
        assert tx_after - tx >= 256 << 10  # the stream goes over our veth link
    assert_all_gone(run.record(), work_dir, os.getpid())


def cgroup_file(path: Path, name: str) -> dict[str, int]:
    return {k: int(v) for k, v in (line.split() for line in
                                   (path / name).read_text().splitlines())}


@pytest.mark.parametrize("builtin", MECHANISMS)
def test_mystery_runs_its_recorded_loads(builtin, work_dir):
    """The sealed load (built in whatever ``builtin`` says) shows as the recording did: the
    CPUs hand over from task to task far more often than at rest."""
    from perfkit.capture.induce.system import context_switches

    with induced("mystery", duration=5, builtin=builtin, directory=str(work_dir)) as run:
        before, start = context_switches(), time.monotonic()
        time.sleep(1.0)
        rate = (context_switches() - before) / (time.monotonic() - start)
        assert rate > 40000, rate  # the plan waits for 20,000 a second per pair of processes
    assert_all_gone(run.record(), work_dir, os.getpid())


@pytest.mark.parametrize("builtin", MECHANISMS)
def test_cpu_limit_holds_its_load_in_a_cgroup_with_a_quota(builtin, work_dir):
    with induced("cpu-limit", duration=5, builtin=builtin, directory=str(work_dir)) as run:
        held = Path(run.resources["cpu_cgroup"])
        if run.resources["cpu_cgroup_version"] == "v1":
            limit = [int((held / f"cpu.cfs_{n}_us").read_text()) for n in ("quota", "period")]
        else:
            limit = [int(v) for v in (held / "cpu.max").read_text().split()]
        assert limit == [20000, 100000]  # a fifth of one CPU
        names = members(groups(run))
        inside = {int(p) for p in (held / "cgroup.procs").read_text().split()}
        assert set(names) <= inside and inside  # every load process is held in it
        worker = "perfkit-cpu" if builtin else "stress-ng-cpu"
        assert worker in names.values()
        stat0, used0 = cgroup_file(held, "cpu.stat"), cpu_seconds(names)
        time.sleep(1.5)
        stat1, used = cgroup_file(held, "cpu.stat"), (cpu_seconds(names) - used0) / 1.5
        assert stat1["nr_throttled"] - stat0["nr_throttled"] >= 3  # held back, again and again
        assert 0.02 <= used <= 0.35  # it wants a whole CPU and gets about 0.2 of one
        assert run.took_hold  # perfkit saw the same in cpu.stat
    assert_all_gone(run.record(), work_dir, os.getpid())


def processes_started() -> int:
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("processes "):
            return int(line.split()[1])
    raise AssertionError("no processes line in /proc/stat")


def test_short_lived_starts_processes_no_process_list_shows(work_dir):
    with induced("short-lived", duration=5, directory=str(work_dir)) as run:
        starter = run.workloads[0].process.pid  # its children share its process group
        assert stat_fields(starter)[0] == "perfkit-spawn"
        ticks = os.sysconf("SC_CLK_TCK")
        fields0, forks0, running = stat_fields(starter), processes_started(), runnable()
        time.sleep(1.5)
        fields1, forks1 = stat_fields(starter), processes_started()
        running = (running + runnable()) / 2
        rate = (forks1 - forks0) / 1.5
        assert rate >= 0.25 * 300 * fair(1, running)  # hundreds a second where it can
        # the children's CPU time is charged to no live process: only their parent's
        # cutime + cstime, after they are reaped (what pidstat -T CHILD would show)
        children = (int(fields1[15]) + int(fields1[16]) - int(fields0[15])
                    - int(fields0[16])) / ticks
        assert children > 0
        assert len(members(groups(run))) <= 2  # the starter and one child at a time
        assert run.took_hold and run.record()["evidence"]["processes_started_per_s"] > 0
    assert_all_gone(run.record(), work_dir, os.getpid())


def softirqs(name: str) -> int:
    for line in Path("/proc/softirqs").read_text().splitlines():
        label, *counts = line.split()
        if label == f"{name}:":
            return sum(map(int, counts))
    raise AssertionError(f"no {name} in /proc/softirqs")


@needs_tool("ip")
def test_packet_rate_over_a_private_link(work_dir):
    with induced("packet-rate", duration=5, directory=str(work_dir)) as run:
        host_if = run.resources["veth"][0]
        assert run.resources["loss"] == "none"
        stats = Path(f"/sys/class/net/{host_if}/statistics")

        def packets() -> tuple[int, int]:
            return (int((stats / "rx_packets").read_text()),
                    int((stats / "tx_packets").read_text()))

        (rx0, tx0), net_rx0 = packets(), softirqs("NET_RX")
        time.sleep(1.5)
        (rx1, tx1), net_rx1 = packets(), softirqs("NET_RX")
        assert (tx1 - tx0) / 1.5 >= 1000  # sent to the namespace: sar's txpck/s
        assert (rx1 - rx0) / 1.5 >= 1000  # echoed back: rxpck/s
        assert net_rx1 - net_rx0 >= 100  # the receiving side runs in softirq
        assert run.took_hold
    assert_all_gone(run.record(), work_dir, os.getpid())


# ---------------------------------------------------------------------------- signals


def start_cli(*args: str, tmp: Path) -> tuple[subprocess.Popen, Path]:
    record = tmp / "record.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "perfkit", "induce", *args, "--record", str(record)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return process, record


def read_until(process: subprocess.Popen, text: str, timeout: float = 30) -> list[str]:
    """The lines ``perfkit induce`` printed up to the first holding ``text`` (read from the
    pipe's file descriptor as they come, so that none waits in a buffer)."""
    received = ""
    fd = process.stdout.fileno()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        chunk = os.read(fd, 65536).decode("utf-8", "replace")
        if not chunk:
            break
        received += chunk
        if "refused:" in received:
            process.wait()
            pytest.skip(f"refused on this machine: {received.strip()}")
        if text in received:
            return received.splitlines(keepends=True)
    raise AssertionError(f"no {text!r} in {received!r}")


@pytest.mark.parametrize("scenario, sig, extra", [
    ("disk-saturation", signal.SIGINT, ["--builtin", "--set", "cap_mib=32"]),
    ("network-retrans", signal.SIGTERM, []),
    ("oom-kill", signal.SIGHUP, ["--set", "cgroup_limit_mib=64", "--set", "mib=160"]),
    ("cpu-limit", signal.SIGTERM, []),
])
def test_a_signal_to_perfkit_induce_removes_everything(scenario, sig, extra, work_dir,
                                                       tmp_path):
    if scenario == "network-retrans" and shutil.which("ip") is None:
        pytest.skip("ip is not installed")
    process, record_path = start_cli(scenario, "--duration", "30", "--dir", str(work_dir),
                                     *extra, tmp=tmp_path)
    try:
        lines = read_until(process, "took hold")
        process.send_signal(sig)
        rest, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 128 + sig
    output = "".join(lines) + rest
    assert f"stopped by {signal.Signals(sig).name}" in output
    record = json.loads(record_path.read_text())
    assert record["stopped_by"] == signal.Signals(sig).name
    assert_all_gone(record, work_dir, process.pid)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_the_swap_file_is_made_removes_it(sig, work_dir, tmp_path):
    process, record_path = start_cli("memory-swap", "--duration", "30", "--dir",
                                     str(work_dir), "--set", "swap_file_mib=512",
                                     "--set", "cgroup_limit_mib=64", "--set", "mib=160",
                                     tmp=tmp_path)
    try:
        read_until(process, "adding a 512 MiB swap file")
        time.sleep(0.1)  # writing 512 MiB and fsync take longer
        process.send_signal(sig)
        process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 128 + sig
    record = json.loads(record_path.read_text())
    assert record["stopped_by"] == signal.Signals(sig).name
    assert record["started_utc"] == ""  # stopped before any load started
    assert_all_gone(record, work_dir, process.pid)


@pytest.mark.parametrize("scenario, extra", [
    ("oom-kill", ["--set", "cgroup_limit_mib=64", "--set", "mib=160"]),
    ("network-retrans", []),
    ("disk-saturation", ["--builtin", "--set", "cap_mib=32"]),
    ("cpu-limit", ["--builtin"]),
])
def test_after_sigkill_the_loads_end_by_themselves_and_cleanup_removes_the_rest(
        scenario, extra, work_dir, tmp_path):
    if scenario == "network-retrans" and shutil.which("ip") is None:
        pytest.skip("ip is not installed")
    process, _ = start_cli(scenario, "--duration", "3", "--dir", str(work_dir), *extra,
                           tmp=tmp_path)
    try:
        read_until(process, "took hold")
    finally:
        process.kill()  # SIGKILL: perfkit cleans nothing up
        process.wait()
    prefix = f"perfkit-induce-{process.pid}"
    time.sleep(2.5)  # past the load's deadline (it took hold over a second after it began)
    worker = str(induce_loads.WORKER).encode()
    workers = [p for p in Path("/proc").iterdir() if p.name.isdigit()
               and worker in _cmdline(p)]
    assert workers == []  # the loads ended by themselves (their own deadline)
    left = subprocess.run([sys.executable, "-m", "perfkit", "induce", "--cleanup", "--dir",
                           str(work_dir)], capture_output=True, text=True, timeout=60)
    assert left.returncode == 0, left.stdout + left.stderr
    if scenario == "oom-kill":
        assert f"removing cgroup /sys/fs/cgroup/memory/{prefix}-oom-kill" in left.stdout \
            or f"removing cgroup /sys/fs/cgroup/{prefix}-oom-kill" in left.stdout
    if scenario == "network-retrans":
        assert f"removing netns /run/netns/{prefix}" in left.stdout
    if scenario == "cpu-limit":
        assert f"removing cgroup /sys/fs/cgroup/cpu/{prefix}-cpu-limit" in left.stdout \
            or f"removing cgroup /sys/fs/cgroup/{prefix}-cpu-limit" in left.stdout
    assert_all_gone({"left": [], "workloads": []}, work_dir, process.pid)


def _cmdline(path: Path) -> bytes:
    try:
        return (path / "cmdline").read_bytes()
    except OSError:
        return b""
