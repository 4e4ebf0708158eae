"""Milestones, projects and strategic risks (report 004): built from plan.yaml's themes,
filled from the update files, each status checked against its scheme with file:line, and
the status before read from the previous quarter directory, across plan years too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportgen.core.errors import Problem, did_you_mean
from reportgen.core.items import (
    BUILT_IN,
    BUILT_IN_SCALES,
    DERBY_SCALE,
    Item,
    Items,
    Milestone,
    Project,
    Risk,
    RiskScale,
    Status,
    StatusScheme,
)
from reportgen.data.layout import previous_quarter
from reportgen.data.schema import PlanFile, RiskScaleSpec, StatusSchemeSpec, UpdateFile
from reportgen.data.yamlread import Document

# load._claim: the plan item an update names, marked as updated by that file
Claim = Callable[[Document, str, str, dict[str, Any], list[Problem]], Any]


def plan_items(doc: Document, spec: PlanFile, problems: list[Problem]) -> Items:
    """Return the plan's milestones, projects and risks, theme by theme, with the schemes."""
    items = Items(scale=risk_scale(doc, spec.risk_scale, problems),
                  cross_tables=tuple(dict.fromkeys(spec.cross_tables)))
    seen: dict[str, int] = {}
    for i, o in enumerate(spec.outcomes):
        for kind, ids in (("milestones", [m.id for m in o.milestones]),
                          ("projects", [p.id for p in o.projects]),
                          ("risks", [r.id for r in o.risks])):
            for j, ident in enumerate(ids):
                key = ("outcomes", i, kind, j, "id")
                if ident in seen:
                    problems.append(doc.problem(key, f"id '{ident}' is used twice (first at "
                                                     f"line {seen[ident]}): ids must be unique"))
                seen.setdefault(ident, doc.where(key)[0])
        items.milestones += [Milestone(m.id, m.title, o.id, m.owner) for m in o.milestones]
        items.projects += [Project(p.id, p.title, o.id, p.owner, stage=p.stage or "")
                           for p in o.projects]
        items.risks += [Risk(r.id, r.title, o.id, r.owner, r.kind, target_score=r.target_score)
                        for r in o.risks]
        _check_targets(doc, i, [r.target_score for r in o.risks], items, problems)
    for kind in ("milestones", "projects"):
        given = getattr(spec.item_statuses, kind)
        scheme = _scheme(given)
        if scheme is None:
            problems.append(doc.problem(("item_statuses", kind), f"'{given}' is not a status "
                                        f"scheme{did_you_mean(str(given), BUILT_IN)}"))
            scheme = BUILT_IN[kind]
        items.schemes[kind] = scheme
    return items


def risk_scale(doc: Document, given: str | RiskScaleSpec, problems: list[Problem]
               ) -> RiskScale:
    """Return the plan's risk scale: built in by name, or the council's own, checked so that
    every score of its grid falls in a band."""
    if isinstance(given, str):
        if given not in BUILT_IN_SCALES:
            problems.append(doc.problem(("risk_scale",), f"'{given}' is not a risk scale: write "
                                        f"4x4 or a scale of your own (docs/data-format.md)"
                                        f"{did_you_mean(given, BUILT_IN_SCALES)}"))
        return BUILT_IN_SCALES.get(given, DERBY_SCALE)
    impact, likelihood = tuple(given.impact), tuple(given.likelihood)
    for field, words, like in (("opportunity_impact", given.opportunity_impact, impact),
                               ("opportunity_likelihood", given.opportunity_likelihood,
                                likelihood)):
        if words is not None and len(words) != len(like):
            axis = field.removeprefix("opportunity_")
            problems.append(doc.problem(("risk_scale", field), (
                f"{field} has {len(words)} steps but {axis} has {len(like)}: opportunities "
                f"are scored on the same grid, so give {len(like)} words")))
    bands = sorted(given.bands, key=lambda b: -b.lowest)
    scale = RiskScale(impact, likelihood, tuple(given.opportunity_impact or impact),
                      tuple(given.opportunity_likelihood or likelihood),
                      tuple((b.lowest, b.name, b.colour) for b in bands))
    _check_bands(doc, given, scale, problems)
    return scale


def _check_bands(doc: Document, given: RiskScaleSpec, scale: RiskScale,
                 problems: list[Problem]) -> None:
    """Say where a band starts above the grid's highest score, twice at one score, or
    where no band starts at 1 (the lowest scores would have none)."""
    seen: dict[int, str] = {}
    for j, band in enumerate(given.bands):
        at = ("risk_scale", "bands", j, "lowest")
        if band.lowest > scale.highest:
            problems.append(doc.problem(at, (
                f"band '{band.name}' starts at {band.lowest}, above the highest score "
                f"{scale.highest} ({len(scale.impact)} x {len(scale.likelihood)}): it would "
                "hold no risk")))
        if band.lowest in seen:
            problems.append(doc.problem(at, f"bands '{seen[band.lowest]}' and '{band.name}' "
                                            f"both start at {band.lowest}"))
        seen.setdefault(band.lowest, band.name)
    if 1 not in seen:
        problems.append(doc.problem(("risk_scale", "bands"), (
            f"no band starts at 1, so scores 1 to {min(seen) - 1} would have none: give the "
            "lowest band lowest: 1")))


