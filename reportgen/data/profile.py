"""Turn plan.yaml's `report:` and `progress:` into the report's profile, words and objective
progress scheme, with a problem (file:line, what would be right) for anything unknown."""

from __future__ import annotations

from typing import Any

from reportgen.core import ratings
from reportgen.core.errors import Problem, did_you_mean
from reportgen.core.profile import DEFAULT_COLUMNS, TABLES, Column, Profile
from reportgen.core.words import PLACEHOLDER, Words, check_own
from reportgen.data.schema import PlanFile, ProfileSpec
from reportgen.data.yamlread import Document

TITLE = "Performance Report Quarter %(quarter)s %(start)s to %(end)s"
SENTENCE = ("As at Quarter %(quarter)s, of the %(total)s %(objectives)s in the %(plan)s, "
            "%(counts)s.")
HEADING_NAMES = {"year", "year_long"}
TITLE_NAMES = {"quarter", "start", "end", "year", "plan", "council"}
SENTENCE_NAMES = {"quarter", "total", "objectives", "plan", "year", "counts"}


def profile_from(doc: Document, spec: PlanFile,
                 problems: list[Problem]) -> tuple[Profile, Words]:
    """Return the plan's profile and words (the defaults where it gives none)."""
    given = spec.report or ProfileSpec()
    own: dict[str, str | list[str]] = {}
    for key, value in given.words.items():
        texts = list(value) if isinstance(value, tuple) else [value]
        if _checked(doc, ("report", "words", key), key, texts, None, problems):
            own[key] = texts if isinstance(value, tuple) else value
    if given.title and _checked(doc, ("report", "title"), TITLE, [given.title], TITLE_NAMES,
                                problems):
        own[TITLE] = given.title
    summary = given.summary
    if summary and summary.sentence and _checked(doc, ("report", "summary", "sentence"),
                                                 SENTENCE, [summary.sentence],
                                                 SENTENCE_NAMES, problems):
        own[SENTENCE] = summary.sentence
    columns = dict(Profile().columns)
    for table, entries in given.columns.items():
        at = ("report", "columns", table)
        if table not in TABLES:
            problems.append(doc.problem(at, f"'{table}' is not a table"
                                            f"{did_you_mean(table, TABLES)}", at_key=True))
            continue
        columns[table] = _columns(doc, at, table, entries, problems)
    profile = Profile(
        language=given.language,
        sections=tuple(given.sections) if given.sections is not None else Profile.sections,
        outcome_parts=(tuple(given.outcome) if given.outcome is not None
                       else Profile.outcome_parts),
        columns=columns,
        percentages=bool(summary and summary.percentages),
        measures_sentence=summary.measures if summary else True,
        count=summary.count if summary else "all",
        roll_up=given.roll_up,
        overview_wheel=given.overview_wheel,
        words=own)
    return profile, Words(given.language, own)


def _checked(doc: Document, at: tuple[Any, ...], message: str, texts: list[str],
             names: set[str] | None, problems: list[Problem]) -> bool:
    """Tell whether a council's words for a message can be used; add a problem if not."""
    for text in texts:
        if (wrong := check_own(message, text, names)) is not None:
            problems.append(doc.problem(at, wrong))
            return False
    return True


def _columns(doc: Document, at: tuple[Any, ...], table: str, entries: list[str | dict[str, str]],
             problems: list[Problem]) -> tuple[Column, ...]:
    allowed = TABLES[table]
    out = []
    for i, entry in enumerate(entries):
        name, heading = (entry, None) if isinstance(entry, str) else next(iter(entry.items()))
        if isinstance(entry, dict) and len(entry) != 1:
            problems.append(doc.problem((*at, i), "give one column per line: '- name' or "
                                                  "'- name: Its heading'"))
            continue
        if name not in allowed:
            problems.append(doc.problem((*at, i), f"'{name}' is not a column of {table}"
                                                  f"{did_you_mean(name, allowed)}; the columns "
                                                  f"are: {', '.join(allowed)}"))
            continue
        # a heading is filled in only when it has placeholders (compute.layout.heading)
        if (heading is not None and PLACEHOLDER.search(heading)
                and (wrong := check_own(heading, heading, HEADING_NAMES))):
            problems.append(doc.problem((*at, i, name), wrong))
            continue
        out.append(Column(name, heading))
    return tuple(out) or tuple(Column(n) for n in DEFAULT_COLUMNS[table])


def progress_scheme(doc: Document, spec: PlanFile,
                    problems: list[Problem]) -> ratings.ProgressScheme:
    """Return the plan's objective progress scheme (the default on a problem)."""
    given = spec.progress if isinstance(spec.progress, str) else spec.progress.model_dump()
    try:
        scheme = ratings.progress_scheme_from(given)
    except KeyError:
        hint = did_you_mean(str(spec.progress), ratings.BUILT_IN_PROGRESS)
        problems.append(doc.problem(("progress",), f"'{spec.progress}' is not a progress "
                                                   f"scheme{hint}"))
        return ratings.DEFAULT_PROGRESS
    labels = [level.label for level in scheme.levels]
    if len(set(labels)) != len(labels):
        problems.append(doc.problem(("progress",), "each progress word may be used once"))
    return scheme
