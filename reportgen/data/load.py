"""Load a quarter directory and its plan into a Report, collecting every problem on the way."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from reportgen.core import numbers, ratings
from reportgen.core.errors import DataError, Problem, UsageError, did_you_mean, display_path
from reportgen.core.model import Initiative, Measure, Objective, Outcome, Report, earlier_year
from reportgen.data import glyphs, history, textlimits
from reportgen.data.items import apply_update, fill_previous, plan_items
from reportgen.data.layout import REPORT_FILE, is_quarter_dir, plan_path, update_paths
from reportgen.data.profile import profile_from, progress_scheme
from reportgen.data.safefile import data_root
from reportgen.data.schema import (
    MeasureSpec,
    MeasureUpdate,
    PlanFile,
    ReportFile,
    Shape,
    UpdateFile,
    validate,
)
from reportgen.data.yamlread import Document, Key, YamlProblem, read

S = TypeVar("S", bound=Shape)
Loaded = tuple[Document, S]


def load_quarter(quarter_dir: Path) -> Report:
    """Read and check a quarter directory; raise DataError listing every problem. Measures
    are not rated yet: compute.rate does that, once settings have chosen the scheme."""
    if not is_quarter_dir(quarter_dir):
        raise UsageError(f"{display_path(quarter_dir)} is not a quarter directory: it has no "
                         "report.yaml (see docs/data-format.md)")
    problems: list[Problem] = []
    root = data_root(quarter_dir)
    plan = read_checked(plan_path(quarter_dir), PlanFile, problems, root)
    plan_ok = not any(p.severity == "error" for p in problems)
    report = read_checked(quarter_dir / REPORT_FILE, ReportFile, problems, root)
    updates = [u for p in update_paths(quarter_dir)
               if (u := read_checked(p, UpdateFile, problems, root))]
    if plan is None or report is None:
        raise DataError(problems)
    # A plan with errors still checks the updates against what is left of it, so that one
    # run shows every problem; an id whose plan entry was set aside is not called unknown.
    set_aside = set() if plan_ok else _typed_ids(plan[0].data) - _ids(plan[1])
    result = _assemble(quarter_dir, plan, report, updates, problems, set_aside)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataError(problems)
    result.warnings = sorted(problems)
    return result


def read_checked(path: Path, shape: type[S], problems: list[Problem],
                 root: Path | None = None) -> Loaded[S] | None:
    """Read and check one data file as `shape`, adding its problems; None when unusable.
    `root`: the data directory a linked file must not leave (data.safefile)."""
    try:
        doc = read(path, within=root)
    except YamlProblem as exc:
        problems.append(exc.problem)
        return None
    problems.extend(glyphs.replace_undrawable(doc))
    problems.extend(textlimits.check(doc))
    model, found = validate(doc, shape)
    problems.extend(found)
    return (doc, model) if model is not None else None


def _typed_ids(data: Any) -> set[str]:
    """Return every `id:` typed anywhere in a file's data, valid or not."""
    found: set[str] = set()
    todo = [data]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            if isinstance(item.get("id"), str):
                found.add(item["id"])
            todo += item.values()
        elif isinstance(item, list):
            todo += item
    return found


def _ids(spec: PlanFile) -> set[str]:
    """Return the ids of the plan's outcomes, objectives, deliverables and measures that
    validated."""
    found: set[str] = set()
    for o in spec.outcomes:
        found |= {o.id, *(m.id for m in o.measures), *(d.id for d in o.deliverables)}
        for j in o.objectives:
            found |= {j.id, *(m.id for m in j.measures)}
    return found


