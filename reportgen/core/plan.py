"""The plan document as data: the council's text, its priorities (outcomes) with their
deliverables and key measures, and the delivery plan."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.core.errors import Problem
from reportgen.core.model import Measure, Objective, Outcome

NEXT_YEAR, FOUR_YEARS = "next-year", "four-years"


@dataclass
class Part:
    """A row of the delivery plan table: a deliverable, or a part printed under one."""

    title: str
    department: str = ""
    start: str = ""
    expected_completion: str = ""
    stage: str = ""


@dataclass
class Deliverable(Part):
    id: str = ""
    horizon: str = NEXT_YEAR
    summary: str = ""  # the priority page's wording, where it differs from the title
    priority_page: bool = True
    in_delivery_plan: bool = True
    parts: list[Part] = field(default_factory=list)

    @property
    def page_text(self) -> str:
        """Return the deliverable as the priority's page lists it."""
        return self.summary or self.title


@dataclass
class Section:
    title: str
    text: str
    new_page: bool = True

    @property
    def anchor(self) -> str:
        """Return the section's id in the document: "section-have-your-say"."""
        return "section-" + (re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-") or "x")


@dataclass
class Priority:
    """An outcome of the plan as the plan document shows it."""

    outcome: Outcome
    deliverables: list[Deliverable]

    @property
    def objectives(self) -> list[Objective]:
        return [o for o in self.outcome.objectives if o.kind == "objective"]

    @property
    def measures(self) -> list[Measure]:
        return self.outcome.measures

    def horizon(self, horizon: str) -> list[Deliverable]:
        """Return the deliverables its page lists under one horizon, in plan order."""
        return [d for d in self.deliverables if d.horizon == horizon and d.priority_page]

    @property
    def delivery_rows(self) -> list[Deliverable]:
        return [d for d in self.deliverables if d.in_delivery_plan]


@dataclass
class PlanDocument:
    council: str
    plan: str
    year: str
    directory: Path
    priorities: list[Priority]
    title: str = ""
    subtitle: str = ""
    before: list[Section] = field(default_factory=list)
    after: list[Section] = field(default_factory=list)
    measures_heading: str = "Measuring impact"
    measures_introduction: str = ""
    delivery_title: str = "Delivery Plan"
    delivery_introduction: str = ""
    departments: dict[str, str] = field(default_factory=dict)
    brand_css: str = ""
    warnings: list[Problem] = field(default_factory=list)

    @property
    def deliverables(self) -> list[Deliverable]:
        return [d for p in self.priorities for d in p.deliverables]

    @property
    def measures(self) -> list[Measure]:
        return [m for p in self.priorities for m in p.measures]

    @property
    def has_delivery_plan(self) -> bool:
        return any(p.delivery_rows for p in self.priorities)
