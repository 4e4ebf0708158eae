"""Objective progress computed from the objective's measures (plan.yaml's
`progress_from_measures:`): each rule at its edges through the pipeline, an entered word
winning with a warning at its line, the setting checked with file:line and did-you-mean,
the audit, export and review diff listing overrides, and the property that a better
measure rating never makes the computed progress worse."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest
from conftest import PLAN_HEAD, write_quarter
from hypothesis import given
from hypothesis import strategies as st

from reportgen.compute.audit import audit_text
from reportgen.compute.diff import as_text, compare, overrides
from reportgen.compute.export import report_data
from reportgen.compute.rate import roll_up
from reportgen.core.errors import DataError
from reportgen.core.ratings import (
    ROLL_UPS,
    FromMeasures,
    Rating,
    progress_scheme_from,
    scheme_from,
)
from reportgen.data.schema import FromMeasuresSpec
from reportgen.pipeline import load_report

SETTING = """\
ratings: blue-green-amber-red
progress: strong-good-review-action
progress_from_measures:
  rule: {rule}
  map: {{Blue: Strong, Green: Good, Amber: Review, Red: Action}}
"""


def plan(rule: str = "average", setting: str = SETTING, measures: int = 4) -> str:
    rows = "".join(f"          - {{id: m{n}, title: Measure {n}, unit: count, better: higher, "
                   f"frequency: Quarterly}}\n" for n in range(measures))
    head = PLAN_HEAD.replace("outcomes:\n", setting.format(rule=rule) + "outcomes:\n")
    return head + ("      - id: SO-01\n        title: Keep children safe\n"
                   "        expected_completion: \"2027-04\"\n"
                   "        owner: Children's Services\n        measures:\n" + rows +
                   "      - id: SO-02\n        title: No measures\n"
                   "        expected_completion: \"2027-04\"\n        owner: Place\n")


# value against a target of 100 for each band of blue-green-amber-red
VALUES = {"Blue": 110, "Green": 100, "Amber": 95, "Red": 50}


def update(bands: list[str], progress: str | None = None, reason: str | None = None) -> str:
    lines = ["objectives:", "  SO-01:"]
    lines += [f"    progress: {progress}"] if progress else []
    lines += [f"    progress_reason: {reason}"] if reason else []
    lines += ["    comment: Going well." if progress else "    comment: ''", "measures:"]
    for n, band in enumerate(bands):
        lines += [f"  m{n}:", f"    value: {VALUES[band]}" if band else "    no_data: Due",
                  "    target: 100"]
    return "\n".join(lines) + "\n"


def quarter(tmp: Path, bands: list[str], rule: str = "average", **kw: str) -> Path:
    return write_quarter(tmp, {"a.yaml": update(bands, **kw)},
                         plan=plan(rule, measures=max(len(bands), 1)))


@pytest.mark.parametrize(("bands", "rule", "expected"), [
    (["Blue", "Red"], "average", "Review"),       # places 0 and 3: 1.5, the half goes worse
    (["Blue", "Green"], "average", "Good"),       # 0.5
    (["Blue", "Blue", "Green"], "average", "Strong"),  # 0.33
    (["Blue", "Green", "Green"], "average", "Good"),   # 0.67
    (["Green", "Amber"], "majority", "Review"),   # a tie goes to the worse
    (["Green", "Green", "Amber"], "majority", "Good"),
    (["Blue", "Blue", "Red"], "worst", "Action"),
    (["Blue", "Blue", "Blue"], "worst", "Strong"),
    (["Blue", ""], "worst", "Strong"),            # a measure with no value is left out
])
def test_each_rule_gives_the_objectives_progress(tmp_path: Path, bands: list[str], rule: str,
                                                 expected: str) -> None:
    report = load_report(quarter(tmp_path, bands, rule))
    first, second = report.objectives
    assert [m.rating.label if m.rating else "" for m in first.measures] == bands
    assert (first.progress.label, first.computed.label) == (expected, expected)
    # no rated measures: the entered progress stays (here none, so awaiting an update)
    assert second.progress.label == "Awaiting update" and second.computed is None
    assert not [w for w in report.warnings if w.severity != "note"]


def test_no_rated_measures_keeps_the_entered_progress(tmp_path: Path) -> None:
    report = load_report(quarter(tmp_path, ["", ""], progress="Good"))
    assert report.objectives[0].progress.label == "Good"
    assert report.objectives[0].computed is None
    assert not report.warnings


def test_an_entered_word_that_agrees_says_nothing(tmp_path: Path) -> None:
    report = load_report(quarter(tmp_path, ["Blue", "Red"], progress="Review"))
    assert report.objectives[0].progress.label == "Review"
    assert not report.objectives[0].overridden and not report.warnings


def test_an_entered_word_that_differs_wins_with_a_warning_at_its_line(tmp_path: Path) -> None:
    report = load_report(quarter(tmp_path, ["Blue", "Red"], progress="Good"))
    o = report.objectives[0]
    assert (o.progress.label, o.computed.label, o.overridden) == ("Good", "Review", True)
    [warning] = report.warnings
    assert (warning.severity, warning.line, warning.path) == (
        "warning", 3, "objectives.SO-01.progress")
    assert warning.file.endswith("a.yaml")
    assert ("entered progress Good differs from Review, computed from its measures (Blue, "
            "Red; average): Good is used; give progress_reason:") in warning.message
    # the summary counts what the report shows: the entered word
    assert report.quarters[-1].progress["SO-01"].label == "Good"


def test_a_reason_makes_it_a_note_that_strict_lets_pass(tmp_path: Path) -> None:
    report = load_report(quarter(tmp_path, ["Blue", "Red"], progress="Good",
                                 reason="The Red measure is a data lag"))
    [note] = report.warnings
    assert note.severity == "note" and "reason: The Red measure is a data lag" in note.message


def test_progress_reason_without_progress_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="progress_reason explains an entered progress"):
        load_report(quarter(tmp_path, ["Blue"], reason="Because"))


def test_the_audit_export_and_diff_list_the_override(tmp_path: Path) -> None:
    report = load_report(quarter(tmp_path, ["Blue", "Red"], progress="Good",
                                 reason="A data lag"))
    text = audit_text(report)
    assert "Objective progress from measures (average)" in text
    assert "SO-01" in text and "OVERRIDES the measures: A data lag" in text
    assert "1 entered progress differs from the measures'; 0 without a reason" in text
    data = report_data(report)
    assert data["overrides"] == [{"objective": "SO-01", "rated_measures": ["Blue", "Red"],
                                  "computed_progress": "Review", "published_progress": "Good",
                                  "reason": "A data lag"}]
    assert data["objectives"][0]["computed_progress"] == "Review"
    assert data["objectives"][0]["overridden"] is True
    [found] = overrides(report)
    assert (found.id, found.rule, found.published) == ("SO-01", "Review", "Good")
    assert "SO-01 Keep children safe: published Good, computed from its measures Review " \
           "(Blue, Red; average): A data lag" in as_text(compare(None, report), "a", "b",
                                                          overrides(report))


def test_earlier_quarters_are_computed_too(tmp_path: Path) -> None:
    q2 = write_quarter(tmp_path, {"a.yaml": update(["Green", "Green"])}, plan=plan(measures=2),
                       report="quarter: 2\n")
    q1 = q2.parent / "q1"
    q1.mkdir()
    (q1 / "report.yaml").write_text("quarter: 1\n", encoding="utf-8")
    (q1 / "a.yaml").write_text(update(["Red", "Red"]), encoding="utf-8")
    report = load_report(q2)
    assert [s.progress["SO-01"].label for s in report.quarters] == ["Action", "Good"]
    assert report.objectives[0].previous.label == "Action"


@pytest.mark.parametrize(("setting", "line", "message"), [
    (SETTING.replace("Blue: Strong", "Bleu: Strong"), 8,
     "'Bleu' is not a band of the scheme 'Performance against target'; did you mean 'Blue'"),
    (SETTING.replace("Green: Good", "Green: Goood"), 8,
     "'Goood' is not a progress word of the plan; did you mean 'Good'"),
    (SETTING.replace("Blue: Strong, ", ""), 6,
     "the band Blue of the scheme 'Performance against target' needs a progress word"),
    (SETTING.replace("Amber: Review, Red: Action", "Amber: Action, Red: Review"), 6,
     "Red -> Review is better progress than Amber -> Action: a worse band may not give "
     "better progress"),
    (SETTING.replace("rule: {rule}", "rule: avarage"), 7,
     "'avarage' is not one of: worst, majority or average; did you mean 'average'"),
])
def test_a_bad_setting_is_an_error_at_its_line(tmp_path: Path, setting: str, line: int,
                                               message: str) -> None:
    path = write_quarter(tmp_path, {"a.yaml": update(["Blue"])},
                         plan=plan(setting=setting, measures=1))
    with pytest.raises(DataError) as caught:
        load_report(path)
    problem = next(p for p in caught.value.problems if message in p.message)
    assert problem.file.endswith("plan.yaml") and problem.line == line


def test_the_same_words_need_no_map(tmp_path: Path) -> None:
    setting = "progress: strong-good-review-action\nprogress_from_measures:\n  rule: worst\n"
    path = write_quarter(tmp_path, {"a.yaml": update(["Blue"])},
                         plan=plan(setting=setting, measures=1))
    # strong-good-review-action rates 110 against 100 Strong; Strong is a progress word too
    assert load_report(path).objectives[0].progress.label == "Strong"


def test_the_schemas_rules_are_roll_ups() -> None:
    assert get_args(FromMeasuresSpec.model_fields["rule"].annotation) == ROLL_UPS


LEVELS = progress_scheme_from("strong-good-review-action")
BGAR = scheme_from("blue-green-amber-red")
MAPPED = FromMeasures("average", (("Blue", "Strong"), ("Green", "Good"), ("Amber", "Review"),
                                  ("Red", "Action")))


def computed(bands: list[Rating], rule: str) -> int:
    got = roll_up([LEVELS.get(MAPPED.word(b.label)) for b in bands], rule, LEVELS)
    assert got is not None
    return [p.label for p in LEVELS.ranked].index(got.label)


@given(st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=10),
       st.sampled_from(("worst", "average")), st.integers(min_value=0, max_value=9))
def test_a_better_measure_rating_never_makes_progress_worse(places: list[int], rule: str,
                                                            pick: int) -> None:
    i = pick % len(places)
    better = [*places[:i], max(places[i] - 1, 0), *places[i + 1:]]
    assert computed([BGAR.bands[p] for p in better], rule) <= computed(
        [BGAR.bands[p] for p in places], rule)


def test_strict_fails_on_an_unexplained_entered_progress_and_passes_with_a_reason(
        tmp_path: Path) -> None:
    from click.testing import CliRunner

    from reportgen.commands.cli import main

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(main, list(args))
        return result.exit_code, result.output

    plain = "\n".join(f"  m{n}:\n    value: {VALUES[b]}\n    target: 100" for n, b in
                      enumerate(["Blue", "Red"]))
    objectives = ("objectives:\n  SO-01:\n    progress: Good\n{reason}    comment: Going well.\n"
                  "  SO-02:\n    progress: Good\n    comment: Fine.\nmeasures:\n" + plain + "\n")
    bare = write_quarter(tmp_path / "bare", {"a.yaml": objectives.format(reason="")},
                         plan=plan(measures=2))
    code, out = run("validate", "--strict", str(bare))
    assert code == 1 and "entered progress Good differs from Review" in out
    why = write_quarter(tmp_path / "why", {"a.yaml": objectives.format(
        reason="    progress_reason: The Red measure lags a quarter\n")}, plan=plan(measures=2))
    code, out = run("validate", "--strict", str(why))
    assert code == 0, out
    assert "note:" in out and "reason: The Red measure lags a quarter" in out
    code, out = run("build", "--strict", "--format", "html", "--no-cache", "-j", "1",
                    "-o", str(tmp_path / "out"), str(why))
    assert code == 0, out
