"""Report 004's summary, computed: cross-tables of counts by status for each theme (or any
grouping), with totals, for measures, milestones and projects; the sentences that quote
them ("25 out of 36 (69.4%) met or exceeded target"); what changed since the quarter before.

Every figure comes from the same items the tables list, so a sentence cannot drift from its
table (report 000's hand-written summary did)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportgen.compute.summary import join as summary_join
from reportgen.core.items import Item, Project, Risk, StatusScheme
from reportgen.core.model import QUARTER_END_MONTH, Measure, Report, earlier_year
from reportgen.core.words import Words

MONTH_NAMES = ("January February March April May June July August September October "
               "November December").split()
NUMBER_WORDS = "no one two three four five six seven eight nine ten".split()


@dataclass(frozen=True)
class Row:
    label: str
    colour: str
    counts: tuple[int, ...]  # one per group

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class CrossTable:
    """Counts by status (rows, best first) and group (columns), with totals."""

    title: str
    groups: tuple[str, ...]  # column headings: theme names
    rows: tuple[Row, ...]

    @property
    def totals(self) -> tuple[int, ...]:
        return tuple(sum(r.counts[i] for r in self.rows) for i in range(len(self.groups)))

    @property
    def total(self) -> int:
        return sum(r.total for r in self.rows)

    def count(self, label: str) -> int:
        return next((r.total for r in self.rows if r.label == label), 0)


def cross_table(title: str, groups: Sequence[tuple[str, str]],
                rows: Sequence[tuple[str, str]], items: Sequence[Any],
                group_of: Callable[[Any], str], status_of: Callable[[Any], str | None]
                ) -> CrossTable:
    """Count items by status and group. `groups` and `rows` are (key, heading) and
    (label, colour) pairs in the order printed; an item in neither is not counted."""
    keys = [g[0] for g in groups]
    counts = {label: [0] * len(keys) for label, _ in rows}
    for item in items:
        label, group = status_of(item), group_of(item)
        if label in counts and group in keys:
            counts[label][keys.index(group)] += 1
    return CrossTable(title, tuple(g[1] for g in groups),
                      tuple(Row(label, colour, tuple(counts[label])) for label, colour in rows))


def themes(report: Report) -> list[tuple[str, str]]:
    """Return the report's themes (its outcomes) as (id, heading): the default grouping."""
    return [(o.id, o.title) for o in report.outcomes]


def owners(report: Report) -> list[tuple[str, str]]:
    """Return every owner of an objective or item, in plan order: the other grouping."""
    seen = dict.fromkeys([*(o.owner for o in report.objectives),
                          *(i.owner for i in (*report.items.milestones,
                                              *report.items.projects))])
    return [(o, o) for o in seen]


def measures_table(report: Report, by: str = "theme") -> CrossTable:
    """Measures by rating and theme (or owner): Blue, Green, Amber, Red (report 004's first
    table)."""
    group_of = ({m.id: o.owner for o in report.objectives for m in o.measures} if by == "owner"
                else {m.id: o.id for o in report.outcomes for m in o.measures})
    return cross_table("Performance measures", owners(report) if by == "owner" else
                       themes(report), [(b.label, b.colour) for b in report.scheme.bands],
                       report.measures, lambda m: group_of[m.id],
                       lambda m: m.rating.label if m.rating else None)


def status_table(report: Report, kind: str, by: str = "theme") -> CrossTable:
    """Milestones or projects by status and theme (or owner), counted statuses only."""
    scheme = report.items.schemes[kind]
    items: list[Item] = list(getattr(report.items, kind))
    groups = owners(report) if by == "owner" else themes(report)
    return cross_table(scheme.name, groups, [(s.label, s.colour) for s in scheme.ranked], items,
                       (lambda i: i.owner) if by == "owner" else (lambda i: i.outcome_id),
                       lambda i: i.status.label if i.status else None)


def month_year(words: Words, year: str, quarter: int) -> str:
    """Return the quarter's last month in full: "June 2023" for Quarter 1 2023-24."""
    month = QUARTER_END_MONTH[quarter]
    return f"{words.gettext(MONTH_NAMES[month - 1])} {int(year[:4]) + (quarter == 4)}"


def before_month(report: Report) -> str:
    """Return the quarter before's last month: "March 2023" for Quarter 1 2023-24."""
    if report.quarter > 1:
        return month_year(report.words, report.year, report.quarter - 1)
    return month_year(report.words, earlier_year(report.year, 1), 4)


def now_month(report: Report) -> str:
    """Return this quarter's last month: "June 2023" for Quarter 1 2023-24."""
    return month_year(report.words, report.year, report.quarter)


