"""Tests for reportgen.charts.spec: alt text, cache keys and real drawing."""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.charts.draw import draw
from reportgen.charts.spec import (
    STYLE_VERSION,
    Point,
    Slice,
    Trend,
    Wheel,
    alt_text,
    chart_key,
)

ROOT = Path(__file__).resolve().parents[1]

GOOD, REVIEW, ACTION, GREY = "#00703c", "#b35c00", "#d4351c", "#6f777b"

WHEEL = Wheel("Objectives", (
    Slice("Strong", 0, "#005a30"),
    Slice("Good", 19, GOOD),
    Slice("Review", 4, REVIEW),
    Slice("Action", 1, ACTION),
))

FOSTER = Trend(
    title="Number of children living with Council foster carers",
    points=(Point("2023-24", 322, "322"), Point("2024-25", 346, "346"),
            Point("2025-26", 364, "364")),
    target=Point("2025-26", 343, "343"),
    benchmark=None,
    unit="count",
    colour=GOOD,
)

PERCENT = Trend(
    title="Percentage of adults satisfied with services",
    points=(Point("2023-24", 90.9, "90.9%"), Point("2024-25", 90.9, "90.9%"),
            Point("2025-26", 92.0, "92.0%")),
    target=Point("2025-26", 90.0, "90.0%"),
    benchmark=Point("England Average June 2025", 87.1, "87.1%"),
    unit="percent",
    colour=GOOD,
)

EDGE_CASES = {
    "one point": Trend("One", (Point("2025-26", 5, "5"),), None, None,
                       "count", GREY),
    "zeros": Trend("Zeros", (Point("2024-25", 0, "0"), Point("2025-26", 0, "0")),
                   Point("2025-26", 0, "0"), None, "count", REVIEW),
    "negative": Trend(
        "Net change",
        (Point("2021-22", -3.2, "-3.2"), Point("2022-23", 1.5, "1.5"),
         Point("2023-24", -0.4, "-0.4"), Point("2024-25", 2.0, "2.0"),
         Point("2025-26", -1.1, "-1.1")),
        Point("2025-26", 0.5, "0.5"), Point("Local Measure", -2.0, "-2.0"),
        "number", ACTION),
    "all negative": Trend("Deficit", (Point("2024-25", -12, "-12"),
                                      Point("2025-26", -7, "-7")),
                          None, None, "number", GREY),
    "big currency": Trend(
        "Savings delivered",
        tuple(Point(f"20{y}-{y + 1}", v, f"£{v:,}") for y, v in
              zip(range(21, 26), [6722500, 7722500, 8100000, 8900000, 9152480], strict=True)),
        Point("2025-26", 9000000, "£9,000,000"),
        Point("Nearest neighbours 2024-25", 8500000, "£8,500,000"),
        "currency", GOOD),
    "dollar in text": Trend("Cost in $ and $", (Point("2025-26", 3, "$3"),),
                            None, None, "number", GREY),
    "empty wheel": Wheel("Measures", (Slice("Good", 0, GOOD),
                                      Slice("Review", 0, REVIEW))),
    "no slices": Wheel("Measures", ()),
    "one slice": Wheel("Measures", (Slice("Good", 5, GOOD),)),
    "long legend": Wheel("Measures", (
        Slice("Strong", 3, "#005a30"), Slice("Good", 120, GOOD),
        Slice("Review", 14, REVIEW), Slice("Action", 1, ACTION),
        Slice("Awaiting update", 12, GREY))),
}


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def png_chunks(data: bytes) -> list[bytes]:
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) == crc
        chunks.append(kind)
        pos += 12 + length
    return chunks


# ---- alt text ------------------------------------------------------------

def test_wheel_alt_text():
    assert alt_text(WHEEL) == "Objectives: 19 Good, 4 Review, 1 Action (24 in all)"


def test_wheel_alt_text_leaves_out_zero_slices():
    text = alt_text(WHEEL)
    assert "Strong" not in text
    assert "0 " not in text


def test_empty_wheel_alt_text():
    assert alt_text(EDGE_CASES["empty wheel"]) == "Measures: none"
    assert alt_text(EDGE_CASES["no slices"]) == "Measures: none"


def test_trend_alt_text_with_target():
    assert alt_text(FOSTER) == (
        "Number of children living with Council foster carers: "
        "2023-24 322, 2024-25 346, 2025-26 364; target 343."
    )


def test_trend_alt_text_with_target_and_benchmark():
    assert alt_text(PERCENT) == (
        "Percentage of adults satisfied with services: "
        "2023-24 90.9%, 2024-25 90.9%, 2025-26 92.0%; target 90.0%; "
        "benchmark 87.1% (England Average June 2025)."
    )


