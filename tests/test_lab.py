"""`make lab` serves the course: start the real JupyterLab server on a free local port, wait
for it to answer, and check through its contents API that every notebook is listed and opens."""

from __future__ import annotations

import json
import os
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from notebook_nav import COURSE

JUPYTER = Path(sys.executable).parent / "jupyter"


def _make_lab_options() -> list[str]:
    """The options `make lab` gives `jupyter lab` (read from the Makefile, so this test
    checks what the command really runs)."""
    recipe = (ROOT / "Makefile").read_text().split("\nlab:", 1)[1].split("\n\n", 1)[0]
    command = " ".join(line.strip().rstrip("\\") for line in recipe.splitlines()[1:])
    return shlex.split(command.split("jupyter lab", 1)[1])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, token: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.mark.skipif(not JUPYTER.exists() and shutil.which("jupyter") is None,
                    reason="JupyterLab (the lab extra) is not installed")
def test_jupyterlab_serves_every_notebook(tmp_path):
    port, token = _free_port(), secrets.token_hex(16)
    jupyter = str(JUPYTER) if JUPYTER.exists() else shutil.which("jupyter")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "HOME": str(tmp_path)}
    server = subprocess.Popen(
        [jupyter, "lab", *_make_lab_options(), "--no-browser", "--allow-root",
         f"--port={port}", "--ip=127.0.0.1", f"--IdentityProvider.token={token}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(f"{base}/api/status", token)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("JupyterLab did not answer within 60 s")
                time.sleep(0.5)
        listing = _get(f"{base}/api/contents/", token)
        names = {item["name"] for item in listing["content"]}
        for stem, title in COURSE:
            assert f"{stem}.ipynb" in names
            opened = _get(f"{base}/api/contents/{stem}.ipynb?content=1", token)
            assert opened["type"] == "notebook"
            first = opened["content"]["cells"][0]["source"]
            assert first.startswith(f"# {title}")
        lab = urllib.request.urlopen(f"{base}/lab?token={token}", timeout=10)
        assert lab.status == 200
        # what a browser opening the server's address lands on: the first notebook
        start = urllib.request.urlopen(f"{base}/?token={token}", timeout=10)
        assert start.url.split("?")[0].endswith("/lab/tree/00-start-here.ipynb")
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
