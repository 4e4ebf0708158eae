"""Report 004's summary, computed: cross-tables of counts by status for each theme (or any
grouping), with totals, for measures, milestones and projects; the sentences that quote
them ("25 out of 36 (69.4%) met or exceeded target"); what changed since the quarter before.

Every figure comes from the same items the tables list, so a sentence cannot drift from its
table (report 000's hand-written summary did)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportgen.core.items import Item, Project, Risk, StatusScheme
from reportgen.core.model import QUARTER_END_MONTH, Measure, Report, earlier_year

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


def month_year(year: str, quarter: int) -> str:
    """Return the quarter's last month in full: "June 2023" for Quarter 1 2023-24."""
    month = QUARTER_END_MONTH[quarter]
    return f"{MONTH_NAMES[month - 1]} {int(year[:4]) + (quarter == 4)}"


def before_month(report: Report) -> str:
    """Return the quarter before's last month: "March 2023" for Quarter 1 2023-24."""
    if report.quarter > 1:
        return month_year(report.year, report.quarter - 1)
    return month_year(earlier_year(report.year, 1), 4)


def quarter_end(report: Report) -> str:
    """Return "the end of June 2023" for Quarter 1 2023-24."""
    month = QUARTER_END_MONTH[report.quarter]
    year = int(report.year[:4]) + (report.quarter == 4)
    return f"the end of {MONTH_NAMES[month - 1]} {year}"


def count_words(n: int, noun: str, capital: bool = False) -> str:
    """Return "seven projects", "one project": words up to ten, then digits."""
    word = NUMBER_WORDS[n] if n <= 10 else f"{n:,}"
    word = word.capitalize() if capital else word
    return f"{word} {noun}{'' if n == 1 else 's'}"


def percent(part: int, whole: int) -> str:
    """Return "69.4%": one decimal, as report 004 prints it."""
    return f"{part / whole:.1%}" if whole else "0.0%"


def measures_sentences(report: Report) -> list[str]:
    """Return the measures summary: the share that met target, and those not reported."""
    table = measures_table(report)
    met = sum(table.count(label) for label in report.measures_met)
    out = []
    if table.total:
        out.append(f"At {quarter_end(report)}, of the updates available, "
                   f"{percent(met, table.total)} of performance measures with a quarterly "
                   f"target had met or exceeded them ({met} out of {table.total}).")
    missing = [m for m in report.measures if m.no_data is not None]
    if missing:
        verb = "has" if len(missing) == 1 else "have"
        out.append(f"{count_words(len(missing), 'measure', True)} {verb} not been reported "
                   "this quarter.")
    return out


def milestone_sentences(report: Report) -> list[str]:
    """Return the milestones summary: the share on track, statuses none has, changes."""
    scheme = report.items.schemes["milestones"]
    table = status_table(report, "milestones")
    if not table.total:
        return []
    met_words = [s.label for s in scheme.ranked if s.met and table.count(s.label)] or [
        s.label for s in scheme.ranked if s.met]
    met = sum(table.count(s.label) for s in scheme.ranked if s.met)
    out = [f"At {quarter_end(report)}, of the updates available, {percent(met, table.total)} "
           f"of priority milestones were assessed as "
           f"{join([_quote(w) for w in met_words], 'or')} ({met} out of {table.total})."]
    for s in scheme.ranked:
        if not s.met and not table.count(s.label):
            out.append(f"There are no milestones reported with a status of {_quote(s.label)}.")
    out += _moves(report, report.items.milestones, scheme, "milestone")
    return out