def _assemble(quarter_dir: Path, plan: Loaded[PlanFile], report: Loaded[ReportFile],
              updates: list[Loaded[UpdateFile]], problems: list[Problem],
              set_aside: set[str]) -> Report:
    plan_doc, spec = plan
    report_doc, text = report
    levels = progress_scheme(plan_doc, spec, problems)
    outcomes = outcomes_of(plan_doc, spec, levels, problems)
    everything = {o.id: o for outcome in outcomes for o in outcome.objectives}
    objectives = {i: o for i, o in everything.items() if o.kind == "objective"}
    deliverables = {i: o for i, o in everything.items() if o.kind == "deliverable"}
    measures: dict[str, Measure] = {}
    for m in (m for outcome in outcomes for m in outcome.measures):
        measures.setdefault(m.id, m)  # a duplicate id is an error; updates go to the first
    for doc, update in updates:
        _apply_objectives(doc, update, objectives, levels, problems, set_aside=set_aside)
        _apply_objectives(doc, update, deliverables, levels, problems, "deliverables",
                          set_aside)
        _apply_measures(doc, update, measures, spec.year, problems, set_aside)
    problems += _unreported(plan_doc, spec, deliverables)
    left_out = _leave_out(outcomes, everything, measures)
    for outcome_id in text.achievements:
        if outcome_id not in {o.id for o in outcomes} | set_aside:
            problems.append(report_doc.problem(
                ("achievements", outcome_id), f"'{outcome_id}' is not an outcome in plan.yaml"
                f"{did_you_mean(outcome_id, [o.id for o in outcomes])}", at_key=True))
    _check_quarter(quarter_dir, report_doc, text.quarter, problems)
    items = plan_items(plan_doc, spec, problems)
    for doc, update in updates:
        apply_update(doc, update, items, _claim, problems)
    fill_previous(quarter_dir, spec.year, text.quarter, items, history.updates)
    scheme = _scheme(plan_doc, spec, problems)
    quarters = history.fill(quarter_dir, spec.year, text.quarter, everything, measures,
                            problems, levels)
    before = history.last_year_q4(quarter_dir, spec.year, text.quarter, everything, measures,
                                  levels)
    profile, words = profile_from(plan_doc, spec, problems)
    return Report(spec.council, spec.plan, spec.year, text.quarter, outcomes,
                  scheme or ratings.scheme_from(ratings.DEFAULT_SCHEME),  # an error is raised
                  quarter_dir, text.introduction, text.achievements_intro, text.achievements,
                  quarters=quarters, progress_scheme=levels, profile=profile, words=words,
                  before=before, items=items, layout=spec.layout,
                  measures_met=_measures_met(plan_doc, spec, scheme, problems),
                  progress_from=_from_measures(plan_doc, spec, levels, problems),
                  overview=text.overview, initiatives_intro=text.initiatives_intro,
                  initiatives=[Initiative(i.title or "", tuple(i.items))
                               for i in text.initiatives],
                  not_reported_intro=text.not_reported_intro, not_reported=left_out)


def _leave_out(outcomes: list[Outcome], everything: dict[str, Objective],
               measures: dict[str, Measure]) -> list[Objective | Measure]:
    """Take the items updated with `not_reported:` out of the outcomes (and of the dicts the
    history is read for), so that no table, count or wheel has them; return them, in plan
    order, for the list of what this report leaves out."""
    left: list[Objective | Measure] = []
    for outcome in outcomes:
        left += [o for o in outcome.objectives if o.not_reported is not None]
        outcome.objectives = [o for o in outcome.objectives if o.not_reported is None]
        for o in outcome.objectives:
            left += [m for m in o.measures if m.not_reported is not None]
            o.measures = [m for m in o.measures if m.not_reported is None]
        left += [m for m in outcome.key_measures if m.not_reported is not None]
        outcome.key_measures = [m for m in outcome.key_measures if m.not_reported is None]
    for item in left:
        if isinstance(item, Objective):
            everything.pop(item.id, None)
        else:
            measures.pop(item.id, None)
    return left


