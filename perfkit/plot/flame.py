"""Folded stacks (``root;caller;leaf 5``), the hottest functions, and flame graphs.

A *folded* stack is one line per distinct stack, frames root first joined by ``;``, then a
space and how many samples had it: what bcc's ``profile -f`` prints and what
:mod:`perfkit.parsers.bpftrace` makes of a map keyed on ``kstack``/``ustack``.

* :func:`folded` reads any of those (text, lines, a bcc ``stacks`` table, a bpftrace map
  table) into a DataFrame with ``stack`` and ``count``, identical stacks added up;
* :func:`hot_functions` counts, per function, the samples it was running in (``self``: it
  was the leaf) and the samples it was on the stack for (``total``: itself or a callee);
* :func:`flamegraph` draws the flame graph with matplotlib rectangles: x is the share of
  samples, y the stack depth, the root at the bottom;
* :func:`svg` makes the same graph as SVG, each box with a tooltip that names its frame,
  samples and share, for a notebook or a browser.

>>> text = "python3;main;work;sqrt 6\\npython3;main;work 3\\npython3;main;idle 1\\n"
>>> folded(text)
                    stack  count
0       python3;main;idle      1
1       python3;main;work      3
2  python3;main;work;sqrt      6
>>> hot_functions(text, n=3)
  function  self  total  self_%  total_%
0     sqrt     6      6    60.0     60.0
1     work     3      9    30.0     90.0
2     idle     1      1    10.0     10.0
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

Folded = str | Iterable[str] | pd.DataFrame | pd.Series


def stacks_from_map(table: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A bpftrace map table keyed on stacks (``@[kstack, ustack, comm] = count()``) as
    ``stack``/``count``: the key ``columns`` joined root first.

    By default the columns that are not stacks come first (``comm``), then the stack
    columns in the reverse of their key order (so ``@[kstack, ustack, comm]`` reads
    ``comm;user frames;kernel frames``, as bcc's profile folds). Empty parts are skipped.
    """
    stack_columns = list(table.attrs.get("stack_columns", []))
    keys = [c for c in table.columns if c == "key" or str(c).startswith("key")]
    if columns is None:
        columns = [c for c in keys if c not in stack_columns] + stack_columns[::-1]
    counts = table["value"] if "value" in table else table["count"]
    parts = table[list(columns)].astype(str)
    stack = parts.apply(lambda row: ";".join(p for p in row if p and p != "nan"), axis=1)
    return pd.DataFrame({"stack": stack.to_numpy(), "count": counts.to_numpy()})


def folded(data: Folded) -> pd.DataFrame:
    """Folded stacks from text, lines, a Series of lines, or a table with ``stack`` and
    ``count`` (a bcc ``stacks`` table) or with stack key columns (a bpftrace map table):
    a DataFrame with ``stack`` and ``count``, one row per distinct stack, sorted by stack.
    """
    if isinstance(data, pd.DataFrame):
        frame = data[["stack", "count"]] if "stack" in data else stacks_from_map(data)
    else:
        lines = data.splitlines() if isinstance(data, str) else [str(x) for x in data]
        rows = []
        for number, line in enumerate(lines, start=1):
            line = line.strip()
            if not line:
                continue
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                raise ValueError(f"line {number}: not a folded stack ('a;b;c 5'): {line!r}")
            rows.append((stack, int(count)))
        frame = pd.DataFrame(rows, columns=["stack", "count"])
    out = frame.groupby("stack", as_index=False, sort=True)["count"].sum()
    out["stack"] = out["stack"].astype(object)
    out["count"] = out["count"].astype("int64")
    return out


def hot_functions(data: Folded, n: int = 20) -> pd.DataFrame:
    """The ``n`` functions with the most ``self`` samples, with ``total``, ``self_%`` and
    ``total_%`` (shares of all samples); a function recursing counts once per sample."""
    table = folded(data)
    all_samples = int(table["count"].sum())
    own: dict[str, int] = {}
    total: dict[str, int] = {}
    for stack, count in zip(table["stack"], table["count"], strict=True):
        frames = stack.split(";")
        own[frames[-1]] = own.get(frames[-1], 0) + int(count)
        for frame in set(frames):
            total[frame] = total.get(frame, 0) + int(count)
    out = pd.DataFrame({"function": list(total),
                        "self": [own.get(f, 0) for f in total],
                        "total": list(total.values())})
    out = out.sort_values(["self", "total", "function"], ascending=[False, False, True])
    share = 100.0 / all_samples if all_samples else 0.0
    out["self_%"] = (out["self"] * share).round(2)
    out["total_%"] = (out["total"] * share).round(2)
    return out.head(n).reset_index(drop=True)


def _tree(table: pd.DataFrame) -> dict[str, Any]:
    root: dict[str, Any] = {"count": 0, "children": {}}
    for stack, count in zip(table["stack"], table["count"], strict=True):
        node = root
        node["count"] += int(count)
        for frame in stack.split(";"):
            node = node["children"].setdefault(frame, {"count": 0, "children": {}})
            node["count"] += int(count)
    return root


