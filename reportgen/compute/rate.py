"""Rate measures: the one place a rating is computed, for every quarter a report shows.

A measure's rating is the scheme's rule applied to its value and target (and, as the scheme
says, its floor and its value in the quarter direction of travel compares with), unless the
council published its own (`rating:`): with no target that is the rating; where the rule
gives another, the published rating is used and reportgen says so (docs/data-format.md,
"Published ratings").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import overload

from reportgen.core.errors import Problem, did_you_mean
from reportgen.core.model import Measure, Objective, QuarterStatus, Report, earlier_year
from reportgen.core.numbers import Quantity
from reportgen.core.ratings import (
    NOT_RATED,
    ROLL_UPS,
    FromMeasures,
    Progress,
    ProgressScheme,
    Rating,
    Scheme,
)


@overload
def roll_up(levels: Iterable[Rating | None], rule: str, scheme: Scheme) -> Rating | None: ...
@overload
def roll_up(levels: Iterable[Progress | None], rule: str,
            scheme: ProgressScheme) -> Progress | None: ...


def roll_up(levels: Iterable[Rating | Progress | None], rule: str,
            scheme: Scheme | ProgressScheme) -> Rating | Progress | None:
    """Combine ratings of one scheme into one by `rule` (a word of ROLL_UPS):
    - worst: the worst rating present;
    - majority: the most common; a tie goes to the worse;
    - average: the mean of the ratings' places in the scheme's order (0 the best), rounded
      to the nearest place, a half rounding to the worse.
    `scheme` gives the order, best first: a measure Scheme's bands, or a ProgressScheme's
    levels that a service can enter, and the result is one of them. Anything else (None,
    "Awaiting update", a word not of the scheme) is left out, so unrated items never pull a
    roll-up either way. Return None when nothing is left; ValueError for an unknown rule."""
    if rule not in ROLL_UPS:
        raise ValueError(f"'{rule}' is not a roll-up rule"
                         f"{did_you_mean(rule, ROLL_UPS, 'use one of')}")
    order: tuple[Rating | Progress, ...] = (
        scheme.bands if isinstance(scheme, Scheme) else scheme.ranked)
    labels = [level.label for level in order]
    ranks = [labels.index(level.label) for level in levels
             if level is not None and level.label in labels]
    return order[_ROLL_UP[rule](ranks)] if ranks else None


def _worst(ranks: list[int]) -> int:
    return max(ranks)


def _majority(ranks: list[int]) -> int:
    counts = Counter(ranks)
    # the most common; among equally common, the worse (the larger place)
    return max(counts, key=lambda rank: (counts[rank], rank))


def _average(ranks: list[int]) -> int:
    # Decimal so that 1.5 is exactly a half: it rounds away from 0, i.e. to the worse place
    mean = Decimal(sum(ranks)) / len(ranks)
    return int(mean.quantize(Decimal(1), rounding=ROUND_HALF_UP))


_ROLL_UP = {"worst": _worst, "majority": _majority, "average": _average}


def rate(report: Report) -> list[Problem]:
    """Rate every measure with the report's scheme: this quarter, the year's earlier
    quarters (the trend over time) and last quarter's rating (the changes). Return the
    problems found (a published word the scheme lacks, overrides), also added to the
    report's warnings."""
    scheme = report.scheme
    statuses = {s.quarter: s for s in report.quarters}
    problems: list[Problem] = []
    for m in report.measures:
        m.rule_rating = scheme.rate(m.value, m.target, m.better, m.unit, floor=m.floor,
                                    before=_before(report, m, statuses))
        problems += _published(m, scheme)
    measures = {m.id: m for m in report.measures}
    for status in report.quarters:
        if status.quarter != report.quarter:
            _rate_quarter(status, measures, scheme, statuses.get(status.quarter - 1))
        else:  # this quarter: the measures' own ratings, so the two can never differ
            status.ratings = {m.id: m.rating for m in report.measures}
    before = statuses.get(report.quarter - 1)
    if before is None and report.before is not None:  # Quarter 1: last year's Quarter 4
        _rate_quarter(report.before, measures, scheme, None)
        before = report.before
    for m in report.measures:
        m.previous_rating = before.ratings.get(m.id) if before else None
    problems += _floor_unused(report)
    problems += _progress_from_measures(report)
    report.warnings = sorted([*report.warnings, *problems])
    return problems