def _measures_met(doc: Document, spec: PlanFile, scheme: ratings.Scheme | None,
                  problems: list[Problem]) -> tuple[str, ...]:
    """Return the bands that count as met or exceeded target: as given, else the better
    half of the scheme (Blue and Green; Strong and Good)."""
    if scheme is None:
        return ()
    labels = [b.label for b in scheme.bands]
    for i, word in enumerate(spec.measures_met):
        if word not in labels:
            problems.append(doc.problem(("measures_met", i), f"'{word}' is not a band of "
                                        f"{scheme.name}{did_you_mean(word, labels)}"))
    return tuple(spec.measures_met) or tuple(labels[:len(labels) // 2])


def _from_measures(doc: Document, spec: PlanFile, levels: ratings.ProgressScheme,
                   problems: list[Problem]) -> ratings.FromMeasures | None:
    """Return how objective progress is computed from measures, if the plan says so. The
    progress words are checked here; the bands once the settings have chosen the measure
    scheme (compute.rate)."""
    given = spec.progress_from_measures
    if given is None:
        return None
    words = [p.label for p in levels.ranked]
    for band, word in given.map.items():
        if word not in words:
            problems.append(doc.problem(
                ("progress_from_measures", "map", band), f"'{word}' is not a progress word "
                f"of the plan{did_you_mean(word, words, 'use one of')}"))
    return ratings.FromMeasures(
        given.rule, tuple(given.map.items()),
        (doc.name, *doc.where(("progress_from_measures",), at_key=True)),
        tuple((band, (doc.name, *doc.where(("progress_from_measures", "map", band),
                                           at_key=True))) for band in given.map))


def _check_quarter(quarter_dir: Path, doc: Document, quarter: int,
                   problems: list[Problem]) -> None:
    """A report.yaml copied from another quarter would print the wrong quarter on the cover
    and take the wrong quarters as history: its `quarter:` must agree with a q<N> name."""
    name = Path(os.path.abspath(quarter_dir)).name
    named = re.fullmatch(r"q([1-4])", name)
    if named and int(named.group(1)) != quarter:
        problems.append(doc.problem(("quarter",), f"{quarter} disagrees with the directory's "
                                    f"name, {name}: write {named.group(1)}, or rename the "
                                    "directory"))


def outcomes_of(doc: Document, spec: PlanFile, levels: ratings.ProgressScheme,
                problems: list[Problem]) -> list[Outcome]:
    """Build outcomes, objectives, deliverables and measures from the plan, reporting
    duplicate ids. A deliverable is an Objective of kind "deliverable", so the quarterly
    report rates and counts it like one."""
    seen: dict[str, str] = {}

    def unique(kind: str, ident: str, key: Key) -> None:
        here = doc.where(key)
        if ident in seen:
            problems.append(doc.problem(key, f"{kind} id '{ident}' is used twice (first at "
                                             f"{seen[ident]}): ids must be unique"))
        seen.setdefault(ident, f"line {here[0]}")

    def measure(m: MeasureSpec, objective_id: str, key: Key) -> Measure:
        unique("measure", m.id, (*key, "id"))
        found = Measure(m.id, m.title, m.unit, m.better, m.reporting, m.frequency,
                        objective_id, m.benchmark_group or "")
        if m.tolerance is not None:
            found.tolerance = _tolerance(doc, (*key, "tolerance"), m.tolerance, m.unit, problems)
        if m.plan_target is not None:
            try:
                found.plan_target = numbers.parse(m.plan_target, m.unit)
            except ValueError as exc:
                problems.append(doc.problem((*key, "plan_target"), str(exc)))
        return found

    outcomes = []
    for i, o in enumerate(spec.outcomes):
        at = ("outcomes", i)
        unique("outcome", o.id, (*at, "id"))
        objectives = []
        for j, obj in enumerate(o.objectives):
            unique("objective", obj.id, (*at, "objectives", j, "id"))
            measures = [measure(m, obj.id, (*at, "objectives", j, "measures", k))
                        for k, m in enumerate(obj.measures)]
            objectives.append(Objective(obj.id, obj.title, obj.expected_completion, obj.owner,
                                        o.id, levels.awaiting, measures=measures))
        for j, d in enumerate(o.deliverables):
            unique("deliverable", d.id, (*at, "deliverables", j, "id"))
            objectives.append(Objective(d.id, d.title, "", d.department or "(no department)",
                                        o.id, levels.awaiting, kind="deliverable",
                                        completion_text=d.expected_completion or ""))
        key_measures = [measure(m, "", (*at, "measures", k)) for k, m in enumerate(o.measures)]
        outcomes.append(Outcome(o.id, o.name, o.title or "", objectives, key_measures))
    return outcomes


def _claim(doc: Document, section: str, ident: str, items: dict[str, Any],
           problems: list[Problem], unknown: str = "error",
           set_aside: set[str] | None = None) -> Any:
    """Return the plan item an update names, marking it updated by this file; None (with a
    problem of severity `unknown`) when the plan has no such item, or (with an error) when
    another file already updated it."""
    noun = section.removesuffix("s")
    key = (section, ident)
    item = items.get(ident)
    if item is None and set_aside and ident in set_aside:
        return None  # its plan entry has an error of its own, reported there
    if item is None:
        article = "an" if noun[0] in "aeiou" else "a"
        ignored = " (this update is left out of the report)" if unknown != "error" else ""
        problems.append(doc.problem(key, f"'{ident}' is not {article} {noun} in plan.yaml"
                                         f"{ignored}{did_you_mean(ident, items)}",
                                    at_key=True, severity=unknown))
        return None
    if item.source:
        problems.append(doc.problem(key, f"{ident} is also updated in {item.source}: "
                                         f"update each {noun} in one file", at_key=True))
        return None
    item.source = _where(doc, key)
    return item


def _apply_objectives(doc: Document, update: UpdateFile, objectives: dict[str, Objective],
                      levels: ratings.ProgressScheme, problems: list[Problem],
                      section: str = "objectives", set_aside: set[str] | None = None) -> None:
    """Give objectives (or, with section "deliverables", deliverables) their progress. An
    update for a deliverable the plan does not have is a warning, not an error: plans drop
    deliverables between refreshes."""
    words = [p.label for p in levels.ranked]
    unknown = "warning" if section == "deliverables" else "error"
    entries = update.deliverables if section == "deliverables" else update.objectives
    for ident, entry in entries.items():
        if objective := _claim(doc, section, ident, objectives, problems, unknown, set_aside):
            if entry.progress and (level := levels.get(entry.progress)) in levels.ranked:
                objective.progress = objective.entered = level
                objective.progress_where = (doc.name, *doc.where((section, ident, "progress")))
            elif entry.progress:
                problems.append(doc.problem(
                    (section, ident, "progress"), f"'{entry.progress}' is not one of: "
                    f"{', '.join(words[:-1])} or {words[-1]}"))
            objective.progress_reason = entry.progress_reason
            if entry.progress_reason is not None and entry.progress is None:
                problems.append(doc.problem((section, ident, "progress_reason"), (
                    "progress_reason explains an entered progress that differs from the one "
                    "computed from the measures: give progress: too, or delete it")))
            objective.comment = entry.comment or ""
            objective.not_reported = entry.not_reported
            if entry.not_reported is not None and entry.progress:
                problems.append(doc.problem((section, ident, "not_reported"),
                                            "give either progress or not_reported, not both"))


def _unreported(doc: Document, spec: PlanFile,
                deliverables: dict[str, Objective]) -> list[Problem]:
    """Warn, at plan.yaml, about each deliverable that no update file of the quarter names."""
    problems = []
    for i, outcome in enumerate(spec.outcomes):
        for j, d in enumerate(outcome.deliverables):
            found = deliverables.get(d.id)
            if found is not None and found.source is None and found.id == d.id:
                problems.append(doc.problem(
                    ("outcomes", i, "deliverables", j, "id"),
                    f"deliverable {d.id} ('{_short(d.title)}') is in the plan but no update "
                    "file of this quarter mentions it: add it under 'deliverables:' in the "
                    f"file of {d.department or 'the service that leads it'}",
                    severity="warning"))
    return problems


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 3].rstrip() + "..."


def _apply_measures(doc: Document, update: UpdateFile, measures: dict[str, Measure],
                    year: str, problems: list[Problem], set_aside: set[str]) -> None:
    for ident, entry in update.measures.items():
        if measure := _claim(doc, "measures", ident, measures, problems, set_aside=set_aside):
            _fill_measure(doc, ("measures", ident), entry, measure, year, problems)


def _fill_measure(doc: Document, key: Key, entry: MeasureUpdate, measure: Measure, year: str,
                  problems: list[Problem]) -> None:
    def number(field: str, text: str | None, at: Key) -> numbers.Quantity | None:
        if text is None:
            return None
        try:
            quantity = numbers.parse(text, measure.unit)
        except ValueError as exc:
            problems.append(doc.problem(at, str(exc)))
            return None
        if measure.unit == "percent" and quantity.value > 100:
            problems.append(doc.problem(at, f"{field} {text} is over 100%: check it",
                                        severity="warning"))
        return quantity

    measure.value = number("value", entry.value, (*key, "value"))
    measure.target = number("target", entry.target, (*key, "target"))
    measure.benchmark = number("benchmark", entry.benchmark, (*key, "benchmark"))
    if (unit := _likely_fraction(measure)) is not None:
        problems.append(doc.problem((*key, "value"), unit, severity="warning"))
    _fill_rating_inputs(doc, key, entry, measure, number, problems)
    measure.benchmark_group = entry.benchmark_group or measure.benchmark_group
    measure.no_data, measure.as_at, measure.note = entry.no_data, entry.as_at, entry.note
    if entry.value is not None and entry.no_data is not None:
        problems.append(doc.problem((*key, "no_data"), "give either value or no_data, not both"))
    measure.not_reported = entry.not_reported
    if entry.not_reported is not None and entry.value is not None:
        problems.append(doc.problem((*key, "not_reported"),
                                    "give either value or not_reported, not both"))
    earlier = {earlier_year(year, n) for n in range(1, 11)}
    for label, text in entry.history.items():
        at = (*key, "history", label)
        if label not in earlier:
            problems.append(doc.problem(at, f"'{label}' is not an earlier year than {year}; "
                                            f"write it like {earlier_year(year, 1)}",
                                        at_key=True))
        elif (quantity := number(f"history {label}", text, at)) is not None:
            measure.history[label] = quantity
            measure.history_where[label] = (doc.name, *doc.where(at))


def _fill_rating_inputs(doc: Document, key: Key, entry: MeasureUpdate, measure: Measure,
                       number: Callable[[str, str | None, Key], numbers.Quantity | None],
                       problems: list[Problem]) -> None:
    """Read what the rules and the published rating need: floor or tolerance, and the
    council's own `rating:` with its reason. Whether the word is one of the scheme's is
    checked by compute.rate, once the settings have chosen the scheme."""
    if entry.tolerance is not None:
        measure.tolerance = _tolerance(doc, (*key, "tolerance"), entry.tolerance, measure.unit,
                                       problems)
    measure.floor = number("floor", entry.floor, (*key, "floor"))
    if entry.floor is not None and entry.tolerance is not None:
        problems.append(doc.problem((*key, "tolerance"), "give either floor or tolerance, "
                                                         "not both"))
    target = measure.target
    if measure.floor is None and measure.tolerance is not None and target is not None:
        measure.floor = ratings.floor_from(target, measure.tolerance, measure.better)
    elif measure.floor is not None and target is not None:
        sign = 1 if measure.better == "higher" else -1
        if sign * (target.value - measure.floor.value) < 0:
            side = "below" if measure.better == "higher" else "above"
            problems.append(doc.problem((*key, "floor"), (
                f"floor {measure.text(measure.floor)} is better than the target "
                f"{measure.text(target)}: {measure.better} is better for this measure, so the "
                f"floor should be at or {side} the target")))
    if entry.rating is not None:
        measure.published = entry.rating
        measure.rating_where = (doc.name, *doc.where((*key, "rating")))
    measure.rating_reason = entry.rating_reason
    if entry.rating_reason is not None and entry.rating is None:
        problems.append(doc.problem((*key, "rating_reason"), "rating_reason explains a "
                                    "published rating: give rating: too, or delete it"))


def _tolerance(doc: Document, at: Key, text: str, unit: str,
               problems: list[Problem]) -> numbers.Quantity | None:
    try:
        quantity = numbers.parse(text, unit)
    except ValueError as exc:
        problems.append(doc.problem(at, str(exc)))
        return None
    if quantity.value < 0:
        problems.append(doc.problem(at, f"tolerance {text} is negative: give how far worse "
                                        "than target the floor is, as a positive number"))
        return None
    return quantity


def _likely_fraction(measure: Measure) -> str | None:
    """Return a warning for a percent value typed as a fraction (0.841 for 84.1%) where the
    target shows the measure is in whole percents: rated as typed, it would be far off."""
    value, target = measure.value, measure.target
    if (measure.unit != "percent" or value is None or target is None
            or not 0 < value.value < 1 or target.value < 10):
        return None
    meant = f"{value.value * 100:.{max(value.decimals - 2, 0)}f}"
    return (f"value {value.value:g} is under 1% while the target is {target.value:g}%: if it "
            f"means {meant}%, write {meant}")


def _scheme(doc: Document, spec: PlanFile, problems: list[Problem]) -> ratings.Scheme | None:
    given = spec.ratings if isinstance(spec.ratings, str) else spec.ratings.model_dump()
    try:
        return ratings.scheme_from(given)
    except KeyError:
        hint = did_you_mean(str(spec.ratings), ratings.BUILT_IN)
        problems.append(doc.problem(("ratings",), f"'{spec.ratings}' is not a rating scheme{hint}"))
        return None
    except ValueError as exc:
        problems.append(doc.problem(("ratings",), f"the rating scheme: {exc}"))
        return None


def _where(doc: Document, key: Key) -> str:
    return f"{doc.name}:{doc.where(key, at_key=True)[0]}"
