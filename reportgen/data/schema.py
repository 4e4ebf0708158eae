"""The shapes of the data files, as typed models; their JSON Schema is `reportgen schema`.

Every scalar reaches these models as the text that was typed (see yamlread), so the
models convert text, and the messages say what would be right in words a service lead
understands.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from reportgen.core.errors import Problem, did_you_mean
from reportgen.core.profile import TABLES
from reportgen.core.ratings import PROGRESS
from reportgen.data.yamlread import Document


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty; write some text or leave the field out")
    return value.strip()


def _pattern(regex: str, hint: str) -> Any:
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"'{value}' {hint}")
        return value

    return AfterValidator(check)


def _plan_year(value: str) -> str:
    start, _, end = value.partition("-")
    if (int(start) + 1) % 100 != int(end):
        raise ValueError(f"'{value}' is not a plan year: the second part should be "
                         f"{(int(start) + 1) % 100:02d}")
    return value


def _date(value: Any) -> Any:
    if not isinstance(value, str):
        return value  # pydantic then says what is wrong with it
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a date; write it as YYYY-MM-DD, "
                         "e.g. 2025-06-30") from None


Text = Annotated[str, AfterValidator(_text)]
YEAR_REGEX = r"\d{4}-\d{2}"
Year = Annotated[str, _pattern(YEAR_REGEX, "is not a year such as 2025-26"),
                 AfterValidator(_plan_year),
                 WithJsonSchema({"type": "string", "pattern": f"^{YEAR_REGEX}$",
                                 "description": "A financial year, e.g. 2025-26."})]
Id = Annotated[str, _pattern(r"[A-Za-z][A-Za-z0-9-]*",
                             "is not a valid id: use letters, digits and hyphens, e.g. SO-01"),
               WithJsonSchema({"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9-]*$"})]
MeasureId = Annotated[str, _pattern(r"[a-z0-9][a-z0-9-]*",
                                    "is not a valid measure id: use lower-case letters, digits "
                                    "and hyphens, e.g. foster-carers"),
                      WithJsonSchema({"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"})]
YearMonth = Annotated[str, _pattern(r"\d{4}-(0[1-9]|1[0-2])",
                                    "is not a year and month; write it as YYYY-MM, e.g. 2027-04"),
                      WithJsonSchema({"type": "string", "pattern": "^\\d{4}-(0[1-9]|1[0-2])$",
                                      "description": "Year and month, printed as 'Apr 2027'."})]
Date = Annotated[dt.date, BeforeValidator(_date),
                 WithJsonSchema({"type": "string", "format": "date",
                                 "description": "The date of the data, YYYY-MM-DD."})]
NumberText = Annotated[str, WithJsonSchema({
    "type": ["number", "string"],
    "description": "A number in the measure's unit, as a number or as printed: "
                   "59.0, \"59.0%\", \"£1,915,500\", \"2,543\"."})]
Colour = Annotated[str, _pattern(r"#[0-9a-fA-F]{6}", "is not a colour; write it as #rrggbb"),
                   WithJsonSchema({"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"})]
Stage = Literal["Not started", "In progress", "Completed", "On hold"]
Condition = Annotated[str, _pattern(r"(>|>=)\s*-?\d+(\.\d+)?|target|floor",
                                    "is not a condition; write e.g. \"> 5\" or \">= -2\" "
                                    "(rule: relative), or target or floor (rule: thresholds)"),
                      WithJsonSchema({"type": "string",
                                      "pattern": "^((>|>=)\\s*-?\\d+(\\.\\d+)?|target|floor)$"})]


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_is_absent(cls, data: Any) -> Any:
        """Read an optional field left empty (`objectives:`) as left out, as people mean it."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None or k not in cls.model_fields
                    or cls.model_fields[k].is_required()}
        return data


class MeasureSpec(Shape):
    """A performance measure in the plan."""

    id: MeasureId = Field(description="Stable id, e.g. foster-carers.")
    title: Text = Field(description="The measure as printed in the report.")
    unit: Literal["count", "percent", "currency", "number"] = Field(
        description="count (whole things), percent (percentage points), currency (£), number.")
    better: Literal["higher", "lower"] = Field(description="Which way is better.")
    reporting: Literal["quarterly", "annual"] = Field(
        "quarterly", description="quarterly: Latest Measure Data; annual: Annual Measure Data.")
    frequency: Text = Field("", description="Printed as the Reporting Frequency, e.g. Monthly.")
    benchmark_group: Text | None = Field(None, description="Default Benchmark Group.")
    tolerance: NumberText | None = Field(
        None, description="Rule thresholds: how far worse than its target, in its unit, the "
                          "measure's floor is (an update's floor or tolerance wins).")
    plan_target: NumberText | None = Field(
        None, description="The target the plan document prints, in the measure's unit (the "
                          "quarterly target comes from the update files).")


