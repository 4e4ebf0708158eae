"""The review diff: what a reviewer must see change between two versions of a quarter.

Ratings (objective progress as entered, measure ratings as computed), values and targets,
comments (word by word), and items added or removed. Two quarter directories are compared
as loaded and rated, so a changed target that moves a rating shows as both.
"""

from __future__ import annotations

import dataclasses
import difflib
import html
import re
from dataclasses import asdict, dataclass
from typing import Any

from reportgen.core.items import Risk
from reportgen.core.model import Measure, Objective, Report

SECTIONS = (
    ("rating", "Ratings changed"),
    ("number", "Values and targets changed"),
    ("text", "Comments changed"),
    ("added", "Added"),
    ("removed", "Removed"),
)
NOUNS = {
    "rating": ("rating changed", "ratings changed"),
    "number": ("value or target changed", "values or targets changed"),
    "text": ("comment changed", "comments changed"),
    "added": ("item added", "items added"),
    "removed": ("item removed", "items removed"),
}
NUMBER_FIELDS = ("value", "target", "benchmark", "no_data")
CONTEXT_WORDS = 8  # words kept either side of a change in a long comment
Words = list[tuple[str, str]]  # ("=" | "-" | "+", text)


@dataclass(frozen=True)
class Change:
    """One difference: its section, what it is about, and the old and new wording."""

    section: str  # rating | number | text | added | removed
    item: str  # objective | measure | report | milestone | project | risk
    id: str
    title: str
    field: str  # progress, rating, value, target, benchmark, no_data, comment, note, ...
    old: str | None = None
    new: str | None = None
    words: Words = dataclasses.field(default_factory=list)  # text changes only


@dataclass(frozen=True)
class Override:
    """A published rating in the new version that differs from the rule's, with why."""

    id: str
    title: str
    value: str
    target: str
    rule: str
    published: str
    reason: str | None
    item: str = "measure"  # or objective: entered progress that differs from its measures'
    measures: str = ""  # an objective's: its measures' ratings and the roll-up rule


def overrides(report: Report) -> list[Override]:
    """Return every published rating that differs from the rule, in report order, then
    every entered objective progress that differs from its measures': not a change, but
    what a reviewer must read before Cabinet whatever else changed."""
    rule = report.progress_from.rule if report.progress_from else ""
    return [Override(m.id, m.title, m.text(m.value), m.text(m.target),
                     m.rule_rating.label if m.rule_rating else "no rating",
                     m.published or "", m.rating_reason)
            for m in report.measures if m.overridden] + [
        Override(o.id, o.title, "", "", o.computed.label if o.computed else "",
                 o.entered.label if o.entered else "", o.progress_reason, "objective",
                 f"{', '.join(o.rated_measures)}; {rule}")
        for o in report.objectives if o.overridden]


def _override_line(o: Override) -> str:
    reason = o.reason or "no reason given"
    if o.item == "objective":
        return (f"{o.id} {o.title}: published {o.published}, computed from its measures "
                f"{o.rule} ({o.measures}): {reason}")
    return (f"{o.id} {o.title}: published {o.published}, the rule gives {o.rule} "
            f"(value {o.value}, target {o.target}): {reason}")


def compare(old: Report | None, new: Report) -> list[Change]:
    """Return every change from `old` to `new` in report order; None means a new quarter."""
    changes: list[Change] = []
    if old is not None:
        changes += _report_text(old, new)
    before = {o.id: o for o in old.objectives} if old else {}
    after = {o.id: o for o in new.objectives}
    for o in new.objectives:
        if o.id in before:
            changes += _objective(before[o.id], o)
    measures_before = {m.id: m for m in old.measures} if old else {}
    for m in new.measures:
        if m.id in measures_before:
            changes += _measure(measures_before[m.id], m)
    changes += [Change("added", "objective", o.id, o.title, "objective") for o in
                new.objectives if o.id not in before]
    changes += [Change("added", "measure", m.id, m.title, "measure") for m in new.measures
                if m.id not in measures_before]
    if old is not None:
        changes += [Change("removed", "objective", o.id, o.title, "objective")
                    for o in old.objectives if o.id not in after]
        ids = {m.id for m in new.measures}
        changes += [Change("removed", "measure", m.id, m.title, "measure")
                    for m in old.measures if m.id not in ids]
    changes += _items(old, new)
    order = [key for key, _ in SECTIONS]
    return sorted(changes, key=lambda c: order.index(c.section))


