"""Rating schemes: objective progress as entered, measure performance computed by a rule.

Two rules, as data (docs/data-format.md, "Ratings"):
- relative: d = (value - target) / |target| x 100, sign flipped where lower is better,
  compared with each band's condition, best band first;
- thresholds: each measure's own target and floor, in its unit: at or better than the
  target, at or better than the floor, worse than the floor.
Either may be adjusted by direction of travel (`Travel`). Arithmetic is Decimal on the typed
digits, so a boundary (d = 5 exactly, a value equal to its floor) lands where the words of
the key put it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reportgen.core.errors import did_you_mean
from reportgen.core.numbers import Quantity
from reportgen.core.words import Phrase

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


RULES = ("relative", "thresholds")
REFERENCES = ("target", "floor")  # what a band of the thresholds rule compares with
COMPARE = {"same-quarter-last-year": "the same quarter last year",
           "previous-quarter": "the previous quarter"}
# Published words that say "not rated this period" (reports 002 and 004), in any scheme.
NOT_RATED = ("Baseline", "No quarterly target")
# How many ratings roll up into one (compute.rate.roll_up; docs/data-format.md)
ROLL_UPS = ("worst", "majority", "average")


@dataclass(frozen=True)
class Rating:
    """A rating word with its colour, drawn icon and the key's description."""

    label: str
    colour: str
    icon: str
    description: str
    when: Condition | None = None
    when_high_target: Condition | None = None
    reference: str | None = None  # thresholds rule: at or better than "target" | "floor"
    # the key's words as translatable phrases, when written from the rule (the
    # description is then their English); none when the council wrote its own
    phrases: tuple[Phrase, ...] = ()


@dataclass(frozen=True)
class Travel:
    """Direction of travel: a band the rule gives becomes another where the value has (or
    has not) improved on the comparison value. Checked by scheme_from to only ever move an
    improvement up and no improvement down, keeping band order (so ratings stay monotone)."""

    compare: str  # a key of COMPARE
    improved: tuple[tuple[str, str], ...] = ()
    not_improved: tuple[tuple[str, str], ...] = ()

    def adjust(self, band: str, improved: bool) -> str:
        """Return the band's label after the adjustment."""
        return dict(self.improved if improved else self.not_improved).get(band, band)

    def sentences(self) -> list[str]:
        """Return the key's words for the adjustment."""
        return [p.english for p in self.phrases()]

    def phrases(self) -> list[Phrase]:
        """Return the key's sentences for the adjustment, as translatable phrases."""
        moves = [(TRAVEL_WORDS[self.compare][0], a, b) for a, b in self.improved] + \
                [(TRAVEL_WORDS[self.compare][1], a, b) for a, b in self.not_improved]
        return ([Phrase(message, (("a", a), ("b", b)), ("a", "b")) for message, a, b in moves]
                + [Phrase(TRAVEL_WORDS[self.compare][2])])


# The key's sentences for direction of travel, per comparison: improved, not improved,
# and without a value to compare with. Whole sentences, so each language words them whole.
TRAVEL_WORDS = {
    "same-quarter-last-year": (
        "%(a)s becomes %(b)s where performance has improved on the same quarter last year.",
        "%(a)s becomes %(b)s where performance has not improved on the same quarter last "
        "year.",
        "Without a value for the same quarter last year, the rating is the rule's."),
    "previous-quarter": (
        "%(a)s becomes %(b)s where performance has improved on the previous quarter.",
        "%(a)s becomes %(b)s where performance has not improved on the previous quarter.",
        "Without a value for the previous quarter, the rating is the rule's."),
}


@dataclass(frozen=True)
class Scheme:
    name: str
    bands: tuple[Rating, ...]
    rule: str = "relative"  # a word of RULES
    travel: Travel | None = None
    mark_overrides: bool = False  # mark published ratings that differ from the rule

    def rate(self, value: Quantity | None, target: Quantity | None, better: str,
             unit: str, *, floor: Quantity | None = None,
             before: Quantity | None = None) -> Rating | None:
        """Return the band for value against target; None when either is missing. `floor`
        is the measure's floor (thresholds rule; none: the target), `before` the value
        direction of travel compares with (none: no adjustment)."""
        if value is None or target is None:
            return None
        band = (self._threshold_band(value, target, floor, better) if self.rule == "thresholds"
                else self._relative_band(value, target, better, unit))
        if self.travel is not None and before is not None:
            sign = 1 if better == "higher" else -1
            improved = sign * (value.value - before.value) > 0
            band = self.band(self.travel.adjust(band.label, improved)) or band
        return band

    def band(self, label: str) -> Rating | None:
        """Return the band with this label, if the scheme has one."""
        return next((b for b in self.bands if b.label == label), None)

    def rank(self, rating: Rating) -> int:
        """Return the band's place, 0 for the best."""
        return [b.label for b in self.bands].index(rating.label)

    @property
    def notes(self) -> list[str]:
        """Return the key's sentences beyond the bands' own words."""
        return self.travel.sentences() if self.travel else []

    @property
    def note_phrases(self) -> list[Phrase]:
        """Return the key's sentences beyond the bands' own words, as phrases."""
        return self.travel.phrases() if self.travel else []

    def _relative_band(self, value: Quantity, target: Quantity, better: str,
                       unit: str) -> Rating:
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

    def _threshold_band(self, value: Quantity, target: Quantity, floor: Quantity | None,
                        better: str) -> Rating:
        sign = 1 if better == "higher" else -1
        limits = {"target": target.value, "floor": (floor or target).value}
        for band in self.bands[:-1]:
            if band.reference and sign * (value.value - limits[band.reference]) >= 0:
                return band
        return self.bands[-1]


