"""Draw the charts of charts.spec with Matplotlib, imported on first use only.

Drawing uses matplotlib's object API (``Figure`` + ``FigureCanvasAgg``), never
pyplot, and sets its rcParams only inside ``matplotlib.rc_context`` for the
duration of one call. That is safe in worker processes; it is not safe to call
:func:`draw` from several threads of one process at once (rcParams are global).

Output is reproducible: the same chart gives the same bytes on every call
(fixed SVG hash salt, no dates or software versions in the metadata, fixed
margins rather than tight layout). Text in SVGs is kept as paths, so the PDF
needs no extra font for charts.

Text is set in the report's own typeface, the bundled Liberation Sans: Matplotlib is
imported knowing only those fonts (charts.mpl), so a chart looks the same on every machine
and a first run does not wait for Matplotlib to list the machine's fonts.

PNGs are opaque RGB (the background is white), not Matplotlib's RGBA: WeasyPrint splits an
RGBA image into colour and an alpha mask and compresses each again, twice the work in the
build's critical path for a mask that says "opaque" everywhere.
"""
from __future__ import annotations

import functools
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from reportgen.charts.spec import CHARTS, Bars, Chart, RiskMatrix, Trend, Wheel, shown_slices

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FONT_FAMILY = ["Liberation Sans"]  # charts.mpl.FAMILY: the only fonts Matplotlib is given
PNG_DPI = 150

# Colours chosen here (colours of ratings are passed in). All have at least
# 3:1 contrast against white.
TEXT = "#0b0c0c"        # main text, value labels, the total      (19.6:1)
AXIS = "#505a5f"        # axes, ticks, secondary text             (7.0:1)
EARLIER = "#6f777b"     # bars of earlier years, the empty ring   (4.6:1)
TARGET = "#0b0c0c"      # target line, dashed                     (19.6:1)
BENCHMARK = "#4c2c92"   # benchmark line, dotted                  (10.6:1)
BACKGROUND = "white"

# Figure sizes in inches.
WHEEL_SIZE = (3.2, 1.9)
TREND_SIZE = (3.4, 2.0)


_mpl: Any = None


def _matplotlib() -> Any:
    """Import matplotlib once, on first use, without pyplot."""
    global _mpl
    if _mpl is None:
        import logging

        from reportgen.charts.mpl import load

        load()  # before anything below imports Matplotlib: our fonts only
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.font_manager import FontProperties
        from matplotlib.lines import Line2D
        from matplotlib.textpath import text_to_path

        # No "findfont: Font family ... not found" noise on the build's console.
        logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)

        _mpl = SimpleNamespace(matplotlib=matplotlib, FigureCanvasAgg=FigureCanvasAgg,
                               Figure=Figure, FontProperties=FontProperties, Line2D=Line2D,
                               text_to_path=text_to_path)
    return _mpl


@dataclass(frozen=True)
class Ink:
    """The colours a chart is drawn in besides its ratings': ours, or the council's."""

    text: str = TEXT
    axis: str = AXIS
    earlier: str = EARLIER
    target: str = TARGET
    benchmark: str = BENCHMARK


def palette(chart: Chart) -> Ink:
    """Return the chart's colours: the council's ink and muted where given, else ours."""
    given = dict(chart.colours)
    ink, muted = given.get("ink", TEXT), given.get("muted", AXIS)
    return Ink(text=ink, axis=muted, earlier=given.get("muted", EARLIER), target=ink)


def _rc(ink: Ink = Ink()) -> dict[str, Any]:  # noqa: B008 - frozen
    return {
        "font.family": "sans-serif",
        "font.sans-serif": FONT_FAMILY,
        "font.size": 7,
        "text.color": ink.text,
        "axes.edgecolor": ink.axis,
        "axes.labelcolor": ink.axis,
        "axes.linewidth": 0.6,
        "xtick.color": ink.axis,
        "ytick.color": ink.axis,
        "xtick.labelcolor": ink.axis,
        "ytick.labelcolor": ink.axis,
        "xtick.labelsize": 7,
        "ytick.labelsize": 7,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "xtick.major.size": 2.5,
        "ytick.major.size": 2.5,
        "xtick.major.pad": 2.5,
        "ytick.major.pad": 2.0,
        "legend.fontsize": 7,
        "axes.unicode_minus": False,
        "svg.fonttype": "path",
        "svg.hashsalt": "reportgen",
        "svg.image_inline": True,
        "figure.facecolor": BACKGROUND,
        "savefig.facecolor": BACKGROUND,
        "savefig.edgecolor": BACKGROUND,
        "savefig.transparent": False,
        "path.simplify": True,
    }


