"""The policy team's quarter: new-quarter, status, and a new quarter that builds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.commands.cli import main
from reportgen.pipeline import build, load_report

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data/derbyshire/2025-26"


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the Derbyshire year with Q2 made from Q1 by new-quarter."""
    copy = tmp_path_factory.mktemp("data") / "derbyshire" / "2025-26"
    shutil.copytree(SAMPLE, copy)
    result = CliRunner().invoke(main, ["new-quarter", str(copy / "q1"), str(copy / "q2")])
    assert result.exit_code == 0, result.output
    return copy


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


def test_new_quarter_keeps_files_and_ids_and_clears_updates(year: Path) -> None:
    assert sorted(p.name for p in (year / "q2").iterdir()) == sorted(
        p.name for p in (year / "q1").iterdir())
    place = (year / "q2" / "place.yaml").read_text()
    assert "  SO-10:\n    progress:  # to fill: Complete, Good, Review or Action\n" in place
    assert "  supported-bus-passengers:\n    value:  # to fill, or no_data: the reason\n" \
           "    target: 650,000\n" in place  # the target is kept within the year
    assert "history" not in place and "Climate Change Strategy" not in place
    report = load_report(year / "q2")
    before = load_report(year / "q1")
    assert report.quarter == 2
    assert [o.id for o in report.objectives] == [o.id for o in before.objectives]
    assert {o.progress.label for o in report.objectives} == {"Awaiting update"}
    assert not any(m.updated for m in report.measures)
    assert "[To fill:" in report.introduction


def test_new_quarter_refuses_to_overwrite(year: Path) -> None:
    before = (year / "q2" / "report.yaml").read_text()
    result = run("new-quarter", str(year / "q1"), str(year / "q2"))
    assert result.exit_code == 2
    assert "already exists: new-quarter never overwrites anything" in result.output
    assert (year / "q2" / "report.yaml").read_text() == before


def test_new_quarter_into_a_new_year_copies_the_plan_and_clears_targets(year: Path) -> None:
    target = year.parent / "2026-27" / "q1"
    result = run("new-quarter", str(year / "q1"), str(target))
    assert result.exit_code == 0, result.output
    assert "update it for 2026-27" in result.output
    assert "year: 2026-27\n" in (target.parent / "plan.yaml").read_text()
    assert "    target:  # to fill: the 2026-27 target\n" in (target / "place.yaml").read_text()
    report = load_report(target)
    assert (report.year, report.quarter) == ("2026-27", 1)
    # the copy's plan already exists now: a second quarter of that year does not copy it
    again = run("new-quarter", str(target), str(target.parent / "q2"))
    assert again.exit_code == 0 and "copied" not in again.output


def test_status_of_the_sample_is_complete() -> None:
    result = run("status", str(SAMPLE / "q1"))
    assert result.exit_code == 0, result.output
    assert "Everything is in: 24 objectives and 47 measures updated." in result.output


def test_status_of_a_new_quarter_lists_everything_by_owner(year: Path) -> None:
    result = run("status", str(year / "q2"))
    assert result.exit_code == 1
    assert "Awaiting update: 24 of 24 objectives, 47 of 47 measures." in result.output
    assert "\nChildren's Services: 4 objectives, 17 measures\n" in result.output
    assert "  objective SO-01: Achieve sufficiency of accommodation" in result.output
    data = json.loads(run("status", str(year / "q2"), "--format", "json").output)
    assert data["complete"] is False
    assert data["objectives"] == {"total": 24, "awaiting": 24, "noun": "objective"}
    assert sum(len(g["objectives"]) for g in data["owners"]) == 24
    assert data["owners"][0]["owner"] == "Children's Services"
    assert data["report_text_placeholders"] is True


def test_status_counts_a_partly_filled_quarter(year: Path, tmp_path: Path) -> None:
    q = tmp_path / "2025-26" / "q2"
    shutil.copytree(year / "q2", q)
    shutil.copy(year / "plan.yaml", q.parent / "plan.yaml")
    place = q / "place.yaml"
    place.write_text(place.read_text().replace(
        "  SO-10:\n    progress:  # to fill: Complete, Good, Review or Action",
        "  SO-10:\n    progress: Good").replace(
        "  potholes-repaired:\n    value:  # to fill, or no_data: the reason",
        "  potholes-repaired:\n    no_data: Due in Q3"))
    data = json.loads(run("status", str(q), "--format", "json").output)
    assert data["objectives"]["awaiting"] == 23 and data["measures"]["awaiting"] == 46


def test_new_quarter_builds_with_everything_awaiting_update(year: Path, tmp_path: Path) -> None:
    result = build(year / "q2", tmp_path, formats=("html",))
    html = result.outputs[0].read_text()
    assert html.count("<span>Awaiting update</span>") >= 24
    assert "Trend over Time" in html and "Sep 2025" in html
