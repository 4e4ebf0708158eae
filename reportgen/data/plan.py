"""Load a year directory's plan for the plan document: plan.yaml and, if there,
plan-text.yaml, checked, with every problem collected."""

from __future__ import annotations

from pathlib import Path

from reportgen.core.errors import DataError, Problem, UsageError, display_path
from reportgen.core.plan import Deliverable, Part, PlanDocument, Priority, Section
from reportgen.data.layout import PLAN_FILE, PLAN_TEXT_FILE
from reportgen.data.load import outcomes_of, read_checked
from reportgen.data.profile import progress_scheme
from reportgen.data.schema import (
    DeliverableSpec,
    DeliveryPlanSpec,
    PartSpec,
    PlanFile,
    PlanTextFile,
    SectionSpec,
)


def year_dir_of(path: Path) -> Path:
    """Return the year directory for a year directory, its plan.yaml, or one of its
    quarters; raise UsageError when there is no plan.yaml there."""
    for candidate in (path, path.parent):
        if (candidate / PLAN_FILE).is_file():
            return candidate
    raise UsageError(f"{display_path(path)} is not a year directory: it has no {PLAN_FILE} "
                     "(see docs/data-format.md)")


def load_plan(year_dir: Path) -> PlanDocument:
    """Read and check the plan and its text; raise DataError listing every problem."""
    year_dir = year_dir_of(year_dir)
    problems: list[Problem] = []
    plan = read_checked(year_dir / PLAN_FILE, PlanFile, problems)
    text_path = year_dir / PLAN_TEXT_FILE
    text = read_checked(text_path, PlanTextFile, problems) if text_path.is_file() else None
    if plan is None or (text_path.is_file() and text is None):
        raise DataError(problems)
    doc, spec = plan
    outcomes = outcomes_of(doc, spec, progress_scheme(doc, spec, problems), problems)
    if any(p.severity == "error" for p in problems):
        raise DataError(problems)
    words = text[1] if text is not None else PlanTextFile()
    delivery = words.delivery_plan or DeliveryPlanSpec()
    priorities = [Priority(outcome, [_deliverable(d) for d in o.deliverables])
                  for outcome, o in zip(outcomes, spec.outcomes, strict=True)]
    return PlanDocument(
        spec.council, spec.plan, spec.year, year_dir, priorities,
        title=words.title or spec.plan, subtitle=words.subtitle or "",
        before=[_section(s) for s in words.before], after=[_section(s) for s in words.after],
        measures_heading=words.measures_heading,
        measures_introduction=words.measures_introduction,
        delivery_title=delivery.title, delivery_introduction=delivery.introduction,
        departments=dict(delivery.departments), warnings=sorted(problems))


def _part(spec: PartSpec) -> Part:
    return Part(spec.title, spec.department or "", spec.start or "",
                spec.expected_completion or "", spec.stage or "")


def _deliverable(spec: DeliverableSpec) -> Deliverable:
    row = _part(spec)
    return Deliverable(row.title, row.department, row.start, row.expected_completion,
                       row.stage, id=spec.id, horizon=spec.horizon, summary=spec.summary or "",
                       priority_page=spec.priority_page,
                       in_delivery_plan=spec.in_delivery_plan,
                       parts=[_part(p) for p in spec.parts])


def _section(spec: SectionSpec) -> Section:
    return Section(spec.title, spec.text, spec.new_page)