class ObjectiveSpec(Shape):
    """A strategic objective in the plan."""

    id: Id = Field(description="Strategic objective id, e.g. SO-01.")
    title: Text = Field(description="The objective as printed in the progress table.")
    expected_completion: YearMonth = Field(
        description="When it should be complete, YYYY-MM (quote it: \"2027-04\"); "
                    "printed 'Apr 2027'.")
    owner: Text = Field(description="The service that updates it; `reportgen status` groups "
                                    "by this.")
    measures: list[MeasureSpec] = Field(default_factory=list,
                                        description="The objective's performance measures.")


ItemId = Annotated[str, _pattern(r"[A-Za-z][A-Za-z0-9_-]*",
                                 "is not a valid id: use letters, digits, hyphens and "
                                 "underscores, e.g. SR8_CR7"),
                   WithJsonSchema({"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_-]*$"})]


class MilestoneSpec(Shape):
    """A Council Plan milestone: a dated commitment judged on track or slipping."""

    id: ItemId = Field(description="Stable id, e.g. M-GROWTH-01.")
    title: Text = Field(description="The milestone as printed.")
    owner: Text = Field(description="Who updates it; `reportgen status` groups by this.")


class ProjectSpec(Shape):
    """A priority project, rated by its project board."""

    id: ItemId = Field(description="Stable id, e.g. market-hall.")
    title: Text = Field(description="The project as printed.")
    owner: Text = Field(description="Who updates it; `reportgen status` groups by this.")
    stage: Text | None = Field(None, description="Its stage, e.g. Feasibility, Delivery.")


class RiskSpec(Shape):
    """A strategic risk on the register."""

    id: ItemId = Field(description="The risk's id as the council writes it, e.g. SR8_CR7.")
    title: Text = Field(description="The risk as printed.")
    owner: Text = Field(description="Who updates it; `reportgen status` groups by this.")
    kind: Literal["threat", "opportunity"] = Field("threat", description="threat or "
                                                                         "opportunity.")
    target_score: int | None = Field(None, ge=1, le=100, description="The score the council "
                                                                      "aims to bring it to.")


class StatusSpec(Shape):
    """One status of a milestone or project scheme."""

    label: Text = Field(description="The status word, e.g. On track, Green / Amber.")
    colour: Colour = Field(description="Its colour, #rrggbb.")
    description: Text | None = Field(None, description="The key's wording.")
    met: bool = Field(False, description="Counts as on track in the summary sentence.")
    counted: bool = Field(True, description="false: shown, but not counted in the tables.")
    closed: bool = Field(False, description="The item is closed (N/A).")


class StatusSchemeSpec(Shape):
    """A status scheme for milestones or projects, best first."""

    name: Text = Field(description="Heading of the key.")
    statuses: list[StatusSpec] = Field(min_length=2, description="Statuses, best first.")
    new: str = Field("", description="What the status before shows for a first report, "
                                     "e.g. NEW.")


class ItemSchemes(Shape):
    """Status schemes of the item kinds: a built-in name or a scheme of your own."""

    milestones: Text | StatusSchemeSpec = Field("milestones", description="milestones or a "
                                                                          "scheme.")
    projects: Text | StatusSchemeSpec = Field("projects", description="projects or a scheme.")


ScaleWords = Annotated[list[Text], Field(min_length=2, max_length=10)]


class RiskBandSpec(Shape):
    """A band of risk scores: its lowest score, its name and colour."""

    lowest: int = Field(ge=1, le=100, description="The band's lowest score; it runs up to the "
                                                  "next band's lowest (one band starts at 1).")
    name: Text = Field(description="The band's name, e.g. Significant, High.")
    colour: Colour = Field(description="Its colour in the matrix and register, #rrggbb.")


class RiskScaleSpec(Shape):
    """A council's risk scale: the words of each step of impact and likelihood, lowest
    first (their number is the size of each axis), and the score bands."""

    impact: ScaleWords = Field(description="Impact steps, lowest first: 1, 2, ...")
    likelihood: ScaleWords = Field(description="Likelihood steps, lowest first.")
    opportunity_impact: ScaleWords | None = Field(
        None, description="Opportunities' impact words (as many as impact's); by default "
                          "impact's.")
    opportunity_likelihood: ScaleWords | None = Field(
        None, description="Opportunities' likelihood words (as many as likelihood's); by "
                          "default likelihood's.")
    bands: list[RiskBandSpec] = Field(min_length=1, description="Score bands, highest first.")


