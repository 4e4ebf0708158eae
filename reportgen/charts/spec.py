"""What each chart shows, as plain data: status wheels, measure trend panels and the year's
stacked bars; their alt text and a content key for the chart cache. No Matplotlib here
(charts.draw draws them), so commands that never draw stay quick."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from reportgen.core.words import Words

# Bump whenever the drawing changes, so cached chart files are redrawn.
STYLE_VERSION = "charts-2"  # 2: Liberation Sans, opaque RGB PNG



# The council's chart colours from [branding] palette: ink (text, the target line) and muted
# (axes, earlier years), as sorted (name, #rrggbb) pairs; empty for ours.
Colours = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Slice:
    label: str      # a rating word: "Good", "Review", "Awaiting update"...
    count: int
    colour: str     # "#00703c"


@dataclass(frozen=True)
class Wheel:
    title: str                 # "Objectives" or "Measures"
    slices: tuple[Slice, ...]  # in the scheme's order, zero counts allowed
    colours: Colours = ()  # the council's palette: ("ink", "#..."), ("muted", ...)
    # By outcome (report 002): the inner ring, one slice per outcome (labelled "outcome:
    # its rolled-up progress", sized by its objectives, in that progress's colour), and the
    # outer ring drawn as each outcome's slices in turn, so that every outcome's objectives
    # sit outside it. `slices` stays the totals: the legend, the number in the middle and
    # the alt text.
    inner: tuple[Slice, ...] = ()
    groups: tuple[tuple[Slice, ...], ...] = ()


@dataclass(frozen=True)
class Point:
    label: str   # year label "2023-24"
    value: float
    text: str    # the value as printed, e.g. "92.0%", "£7,722,500", "2,543"


@dataclass(frozen=True)
class Trend:
    title: str                 # the measure title
    points: tuple[Point, ...]  # earlier years then the latest, oldest first
    target: Point | None       # the latest target (label = year)
    benchmark: Point | None    # label = benchmark group
    unit: str                  # "count" | "percent" | "currency" | "number"
    colour: str                # colour of the latest point/bar
    key: tuple[str, str] = ("Target", "Benchmark")  # the key's words, in the report's language
    colours: Colours = ()  # the council's palette: ("ink", "#..."), ("muted", ...)


@dataclass(frozen=True)
class Series:
    label: str                       # a rating word
    colour: str
    counts: tuple[int | None, ...]   # one per category; None where not reported yet


@dataclass(frozen=True)
class Bars:
    """Stacked bars of counts per rating, one bar per category (a quarter)."""

    title: str                       # "Strategic Objectives" or "Measures"
    categories: tuple[str, ...]      # "Jun 2025", "Sep 2025", ...
    series: tuple[Series, ...]       # in the key's order, best first
    colours: Colours = ()  # the council's palette: ("ink", "#..."), ("muted", ...)


@dataclass(frozen=True)
class Cell:
    impact: int       # 1 (lowest) up
    likelihood: int
    colour: str       # the score level's colour
    risks: tuple[str, ...]  # risk ids placed in the cell


@dataclass(frozen=True)
class RiskMatrix:
    """An impact x likelihood grid with each risk placed by its id (report 004's key)."""

    title: str                      # "Strategic risks: threats"
    impact: tuple[str, ...]         # scale words, lowest first: Low ... Very high
    likelihood: tuple[str, ...]     # Remote ... Highly probable
    cells: tuple[Cell, ...]         # every cell, impact-major
    colours: Colours = ()  # the council's palette: ("ink", "#..."), ("muted", ...)
    axes: tuple[str, str] = ("Likelihood", "Impact")  # the axes' names, in the report's words


Chart = Wheel | Trend | Bars | RiskMatrix
CHARTS = (Wheel, Trend, Bars, RiskMatrix)


# --------------------------------------------------------------------------
# Alt text and cache key (no matplotlib)
# --------------------------------------------------------------------------

def shown_slices(wheel: Wheel) -> list[Slice]:
    return [s for s in wheel.slices if s.count > 0]


def alt_text(chart: Chart, words: Words | None = None) -> str:
    """A sentence describing the chart, for the image's alt attribute.

    Wheel: ``"Objectives: 19 Good, 4 Review, 1 Action (24 in all)"`` or
    ``"Objectives: none"``. Trend: ``"<title>: 2023-24 322, 2024-25 346;
    target 343; benchmark 87.1% (England Average June 2025)."``
    """
    w = words or Words()
    if isinstance(chart, Wheel):
        shown = shown_slices(chart)
        if not shown:
            return w.format("%(title)s: none", title=chart.title)
        listed = ", ".join(f"{s.count} {s.label}" for s in shown)
        total = sum(s.count for s in shown)
        text = w.format("%(title)s: %(parts)s (%(total)s in all)", title=chart.title,
                        parts=listed, total=total)
        if chart.inner:  # the inner ring: each outcome's rolled-up progress
            text += w.format("; by outcome: %(parts)s",
                             parts="; ".join(s.label for s in chart.inner))
        return text
    if isinstance(chart, Trend):
        text = f"{chart.title}: " + ", ".join(
            f"{p.label} {p.text}" for p in chart.points
        )
        if chart.target is not None:
            text += w.format("; target %(value)s", value=chart.target.text)
        if chart.benchmark is not None:
            text += w.format("; benchmark %(value)s", value=chart.benchmark.text)
            if chart.benchmark.label:
                text += f" ({chart.benchmark.label})"
        return text + "."
    if isinstance(chart, Bars):
        parts: list[str] = []
        for i, category in enumerate(chart.categories):
            counts = [(s.label, s.counts[i]) for s in chart.series]
            if all(c is None for _, c in counts):
                parts.append(w.format("%(quarter)s not yet reported", quarter=category))
                continue
            named = ", ".join(f"{c} {label}" for label, c in counts if c)
            parts.append(f"{category} {named or w.gettext('none rated')}")
        return w.format("%(title)s by quarter: %(parts)s.", title=chart.title,
                        parts="; ".join(parts))
    if isinstance(chart, RiskMatrix):
        return risk_matrix_alt(chart, w)
    raise TypeError(f"not a chart: {chart!r}")


def risk_matrix_alt(chart: RiskMatrix, words: Words | None = None) -> str:
    """Every risk by cell, highest score first: "Strategic risks: threats, 15 placed by
    impact and likelihood. Very high impact, Highly probable likelihood (score 16): SR3_CR3,
    SR15_CR16; ..."."""
    w = words or Words()
    placed = sorted((c for c in chart.cells if c.risks),
                    key=lambda c: (-c.impact * c.likelihood, -c.impact))
    if not placed:
        return w.format("%(title)s: none", title=chart.title)
    parts = [w.format("%(impact)s impact, %(likelihood)s likelihood (score %(score)s): "
                      "%(risks)s", impact=chart.impact[c.impact - 1],
                      likelihood=chart.likelihood[c.likelihood - 1],
                      score=c.impact * c.likelihood, risks=", ".join(c.risks))
             for c in placed]
    count = sum(len(c.risks) for c in placed)
    return w.format("%(title)s, %(count)s placed by impact and likelihood. %(cells)s.",
                    title=chart.title, count=count, cells="; ".join(parts))


def _plain(obj: Any) -> Any:
    """The chart's data as JSON-ready values, numbers normalised to floats
    so that equal charts (322 == 322.0) give equal keys."""
    if is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {"_type": type(obj).__name__}
        for f in fields(obj):
            if f.name in ("colours", "inner", "groups") and not getattr(obj, f.name):
                continue  # keys stay those of charts drawn before palettes and inner rings
            if f.name == "axes" and getattr(obj, f.name) == f.default:
                continue  # English axes: keys stay those of matrices drawn before words
            out[f.name] = _plain(getattr(obj, f.name))
        return out
    if isinstance(obj, (list, tuple)):
        return [_plain(x) for x in obj]
    if isinstance(obj, bool) or obj is None or isinstance(obj, str):
        return obj
    if isinstance(obj, (int, float)):
        value = float(obj) + 0.0  # -0.0 -> 0.0
        return value if math.isfinite(value) else repr(value)
    return str(obj)


def chart_key(chart: Chart) -> str:
    """Stable content hash of the chart's data and STYLE_VERSION (16 hex)."""
    if not isinstance(chart, CHARTS):
        raise TypeError(f"not a chart: {chart!r}")
    payload = json.dumps(
        {"style": STYLE_VERSION, "chart": _plain(chart)},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