def _progress_from_measures(report: Report) -> list[Problem]:
    """Where the plan says so, compute each objective's progress from its rated measures,
    this quarter and the earlier ones the report shows. An entered word wins; where it
    differs, say so as a published measure rating's override is said."""
    setting = report.progress_from
    if setting is None:
        return []
    problems = _check_mapping(setting, report.scheme, report.progress_scheme)
    if problems:
        return problems
    for o in report.objectives:
        rated = [m.rating for m in o.measures if m.rating is not None]
        o.rated_measures = tuple(r.label for r in rated)
        o.computed = _computed(rated, setting, report.progress_scheme)
        if o.computed is not None and o.entered is None:
            o.progress = o.computed
        elif o.overridden:
            problems.append(_progress_override(o, setting.rule))
    for status in report.quarters:
        if status.quarter == report.quarter:
            status.progress = {o.id: o.progress for o in report.objectives}
        else:
            _earlier_progress(status, report, setting)
    if report.before is not None:
        _earlier_progress(report.before, report, setting)
    before = next((s for s in report.quarters if s.quarter == report.quarter - 1), None)
    if before is not None:  # the change since last quarter, as history.fill set it
        for o in report.objectives:
            o.previous = before.progress.get(o.id)
    return problems


def _computed(rated: list[Rating], setting: FromMeasures,
              levels: ProgressScheme) -> Progress | None:
    """Return the progress the measures' ratings give: each band as its progress word,
    rolled up by the setting's rule; None when no measure is rated."""
    return roll_up([levels.get(setting.word(r.label)) for r in rated], setting.rule, levels)


def _earlier_progress(status: QuarterStatus, report: Report, setting: FromMeasures) -> None:
    """Give an earlier quarter's objectives with no progress entered then the progress
    their measures' ratings of that quarter give."""
    levels = report.progress_scheme
    for o in report.objectives:
        if status.progress.get(o.id, levels.awaiting) not in levels.ranked:
            rated = [r for m in o.measures if (r := status.ratings.get(m.id)) is not None]
            status.progress[o.id] = _computed(rated, setting, levels) or levels.awaiting


def _check_mapping(setting: FromMeasures, scheme: Scheme,
                   levels: ProgressScheme) -> list[Problem]:
    """Check the map from measure bands to progress words against the scheme in use: every
    band has a word, every mapped band is a band, and a worse band never gives better
    progress (so a better rating can never make the computed progress worse)."""
    bands = [b.label for b in scheme.bands]
    words = [p.label for p in levels.ranked]
    file, line, column = setting.where
    problems = []
    for band, (f, ln, col) in setting.mapping_where:
        if band not in bands:
            problems.append(Problem(f, ln, col, f"progress_from_measures.map.{band}", (
                f"'{band}' is not a band of the scheme '{scheme.name}'"
                f"{did_you_mean(band, bands, 'its bands are')}")))
    missing = [b for b in bands if setting.word(b) not in words]
    if missing:
        problems.append(Problem(file, line, column, "progress_from_measures.map", (
            f"the band{'s' * (len(missing) > 1)} {', '.join(missing)} of the scheme "
            f"'{scheme.name}' need{'s' * (len(missing) == 1)} a progress word: add "
            f"{missing[0]}: <one of {', '.join(words)}> under map")))
    if problems:
        return problems
    places = [words.index(setting.word(b)) for b in bands]
    for better, worse, a, b in zip(bands, bands[1:], places, places[1:], strict=False):
        if b < a:
            problems.append(Problem(file, line, column, "progress_from_measures.map", (
                f"{worse} -> {setting.word(worse)} is better progress than {better} -> "
                f"{setting.word(better)}: a worse band may not give better progress")))
    return problems


def _progress_override(o: Objective, rule: str) -> Problem:
    """Say that an entered progress word differs from the one computed from the measures:
    a warning, or with a reason a note (which --strict lets pass)."""
    file, line, column = o.progress_where or ("", 0, 0)
    section = "deliverables" if o.kind == "deliverable" else "objectives"
    at = (file, line, column, f"{section}.{o.id}.progress")
    entered = o.entered.label if o.entered else ""
    computed = o.computed.label if o.computed else ""
    said = (f"entered progress {entered} differs from {computed}, computed from its "
            f"measures ({', '.join(o.rated_measures)}; {rule}): {entered} is used")
    if o.progress_reason:
        return Problem(*at, f"{said}; reason: {o.progress_reason}", severity="note")
    return Problem(*at, f"{said}; give progress_reason: to say why (--strict needs one)",
                   severity="warning")


