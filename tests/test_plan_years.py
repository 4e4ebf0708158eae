"""Objectives compare across plan years as measures and items do: in Quarter 1 an
objective's progress before is last plan year's Quarter 4, where its id carries over."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.charts.report import report_charts
from reportgen.commands.cli import main
from reportgen.compute import tables, trends
from reportgen.data.settings import Settings
from reportgen.pipeline import load_report, page

ROOT = Path(__file__).resolve().parent.parent
EXAMPLESHIRE = ROOT / "data" / "exampleshire"

PLAN = """council: Testshire County Council
plan: Test Plan
year: {year}
outcomes:
  - id: people
    name: People
    title: People do well
    objectives:
{objectives}"""
OBJECTIVE = """      - id: {id}
        title: Objective {id}
        expected_completion: "2027-03"
        owner: Service A
"""


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index("<body"):]))


def test_exampleshire_q1_objectives_compare_with_last_years_q4() -> None:
    report = load_report(EXAMPLESHIRE / "2025-26" / "q1")
    before = {o.id: o.previous.label if o.previous else None for o in report.objectives}
    assert before["EX-04"] == "Review" and before["EX-05"] == "Good"  # 2024-25/q4's words
    changed = {o.id: trends.objective_change(o, report) for o in report.objectives}
    assert {k: v for k, v in changed.items() if v} == {"EX-04": "improved",
                                                       "EX-05": "worsened"}
    assert trends.changes_sentence(report) == (
        "Since Quarter 4 2024-25, 6 ratings have improved (1 Strategic Objective and 5 "
        "measures) and 3 ratings have worsened (1 Strategic Objective and 2 measures).")
    text = text_of(page(report, report_charts(report), lambda c: "c.png", Settings()))
    assert "Mar 2030 Good (was Review in Quarter 4 2024-25)" in text
    assert "Mar 2027 Review (was Good in Quarter 4 2024-25)" in text
    assert "Since Quarter 4 2024-25, 6 ratings have improved" in text
    header, rows = tables.objective_table(report)
    row = next(r for r in rows if r[1] == "EX-04")
    assert row[header.index("Progress last quarter")] == "Review"
    assert row[header.index("Change since last quarter")] == "improved"


def test_a_welsh_q1_says_quarter_4_of_last_year_in_welsh() -> None:
    report = load_report(EXAMPLESHIRE / "2025-26" / "q1", Settings(language="cy"))
    sentence = trends.changes_sentence(report)
    assert "2024-25" in sentence and "Since" not in sentence


def test_the_review_diff_shows_objective_progress_across_plan_years() -> None:
    result = CliRunner().invoke(main, ["diff", str(EXAMPLESHIRE / "2024-25" / "q4"),
                                       str(EXAMPLESHIRE / "2025-26" / "q1")])
    assert result.exit_code == 0, result.output
    assert "EX-04 Reduce the number of people killed or seriously injured on the county's " \
           "roads: progress Review -> Good" in result.output
    assert "EX-05 Repair roads quickly and invest in the highway network: progress Good -> " \
           "Review" in result.output


@pytest.fixture
def years(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Last year's Q4 with SO-01 (Review) and SO-02 (none); this year's Q1 adds SO-03."""
    monkeypatch.chdir(tmp_path)
    for year, q, ids, update in (
            ("2024-25", 4, ("SO-01", "SO-02"), "objectives:\n  SO-01:\n    progress: Review\n"),
            ("2025-26", 1, ("SO-01", "SO-02", "SO-03"),
             "objectives:\n  SO-01:\n    progress: Good\n  SO-02:\n    progress: Action\n"
             "  SO-03:\n    progress: Action\n")):
        directory = tmp_path / "data" / "t" / year / f"q{q}"
        directory.mkdir(parents=True)
        (directory.parent / "plan.yaml").write_text(PLAN.format(
            year=year, objectives="".join(OBJECTIVE.format(id=i) for i in ids)))
        (directory / "report.yaml").write_text(f"quarter: {q}\n")
        (directory / "a.yaml").write_text(update)
    return tmp_path / "data" / "t" / "2025-26" / "q1"


def test_only_an_objective_that_carries_over_with_progress_has_a_before(years: Path) -> None:
    report = load_report(years)
    before = {o.id: o.previous.label if o.previous else None for o in report.objectives}
    assert before == {"SO-01": "Review", "SO-02": None, "SO-03": None}
    assert trends.changes_sentence(report) == (
        "Since Quarter 4 2024-25, 1 rating has improved (1 Strategic Objective) and none has "
        "worsened.")


def test_without_last_years_q4_quarter_1_says_nothing_of_changes(years: Path) -> None:
    q4 = years.parent.parent / "2024-25" / "q4"
    for file in q4.iterdir():
        file.unlink()
    q4.rmdir()
    report = load_report(years)
    assert all(o.previous is None for o in report.objectives)
    assert trends.changes_sentence(report) == ""