def join(parts: list[str], word: str = "and") -> str:
    """Join as English does, with "and" or "or": "a", "a or b", "a, b and c"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {word} " + parts[-1]


def _quote(word: str) -> str:
    return f"‘{word.lower()}’"


def _moves(report: Report, items: Sequence[Item], scheme: StatusScheme, noun: str) -> list[str]:
    """Say each move from one status to another: "five milestones relating to A Resilient
    City have an improved status from 'some slippage' in ... to 'on track' in ..."."""
    moves: dict[tuple[str, str, str], list[Item]] = {}
    for item in items:
        change = scheme.change(item.previous, item.status)
        if change in ("improved", "worsened") and item.previous and item.status:
            moves.setdefault((change, item.previous.label, item.status.label), []).append(item)
    names = {o.id: o.title for o in report.outcomes}
    out = []
    for (change, before, now), moved in moves.items():
        theme = {i.outcome_id for i in moved}
        where = f" relating to {names[next(iter(theme))]}" if len(theme) == 1 else ""
        verb = "has" if len(moved) == 1 else "have"
        out.append(f"{count_words(len(moved), noun, True)}{where} {verb} "
                   f"{'an improved' if change == 'improved' else 'a worsened'} status from "
                   f"{_quote(before)} in {report.items.before_label} to {_quote(now)} in "
                   f"Quarter {report.quarter} {report.year}.")
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
    scheme, projects = report.items.schemes["projects"], report.items.projects
    if not projects:
        return []
    met = [p for p in projects if p.status and p.status.met]
    met_words = join([_quote(s.label) for s in scheme.statuses if s.met], "or")
    out = [f"At {quarter_end(report)}, there were a total of {len(projects)} priority projects.",
           f"{len(met) / len(projects):.0%} of priority projects were assessed as either "
           f"{met_words}."]
    if not report.items.before_label:
        return out
    changes = [c for _, group in project_changes(report) for c in group]
    kinds = {k: sum(c.change == k for c in changes) for k in ("improved", "worsened", "closed",
                                                               "new")}
    changed = kinds["improved"] + kinds["worsened"] + kinds["closed"]
    parts = [f"{NUMBER_WORDS[n] if n <= 10 else n} {words}" for n, words in (
        (kinds["improved"], "improved"), (kinds["worsened"], "worsened"),
        (kinds["closed"], f"{'was' if kinds['closed'] == 1 else 'were'} closed (N/A)")) if n]
    sentence = (f"There {'was' if changed == 1 else 'were'} "
                f"{count_words(changed, 'project')} where the status changed from that "
                f"reported at {report.items.before_label}")
    out.append(sentence + (f"; {join(parts, 'and')}." if parts else "."))
    if kinds["new"]:
        verb = "has" if kinds["new"] == 1 else "have"
        out.append(f"{count_words(kinds['new'], 'priority project', True)} {verb} been "
                   "included in reporting for the first time this quarter.")
    return out


def open_risks(report: Report) -> list[Risk]:
    return [r for r in report.items.risks if not r.closed]


def risk_sentences(report: Report) -> list[str]:
    """Return the risks summary: how many are open, and the changes."""
    risks = report.items.risks
    if not risks:
        return []
    out = [f"At {quarter_end(report)}, there were {len(open_risks(report))} strategic risks."]
    counts = {k: sum(r.change == k for r in risks) for k in ("new", "increased", "decreased",
                                                             "closed")}
    phrases = {"new": "new RISKS", "increased": "RISKS with an increased score",
               "decreased": "RISKS with a decreased score", "closed": "RISKS closed"}
    parts = [f"{NUMBER_WORDS[n] if n <= 10 else n} "
             + phrases[k].replace("RISKS", "risk" if n == 1 else "risks")
             for k, n in counts.items() if n]
    if parts and report.items.before_label:
        out.append(f"Since {report.items.before_label}: {join(parts, 'and')}.")
    return out


def risks_changed(report: Report) -> list[Risk]:
    """Return the risks that are new, closed or re-scored since the quarter before."""
    return [r for r in report.items.risks if r.change]


def risk_change_text(r: Risk) -> str:
    """Return the change as printed: "Decreased from 12 to 8", "New", "Closed"."""
    if r.change in ("decreased", "increased"):
        return f"{r.change.capitalize()} from {r.previous_score} to {r.score}"
    return (r.change or "").capitalize()


def position(m: Measure) -> str:
    """Return a measure's position as report 004 prints it, without the value: "Quarterly
    status = Blue", "No quarterly target", or why there is no data."""
    if m.no_data is not None:
        return m.no_data
    if m.rating is not None:
        return f"Quarterly status = {m.rating.label}"
    return m.not_rated or "No quarterly target"


def was_sentence(report: Report, label: str | None, noun: str) -> str:
    """Return "This measure was reported as 'green' in Quarter 4 2022-23." or ""."""
    if not label or not report.items.before_label:
        return ""
    return f"This {noun} was reported as {_quote(label)} in {report.items.before_label}."


def item_note(report: Report, item: Item, noun: str) -> str:
    """Return what changed for a milestone or project, as report 004 words it: "This
    milestone was reported as 'some slippage' in ...", "Priority project added for reporting
    for the first time in ...", "... changed from 'red' in ... to 'n/a' (project closure)"."""
    kind = "projects" if isinstance(item, Project) else "milestones"
    change = report.items.schemes[kind].change(item.previous, item.status)
    now = f"Quarter {report.quarter} {report.year}"
    if change == "new":
        return f"Priority {noun} added for reporting for the first time in {now}."
    if change is None or item.previous is None or item.status is None:
        return ""
    if isinstance(item, Project):
        why = f" ({item.closed})" if change == "closed" and item.closed else ""
        return (f"The status of this {noun} has changed from {_quote(item.previous.label)} "
                f"in {report.items.before_label} to {_quote(item.status.label)}{why}.")
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