def test_trend_alt_text_without_target_or_benchmark():
    assert alt_text(EDGE_CASES["one point"]) == "One: 2025-26 5."


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=500), max_size=6))
def test_wheel_alt_text_lists_non_zero_slices_and_total(counts):
    names = ["Strong", "Good", "Review", "Action", "Awaiting update", "Other"]
    wheel = Wheel("Measures", tuple(
        Slice(names[i], c, GOOD) for i, c in enumerate(counts)))
    text = alt_text(wheel)
    shown = [(c, names[i]) for i, c in enumerate(counts) if c]
    if not shown:
        assert text == "Measures: none"
    else:
        parts = ", ".join(f"{c} {n}" for c, n in shown)
        assert text == f"Measures: {parts} ({sum(counts)} in all)"


# ---- chart key -----------------------------------------------------------

def test_chart_key_is_16_hex_chars():
    for chart in (WHEEL, FOSTER, PERCENT):
        assert re.fullmatch(r"[0-9a-f]{16}", chart_key(chart))


def test_chart_key_equal_for_equal_charts():
    copy = Wheel("Objectives", tuple(
        Slice(s.label, s.count, s.colour) for s in WHEEL.slices))
    assert copy == WHEEL and copy is not WHEEL
    assert chart_key(copy) == chart_key(WHEEL)
    # 364 and 364.0 are the same value.
    floats = Trend(FOSTER.title,
                   tuple(Point(p.label, float(p.value), p.text)
                         for p in FOSTER.points),
                   FOSTER.target, None, "count", GOOD)
    assert floats == FOSTER
    assert chart_key(floats) == chart_key(FOSTER)


def test_chart_key_changes_when_a_count_changes():
    changed = Wheel("Objectives", (
        Slice("Strong", 0, "#005a30"), Slice("Good", 18, GOOD),
        Slice("Review", 4, REVIEW), Slice("Action", 1, ACTION)))
    assert chart_key(changed) != chart_key(WHEEL)


def test_chart_key_changes_with_any_field():
    base = chart_key(PERCENT)
    variants = [
        Trend(PERCENT.title + "!", PERCENT.points, PERCENT.target,
              PERCENT.benchmark, PERCENT.unit, PERCENT.colour),
        Trend(PERCENT.title, PERCENT.points[1:], PERCENT.target,
              PERCENT.benchmark, PERCENT.unit, PERCENT.colour),
        Trend(PERCENT.title, PERCENT.points, None,
              PERCENT.benchmark, PERCENT.unit, PERCENT.colour),
        Trend(PERCENT.title, PERCENT.points, PERCENT.target,
              None, PERCENT.unit, PERCENT.colour),
        Trend(PERCENT.title, PERCENT.points, PERCENT.target,
              PERCENT.benchmark, "number", PERCENT.colour),
        Trend(PERCENT.title, PERCENT.points, PERCENT.target,
              PERCENT.benchmark, PERCENT.unit, REVIEW),
    ]
    keys = {chart_key(v) for v in variants}
    assert base not in keys
    assert len(keys) == len(variants)


def test_chart_key_differs_between_kinds_and_includes_style_version():
    assert chart_key(Wheel("Measures", ())) != chart_key(
        Trend("Measures", (), None, None, "count", GREY))
    assert STYLE_VERSION


# ---- drawing -------------------------------------------------------------

@pytest.mark.parametrize("chart", [WHEEL, FOSTER, PERCENT], ids=["wheel", "foster", "percent"])
def test_draw_svg_is_valid(chart):
    data = draw(chart, "svg")
    assert data.startswith(b"<?xml") or b"<svg" in data
    assert b"<svg" in data and data.rstrip().endswith(b"</svg>")
    # Text is drawn as paths: no <text> elements, no font needed.
    assert b"<text" not in data


@pytest.mark.parametrize("chart", [WHEEL, FOSTER, PERCENT], ids=["wheel", "foster", "percent"])
def test_draw_png_is_valid(chart):
    data = draw(chart, "png")
    assert data.startswith(b"\x89PNG")
    chunks = png_chunks(data)
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND"


def test_draw_default_format_is_svg():
    assert b"<svg" in draw(WHEEL)


def test_draw_sizes():
    # 150 dpi: wheel 3.2 in x 1.9 in, trend 3.4 in x 2.0 in.
    assert png_size(draw(WHEEL, "png")) == (480, 285)
    assert png_size(draw(FOSTER, "png")) == (510, 300)
    svg = draw(FOSTER, "svg")
    assert b'width="244.8pt"' in svg and b'height="144pt"' in svg


@pytest.mark.parametrize("fmt", ["svg", "png"])
@pytest.mark.parametrize("chart", [WHEEL, FOSTER, PERCENT], ids=["wheel", "foster", "percent"])
def test_draw_is_deterministic(chart, fmt):
    assert draw(chart, fmt) == draw(chart, fmt)


def test_draw_has_no_dates_software_or_paths():
    svg = draw(PERCENT, "svg")
    assert b"<dc:date>" not in svg
    assert b"<dc:creator>" not in svg and b"Matplotlib v" not in svg
    assert str(ROOT).encode() not in svg and b"/tmp" not in svg
    png = draw(PERCENT, "png")
    chunks = png_chunks(png)
    assert b"tEXt" not in chunks and b"iTXt" not in chunks and b"tIME" not in chunks