def _esc(text: str) -> str:
    """Stop matplotlib reading "$...$" in labels as mathtext."""
    return str(text).replace("$", r"\$")


def _text_width(mpl: Any, text: str, size: float) -> float:
    """Width of text in points at the given size, without drawing."""
    return _measure(str(text), float(size))


@functools.lru_cache(maxsize=4096)
def _measure(text: str, size: float) -> float:
    mpl = _matplotlib()
    prop = mpl.FontProperties(family=FONT_FAMILY, size=size)
    width, _, _ = mpl.text_to_path.get_text_width_height_descent(
        _esc(text), prop, ismath=False
    )
    return float(width)


def draw(chart: Chart, fmt: str = "svg") -> bytes:
    """Draw the chart and return the file's bytes ("svg" or "png")."""
    if fmt not in ("svg", "png"):
        raise ValueError(f"unknown chart format {fmt!r}: use 'svg' or 'png'")
    if not isinstance(chart, CHARTS):
        raise TypeError(f"not a chart: {chart!r}")
    mpl = _matplotlib()
    with mpl.matplotlib.rc_context(_rc(palette(chart))):
        if isinstance(chart, Wheel):
            fig = _draw_wheel(mpl, chart)
        elif isinstance(chart, Bars):
            fig = _draw_bars(mpl, chart)
        elif isinstance(chart, RiskMatrix):
            fig = _draw_matrix(mpl, chart)
        else:
            fig = _draw_trend(mpl, chart)
        buf = io.BytesIO()
        if fmt == "svg":
            fig.savefig(buf, format="svg",
                        metadata={"Date": None, "Creator": None})
        else:
            fig.savefig(buf, format="raw", dpi=PNG_DPI)
            width, height = fig.get_size_inches()
            buf = _opaque_png(buf.getvalue(), (float(width), float(height)))
    return buf.getvalue()


def pixel_size(chart: Chart) -> tuple[int, int]:
    """Return the chart's PNG width and height in pixels, known before it is drawn: every
    kind of chart has a fixed figure size. The PDF is laid out with it while the chart is
    still being drawn (pdf.write)."""
    if isinstance(chart, Wheel):
        size = WHEEL_SIZE
    elif isinstance(chart, Bars):
        size = BARS_SIZE
    elif isinstance(chart, RiskMatrix):
        size = MATRIX_SIZE
    else:
        size = TREND_SIZE
    width, height = (round(inches * PNG_DPI) for inches in size)
    return width, height


def _opaque_png(rgba: bytes, size_in: tuple[float, float]) -> io.BytesIO:
    """Return Matplotlib's raw RGBA pixels as an RGB PNG (the figure is opaque), with the
    resolution recorded and nothing else: no software name, no dates."""
    from PIL import Image

    width, height = (round(inches * PNG_DPI) for inches in size_in)
    if len(rgba) != width * height * 4:
        raise ValueError(f"unexpected chart raster: {len(rgba)} bytes for {width}x{height}")
    image = Image.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="png", dpi=(PNG_DPI, PNG_DPI))
    return out


def _new_figure(mpl: Any, size: tuple[float, float]) -> Figure:
    fig: Figure = mpl.Figure(figsize=size, dpi=100)
    mpl.FigureCanvasAgg(fig)
    return fig


# ---- status wheel --------------------------------------------------------

