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
from reportgen.core.model import Measure, QuarterStatus, Report, earlier_year
from reportgen.core.numbers import Quantity
from reportgen.core.ratings import NOT_RATED, Progress, ProgressScheme, Rating, Scheme

# How roll_up combines ratings (docs/data-format.md, "Rolling ratings up").
ROLL_UPS = ("worst", "majority", "average")


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
    report.warnings = sorted([*report.warnings, *problems])
    return problems


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