def floor_from(target: Quantity, tolerance: Quantity, better: str) -> Quantity:
    """Return the floor a tolerance gives: that far on the worse side of the target."""
    sign = 1 if better == "higher" else -1
    return Quantity(target.value - sign * tolerance.value,
                    max(target.decimals, tolerance.decimals))


@dataclass(frozen=True)
class Progress:
    """An objective progress word (entered by services) and how it is shown."""

    label: str
    colour: str
    icon: str
    description: str
    phrase: tuple[str, str]  # summary sentence, one / many: "requires action", "require action"
    action: bool = False     # listed under the items needing action


@dataclass(frozen=True)
class ProgressScheme:
    """Objective progress words, best first, then "Awaiting update" (always last)."""

    levels: tuple[Progress, ...]

    @property
    def ranked(self) -> tuple[Progress, ...]:
        """Return the words a service can enter, best first (not "Awaiting update")."""
        return self.levels[:-1]

    @property
    def awaiting(self) -> Progress:
        return self.levels[-1]

    def get(self, label: str) -> Progress | None:
        """Return the level with this word, or None."""
        return next((p for p in self.levels if p.label == label), None)


@dataclass(frozen=True)
class FromMeasures:
    """Objective progress computed from the objective's measures (plan.yaml's
    `progress_from_measures:`): each rated measure's band becomes a progress word by
    `mapping` (a band missing from it keeps its own word), then the words roll up by
    `rule`, a word of ROLL_UPS."""

    rule: str
    mapping: tuple[tuple[str, str], ...] = ()
    # where the setting and each mapped band are (file, line, column), for problems found
    # once the settings have chosen the measure scheme
    where: tuple[str, int, int] = ("", 0, 0)
    mapping_where: tuple[tuple[str, tuple[str, int, int]], ...] = ()

    def word(self, band: str) -> str:
        """Return the progress word a measure band stands for."""
        return dict(self.mapping).get(band, band)


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
             "delivering outcomes", ("requires action", "require action"), action=True),
    Progress(AWAITING, "#505a5f", "square", "No update has been entered for this quarter yet",
             ("is awaiting an update", "are awaiting an update")),
)
PROGRESS_BY_LABEL = {p.label: p for p in PROGRESS}
DEFAULT_PROGRESS = ProgressScheme(PROGRESS)

# Built-in objective progress schemes by name; a plan may also give its own levels.
BUILT_IN_PROGRESS: dict[str, dict[str, Any]] = {
    "complete-good-review-action": {"levels": [
        {"label": p.label, "colour": p.colour, "icon": p.icon, "description": p.description,
         "phrase": list(p.phrase), "action": p.action} for p in PROGRESS[:-1]]},
    # report 002's deliverables
    "strong-good-review-action": {"levels": [
        {"label": "Strong", "colour": "#1d70b8", "icon": "star",
         "description": "Ahead of plan and outcomes better than expected",
         "phrase": ["shows strong progress", "show strong progress"]},
        {"label": "Good", "colour": "#00703c", "icon": "tick",
         "description": "On schedule and outcomes as expected",
         "phrase": ["shows good progress", "show good progress"]},
        {"label": "Review", "colour": "#d66400", "icon": "triangle",
         "description": "Some risk to achieving timetable and/or outcomes",
         "phrase": ["requires review", "require review"]},
        {"label": "Action", "colour": "#b81800", "icon": "flag",
         "description": "Unlikely to achieve timetable and/or to deliver required outcome",
         "phrase": ["requires action", "require action"], "action": True},
    ]},
}
DEFAULT_PROGRESS_SCHEME = "complete-good-review-action"