class PartSpec(Shape):
    """A part of a deliverable, printed as a row under it in the delivery plan table."""

    title: Text = Field(description="The part, e.g. Highways review.")
    department: Text | None = Field(None, description="Who leads it, e.g. ETE.")
    start: Text | None = Field(None, description="Start or expected start, as printed: "
                                                 "April 2019, Ongoing, Started.")
    expected_completion: Text | None = Field(
        None, description="Expected completion, as printed: March 2021, Ongoing, Tbc.")
    stage: Stage | None = Field(None, description="Not started, In progress, Completed or "
                                                  "On hold.")


class DeliverableSpec(PartSpec):
    """A deliverable of a priority: in the plan document, its delivery plan and the
    quarterly updates (under `deliverables:`, by id)."""

    id: Id = Field(description="Deliverable id, unique in the plan, e.g. VFM-01.")
    horizon: Literal["next-year", "four-years"] = Field(
        description="next-year: 'In the next year we will have'; four-years: 'In four years "
                    "we will have'.")
    summary: Text | None = Field(
        None, description="The wording on the priority's page, where it differs from the "
                          "title (the title is the delivery plan's wording).")
    priority_page: bool = Field(
        True, description="false: in the delivery plan table only, not listed on the "
                          "priority's page.")
    parts: list[PartSpec] = Field(default_factory=list,
                                  description="Rows printed under it in the delivery plan.")

    @property
    def in_delivery_plan(self) -> bool:
        """Whether the delivery plan table has a row for it: it has any of its columns."""
        return any((self.department, self.start, self.expected_completion, self.stage,
                    self.parts))


class OutcomeSpec(Shape):
    """An outcome (or priority) of the plan, with its objectives, deliverables and key
    measures."""

    id: MeasureId = Field(description="Short id used by report.yaml, e.g. people.")
    name: Text = Field(description="Short name, e.g. People; the whole heading when there "
                                   "is no title.")
    title: Text | None = Field(None, description="The outcome statement, printed after the "
                                                 "name: 'People: Empowered communities ...'.")
    objectives: list[ObjectiveSpec] = Field(
        default_factory=list, description="The outcome's strategic objectives.")
    deliverables: list[DeliverableSpec] = Field(
        default_factory=list, description="What the council will have done: in the next year "
                                          "and in four years, with the delivery plan columns.")
    measures: list[MeasureSpec] = Field(
        default_factory=list, description="Key measures of the outcome as a whole, not of one "
                                          "objective.")
    milestones: list[MilestoneSpec] = Field(default_factory=list,
                                            description="The theme's Council Plan milestones.")
    projects: list[ProjectSpec] = Field(default_factory=list,
                                        description="The theme's priority projects.")
    risks: list[RiskSpec] = Field(default_factory=list,
                                  description="The theme's strategic risks.")


class BandSpec(Shape):
    """One band of a measure rating scheme."""

    label: Text = Field(description="The rating word, e.g. Strong.")
    when: Condition | None = Field(None, description="Condition on d (percent); none on the last.")
    when_high_target: Condition | None = Field(
        None, description="Condition used instead when a percentage target is over 95%.")
    colour: Colour = Field(description="The band's colour, #rrggbb.")
    icon: Icon = Field(
        description="The icon drawn beside the word: star, tick, circle, triangle, flag, "
                    "square or diamond.")
    description: Text | None = Field(
        None, description="The key's wording; by default it is written from the conditions.")


class TravelSpec(Shape):
    """Direction of travel: bands that change where performance has (not) improved."""

    compare: Literal["same-quarter-last-year", "previous-quarter"] = Field(
        "same-quarter-last-year", description="What the latest value is compared with.")
    improved: dict[str, str] = Field(
        default_factory=dict, description="Band -> better band where the value improved, "
                                          "e.g. Red: Amber.")
    not_improved: dict[str, str] = Field(
        default_factory=dict, description="Band -> worse band where the value did not "
                                          "improve, e.g. Amber: Red.")


class SchemeSpec(Shape):
    """A measure rating scheme: bands best first; the last takes the rest."""

    name: Text = Field(description="Heading of the key, e.g. Performance against target.")
    rule: Literal["relative", "thresholds"] = Field(
        "relative", description="relative: bands of d, the % difference from target; "
                                "thresholds: each measure's own target and floor.")
    travel: TravelSpec | None = Field(None, description="Adjust by direction of travel.")
    mark_overrides: bool = Field(False, description="Mark published ratings that differ "
                                                    "from the rule, in the tables and key.")
    bands: list[BandSpec] = Field(min_length=2, description="Bands, best first; the last band "
                                                            "takes the rest.")