def now_label(report: Report) -> str:
    """Return this quarter as sentences name it: "Quarter 1 2023-24"."""
    return report.words.format("Quarter %(quarter)s %(year)s", quarter=report.quarter,
                               year=report.year)


def before_label(report: Report) -> str:
    """Return the quarter compared with, as sentences name it ("Quarter 4 2022-23"), or ""
    when there was none to read."""
    if report.items.before is None:
        return ""
    year, quarter = report.items.before
    return report.words.format("Quarter %(quarter)s %(year)s", quarter=quarter, year=year)


def number(words: Words, n: int, capital: bool = False) -> str:
    """Return a count as report 004 writes it: words up to ten ("seven"), then digits."""
    word = words.gettext(NUMBER_WORDS[n]) if n <= 10 else f"{n:,}"
    return word[:1].upper() + word[1:] if capital else word


def percent(part: int, whole: int) -> str:
    """Return "69.4%": one decimal, as report 004 prints it."""
    return f"{part / whole:.1%}" if whole else "0.0%"


def measures_sentences(report: Report) -> list[str]:
    """Return the measures summary: the share that met target, and those not reported."""
    words, table = report.words, measures_table(report)
    met = sum(table.count(label) for label in report.measures_met)
    out = []
    if table.total:
        out.append(words.format(
            "At the end of %(month)s, of the updates available, %(share)s of performance "
            "measures with a quarterly target had met or exceeded them (%(met)s out of "
            "%(total)s).", month=now_month(report), share=percent(met, table.total), met=met,
            total=table.total))
    missing = [m for m in report.measures if m.no_data is not None]
    if missing:
        out.append(words.ngettext("%(n)s measure has not been reported this quarter.",
                                  "%(n)s measures have not been reported this quarter.",
                                  len(missing)) % {"n": number(words, len(missing), True)})
    return out


def milestone_sentences(report: Report) -> list[str]:
    """Return the milestones summary: the share on track, statuses none has, changes."""
    words, scheme = report.words, report.items.schemes["milestones"]
    table = status_table(report, "milestones")
    if not table.total:
        return []
    met_words = [s.label for s in scheme.ranked if s.met and table.count(s.label)] or [
        s.label for s in scheme.ranked if s.met]
    met = sum(table.count(s.label) for s in scheme.ranked if s.met)
    out = [words.format(
        "At the end of %(month)s, of the updates available, %(share)s of priority milestones "
        "were assessed as %(statuses)s (%(met)s out of %(total)s).", month=now_month(report),
        share=percent(met, table.total), statuses=either(words, [_quote(words, w)
                                                                 for w in met_words]),
        met=met, total=table.total)]
    for s in scheme.ranked:
        if not s.met and not table.count(s.label):
            out.append(words.format("There are no milestones reported with a status of "
                                    "%(status)s.", status=_quote(words, s.label)))
    out += _moves(report, report.items.milestones, scheme)
    return out


def either(words: Words, parts: list[str]) -> str:
    """Join alternatives in the report's words: "a", "a or b", "a, b or c"."""
    if len(parts) == 1:
        return parts[0]
    return words.format("%(items)s or %(last)s", items=", ".join(parts[:-1]), last=parts[-1])


def _quote(words: Words, word: str) -> str:
    return f"‘{words.label(word).lower()}’"


# Each move as report 004 words it: by improved/worsened, and with or without the theme
MOVES = {
    ("improved", True): (
        "%(n)s milestone relating to %(theme)s has an improved status from %(before)s in "
        "%(then)s to %(now)s in %(quarter)s.",
        "%(n)s milestones relating to %(theme)s have an improved status from %(before)s in "
        "%(then)s to %(now)s in %(quarter)s."),
    ("worsened", True): (
        "%(n)s milestone relating to %(theme)s has a worsened status from %(before)s in "
        "%(then)s to %(now)s in %(quarter)s.",
        "%(n)s milestones relating to %(theme)s have a worsened status from %(before)s in "
        "%(then)s to %(now)s in %(quarter)s."),
    ("improved", False): (
        "%(n)s milestone has an improved status from %(before)s in %(then)s to %(now)s in "
        "%(quarter)s.",
        "%(n)s milestones have an improved status from %(before)s in %(then)s to %(now)s in "
        "%(quarter)s."),
    ("worsened", False): (
        "%(n)s milestone has a worsened status from %(before)s in %(then)s to %(now)s in "
        "%(quarter)s.",
        "%(n)s milestones have a worsened status from %(before)s in %(then)s to %(now)s in "
        "%(quarter)s."),
}


