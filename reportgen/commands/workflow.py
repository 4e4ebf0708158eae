"""The policy team's quarter: start the next quarter from the last (new-quarter) and see
what still awaits an update (status)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.compute.readiness import PLACEHOLDER
from reportgen.core.errors import UsageError, display_path
from reportgen.core.items import KINDS as ITEM_KINDS
from reportgen.core.model import Report
from reportgen.core.ratings import AWAITING
from reportgen.data.layout import PLAN_TEXT_FILE, REPORT_FILE, plan_path, update_paths
from reportgen.data.safefile import data_root, read_bytes
from reportgen.data.schema import schema_comment
from reportgen.data.yamlread import read
from reportgen.pipeline import load_report

TO_FILL = "# to fill"
# Words that plain YAML reads as null or true/false (YAML 1.1): quoted so that a value such as
# NULL or yes is carried over as the text it was, by reportgen and by any other YAML tool.
YAML_WORDS = {"", "~", "null", "yes", "no", "on", "off", "true", "false", "y", "n"}
PLAIN = re.compile(r"[A-Za-z0-9£][\w ,.%£()/'&-]*")


# ---- new-quarter -----------------------------------------------------------------------

def new_quarter(source: Path, target: Path) -> list[str]:
    """Write the quarter after `source` into `target`, carrying ids and targets over and
    clearing progress, comments and values; return what was done, line by line."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{display_path(target)} already exists: new-quarter never "
                         "overwrites anything; choose a new directory or remove that one")
    quarter = _quarter_number(target)
    report = load_report(source)  # carry over from a quarter that checks
    year = _year_of(target, report.year)
    same_year = target.parent.resolve() == source.parent.resolve()
    files = {target / REPORT_FILE: _report_text(report, quarter, year, source)}
    for path in update_paths(source):
        files[target / path.name] = _update_text(path, quarter, year, source, same_year,
                                                 _progress_words(report))
    done = []
    plan = plan_path(target)
    plan_files = set()
    if not plan.exists():
        files[plan] = _plan_text(plan_path(source), year)
        done.append(f"copied {display_path(plan)} from {display_path(plan_path(source))}: "
                    f"update it for {year} (objectives, measures, owners)")
        plan_files.add(plan)
        words = plan_path(source).with_name(PLAN_TEXT_FILE)  # the plan document's text
        if words.is_file() and not plan.with_name(PLAN_TEXT_FILE).exists():
            files[plan.with_name(PLAN_TEXT_FILE)] = words.read_text(encoding="utf-8-sig")
            plan_files.add(plan.with_name(PLAN_TEXT_FILE))
            done.append(f"copied {display_path(words)} too: update the plan's text for {year}")
    target.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        if not text.startswith("# yaml-language-server"):  # editor completion, as in the sample
            text = schema_comment(path) + text
        with path.open("x", encoding="utf-8", newline="\n") as out:  # "x": never overwrite
            out.write(text)
    done.insert(0, f"wrote {display_path(target)}: Quarter {quarter} {year}, "
                   f"{len(files) - len(plan_files)} files from {display_path(source)}")
    if not same_year:
        done.append("targets were cleared for the new year: fill in each '# to fill'")
    return done


def _quarter_number(target: Path) -> int:
    """Return the quarter a directory is named for (q1 to q4), or stop: a name such as q2x
    or Q5 would otherwise be a quarter that validate and build cannot place."""
    found = re.fullmatch(r"q([1-4])", target.name)
    if found is None:
        raise UsageError(f"{display_path(target)}: a quarter directory is named q1, q2, q3 "
                         f"or q4, not '{target.name}'")
    return int(found.group(1))


def _year_of(target: Path, year: str) -> str:
    """Return the plan year of the target's year directory (2026-27), else the same year."""
    name = target.resolve().parent.name
    return name if re.fullmatch(r"\d{4}-\d{2}", name) else year


def _scalar(text: str) -> str:
    """Return text as a YAML scalar that reads back as the same text."""
    if PLAIN.fullmatch(text) and not text.endswith(" ") and text.lower() not in YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def _header(kind: str, quarter: int, year: str, source: Path) -> str:
    todo = (f"Replace each '{PLACEHOLDER} ...]' with the quarter's text." if kind == "report text"
            else f"Fill in each line marked '{TO_FILL}'; a field left empty shows as "
                 "\"Awaiting update\".")
    return (f"# Quarter {quarter} {year} {kind}, carried over from {display_path(source)} by "
            f"`reportgen new-quarter`.\n# {todo}\n")