def _draw_wheel(mpl: Any, wheel: Wheel) -> Figure:
    ink = palette(wheel)
    width_in, height_in = WHEEL_SIZE
    fig = _new_figure(mpl, WHEEL_SIZE)

    # The donut: a square axes on the left, fixed in inches.
    donut = 1.66
    left, bottom = 0.06, (height_in - donut) / 2
    ax = fig.add_axes((left / width_in, bottom / height_in,
                       donut / width_in, donut / height_in))
    ax.set_axis_off()
    ax.set_xlim(-1.02, 1.02)
    ax.set_ylim(-1.02, 1.02)
    ax.set_aspect("equal")

    shown = shown_slices(wheel)
    total = sum(s.count for s in shown)
    ring = 0.32
    if wheel.inner and shown:
        _draw_rings(ax, wheel, ring)
    elif shown:
        counts = [s.count for s in shown]
        colours = [s.colour for s in shown]
        edge = 1.0 if len(shown) > 1 else 0.0
        ax.pie(counts, colors=colours, startangle=90, counterclock=False,
               radius=1.0, normalize=True,
               wedgeprops={"width": ring, "edgecolor": BACKGROUND,
                           "linewidth": edge})
    else:
        # Nothing to show: an outlined, unfilled ring.
        ax.pie([1], colors=[BACKGROUND], startangle=90, radius=1.0,
               wedgeprops={"width": ring, "edgecolor": ink.earlier,
                           "linewidth": 1.0})
    # ax.pie resets limits and aspect; put them back.
    ax.set_xlim(-1.02, 1.02)
    ax.set_ylim(-1.02, 1.02)
    ax.set_aspect("equal")

    total_text = f"{total:,}"
    size = 18 if len(total_text) <= 3 else (15 if len(total_text) <= 5 else 12)
    if wheel.inner:  # a smaller middle inside the inner ring
        size = 11
    ax.text(0, 0.10 if not wheel.inner else 0.06, total_text, ha="center", va="center",
            fontsize=size, fontweight="bold", color=ink.text)
    if not wheel.inner:
        ax.text(0, -0.30, _esc(wheel.title), ha="center", va="center",
                fontsize=7, color=ink.axis)

    # The legend: one row per non-zero slice, right of the donut, drawn
    # by hand (cheaper than matplotlib's Legend and laid out exactly).
    if shown:
        labels = [f"{s.label}: {s.count:,}" for s in shown]
        legend_left = left + donut + 0.12            # inches
        marker = 6.0                                  # points
        marker_room = marker + 4.5                    # marker + gap, points
        room = (width_in - legend_left - 0.05) * 72   # points
        widest = max(_text_width(mpl, lab, 8) for lab in labels)
        fontsize = 8 if widest + marker_room <= room else 7
        row = fontsize * 1.6 / 72                     # inches
        first = height_in / 2 + row * (len(shown) - 1) / 2
        inches = fig.dpi_scale_trans
        for i, (sl, lab) in enumerate(zip(shown, labels, strict=True)):
            y = first - i * row
            fig.add_artist(mpl.Line2D(
                [legend_left + marker / 144], [y], transform=inches,
                linestyle="none", marker="s", markersize=marker,
                markerfacecolor=sl.colour, markeredgecolor=sl.colour))
            fig.text(legend_left + marker_room / 72, y, _esc(lab),
                     transform=inches, ha="left", va="center_baseline",
                     fontsize=fontsize, color=ink.text)
    return fig


def _draw_rings(ax: Any, wheel: Wheel, ring: float) -> None:
    """Draw a wheel by outcome: the outer ring is each outcome's objectives by progress, in
    outcome order, and the inner ring one slice per outcome, as wide as its objectives, in
    the colour of its rolled-up progress (report 002's "priorities inner, deliverables
    outer")."""
    outer = [s for group in wheel.groups for s in group if s.count > 0]
    ax.pie([s.count for s in outer], colors=[s.colour for s in outer], startangle=90,
           counterclock=False, radius=1.0, normalize=True,
           wedgeprops={"width": ring, "edgecolor": BACKGROUND, "linewidth": 0.6})
    inner = [s for s in wheel.inner if s.count > 0]
    ax.pie([s.count for s in inner], colors=[s.colour for s in inner], startangle=90,
           counterclock=False, radius=1.0 - ring - 0.03, normalize=True,
           wedgeprops={"width": 0.22, "edgecolor": BACKGROUND, "linewidth": 1.5})


# ---- trend panel ---------------------------------------------------------

def _decimals(step: float) -> int:
    if step <= 0 or not math.isfinite(step) or step >= 1:
        return 0
    return min(6, max(0, -math.floor(math.log10(step) + 1e-9)))


