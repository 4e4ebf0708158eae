"""Rating schemes: objective progress as entered, measure performance computed from target.

d = (value - target) / |target| x 100, sign flipped where lower is better, compared with
each band's condition, best band first. Arithmetic is Decimal on the typed digits, so a
boundary (d = 5 exactly, or -2) lands where the words of the key put it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reportgen.core.numbers import Quantity

HIGH_TARGET = Decimal(95)  # "if the target is greater than 95%": percentages only


@dataclass(frozen=True)
class Condition:
    op: str  # ">" or ">="
    threshold: Decimal

    @classmethod
    def parse(cls, text: str) -> Condition:
        found = re.fullmatch(r"(>=|>)\s*(-?\d+(?:\.\d+)?)", text.strip())
        if found is None:  # data.schema checks conditions before they get here
            raise ValueError(f"'{text}' is not a condition such as '>= -2'")
        return cls(found[1], Decimal(found[2]))

    def holds(self, d: Decimal) -> bool:
        return d > self.threshold if self.op == ">" else d >= self.threshold


@dataclass(frozen=True)
class Rating:
    """A rating word with its colour, drawn icon and the key's description."""

    label: str
    colour: str
    icon: str
    description: str
    when: Condition | None = None
    when_high_target: Condition | None = None


@dataclass(frozen=True)
class Scheme:
    name: str
    bands: tuple[Rating, ...]

    def rate(self, value: Quantity | None, target: Quantity | None, better: str,
             unit: str) -> Rating | None:
        """Return the band for value against target; None when either is missing."""
        if value is None or target is None:
            return None
        sign = 1 if better == "higher" else -1
        if target.value == 0:
            # A zero target has no relative difference: equal is on target, any better is
            # the best band, any worse the worst (docs/data-format.md, "A zero target").
            gap = sign * value.value
            return self._band_for(Decimal(0)) if gap == 0 else (
                self.bands[0] if gap > 0 else self.bands[-1])
        d = sign * (value.value - target.value) / abs(target.value) * 100
        high = unit == "percent" and target.value > HIGH_TARGET
        return self._band_for(d, high)

    def _band_for(self, d: Decimal, high_target: bool = False) -> Rating:
        for band in self.bands[:-1]:
            condition = (band.when_high_target if high_target else None) or band.when
            if condition is not None and condition.holds(d):
                return band
        return self.bands[-1]


@dataclass(frozen=True)
class Progress:
    """An objective progress word (entered by services) and how it is shown."""

    label: str
    colour: str
    icon: str
    description: str
    phrase: tuple[str, str]  # summary sentence, one / many: "requires action", "require action"


AWAITING = "Awaiting update"
DEFAULT_SCHEME = "strong-good-review-action"  # a plan that names none

PROGRESS = (
    Progress("Complete", "#4c2c92", "star",
             "Strategic Objective has been completed/reached the intended year end position "
             "and achieved intended outcomes", ("has been completed", "have been completed")),
    Progress("Good", "#00703c", "tick", "Good progress made during the year and outcomes as "
             "expected", ("shows good progress", "show good progress")),
    Progress("Review", "#d66400", "triangle", "Some issues in achieving timetable and "
             "delivering outcomes", ("requires review", "require review")),
    Progress("Action", "#b81800", "flag", "Significant issues in achieving timetable and "
             "delivering outcomes", ("requires action", "require action")),
    Progress(AWAITING, "#505a5f", "square", "No update has been entered for this quarter yet",
             ("is awaiting an update", "are awaiting an update")),
)
PROGRESS_BY_LABEL = {p.label: p for p in PROGRESS}

BUILT_IN: dict[str, dict[str, Any]] = {
    "strong-good-review-action": {
        "name": "Performance against target",
        "bands": [
            {"label": "Strong", "when": "> 5", "when_high_target": "> 2", "colour": "#1d70b8",
             "icon": "star"},
            {"label": "Good", "when": ">= -2", "colour": "#00703c", "icon": "tick"},
            {"label": "Review", "when": ">= -10", "colour": "#d66400", "icon": "triangle"},
            {"label": "Action", "colour": "#b81800", "icon": "flag"},
        ],
    },
    "blue-green-amber-red": {
        "name": "Performance against target",
        "bands": [
            {"label": "Blue", "when": ">= 10", "colour": "#1d70b8", "icon": "star"},
            {"label": "Green", "when": ">= -2", "colour": "#00703c", "icon": "tick"},
            {"label": "Amber", "when": ">= -10", "colour": "#d66400", "icon": "triangle"},
            {"label": "Red", "colour": "#b81800", "icon": "flag"},
        ],
    },
}


def scheme_from(spec: str | Mapping[str, Any]) -> Scheme:
    """Return the scheme named (built in) or given as checked data (a plan's scheme, already
    validated by data.schema); KeyError if the name is unknown."""
    if isinstance(spec, str):
        spec = BUILT_IN[spec]
    bands = [_rating(band) for band in spec["bands"]]
    return Scheme(spec["name"], tuple(_described(bands)))


def _rating(band: Mapping[str, Any]) -> Rating:
    when, high = band.get("when"), band.get("when_high_target")
    return Rating(band["label"], band["colour"], band["icon"], band.get("description") or "",
                  Condition.parse(when) if when else None,
                  Condition.parse(high) if high else None)


def _described(bands: list[Rating]) -> list[Rating]:
    """Fill in descriptions from the thresholds, so the key cannot disagree with the rule."""
    out = []
    for i, band in enumerate(bands):
        upper = bands[i - 1].when if i else None
        text = band.description or _range_words(band.when, upper)
        high = band.when_high_target or (bands[i - 1].when_high_target if i else None)
        if high and not band.description:
            text += f" ({_side(high.threshold)} than target if the target is greater than 95%)"
        out.append(Rating(band.label, band.colour, band.icon, text, band.when,
                          band.when_high_target))
    return out


def _side(t: Decimal) -> str:
    return f"{abs(t):g}% {'better' if t > 0 else 'worse'}" if t else "on"


def _range_words(lower: Condition | None, upper: Condition | None) -> str:
    """Say in words which d a band takes, given its own and the next better band's conditions."""
    if lower and upper:
        return f"Between {_side(lower.threshold)} and {_side(upper.threshold)} than target"
    if lower:
        return (f"More than {_side(lower.threshold)} than target" if lower.op == ">"
                else f"{_side(lower.threshold).capitalize()} than target or more")
    if upper:
        return (f"More than {_side(upper.threshold)} than target" if upper.op == ">="
                else f"{_side(upper.threshold).capitalize()} than target or more")
    return "Any value"
