"""The year in view: counts per rating for each quarter so far, changes since the last
quarter, each measure's direction of travel, and the items rated Action."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.compute.layout import counted
from reportgen.compute.summary import join
from reportgen.core.model import QUARTER_END_MONTH, Measure, Objective, Report, earlier_year
from reportgen.core.ratings import DEFAULT_PROGRESS, Progress, Rating
from reportgen.core.words import Words


def _ranked(report: Report) -> list[str]:
    """Return the progress words best first: Complete > Good > Review > Action."""
    return [p.label for p in report.progress_scheme.ranked]


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
    start = int(report.year[:4])
    return [f"{report.words.month(QUARTER_END_MONTH[n])} {start + (n == 4)}"
            for n in range(1, 5)]


def trend_rows(report: Report, kind: str) -> list[TrendRow]:
    """Count objectives ("objectives") or rated measures ("measures") per rating for each
    quarter of the year so far, in the key's order."""
    by_quarter = {s.quarter: s for s in report.quarters}
    # this quarter's counts are the overview's: the measures it counts (layout.counted)
    now = {m.id for m in counted(report, report.measures)}
    levels: list[Progress | Rating] = list(report.progress_scheme.levels
                                           if kind == "objectives" else report.scheme.bands)
    rows: list[TrendRow] = []
    for level in levels:
        counts: list[int | None] = []
        for n in range(1, 5):
            status = by_quarter.get(n)
            if status is None:
                counts.append(None)
                continue
            given = (status.progress.values() if kind == "objectives" else
                     [r for i, r in status.ratings.items() if n != report.quarter or i in now])
            counts.append(sum(r is not None and r.label == level.label for r in given))
        rows.append(TrendRow(level.label, level.colour, level.icon, tuple(counts)))
    if kind == "objectives":  # "Awaiting update" only where it happened
        ranked = _ranked(report)
        rows = [r for r in rows if r.label in ranked or any(r.counts)]
    return rows


def _compare(before: str, now: str, order: list[str]) -> str | None:
    if before not in order or now not in order or before == now:
        return None
    return "improved" if order.index(now) < order.index(before) else "worsened"


def objective_change(o: Objective, report: Report | None = None) -> str | None:
    """Return "improved" or "worsened" against last quarter's progress; None if the same
    or either is not entered."""
    if o.previous is None:
        return None
    ranked = _ranked(report) if report else [p.label for p in DEFAULT_PROGRESS.ranked]
    return _compare(o.previous.label, o.progress.label, ranked)


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
    if report.quarter == 1:  # last plan year's Quarter 4 (report.before)
        return report.words.format("was %(rating)s in Quarter 4 %(year)s",
                                   rating=report.words.label(previous.label),
                                   year=earlier_year(report.year, 1))
    return report.words.format("was %(rating)s in Quarter %(quarter)s",
                               rating=report.words.label(previous.label),
                               quarter=report.quarter - 1)


def changes_sentence(report: Report) -> str:
    """Say how many ratings improved and worsened since last quarter (for Quarter 1, last
    plan year's Quarter 4), or "" when there is no quarter before."""
    q1 = report.quarter == 1 and report.before is not None
    if not q1 and not any(s.quarter == report.quarter - 1 for s in report.quarters):
        return ""
    changes = {"improved": [0, 0], "worsened": [0, 0]}
    for o in report.objectives:
        if change := objective_change(o, report):
            changes[change][0] += 1
    for m in report.measures:
        if change := measure_change(m, report):
            changes[change][1] += 1
    words = report.words
    improved = _change_part(words, "improved", *changes["improved"])
    worsened = _change_part(words, "worsened", *changes["worsened"])
    if q1:
        return words.format("Since Quarter 4 %(year)s, %(improved)s and %(worsened)s.",
                            year=earlier_year(report.year, 1), improved=improved,
                            worsened=worsened)
    return words.format("Since Quarter %(quarter)s, %(improved)s and %(worsened)s.",
                        quarter=report.quarter - 1, improved=improved, worsened=worsened)


def _change_part(words: Words, word: str, objectives: int, measures: int) -> str:
    total = objectives + measures
    if not total:
        return (words.gettext("none has improved") if word == "improved"
                else words.gettext("none has worsened"))
    items = [words.ngettext("%(n)s Strategic Objective", "%(n)s Strategic Objectives",
                            objectives) % {"n": objectives}] if objectives else []
    if measures:
        items.append(words.ngettext("%(n)s measure", "%(n)s measures", measures)
                     % {"n": measures})
    if word == "improved":
        text = words.ngettext("%(n)s rating has improved (%(items)s)",
                              "%(n)s ratings have improved (%(items)s)", total)
    else:
        text = words.ngettext("%(n)s rating has worsened (%(items)s)",
                              "%(n)s ratings have worsened (%(items)s)", total)
    return text % {"n": total, "items": join(items, words)}


def direction(m: Measure, report: Report) -> Direction | None:
    """Return the measure's direction of travel against the same quarter last year; None
    without both values."""
    since = earlier_year(report.year, 1)
    before = m.history.get(since)
    if m.value is None or before is None:
        return None
    moved = (m.value.value > before.value) - (m.value.value < before.value)
    if not moved:
        return Direction(report.words.gettext("No change"), "arrow-flat", "#505a5f", since)
    better = moved if m.better == "higher" else -moved
    arrow = "arrow-up" if moved > 0 else "arrow-down"
    if better > 0:
        return Direction(report.words.gettext("Improving"), arrow, "#00703c", since)
    return Direction(report.words.gettext("Worsening"), arrow, "#b81800", since)


def action_objectives(report: Report) -> list[Objective]:
    """Return the objectives whose progress needs action (Action, by the progress scheme)."""
    return [o for o in report.objectives if o.progress.action]


def action_measures(report: Report) -> list[Measure]:
    """Return the measures rated in the scheme's worst band."""
    worst = report.scheme.bands[-1].label
    return [m for m in counted(report, report.measures)
            if m.rating is not None and m.rating.label == worst]
