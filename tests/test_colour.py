"""Colour: WCAG contrast of text and graphics, and a palette that colour-blind readers can
still tell apart (docs/accessibility.md, "Colour")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reportgen.charts import draw as charts
from reportgen.core.ratings import BUILT_IN, PROGRESS, scheme_from
from reportgen.render.palette import closest_pair, contrast, delta_e, lab, linear, simulate

ROOT = Path(__file__).resolve().parents[1]
CSS = (ROOT / "styles" / "report.css").read_text(encoding="utf-8")
WHITE = "#ffffff"
VISION = [None, "protan", "deutan", "tritan"]
# CIEDE2000 between any two colours shown together, for every kind of vision. About 1 is just
# noticeable side by side; 10 keeps slices and icons apart at a glance and in small sizes.
MIN_DISTANCE = 10.0
NO_RATING = "#505a5f"  # build.trend: the latest bar of a measure with no target


def css_var(name: str) -> str:
    """Return a custom property's value from the stylesheet's :root."""
    return re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", CSS).group(1)


def schemes() -> dict[str, dict[str, str]]:
    """Return every palette shown together: objective progress and each rating scheme."""
    out = {"progress": {p.label: p.colour for p in PROGRESS}}
    for name in BUILT_IN:
        out[name] = {b.label: b.colour for b in scheme_from(name).bands}
    return out


# ---- contrast ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, background", [
    ("ink", WHITE), ("ink", "band"), ("brand", WHITE), ("brand", "band"), ("muted", WHITE),
    ("muted", "band"), (WHITE, "brand"), ("link", WHITE), ("link", "band"),
    ("ink", "highlight")])
def test_text_contrast_is_at_least_4_5(text, background):
    """Body text, headings, table heads (white on brand), links, muted notes, the banner."""
    fg = text if text.startswith("#") else css_var(text)
    bg = background if background.startswith("#") else css_var(background)
    assert contrast(fg, bg) >= 4.5, f"{text} on {background}: {contrast(fg, bg):.2f}"


@pytest.mark.parametrize("colour", [charts.TEXT, charts.AXIS])
def test_chart_text_contrast_is_at_least_4_5(colour):
    assert contrast(colour, WHITE) >= 4.5


@pytest.mark.parametrize("colour", sorted({c for p in schemes().values() for c in p.values()}
                                          | {charts.EARLIER, charts.TARGET, charts.BENCHMARK}))
def test_graphics_contrast_is_at_least_3(colour):
    """Slices, bars, lines and rating icons: on white charts and on striped table rows."""
    assert contrast(colour, WHITE) >= 3.0
    assert contrast(colour, css_var("band")) >= 3.0


def test_contrast_matches_wcag_examples():
    assert contrast("#000000", WHITE) == pytest.approx(21.0)
    assert contrast("#767676", WHITE) == pytest.approx(4.54, abs=0.01)


# ---- colour-vision deficiencies ------------------------------------------------------------

@pytest.mark.parametrize("vision", VISION, ids=lambda v: v or "normal")
@pytest.mark.parametrize("palette", list(schemes()))
def test_palette_stays_distinguishable(palette, vision):
    distance, a, b = closest_pair(schemes()[palette], vision)
    assert distance >= MIN_DISTANCE, f"{a} and {b} ({vision}): {distance:.1f}"


@pytest.mark.parametrize("vision", VISION, ids=lambda v: v or "normal")
def test_trend_bars_stand_out_from_earlier_years_and_lines(vision):
    """The latest bar takes the rating colour; earlier bars are grey; lines cross them."""
    def seen(colour: str) -> tuple[float, float, float]:
        return lab(simulate(colour, vision) if vision else linear(colour))

    for name in BUILT_IN:
        for band in scheme_from(name).bands:
            for other in (charts.EARLIER, charts.BENCHMARK):
                assert delta_e(seen(band.colour), seen(other)) >= MIN_DISTANCE, (band, other)
    assert delta_e(seen(NO_RATING), seen(charts.EARLIER)) >= MIN_DISTANCE


def test_old_review_and_action_colours_fail_for_protans():
    """The check can fail: the previous amber and red were 2.9 apart for protanopes."""
    distance, *_ = closest_pair({"Review": "#a85200", "Action": "#d4351c"}, "protan")
    assert distance < MIN_DISTANCE


def test_ciede2000_matches_sharma_reference_pairs():
    """Sharma, Wu and Dalal (2005), test data pairs 1 and 17."""
    assert delta_e((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert delta_e((50, 2.5, 0), (73, 25, -18)) == pytest.approx(27.1492, abs=1e-4)


def test_simulation_keeps_greys_grey():
    """Machado matrices have rows summing to 1: a neutral colour is seen unchanged."""
    for vision in VISION[1:]:
        assert simulate("#808080", vision) == pytest.approx(linear("#808080"), abs=1e-3)
