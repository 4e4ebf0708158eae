"""The ratings audit (`reportgen validate --ratings`): every measure's value and target, the
rule's rating, the published rating and why the report shows what it shows, so a policy
officer can check every rating before Cabinet."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.core.model import Measure, Objective, Report
from reportgen.core.ratings import COMPARE, Scheme

HEADER = ("Measure", "Value", "Target", "Rule", "Published", "Shown", "Why")


@dataclass(frozen=True)
class AuditRow:
    measure: str
    value: str
    target: str
    rule: str
    published: str
    shown: str
    why: str


def audit_rows(report: Report) -> list[AuditRow]:
    """Return one row per measure, in report order."""
    return [AuditRow(m.id, m.text(m.value) or (m.no_data and f"({m.no_data[:30]})") or "",
                     _target(m), _label(m.rule_rating), m.published or "",
                     _label(m.rating) if m.rating else (m.not_rated or ""),
                     _why(m, report)) for m in report.measures]


def _label(rating: object) -> str:
    return getattr(rating, "label", "") if rating else ""


def _target(m: Measure) -> str:
    if m.target is None:
        return ""
    floor = f" (floor {m.text(m.floor)})" if m.floor is not None else ""
    return m.text(m.target) + floor


def _why(m: Measure, report: Report) -> str:
    """Say why the measure shows the rating it does."""
    if m.published is not None:
        if m.value is None or m.target is None:
            missing = "no value" if m.value is None else "no target"
            return f"published ({missing}, so the rule gives none)"
        if not m.overridden:
            return "published, and the rule agrees"
        reason = m.rating_reason or "NO REASON GIVEN (rating_reason)"
        return f"OVERRIDES the rule: {reason}"
    if m.value is None:
        return "no value: not rated"
    if m.target is None:
        return "no target: not rated"
    return "the rule" + _travel(m, report)


def _travel(m: Measure, report: Report) -> str:
    """Say how direction of travel moved the rule's band, if it did."""
    scheme: Scheme = report.scheme
    if scheme.travel is None or m.rule_rating is None:
        return ""
    plain = scheme.rate(m.value, m.target, m.better, m.unit, floor=m.floor)
    if plain is None or plain.label == m.rule_rating.label:
        return ""
    since = COMPARE[scheme.travel.compare]
    return f" ({plain.label} before direction of travel against {since})"


def audit_text(report: Report) -> str:
    """Return the audit as an aligned plain-text table with a count of overrides."""
    rows = [HEADER, *((r.measure, r.value, r.target, r.rule, r.published, r.shown, r.why)
                      for r in audit_rows(report))]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER) - 1)]
    lines = [f"Ratings of {report.council}, {report.year} Quarter {report.quarter} "
             f"({report.scheme.name}, rule: {report.scheme.rule})"]
    for row in rows:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False))
                     + "  " + row[-1])
    overrides = [m for m in report.measures if m.overridden]
    unexplained = sum(not m.rating_reason for m in overrides)
    lines.append(f"{len(overrides)} published rating{'s' * (len(overrides) != 1)} differ"
                 f"{'s' * (len(overrides) == 1)} from the rule; {unexplained} without a reason")
    return "\n".join(lines + _progress_lines(report)) + "\n"


PROGRESS_HEADER = ("Objective", "Measures", "Computed", "Entered", "Shown", "Why")


def _progress_lines(report: Report) -> list[str]:
    """Return the objectives' part of the audit, where progress comes from measures."""
    setting = report.progress_from
    if setting is None:
        return []
    rows = [PROGRESS_HEADER, *((o.id, ", ".join(o.rated_measures) or "-", _label(o.computed),
                                _label(o.entered), o.progress.label, _progress_why(o))
                               for o in report.objectives)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(PROGRESS_HEADER) - 1)]
    lines = ["", f"Objective progress from measures ({setting.rule})"]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False))
              + "  " + row[-1] for row in rows]
    differ = [o for o in report.objectives if o.overridden]
    unexplained = sum(not o.progress_reason for o in differ)
    lines.append(f"{len(differ)} entered progress{'es' * (len(differ) != 1)} differ"
                 f"{'s' * (len(differ) == 1)} from the measures'; {unexplained} without a "
                 "reason")
    return lines


def _progress_why(o: Objective) -> str:
    """Say why the objective shows the progress it does."""
    if o.computed is None:
        return "no rated measures: as entered" if o.entered else "no rated measures"
    if o.entered is None:
        return "computed from its measures"
    if not o.overridden:
        return "entered, and the measures agree"
    return f"OVERRIDES the measures: {o.progress_reason or 'NO REASON GIVEN (progress_reason)'}"



