"""Loopback TCP load for the recorded traces (run it in a network namespace of its own).

A server on 127.0.0.1:PORT sends SIZE bytes to each client; a client connects again and
again (10 ms apart) until SECONDS have passed or 500 connections were made, whichever
comes first. It prints how many connections it made to stderr.

    python3 data/traces/tcp_load.py [PORT [SECONDS [SIZE]]]
"""

import socket
import sys
import threading
import time

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 18765
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 4.0
SIZE = int(sys.argv[3]) if len(sys.argv) > 3 else 65536
LIMIT = 500
GAP = 0.01  # seconds between connections, so the load lasts the whole trace


def serve(listener: socket.socket) -> None:
    while True:
        conn, _ = listener.accept()
        with conn:
            conn.recv(64)
            conn.sendall(b"x" * SIZE)


def main() -> None:
    listener = socket.create_server(("127.0.0.1", PORT))
    threading.Thread(target=serve, args=(listener,), daemon=True).start()
    end = time.monotonic() + SECONDS
    done = 0
    while time.monotonic() < end and done < LIMIT:
        with socket.create_connection(("127.0.0.1", PORT), timeout=5) as conn:
            conn.sendall(b"GET\n")
            while conn.recv(65536):
                pass
        done += 1
        time.sleep(GAP)
    print(f"{done} connections", file=sys.stderr)


if __name__ == "__main__":
    main()
