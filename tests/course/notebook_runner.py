"""Execute a course notebook on a fresh kernel, live or with the tools hidden from PATH."""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"


@contextmanager
def environment(offline: bool):
    """Hide the system's tools (offline) by leaving only the interpreter's folder on PATH."""
    saved = dict(os.environ)
    try:
        os.environ["MPLBACKEND"] = "Agg"
        os.environ["PERFKIT_MODE"] = "auto"
        if offline:
            os.environ["PATH"] = str(Path(sys.executable).parent)
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def execute(path: Path, *, offline: bool, timeout: int = 300,
            only_tag: str | None = None) -> tuple[nbformat.NotebookNode, float]:
    """Run every cell top to bottom on a fresh kernel; return the executed notebook and the
    seconds from starting the kernel to the last cell's reply (what a learner waits for;
    the kernel's shutdown afterwards is not counted). With ``only_tag``, code cells without
    that tag are left out (``only_tag="core"``: the core track alone)."""
    notebook = nbformat.read(path, as_version=4)
    if only_tag is not None:
        notebook.cells = [cell for cell in notebook.cells if cell.cell_type != "code"
                          or only_tag in cell.get("metadata", {}).get("tags", [])]
    last_reply = [0.0]

    def cell_done(**_: object) -> None:
        last_reply[0] = time.perf_counter()

    with environment(offline):
        client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}},
                                on_cell_executed=cell_done)
        start = last_reply[0] = time.perf_counter()
        client.execute()
        return notebook, last_reply[0] - start


def outputs_text(notebook: nbformat.NotebookNode) -> str:
    """Everything the notebook printed, as one string."""
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if "text" in output:
                parts.append(output["text"])
            data = output.get("data", {})
            if "text/plain" in data:
                parts.append(data["text/plain"])
    return "\n".join(parts)


def figures(notebook: nbformat.NotebookNode) -> int:
    """How many images the notebook drew."""
    return sum(1 for cell in notebook.cells for output in cell.get("outputs", [])
               if "image/png" in output.get("data", {}))