Grouping = Literal["theme", "owner"]  # what the status cross-tables count by
Icon = Literal["star", "tick", "circle", "triangle", "flag", "square", "diamond"]
Section = Literal["cover", "contents", "introduction", "overview", "key", "trend-over-time",
                  "action-items", "outcomes", "latest-measures", "previous-quarter-measures",
                  "initiatives", "not-reported"]
OutcomePart = Literal["statement", "wheels", "progress", "latest-measures",
                      "previous-quarter-measures", "awaiting-data", "annual-measures", "notes",
                      "trends"]
RollUp = Literal["worst", "majority", "average"]  # compute.rate.ROLL_UPS
class ProgressLevelSpec(Shape):
    """One objective progress word, as services enter it."""

    label: Text = Field(description="The word services enter and the report prints, e.g. Good.")
    colour: Colour = Field(description="Its colour, #rrggbb.")
    icon: Icon = Field(description="The icon drawn beside the word.")
    description: Text | None = Field(None, description="The key's wording.")
    phrase: tuple[Text, Text] | None = Field(
        None, description="The summary sentence's words for one and for many, e.g. "
                          "[shows good progress, show good progress].")
    action: bool = Field(False, description="Listed under the items needing action (by "
                                            "default the last word is).")


class FromMeasuresSpec(Shape):
    """Objective progress computed from the objective's rated measures."""

    rule: Literal["worst", "majority", "average"] = Field(
        description="How the measures' ratings combine: worst (the worst), majority (the "
                    "most common; a tie goes to the worse) or average (the mean place, a "
                    "half rounding to the worse).")
    map: dict[str, Text] = Field(
        default_factory=dict, description="Measure band -> progress word, e.g. Green: Good; "
                                          "a band left out keeps its own word.")


class ProgressSchemeSpec(Shape):
    """An objective progress scheme: the words services enter, best first."""

    levels: list[ProgressLevelSpec] = Field(min_length=2, description="Best first.")


# A column: its name, or {name: the council's own heading}; checked in data.profile
ColumnEntry = Annotated[str | dict[str, Text], WithJsonSchema({
    "anyOf": [{"type": "string"}, {"type": "object", "minProperties": 1, "maxProperties": 1,
                                   "additionalProperties": {"type": "string"}}]})]


def _columns_schema() -> dict[str, Any]:
    """Return the JSON Schema of `columns`: per table, its own column names, for editors."""
    def entry(names: tuple[str, ...]) -> dict[str, Any]:
        return {"anyOf": [{"enum": list(names)}, {
            "type": "object", "minProperties": 1, "maxProperties": 1,
            "propertyNames": {"enum": list(names)}, "additionalProperties": {"type": "string"}}]}
    return {"type": "object", "additionalProperties": False, "properties": {
        table: {"type": "array", "items": entry(names), "description": TABLE_WORDS[table]}
        for table, names in TABLES.items()}}


TABLE_WORDS = {
    "progress": "Strategic Outcome Progress: each objective's progress and comment.",
    "latest-measures": "Latest Measure Data: quarterly measures.",
    "previous-quarter-measures": "Measures whose latest data (as_at) is from an earlier "
                                 "quarter.",
    "annual-measures": "Annual Measure Data.",
    "awaiting-data": "Measures with no value yet.",
}


class SummarySpec(Shape):
    """The overview's summary sentences."""

    sentence: Text | None = Field(
        None, description="The objectives sentence, with %(quarter)s, %(total)s, "
                          "%(objectives)s, %(plan)s, %(year)s and %(counts)s.")
    percentages: bool = Field(False, description="Give each count's share: '17 (52%) have "
                                                 "good progress'; the shares add up to 100.")
    measures: bool = Field(True, description="Print the sentence counting measure ratings.")
    count: Literal["all", "this-quarter"] = Field(
        "all", description="Which rated measures the sentences, wheels, trend over time and "
                           "items needing action count: all, or this-quarter (not those whose "
                           "data is from an earlier quarter, in the previous-quarter table).")


