"""The report as data: a quarter of one plan, with every value checked and every measure rated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.core import numbers
from reportgen.core.errors import Problem
from reportgen.core.items import Items
from reportgen.core.numbers import Quantity
from reportgen.core.profile import Profile
from reportgen.core.ratings import (
    DEFAULT_PROGRESS,
    FromMeasures,
    Progress,
    ProgressScheme,
    Rating,
    Scheme,
)
from reportgen.core.words import Words

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
QUARTER_END_MONTH = {1: 6, 2: 9, 3: 12, 4: 3}  # Quarter 1 is April to June


def earlier_year(year: str, back: int) -> str:
    """Return the plan year `back` years before: earlier_year("2025-26", 1) == "2024-25"."""
    start = int(year[:4]) - back
    return f"{start}-{(start + 1) % 100:02d}"


def quarter_label(year: str, quarter: int) -> str:
    """Return the month that ends the quarter, with its year: quarter_label("2025-26", 4)
    == "Mar 2026"."""
    month = QUARTER_END_MONTH[quarter]
    return f"{MONTHS[month - 1]} {int(year[:4]) + (quarter == 4)}"


@dataclass
class Measure:
    id: str
    title: str
    unit: str
    better: str
    reporting: str
    frequency: str
    objective_id: str
    benchmark_group: str = ""
    value: Quantity | None = None
    target: Quantity | None = None
    benchmark: Quantity | None = None
    history: dict[str, Quantity] = field(default_factory=dict)
    no_data: str | None = None
    as_at: dt.date | None = None
    note: str | None = None
    rating: Rating | None = None
    source: str | None = None  # file:line of the update, None when not updated
    # where each typed-in history value is: file, line, column
    history_where: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    previous_rating: Rating | None = None  # the rating in the previous quarter, if any
    plan_target: Quantity | None = None  # the target the plan document prints, if set
    floor: Quantity | None = None  # thresholds rule: given, or the target less a tolerance
    tolerance: Quantity | None = None
    published: str | None = None  # the council's own rating word, as typed (`rating:`)
    rating_reason: str | None = None
    rating_where: tuple[str, int, int] | None = None  # file, line, column of `rating:`
    rule_rating: Rating | None = None  # what the scheme's rule gives (compute.rate)
    not_rated: str | None = None  # "Baseline" or "No quarterly target", as published
    not_reported: str | None = None  # why it is not in this quarter's report

    @property
    def overridden(self) -> bool:
        """Tell whether the published rating differs from the rule's (the rule gave one)."""
        if self.published is None or self.target is None or self.value is None:
            return False
        rule = self.rule_rating.label if self.rule_rating else None
        return self.published != rule

    @property
    def updated(self) -> bool:
        return self.value is not None or self.no_data is not None

    def text(self, quantity: Quantity | None) -> str:
        """Return a quantity of this measure as printed: "92.0%", "£7,722,500"."""
        return numbers.format(quantity, self.unit)


@dataclass
class Objective:
    id: str
    title: str
    expected_completion: str  # YYYY-MM
    owner: str
    outcome_id: str
    progress: Progress
    comment: str = ""
    measures: list[Measure] = field(default_factory=list)
    source: str | None = None
    previous: Progress | None = None  # the progress in the previous quarter, if entered
    kind: str = "objective"  # or "deliverable": one of an outcome's deliverables
    completion_text: str = ""  # a deliverable's expected completion as typed: "Ongoing"
    entered: Progress | None = None  # the progress word the update gives, if any
    progress_reason: str | None = None  # why it differs from the computed progress
    progress_where: tuple[str, int, int] | None = None  # file, line, column of `progress:`
    # computed from its measures (plan.yaml's progress_from_measures), by compute.rate
    computed: Progress | None = None
    rated_measures: tuple[str, ...] = ()  # the measure ratings it was computed from
    not_reported: str | None = None  # why it is not in this quarter's report

    @property
    def overridden(self) -> bool:
        """Tell whether the entered progress differs from the one computed from measures."""
        return (self.computed is not None and self.entered is not None
                and self.entered.label != self.computed.label)

    @property
    def completion_label(self) -> str:
        """Return the expected completion as printed: "Apr 2027"."""
        if self.kind == "deliverable":  # free text: "March 2021", "Ongoing", "Tbc"
            return self.completion_text
        year, month = self.expected_completion.split("-")
        return f"{MONTHS[int(month) - 1]} {year}"


