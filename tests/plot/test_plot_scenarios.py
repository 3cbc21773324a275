"""Every figure of perfkit.plot drawn on every recorded scenario reads at a glance: each
panel has a title, labelled axes with units, data (or a note saying why it has none), and a
time axis that names its zone (the captures run their tools with TZ=UTC)."""

from __future__ import annotations

import matplotlib
import pytest

import perfkit
from perfkit import plot

matplotlib.use("Agg")

FIGURES = ["vmstat", "mpstat", "pidstat", "iostat", "free", "sar_dev", "sar_tcp", "top",
           "uptime", "dmesg", "timeline"]


def scenarios() -> list[str]:
    try:
        return list(perfkit.samples.list())
    except FileNotFoundError:  # pragma: no cover - an install without the data
        return []


def panels(fig):
    return [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]


def has_data(ax) -> bool:
    drawn = [line for line in ax.get_lines() if len(line.get_xdata())]
    return bool(drawn or ax.collections or ax.patches or ax.get_images() or ax.texts)


# procps-ng 4.0.2's vmstat repeats its memory columns: the capture says so when cap["vmstat"]
# is read (the figure's memory panel says so in its title)
@pytest.mark.filterwarnings("ignore:.*vmstat's memory columns:perfkit.errors.ParseWarning")
@pytest.mark.parametrize("name", scenarios())
@pytest.mark.parametrize("figure", FIGURES)
def test_every_figure_of_every_scenario_is_readable(name, figure):
    capture = perfkit.samples.load(name)
    try:
        fig = getattr(plot, figure)(capture)
    except KeyError as exc:  # the tool (or its table) is not in this scenario
        pytest.skip(f"{name} has no {figure} data: {exc}")
    for ax in panels(fig):
        where = f"{figure} of {name}, panel {ax.get_title()!r}"
        assert ax.get_title(), where
        assert has_data(ax), f"{where}: empty"
        if ax.get_ylabel() or figure not in ("timeline",):
            assert ax.get_ylabel(), f"{where}: no y label"
        label = ax.get_xlabel()
        if label.startswith("time"):
            assert label == "time (UTC)", f"{where}: {label!r}"
            ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
            assert all(len(t) == 8 and t.count(":") == 2 for t in ticks), (where, ticks)