def _before(report: Report, m: Measure, statuses: dict[int, QuarterStatus]) -> Quantity | None:
    """Return the value direction of travel compares this quarter's with, if the scheme
    weighs it and there is one."""
    travel = report.scheme.travel
    if travel is None:
        return None
    if travel.compare == "previous-quarter":
        status = statuses.get(report.quarter - 1)
        return status.figures.get(m.id, (None, None))[0] if status else None
    return m.history.get(earlier_year(report.year, 1))


def _published(m: Measure, scheme: Scheme) -> list[Problem]:
    """Set the measure's rating from the rule and its published word; return what to say."""
    m.rating, m.not_rated = m.rule_rating, None
    if m.published is None:
        return []
    file, line, column = m.rating_where or ("", 0, 0)
    path = f"measures.{m.id}.rating"
    band = scheme.band(m.published)
    if band is None and m.published not in NOT_RATED:
        words = [b.label for b in scheme.bands] + list(NOT_RATED)
        return [Problem(file, line, column, path, (
            f"'{m.published}' is not a rating of the scheme "
            f"'{scheme.name}'{did_you_mean(m.published, words, 'use one of')}"))]
    m.rating = band
    m.not_rated = None if band else m.published
    if not m.overridden:
        return []
    return [_override_problem(m, (file, line, column, path))]


def _override_problem(m: Measure, at: tuple[str, int, int, str]) -> Problem:
    """Say that a published rating differs from the rule: a warning, or with a reason a
    note (which --strict lets pass: the reason is the reviewer's to read)."""
    rule = m.rule_rating.label if m.rule_rating else "no rating"
    said = (f"published rating {m.published} differs from the rule's {rule} (value "
            f"{m.text(m.value)}, target {m.text(m.target)}"
            f"{f', floor {m.text(m.floor)}' if m.floor is not None else ''}): "
            f"{m.published} is used")
    if m.rating_reason:
        return Problem(*at, f"{said}; reason: {m.rating_reason}", severity="note")
    return Problem(*at, f"{said}; give rating_reason: to say why (--strict needs one)",
                   severity="warning")


def _floor_unused(report: Report) -> list[Problem]:
    """Warn once where floors or tolerances are given but the scheme never reads them."""
    if report.scheme.rule == "thresholds":
        return []
    given = [m for m in report.measures if m.floor is not None]
    if not given:
        return []
    file, _, line = (given[0].source or "").rpartition(":")
    return [Problem(file, int(line or 0), 1, f"measures.{given[0].id}", (
        f"{len(given)} measure{'s' * (len(given) != 1)} ({', '.join(m.id for m in given[:3])}"
        f"{', ...' if len(given) > 3 else ''}) give a floor or tolerance, but the scheme "
        f"'{report.scheme.name}' uses the relative rule, which does not read them"),
        severity="warning")]


def _rate_quarter(status: QuarterStatus, measures: dict[str, Measure], scheme: Scheme,
                  previous: QuarterStatus | None) -> None:
    """Rate an earlier quarter as it was reported: its figures, floors and published words."""
    ratings: dict[str, Rating | None] = {}
    for ident, (value, target) in status.figures.items():
        if ident not in measures:
            continue
        m = measures[ident]
        rated = scheme.rate(value, target, m.better, m.unit, floor=status.floors.get(ident),
                            before=_earlier_before(scheme, status, previous, ident))
        ratings[ident] = _as_published(scheme, status.published.get(ident), rated)
    status.ratings = ratings


def _as_published(scheme: Scheme, word: str | None, rated: Rating | None) -> Rating | None:
    """Return the published rating where there is one (a band, or none for a not-rated
    word), else the rule's; an unknown word was reported in its own quarter."""
    if word is None:
        return rated
    if word in NOT_RATED:
        return None
    return scheme.band(word) or rated


def _earlier_before(scheme: Scheme, status: QuarterStatus, previous: QuarterStatus | None,
                    ident: str) -> Quantity | None:
    if scheme.travel is None:
        return None
    if scheme.travel.compare == "previous-quarter":
        return previous.figures.get(ident, (None, None))[0] if previous else None
    return status.last_year.get(ident)
