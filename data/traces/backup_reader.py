"""The noisy neighbour of the diskcomm recording: a "backup" reading a file in 1 MiB blocks.

Direct I/O (O_DIRECT, so every read goes to the disk, not the page cache), one block every
0.1 s, from the start again at the end of the file, until SECONDS have passed. The process
names itself ``backup`` (what ps, pidstat and bpftrace's ``comm`` show).

    python3 data/traces/backup_reader.py FILE [SECONDS]
"""

import mmap
import os
import sys
import time

BLOCK = 1 << 20
PAUSE = 0.1


def main() -> None:
    path = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    with open("/proc/self/comm", "w") as comm:
        comm.write("backup")
    fd = os.open(path, os.O_RDONLY | os.O_DIRECT)
    buffer = mmap.mmap(-1, BLOCK)  # page-aligned, as O_DIRECT requires
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if os.readv(fd, [buffer]) == 0:
            os.lseek(fd, 0, os.SEEK_SET)
        time.sleep(PAUSE)


if __name__ == "__main__":
    main()