def progress_scheme_from(spec: str | Mapping[str, Any]) -> ProgressScheme:
    """Return the progress scheme named (built in) or given as checked data; KeyError if the
    name is unknown. "Awaiting update" is always the last level."""
    if isinstance(spec, str):
        spec = BUILT_IN_PROGRESS[spec]
    levels = tuple(_level(level) for level in spec["levels"])
    if not any(level.action for level in levels):  # the worst needs action unless told
        last = levels[-1]
        levels = levels[:-1] + (Progress(last.label, last.colour, last.icon, last.description,
                                         last.phrase, True),)
    return ProgressScheme(levels + (PROGRESS_BY_LABEL[AWAITING],))


def _level(level: Mapping[str, Any]) -> Progress:
    label = level["label"]
    one, many = level.get("phrase") or (f"is rated {label}", f"are rated {label}")
    return Progress(label, level["colour"], level["icon"], level.get("description") or "",
                    (one, many), bool(level.get("action")))


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
    shaped by data.schema); KeyError if the name is unknown, ValueError (saying what would
    be right) if the bands do not fit the rule."""
    if isinstance(spec, str):
        spec = BUILT_IN[spec]
    rule = spec.get("rule") or "relative"
    bands = [_rating(band, rule) for band in spec["bands"]]
    _check_bands(bands, rule)
    travel = _travel(spec.get("travel"), [b.label for b in bands])
    return Scheme(spec["name"], tuple(_described(bands, rule)), rule, travel,
                  bool(spec.get("mark_overrides")))


def _rating(band: Mapping[str, Any], rule: str) -> Rating:
    when, high = band.get("when"), band.get("when_high_target")
    if rule == "thresholds":
        if high:
            raise ValueError(f"band {band['label']}: when_high_target is for the relative rule;"
                             " the thresholds rule compares with each measure's own target")
        if when and when not in REFERENCES:
            raise ValueError(f"band {band['label']}: with rule: thresholds, `when` is target or "
                             f"floor, not '{when}'")
        return Rating(band["label"], band["colour"], band["icon"],
                      band.get("description") or "", reference=when)
    if when in REFERENCES:
        raise ValueError(f"band {band['label']}: when: {when} needs rule: thresholds; the "
                         "relative rule takes a condition on d such as \"> 5\"")
    return Rating(band["label"], band["colour"], band["icon"], band.get("description") or "",
                  Condition.parse(when) if when else None,
                  Condition.parse(high) if high else None)


def _check_bands(bands: list[Rating], rule: str) -> None:
    labels = [b.label for b in bands]
    if len(set(labels)) != len(labels):
        raise ValueError("two bands have the same label: " + ", ".join(labels))
    if rule == "thresholds":
        refs = [b.reference for b in bands[:-1]]
        if refs not in (["target"], ["target", "floor"]):
            raise ValueError("with rule: thresholds, give two bands (when: target, then the "
                             "rest) or three (when: target, when: floor, then the rest)")


def _travel(spec: Mapping[str, Any] | None, labels: list[str]) -> Travel | None:
    """Return the direction-of-travel adjustment, checked to keep ratings monotone."""
    if not spec:
        return None
    maps = {}
    for key, direction in (("improved", -1), ("not_improved", 1)):
        given = dict(spec.get(key) or {})
        for a, b in given.items():
            for word in (a, b):
                if word not in labels:
                    raise ValueError(f"travel.{key}: '{word}' is not a band of the scheme"
                                     f"{did_you_mean(word, labels, 'bands')}")
            if (labels.index(b) - labels.index(a)) * direction < 0:
                raise ValueError(f"travel.{key}: {a} -> {b} moves the wrong way: "
                                 f"{'an improvement' if direction < 0 else 'no improvement'} "
                                 f"may only move a rating {'up' if direction < 0 else 'down'}")
        moved = [labels.index(given.get(word, word)) for word in labels]
        if moved != sorted(moved):
            raise ValueError(f"travel.{key}: the bands would change order (a worse rating "
                             "could become better than a better one); move neighbouring "
                             "bands together")
        maps[key] = tuple(given.items())
    return Travel(spec.get("compare") or "same-quarter-last-year", maps["improved"],
                  maps["not_improved"])


def _described(bands: list[Rating], rule: str = "relative") -> list[Rating]:
    """Fill in descriptions from the thresholds, so the key cannot disagree with the rule.
    A council's own description is kept as written (and has no phrases)."""
    out = []
    for i, band in enumerate(bands):
        phrases: tuple[Phrase, ...] = ()
        if not band.description:
            phrases = _key_phrases(band, bands[i - 1] if i else None, rule)
        text = band.description or " ".join(p.english for p in phrases)
        out.append(Rating(band.label, band.colour, band.icon, text, band.when,
                          band.when_high_target, band.reference, phrases))
    return out


