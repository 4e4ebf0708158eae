"""The shapes of the data files, as typed models; their JSON Schema is `reportgen schema`.

Every scalar reaches these models as the text that was typed (see yamlread), so the
models convert text, and the messages say what would be right in words a service lead
understands.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema

from .errors import Problem
from .yamlread import Document

PROGRESS_WORDS = ("Complete", "Good", "Review", "Action")
UNITS = ("count", "percent", "currency", "number")
ICONS = ("star", "tick", "circle", "triangle", "flag", "square", "diamond")


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


def _date(value: str) -> dt.date:
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
Date = Annotated[str, AfterValidator(_date),
                 WithJsonSchema({"type": "string", "format": "date",
                                 "description": "The date of the data, YYYY-MM-DD."})]
NumberText = Annotated[str, WithJsonSchema({
    "type": ["number", "string"],
    "description": "A number in the measure's unit, as a number or as printed: "
                   "59.0, \"59.0%\", \"£1,915,500\", \"2,543\"."})]
Colour = Annotated[str, _pattern(r"#[0-9a-fA-F]{6}", "is not a colour; write it as #rrggbb"),
                   WithJsonSchema({"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"})]
Condition = Annotated[str, _pattern(r"(>|>=)\s*-?\d+(\.\d+)?",
                                    "is not a condition; write e.g. \"> 5\" or \">= -2\""),
                      WithJsonSchema({"type": "string", "pattern": "^(>|>=)\\s*-?\\d+(\\.\\d+)?$"})]


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MeasureSpec(Shape):
    """A performance measure in the plan."""

    id: MeasureId = Field(description="Stable id, e.g. foster-carers.")
    title: Text = Field(description="The measure as printed in the report.")
    unit: Literal["count", "percent", "currency", "number"] = Field(
        description="count (whole things), percent (percentage points), currency (£), number.")
    better: Literal["higher", "lower"] = Field(description="Which way is better.")
    reporting: Literal["quarterly", "annual"] = Field(
        "quarterly", description="quarterly: Latest Measure Data; annual: Annual Measure Data.")
    frequency: Text = Field(description="Printed as the Reporting Frequency, e.g. Monthly.")
    benchmark_group: Text | None = Field(None, description="Default Benchmark Group.")


class ObjectiveSpec(Shape):
    """A strategic objective in the plan."""

    id: Id = Field(description="Strategic objective id, e.g. SO-01.")
    title: Text
    expected_completion: YearMonth
    owner: Text = Field(description="The service that updates it.")
    measures: list[MeasureSpec] = Field(default_factory=list)


class OutcomeSpec(Shape):
    """An outcome of the plan, with its objectives."""

    id: MeasureId = Field(description="Short id used by report.yaml, e.g. people.")
    name: Text = Field(description="Short name, e.g. People.")
    title: Text = Field(description="The outcome statement.")
    objectives: list[ObjectiveSpec]


class BandSpec(Shape):
    """One band of a measure rating scheme."""

    label: Text
    when: Condition | None = Field(None, description="Condition on d (percent); none on the last.")
    when_high_target: Condition | None = Field(
        None, description="Condition used instead when a percentage target is over 95%.")
    colour: Colour
    icon: Literal["star", "tick", "circle", "triangle", "flag", "square", "diamond"]
    description: Text | None = None


class SchemeSpec(Shape):
    """A measure rating scheme: bands best first; the last takes the rest."""

    name: Text
    bands: list[BandSpec] = Field(min_length=2)


class PlanFile(Shape):
    """plan.yaml: the council's plan for a year."""

    council: Text
    plan: Text = Field(description="The plan's name, e.g. Council Plan 2025-29.")
    year: Year
    ratings: Text | SchemeSpec = Field(
        "strong-good-review-action",
        description="strong-good-review-action, blue-green-amber-red, or a scheme.")
    outcomes: list[OutcomeSpec] = Field(min_length=1)


class ReportFile(Shape):
    """report.yaml: the quarter's report text."""

    quarter: int = Field(ge=1, le=4, description="1 to 4; Quarter 1 is April to June.")
    introduction: str = ""
    achievements_intro: str = ""
    achievements: dict[str, list[Text]] = Field(
        default_factory=dict, description="Per outcome id, a list of bullets (Markdown).")


class ObjectiveUpdate(Shape):
    """A service's update of one objective."""

    progress: Literal["Complete", "Good", "Review", "Action"] | None = Field(
        None, description="Complete, Good, Review or Action; leave out until known.")
    comment: str | None = Field(None, description="Markdown.")


class MeasureUpdate(Shape):
    """A service's update of one measure."""

    value: NumberText | None = Field(None, description="The latest value (year to date).")
    target: NumberText | None = Field(None, description="The target; none means no rating.")
    benchmark: NumberText | None = None
    benchmark_group: Text | None = None
    history: dict[str, NumberText | None] = Field(
        default_factory=dict, description="Same quarter of earlier years, by year: 2024-25.")
    as_at: Date | None = None
    no_data: Text | None = Field(None, description="No value this quarter, and why.")
    note: Text | None = Field(None, description="A note printed under the table.")


class UpdateFile(Shape):
    """An update file: progress and comments for objectives, values for measures."""

    objectives: dict[str, ObjectiveUpdate] = Field(default_factory=dict)
    measures: dict[str, MeasureUpdate] = Field(default_factory=dict)


def validate(doc: Document, shape: type[Shape]) -> tuple[Shape | None, list[Problem]]:
    """Return the document as `shape`, or None and every problem found."""
    try:
        return shape.model_validate(doc.data), []
    except ValidationError as exc:
        return None, [_problem(doc, shape, e) for e in exc.errors() if not _wrong_branch(e)]


def _is_branch(part: Any) -> bool:
    """Tell a union branch's name in an error location (str, SchemeSpec, function-after[...])."""
    return isinstance(part, str) and (part in ("str", "SchemeSpec") or bool(
        re.fullmatch(r"function-[a-z]+\[.*\]", part)))  # not a key someone typed: c[uncil


def _wrong_branch(error: Any) -> bool:
    """Tell an error from the union branch that does not match the kind of value given."""
    return any(map(_is_branch, error["loc"])) and error["type"] in ("string_type", "model_type")


def _problem(doc: Document, shape: type[Shape], error: Any) -> Problem:
    loc = tuple(error["loc"])
    kind, given = error["type"], error.get("input")
    loc = tuple(part for part in loc if not _is_branch(part))
    if kind == "extra_forbidden":
        hint = _did_you_mean(str(loc[-1]), _fields_at(shape, loc[:-1]))
        return doc.problem(loc, f"unknown field '{loc[-1]}'{hint}", at_key=True)
    if kind == "missing":
        return doc.problem(loc[:-1], f"missing required field '{loc[-1]}'")
    if kind == "literal_error":
        allowed = error["ctx"]["expected"].replace("'", "")
        return doc.problem(loc, f"'{given}' is not one of: {allowed}")
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


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; allowed here: {', '.join(choices)}" if choices else ""


def json_schema() -> dict[str, Any]:
    """Return one JSON Schema covering plan.yaml, report.yaml and update files."""
    defs: dict[str, Any] = {}
    branches = []
    for model in (PlanFile, ReportFile, UpdateFile):
        schema = model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(schema.pop("$defs", {}))
        defs[model.__name__] = schema
        branches.append({"$ref": f"#/$defs/{model.__name__}"})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "reportgen data file",
        "description": "plan.yaml, a quarter's report.yaml, or an update file.",
        "anyOf": branches,
        "$defs": defs,
    }