class ProfileSpec(Shape):
    """How the council's report is laid out and worded (docs/profile.md)."""

    language: Literal["en-GB", "cy"] = Field(
        "en-GB", description="The language of the report's fixed words: en-GB or cy (Welsh).")
    title: Text | None = Field(
        None, description="The cover title, with %(quarter)s, %(year)s, %(start)s, %(end)s, "
                          "%(plan)s; by default 'Performance Report Quarter 1 2025 to 2026'.")
    sections: list[Section] | None = Field(
        None, description="The report's sections, in order.")
    outcome: list[OutcomePart] | None = Field(
        None, description="What each outcome's section holds, in order.")
    columns: Annotated[dict[str, list[ColumnEntry]], WithJsonSchema(_columns_schema())] = Field(
        default_factory=dict, description="Per table (progress, latest-measures, "
        "previous-quarter-measures, annual-measures, awaiting-data), its columns in order.")
    summary: SummarySpec | None = Field(None, description="The overview's summary sentences.")
    overview_wheel: Literal["counts", "by-outcome"] = Field(
        "counts", description="The overview's objectives wheel: counts (one ring), or "
                              "by-outcome (an inner ring of outcomes, each in the colour of "
                              "its rolled-up progress, inside their objectives).")
    roll_up: RollUp = Field(
        "average", description="How an outcome's statement combines its objectives' progress "
                               "and its measures' ratings into one word each: worst, majority "
                               "or average.")
    words: dict[str, Text | tuple[Text, Text]] = Field(
        default_factory=dict, description="The council's own words for any fixed phrase, by "
                                          "its English words (docs/profile.md).")


class PlanFile(Shape):
    """plan.yaml: the council's plan for a year."""

    council: Text = Field(description="The council's name, on the cover and in the footer.")
    plan: Text = Field(description="The plan's name, e.g. Council Plan 2025-29.")
    year: Year = Field(description="The plan year, e.g. 2025-26.")
    ratings: Text | SchemeSpec = Field(
        "strong-good-review-action",
        description="strong-good-review-action, blue-green-amber-red, or a scheme.")
    outcomes: list[OutcomeSpec] = Field(min_length=1, description="The plan's outcomes, in "
                                                                  "report order.")
    layout: Literal["objectives", "themes"] = Field(
        "objectives", description="objectives: progress and measure tables per outcome "
                                  "(report 001); themes: cross-tables, projects, risks and one "
                                  "table of items per theme (report 004).")
    measures_met: list[Text] = Field(
        default_factory=list, description="Bands that count as met or exceeded target in "
                                          "the themes summary; by default the better half.")
    cross_tables: list[Grouping] = Field(
        default_factory=lambda: list[Grouping](["theme"]), min_length=1,
        description="The groupings of the status cross-tables, in order: theme (the "
                    "outcomes) and owner.")
    item_statuses: ItemSchemes = Field(default_factory=ItemSchemes,
                                       description="Status schemes of milestones and projects.")
    risk_scale: Text | RiskScaleSpec = Field(
        "4x4", description="The strategic risks' scale: 4x4 (impact Low to Very high, "
                           "likelihood Remote to Highly probable) or a scale of your own.")
    progress: Text | ProgressSchemeSpec = Field(
        "complete-good-review-action",
        description="Objective progress words: complete-good-review-action, "
                    "strong-good-review-action, or a scheme of your own.")
    progress_from_measures: FromMeasuresSpec | None = Field(
        None, description="Compute each objective's progress from its rated measures "
                          "(docs/data-format.md); an entered progress word wins, with a "
                          "warning where it differs.")
    report: ProfileSpec | None = Field(None, description="The report's sections, columns and "
                                                         "words (docs/profile.md).")


class SectionSpec(Shape):
    """A text section of the plan document: a heading and Markdown."""

    title: Text = Field(description="The section's heading, e.g. Foreword.")
    text: Text = Field(description="The section's text (Markdown).")
    new_page: bool = Field(True, description="false: follow the section before on its page "
                                             "(Ambition, Values and Outcomes share one).")


class DeliveryPlanSpec(Shape):
    """The delivery plan table's heading, introduction and key."""

    title: Text = Field("Delivery Plan", description="Its heading, e.g. Delivery Plan 2019-21.")
    introduction: str = Field("", description="Printed above the tables (Markdown).")
    departments: dict[str, Text] = Field(
        default_factory=dict, description="The key: each abbreviation used in the Dept "
                                          "column and what it stands for.")


class PlanTextFile(Shape):
    """plan-text.yaml (beside plan.yaml): the plan document's own text."""

    title: Text | None = Field(None, description="The cover title; the plan's name if left out.")
    subtitle: Text | None = Field(None, description="Under the cover title, e.g. Refresh "
                                                    "2020/21.")
    before: list[SectionSpec] = Field(
        default_factory=list, description="Sections before the priorities: foreword, "
                                          "ambition, values, budget...")
    measures_heading: Text = Field("Measuring impact",
                                   description="The heading of the key measures section.")
    measures_introduction: str = Field(
        "", description="Printed above the key measures (Markdown).")
    after: list[SectionSpec] = Field(
        default_factory=list, description="Sections after the key measures, e.g. Have your "
                                          "say.")
    delivery_plan: DeliveryPlanSpec | None = Field(
        None, description="The delivery plan table's heading, introduction and key.")


