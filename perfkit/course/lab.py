"""``perfkit lab``: open the course in JupyterLab, on Linux, macOS or Windows, as a user or
as root, from a checkout or from an installed perfkit.

The notebooks are found in the checkout perfkit runs from (``notebooks/``), or where pip
installed them (``<prefix>/share/perfkit/course``). Installed notebooks are first copied to a
folder of your own (``~/perfkit-course`` unless ``--dir`` says otherwise), so your edits are
yours and survive a re-install; files already there are never overwritten.

>>> command(Path("notebooks"), root=False)[1:]  # doctest: +NORMALIZE_WHITESPACE
['-m', 'jupyterlab', '--ServerApp.root_dir=notebooks',
 '--LabApp.default_url=/lab/tree/00-start-here.ipynb']
"""

from __future__ import annotations

import os
import shutil
import site
import sys
from collections.abc import Sequence
from pathlib import Path

from ..runner import hand_over

START = "00-start-here.ipynb"
#: Where the course lives inside a checkout and inside ``<prefix>/share/perfkit/course``:
#: the notebooks, and the recorded outputs some of them read (``../tests/fixtures``).
NOTEBOOKS = Path("notebooks")
FIXTURES = Path("tests") / "fixtures"
DEFAULT_COPY = Path("~") / "perfkit-course"

DESCRIPTION = """\
Open the course in JupyterLab, at notebook 00-start-here, with the JupyterLab
installed with perfkit (pip install 'perfkit[lab]'). It adds --allow-root when
run as root (as the live eBPF notebooks need). The same on Linux, macOS and
Windows; off Linux the notebooks use the recordings.

The notebooks: a checkout's own notebooks/ folder when perfkit runs from one;
otherwise those pip installed (share/perfkit/course), copied first to
~/perfkit-course. --dir DIR copies the course to DIR and opens it there. A copy
never overwrites a file already there, so your edits survive.

Stop it with Ctrl-C (twice, or once and answer y)."""


class LabError(Exception):
    """``perfkit lab`` cannot start: the message says why and what to do."""


def checkout_root() -> Path | None:
    """The checkout perfkit is imported from, when it has the notebooks."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / NOTEBOOKS / START).is_file() else None


def installed_roots() -> list[Path]:
    """Where pip puts the course's data files: ``<prefix>/share/perfkit/course`` for the
    prefix perfkit runs in and for a ``pip install --user``."""
    prefixes = [Path(sys.prefix), Path(site.USER_BASE or sys.prefix)]
    return [prefix / "share" / "perfkit" / "course" for prefix in dict.fromkeys(prefixes)]


def find_notebooks(folder: str | os.PathLike | None = None, *, quiet: bool = False) -> Path:
    """The folder of notebooks to open.

    With ``folder``, the course (from the checkout or the installed data) is copied there
    first. Without it: a checkout's own ``notebooks/`` when perfkit runs from one, otherwise
    the installed course, copied to ``~/perfkit-course``.
    """
    root = checkout_root()
    if root is not None and folder is None:
        return root / NOTEBOOKS
    sources = [root] if root is not None else [
        installed for installed in installed_roots() if (installed / NOTEBOOKS / START).is_file()]
    if not sources:
        looked = " or ".join(str(path) for path in installed_roots())
        raise LabError("no course notebooks found: perfkit is not run from a checkout, and "
                       f"none are installed in {looked}; reinstall perfkit with pip")
    target = Path(folder if folder is not None else DEFAULT_COPY).expanduser()
    copied = copy_course(sources[0], target)
    if not quiet:
        print(f"perfkit lab: the course is in {target}"
              + (f" ({copied} files copied from {sources[0]})" if copied else ""), flush=True)
    return target / NOTEBOOKS


def copy_course(source: Path, target: Path) -> int:
    """Copy the notebooks and the recorded outputs they read from ``source`` to ``target``,
    keeping every file that is already there; returns how many files were copied.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     src = Path(tmp, "src"); (src / "notebooks").mkdir(parents=True)
    ...     _ = (src / "notebooks" / START).write_text("{}")
    ...     first = copy_course(src, Path(tmp, "mine")); again = copy_course(src, Path(tmp, "mine"))
    >>> first, again
    (1, 0)
    """
    copied = 0
    for part in (NOTEBOOKS, FIXTURES):
        for path in sorted((source / part).rglob("*")):
            if not path.is_file():
                continue
            destination = target / path.relative_to(source)
            if destination.exists():
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
            copied += 1
    return copied


def is_root() -> bool:
    """Whether this process runs as root (never on Windows, which has no such user)."""
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and geteuid() == 0


def command(notebooks: Path, *, root: bool | None = None, port: int | None = None,
            browser: bool = True, extra: Sequence[str] = ()) -> list[str]:
    """The command line that serves ``notebooks`` with the JupyterLab of this Python."""
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={notebooks}",
            f"--LabApp.default_url=/lab/tree/{START}"]
    if is_root() if root is None else root:
        argv.append("--allow-root")
    if port is not None:
        argv.append(f"--port={port}")
    if not browser:
        argv.append("--no-browser")
    return [*argv, *extra]


def environment(recorded: bool) -> dict[str, str]:
    """The server's environment (its kernels inherit it): ``PERFKIT_MODE=recorded`` when
    ``recorded``, so every notebook uses the recordings whatever its ``MODE`` says."""
    env = dict(os.environ)
    if recorded:
        env["PERFKIT_MODE"] = "recorded"
    return env


def jupyterlab_missing() -> str:
    """Why JupyterLab cannot start from this Python, or ``""``."""
    import importlib.util

    if importlib.util.find_spec("jupyterlab") is None:
        return (f"JupyterLab is not installed for {sys.executable}: install the lab extra, "
                "pip install 'perfkit[lab]' (or, in a checkout, pip install -e '.[lab]')")
    return ""


def run(*, recorded: bool = False, folder: str | None = None, port: int | None = None,
        browser: bool = True, extra: Sequence[str] = ()) -> int:
    """Serve the course until JupyterLab stops; returns its exit status.

    On Linux and macOS this process becomes JupyterLab (``exec``), so Ctrl-C and a
    terminating signal reach it directly and it shuts its kernels down. On Windows it starts
    JupyterLab and waits for it, leaving Ctrl-C to it.
    """
    why = jupyterlab_missing()
    if why:
        raise LabError(why)
    notebooks = find_notebooks(folder)
    argv = command(notebooks, port=port, browser=browser, extra=extra)
    if recorded:
        print("perfkit lab: PERFKIT_MODE=recorded: every notebook uses the recordings",
              flush=True)
    env = environment(recorded)
    return hand_over(argv, env)
