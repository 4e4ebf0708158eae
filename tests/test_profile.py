"""A council's report profile (docs/profile.md): sections, columns, words and progress words
as configuration, with clear errors for anything unknown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import write_quarter

from reportgen.charts.report import report_charts
from reportgen.compute import summary
from reportgen.core.errors import DataError
from reportgen.data.settings import Settings
from reportgen.pipeline import load_report, page

# A council that is not Derbyshire, written from docs/profile.md only: its own section
# order, progress words, measure scheme, columns and words, and outcomes with one name.
OTHER_COUNCIL = """\
council: Testshire Borough Council
plan: Corporate Plan 2025-28
year: 2025-26
ratings: blue-green-amber-red
progress: strong-good-review-action
report:
  title: "%(council)s performance %(year)s, Q%(quarter)s"
  sections: [cover, overview, outcomes, key]
  outcome: [progress, latest-measures, awaiting-data]
  summary:
    sentence: "At Q%(quarter)s, of %(total)s %(objectives)s: %(counts)s."
    percentages: true
    measures: false
  columns:
    progress: [id, objective, progress, comments]
    latest-measures:
      - measure
      - value: "Now (%(year_long)s)"
      - target
      - rating
      - frequency
  words:
    "Strategic Objective": [Priority, Priorities]
    "%(outcome)s: Strategic Outcome Progress": "How %(outcome)s is doing"
    "%(outcome)s: Measures awaiting data": "%(outcome)s: still to come"
    "Key to Performance Rating": Key
outcomes:
  - id: homes
    name: Homes for everyone
    objectives:
      - id: P1
        title: Build homes
        expected_completion: "2027-04"
        owner: Housing
        measures:
          - id: homes-built
            title: Homes built
            unit: count
            better: higher
            frequency: Quarterly
          - id: homes-empty
            title: Empty homes brought back
            unit: count
            better: higher
            frequency: Annual
      - id: P2
        title: End rough sleeping
        expected_completion: "2026-03"
        owner: Housing
      - id: P3
        title: Repair council homes
        expected_completion: "2026-03"
        owner: Housing
"""

OTHER_UPDATE = """\
objectives:
  P1: {progress: Strong, comment: Ahead of plan.}
  P2: {progress: Good, comment: On track.}
  P3: {progress: Action, comment: Behind.}
measures:
  homes-built: {value: 120, target: 100}
"""


def html_of(quarter: Path, settings: Settings | None = None) -> str:
    report = load_report(quarter, settings)
    return page(report, report_charts(report), lambda c: "chart.png", Settings())


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index("<body"):]))


def test_a_council_configures_its_own_layout_without_code(tmp_path: Path) -> None:
    q = write_quarter(tmp_path, {"housing.yaml": OTHER_UPDATE}, plan=OTHER_COUNCIL,
                      report="quarter: 2\n")
    report = load_report(q)
    html = html_of(q)
    text = text_of(html)
    assert "Testshire Borough Council performance 2025-26, Q2" in text
    assert summary.objectives_sentence(report) == (
        "At Q2, of 3 Priorities: 1 (34%) shows strong progress, 1 (33%) shows good progress "
        "and 1 (33%) requires action.")
    # sections in its order; the key after the outcomes; no contents, no introduction
    assert html.index('id="overview"') < html.index('id="outcome-homes"') < html.index('id="key"')
    for absent in ('id="contents-heading"', 'id="introduction"', 'id="trend-over-time"'):
        assert absent not in html
    assert "How Homes for everyone is doing" in text
    assert "Homes for everyone: still to come" in text  # the measure with no value
    assert "Homes built 120 100 Blue Quarterly" in text  # its columns and scheme
    assert "Now (2025-2026)" in text and "Priority" in text
    assert "Key</h2>" in html and "Strong" in text and "Blue" in text
    assert "Expected Completion" not in text  # not one of its progress columns
    assert "Homes for everyone: Homes for everyone" not in text  # one name, not "X: X"


def test_progress_words_are_the_plans_scheme(tmp_path: Path) -> None:
    update = OTHER_UPDATE.replace("progress: Strong", "progress: Complete")
    q = write_quarter(tmp_path, {"housing.yaml": update}, plan=OTHER_COUNCIL,
                      report="quarter: 2\n")
    with pytest.raises(DataError) as caught:
        load_report(q)
    assert ("housing.yaml:2:18 objectives.P1.progress: 'Complete' is not one of: Strong, "
            "Good, Review or Action") in str(caught.value)


@pytest.mark.parametrize(("change", "message"), [
    ("sections: [cover, overview, outcomes, key]", "'outcome' is not one of: cover, contents"),
    ("progress: [id, objective, progress, comments]", "'comment' is not a column of progress; "
                                                      "did you mean 'comments'?"),
    ('"Key to Performance Rating": Key', "%(outcome)s is not a placeholder of this phrase"),
    ('value: "Now (%(year_long)s)"', "a percent sign here is written %%"),
])
def test_a_mistake_in_the_profile_names_the_line_and_what_is_right(
        tmp_path: Path, change: str, message: str) -> None:
    broken = {
        "sections: [cover, overview, outcomes, key]": "sections: [cover, overview, outcome, key]",
        "progress: [id, objective, progress, comments]":
            "progress: [id, objective, progress, comment]",
        '"Key to Performance Rating": Key': '"Key to Performance Rating": "Key %(outcome)s"',
        'value: "Now (%(year_long)s)"': 'value: "Now (%(year_long)s) 100%"',
    }[change]
    plan = OTHER_COUNCIL.replace(change, broken)
    q = write_quarter(tmp_path, {"housing.yaml": OTHER_UPDATE}, plan=plan, report="quarter: 2\n")
    with pytest.raises(DataError) as caught:
        load_report(q)
    problem = next(p for p in caught.value.problems if message in p.message)
    line = next(i for i, text in enumerate(plan.splitlines(), 1) if broken.split(":")[0].strip()
                .strip('"') in text and broken[-8:] in text)
    assert problem.file.endswith("plan.yaml") and problem.line == line


def test_empty_sections_are_left_out(tmp_path: Path) -> None:
    plan = OTHER_COUNCIL.replace("sections: [cover, overview, outcomes, key]",
                                 "sections: [cover, contents, introduction, overview, "
                                 "action-items, outcomes]")
    update = OTHER_UPDATE.replace("progress: Action", "progress: Review")
    q = write_quarter(tmp_path, {"housing.yaml": update}, plan=plan, report="quarter: 2\n")
    html = html_of(q)
    # no introduction or achievements, nothing needing action: neither section nor its line
    assert "Introduction" not in html and "Items rated Action" not in html
    assert 'href="#overview"' in html and 'href="#outcome-homes"' in html


def test_the_default_profile_keeps_an_outcome_with_one_name_as_one_name(quarter) -> None:
    from conftest import TINY_PLAN
    q = quarter({}, plan=TINY_PLAN.replace("    title: Happy people\n", ""))
    text = text_of(html_of(q))
    assert "People: Strategic Outcome Progress" in text
    assert "Outcome 1 - People" in text and "People: People" not in text
    assert "People :" not in text
