"""The built-in loads of ``perfkit induce``: a small program run as its own process.

It is started by path (``python worker.py ...``), not as ``python -m perfkit...``,
so a worker never imports perfkit (nor pandas): it starts in milliseconds and a worker in a
128 MiB memory cgroup holds little besides the memory it was asked to touch. It uses the
standard library only.

    python worker.py [--until T] [--cgroup FILE] [--nice N] [--name COMM] KIND [ARGS]

* ``--until T``: stop at ``time.monotonic() >= T`` (the clock every process shares), so a
  worker ends by itself even if perfkit itself was killed with SIGKILL;
* ``--cgroup FILE``: first write this process's id into FILE (a cgroup's ``cgroup.procs``),
  so what it allocates is charged to that cgroup from the start;
* ``--nice N``: add N to its nice value; ``--name COMM``: the name ``top``/``pidstat`` show.

KIND is one of:

* ``spin``: one thread busy on the CPU; ``spin-thread``: a process whose second thread
  spins while the main thread sleeps (one hot thread);
* ``touch MIB``: map MIB MiB of anonymous memory and write to every page, again and again;
* ``write FILE CAP_MIB BLOCK_KIB SYNC``: write BLOCK_KIB blocks to FILE, back to its start
  when CAP_MIB is reached (the file never grows past it); SYNC is ``direct`` (O_DIRECT:
  past the page cache), ``fdatasync`` (after each block), ``dsync`` (O_DSYNC) or ``none``;
* ``tcp-receive HOST PORT`` / ``tcp-send HOST PORT CHUNK_KIB EVERY_MS``: a TCP receiver that
  reads and discards, and a sender of CHUNK_KIB every EVERY_MS milliseconds;
* ``spawn PROGRAM RATE``: start PROGRAM (no arguments) up to RATE times a second, one at
  a time, each waited for before the next: processes that live milliseconds;
* ``udp-echo HOST PORT`` / ``udp-send HOST PORT SIZE RATE``: a UDP receiver that sends each
  datagram back, and a sender of SIZE-byte datagrams at up to RATE a second that reads
  the echoes;
* ``exec PROGRAM [ARG...]``: replace this process by PROGRAM (after ``--cgroup``/``--nice``).

>>> parse_args(["--until", "5", "touch", "64"]).kind
'touch'
"""

from __future__ import annotations

import argparse
import ctypes
import mmap
import os
import socket
import sys
import threading
import time

_PR_SET_NAME = 15


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The worker's options and its KIND with the KIND's arguments."""
    parser = argparse.ArgumentParser(prog="induce_worker")
    parser.add_argument("--until", type=float, default=None)
    parser.add_argument("--cgroup", default=None)
    parser.add_argument("--nice", type=int, default=0)
    parser.add_argument("--name", default=None)
    parser.add_argument("kind")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    return parser.parse_args(argv)


def _set_name(name: str) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_NAME, name.encode()[:15], 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _running(until: float | None) -> bool:
    return until is None or time.monotonic() < until


def spin(until: float | None) -> None:
    """Keep one CPU busy until ``until``."""
    count = 0
    while _running(until):
        for _ in range(20000):
            count += 1


def spin_thread(until: float | None) -> None:
    """A second thread spins; the main thread only waits for it."""
    thread = threading.Thread(target=spin, args=(until,), daemon=True)
    thread.start()
    while thread.is_alive() and _running(until):
        time.sleep(0.2)


def touch(mib: int, until: float | None) -> None:
    """Write to every page of ``mib`` MiB, pass after pass (the pages stay in use)."""
    size = mib * 2**20
    area = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    page = mmap.PAGESIZE
    value = 0
    while _running(until):
        value = (value + 1) & 0xFF
        for offset in range(0, size, page):
            area[offset] = value


def write(path: str, cap_mib: int, block_kib: int, sync: str, until: float | None) -> None:
    """Write blocks to ``path``, wrapping at ``cap_mib`` MiB, syncing as ``sync`` says."""
    flags = os.O_WRONLY | os.O_CREAT
    if sync == "dsync":
        flags |= os.O_DSYNC
    try:
        fd = os.open(path, flags | (os.O_DIRECT if sync == "direct" else 0), 0o600)
    except OSError:  # a file system without O_DIRECT: sync each block instead
        if sync != "direct":
            raise
        fd, sync = os.open(path, flags, 0o600), "fdatasync"
    block = mmap.mmap(-1, block_kib * 1024)  # page-aligned, as O_DIRECT needs
    block.write(os.urandom(block_kib * 1024))
    cap = cap_mib * 2**20
    offset = 0
    try:
        while _running(until):
            if offset + len(block) > cap:
                offset = 0
            os.pwrite(fd, block, offset)
            offset += len(block)
            if sync == "fdatasync":
                os.fdatasync(fd)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def tcp_receive(host: str, port: int, until: float | None) -> None:
    """Accept one connection at a time and read and discard what it sends."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((host, port))
    server.listen(1)
    server.settimeout(0.5)
    while _running(until):
        try:
            conn, _ = server.accept()
        except TimeoutError:
            continue
        conn.settimeout(0.5)
        with conn:
            while _running(until):
                try:
                    if not conn.recv(65536):
                        break
                except TimeoutError:
                    continue


