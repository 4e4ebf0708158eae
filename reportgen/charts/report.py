"""Which charts a report shows, by their place in it: status wheels overall and per outcome,
a trend panel per measure, and the year so far as stacked bars."""

from __future__ import annotations

import dataclasses

from reportgen.charts.spec import (
    Bars,
    Cell,
    Chart,
    Point,
    RiskMatrix,
    Series,
    Slice,
    Trend,
    Wheel,
)
from reportgen.compute import trends
from reportgen.compute.layout import counted
from reportgen.compute.rate import roll_up
from reportgen.compute.summary import progress_counts, rating_counts
from reportgen.core.model import Measure, Report


def report_charts(report: Report) -> dict[str, Chart]:
    """Return every chart the report shows, by its place: overall and per outcome wheels,
    and a trend for each measure with a value and at least one earlier year."""
    out: dict[str, Chart] = {}
    words = report.words
    groups = [("overall", report.objectives, report.measures)] + [
        (o.id, o.objectives, o.measures) for o in report.outcomes]
    for key, objectives, measures in groups:
        out[f"{key}-objectives"] = Wheel(words.gettext("Objectives"), tuple(
            Slice(words.label(c.label), c.count, c.colour)
            for c in progress_counts(objectives, report.progress_scheme)))
        rated = rating_counts(counted(report, measures), report.scheme)
        if any(c.count for c in rated):
            out[f"{key}-measures"] = Wheel(words.gettext("Measures"), tuple(
                Slice(words.label(c.label), c.count, c.colour) for c in rated))
    if report.profile.overview_wheel == "by-outcome":
        out["overall-objectives"] = by_outcome(report)
    for m in report.measures:
        if m.value is not None and m.history:
            out[f"trend-{m.id}"] = trend(report, m)
    for kind in ("objectives", "measures"):  # the year so far, quarter by quarter
        out[f"year-{kind}"] = year_chart(report, kind)
    for kind in ("threat", "opportunity"):
        if any(r.kind == kind and r.score and not r.closed for r in report.items.risks):
            out[f"risks-{kind}"] = risk_matrix(report, kind)
    if report.chart_colours:  # the council's palette ([branding] palette: ink, muted)
        colours = tuple(sorted(report.chart_colours.items()))
        out = {place: dataclasses.replace(chart, colours=colours) for place, chart in out.items()}
    return out


def by_outcome(report: Report) -> Wheel:
    """Return the overall objectives wheel with an inner ring of outcomes, each in the colour
    of its objectives' progress rolled up by the profile's rule, and the outer ring in
    outcome order (report 002: "priorities inner, deliverables outer")."""
    words = report.words
    inner, groups = [], []
    for outcome in report.outcomes:
        level = (roll_up((o.progress for o in outcome.objectives), report.profile.roll_up,
                         report.progress_scheme) or report.progress_scheme.awaiting)
        inner.append(Slice(f"{outcome.name}: {words.label(level.label)}",
                           len(outcome.objectives), level.colour))
        groups.append(tuple(Slice(words.label(c.label), c.count, c.colour) for c in
                            progress_counts(outcome.objectives, report.progress_scheme)))
    totals = tuple(Slice(words.label(c.label), c.count, c.colour)
                   for c in progress_counts(report.objectives, report.progress_scheme))
    return Wheel(words.gettext("Objectives"), totals, inner=tuple(inner), groups=tuple(groups))


def risk_matrix(report: Report, kind: str) -> RiskMatrix:
    """Return the grid of open risks of one kind (threat or opportunity) by their place."""
    scale = report.items.scale
    assert scale is not None  # noqa: S101 - data.items always sets one
    words = report.words
    impact, likelihood = (tuple(words.label(w) for w in axis) for axis in scale.axes(kind))
    placed: dict[tuple[int, int], list[str]] = {}
    for r in report.items.risks:
        if r.kind == kind and r.impact and r.likelihood and not r.closed:
            placed.setdefault((r.impact, r.likelihood), []).append(r.id)
    cells = tuple(Cell(i, j, scale.level(i * j)[1], tuple(placed.get((i, j), ())))
                  for i in range(1, len(impact) + 1) for j in range(1, len(likelihood) + 1))
    title = (words.gettext("Strategic risks: threats") if kind == "threat" else
             words.gettext("Strategic risks: opportunities"))
    return RiskMatrix(title, impact, likelihood, cells,
                      axes=(words.gettext("Likelihood"), words.gettext("Impact")))


def trend(report: Report, m: Measure) -> Trend:
    """Return the trend panel of one measure: earlier years, then the latest value."""
    assert m.value is not None  # noqa: S101 - report_charts asks only for measures with one
    points = [Point(year, float(q), m.text(q)) for year, q in sorted(m.history.items())]
    points.append(Point(report.year, float(m.value), m.text(m.value)))
    target = Point(report.year, float(m.target), m.text(m.target)) if m.target else None
    words = report.words
    benchmark = (Point(m.benchmark_group or words.gettext("Benchmark"), float(m.benchmark),
                       m.text(m.benchmark)) if m.benchmark else None)
    colour = m.rating.colour if m.rating else "#505a5f"
    return Trend(m.title, tuple(points[-5:]), target, benchmark, m.unit, colour,
                 (words.gettext("Target"), words.gettext("Benchmark")))


def year_chart(report: Report, kind: str) -> Bars:
    """Return the stacked bars of trends.trend_rows: one bar per quarter."""
    words = report.words
    title = (words.gettext("Strategic Objectives") if kind == "objectives"
             else words.gettext("Measures"))
    return Bars(title, tuple(trends.quarter_labels(report)), tuple(
        Series(words.label(r.label), r.colour, r.counts) for r in trends.trend_rows(report, kind)))
