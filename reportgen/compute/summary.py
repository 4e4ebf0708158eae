"""Counts by rating and the summary sentence, always from the same data as the tables."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.compute.layout import counted
from reportgen.compute.rate import roll_up
from reportgen.core.model import Measure, Objective, Outcome, Report
from reportgen.core.ratings import DEFAULT_PROGRESS, ProgressScheme, Scheme
from reportgen.core.words import Words


@dataclass(frozen=True)
class Count:
    label: str
    count: int
    colour: str
    icon: str


def progress_counts(objectives: list[Objective],
                    levels: ProgressScheme = DEFAULT_PROGRESS) -> list[Count]:
    """Count objectives by progress, in the key's order (zeros included)."""
    return [Count(p.label, sum(o.progress.label == p.label for o in objectives), p.colour, p.icon)
            for p in levels.levels]


def rating_counts(measures: list[Measure], scheme: Scheme) -> list[Count]:
    """Count rated measures by band, best first (zeros included)."""
    return [Count(b.label, sum(m.rating is not None and m.rating.label == b.label
                               for m in measures), b.colour, b.icon) for b in scheme.bands]


def percentages(counts: list[int]) -> list[int]:
    """Round shares to whole percents that add up to 100 (largest remainder)."""
    total = sum(counts)
    if not total:
        return [0] * len(counts)
    exact = [c * 100 / total for c in counts]
    out = [int(x) for x in exact]
    order = sorted(range(len(counts)), key=lambda i: exact[i] - out[i], reverse=True)
    for i in order[: 100 - sum(out)]:
        out[i] += 1
    return out


def join(parts: list[str], words: Words | None = None) -> str:
    """Join as English does: "a", "a and b", "a, b and c" (or as the report's language does)."""
    if len(parts) == 1:
        return parts[0]
    words = words or Words()
    return words.format("%(items)s and %(last)s", items=", ".join(parts[:-1]), last=parts[-1])


def objectives_sentence(report: Report, *, with_percentages: bool | None = None) -> str:
    """Return the overview sentence, e.g. "... 19 show good progress, 4 require review and
    1 requires action." Ratings with no objectives are left out; with percentages (the
    profile's choice unless told), each count has its share and the shares add up to 100."""
    if with_percentages is None:
        with_percentages = report.profile.percentages
    words = report.words
    counts = progress_counts(report.objectives, report.progress_scheme)
    shares = percentages([c.count for c in counts])
    phrases = {p.label: p.phrase for p in report.progress_scheme.levels}
    parts = []
    for count, share in zip(counts, shares, strict=True):
        if count.count:
            one, many = phrases[count.label]
            phrase = words.ngettext(one, many, count.count)
            parts.append(words.format("%(count)s (%(share)s%%) %(phrase)s", count=count.count,
                                      share=share, phrase=phrase) if with_percentages else
                         words.format("%(count)s %(phrase)s", count=count.count, phrase=phrase))
    total = len(report.objectives)
    noun = words.ngettext("Strategic Objective", "Strategic Objectives", total)
    body = join(parts, words) if parts else words.gettext("none have been rated yet")
    return words.format(
        "As at Quarter %(quarter)s, of the %(total)s %(objectives)s in the %(plan)s, "
        "%(counts)s.", quarter=report.quarter, total=total, objectives=noun, plan=report.plan,
        year=report.year, counts=body)


def measures_sentence(report: Report) -> str:
    """Return a sentence counting measures by performance rating ("" when the profile
    leaves it out)."""
    if not report.profile.measures_sentence:
        return ""
    words = report.words
    measures = counted(report, report.measures)
    counts = [c for c in rating_counts(measures, report.scheme) if c.count]
    rated = sum(c.count for c in counts)
    total = len(measures)
    if not rated:
        return words.format("None of the %(total)s measures has a rating against a target "
                            "this quarter.", total=total)
    parts = join([f"{c.count} {words.label(c.label)}" for c in counts], words)
    # a status published with no target (Derby City's) is a rating, but not against a target
    if all(m.target is not None for m in measures if m.rating):
        sentence = words.ngettext(
            "Of the %(total)s measures, %(rated)s is rated against a target this quarter: "
            "%(parts)s.", "Of the %(total)s measures, %(rated)s are rated against a target "
            "this quarter: %(parts)s.", rated)
    else:
        sentence = words.ngettext(
            "Of the %(total)s measures, %(rated)s is rated this quarter: %(parts)s.",
            "Of the %(total)s measures, %(rated)s are rated this quarter: %(parts)s.", rated)
    return sentence % {"total": total, "rated": rated, "parts": parts}


def outcome_statement(report: Report, outcome: Outcome) -> str:
    """Return an outcome's overall statement (report 002): its objectives' progress and its
    rated measures' ratings, each rolled up into one word by the profile's rule, e.g. "This
    outcome shows overall “Good” progress but “Review” based on 2 rated measures." "" when
    nothing is rated."""
    words = report.words
    rule = report.profile.roll_up
    progress = roll_up((o.progress for o in outcome.objectives), rule, report.progress_scheme)
    rated = [m for m in counted(report, outcome.measures) if m.rating is not None]
    rating = roll_up((m.rating for m in rated), rule, report.scheme)
    values = {"progress": words.label(progress.label) if progress else "",
              "rating": words.label(rating.label) if rating else "", "rated": len(rated)}
    if progress and rating:
        if progress.label == rating.label:
            sentence = words.ngettext(
                "This outcome shows overall “%(progress)s” progress and a “%(rating)s” rating "
                "based on %(rated)s rated measure.",
                "This outcome shows overall “%(progress)s” progress and a “%(rating)s” rating "
                "based on %(rated)s rated measures.", len(rated))
        else:
            sentence = words.ngettext(
                "This outcome shows overall “%(progress)s” progress but “%(rating)s” based on "
                "%(rated)s rated measure.",
                "This outcome shows overall “%(progress)s” progress but “%(rating)s” based on "
                "%(rated)s rated measures.", len(rated))
    elif progress:
        sentence = words.gettext("This outcome shows overall “%(progress)s” progress; none of "
                                 "its measures is rated this quarter.")
    elif rating:
        sentence = words.ngettext(
            "This outcome's measures are rated “%(rating)s” overall, based on %(rated)s rated "
            "measure.", "This outcome's measures are rated “%(rating)s” overall, based on "
            "%(rated)s rated measures.", len(rated))
    else:
        return ""
    return sentence % values
