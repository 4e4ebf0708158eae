"""The year in view: counts per rating for each quarter so far, changes since the last
quarter, each measure's direction of travel, and the items rated Action."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.compute.summary import join
from reportgen.core.model import Measure, Objective, Report, earlier_year, quarter_label
from reportgen.core.ratings import PROGRESS, Progress, Rating

RANKED_PROGRESS = [p.label for p in PROGRESS[:4]]  # Complete > Good > Review > Action


@dataclass(frozen=True)
class TrendRow:
    label: str
    colour: str
    icon: str
    counts: tuple[int | None, ...]  # per quarter Q1..Q4; None where not reported yet


@dataclass(frozen=True)
class Direction:
    """A measure's value against the same quarter last year."""

    word: str    # "Improving", "Worsening", "No change"
    arrow: str   # the value's movement: "arrow-up", "arrow-down", "arrow-flat"
    colour: str
    since: str   # the earlier year compared with, "2024-25"


def quarter_labels(report: Report) -> list[str]:
    """Return the four quarters' labels of the report's year: Jun, Sep, Dec, Mar."""
    return [quarter_label(report.year, n) for n in range(1, 5)]


def trend_rows(report: Report, kind: str) -> list[TrendRow]:
    """Count objectives ("objectives") or rated measures ("measures") per rating for each
    quarter of the year so far, in the key's order."""
    by_quarter = {s.quarter: s for s in report.quarters}
    levels: list[Progress | Rating] = list(PROGRESS if kind == "objectives" else
                                           report.scheme.bands)
    rows: list[TrendRow] = []
    for level in levels:
        counts: list[int | None] = []
        for n in range(1, 5):
            status = by_quarter.get(n)
            if status is None:
                counts.append(None)
                continue
            given = status.progress.values() if kind == "objectives" else status.ratings.values()
            counts.append(sum(r is not None and r.label == level.label for r in given))
        rows.append(TrendRow(level.label, level.colour, level.icon, tuple(counts)))
    if kind == "objectives":  # "Awaiting update" only where it happened
        rows = [r for r in rows if r.label in RANKED_PROGRESS or any(r.counts)]
    return rows


def _compare(before: str, now: str, order: list[str]) -> str | None:
    if before not in order or now not in order or before == now:
        return None
    return "improved" if order.index(now) < order.index(before) else "worsened"


def objective_change(o: Objective) -> str | None:
    """Return "improved" or "worsened" against last quarter's progress; None if the same
    or either is not entered."""
    if o.previous is None:
        return None
    return _compare(o.previous.label, o.progress.label, RANKED_PROGRESS)


def measure_change(m: Measure, report: Report) -> str | None:
    """Return "improved" or "worsened" against last quarter's rating; None if the same or
    either is not rated."""
    if m.previous_rating is None or m.rating is None:
        return None
    return _compare(m.previous_rating.label, m.rating.label,
                    [b.label for b in report.scheme.bands])


def was(report: Report, previous: Progress | Rating | None, change: str | None) -> str:
    """Return "was Review in Quarter 1" where the rating changed, else ""."""
    if change is None or previous is None:
        return ""
    return f"was {previous.label} in Quarter {report.quarter - 1}"


def changes_sentence(report: Report) -> str:
    """Say how many ratings improved and worsened since last quarter, or "" in Quarter 1."""
    if not any(s.quarter == report.quarter - 1 for s in report.quarters):
        return ""
    changes = {"improved": [0, 0], "worsened": [0, 0]}
    for o in report.objectives:
        if change := objective_change(o):
            changes[change][0] += 1
    for m in report.measures:
        if change := measure_change(m, report):
            changes[change][1] += 1
    parts = [_change_part(word, *changes[word]) for word in ("improved", "worsened")]
    return f"Since Quarter {report.quarter - 1}, {parts[0]} and {parts[1]}."


def _change_part(word: str, objectives: int, measures: int) -> str:
    total = objectives + measures
    if not total:
        return f"none has {word}"
    items = [f"{n} {noun if n == 1 else noun + 's'}" for n, noun in
             ((objectives, "Strategic Objective"), (measures, "measure")) if n]
    verb = "has" if total == 1 else "have"
    return f"{total} rating{'s' * (total != 1)} {verb} {word} ({join(items)})"


def direction(m: Measure, report: Report) -> Direction | None:
    """Return the measure's direction of travel against the same quarter last year; None
    without both values."""
    since = earlier_year(report.year, 1)
    before = m.history.get(since)
    if m.value is None or before is None:
        return None
    moved = (m.value.value > before.value) - (m.value.value < before.value)
    if not moved:
        return Direction("No change", "arrow-flat", "#505a5f", since)
    better = moved if m.better == "higher" else -moved
    arrow = "arrow-up" if moved > 0 else "arrow-down"
    if better > 0:
        return Direction("Improving", arrow, "#00703c", since)
    return Direction("Worsening", arrow, "#b81800", since)


def action_objectives(report: Report) -> list[Objective]:
    """Return the objectives whose progress is the worst (Action)."""
    return [o for o in report.objectives if o.progress.label == RANKED_PROGRESS[-1]]


def action_measures(report: Report) -> list[Measure]:
    """Return the measures rated in the scheme's worst band."""
    worst = report.scheme.bands[-1].label
    return [m for m in report.measures if m.rating is not None and m.rating.label == worst]
