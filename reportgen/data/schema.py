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
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from reportgen.core.errors import Problem, did_you_mean
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
    frequency: Text = Field(description="Printed as the Reporting Frequency, e.g. Monthly.")
    benchmark_group: Text | None = Field(None, description="Default Benchmark Group.")


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


class OutcomeSpec(Shape):
    """An outcome of the plan, with its objectives."""

    id: MeasureId = Field(description="Short id used by report.yaml, e.g. people.")
    name: Text = Field(description="Short name, e.g. People.")
    title: Text = Field(description="The outcome statement.")
    objectives: list[ObjectiveSpec] = Field(description="The outcome's strategic objectives.")


class BandSpec(Shape):
    """One band of a measure rating scheme."""

    label: Text = Field(description="The rating word, e.g. Strong.")
    when: Condition | None = Field(None, description="Condition on d (percent); none on the last.")
    when_high_target: Condition | None = Field(
        None, description="Condition used instead when a percentage target is over 95%.")
    colour: Colour = Field(description="The band's colour, #rrggbb.")
    icon: Literal["star", "tick", "circle", "triangle", "flag", "square", "diamond"] = Field(
        description="The icon drawn beside the word: star, tick, circle, triangle, flag, "
                    "square or diamond.")
    description: Text | None = Field(
        None, description="The key's wording; by default it is written from the conditions.")


class SchemeSpec(Shape):
    """A measure rating scheme: bands best first; the last takes the rest."""

    name: Text = Field(description="Heading of the key, e.g. Performance against target.")
    bands: list[BandSpec] = Field(min_length=2, description="Bands, best first; the last band "
                                                            "takes the rest.")


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


class ReportFile(Shape):
    """report.yaml: the quarter's report text."""

    quarter: int = Field(ge=1, le=4, description="1 to 4; Quarter 1 is April to June.")
    introduction: str = Field("", description="The introduction (Markdown).")
    achievements_intro: str = Field(
        "", description="Printed above the achievements (Markdown).")
    achievements: dict[str, list[Text]] = Field(
        default_factory=dict, description="Per outcome id, a list of bullets (Markdown).")


class ObjectiveUpdate(Shape):
    """A service's update of one objective."""

    progress: Literal["Complete", "Good", "Review", "Action"] | None = Field(
        None, description="Complete, Good, Review or Action; leave out until known.")
    comment: str | None = Field(
        None, description="What happened this quarter and what is being done (Markdown).")


class MeasureUpdate(Shape):
    """A service's update of one measure."""

    value: NumberText | None = Field(None, description="The latest value (year to date).")
    target: NumberText | None = Field(None, description="The target; none means no rating.")
    benchmark: NumberText | None = Field(None, description="The latest benchmark value.")
    benchmark_group: Text | None = Field(
        None, description="What the benchmark is, e.g. England Average June 2025; overrides "
                          "the plan's.")
    history: dict[str, NumberText | None] = Field(
        default_factory=dict, description="Same quarter of earlier years, by year: 2024-25.")
    as_at: Date | None = Field(None, description="The date of the data, YYYY-MM-DD.")
    no_data: Text | None = Field(None, description="No value this quarter, and why.")
    note: Text | None = Field(None, description="A note printed under the table.")


class UpdateFile(Shape):
    """An update file: progress and comments for objectives, values for measures."""

    objectives: dict[str, ObjectiveUpdate] = Field(
        default_factory=dict, description="Per objective id from plan.yaml (e.g. SO-01): "
                                          "progress and comment.")
    measures: dict[str, MeasureUpdate] = Field(
        default_factory=dict, description="Per measure id from plan.yaml (e.g. foster-carers): "
                                          "value, target, history, benchmark.")


def validate(doc: Document, shape: type[Shape]) -> tuple[Shape | None, list[Problem]]:
    """Return the document as `shape` and every problem found.

    A bad entry is pruned and the rest validated again, so one unknown key does not hide
    the other problems of the file: the checks that follow still see the good entries.
    """
    data, problems = copy.deepcopy(doc.data), []
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


def _without_pruned_items(data: Any, shape: type[Shape]) -> Shape | None:
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
        hint = did_you_mean(str(loc[-1]), _fields_at(shape, loc[:-1]), "allowed here")
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


def json_schema() -> dict[str, Any]:
    """Return one JSON Schema covering plan.yaml, report.yaml and update files."""
    defs: dict[str, Any] = {}
    branches = []
    for model in (PlanFile, ReportFile, UpdateFile):
        schema = model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(schema.pop("$defs", {}))
        defs[model.__name__] = schema
        branches.append({"$ref": f"#/$defs/{model.__name__}"})
    _describe_choices(defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "reportgen data file",
        "description": "plan.yaml, a quarter's report.yaml, or an update file.",
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
