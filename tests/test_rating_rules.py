"""Rules as data: the thresholds rule (target and floor per measure), direction of travel,
their boundaries in both polarities, the key written from them, and the properties that keep
ratings honest (a better value never rates worse; an improvement never rates worse than no
change)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import ONE_OBJECTIVE_PLAN, write_quarter
from hypothesis import given
from hypothesis import strategies as st

from reportgen.core.errors import DataError
from reportgen.core.numbers import Quantity, parse
from reportgen.core.ratings import Scheme, floor_from, scheme_from
from reportgen.pipeline import load_report

COLOURS = {"Blue": "#1d70b8", "Green": "#00703c", "Amber": "#d66400", "Red": "#b81800"}


def bands(*spec: tuple[str, str | None]) -> list[dict[str, Any]]:
    return [{"label": label, "colour": COLOURS[label], "icon": "tick",
             **({"when": when} if when else {})} for label, when in spec]


THRESHOLDS = scheme_from({"name": "T", "rule": "thresholds", "bands": bands(
    ("Green", "target"), ("Amber", "floor"), ("Red", None))})
MET = scheme_from({"name": "Met", "rule": "thresholds", "bands": bands(
    ("Green", "target"), ("Red", None))})
TRAVEL = scheme_from({"name": "Travel", "travel": {"compare": "same-quarter-last-year",
                                                   "improved": {"Red": "Amber"}},
                      "bands": bands(("Green", ">= -2"), ("Amber", ">= -10"), ("Red", None))})


def rate(scheme: Scheme, value: str, target: str, floor: str | None = None,
         better: str = "higher", before: str | None = None) -> str | None:
    unit = "number"
    got = scheme.rate(parse(value, unit), parse(target, unit), better, unit,
                      floor=parse(floor, unit) if floor else None,
                      before=parse(before, unit) if before else None)
    return got.label if got else None


@pytest.mark.parametrize(("value", "expected"), [
    ("120", "Green"), ("100", "Green"), ("99.99", "Amber"), ("95", "Amber"), ("90", "Amber"),
    ("89.99", "Red"), ("0", "Red"), ("-5", "Red"),
])
def test_thresholds_higher_is_better(value: str, expected: str) -> None:
    assert rate(THRESHOLDS, value, "100", "90") == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("0", "Green"), ("10", "Green"), ("10.01", "Amber"), ("12", "Amber"), ("12.01", "Red"),
])
def test_thresholds_lower_is_better(value: str, expected: str) -> None:
    assert rate(THRESHOLDS, value, "10", "12", better="lower") == expected


def test_thresholds_without_a_floor_have_no_middle_band() -> None:
    assert rate(THRESHOLDS, "100", "100") == "Green"
    assert rate(THRESHOLDS, "99.99", "100") == "Red"


def test_thresholds_of_two_bands_are_met_or_not() -> None:
    assert [rate(MET, v, "100", "90") for v in ("100", "99.99", "90")] == ["Green", "Red", "Red"]


def test_thresholds_with_a_zero_or_negative_target() -> None:
    assert rate(THRESHOLDS, "0", "0", "-1") == "Green"
    assert rate(THRESHOLDS, "-1", "0", "-1") == "Amber"
    assert rate(THRESHOLDS, "-95", "-100", "-110", better="higher") == "Green"


@pytest.mark.parametrize(("target", "tolerance", "better", "floor"), [
    ("100", "10", "higher", "90"), ("10.0", "2", "lower", "12.0"), ("5", "0", "higher", "5"),
])
def test_a_tolerance_gives_the_floor_on_the_worse_side(target, tolerance, better, floor) -> None:
    got = floor_from(parse(target, "number"), parse(tolerance, "number"), better)
    assert got == parse(floor, "number")


@pytest.mark.parametrize(("value", "before", "expected"), [
    ("89", "80", "Amber"),   # off target by 11%, improved on last year: Amber
    ("89", "88.99", "Amber"),
    ("89", "89", "Red"),     # the same as last year is not an improvement
    ("89", "95", "Red"),
    ("89", None, "Red"),     # nothing to compare with: the rule's rating
    ("90", "80", "Amber"),   # Amber by the rule: improving does not move it
    ("95", "99", "Amber"),   # not improved, but not_improved moves nothing
    ("100", "50", "Green"),
])
def test_travel_moves_red_to_amber_where_improved(value, before, expected) -> None:
    assert rate(TRAVEL, value, "100", before=before) == expected


@pytest.mark.parametrize(("value", "before", "expected"), [
    ("111", "120", "Amber"), ("111", "111", "Red"), ("111", "110", "Red"),
])
def test_travel_lower_is_better(value, before, expected) -> None:
    assert rate(TRAVEL, value, "100", better="lower", before=before) == expected


def test_travel_adjusts_the_thresholds_rule_too() -> None:
    scheme = scheme_from({"name": "T", "rule": "thresholds", "bands": bands(
        ("Green", "target"), ("Amber", "floor"), ("Red", None)),
        "travel": {"improved": {"Red": "Amber"}, "not_improved": {"Amber": "Red"}}})
    assert rate(scheme, "85", "100", "90", before="80") == "Amber"
    assert rate(scheme, "95", "100", "90", before="96") == "Red"
    assert rate(scheme, "95", "100", "90", before="94") == "Amber"


@pytest.mark.parametrize(("spec", "message"), [
    ({"rule": "thresholds", "bands": bands(("Green", "> 5"), ("Red", None))},
     "`when` is target or floor"),
    ({"bands": bands(("Green", "target"), ("Red", None))}, "needs rule: thresholds"),
    ({"rule": "thresholds", "bands": bands(("Green", "floor"), ("Amber", "target"),
                                           ("Red", None))}, "give two bands"),
    ({"bands": bands(("Green", "> 0"), ("Green", None))}, "same label"),
    ({"travel": {"improved": {"Red": "Purple"}}, "bands": bands(("Green", "> 0"),
                                                                   ("Red", None))},
     "'Purple' is not a band"),
    ({"travel": {"improved": {"Amber": "Red"}}, "bands": bands(
        ("Green", "> 0"), ("Amber", "> -10"), ("Red", None))}, "moves the wrong way"),
    ({"travel": {"not_improved": {"Amber": "Green"}}, "bands": bands(
        ("Green", "> 0"), ("Amber", "> -10"), ("Red", None))}, "moves the wrong way"),
    ({"travel": {"improved": {"Red": "Green"}}, "bands": bands(
        ("Green", "> 0"), ("Amber", "> -10"), ("Red", None))}, "change order"),
])
def test_schemes_that_cannot_work_are_refused(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        scheme_from({"name": "S", **spec})


def test_the_key_is_written_from_the_thresholds_and_the_travel() -> None:
    assert [b.description for b in THRESHOLDS.bands] == [
        "At or better than its target",
        "Worse than its target, but at or better than its floor",
        "Worse than its floor"]
    assert [b.description for b in MET.bands][1] == "Worse than its target"
    assert TRAVEL.notes == [
        "Red becomes Amber where performance has improved on the same quarter last year.",
        "Without a value for the same quarter last year, the rating is the rule's."]
    assert scheme_from("strong-good-review-action").notes == []


# -- properties --------------------------------------------------------------------------

numbers_ = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False)
SCHEMES = [scheme_from("strong-good-review-action"), scheme_from("blue-green-amber-red"),
           THRESHOLDS, MET, TRAVEL,
           scheme_from({"name": "Both", "rule": "thresholds", "bands": bands(
               ("Green", "target"), ("Amber", "floor"), ("Red", None)),
               "travel": {"compare": "previous-quarter", "improved": {"Red": "Amber"},
                          "not_improved": {"Green": "Amber"}}}),
           scheme_from({"name": "Steps", "travel": {"improved": {"Amber": "Green", "Red": "Amber"},
                                                    "not_improved": {"Green": "Amber"}},
                        "bands": bands(("Green", "> 0"), ("Amber", ">= -5"), ("Red", None))})]


def q(d: Decimal) -> Quantity:
    return Quantity(d, 2)


@given(st.sampled_from(SCHEMES), st.sampled_from(["higher", "lower"]), numbers_, numbers_,
       numbers_, st.decimals(min_value=0, max_value=100, places=2), st.one_of(st.none(), numbers_))
def test_a_better_value_never_rates_worse(scheme, better, a, b, target, gap, before) -> None:
    sign = 1 if better == "higher" else -1
    worse, better_value = sorted([a, b], key=lambda v: sign * v)
    floor = q(target - sign * gap)
    args = dict(floor=floor, before=q(before) if before is not None else None)
    low = scheme.rate(q(worse), q(target), better, "number", **args)
    high = scheme.rate(q(better_value), q(target), better, "number", **args)
    assert scheme.rank(high) <= scheme.rank(low)


@given(st.sampled_from(SCHEMES), st.sampled_from(["higher", "lower"]), numbers_, numbers_,
       st.decimals(min_value=Decimal("0.01"), max_value=100, places=2))
def test_an_improvement_never_rates_worse_than_no_change(scheme, better, value, target,
                                                         step) -> None:
    sign = 1 if better == "higher" else -1
    unchanged = scheme.rate(q(value), q(target), better, "number", before=q(value))
    improved = scheme.rate(q(value), q(target), better, "number", before=q(value - sign * step))
    assert scheme.rank(improved) <= scheme.rank(unchanged)


@given(st.sampled_from(SCHEMES), numbers_, numbers_, st.decimals(min_value=0, max_value=100,
                                                                  places=2))
def test_flipping_polarity_mirrors_every_rule(scheme, value, target, gap) -> None:
    # lower-is-better of (v, t, floor t + g) rates like higher-is-better of 2t - v, floor t - g
    up = scheme.rate(q(2 * target - value), q(target), "higher", "number", floor=q(target - gap),
                     before=q(2 * target - value - 1))
    down = scheme.rate(q(value), q(target), "lower", "number", floor=q(target + gap),
                       before=q(value + 1))
    assert up.label == down.label


# -- through the pipeline ----------------------------------------------------------------

THRESHOLD_PLAN = ONE_OBJECTIVE_PLAN.replace("year: 2025-26\n", """year: 2025-26
ratings:
  name: Performance against target
  rule: thresholds
  bands:
    - {label: Green, when: target, colour: "#00703c", icon: tick}
    - {label: Amber, when: floor, colour: "#d66400", icon: triangle}
    - {label: Red, colour: "#b81800", icon: flag}
