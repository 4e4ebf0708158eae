"""Counts by rating and the summary sentence, always from the same data as the tables."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.core.model import Measure, Objective, Report
from reportgen.core.ratings import PROGRESS, Scheme


@dataclass(frozen=True)
class Count:
    label: str
    count: int
    colour: str
    icon: str


def progress_counts(objectives: list[Objective]) -> list[Count]:
    """Count objectives by progress, in the key's order (zeros included)."""
    return [Count(p.label, sum(o.progress.label == p.label for o in objectives), p.colour, p.icon)
            for p in PROGRESS]


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


def join(parts: list[str]) -> str:
    """Join as English does: "a", "a and b", "a, b and c"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def objectives_sentence(report: Report, *, with_percentages: bool = False) -> str:
    """Return the overview sentence, e.g. "... 19 show good progress, 4 require review and
    1 requires action." Ratings with no objectives are left out."""
    counts = progress_counts(report.objectives)
    shares = percentages([c.count for c in counts])
    phrases = {p.label: p.phrase for p in PROGRESS}
    parts = []
    for count, share in zip(counts, shares, strict=True):
        if count.count:
            one, many = phrases[count.label]
            pct = f" ({share}%)" if with_percentages else ""
            parts.append(f"{count.count}{pct} {one if count.count == 1 else many}")
    total = len(report.objectives)
    noun = "Strategic Objective" if total == 1 else "Strategic Objectives"
    body = join(parts) if parts else "none have been rated yet"
    return f"As at Quarter {report.quarter}, of the {total} {noun} in the {report.plan}, {body}."


def measures_sentence(report: Report) -> str:
    """Return a sentence counting measures by performance rating."""
    counts = [c for c in rating_counts(report.measures, report.scheme) if c.count]
    rated = sum(c.count for c in counts)
    total = len(report.measures)
    if not rated:
        return f"None of the {total} measures has a rating against a target this quarter."
    verb = "is" if rated == 1 else "are"
    parts = join([f"{c.count} {c.label}" for c in counts])
    # a status published with no target (Derby City's) is a rating, but not against a target
    how = ("rated against a target" if all(m.target is not None for m in report.measures
                                           if m.rating) else "rated")
    return f"Of the {total} measures, {rated} {verb} {how} this quarter: {parts}."