def _formatter(unit: str, decimals: int) -> Callable[[float], str]:
    def fmt(value: float) -> str:
        if abs(value) < 10 ** -(decimals + 1):
            value = 0.0
        sign = "-" if value < 0 else ""
        body = f"{abs(value):,.{decimals}f}"
        if unit == "percent":
            return f"{sign}{body}%"
        if unit == "currency":
            return f"{sign}£{body}"
        return f"{sign}{body}"
    return fmt


def _y_range(trend: Trend) -> tuple[float, float, list[float]]:
    """Axis limits and tick positions. Bars grow from 0, so 0 is always in
    range; negative values only for the "number" unit."""
    from matplotlib.ticker import MaxNLocator

    values = [float(p.value) for p in trend.points]
    for extra in (trend.target, trend.benchmark):
        if extra is not None:
            values.append(float(extra.value))
    values = [v for v in values if math.isfinite(v)] or [0.0]
    hi_data = max(0.0, max(values))
    lo_data = min(0.0, min(values))
    if trend.unit in ("count", "percent", "currency"):
        lo_data = min(lo_data, 0.0)
    span = hi_data - lo_data
    if span == 0:
        span = 1.0 if trend.unit != "percent" else 10.0
        hi_data = lo_data + span
    # Room above (and below, for negatives) for the value labels.
    hi = hi_data + 0.16 * span if hi_data > 0 else 0.0
    lo = lo_data - 0.16 * span if lo_data < 0 else 0.0
    if hi == lo:
        hi = 1.0
    locator = MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10],
                          integer=trend.unit == "count")
    ticks = [t for t in locator.tick_values(lo, hi)
             if lo - 1e-9 * span <= t <= hi + 1e-9 * span]
    return lo, hi, ticks


