"""Measure ratings: the rule of LAYOUT.md at and around every boundary, in both schemes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportgen.core.numbers import Quantity, parse
from reportgen.core.ratings import scheme_from

DERBYSHIRE = scheme_from("strong-good-review-action")
DERBY = scheme_from("blue-green-amber-red")


def rate(scheme, value: str, target: str, better: str = "higher", unit: str = "number") -> str:
    rating = scheme.rate(parse(value, unit), parse(target, unit), better, unit)
    return rating.label if rating else None


@pytest.mark.parametrize(("value", "expected"), [
    ("105.01", "Strong"), ("105", "Good"), ("104.99", "Good"), ("100", "Good"),
    ("98", "Good"), ("97.99", "Review"), ("90", "Review"), ("89.99", "Action"), ("0", "Action"),
])
def test_derbyshire_boundaries_higher_is_better(value: str, expected: str) -> None:
    assert rate(DERBYSHIRE, value, "100") == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("94.99", "Strong"), ("95", "Good"), ("102", "Good"), ("102.01", "Review"),
    ("110", "Review"), ("110.01", "Action"),
])
def test_derbyshire_boundaries_lower_is_better(value: str, expected: str) -> None:
    assert rate(DERBYSHIRE, value, "100", better="lower") == expected


@pytest.mark.parametrize(("value", "target", "expected"), [
    ("98.0", "96.0", "Strong"),    # d = 2.08%: over 2% counts as Strong for a target over 95%
    ("97.92", "96.0", "Good"),     # d = 2.0% exactly: Good
    ("100.0", "100.0", "Good"),    # 001's urgent defects row
    ("97.0", "95.0", "Good"),      # 95% is not greater than 95%: the 5% rule applies (d = 2.1%)
])
def test_high_percentage_targets_use_the_two_percent_rule(value, target, expected) -> None:
    assert rate(DERBYSHIRE, value, target, unit="percent") == expected


def test_high_target_rule_is_for_percentages_only() -> None:
    assert rate(DERBYSHIRE, "98", "96", unit="count") == "Good"


@pytest.mark.parametrize(("value", "expected"), [
    ("110", "Blue"), ("109.99", "Green"), ("98", "Green"), ("97.99", "Amber"),
    ("90", "Amber"), ("89.99", "Red"),
])
def test_derby_city_scheme_boundaries(value: str, expected: str) -> None:
    assert rate(DERBY, value, "100") == expected


@pytest.mark.parametrize(("value", "better", "expected"), [
    ("0", "lower", "Good"), ("1", "lower", "Action"), ("0", "higher", "Good"),
    ("3", "higher", "Strong"), ("-1", "higher", "Action"),
])
def test_zero_target_rule(value: str, better: str, expected: str) -> None:
    assert rate(DERBYSHIRE, value, "0", better=better) == expected


def test_no_target_or_no_value_means_no_rating() -> None:
    assert DERBYSHIRE.rate(parse("5", "count"), None, "higher", "count") is None
    assert DERBYSHIRE.rate(None, parse("5", "count"), "higher", "count") is None


def test_negative_target_uses_its_magnitude() -> None:
    # a deficit target of -100 and an outturn of -90 is 10% better
    assert rate(DERBYSHIRE, "-90", "-100") == "Strong"


def test_key_descriptions_come_from_the_thresholds() -> None:
    words = [b.description for b in DERBYSHIRE.bands]
    assert words[0] == ("More than 5% better than target "
                        "(2% better than target if the target is greater than 95%)")
    assert words[3] == "More than 10% worse than target"
    assert [b.description for b in DERBY.bands][0] == "10% better than target or more"


def test_custom_scheme_labels_colours_and_icons() -> None:
    from reportgen.data.schema import SchemeSpec

    scheme = scheme_from(SchemeSpec.model_validate({"name": "Ours", "bands": [
        {"label": "Ahead", "when": "> 0", "colour": "#112233", "icon": "diamond"},
        {"label": "Behind", "colour": "#445566", "icon": "square"}]}).model_dump())
    assert rate(scheme, "101", "100") == "Ahead"
    assert rate(scheme, "100", "100") == "Behind"
    assert scheme.bands[0].colour == "#112233" and scheme.bands[1].icon == "square"


ORDER = {b.label: i for i, b in enumerate(DERBYSHIRE.bands)}
amounts = st.decimals(min_value=-10_000, max_value=10_000, places=2, allow_nan=False)


@given(value=amounts, better_value=amounts, target=amounts)
def test_a_better_value_never_gets_a_worse_rating(value, better_value, target) -> None:
    low, high = sorted([value, better_value])
    t = Quantity(target, 2)
    worse = DERBYSHIRE.rate(Quantity(low, 2), t, "higher", "number")
    better = DERBYSHIRE.rate(Quantity(high, 2), t, "higher", "number")
    assert ORDER[better.label] <= ORDER[worse.label]


@given(value=amounts, target=amounts)
def test_flipping_polarity_mirrors_the_rating(value: Decimal, target: Decimal) -> None:
    # lower-is-better of (v, t) rates like higher-is-better of the mirrored value 2t - v
    up = DERBYSHIRE.rate(Quantity(2 * target - value, 2), Quantity(target, 2), "higher", "number")
    down = DERBYSHIRE.rate(Quantity(value, 2), Quantity(target, 2), "lower", "number")
    assert up.label == down.label