def _progress_words(report: Report) -> str:
    """Return the plan's progress words as a service lead reads them: "A, B, C or D"."""
    labels = [p.label for p in report.progress_scheme.ranked]
    return f"{', '.join(labels[:-1])} or {labels[-1]}"


def _update_text(path: Path, quarter: int, year: str, source: Path, same_year: bool,
                 progress_words: str = "Complete, Good, Review or Action") -> str:
    """Return an update file with the same ids: progress, comments and values to fill,
    targets and benchmarks kept within the year."""
    data = read(path, within=data_root(source)).data or {}
    lines = [_header("update", quarter, year, source)]
    for section in ("objectives", "deliverables"):
        if data.get(section):
            lines.append(f"{section}:")
            for ident in data[section]:
                lines += [f"  {ident}:",
                          f"    progress:  {TO_FILL}: {progress_words}",
                          f"    comment:  {TO_FILL}: write 'comment: |' and the text indented "
                          "below"]
    if data.get("measures"):
        lines.append("measures:")
        for ident, entry in data["measures"].items():
            entry = entry or {}
            lines += [f"  {ident}:", f"    value:  {TO_FILL}, or no_data: the reason"]
            if entry.get("target") is not None:
                lines.append(f"    target: {_scalar(entry['target'])}" if same_year else
                             f"    target:  {TO_FILL}: the {year} target")
            for name in ("floor", "tolerance"):  # set with the target, for the thresholds rule
                if entry.get(name) is not None:
                    lines.append(f"    {name}: {_scalar(entry[name])}" if same_year else
                                 f"    {name}:  {TO_FILL}: the {year} {name}")
            if entry.get("rating") is not None and entry.get("target") is None:
                # a status published with no target (Derby City's) is this quarter's to give
                lines.append(f"    rating:  {TO_FILL}: the published rating, or delete")
            for name in ("benchmark", "benchmark_group"):
                if entry.get(name) is not None:
                    lines.append(f"    {name}: {_scalar(entry[name])}")
    return "\n".join(lines + _item_lines(data)) + "\n"


def _item_lines(data: dict[str, Any]) -> list[str]:
    """Return the milestones, projects and risks to fill; a closed project or risk (one
    with `closed:`) is not reported again, so it is not carried over."""
    comment = f"    comment:  {TO_FILL}: write 'comment: |' and the text indented below"
    to_fill = {"milestones": [f"    status:  {TO_FILL}: a milestone status, e.g. On track",
                              comment],
               "projects": [f"    status:  {TO_FILL}: a project status, e.g. Green / Amber, "
                            "or N/A with closed: why", comment],
               "risks": [f"    impact:  {TO_FILL}: 1 (lowest) to 4",
                         f"    likelihood:  {TO_FILL}: 1 (lowest) to 4", comment]}
    lines = []
    for kind, fields in to_fill.items():
        open_ids = [ident for ident, entry in (data.get(kind) or {}).items()
                    if not (entry or {}).get("closed")]
        if open_ids:
            lines.append(f"{kind}:")
            for ident in open_ids:
                lines += [f"  {ident}:", *fields]
    return lines


def _report_text(report: Report, quarter: int, year: str, source: Path) -> str:
    """Return report.yaml with placeholders where the quarter's text goes."""
    lines = [_header("report text", quarter, year, source), f"quarter: {quarter}",
             "introduction: |", f"  {PLACEHOLDER} the introduction for Quarter {quarter} {year}.]",
             "achievements_intro: |", f"  {PLACEHOLDER} the words above the achievements.]",
             "achievements:"]
    for outcome in report.outcomes:
        bullet = json.dumps(f"{PLACEHOLDER} an achievement for {outcome.name}.]",
                            ensure_ascii=False)
        lines += [f"  {outcome.id}:", f"    - {bullet}"]
    return "\n".join(lines) + "\n"


def _plan_text(plan: Path, year: str) -> str:
    """Return the plan, its year set to the new one; the rest is the user's to update."""
    text = read_bytes(plan, within=data_root(plan.parent / "q")).decode("utf-8-sig")
    return re.sub(r"(?m)^year:.*$", f"year: {year}", text, count=1)


# ---- status ---------------------------------------------------------------------------

@dataclass
class Owner:
    owner: str
    objectives: list[dict[str, str]] = field(default_factory=list)
    measures: list[dict[str, str]] = field(default_factory=list)
    # milestones, projects, risks (report 004): only where the plan has them
    items: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    @property
    def waiting(self) -> bool:
        return bool(self.objectives or self.measures or any(self.items.values()))

    def as_data(self, kinds: tuple[str, ...]) -> dict[str, Any]:
        return {"owner": self.owner, "objectives": self.objectives, "measures": self.measures,
                **{kind: self.items.get(kind, []) for kind in kinds}}