def _items(old: Report | None, new: Report) -> list[Change]:
    """Return the changes of milestones, projects and risks: status or score (with the
    rating changes), comments, and items added or removed."""
    out: list[Change] = []
    for kind, noun in (("milestones", "milestone"), ("projects", "project"), ("risks", "risk")):
        before = {i.id: i for i in getattr(old.items, kind)} if old else {}
        after = {i.id: i for i in getattr(new.items, kind)}
        for ident, item in after.items():
            if ident not in before:
                out.append(Change("added", noun, ident, item.title, noun))
                continue
            was, now = (_item_status(i) for i in (before[ident], item))
            if was != now:
                field = "score" if kind == "risks" else "status"
                out.append(Change("rating", noun, ident, item.title, field, was, now))
            out += _text(noun, ident, item.title, "comment", before[ident].comment,
                         item.comment)
        out += [Change("removed", noun, i.id, i.title, noun) for ident, i in before.items()
                if ident not in after]
    return out


def _item_status(item: Any) -> str:
    """Return an item's status as the report prints it: "Green / Amber", "12", "closed"."""
    if isinstance(item, Risk):
        return f"closed: {item.closed}" if item.closed else str(item.score or "no score")
    return item.status.label if item.status else "awaiting update"


def _objective(old: Objective, new: Objective) -> list[Change]:
    out = []
    if old.progress.label != new.progress.label:
        out.append(Change("rating", "objective", new.id, new.title, "progress",
                          old.progress.label, new.progress.label))
    out += _text("objective", new.id, new.title, "comment", old.comment, new.comment)
    return out


def _measure(old: Measure, new: Measure) -> list[Change]:
    out = []
    was, now = (m.rating.label if m.rating else "no rating" for m in (old, new))
    if was != now:
        out.append(Change("rating", "measure", new.id, new.title, "rating", was, now))
    for name in NUMBER_FIELDS:
        before, after = _shown(old, name), _shown(new, name)
        if before != after:
            out.append(Change("number", "measure", new.id, new.title, name, before, after))
    out += _text("measure", new.id, new.title, "note", old.note, new.note)
    return out


def _shown(measure: Measure, name: str) -> str | None:
    """Return a field as the report prints it, so 92 -> 92.0 shows as a change."""
    value = getattr(measure, name)
    if name == "no_data" or value is None:
        return None if value is None else str(value)
    return measure.text(value)


def _report_text(old: Report, new: Report) -> list[Change]:
    out = []
    for name in ("introduction", "achievements_intro"):
        out += _text("report", name, "", name, getattr(old, name), getattr(new, name))
    names = {o.id: o.name for o in new.outcomes}
    for key in sorted(set(old.achievements) | set(new.achievements)):
        out += _text("report", f"achievements.{key}", names.get(key, key), "achievements",
                     "\n".join(old.achievements.get(key, [])),
                     "\n".join(new.achievements.get(key, [])))
    return out


def _text(item: str, ident: str, title: str, name: str, old: str | None,
          new: str | None) -> list[Change]:
    if (old or "").split() == (new or "").split():  # reflowed text is not a change
        return []
    return [Change("text", item, ident, title, name, old or None, new or None,
                   word_diff(old or "", new or ""))]


def word_diff(old: str, new: str) -> Words:
    """Return the word-level difference of two texts as (op, words) runs."""
    a, b = old.split(), new.split()
    out: Words = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", " ".join(b[j1:j2])))
    return out


def _elide(words: Words) -> Words:
    """Shorten unchanged runs to a few words either side of each change."""
    out: Words = []
    for i, (op, text) in enumerate(words):
        parts = text.split()
        if op != "=" or len(parts) <= 2 * CONTEXT_WORDS:
            out.append((op, text))
            continue
        head = parts[:CONTEXT_WORDS] if i > 0 else []
        tail = parts[-CONTEXT_WORDS:] if i < len(words) - 1 else []
        out.append(("=", " ".join(head + ["…"] + tail)))
    return out


# -- output -------------------------------------------------------------------------------

def counts(changes: list[Change]) -> dict[str, int]:
    """Return how many changes each section has."""
    return {key: sum(c.section == key for c in changes) for key, _ in SECTIONS}


