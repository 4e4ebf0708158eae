"""The computed report as plain data: `reportgen export --format json`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reportgen.compute.summary import progress_counts, rating_counts
from reportgen.core.model import Measure, Report
from reportgen.core.numbers import Quantity
from reportgen.core.ratings import AWAITING


def number(quantity: Quantity | None) -> int | float | None:
    """Return a quantity as a JSON number: an int when it has no decimals."""
    if quantity is None:
        return None
    value: Decimal = quantity.value
    return int(value) if quantity.decimals == 0 else float(value)


def report_data(report: Report) -> dict[str, Any]:
    """Return the report's data in the export contract of docs/data-format.md."""
    return {
        "council": report.council,
        "plan": report.plan,
        "year": report.year,
        "quarter": report.quarter,
        "summary": {
            "objectives": {c.label: c.count for c in
                           progress_counts(report.objectives, report.progress_scheme)},
            "measures": {c.label: c.count for c in rating_counts(report.measures, report.scheme)},
        },
        "objectives": [
            {"id": o.id, "title": o.title, "outcome": o.outcome_id, "owner": o.owner,
             # a deliverable's is as typed in the plan ("March 2021", "Ongoing")
             "expected_completion": o.expected_completion or o.completion_text,
             "progress": None if o.progress.label == AWAITING else o.progress.label,
             "comment": o.comment}
            for o in report.objectives
        ],
        "measures": [
            {"id": m.id, "objective": m.objective_id or None,  # None: an outcome's key measure
             "title": m.title, "unit": m.unit,
             "better": m.better, "reporting": m.reporting, "value": number(m.value),
             "target": number(m.target), "rating": m.rating.label if m.rating else None,
             "benchmark": number(m.benchmark), "benchmark_group": m.benchmark_group or None,
             "history": {year: number(q) for year, q in m.history.items()},
             "no_data": m.no_data, **_rating_fields(m)}
            for m in report.measures
        ],
        "overrides": [
            {"measure": m.id, "value": number(m.value), "target": number(m.target),
             "rule_rating": m.rule_rating.label if m.rule_rating else None,
             "published_rating": m.published, "reason": m.rating_reason}
            for m in report.measures if m.overridden
        ],
    }


def _rating_fields(m: Measure) -> dict[str, Any]:
    """Return how a measure's rating came about: the rule's, the council's, and why."""
    return {"floor": number(m.floor), "rule_rating": m.rule_rating.label if m.rule_rating
            else None, "published_rating": m.published, "rating_reason": m.rating_reason,
            "overridden": m.overridden, "not_rated": m.not_rated}