def _moves(report: Report, items: Sequence[Item], scheme: StatusScheme) -> list[str]:
    """Say each move from one status to another: "Five milestones relating to A Resilient
    City have an improved status from 'some slippage' in ... to 'on track' in ..."."""
    moves: dict[tuple[str, str, str], list[Item]] = {}
    for item in items:
        change = scheme.change(item.previous, item.status)
        if change in ("improved", "worsened") and item.previous and item.status:
            moves.setdefault((change, item.previous.label, item.status.label), []).append(item)
    names = {o.id: o.title for o in report.outcomes}
    words, out = report.words, []
    for (change, before, now), moved in moves.items():
        theme = {i.outcome_id for i in moved}
        one, many = MOVES[(change, len(theme) == 1)]
        out.append(words.ngettext(one, many, len(moved)) % {
            "n": number(words, len(moved), True), "theme": names[next(iter(theme))],
            "before": _quote(words, before), "then": before_label(report),
            "now": _quote(words, now), "quarter": now_label(report)})
    return out


@dataclass(frozen=True)
class Change:
    """An item whose status changed, or that is reported for the first time."""

    item: Project
    before: str  # "Red", "NEW"
    now: str
    change: str  # improved, worsened, new, closed


def project_changes(report: Report) -> list[tuple[str, list[Change]]]:
    """Return, theme by theme, the projects whose status changed or that are new."""
    scheme = report.items.schemes["projects"]
    out = []
    for o in report.outcomes:
        changes = []
        for p in (p for p in report.items.projects if p.outcome_id == o.id):
            change = scheme.change(p.previous, p.status) if p.previous_known else None
            if change and p.status:
                before = p.previous.label if p.previous else scheme.new
                changes.append(Change(p, before, p.status.label, change))
        if changes:
            out.append((o.name, changes))
    return out


def project_sentences(report: Report) -> list[str]:
    """Return the projects summary: how many, the share met, what changed, how many new."""
    words = report.words
    scheme, projects = report.items.schemes["projects"], report.items.projects
    if not projects:
        return []
    met = [p for p in projects if p.status and p.status.met]
    share = f"{len(met) / len(projects):.0%}"  # "67%": no decimals, as 004 prints
    out = [words.ngettext("At the end of %(month)s, there was a total of %(n)s priority "
                          "project.", "At the end of %(month)s, there were a total of %(n)s "
                          "priority projects.", len(projects))
           % {"month": now_month(report), "n": len(projects)},
           words.format("%(share)s of priority projects were assessed as either %(statuses)s.",
                        share=share, statuses=either(
                            words, [_quote(words, s.label) for s in scheme.statuses if s.met]))]
    if report.items.before is None:
        return out
    changes = [c for _, group in project_changes(report) for c in group]
    kinds = {k: sum(c.change == k for c in changes) for k in ("improved", "worsened", "closed",
                                                               "new")}
    out.append(_changed_sentence(report, kinds))
    if kinds["new"]:
        out.append(words.ngettext(
            "%(n)s priority project has been included in reporting for the first time this "
            "quarter.", "%(n)s priority projects have been included in reporting for the "
            "first time this quarter.", kinds["new"]) % {"n": number(words, kinds["new"],
                                                                      True)})
    return out


PROJECT_CHANGES = {"improved": ("%(n)s improved", "%(n)s improved"),
                   "worsened": ("%(n)s worsened", "%(n)s worsened"),
                   "closed": ("%(n)s was closed (N/A)", "%(n)s were closed (N/A)")}


def _changed_sentence(report: Report, kinds: dict[str, int]) -> str:
    """Say how many projects changed status since the quarter before, and how."""
    words = report.words
    changed = kinds["improved"] + kinds["worsened"] + kinds["closed"]
    parts = [words.ngettext(*PROJECT_CHANGES[k], kinds[k]) % {"n": number(words, kinds[k])}
             for k in PROJECT_CHANGES if kinds[k]]
    sentence = words.ngettext(
        "There was %(n)s project where the status changed from that reported at %(then)s",
        "There were %(n)s projects where the status changed from that reported at %(then)s",
        changed) % {"n": number(words, changed), "then": before_label(report)}
    if not parts:
        return words.format("%(sentence)s.", sentence=sentence)
    return words.format("%(sentence)s; %(changes)s.", sentence=sentence,
                        changes=summary_join(parts, words))


def open_risks(report: Report) -> list[Risk]:
    return [r for r in report.items.risks if not r.closed]


RISK_CHANGES = {"new": ("%(n)s new risk", "%(n)s new risks"),
                "increased": ("%(n)s risk with an increased score",
                              "%(n)s risks with an increased score"),
                "decreased": ("%(n)s risk with a decreased score",
                              "%(n)s risks with a decreased score"),
                "closed": ("%(n)s risk closed", "%(n)s risks closed")}


