"""History from earlier quarter directories, typed history, conflicts, previous quarter."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.commands.cli import main
from reportgen.core.errors import DataError
from reportgen.pipeline import load_report

PLAN = """council: Testshire County Council
plan: Test Plan
year: {year}
outcomes:
  - id: people
    name: People
    title: People do well
    objectives:
      - id: SO-01
        title: Do well
        expected_completion: "2027-03"
        owner: Service A
        measures:
          - id: visits
            title: Visits
            unit: count
            better: higher
            frequency: Quarterly
"""


def quarter(root: Path, year: str, q: int, update: str) -> Path:
    """Write a one-measure quarter directory data/t/<year>/q<q> and return it."""
    directory = root / "data" / "t" / year / f"q{q}"
    directory.mkdir(parents=True)
    (directory.parent / "plan.yaml").write_text(PLAN.format(year=year))
    (directory / "report.yaml").write_text(f"quarter: {q}\n")
    (directory / "a.yaml").write_text(update)
    return directory


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # problems name files relative to the working directory
    return tmp_path


def test_same_quarter_of_earlier_years_fills_history(root: Path) -> None:
    quarter(root, "2023-24", 1, "measures:\n  visits:\n    value: 90\n")
    quarter(root, "2024-25", 1, "measures:\n  visits:\n    value: 100\n")
    now = quarter(root, "2025-26", 1, "measures:\n  visits:\n    value: 120\n")
    measure = load_report(now).measures[0]
    assert {year: str(q.value) for year, q in measure.history.items()} == {
        "2023-24": "90", "2024-25": "100"}


def test_typed_history_is_used_where_no_directory_holds_that_year(root: Path) -> None:
    quarter(root, "2024-25", 1, "measures:\n  visits:\n    value: 100\n")
    now = quarter(root, "2025-26", 1, "measures:\n  visits:\n    value: 120\n    history:\n"
                                      "      2023-24: 80\n      2024-25: 100\n")
    report = load_report(now)
    assert {y: str(q.value) for y, q in report.measures[0].history.items()} == {
        "2023-24": "80", "2024-25": "100"}
    assert report.warnings == []  # typed and directory agree: nothing to report


def test_disagreeing_history_names_both_places(root: Path) -> None:
    quarter(root, "2024-25", 1, "measures:\n  visits:\n    value: 100\n")
    now = quarter(root, "2025-26", 1, "measures:\n  visits:\n    value: 120\n    history:\n"
                                      "      2024-25: 99\n")
    with pytest.raises(DataError) as caught:
        load_report(now)
    assert [str(p) for p in caught.value.problems] == [
        "data/t/2025-26/q1/a.yaml:5:16 measures.visits.history.2024-25: history 2024-25 is 99 "
        "here (data/t/2025-26/q1/a.yaml:5) but data/t/2024-25/q1/a.yaml:3 has 100: correct one "
        "of them, or delete the typed history (the quarter directory's value is used)"]
    result = CliRunner().invoke(main, ["validate", str(now)])
    assert result.exit_code == 1
    assert "data/t/2024-25/q1/a.yaml:3" in result.output


def test_previous_quarter_gives_previous_progress_and_rating(root: Path) -> None:
    quarter(root, "2025-26", 1, "objectives:\n  SO-01:\n    progress: Review\n"
                                "measures:\n  visits:\n    value: 80\n    target: 100\n")
    (root / "data/t/2025-26/q2").mkdir()
    now = root / "data/t/2025-26/q2"
    (now / "report.yaml").write_text("quarter: 2\n")
    (now / "a.yaml").write_text("objectives:\n  SO-01:\n    progress: Good\n"
                                "measures:\n  visits:\n    value: 210\n    target: 200\n")
    report = load_report(now)
    assert report.objectives[0].previous.label == "Review"
    assert report.measures[0].previous_rating.label == "Action"  # 80 against 100: -20%
    assert report.measures[0].rating.label == "Good"
    assert [(s.label, s.progress["SO-01"].label) for s in report.quarters] == [
        ("Jun 2025", "Review"), ("Sep 2025", "Good")]