class InitiativeSpec(Shape):
    """A headline initiative and what was done for it this quarter."""

    title: Text | None = Field(None, description="The initiative, e.g. Taking action on "
                                                 "climate change.")
    items: list[Text] = Field(min_length=1, description="The quarter's activity, one bullet "
                                                        "each (Markdown).")


class ReportFile(Shape):
    """report.yaml: the quarter's report text."""

    quarter: int = Field(ge=1, le=4, description="1 to 4; Quarter 1 is April to June.")
    introduction: str = Field("", description="The introduction (Markdown).")
    achievements_intro: str = Field(
        "", description="Printed above the achievements (Markdown).")
    achievements: dict[str, list[Text]] = Field(
        default_factory=dict, description="Per outcome id, a list of bullets (Markdown).")
    overview: str = Field("", description="Printed in the overview, under the summary "
                                          "sentences (Markdown).")
    initiatives_intro: str = Field("", description="Printed above the headline initiatives "
                                                   "(Markdown).")
    initiatives: list[InitiativeSpec] = Field(
        default_factory=list, description="The headline initiatives: each a title (optional) "
                                          "and the quarter's activity as bullets.")
    not_reported_intro: str = Field(
        "", description="Printed above the list of items not included in this report "
                        "(Markdown).")


class ObjectiveUpdate(Shape):
    """A service's update of one objective."""

    progress: Annotated[Text | None, WithJsonSchema({"anyOf": [
        {"enum": [p.label for p in PROGRESS[:-1]]},
        {"type": "string", "description": "A word of the plan's own progress scheme."},
        {"type": "null"}]})] = Field(
        None, description="Complete, Good, Review or Action (or the plan's own progress "
                          "words); leave out until known.")
    progress_reason: Text | None = Field(
        None, description="Why the progress differs from the one computed from the "
                          "objective's measures (progress_from_measures).")
    comment: str | None = Field(
        None, description="What happened this quarter and what is being done (Markdown).")
    not_reported: Text | None = Field(
        None, description="Not in this quarter's report, and why (e.g. it starts next "
                          "quarter): listed under 'not-reported', not counted.")


class MeasureUpdate(Shape):
    """A service's update of one measure."""

    value: NumberText | None = Field(None, description="The latest value (year to date).")
    target: NumberText | None = Field(None, description="The target; none means no rating.")
    floor: NumberText | None = Field(
        None, description="Rule thresholds: the worst value still in the middle band (Amber).")
    tolerance: NumberText | None = Field(
        None, description="Rule thresholds: the floor as a distance from the target.")
    rating: Text | None = Field(
        None, description="The council's published rating, a word of the scheme (or "
                          "Baseline, No quarterly target): the rating where there is no target, "
                          "an override where the rule gives another.")
    rating_reason: Text | None = Field(
        None, description="Why the published rating differs from the rule's.")
    benchmark: NumberText | None = Field(None, description="The latest benchmark value.")
    benchmark_group: Text | None = Field(
        None, description="What the benchmark is, e.g. England Average June 2025; overrides "
                          "the plan's.")
    history: dict[str, NumberText | None] = Field(
        default_factory=dict, description="Same quarter of earlier years, by year: 2024-25.")
    as_at: Date | None = Field(None, description="The date of the data, YYYY-MM-DD.")
    no_data: Text | None = Field(None, description="No value this quarter, and why.")
    note: Text | None = Field(None, description="A note printed under the table.")
    not_reported: Text | None = Field(
        None, description="Not in this quarter's report, and why: listed under "
                          "'not-reported', in no table and not counted.")


class MilestoneUpdate(Shape):
    """A service's update of one milestone."""

    status: Text | None = Field(None, description="A status of the milestone scheme, e.g. "
                                                  "On track; leave out until known.")
    comment: str | None = Field(None, description="Supporting information (Markdown).")


class ProjectUpdate(Shape):
    """A service's update of one priority project."""

    status: Text | None = Field(None, description="A status of the project scheme, e.g. "
                                                  "Green / Amber, or N/A with closed:.")
    closed: Text | None = Field(None, description="Why the project closed (status N/A).")
    stage: Text | None = Field(None, description="Its stage now, overriding the plan's.")
    comment: str | None = Field(None, description="Supporting information (Markdown).")


class RiskUpdate(Shape):
    """A service's update of one strategic risk."""

    impact: int | None = Field(None, ge=1, le=10, description="Impact on the council's scale, "
                                                              "1 (lowest) up.")
    likelihood: int | None = Field(None, ge=1, le=10, description="Likelihood on the "
                                                                  "council's scale, 1 up.")
    closed: Text | None = Field(None, description="Why the risk closed.")
    comment: str | None = Field(None, description="Supporting information (Markdown).")