def risk_sentences(report: Report) -> list[str]:
    """Return the risks summary: how many are open, and the changes."""
    words, risks = report.words, report.items.risks
    if not risks:
        return []
    count = len(open_risks(report))
    out = [words.ngettext("At the end of %(month)s, there was %(n)s strategic risk.",
                          "At the end of %(month)s, there were %(n)s strategic risks.", count)
           % {"month": now_month(report), "n": count}]
    counts = {k: sum(r.change == k for r in risks) for k in RISK_CHANGES}
    parts = [words.ngettext(*RISK_CHANGES[k], n) % {"n": number(words, n)}
             for k, n in counts.items() if n]
    if parts and report.items.before is not None:
        out.append(words.format("Since %(then)s: %(changes)s.", then=before_label(report),
                                changes=summary_join(parts, words)))
    return out


def risks_changed(report: Report) -> list[Risk]:
    """Return the risks that are new, closed or re-scored since the quarter before."""
    return [r for r in report.items.risks if r.change]


def risk_change_text(r: Risk, words: Words | None = None) -> str:
    """Return the change as printed: "Decreased from 12 to 8", "New", "Closed"."""
    words = words or Words()
    if r.change == "decreased":
        return words.format("Decreased from %(before)s to %(now)s", before=r.previous_score,
                            now=r.score)
    if r.change == "increased":
        return words.format("Increased from %(before)s to %(now)s", before=r.previous_score,
                            now=r.score)
    return {"new": words.gettext("New"), "closed": words.gettext("Closed")}.get(r.change or "",
                                                                               "")


def position(m: Measure, words: Words | None = None) -> str:
    """Return a measure's position as report 004 prints it, without the value: "Quarterly
    status = Blue", "No quarterly target", or why there is no data."""
    words = words or Words()
    if m.no_data is not None:
        return m.no_data
    if m.rating is not None:
        return words.format("Quarterly status = %(status)s", status=words.label(m.rating.label))
    return words.label(m.not_rated or "No quarterly target")


WAS = {"measure": "This measure was reported as %(status)s in %(then)s.",
       "milestone": "This milestone was reported as %(status)s in %(then)s."}


def was_sentence(report: Report, label: str | None, noun: str) -> str:
    """Return "This measure was reported as 'green' in Quarter 4 2022-23." or ""."""
    if not label or report.items.before is None:
        return ""
    return report.words.format(WAS[noun], status=_quote(report.words, label),
                               then=before_label(report))


NEW_ITEM = {"project": "Priority project added for reporting for the first time in "
                       "%(quarter)s.",
            "milestone": "Priority milestone added for reporting for the first time in "
                         "%(quarter)s."}


def item_note(report: Report, item: Item, noun: str) -> str:
    """Return what changed for a milestone or project, as report 004 words it: "This
    milestone was reported as 'some slippage' in ...", "Priority project added for reporting
    for the first time in ...", "... changed from 'red' in ... to 'n/a' (project closure)"."""
    kind = "projects" if isinstance(item, Project) else "milestones"
    change = report.items.schemes[kind].change(item.previous, item.status)
    words = report.words
    if change == "new":
        return words.format(NEW_ITEM[noun], quarter=now_label(report))
    if change is None or item.previous is None or item.status is None:
        return ""
    if isinstance(item, Project):
        values = {"before": _quote(words, item.previous.label), "then": before_label(report),
                  "now": _quote(words, item.status.label), "why": item.closed}
        if change == "closed" and item.closed:
            return words.format("The status of this project has changed from %(before)s in "
                                "%(then)s to %(now)s (%(why)s).", **values)
        return words.format("The status of this project has changed from %(before)s in "
                            "%(then)s to %(now)s.", **values)
    return was_sentence(report, item.previous.label, noun)


def theme_items(report: Report, outcome_id: str, with_measures: bool = True
                ) -> dict[str, list[Any]]:
    """Return a theme's items by kind, in plan order: what its table lists (the objectives
    layout has its own measure tables, so leaves measures out)."""
    measures = [m for o in report.outcomes if o.id == outcome_id for m in o.measures
                if with_measures]
    return {"milestones": [i for i in report.items.milestones if i.outcome_id == outcome_id],
            "projects": [i for i in report.items.projects if i.outcome_id == outcome_id],
            "measures": measures,
            "risks": [r for r in report.items.risks if r.outcome_id == outcome_id]}


def scale_words(report: Report, steps: Sequence[str]) -> str:
    """Return a risk scale's steps numbered, in the report's words: "1 Low, 2 Medium"."""
    return ", ".join(f"{i} {report.words.label(word)}" for i, word in enumerate(steps, 1))
