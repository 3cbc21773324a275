"""perfkit.plot's figures of two captures side by side (see :mod:`perfkit.plot`)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._base import (
    finish,
    pyplot,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _panels(fig: Figure) -> list[Axes]:
    return [a for a in fig.axes if a.get_label() != "<colorbar>"]


def _share_y(first: Axes, second: Axes) -> None:
    """Give two panels drawn apart one y scale covering both (inverted axes stay so)."""
    (a0, a1), (b0, b1) = first.get_ylim(), second.get_ylim()
    if a0 > a1:  # an image's axis runs downwards
        limits = (max(a0, b0), min(a1, b1))
    else:
        limits = (min(a0, b0), max(a1, b1))
    second.sharey(first)
    first.set_ylim(*limits)


def _names_differ(first: Axes, second: Axes) -> bool:
    """True when both panels name their y positions (bars of processes, say) and some
    position carries a different name on each side: a shared scale would mislabel one."""
    from matplotlib.ticker import FixedLocator

    names = []
    for ax in (first, second):
        if not isinstance(ax.yaxis.get_major_locator(), FixedLocator):
            return False
        names.append({float(tick): label.get_text()
                      for tick, label in zip(ax.get_yticks(), ax.get_yticklabels(),
                                             strict=False)})
    return any(names[0][k] != names[1][k] for k in names[0].keys() & names[1].keys())


def side_by_side(plot_function: Callable[..., Figure], left: Any, right: Any,
                 titles: tuple[str, str] = ("idle", "loaded"), **kwargs: Any) -> Figure:
    """The figure ``plot_function`` draws, for ``left`` and for ``right`` next to each other
    (two columns, each panel's y scale shared across the row, unless the rows are named
    differently on each side, as top's processes are): healthy versus sick.
    ``plot_function`` is one of this module's functions (it must take ``ax=`` or ``axes=``);
    ``kwargs`` go to it.

    >>> import perfkit
    >>> fig = perfkit.plot.side_by_side(perfkit.plot.vmstat, idle_cap, busy_cap,
    ...                                 titles=("idle", "cpu-saturation"))  # doctest: +SKIP
    """
    probe = plot_function(left, **kwargs)
    rows = len(_panels(probe))
    plt = pyplot()
    per_panel = probe.get_size_inches()[1] / max(rows, 1)
    fig, grid = plt.subplots(rows, 2, squeeze=False, sharex="col",
                             figsize=(14, per_panel * rows + 0.6), layout="constrained")
    keyword = "axes" if "axes" in inspect.signature(plot_function).parameters else "ax"
    for col, (data, title) in enumerate(zip((left, right), titles, strict=True)):
        target = list(grid[:, col]) if keyword == "axes" else grid[0, col]
        plot_function(data, **{keyword: target}, **kwargs)
        top_ax = grid[0, col]
        top_ax.set_title(f"{title}: {top_ax.get_title()}" if top_ax.get_title() else title)
    for first, second in grid:
        if not _names_differ(first, second):
            _share_y(first, second)
    return finish(fig, True)