class UpdateFile(Shape):
    """An update file: progress and comments for objectives, values for measures."""

    objectives: dict[str, ObjectiveUpdate] = Field(
        default_factory=dict, description="Per objective id from plan.yaml (e.g. SO-01): "
                                          "progress and comment.")
    measures: dict[str, MeasureUpdate] = Field(
        default_factory=dict, description="Per measure id from plan.yaml (e.g. foster-carers): "
                                          "value, target, history, benchmark.")
    deliverables: dict[str, ObjectiveUpdate] = Field(
        default_factory=dict, description="Per deliverable id from plan.yaml (e.g. VFM-01): "
                                          "progress and comment.")

    milestones: dict[str, MilestoneUpdate] = Field(
        default_factory=dict, description="Per milestone id from plan.yaml: status, comment.")
    projects: dict[str, ProjectUpdate] = Field(
        default_factory=dict, description="Per project id from plan.yaml: status, comment.")
    risks: dict[str, RiskUpdate] = Field(
        default_factory=dict, description="Per risk id from plan.yaml: impact, likelihood.")


S = TypeVar("S", bound=Shape)


def validate(doc: Document, shape: type[S]) -> tuple[S | None, list[Problem]]:
    """Return the document as `shape` and every problem found.

    A bad entry is pruned and the rest validated again, so one unknown key does not hide
    the other problems of the file: the checks that follow still see the good entries.
    """
    data, problems = copy.deepcopy(doc.data), list[Problem]()
    seen: set[Problem] = set()  # a file with 40,000 unknown fields: no quadratic search
    pruned: set[tuple[Any, ...]] = set()
    for _ in range(8):
        try:
            return shape.model_validate(data), problems
        except ValidationError as exc:
            errors = [e for e in exc.errors() if not _wrong_branch(e)] or _first_per_place(
                exc.errors())  # no branch of a union fits (ratings: [a, b]): still an error
        targets = []
        for error in errors:
            loc = tuple(part for part in error["loc"] if not _is_branch(part))
            if loc in pruned:  # a pruned list item, left as None to keep indexes stable,
                if error["type"] == "missing" and loc[:-1] not in pruned:
                    targets.append(loc[:-1])  # or a pruned required field: set its parent aside
                continue
            if (problem := _problem(doc, shape, error)) not in seen:
                seen.add(problem)
                problems.append(problem)
            targets.append(loc[:-1] if error["type"] == "missing" else loc)
        if not targets:  # only the pruned list items are left: drop them and try once more
            return _without_pruned_items(data, shape), problems
        for target in targets:  # every problem of this pass is recorded before pruning
            if not _prune(data, target):
                return None, problems
            pruned.add(target)
    return None, problems


def _without_pruned_items(data: Any, shape: type[S]) -> S | None:
    """Return the data as `shape` with the list items set aside (None) removed, so that the
    rest of the file (a plan's other objectives) can still be checked against; None if even
    that does not validate."""
    todo = [data]
    while todo:
        item = todo.pop()
        if isinstance(item, list):
            item[:] = [x for x in item if x is not None]
            todo += item
        elif isinstance(item, dict):
            todo += item.values()
    try:
        return shape.model_validate(data)
    except ValidationError:
        return None


def _first_per_place(errors: list[Any]) -> list[Any]:
    """Return the first error at each location, union branches set aside."""
    seen: dict[tuple[Any, ...], Any] = {}
    for error in errors:
        seen.setdefault(tuple(p for p in error["loc"] if not _is_branch(p)), error)
    return list(seen.values())