def _check_targets(doc: Document, outcome: int, targets: list[int | None], items: Items,
                   problems: list[Problem]) -> None:
    """Say where a risk's target score is above the highest score of the scale."""
    assert items.scale is not None  # noqa: S101 - plan_items sets one first
    for j, target in enumerate(targets):
        if target is not None and target > items.scale.highest:
            problems.append(doc.problem(("outcomes", outcome, "risks", j, "target_score"), (
                f"target_score {target} is above the scale's highest score "
                f"{items.scale.highest} ({len(items.scale.impact)} x "
                f"{len(items.scale.likelihood)}): give 1 to {items.scale.highest}")))


def _scheme(given: str | StatusSchemeSpec) -> StatusScheme | None:
    if isinstance(given, str):
        return BUILT_IN.get(given)
    return StatusScheme(given.name, tuple(
        Status(s.label, s.colour, s.description or "", s.met, s.counted, s.closed)
        for s in given.statuses), given.new)


def apply_update(doc: Document, update: UpdateFile, items: Items, claim: Claim,
                 problems: list[Problem]) -> None:
    """Fill the items an update file names; a status the scheme lacks is an error at its
    line, naming the allowed words."""
    milestones = {m.id: m for m in items.milestones}
    for ident, m in update.milestones.items():
        if (milestone := claim(doc, "milestones", ident, milestones, problems)) is not None:
            milestone.comment = m.comment or ""
            milestone.status = _status(doc, ("milestones", ident, "status"), m.status,
                                       items.schemes["milestones"], problems)
    projects = {p.id: p for p in items.projects}
    for ident, p in update.projects.items():
        if (project := claim(doc, "projects", ident, projects, problems)) is not None:
            project.comment, project.closed = p.comment or "", p.closed or ""
            project.stage = p.stage or project.stage
            at = ("projects", ident, "status")
            project.status = _status(doc, at, p.status, items.schemes["projects"], problems)
            if project.status and project.status.closed and not project.closed:
                problems.append(doc.problem(at, f"{project.status.label} closes the project: "
                                                "say why with closed:", severity="warning"))
    risks = {r.id: r for r in items.risks}
    for ident, r in update.risks.items():
        if (risk := claim(doc, "risks", ident, risks, problems)) is not None:
            risk.impact, risk.likelihood = r.impact, r.likelihood
            risk.closed, risk.comment = r.closed or "", r.comment or ""
            _check_scale(doc, ident, (r.impact, r.likelihood), risk.kind, items, problems)


def _status(doc: Document, at: tuple[str, ...], word: str | None, scheme: StatusScheme,
            problems: list[Problem]) -> Status | None:
    if word is None:
        return None
    status = scheme.find(word)
    if status is None:
        words = [s.label for s in scheme.statuses]
        problems.append(doc.problem(at, f"'{word}' is not a status of {scheme.name}: write one "
                                        f"of {', '.join(words)}{did_you_mean(word, words)}"))
    return status


def _check_scale(doc: Document, ident: str, given: tuple[int | None, int | None], kind: str,
                 items: Items, problems: list[Problem]) -> None:
    """Say where an impact or likelihood is off the plan's scale (a threat's or an
    opportunity's words), naming the range allowed."""
    assert items.scale is not None  # noqa: S101 - plan_items always sets one
    impact, likelihood = given
    for field, value, words in zip(("impact", "likelihood"), given, items.scale.axes(kind),
                                   strict=True):
        if value is not None and value > len(words):
            problems.append(doc.problem(("risks", ident, field), (
                f"{field} {value} is off the {len(words)}-point scale: write 1 ({words[0]}) "
                f"to {len(words)} ({words[-1]})")))
    if (impact is None) != (likelihood is None):
        problems.append(doc.problem(("risks", ident), "give both impact and likelihood: the "
                                    "score is impact x likelihood"))


def fill_previous(quarter_dir: Path, year: str, quarter: int, items: Items,
                  read: Callable[[Path], list[UpdateFile] | None]) -> None:
    """Set each item's status before from the previous quarter directory (last year's Q4
    for Q1); an item it does not name was not reported then (NEW for a project)."""
    directory, before_year, before_quarter = previous_quarter(quarter_dir, year, quarter)
    updates = read(directory)
    if updates is None:
        return
    items.before_label = f"Quarter {before_quarter} {before_year}"
    items.before = (before_year, before_quarter)
    statuses: dict[str, dict[str, str]] = {"milestones": {}, "projects": {}}
    scores: dict[str, tuple[int | None, bool]] = {}  # risk id -> (score, closed)
    for update in updates:
        for ident, m in update.milestones.items():
            if m.status:
                statuses["milestones"].setdefault(ident, m.status)
        for ident, p in update.projects.items():
            if p.status:
                statuses["projects"].setdefault(ident, p.status)
        for ident, r in update.risks.items():
            score = r.impact * r.likelihood if r.impact and r.likelihood else None
            scores.setdefault(ident, (score, bool(r.closed)))
    for kind, group in (("milestones", items.milestones), ("projects", items.projects)):
        scheme = items.schemes[kind]
        for item in group:
            _previous(item, statuses[kind].get(item.id), scheme)
    for risk in items.risks:
        risk.previous_known, risk.previous_present = True, risk.id in scores
        risk.previous_score, risk.previous_closed = scores.get(risk.id, (None, False))
        if risk.previous_closed and not risk.updated:  # closed stays closed, unasked
            risk.closed = f"closed in {items.before_label}"


def _previous(item: Item, word: str | None, scheme: StatusScheme) -> None:
    item.previous_known = True
    item.previous = scheme.find(word) if word else None
    if item.previous and item.previous.closed and item.status is None:
        item.status = item.previous  # closed stays closed: no update is awaited