@dataclass
class Outcome:
    id: str
    name: str
    title: str  # "" when the outcome has one name
    objectives: list[Objective]  # strategic objectives, then deliverables
    key_measures: list[Measure] = field(default_factory=list)  # the outcome's, not an objective's

    @property
    def heading(self) -> str:
        """Return "People: Empowered communities ...", or the one name when there is no title."""
        return f"{self.name}: {self.title}" if self.title else self.name

    @property
    def measures(self) -> list[Measure]:
        return [m for o in self.objectives for m in o.measures] + self.key_measures

    def measures_reported(self, reporting: str) -> list[Measure]:
        return [m for m in self.measures if m.reporting == reporting]


@dataclass(frozen=True)
class Initiative:
    """A headline initiative (report 002): its title, if any, and the quarter's activity."""

    title: str
    items: tuple[str, ...]


Figures = tuple[Quantity | None, Quantity | None]  # a measure's (value, target) as reported


@dataclass
class QuarterStatus:
    """One quarter of the year so far: each objective's progress as entered, each measure's
    value and target as reported then, and (once compute.rate has run) its rating."""

    quarter: int
    label: str  # the quarter's last month and year: "Jun 2025"
    progress: dict[str, Progress]
    figures: dict[str, Figures]
    ratings: dict[str, Rating | None] = field(default_factory=dict)
    published: dict[str, str] = field(default_factory=dict)  # measure id -> `rating:` word
    floors: dict[str, Quantity] = field(default_factory=dict)  # thresholds rule
    last_year: dict[str, Quantity] = field(default_factory=dict)  # same quarter, year before


@dataclass
class Report:
    council: str
    plan: str
    year: str
    quarter: int
    outcomes: list[Outcome]
    scheme: Scheme
    directory: Path
    introduction: str = ""
    achievements_intro: str = ""
    achievements: dict[str, list[str]] = field(default_factory=dict)
    brand_css: str = ""  # from reportgen.toml's [branding]; added after the stylesheet
    # the charts' colours from [branding] palette (ink, muted), by name; empty: ours
    chart_colours: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    quarters: list[QuarterStatus] = field(default_factory=list)  # this year so far, q1 first
    progress_scheme: ProgressScheme = DEFAULT_PROGRESS
    profile: Profile = field(default_factory=Profile)
    words: Words = field(default_factory=Words)
    # Quarter 1's quarter before: last plan year's Quarter 4, read with this year's plan
    before: QuarterStatus | None = None
    items: Items = field(default_factory=Items)  # milestones, projects, risks (report 004)
    layout: str = "objectives"  # objectives (report 001) | themes (report 004)
    measures_met: tuple[str, ...] = ()  # bands that count as met/exceeded target
    progress_from: FromMeasures | None = None  # objective progress computed from measures
    overview: str = ""  # the quarter's own text in the overview (Markdown)
    initiatives_intro: str = ""
    initiatives: list[Initiative] = field(default_factory=list)
    not_reported_intro: str = ""
    # objectives, deliverables and measures of the plan left out of this quarter's report
    # (`not_reported:`), with why; they are in no table and no count
    not_reported: list[Objective | Measure] = field(default_factory=list)

    @property
    def objectives(self) -> list[Objective]:
        return [o for outcome in self.outcomes for o in outcome.objectives]

    @property
    def measures(self) -> list[Measure]:
        return [m for outcome in self.outcomes for m in outcome.measures]

    @property
    def history_years(self) -> list[str]:
        """Return the two earlier years the measure tables show, oldest first."""
        return [earlier_year(self.year, 2), earlier_year(self.year, 1)]

    @property
    def title(self) -> str:
        """Return the report's title: "Performance Report Quarter 1 2025 to 2026" (or the
        profile's)."""
        start = int(self.year[:4])
        return self.words.format("Performance Report Quarter %(quarter)s %(start)s to %(end)s",
                                 quarter=self.quarter, start=start, end=start + 1,
                                 year=self.year, plan=self.plan, council=self.council)