def _draw_trend(mpl: Any, trend: Trend) -> Figure:
    ink = palette(trend)
    from matplotlib.ticker import FixedLocator, FuncFormatter

    width_in, height_in = TREND_SIZE
    fig = _new_figure(mpl, TREND_SIZE)

    lo, hi, ticks = _y_range(trend)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    fmt = _formatter(trend.unit, _decimals(step))
    tick_labels = [fmt(t) for t in ticks]

    # Fixed margins, the left one sized to the widest y tick label.
    widest = max((_text_width(mpl, s, 7) for s in tick_labels), default=0)
    left_in = 0.08 + (widest + 2.5 + 2.0 + 2) / 72
    right_in = 0.08
    top_in = 0.08
    bottom_in = 0.42  # x tick labels and a one-row legend of lines
    fig.subplots_adjust(left=left_in / width_in,
                        right=1 - right_in / width_in,
                        bottom=bottom_in / height_in,
                        top=1 - top_in / height_in)
    ax = fig.add_subplot()

    n = len(trend.points)
    slots = max(n, 4)  # keep bars the same width on every panel
    pad = (slots - n) / 2
    ax.set_xlim(-0.5 - pad, n - 0.5 + pad)
    ax.set_ylim(lo, hi)

    xs = list(range(n))
    values = [float(p.value) for p in trend.points]
    colours = [ink.earlier] * (n - 1) + [trend.colour] if n else []
    ax.bar(xs, values, width=0.62, color=colours, linewidth=0, zorder=2)

    # Value labels above (or below, if negative) each bar. A label that
    # would sit on a target or benchmark line moves past the line; it also
    # has a white patch behind it, so nothing runs through the digits.
    axes_h_pt = (height_in - bottom_in - top_in) * 72
    axes_w_pt = (width_in - left_in - right_in) * 72
    per_pt = (hi - lo) / axes_h_pt          # data units per point
    label_size = 7.0
    widest_label = max((_text_width(mpl, p.text, 7) for p in trend.points),
                       default=0)
    room = axes_w_pt / slots - 5            # keep 5 pt between labels
    if widest_label > room:                 # long currency values, 5 bars
        label_size = max(6.0, 7.0 * room / widest_label)
    label_h = (label_size * 1.25 + 3) * per_pt
    gap = 2.0                               # points between bar and label
    lines = [float(x.value) for x in (trend.target, trend.benchmark)
             if x is not None and math.isfinite(float(x.value))]
    top_needed, bottom_needed = hi, lo
    for x, p, v in zip(xs, trend.points, values, strict=True):
        up = v >= 0
        base = v
        for _ in range(len(lines) + 1):
            moved = False
            for line in lines:
                if up and base - per_pt < line <= base + label_h + gap * per_pt:
                    base, moved = line + per_pt, True
                elif not up and base - label_h - gap * per_pt <= line < base + per_pt:
                    base, moved = line - per_pt, True
            if not moved:
                break
        if up:
            top_needed = max(top_needed, base + label_h + gap * per_pt)
        else:
            bottom_needed = min(bottom_needed, base - label_h - gap * per_pt)
        ax.annotate(_esc(p.text), xy=(x, base),
                    xytext=(0, gap if up else -gap),
                    textcoords="offset points", ha="center",
                    va="bottom" if up else "top", fontsize=label_size,
                    color=ink.text, zorder=5,
                    bbox={"boxstyle": "square,pad=0.12",
                          "facecolor": BACKGROUND, "edgecolor": "none"},
                    annotation_clip=False)
    if (top_needed, bottom_needed) != (hi, lo):
        ax.set_ylim(bottom_needed, top_needed)

    keys: list[tuple[str, dict[str, Any]]] = []  # (label, line style) for the key below
    if trend.target is not None:
        style: dict[str, Any] = {"color": ink.target, "linestyle": (0, (4, 2)), "linewidth": 1.1}
        ax.axhline(float(trend.target.value), zorder=3, **style)
        keys.append((f"{trend.key[0]} {trend.target.text}", style))
    if trend.benchmark is not None:
        style = {"color": ink.benchmark, "linestyle": (0, (1, 1.3)),
                 "linewidth": 1.6}
        ax.axhline(float(trend.benchmark.value), zorder=3, **style)
        keys.append((f"{trend.key[1]} {trend.benchmark.text}", style))
    if lo < 0:
        ax.axhline(0, color=ink.axis, linewidth=0.6, zorder=2.5)

    ax.set_xticks(xs)
    ax.set_xticklabels([_esc(p.label) for p in trend.points])
    ax.tick_params(axis="x", length=0)
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt(v)))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if lo < 0:
        ax.spines["bottom"].set_visible(False)

    # The key, drawn by hand in one centred row under the x tick labels.
    if keys:
        size = 7.0
        handle, gap, spacing = 20.0, 4.0, 14.0   # points
        widths = [_text_width(mpl, label, size) for label, _ in keys]
        total = sum(handle + gap + w for w in widths) + spacing * (len(keys) - 1)
        left = (width_in * 72 - total) / 2 / 72     # inches
        y = 0.10
        inches = fig.dpi_scale_trans
        for (label, look), w in zip(keys, widths, strict=True):
            fig.add_artist(mpl.Line2D([left, left + handle / 72], [y, y],
                                      transform=inches, **look))
            fig.text(left + (handle + gap) / 72, y, _esc(label),
                     transform=inches, ha="left", va="center_baseline",
                     fontsize=size, color=ink.text)
            left += (handle + gap + w + spacing) / 72
    return fig



BARS_SIZE = (3.6, 2.0)