def _label(c: Change) -> str:
    what = {"report": "report text"}.get(c.item, "")
    name = f"{c.id} {c.title}".strip() if c.item != "report" else f"{c.title or c.id}"
    return f"{what} {name}".strip()


def _quote(value: str | None) -> str:
    return "(none)" if value is None else value


def as_text(changes: list[Change], old_label: str, new_label: str,
            published: list[Override] | None = None) -> str:
    """Return the changes as plain text for a terminal, git-style word marks in comments,
    then every published rating that overrides the rule."""
    tail = (["", f"Published ratings that differ from the rule ({len(published)})"] +
            [f"  {_override_line(o)}" for o in published]) if published else []
    lines = [f"Changes from {old_label} to {new_label}"]
    if not changes:
        return "\n".join([lines[0], "No changes that the report shows.", *tail]) + "\n"
    for key, heading in SECTIONS:
        chosen = [c for c in changes if c.section == key]
        if not chosen:
            continue
        lines += ["", f"{heading} ({len(chosen)})"]
        for c in chosen:
            if key in ("added", "removed"):
                lines.append(f"  {c.item} {c.id}: {c.title}")
            elif key == "text":
                marked = " ".join(text if op == "=" else f"[-{text}-]" if op == "-" else
                                  f"{{+{text}+}}" for op, text in _elide(c.words))
                lines += [f"  {_label(c)}: {c.field}", f"    {marked}"]
            else:
                lines.append(f"  {_label(c)}: {c.field} {_quote(c.old)} -> {_quote(c.new)}")
    return "\n".join(lines + tail) + "\n"


def _md(text: str | None) -> str:
    """Escape user text for a Markdown table cell or paragraph."""
    if text is None:
        return "*(none)*"
    escaped = html.escape(" ".join(text.split()), quote=False)
    return re.sub(r"([\\`*_\[\]|~#])", r"\\\1", escaped)


def as_markdown(changes: list[Change], old_label: str, new_label: str,
                published: list[Override] | None = None) -> str:
    """Return the changes as Markdown for a pull-request comment or a CI job summary, then
    every published rating that overrides the rule."""
    n = counts(changes)
    summary = ", ".join(f"{n[key]} {NOUNS[key][n[key] != 1]}" for key, _ in SECTIONS if n[key])
    summary = summary or "no changes that the report shows"
    lines = ["### Review diff", "", f"From `{old_label}` to `{new_label}`: {summary}."]
    for key, heading in SECTIONS:
        chosen = [c for c in changes if c.section == key]
        if not chosen:
            continue
        lines += ["", f"#### {heading}", ""]
        if key in ("rating", "number"):
            lines += ["| Item | Field | Old | New |", "|---|---|---|---|"]
            lines += [f"| {_md(_label(c))} | {c.field} | {_md(c.old)} | **{_md(c.new)}** |"
                      for c in chosen]
        elif key == "text":
            for c in chosen:
                marked = " ".join(_md(text) if op == "=" else
                                  f"<del>{_md(text)}</del>" if op == "-" else
                                  f"<ins>{_md(text)}</ins>" for op, text in _elide(c.words))
                lines += [f"**{_md(_label(c))}** ({c.field})", "", f"> {marked}", ""]
        else:
            lines += [f"- {c.item} **{_md(c.id)}**: {_md(c.title)}" for c in chosen]
    if published:
        lines += ["", "#### Published ratings that differ from the rule", "",
                  "| Measure | Value | Target | Rule | Published | Reason |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {_md(f'{o.id} {o.title}')} | "
                  f"{_md(o.value or f'measures: {o.measures}')} | {_md(o.target)} | "
                  f"{_md(o.rule)} | **{_md(o.published)}** | "
                  f"{_md(o.reason) if o.reason else '**no reason given**'} |" for o in published]
    return "\n".join(lines).rstrip() + "\n"


def as_json(changes: list[Change], old_label: str, new_label: str,
            published: list[Override] | None = None) -> dict[str, Any]:
    """Return the changes as data: labels, counts per section, every change and every
    published rating that overrides the rule."""
    return {"old": old_label, "new": new_label, "counts": counts(changes),
            "changes": [asdict(c) for c in changes],
            "overrides": [asdict(o) for o in published or []]}
