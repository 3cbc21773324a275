"""Helpers shared by :mod:`perfkit.plot`: figures, axes, time labels, legends.

Nothing here imports matplotlib at module level: ``import perfkit`` stays free of it, and
matplotlib is loaded the first time a figure is drawn.

>>> time_label(None, tz="UTC")
'time (UTC)'
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Height of one panel in inches, and the width of a figure.
PANEL_HEIGHT = 2.3
WIDTH = 10.0


def show_figures_in_ipython() -> bool:
    """In IPython or Jupyter, show a ``Figure`` left as a cell's value (or passed to
    ``display()``) as a PNG whatever matplotlib's backend: the inline backend does so itself,
    but under ``MPLBACKEND=Agg`` (scripts, tests, a headless kernel) a figure would print
    as ``<Figure size ...>``. A PNG printer matplotlib's inline support registered stays
    first. Runs when perfkit draws its first figure (:func:`pyplot`), never on import, so
    computing findings leaves a notebook's display settings alone; False outside IPython
    (nothing imported)."""
    global _HOOKED
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return False
    if shell is _HOOKED:
        return True
    from IPython.core.pylabtools import print_figure

    png = shell.display_formatter.formatters["image/png"]
    png.for_type_by_name("matplotlib.figure", "Figure",
                         lambda fig: print_figure(fig, "png", bbox_inches="tight"))
    _HOOKED = shell
    return True


_HOOKED: Any = None  # the IPython shell whose PNG display is set


def pyplot() -> Any:
    """``matplotlib.pyplot``, imported on first use (and IPython's figure display set)."""
    import matplotlib.pyplot as plt

    show_figures_in_ipython()
    return plt


def time_label(frame: Any, tz: str | None = None) -> str:
    """``"time (UTC)"`` when the zone is known (the capture's ``TZ``, or what the output
    printed), else ``"time (local)"``: the clock of the machine that printed it."""
    attrs = getattr(frame, "attrs", {}) or {}
    zone = tz or attrs.get("timezone")
    if not zone and attrs.get("utc_offset") in ("+0000", "+00:00"):
        zone = "UTC"
    return f"time ({zone})" if zone else "time (local)"


def format_x(ax: Axes, kind: str, frame: Any = None, tz: str | None = None) -> None:
    """Label the x axis of ``ax``: times as HH:MM:SS (every tick the same form, the zone in
    the label), integers otherwise. A single sample gets a window around it rather than an
    axis of zero width."""
    if kind == "time":
        import matplotlib.dates as mdates

        locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M:%S"))
        ax.set_xlabel(time_label(frame, tz))
        left, right = ax.get_xlim()
        if right - left < 1e-9 or (frame is not None and _single_time(frame)):
            middle = (left + right) / 2
            ax.set_xlim(middle - 30 / 86400, middle + 30 / 86400)
    else:
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(f"{kind} number")
        left, right = ax.get_xlim()
        if right - left < 1.0:
            middle = round((left + right) / 2)
            ax.set_xlim(middle - 1, middle + 1)


def _single_time(frame: Any) -> bool:
    times = getattr(frame, "columns", ())
    return "time" in times and frame["time"].nunique() == 1


def count_ticks(ax: Axes) -> None:
    """Whole-number ticks on the y axis, for counts (threads, tasks, events)."""
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def make_axes(count: int, *, axes: Any = None, sharex: bool = True,
              height: float = PANEL_HEIGHT, width: float = WIDTH,
              ) -> tuple[Figure, list[Axes], bool]:
    """``(figure, axes, owned)``: the caller's ``axes`` (at least ``count`` of them), or a
    new figure of ``count`` panels stacked on one column (``owned`` True)."""
    if axes is not None:
        show_figures_in_ipython()  # the caller's figure is drawn by perfkit too
        flat = list(np.ravel(np.asarray(axes, dtype=object)))
        if len(flat) < count:
            raise ValueError(f"this figure needs {count} axes, {len(flat)} given")
        return flat[0].figure, flat[:count], False
    plt = pyplot()
    fig, grid = plt.subplots(count, 1, sharex=sharex, squeeze=False,
                             figsize=(width, height * count + 0.9), layout="constrained")
    return fig, list(grid[:, 0]), True


def one_axes(ax: Axes | None, *, height: float = 3.5,
             width: float = 8.0) -> tuple[Figure, Axes, bool]:
    """``(figure, ax, owned)`` for a single-panel figure."""
    fig, (only,), owned = make_axes(1, axes=None if ax is None else [ax], height=height,
                                    width=width)
    return fig, only, owned


def finish(fig: Figure, owned: bool, title: str | None = None) -> Figure:
    """Give a figure perfkit made its title and take it out of pyplot's list of open
    figures, so that it is neither kept alive nor shown twice in Jupyter (leave it as a
    cell's value, ``display(fig)`` or ``fig.savefig(...)``). A figure the caller made is
    left as it is."""
    show_figures_in_ipython()
    if owned:
        if title:
            fig.suptitle(title)
        pyplot().close(fig)
    return fig


def legend(ax: Axes, **kwargs: Any) -> None:
    """A small legend outside the panel on the right, when the panel has labelled artists."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small",
                  frameon=False, **kwargs)


def step(values: np.ndarray) -> Any:
    """The usual step between successive x values (a ``timedelta64`` for times; one
    second, or 1, when there is a single value)."""
    values = np.unique(np.asarray(values))
    is_time = np.issubdtype(values.dtype, np.datetime64)
    if len(values) < 2:
        return np.timedelta64(1, "s") if is_time else 1.0
    gaps = np.diff(values)
    if is_time:
        nanos = np.median(gaps.astype("timedelta64[ns]").astype(np.int64))
        return np.timedelta64(int(nanos), "ns")
    return float(np.median(gaps))


def require_samples(frame: pd.DataFrame, tool: str) -> pd.DataFrame:
    """``frame``, or ValueError when it has no interval samples to plot."""
    if frame.empty:
        raise ValueError(f"{tool}: no samples to plot (only since-boot rows, or none)")
    return frame