def _colour(name: str) -> tuple[float, float, float]:
    digest = hashlib.md5(name.encode("utf-8")).digest()
    return (0.85 + digest[0] / 255 * 0.15, 0.3 + digest[1] / 255 * 0.5, digest[2] / 255 * 0.2)


def boxes(data: Folded, min_width: float = 0.002) -> list[tuple[str, float, int, float, int]]:
    """The boxes of a flame graph of folded stacks: ``(frame, x, depth, width, samples)``,
    ``x`` and ``width`` as shares of all samples (0 to 1), depth 0 the outermost frame;
    siblings sorted by name; a box narrower than ``min_width`` is left out, with what
    stands on it.

    >>> boxes("a;b 3\\na;c 1\\n")
    [('a', 0.0, 0, 1.0, 4), ('b', 0.0, 1, 0.75, 3), ('c', 0.75, 1, 0.25, 1)]
    """
    root = _tree(folded(data))
    whole = root["count"] or 1
    found = []
    pending = [(root["children"], 0.0, 0)]
    while pending:
        children, start, depth = pending.pop(0)
        x = start
        for name in sorted(children):
            node = children[name]
            width = node["count"] / whole
            if width >= min_width:
                found.append((name, x, depth, width, int(node["count"])))
                pending.append((node["children"], x, depth + 1))
            x += width
    return found


def flamegraph(data: Folded, ax: Any = None, *, title: str | None = None,
               min_width: float = 0.002, label_width: float = 0.04) -> Any:
    """Draw a flame graph of folded stacks on ``ax`` (a new figure when ``None``) and return
    the Axes. Frames narrower than ``min_width`` of all samples are not drawn; frames wider
    than ``label_width`` are labelled. matplotlib is imported here only. :func:`svg` draws
    the same boxes as SVG, where each box names itself when pointed at, narrow ones too.
    """
    from matplotlib.patches import Rectangle

    from ._base import pyplot

    plt = pyplot()

    total = int(folded(data)["count"].sum())
    if ax is None:
        _, ax = plt.subplots(figsize=(12, 6))
    depth_seen = 0
    for name, x, depth, width, _ in boxes(data, min_width):
        ax.add_patch(Rectangle((x, depth), width, 0.95, facecolor=_colour(name),
                               edgecolor="white", linewidth=0.3))
        if width >= label_width:
            shown = name if len(name) * 0.006 < width else name[:max(
                1, int(width / 0.006) - 2)] + ".."
            ax.text(x + 0.003, depth + 0.45, shown, va="center", ha="left",
                    fontsize=7, clip_on=True)
        depth_seen = max(depth_seen, depth + 1)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, max(depth_seen, 1))
    ax.set_xlabel(f"share of {total} samples")
    ax.set_ylabel("stack depth")
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    return ax


class FlameSVG(str):
    """SVG markup that Jupyter draws when it is a cell's value (a ``str`` with
    ``_repr_svg_``); written to a ``.svg`` file, any browser shows it."""

    def _repr_svg_(self) -> str:
        return str(self)


def svg(data: Folded, *, title: str = "flame graph", width: int = 1200, row: int = 17,
        min_width: float = 0.0005) -> FlameSVG:
    """The flame graph as SVG: the boxes of :func:`flamegraph`, each with a tooltip (an SVG
    ``<title>``: the frame, its samples and their share) that a browser shows when the
    pointer rests on the box, so that boxes too narrow for a label still name themselves.

    >>> picture = svg("main;work 3\\nmain;idle 1\\n")
    >>> picture.count("<rect"), "<title>work: 3 samples, 75.0 %</title>" in picture
    (3, True)
    """
    from html import escape

    found = boxes(data, min_width)
    total = int(folded(data)["count"].sum())
    depth = max((level for _, _, level, _, _ in found), default=0) + 1
    top = 2 * row
    height = top + depth * row + row
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
             f'<text x="{width / 2:g}" y="{row}" text-anchor="middle" font-size="14">'
             f'{escape(title)}</text>']
    for name, x, level, share, count in found:
        left, wide = x * width, share * width
        y = top + (depth - 1 - level) * row
        red, green, blue = (round(255 * part) for part in _colour(name))
        tip = f"{name}: {count} samples, {100 * share:.1f} %"
        parts.append(f'<g><title>{escape(tip)}</title><rect x="{left:.2f}" y="{y}" '
                     f'width="{max(wide - 0.5, 0.5):.2f}" height="{row - 1}" '
                     f'fill="rgb({red},{green},{blue})"/>')
        fits = int(wide / 6.5) - 1
        if fits >= 3:
            shown = name if len(name) <= fits else name[:fits - 2] + ".."
            parts.append(f'<text x="{left + 3:.2f}" y="{y + row - 5}">{escape(shown)}</text>')
        parts.append("</g>")
    parts.append(f'<text x="0" y="{height - 4}" font-size="10">x: share of {total} samples '
                 "(not time), the outermost frame at the bottom; rest the pointer on a box "
                 "for its name and samples</text></svg>")
    return FlameSVG("\n".join(parts))