def _prune(data: Any, loc: tuple[Any, ...]) -> bool:
    """Remove the value at loc; False when that would remove the whole document."""
    if not loc:
        return False
    parent = data
    for part in loc[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return True  # already gone with an earlier prune
    if isinstance(parent, dict):
        parent.pop(loc[-1], None)
    elif isinstance(parent, list) and isinstance(loc[-1], int) and loc[-1] < len(parent):
        parent[loc[-1]] = None  # keep indexes stable for the other errors' locations
    return True


def _is_branch(part: Any) -> bool:
    """Tell a union branch's name in an error location (str, SchemeSpec, function-after[...])."""
    # not a key someone typed, such as c[uncil
    return isinstance(part, str) and (part in ("str", "SchemeSpec", "ProgressSchemeSpec",
                                                      "StatusSchemeSpec") or bool(
        re.fullmatch(r"(function-[a-z]+|dict|tuple|list)\[.*\]", part)))


def _wrong_branch(error: Any) -> bool:
    """Tell an error from the union branch that does not match the kind of value given."""
    return any(map(_is_branch, error["loc"])) and error["type"] in ("string_type", "model_type")


def _problem(doc: Document, shape: type[Shape], error: Any) -> Problem:
    loc = tuple(error["loc"])
    kind, given = error["type"], error.get("input")
    loc = tuple(part for part in loc if not _is_branch(part))
    if kind == "extra_forbidden":
        hint = did_you_mean(str(loc[-1]), _fields_at(shape, loc[:-1]), "allowed here")
        return doc.problem(loc, f"unknown field '{loc[-1]}'{hint}", at_key=True)
    if kind == "missing":
        return doc.problem(loc[:-1], f"missing required field '{loc[-1]}'")
    if kind == "literal_error":
        allowed = error["ctx"]["expected"].replace("'", "")
        words = re.split(r", | or ", allowed)
        return doc.problem(loc, f"'{given}' is not one of: {allowed}"
                                f"{did_you_mean(str(given), words)}")
    if kind in ("string_type", "model_type", "list_type", "dict_type", "model_attributes_type"):
        want = {"string_type": "text", "list_type": "a list (lines starting with '- ')"}.get(
            kind, "a mapping (lines of 'key: value')")
        got = "nothing" if given is None else ("a list" if isinstance(given, list) else
                                               "a mapping" if isinstance(given, dict) else
                                               f"'{given}'")
        return doc.problem(loc, f"should be {want}, not {got}")
    if kind == "int_parsing":
        return doc.problem(loc, f"'{given}' is not a whole number")
    message = error["msg"].removeprefix("Value error, ")
    if kind.startswith("value_error") or kind == "assertion_error":
        return doc.problem(loc, message)
    return doc.problem(loc, f"{message[0].lower()}{message[1:]} (given: {given!r})")


def _fields_at(shape: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Return the field names allowed at a location inside `shape`."""
    model: Any = shape
    for part in loc:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        if field is None:  # a list index or a dict key such as a measure id
            continue
        model = _inner_model(field.annotation)
        if model is None:
            return []
    return list(model.model_fields)


def _inner_model(annotation: Any) -> Any:
    """Return the model class inside list[...], dict[str, ...] or X | None, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def json_schema() -> dict[str, Any]:
    """Return one JSON Schema covering plan.yaml, report.yaml and update files."""
    defs: dict[str, Any] = {}
    branches = []
    for model in (PlanFile, PlanTextFile, ReportFile, UpdateFile):
        schema = model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(schema.pop("$defs", {}))
        defs[model.__name__] = schema
        branches.append({"$ref": f"#/$defs/{model.__name__}"})
    _describe_choices(defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "reportgen data file",
        "description": "plan.yaml, plan-text.yaml, a quarter's report.yaml, or an update "
                       "file.",
        "anyOf": branches,
        "$defs": defs,
    }


UNIT_WORDS = {
    "count": "A whole number of things, never negative: 2543 or \"2,543\".",
    "percent": "A percentage, in percentage points: 59.0 or \"59.0%\".",
    "currency": "Pounds sterling: 7722500 or \"£7,722,500\".",
    "number": "Any other number, such as a rate or a ratio: 0.17.",
}
# The file that `reportgen schema --output` writes and editors are pointed at.
SCHEMA_FILE = Path("schema") / "reportgen.schema.json"


def _describe_choices(defs: dict[str, Any]) -> None:
    """Add a sentence per allowed word, which editors show beside each completion."""
    words = {p.label: p.description for p in PROGRESS}
    progress = defs["ObjectiveUpdate"]["properties"]["progress"]["anyOf"][0]
    progress["enumDescriptions"] = [words[w] for w in progress["enum"]]
    unit = defs["MeasureSpec"]["properties"]["unit"]
    unit["enumDescriptions"] = [UNIT_WORDS[w] for w in unit["enum"]]


def schema_comment(path: Path, schema: Path | None = None) -> str:
    """Return the `# yaml-language-server: $schema=...` line for a YAML file about to be
    written at `path`, pointing (relatively) at `schema` or at the nearest
    schema/reportgen.schema.json above it; "" when there is none to point at."""
    folder = path.resolve().parent
    if schema is None:
        schema = next((d / SCHEMA_FILE for d in (folder, *folder.parents)
                       if (d / SCHEMA_FILE).is_file()), None)
        if schema is None:
            return ""
    relative = Path(os.path.relpath(schema.resolve(), folder)).as_posix()
    return f"# yaml-language-server: $schema={relative}\n"