""")


def one(tmp_path: Path, update: str, plan: str = THRESHOLD_PLAN) -> Path:
    return write_quarter(tmp_path, {"a.yaml": "measures:\n  foster-carers:\n" + update},
                         plan=plan)


def test_floor_and_tolerance_from_the_update_and_the_plan(tmp_path: Path) -> None:
    m = load_report(one(tmp_path / "f", "    value: 92\n    target: 100\n    floor: 90\n")
                    ).measures[0]
    assert (m.rating.label, m.floor.value) == ("Amber", 90)
    m = load_report(one(tmp_path / "t", "    value: 92\n    target: 100\n    tolerance: 5\n")
                    ).measures[0]
    assert (m.rating.label, m.floor.value) == ("Red", 95)
    plan = THRESHOLD_PLAN.replace("frequency: Monthly", "frequency: Monthly\n"
                                  "            tolerance: 10")
    m = load_report(one(tmp_path / "p", "    value: 92\n    target: 100\n", plan)).measures[0]
    assert (m.rating.label, m.floor.value) == ("Amber", 90)


def test_a_floor_better_than_the_target_is_an_error_at_its_line(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        load_report(one(tmp_path, "    value: 92\n    target: 100\n    floor: 105\n"))
    problem = caught.value.problems[0]
    assert (problem.line, problem.path) == (5, "measures.foster-carers.floor")
    assert "floor 105 is better than the target 100" in problem.message
    assert "should be at or below the target" in problem.message


@pytest.mark.parametrize(("update", "message"), [
    ("    value: 92\n    target: 100\n    tolerance: -5\n", "tolerance -5 is negative"),
    ("    value: 92\n    target: 100\n    floor: 90\n    tolerance: 5\n", "either floor or"),
])
def test_bad_tolerances_are_errors(tmp_path: Path, update: str, message: str) -> None:
    plan = THRESHOLD_PLAN.replace("unit: count", "unit: number")
    with pytest.raises(DataError, match=message):
        load_report(one(tmp_path, update, plan))


def test_a_floor_under_the_relative_rule_is_a_warning(tmp_path: Path) -> None:
    report = load_report(one(tmp_path, "    value: 92\n    target: 100\n    floor: 90\n",
                             ONE_OBJECTIVE_PLAN))
    assert report.measures[0].rating.label == "Review"  # d = -8
    assert [w.severity for w in report.warnings] == ["warning"]
    assert "does not read them" in report.warnings[0].message


def test_a_bad_scheme_in_the_plan_is_an_error_at_ratings(tmp_path: Path) -> None:
    plan = THRESHOLD_PLAN.replace("when: floor", 'when: "> 5"')
    with pytest.raises(DataError, match="with rule: thresholds, `when` is target or floor"):
        load_report(one(tmp_path, "    value: 92\n", plan))


TRAVEL_PLAN = ONE_OBJECTIVE_PLAN.replace("year: 2025-26\n", """year: 2025-26
ratings:
  name: Performance against target
  travel: {compare: COMPARE, improved: {Red: Amber}}
  bands:
    - {label: Green, when: ">= -2", colour: "#00703c", icon: tick}
    - {label: Amber, when: ">= -10", colour: "#d66400", icon: triangle}
    - {label: Red, colour: "#b81800", icon: flag}