def _draw_bars(mpl: Any, bars: Bars) -> Figure:
    """One stacked bar per quarter, the count in each segment, the total on top; a
    hand-drawn key on the right (as the wheel's)."""
    ink = palette(bars)
    from matplotlib.ticker import MaxNLocator

    width_in, height_in = BARS_SIZE
    fig = _new_figure(mpl, BARS_SIZE)
    shown = [s for s in bars.series if any(s.counts)]
    key_w = 0.2 + max((_text_width(mpl, s.label, 7) for s in shown), default=0) / 72
    left_in, bottom_in, top_in = 0.3, 0.22, 0.1
    fig.subplots_adjust(left=left_in / width_in, right=1 - (key_w + 0.12) / width_in,
                        bottom=bottom_in / height_in, top=1 - top_in / height_in)
    ax = fig.add_subplot()
    xs = list(range(len(bars.categories)))
    totals = [sum(s.counts[i] or 0 for s in bars.series) for i in xs]
    top = max(totals, default=0) or 1
    for series in shown:
        bottoms = [sum(s.counts[i] or 0 for s in bars.series[:bars.series.index(series)])
                   for i in xs]
        heights = [series.counts[i] or 0 for i in xs]
        ax.bar(xs, heights, bottom=bottoms, width=0.6, color=series.colour,
               edgecolor=BACKGROUND, linewidth=0.6, zorder=2)
        for x, b, h in zip(xs, bottoms, heights, strict=True):
            if h and h / top > 0.07:  # a number only where it fits inside its segment
                ax.text(x, b + h / 2, f"{h}", ha="center", va="center", fontsize=6.5,
                        color="white", fontweight="bold", zorder=3)
    for x, total in zip(xs, totals, strict=True):
        reported = any(s.counts[x] is not None for s in bars.series)
        ax.text(x, total + top * 0.03, f"{total}" if reported else "not yet",
                ha="center", va="bottom", fontsize=7 if reported else 6,
                color=ink.text if reported else ink.axis)
    ax.set_ylim(0, top * 1.18)
    ax.set_xlim(-0.6, len(xs) - 0.4)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.set_xticks(xs)
    ax.set_xticklabels([_esc(c) for c in bars.categories])
    ax.tick_params(axis="x", length=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    inches = fig.dpi_scale_trans
    row = 7 * 1.6 / 72
    first = height_in / 2 + row * (len(shown) - 1) / 2
    x0 = width_in - key_w - 0.02
    for i, series in enumerate(reversed(shown)):  # as stacked: the best at the bottom
        y = first - i * row
        fig.add_artist(mpl.Line2D([x0 + 3 / 72], [y], transform=inches, linestyle="none",
                                  marker="s", markersize=6, markerfacecolor=series.colour,
                                  markeredgecolor=series.colour))
        fig.text(x0 + 10.5 / 72, y, _esc(series.label), transform=inches, ha="left",
                 va="center_baseline", fontsize=7, color=ink.text)
    return fig


# ---- risk matrix ---------------------------------------------------------

MATRIX_SIZE = (6.4, 3.6)


def _draw_matrix(mpl: Any, matrix: RiskMatrix) -> Figure:
    """Impact up, likelihood across, each cell tinted by its score level with the score in
    its corner and the ids of the risks in it (report 004's grid)."""
    ink = palette(matrix)
    from matplotlib.patches import Rectangle

    width_in, height_in = MATRIX_SIZE
    fig = _new_figure(mpl, MATRIX_SIZE)
    fig.subplots_adjust(left=0.95 / width_in, right=1 - 0.05 / width_in,
                        bottom=0.42 / height_in, top=1 - 0.05 / height_in)
    ax = fig.add_subplot()
    size_x, size_y = len(matrix.likelihood), len(matrix.impact)
    for cell in matrix.cells:
        x, y = cell.likelihood - 1, cell.impact - 1
        ax.add_patch(Rectangle(
            (x, y), 1, 1, facecolor=cell.colour, alpha=0.28 if not cell.risks else 0.55,
            edgecolor=BACKGROUND, linewidth=1.5))
        ax.text(x + 0.05, y + 0.93, f"{cell.impact * cell.likelihood}", ha="left", va="top",
                fontsize=6, color=ink.axis)
        if cell.risks:
            ax.text(x + 0.5, y + 0.45, _esc("\n".join(cell.risks)), ha="center",
                    va="center", fontsize=7 if len(cell.risks) < 5 else 6, color=ink.text,
                    fontweight="bold", linespacing=1.15)
    ax.set_xlim(0, size_x)
    ax.set_ylim(0, size_y)
    ax.set_xticks([i + 0.5 for i in range(size_x)])
    ax.set_xticklabels([_esc(f"{w} ({i})") for i, w in enumerate(matrix.likelihood, 1)])
    ax.set_yticks([i + 0.5 for i in range(size_y)])
    ax.set_yticklabels([_esc(f"{w} ({i})") for i, w in enumerate(matrix.impact, 1)])
    ax.tick_params(length=0)
    ax.set_xlabel(_esc(matrix.axes[0]), fontsize=7)
    ax.set_ylabel(_esc(matrix.axes[1]), fontsize=7)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    return fig