def test_draw_is_identical_in_a_fresh_process():
    code = (
        "import sys, hashlib\n"
        "sys.path.insert(0, 'tests')\n"
        "from test_charts import PERCENT, WHEEL\n"
        "from reportgen.charts.draw import draw\n"
        "for c in (WHEEL, PERCENT):\n"
        "    for f in ('svg', 'png'):\n"
        "        print(hashlib.sha256(draw(c, f)).hexdigest())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    here = [__import__("hashlib").sha256(draw(c, f)).hexdigest()
            for c in (WHEEL, PERCENT) for f in ("svg", "png")]
    assert out.split() == here


@pytest.mark.parametrize("name", list(EDGE_CASES))
@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_draw_edge_cases(name, fmt):
    data = draw(EDGE_CASES[name], fmt)
    if fmt == "svg":
        assert b"<svg" in data
    else:
        assert data.startswith(b"\x89PNG")
        png_chunks(data)


def test_draw_leaves_rcparams_unchanged():
    import matplotlib

    before = dict(matplotlib.rcParams)
    draw(PERCENT, "svg")
    draw(WHEEL, "png")
    after = dict(matplotlib.rcParams)
    assert after == before


def test_draw_rejects_unknown_format():
    with pytest.raises(ValueError):
        draw(WHEEL, "pdf")


def test_different_charts_draw_differently():
    assert draw(FOSTER, "svg") != draw(PERCENT, "svg")
    changed = Wheel("Objectives", (Slice("Good", 18, GOOD),
                                   Slice("Review", 5, REVIEW)))
    assert draw(changed, "png") != draw(WHEEL, "png")


# ---- cheap import --------------------------------------------------------

def test_importing_charts_does_not_import_matplotlib():
    code = "import reportgen.charts.spec, sys; print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_alt_text_and_key_do_not_import_matplotlib():
    code = (
        "import sys\n"
        "sys.path.insert(0, 'tests')\n"
        "from reportgen.charts.spec import Wheel, Slice, alt_text, chart_key\n"
        "w = Wheel('Measures', (Slice('Good', 3, '#00703c'),))\n"
        "alt_text(w); chart_key(w)\n"
        "print('matplotlib' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# ---- the report's typeface, and nothing else -----------------------------------------------

def test_png_is_opaque_rgb():
    """RGB, not RGBA: WeasyPrint would split an alpha channel into a mask and compress both."""
    from PIL import Image

    for chart in (WHEEL, PERCENT):
        image = Image.open(__import__("io").BytesIO(draw(chart, "png")))
        assert image.mode == "RGB"
        assert image.size == ((480, 285) if chart is WHEEL else (510, 300))


def test_matplotlib_knows_only_the_bundled_fonts_and_writes_nothing_to_home(tmp_path):
    """A first run on a fresh machine: Matplotlib gets a list of only styles/fonts' files, so
    it builds no font cache, writes nothing under HOME, and sets text in Liberation Sans."""
    code = (
        "import sys, os\n"
        "sys.path.insert(0, 'tests')\n"
        "from test_charts import PERCENT\n"
        "from reportgen.charts.draw import draw\n"
        "draw(PERCENT, 'png')\n"
        "from matplotlib import font_manager as fm\n"
        "print(sorted(os.path.basename(e.fname) for e in fm.fontManager.ttflist))\n"
        "print(fm.fontManager.afmlist)\n"
        "with __import__('matplotlib').rc_context(__import__('reportgen.charts.draw').charts"
        ".draw._rc()):\n"
        "    print(os.path.basename(fm.findfont(fm.FontProperties())))\n"
        "    print(os.path.basename(fm.findfont(fm.FontProperties(weight='bold'))))\n"
        "print(os.environ.get('MPLCONFIGDIR'))\n"
    )
    env = {k: v for k, v in __import__("os").environ.items()
           if k not in ("MPLCONFIGDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")}
    env.update(HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == str(sorted(["LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf",
                                 "LiberationSans-Italic.ttf", "LiberationSans-BoldItalic.ttf"]))
    assert out[1] == "[]"
    assert out[2:4] == ["LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"]
    assert out[4] == "None"  # put back after the import
    assert list(tmp_path.iterdir()) == []  # no ~/.cache/matplotlib, no ~/.config/matplotlib


def test_bundled_fonts_are_added_when_matplotlib_came_first(tmp_path):
    """A program that imported Matplotlib before reportgen keeps its font list; the bundled
    fonts are added to it, so charts are still set in Liberation Sans."""
    code = (
        "import os\n"
        "import matplotlib.font_manager as fm\n"
        "from reportgen.charts import mpl\n"
        "mpl.load()\n"
        "names = {os.path.basename(e.fname) for e in fm.fontManager.ttflist}\n"
        "print('LiberationSans-Regular.ttf' in names, len(names) > 4)\n"
    )
    env = dict(__import__("os").environ, MPLCONFIGDIR=str(tmp_path), PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "True"]


def test_font_list_version_is_read_from_matplotlib():
    from matplotlib import font_manager

    from reportgen.charts import mpl

    assert mpl._list_version() == font_manager.FontManager.__version__