def status(report: Report) -> dict[str, Any]:
    """Return what still awaits an update, grouped by owner (in plan order), with counts;
    milestones, projects and risks too where the plan has them."""
    owners: dict[str, Owner] = {}
    for o in report.objectives:
        group = owners.setdefault(o.owner, Owner(o.owner))
        # the themes layout (report 004) prints no objective progress: its objectives only
        # hold measures, so their progress is not awaited
        if o.progress.label == AWAITING and report.layout != "themes":
            group.objectives.append({"id": o.id, "title": o.title, "kind": o.kind})
        group.measures += [{"id": m.id, "title": m.title, "objective": o.id}
                           for m in o.measures if not m.updated]
    for outcome in report.outcomes:  # key measures have no owner of their own
        for m in outcome.key_measures:
            if not m.updated:
                owners.setdefault(f"{outcome.name} (key measures)", Owner(
                    f"{outcome.name} (key measures)")).measures.append(
                        {"id": m.id, "title": m.title, "objective": ""})
    kinds = tuple(k for k in ITEM_KINDS if getattr(report.items, k))
    for kind in kinds:
        for item in getattr(report.items, kind):
            group = owners.setdefault(item.owner, Owner(item.owner))
            if not item.updated:
                group.items.setdefault(kind, []).append({"id": item.id, "title": item.title})
    waiting = [g for g in owners.values() if g.waiting]
    objectives = sum(len(g.objectives) for g in waiting)
    measures = sum(len(g.measures) for g in waiting)
    items = {kind: {"total": len(getattr(report.items, kind)),
                    "awaiting": sum(len(g.items.get(kind, [])) for g in waiting)}
             for kind in kinds}
    text = [report.introduction, report.achievements_intro,
            *(a for items in report.achievements.values() for a in items)]
    return {
        "council": report.council, "year": report.year, "quarter": report.quarter,
        "directory": display_path(report.directory),
        "complete": not objectives and not measures and not any(
            i["awaiting"] for i in items.values()),
        "objectives": {"total": len(report.objectives), "awaiting": objectives,
                       "noun": _objective_noun(report)},
        "measures": {"total": len(report.measures), "awaiting": measures},
        **items,
        "report_text_placeholders": any(PLACEHOLDER in t for t in text),
        "owners": [g.as_data(kinds) for g in waiting],
    }


def _objective_noun(report: Report) -> str:
    """Return what the plan calls its progress-rated items: "deliverable" where they are all
    deliverables (report 002), else "objective"."""
    kinds = {o.kind for o in report.objectives}
    return "deliverable" if kinds == {"deliverable"} else "objective"


def status_text(found: dict[str, Any]) -> str:
    """Return the status as the policy team reads it in a terminal."""
    o, m = found["objectives"], found["measures"]
    noun = o["noun"]
    lines = [f"{found['council']}, Quarter {found['quarter']} {found['year']} "
             f"({found['directory']})"]
    if found["complete"]:
        counted = [_count(o["total"], noun), _count(m["total"], "measure"),
                   *(f"{found[k]['total']} {k}" for k in ITEM_KINDS if k in found)]
        lines.append(f"Everything is in: {', '.join(counted[:-1])} and {counted[-1]} updated.")
    else:
        items = "".join(f", {found[k]['awaiting']} of {found[k]['total']} {k}"
                        for k in ITEM_KINDS if k in found)
        lines.append(f"Awaiting update: {o['awaiting']} of {_count(o['total'], noun)}, "
                     f"{m['awaiting']} of {m['total']} measures{items}.")
    for group in found["owners"]:
        kinds = "".join(f", {_count(len(group[k]), k.removesuffix('s'))}"
                        for k in ITEM_KINDS if group.get(k))
        lines += ["", f"{group['owner']}: {_count(len(group['objectives']), noun)}, "
                      f"{_count(len(group['measures']), 'measure')}{kinds}"]
        lines += [f"  {x['kind']} {x['id']}: {x['title']}" for x in group["objectives"]]
        lines += [f"  measure   {x['id']} ({x['objective']}): {x['title']}"
                  for x in group["measures"]]
        for kind in ITEM_KINDS:  # present only where the plan has them
            noun = kind.removesuffix("s")
            lines += [f"  {noun:9} {x['id']}: {x['title']}" for x in group.get(kind, [])]
    if found["report_text_placeholders"]:
        lines += ["", "report.yaml still has '[To fill: ...]' placeholders."]
    return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"
