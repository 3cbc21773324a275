"""Start ``perfkit lab`` as a learner would, on a free localhost port with a token, for the
tests that talk to it (tests/course/test_lab.py, tests/course/test_browser.py)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PERFKIT = [sys.executable, "-m", "perfkit"]


@dataclass
class Lab:
    """A running ``perfkit lab``: its process, address and token."""

    process: subprocess.Popen
    base: str
    token: str
    log: Path

    def get(self, path: str) -> dict:
        """A JSON answer of the server's REST API (``/api/...``)."""
        request = urllib.request.Request(f"{self.base}{path}",
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def stop(self) -> None:
        """Stop it as a terminating signal would: JupyterLab shuts its kernels down."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # the session start() made
                self.process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(home: Path, *options: str, env: dict[str, str] | None = None,
          wait: float = 90) -> Lab:
    """``perfkit lab *options --no-browser`` with ``home`` as HOME and Jupyter's folders;
    returns once the server answers. Raises RuntimeError with its log otherwise."""
    port, token = free_port(), secrets.token_hex(16)
    log = home / "lab.log"
    environment = {**os.environ, "HOME": str(home), "MPLBACKEND": "Agg",
                   "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
                   "JUPYTER_CONFIG_DIR": str(home / "config"),
                   "JUPYTER_DATA_DIR": str(home / "data"), **(env or {})}
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*PERFKIT, "lab", *options, "--no-browser", "--port", str(port), "--",
             "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
             "--ServerApp.port_retries=0",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
            stdout=output, stderr=subprocess.STDOUT, env=environment, cwd=home,
            start_new_session=True)
    lab = Lab(process, f"http://127.0.0.1:{port}", token, log)
    deadline = time.monotonic() + wait
    while True:
        try:
            lab.get("/api/status")
            return lab
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                lab.stop()
                raise RuntimeError(f"perfkit lab did not answer within {wait:.0f} s:\n"
                                   + log.read_text(errors="replace")[-3000:]) from None
            time.sleep(0.5)
