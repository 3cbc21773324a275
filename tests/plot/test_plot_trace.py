"""perfkit.plot.histogram, latency_heatmap and map_bars on the recorded traces: the numbers
drawn are the numbers bpftrace and bcc printed."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import ROOT, fixture_path

import perfkit
from perfkit import plot
from perfkit.plot.trace import bucket_grid, bucket_label

TRACES = ROOT / "data" / "traces"


def trace(name: str):
    return perfkit.read(TRACES / name, "bpftrace")


@pytest.fixture(autouse=True)
def no_open_figures():
    before = set(plt.get_fignums())
    yield
    assert set(plt.get_fignums()) == before


def bars(fig):
    return [round(p.get_height()) for p in fig.axes[0].patches]


def ticks(ax, axis="x"):
    labels = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    return [t.get_text() for t in labels]


def test_bucket_labels_as_bpftrace_prints_them():
    assert bucket_label(0, 1) == "[0]"
    assert bucket_label(512, 1024) == "[512, 1K)"
    assert bucket_label(1024 ** 2, 2 * 1024 ** 2) == "[1M, 2M)"
    assert bucket_label(300, np.inf) == "[300, ...)"
    assert bucket_label(-np.inf, 0) == "(..., 0)"


def test_histogram_adds_up_the_per_second_prints():
    usecs = trace("biolatency.txt")["@usecs"]
    fig = plot.histogram(usecs)
    ax = fig.axes[0]
    # [16, 32) in the five prints of biolatency.txt: 19 + 188 + 196 + 204 + 156
    assert ticks(ax)[0] == "[16, 32)" and bars(fig)[0] == 763
    assert sum(bars(fig)) == 1047 == int(trace("biolatency.txt")["@completions"]["value"][0])
    assert ax.get_xlabel() == "bucket (us)" and ax.get_ylabel() == "count"
    assert "1047 events" in ax.get_title()


def test_histogram_of_one_interval():
    fig = plot.histogram(trace("biolatency.txt")["@usecs"], interval=1)
    assert bars(fig) == [188, 13, 1, 1, 1]
    with pytest.raises(ValueError, match="no interval 9"):
        plot.histogram(trace("biolatency.txt")["@usecs"], interval=9)


def test_linear_histogram_keeps_its_overflow_bucket():
    tables = trace("biolatency_lhist.txt")
    fig = plot.histogram(tables["@linear_usecs"])
    labels = ticks(fig.axes[0])
    assert labels[0] == "[20, 30)" and labels[-1] == "[300, ...)"
    assert bars(fig)[1] == 604 and bars(fig)[-1] == 86
    assert sum(bars(fig)) == int(tables["@log2_usecs"]["count"].sum()) == 1117


def test_bcc_histogram_with_its_unit():
    tables = perfkit.read(fixture_path("bcc", "runqlat-m.txt"), "bcc")
    fig = plot.histogram(tables["hist"])
    assert ticks(fig.axes[0])[:2] == ["[0, 2)", "[2, 4)"]
    assert bars(fig)[:2] == [2051, 271]
    assert fig.axes[0].get_xlabel() == "bucket (ms)"


def test_latency_heatmap_cells_are_the_printed_counts():
    usecs = trace("runqlat.txt")["@usecs"]
    fig = plot.latency_heatmap(usecs)
    ax = fig.axes[0]
    image = ax.get_images()[0]
    grid = bucket_grid(usecs)
    values = image.get_array()
    assert values.shape == grid.shape == (len(grid.index), 5)
    row = list(grid.index).index("[2K, 4K)")
    assert values[row, 0] == 299 and values[row, 1] == 480
    # [1] was printed in the first second only: blank after it, not zero-coloured
    masked = np.ma.getmaskarray(values)
    assert ticks(ax, "y")[0] == "[1]" and not masked[0, 0] and bool(masked[0, 1])
    assert ax.get_ylabel() == "bucket (us; [1] is exactly 1)"
    assert ticks(ax)[0] == "15:15:41" and ax.get_xlabel().startswith("time")
    assert any(a.get_label() == "<colorbar>" for a in fig.axes)


def test_map_bars_largest_first():
    syscalls = trace("syscalls.txt")["@"]
    fig = plot.map_bars(syscalls, n=5, log=True, xlabel="system calls")
    ax = fig.axes[0]
    top = max(ax.patches, key=lambda bar: bar.get_y())
    names = dict(zip(ax.get_yticks(), ticks(ax, "y"), strict=True))
    assert top.get_width() == 800048 and names[max(names)] == "dd"
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "system calls"
    assert "38 more" in ax.get_title()


def test_map_bars_joins_several_keys():
    fig = plot.map_bars(trace("tcp.txt")["@transitions"], n=3)
    assert all(", " in label for label in ticks(fig.axes[0], "y"))


def test_wrong_tables_are_refused():
    with pytest.raises(ValueError, match="not a histogram"):
        plot.histogram(trace("syscalls.txt")["@"])
    with pytest.raises(ValueError, match="no keys"):
        plot.map_bars(trace("biolatency.txt")["@completions"])


def test_a_figure_left_as_a_cell_value_shows_as_png_under_agg():
    from IPython.core.interactiveshell import InteractiveShell

    from perfkit.plot._base import show_figures_in_ipython

    assert InteractiveShell.initialized() is False
    assert show_figures_in_ipython() is False  # not in IPython: nothing registered
    shell = InteractiveShell.instance()
    try:
        assert show_figures_in_ipython() is True
        fig = plot.histogram(trace("biolatency.txt")["@usecs"])
        data, _ = shell.display_formatter.format(fig)
        assert data["image/png"][:4] == b"\x89PNG"
    finally:
        InteractiveShell.clear_instance()


def test_a_one_value_bucket_is_explained_on_its_axis():
    # bpftrace prints the bucket that holds 1 alone as [1] (and 0 as [0]); the axis says so
    hist = perfkit.read(fixture_path("bpftrace", "maps.txt"), "bpftrace")["@h"]
    fig = plot.histogram(hist, unit="us")
    assert ticks(fig.axes[0])[:3] == ["[0]", "[1]", "[2, 4)"]
    assert fig.axes[0].get_xlabel() == "bucket (us; [0] is exactly 0, [1] is exactly 1)"
    assert bucket_label(1, 2) == "[1]" and bucket_label(2, 4) == "[2, 4)"


def test_histograms_side_by_side_share_buckets_and_scale():
    usecs = trace("biolatency.txt")["@usecs"]
    first, rest = usecs[usecs["interval"] == 0], usecs[usecs["interval"] > 0]
    fig = plot.histograms({"first second": first, "the others": rest}, unit="us")
    left, right = fig.axes
    assert ticks(left) == ticks(right) and left.get_shared_y_axes().joined(left, right)
    # every log2 bucket between the smallest and the largest, on both sides
    grid = bucket_grid(usecs)
    assert ticks(left)[0] == grid.index[0] and ticks(left)[-1] == grid.index[-1]
    for ax, part in ((left, first), (right, rest)):
        total = int(part["count"].sum())
        assert ax.get_title().endswith(f"{total} events")
        assert sum(p.get_height() for p in ax.patches) == pytest.approx(100.0)
        row = ticks(ax).index("[16, 32)")
        drawn = ax.patches[row].get_height()
        printed = int(part.loc[part["low"] == 16, "count"].sum())
        assert drawn == pytest.approx(100 * printed / total)
    assert left.get_ylabel() == "% of the histogram's events"
    counts = plot.histograms({"a": first, "b": rest}, share=False)
    assert sum(p.get_height() for p in counts.axes[0].patches) == int(first["count"].sum())
    with pytest.raises(ValueError, match="no histogram"):
        plot.histograms({})


def test_flame_graph_boxes_are_the_folded_samples():
    from perfkit.plot import flame

    stacks = flame.folded(trace("profile.txt")["@"])
    found = flame.boxes(stacks, min_width=0)
    roots = [box for box in found if box[2] == 0]
    # one root box per process, as wide as its share of the 399 samples
    assert {name: count for name, _, _, _, count in roots} == {
        "bash": 1, "cpu_load": 181, "python3": 217}
    assert sum(width for _, _, _, width, _ in roots) == pytest.approx(1.0)
    ax = flame.flamegraph(stacks)
    assert ax.get_xlabel() == "share of 399 samples"
    assert len(ax.patches) == len(flame.boxes(stacks))
    plt.close(ax.figure)


def test_flame_svg_names_every_box_in_a_tooltip():
    from perfkit.plot import flame

    stacks = flame.folded(trace("profile.txt")["@"])
    picture = flame.svg(stacks, title="profile.txt")
    assert picture._repr_svg_().startswith("<svg") and picture.endswith("</svg>")
    drawn = flame.boxes(stacks, min_width=0.0005)
    assert picture.count("<rect") == picture.count("<title>") == len(drawn)
    assert "<title>cpu_load: 181 samples, 45.4 %</title>" in picture
    assert "share of 399 samples" in picture
