"""Helpers shared by :mod:`perfkit.plot`: figures, time axes, samples, CPU counts.

Nothing here imports matplotlib at module level: ``import perfkit`` stays free of it, and
matplotlib is loaded the first time a figure is drawn.

>>> import pandas as pd
>>> df = pd.DataFrame({"r": [5, 1, 2], "since_boot": [True, False, False]})
>>> samples(df)["r"].tolist()
[1, 2]
>>> x_values(samples(df))[1]
'sample'
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
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
    first. Runs when this module is imported; False outside IPython (nothing imported)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return False
    from IPython.core.pylabtools import print_figure

    png = shell.display_formatter.formatters["image/png"]
    png.for_type_by_name("matplotlib.figure", "Figure",
                         lambda fig: print_figure(fig, "png", bbox_inches="tight"))
    return True


show_figures_in_ipython()


def pyplot() -> Any:
    """``matplotlib.pyplot``, imported on first use."""
    import matplotlib.pyplot as plt

    return plt


def samples(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without its since-boot rows (vmstat's first line, iostat's first report)."""
    if "since_boot" in frame.columns:
        keep = ~frame["since_boot"].fillna(False).astype(bool)
        out = frame.loc[keep]
        out.attrs.update(frame.attrs)
        return out
    return frame


def capture_source(obj: Any, tool: str) -> tuple[Any, dict[str, Any]]:
    """``(data, facts)``: ``obj[tool]`` and the capture's facts (``cpus``, ``tz``) when
    ``obj`` is a :class:`~perfkit.capture.Capture`, else ``obj`` itself and ``{}``."""
    if hasattr(obj, "meta") and hasattr(obj, "tools") and hasattr(obj, "raw"):
        facts = {"cpus": obj.meta.get("cpus"),
                 "tz": (obj.meta.get("environment") or {}).get("TZ")}
        return obj[tool], facts
    return obj, {}


def cpu_count(*sources: Any) -> int | None:
    """The first CPU count given: an ``int``, or ``attrs["cpus"]`` of a frame or Tables."""
    for source in sources:
        if source is None:
            continue
        if isinstance(source, int | np.integer) and not isinstance(source, bool):
            return int(source)
        attrs = getattr(source, "attrs", None)
        if isinstance(attrs, dict) and attrs.get("cpus"):
            return int(attrs["cpus"])
    return None


def x_values(frame: pd.DataFrame) -> tuple[np.ndarray, str]:
    """The x values of a frame's rows and their axis label: ``time`` when the frame has
    times, else ``report``/``sample``/``iteration`` numbers, else the row number."""
    if "time" in frame.columns and pd.api.types.is_datetime64_any_dtype(frame["time"]):
        return frame["time"].to_numpy(), "time"
    for name in ("report", "sample", "iteration"):
        if name in frame.columns:
            return frame[name].to_numpy(), name
    return np.arange(len(frame)), "sample"


def time_label(frame: Any, tz: str | None = None) -> str:
    """``"time (UTC)"`` when the time zone is known, else ``"time"``."""
    attrs = getattr(frame, "attrs", {}) or {}
    zone = tz or attrs.get("timezone")
    if not zone and attrs.get("utc_offset") in ("+0000", "+00:00"):
        zone = "UTC"
    return f"time ({zone})" if zone else "time (local)"


def format_x(ax: Axes, kind: str, frame: Any = None, tz: str | None = None) -> None:
    """Label the x axis of ``ax``: concise date ticks for times, integers otherwise."""
    if kind == "time":
        import matplotlib.dates as mdates

        locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.set_xlabel(time_label(frame, tz))
    else:
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(f"{kind} number")


def make_axes(count: int, *, axes: Any = None, sharex: bool = True,
              height: float = PANEL_HEIGHT, width: float = WIDTH,
              ) -> tuple[Figure, list[Axes], bool]:
    """``(figure, axes, owned)``: the caller's ``axes`` (at least ``count`` of them), or a
    new figure of ``count`` panels stacked on one column (``owned`` True)."""
    if axes is not None:
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


def ordered(names: Sequence[Any]) -> list[Any]:
    """Names in natural order: CPUs ``0, 1, 2, ... 10`` numerically, others by name.

    >>> ordered(["10", "2", "all", "0"])
    ['0', '2', '10', 'all']
    """
    def key(name: Any) -> tuple[int, float, str]:
        text = str(name)
        return (0, float(text), "") if text.isdigit() else (1, 0.0, text)

    return sorted(dict.fromkeys(names), key=key)


def wide(frame: pd.DataFrame, key: str, value: str | pd.Series, *,
         xs: np.ndarray | None = None, fill: float | None = 0.0) -> pd.DataFrame:
    """One column per ``key`` (device, process, CPU) and one row per x value (see
    :func:`x_values`), filled with ``fill`` where an entity printed no row (``iostat -z``
    and ``pidstat`` leave idle ones out). ``xs`` adds x values no row of ``frame`` has.

    >>> f = pd.DataFrame({"report": [1, 1, 2], "Device": ["sda", "vda", "vda"],
    ...                   "%util": [5.0, 1.0, 2.0]})
    >>> wide(f, "Device", "%util", xs=np.array([1, 2, 3])).to_dict("list")
    {'sda': [5.0, 0.0, 0.0], 'vda': [1.0, 2.0, 0.0]}
    """
    x, _ = x_values(frame)
    values = frame[value] if isinstance(value, str) else value
    table = pd.DataFrame({"x": x, "key": frame[key].astype(str).to_numpy(),
                          "value": pd.to_numeric(values, errors="coerce").to_numpy()})
    out = table.pivot_table(index="x", columns="key", values="value", aggfunc="mean",
                            dropna=False)
    index = np.unique(np.concatenate([np.asarray(x), np.asarray(xs)])) if xs is not None \
        else np.unique(np.asarray(x))
    out = out.reindex(index=index, columns=ordered(list(out.columns)))
    if fill is not None:
        out = out.fillna(fill)
    out.columns.name = key
    return out


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


def table(data: Any, name: str, tool: str) -> pd.DataFrame:
    """Table ``name`` of a :class:`~perfkit.Tables` (a DataFrame is taken as that table),
    carrying the Tables' facts (not its frames, such as sar's ``restarts``, which would break
    ``pd.concat`` of the frame's descendants); a ``KeyError`` naming the tables there
    otherwise. The Tables' own frame is left as it is.

    >>> from perfkit.result import Tables
    >>> t = Tables({"DEV": pd.DataFrame({"x": [1]})},
    ...            attrs={"cpus": 2, "restarts": pd.DataFrame()})
    >>> sorted(table(t, "DEV", "sar").attrs), t["DEV"].attrs
    (['cpus'], {})
    """
    if isinstance(data, pd.DataFrame):
        return data
    if name not in data:
        raise KeyError(f"{tool}: no {name!r} table here (tables: {', '.join(data)})")
    frame = data[name]
    extra = {key: value for key, value in getattr(data, "attrs", {}).items()
             if key not in frame.attrs and not isinstance(value, (pd.DataFrame, dict))}
    if extra:  # on a copy: a plot must not change the caller's frame
        frame = frame.copy(deep=False)
        frame.attrs.update(extra)
    return frame
