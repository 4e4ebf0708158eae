"""The computed report as plain data: `reportgen export --format json`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reportgen.compute.layout import counted
from reportgen.compute.summary import progress_counts, rating_counts
from reportgen.core.items import Item, Status
from reportgen.core.model import Measure, Objective, Report
from reportgen.core.numbers import Quantity
from reportgen.core.ratings import AWAITING


def number(quantity: Quantity | None) -> int | float | None:
    """Return a quantity as a JSON number: an int when it has no decimals."""
    if quantity is None:
        return None
    value: Decimal = quantity.value
    return int(value) if quantity.decimals == 0 else float(value)


def report_data(report: Report) -> dict[str, Any]:
    """Return the report's data in the export contract of docs/data-format.md; milestones,
    projects and risks only where the plan has them, so other exports stay as they were."""
    data = _core_data(report)
    if report.items:
        data.update(item_data(report))
    return data


def item_data(report: Report) -> dict[str, Any]:
    """Return the milestones, projects and risks, with status now and before."""
    def status(s: Status | None) -> str | None:
        return s.label if s else None

    def change(kind: str, item: Item) -> str | None:
        return report.items.schemes[kind].change(item.previous, item.status) \
            if item.previous_known else None

    items = report.items
    return {
        "before": items.before_label or None,
        "milestones": [
            {"id": m.id, "title": m.title, "outcome": m.outcome_id, "owner": m.owner,
             "status": status(m.status), "status_before": status(m.previous),
             "change": change("milestones", m), "comment": m.comment}
            for m in items.milestones],
        "projects": [
            {"id": p.id, "title": p.title, "outcome": p.outcome_id, "owner": p.owner,
             "stage": p.stage or None, "status": status(p.status),
             "status_before": status(p.previous), "change": change("projects", p),
             "closed": p.closed or None, "comment": p.comment}
            for p in items.projects],
        "risks": [
            {"id": r.id, "title": r.title, "outcome": r.outcome_id, "owner": r.owner,
             "kind": r.kind, "impact": r.impact, "likelihood": r.likelihood, "score": r.score,
             "target_score": r.target_score, "score_before": r.previous_score,
             "change": r.change, "closed": r.closed or None, "comment": r.comment}
            for r in items.risks],
    }


def _core_data(report: Report) -> dict[str, Any]:
    return {
        "council": report.council,
        "plan": report.plan,
        "year": report.year,
        "quarter": report.quarter,
        "summary": {
            "objectives": {c.label: c.count for c in
                           progress_counts(report.objectives, report.progress_scheme)},
            # the report's own counts: without earlier data where the profile counts this
            # quarter only (layout.counted); every measure is still listed below
            "measures": {c.label: c.count for c in rating_counts(counted(report, report.measures),
                                                                 report.scheme)},
        },
        "objectives": [
            {"id": o.id, "title": o.title, "outcome": o.outcome_id, "owner": o.owner,
             # a deliverable's is as typed in the plan ("March 2021", "Ongoing")
             "expected_completion": o.expected_completion or o.completion_text,
             "progress": None if o.progress.label == AWAITING else o.progress.label,
             "comment": o.comment, **_progress_fields(o, report)}
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
        ] + [
            {"objective": o.id, "rated_measures": list(o.rated_measures),
             "computed_progress": o.computed.label if o.computed else None,
             "published_progress": o.entered.label if o.entered else None,
             "reason": o.progress_reason}
            for o in report.objectives if o.overridden
        ],
    }


def _progress_fields(o: Objective, report: Report) -> dict[str, Any]:
    """Return how progress computed from measures came about, where the plan computes it
    (nothing otherwise, so exports of other plans keep their shape)."""
    if report.progress_from is None:
        return {}
    return {"computed_progress": o.computed.label if o.computed else None,
            "entered_progress": o.entered.label if o.entered else None,
            "rated_measures": list(o.rated_measures), "progress_reason": o.progress_reason,
            "overridden": o.overridden}


def _rating_fields(m: Measure) -> dict[str, Any]:
    """Return how a measure's rating came about: the rule's, the council's, and why."""
    return {"floor": number(m.floor), "rule_rating": m.rule_rating.label if m.rule_rating
            else None, "published_rating": m.published, "rating_reason": m.rating_reason,
            "overridden": m.overridden, "not_rated": m.not_rated}
