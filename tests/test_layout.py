"""The package's layout keeps its promises: a small top level, no import cycle, plots and
findings apart over a derived-data layer, one module that starts processes, and imports that
change nothing global.

The import graph is read from the source with :mod:`ast` (every ``import``, at module level or
inside a function, except those under ``if TYPE_CHECKING:``), so a lazy import inside a
function counts as a dependency too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "perfkit"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    return skipped


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The perfkit modules that ``name`` imports (the package ``perfkit`` itself left out:
    every module is inside it)."""
    tree = ast.parse(path.read_text())
    skipped = _type_checking_nodes(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            targets = [f"{stem}.{alias.name}" for alias in node.names] + [stem]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != "perfkit" and target != name:
                found.add(target)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports_of(name, path, set(found)) for name, path in found.items()}


def test_the_top_level_holds_at_most_a_dozen_modules():
    top = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top


def test_no_import_cycle(graph):
    # a cycle through a package's __init__ re-exporting its own parts is not a cycle of
    # dependencies: an edge from a package to its own submodule is left out
    edges = {name: {t for t in targets if not t.startswith(name + ".")}
             for name, targets in graph.items()}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                cycle = [*path[path.index(target):], target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        path.pop()
        state[node] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name)


def _imports_between(graph, source: str, target: str) -> list[str]:
    return sorted(f"{name} -> {dep}" for name, deps in graph.items()
                  if name == source or name.startswith(source + ".")
                  for dep in deps if dep == target or dep.startswith(target + "."))


@pytest.mark.parametrize(("source", "target"), [
    ("perfkit.plot", "perfkit.checklist"),
    ("perfkit.checklist", "perfkit.plot"),
    ("perfkit.derive", "perfkit.plot"),
    ("perfkit.derive", "perfkit.checklist"),
    ("perfkit.derive", "perfkit.capture"),
    ("perfkit.derive", "perfkit.lake"),
    ("perfkit.parsers", "perfkit.plot"),
    ("perfkit.parsers", "perfkit.checklist"),
    ("perfkit.parsers", "perfkit.derive"),
    ("perfkit.parsers", "perfkit.capture"),
])
def test_layers_do_not_reach_sideways_or_up(graph, source, target):
    assert _imports_between(graph, source, target) == []


_STARTS_PROCESSES = ("subprocess", "os.system", "os.popen", "os.spawn", "os.exec",
                     "os.posix_spawn", "pty.spawn", "asyncio.create_subprocess")


#: Programs of their own that perfkit runs by path (never imports): the built-in load of
#: ``perfkit induce``, whose work is to be the load (it execs stress-ng, or starts short-lived
#: processes for the short-lived scenario). perfkit starts it through the runner.
STANDALONE_PROGRAMS = {"perfkit.capture.induce.worker"}


def test_only_the_runner_starts_programs():
    offenders = []
    for name, path in modules().items():
        if name == "perfkit.runner" or name in STANDALONE_PROGRAMS:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            text = None
            if isinstance(node, ast.Import | ast.ImportFrom):
                text = ast.unparse(node)
            elif isinstance(node, ast.Attribute):
                text = ast.unparse(node)
            if text and any(word in text for word in _STARTS_PROCESSES):
                offenders.append(f"{name}:{node.lineno}: {text}")
    assert offenders == []


def test_importing_every_module_changes_no_global_state():
    """Warnings filters, matplotlib's settings and backend, IPython's display formatters,
    sys.path and logging are the same before and after importing all of perfkit."""
    names = sorted(n for n in modules() if not n.endswith("__main__"))
    script = textwrap.dedent(f"""
        import importlib, json, logging, sys, warnings
        from IPython.core.interactiveshell import InteractiveShell
        import matplotlib
        shell = InteractiveShell.instance()
        def state():
            png = shell.display_formatter.formatters["image/png"]
            return json.dumps({{
                "warnings": [repr(f) for f in warnings.filters],
                "rc": {{k: repr(v) for k, v in matplotlib.rcParams.items()}},
                "backend": matplotlib.get_backend(),
                "png": sorted(map(repr, png.type_printers)) + sorted(png.deferred_printers),
                "path": sys.path,
                "logging": [repr(h) for h in logging.getLogger().handlers],
            }}, sort_keys=True)
        before = state()
        for name in {names!r}:
            importlib.import_module(name)
        after = state()
        print("same" if before == after else "changed")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "same"