""")


def test_travel_against_the_same_quarter_last_year_reads_the_history(tmp_path: Path) -> None:
    plan = TRAVEL_PLAN.replace("COMPARE", "same-quarter-last-year")
    improved = load_report(one(tmp_path / "a", "    value: 89\n    target: 100\n"
                                                "    history: {2024-25: 80}\n", plan))
    assert improved.measures[0].rating.label == "Amber"
    assert improved.measures[0].rule_rating.label == "Amber"
    level = load_report(one(tmp_path / "b", "    value: 89\n    target: 100\n"
                                             "    history: {2024-25: 89}\n", plan))
    assert level.measures[0].rating.label == "Red"
    # the same quarter's directory last year gives the comparison value too
    quarter = one(tmp_path / "c", "    value: 89\n    target: 100\n", plan)
    last = quarter.parent.parent / "2024-25" / "q1"
    last.mkdir(parents=True)
    (last / "report.yaml").write_text("quarter: 1\n", encoding="utf-8")
    (last / "a.yaml").write_text("measures:\n  foster-carers:\n    value: 70\n",
                                 encoding="utf-8")
    assert load_report(quarter).measures[0].rating.label == "Amber"


def test_travel_against_the_previous_quarter(tmp_path: Path) -> None:
    plan = TRAVEL_PLAN.replace("COMPARE", "previous-quarter")
    q1 = one(tmp_path, "    value: 80\n    target: 100\n", plan)
    q2 = q1.parent / "q2"
    q2.mkdir()
    (q2 / "report.yaml").write_text("quarter: 2\n", encoding="utf-8")
    (q2 / "a.yaml").write_text("measures:\n  foster-carers:\n    value: 85\n    target: 100\n",
                               encoding="utf-8")
    report = load_report(q2)
    assert report.measures[0].rating.label == "Amber"  # 85 is Red by d, but up from 80
    assert report.measures[0].previous_rating.label == "Red"  # Q1 had nothing before it
    from reportgen.compute.audit import audit_rows
    assert audit_rows(report)[0].why == ("the rule (Red before direction of travel against "
                                         "the previous quarter)")


def test_earlier_quarters_keep_their_published_ratings(tmp_path: Path) -> None:
    q1 = one(tmp_path, "    value: 6\n    rating: Red\n", ONE_OBJECTIVE_PLAN.replace(
        "year: 2025-26", "year: 2025-26\nratings: blue-green-amber-red"))
    q2 = q1.parent / "q2"
    q2.mkdir()
    (q2 / "report.yaml").write_text("quarter: 2\n", encoding="utf-8")
    (q2 / "a.yaml").write_text("measures:\n  foster-carers:\n    value: 9\n    rating: Blue\n",
                               encoding="utf-8")
    report = load_report(q2)
    assert report.measures[0].previous_rating.label == "Red"
    assert [s.ratings["foster-carers"].label for s in report.quarters] == ["Red", "Blue"]


TOML_SCHEME = """\
[ratings]
name = "Performance against target"
rule = "thresholds"
bands = [
  {label = "Green", when = "target", colour = "#00703c", icon = "tick"},
  {label = "Amber", when = "floor", colour = "#d66400", icon = "triangle"},
  {label = "Red", colour = "#b81800", icon = "flag"},
]
"""


def test_a_scheme_in_reportgen_toml_rates_every_command(tmp_path: Path) -> None:
    from reportgen.data.settings import load_settings

    quarter = one(tmp_path, "    value: 92\n    target: 100\n    floor: 90\n", ONE_OBJECTIVE_PLAN)
    (tmp_path / "reportgen.toml").write_text(TOML_SCHEME, encoding="utf-8")
    settings = load_settings(tmp_path)
    report = load_report(quarter, settings)
    assert (report.scheme.rule, report.measures[0].rating.label) == ("thresholds", "Amber")
    assert report.warnings == []  # the floor is read: no "not used" warning


def test_a_bad_scheme_in_reportgen_toml_is_a_usage_error(tmp_path: Path) -> None:
    from reportgen.core.errors import UsageError
    from reportgen.data.settings import load_settings

    (tmp_path / "reportgen.toml").write_text(TOML_SCHEME.replace('"floor"', '"> 5"'),
                                             encoding="utf-8")
    with pytest.raises(UsageError, match="reportgen.toml: ratings: band Amber: with rule: "
                                         "thresholds, `when` is target or floor"):
        load_settings(tmp_path)