def _key_phrases(band: Rating, better: Rating | None, rule: str) -> tuple[Phrase, ...]:
    """Return the key's words for a band, given the next better band (None for the best)."""
    if rule == "thresholds":
        return (_reference_words(band, better),)
    words = [_range_words(band.when, better.when if better else None)]
    high = band.when_high_target or (better.when_high_target if better else None)
    if high:
        words.append(_high_target_words(high.threshold))
    return tuple(words)


# The key's words for the thresholds rule, by the band's limit and the better band's.
REFERENCE_WORDS = {
    "target": "At or better than its target",
    "floor": "Worse than its target, but at or better than its floor",
}
WORSE_THAN = {"target": "Worse than its target", "floor": "Worse than its floor"}


def _reference_words(band: Rating, better: Rating | None) -> Phrase:
    """Say in words which values a band of the thresholds rule takes."""
    if band.reference in ("target", "floor"):
        return Phrase(REFERENCE_WORDS[band.reference])
    return Phrase(WORSE_THAN[better.reference if better and better.reference else "target"])


def _side(t: Decimal) -> str:
    """Return which side of the target a threshold is: better, worse or on."""
    return "better" if t > 0 else "worse" if t < 0 else "on"


def _n(t: Decimal) -> tuple[tuple[str, str], ...]:
    return (("n", f"{abs(t):g}"),)


# The key's words for the relative rule: whole sentences per side of the target (better,
# worse, on), so that each language can word them whole. A band's range is given by its
# own condition (d above a lower limit) and the next better band's (d below an upper one).
BETWEEN = {
    ("worse", "worse"): "Between %(low)s%% worse and %(high)s%% worse than target",
    ("worse", "better"): "Between %(low)s%% worse and %(high)s%% better than target",
    ("better", "better"): "Between %(low)s%% better and %(high)s%% better than target",
}
# A limit at the target itself: whether the band includes "on target" depends on the op
# (the band's own >= includes it; the better band's >= leaves it to that band).
BETWEEN_ON = {
    ("worse", ">="): "Up to %(low)s%% worse than target",
    ("worse", ">"): "On target or up to %(low)s%% worse than target",
    ("better", ">="): "On target or up to %(high)s%% better than target",
    ("better", ">"): "Up to %(high)s%% better than target",
}
# d above a limit: > (more than) and >= (at the limit or more)
ABOVE = {
    (">", "better"): "More than %(n)s%% better than target",
    (">", "worse"): "Less than %(n)s%% worse than target, or better",
    (">", "on"): "Better than target",
    (">=", "better"): "%(n)s%% better than target or more",
    (">=", "worse"): "%(n)s%% worse than target or better",
    (">=", "on"): "On target or better",
}
# d below the better band's limit: its condition fails, so >= gives <, > gives <=
BELOW = {
    (">=", "worse"): "More than %(n)s%% worse than target",
    (">=", "better"): "Less than %(n)s%% better than target",
    (">=", "on"): "Worse than target",
    (">", "worse"): "%(n)s%% worse than target or more",
    (">", "better"): "%(n)s%% better than target or less",
    (">", "on"): "On target or worse",
}
HIGH_TARGET_WORDS = {
    "better": "(%(n)s%% better than target if the target is greater than 95%%)",
    "worse": "(%(n)s%% worse than target if the target is greater than 95%%)",
    "on": "(on target if the target is greater than 95%)",
}


def _range_words(lower: Condition | None, upper: Condition | None) -> Phrase:
    """Say in words which d a band takes, given its own and the next better band's conditions."""
    if lower and upper:
        sides = (_side(lower.threshold), _side(upper.threshold))
        message = (BETWEEN_ON.get((sides[0], upper.op)) if sides[1] == "on" else
                   BETWEEN_ON.get((sides[1], lower.op)) if sides[0] == "on" else
                   BETWEEN.get(sides))
        if message is None:  # a limit above the better band's: no value reaches the band
            return Phrase("Any value")
        values = (("low", f"{abs(lower.threshold):g}"), ("high", f"{abs(upper.threshold):g}"))
        return Phrase(message, tuple(v for v in values if f"%({v[0]})s" in message))
    if lower:
        return Phrase(ABOVE[(lower.op, _side(lower.threshold))], _n(lower.threshold))
    if upper:
        return Phrase(BELOW[(upper.op, _side(upper.threshold))], _n(upper.threshold))
    return Phrase("Any value")


def _high_target_words(t: Decimal) -> Phrase:
    return Phrase(HIGH_TARGET_WORDS[_side(t)], _n(t))