def tcp_send(host: str, port: int, chunk_kib: int, every_ms: int,
             until: float | None) -> None:
    """Connect (retrying while the receiver starts) and send a chunk at a steady pace."""
    chunk = b"x" * (chunk_kib * 1024)
    while _running(until):
        try:
            client = socket.create_connection((host, port), timeout=1.0)
        except OSError:
            time.sleep(0.1)
            continue
        with client:
            try:
                while _running(until):
                    client.sendall(chunk)
                    time.sleep(every_ms / 1000)
            except OSError:
                time.sleep(0.1)


def _pace(rate: float, done: int, start: float) -> None:
    """Sleep while ``done`` things are ahead of ``rate`` a second since ``start``."""
    ahead = done / rate - (time.monotonic() - start)
    if ahead > 0.001:
        time.sleep(ahead)


def spawn(program: str, rate: float, until: float | None) -> None:
    """Start ``program`` up to ``rate`` times a second (each waited for) until ``until``."""
    start, started = time.monotonic(), 0
    while _running(until):
        pid = os.posix_spawn(program, [program], os.environ)
        os.waitpid(pid, 0)
        started += 1
        _pace(rate, started, start)


def pingpong(until: float | None) -> int:
    """Two processes hand one byte back and forth over two pipes until ``until``: each
    hand-over puts one to sleep and wakes the other (two context switches a round trip),
    and neither computes anything. Returns the round trips made."""
    there_r, there_w = os.pipe()
    back_r, back_w = os.pipe()
    child = os.fork()
    if child == 0:  # the other end: answer every byte until the pipe closes
        os.close(there_w)
        os.close(back_r)
        try:
            while os.read(there_r, 1):
                os.write(back_w, b"x")
        finally:
            os._exit(0)
    os.close(there_r)
    os.close(back_w)
    trips = 0
    try:
        while _running(until):
            for _ in range(1000):
                os.write(there_w, b"x")
                os.read(back_r, 1)
            trips += 1000
    finally:
        os.close(there_w)
        os.waitpid(child, 0)
    return trips


def udp_echo(host: str, port: int, until: float | None) -> None:
    """Send every datagram received back to where it came from."""
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind((host, port))
    server.settimeout(0.5)
    while _running(until):
        try:
            data, peer = server.recvfrom(2048)
            server.sendto(data, peer)
        except (TimeoutError, OSError):
            continue


def udp_send(host: str, port: int, size: int, rate: float,
             until: float | None) -> tuple[int, int]:
    """Send ``size``-byte datagrams at up to ``rate`` a second; read back the echoes.
    Returns how many were sent and how many came back."""
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.connect((host, port))
    client.setblocking(False)
    payload = b"p" * size
    start, sent, back = time.monotonic(), 0, 0
    while _running(until):
        for _ in range(64):
            try:
                client.send(payload)
            except OSError:  # a full buffer, or the echo not listening yet
                pass
            sent += 1
        while True:
            try:
                client.recv(2048)
            except OSError:
                break
            back += 1
        _pace(rate, sent, start)
    return sent, back


def main(argv: list[str] | None = None) -> int:
    """Run one worker; returns its exit status."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.cgroup:
        with open(args.cgroup, "w", encoding="ascii") as handle:
            handle.write(str(os.getpid()))
    if args.nice:
        os.nice(args.nice)
    if args.name:
        _set_name(args.name)
    rest, until = args.args, args.until
    if args.kind == "exec":
        os.execvp(rest[0], rest)
    elif args.kind == "spin":
        spin(until)
    elif args.kind == "spin-thread":
        spin_thread(until)
    elif args.kind == "touch":
        touch(int(rest[0]), until)
    elif args.kind == "write":
        write(rest[0], int(rest[1]), int(rest[2]), rest[3], until)
    elif args.kind == "tcp-receive":
        tcp_receive(rest[0], int(rest[1]), until)
    elif args.kind == "tcp-send":
        tcp_send(rest[0], int(rest[1]), int(rest[2]), int(rest[3]), until)
    elif args.kind == "spawn":
        spawn(rest[0], float(rest[1]), until)
    elif args.kind == "pingpong":
        pingpong(until)
    elif args.kind == "udp-echo":
        udp_echo(rest[0], int(rest[1]), until)
    elif args.kind == "udp-send":
        udp_send(rest[0], int(rest[1]), int(rest[2]), float(rest[3]), until)
    else:
        print(f"induce_worker: unknown kind {args.kind!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
