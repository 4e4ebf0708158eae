"""Rate measures: the one place a rating is computed, for every quarter a report shows."""

from __future__ import annotations

from reportgen.core.model import Measure, QuarterStatus, Report
from reportgen.core.ratings import Scheme


def rate(report: Report) -> None:
    """Rate every measure with the report's scheme: this quarter, the year's earlier
    quarters (the trend over time) and last quarter's rating (the changes)."""
    scheme = report.scheme
    for m in report.measures:
        m.rating = scheme.rate(m.value, m.target, m.better, m.unit)
    measures = {m.id: m for m in report.measures}
    for status in report.quarters:
        _rate_quarter(status, measures, scheme)
    before = next((s for s in report.quarters if s.quarter == report.quarter - 1), None)
    for m in report.measures:
        m.previous_rating = before.ratings.get(m.id) if before else None


def _rate_quarter(status: QuarterStatus, measures: dict[str, Measure], scheme: Scheme) -> None:
    status.ratings = {
        ident: scheme.rate(value, target, measures[ident].better, measures[ident].unit)
        for ident, (value, target) in status.figures.items() if ident in measures}
