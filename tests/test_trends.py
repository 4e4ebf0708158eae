"""Trend over Time counts, changes since last quarter, direction of travel, Action items,
on the Exampleshire demo year and the Derbyshire sample."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from reportgen.charts import spec as charts
from reportgen.charts.draw import draw
from reportgen.charts.report import year_chart
from reportgen.compute import trends
from reportgen.core.model import Measure, Report
from reportgen.core.numbers import Quantity
from reportgen.pipeline import load_report

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data/exampleshire/2025-26"


@pytest.fixture(scope="module")
def q4() -> Report:
    return load_report(DEMO / "q4")


def rows(report: Report, kind: str) -> dict[str, tuple]:
    return {r.label: r.counts for r in trends.trend_rows(report, kind)}


def test_trend_counts_per_quarter(q4: Report) -> None:
    assert trends.quarter_labels(q4) == ["Jun 2025", "Sep 2025", "Dec 2025", "Mar 2026"]
    assert rows(q4, "objectives") == {"Complete": (0, 0, 0, 1), "Good": (6, 5, 5, 4),
                                      "Review": (2, 3, 2, 1), "Action": (0, 0, 1, 2)}
    assert rows(q4, "measures") == {"Strong": (2, 1, 0, 3), "Good": (6, 5, 8, 4),
                                    "Review": (1, 4, 1, 2), "Action": (1, 0, 2, 2)}


def test_trend_of_a_first_quarter_leaves_later_quarters_blank() -> None:
    report = load_report(ROOT / "data/derbyshire/2025-26/q1")
    assert rows(report, "objectives") == {"Complete": (0, None, None, None),
                                          "Good": (19, None, None, None),
                                          "Review": (4, None, None, None),
                                          "Action": (1, None, None, None)}
    assert sum(c[0] for c in rows(report, "measures").values()) == 26
    assert trends.changes_sentence(report) == ""  # no Quarter 0 to compare with


def test_changes_both_ways(q4: Report) -> None:
    objective = {o.id: o for o in q4.objectives}
    measure = {m.id: m for m in q4.measures}
    assert trends.objective_change(objective["EX-01"]) == "improved"   # Review -> Good
    assert trends.objective_change(objective["EX-04"]) == "worsened"   # Review -> Action
    assert trends.objective_change(objective["EX-02"]) is None         # Action -> Action
    assert trends.measure_change(measure["delayed-discharges-rate"], q4) == "improved"
    assert trends.measure_change(measure["road-casualties-ksi"], q4) == "worsened"
    ksi = measure["road-casualties-ksi"]
    assert trends.was(q4, ksi.previous_rating, "worsened") == "was Review in Quarter 3"
    assert trends.changes_sentence(q4) == (
        "Since Quarter 3, 6 ratings have improved (2 Strategic Objectives and 4 measures) and "
        "4 ratings have worsened (2 Strategic Objectives and 2 measures).")


def measure(better: str, now: str, last_year: str) -> Measure:
    m = Measure("m", "M", "number", better, "quarterly", "Monthly", "SO-01")
    m.value = Quantity(Decimal(now), 0)
    m.history["2024-25"] = Quantity(Decimal(last_year), 0)
    return m


@pytest.mark.parametrize("better, now, before, word, arrow", [
    ("higher", "10", "8", "Improving", "arrow-up"),
    ("higher", "6", "8", "Worsening", "arrow-down"),
    ("lower", "10", "8", "Worsening", "arrow-up"),
    ("lower", "6", "8", "Improving", "arrow-down"),
    ("lower", "8", "8", "No change", "arrow-flat"),
])
def test_direction_of_travel_takes_polarity_into_account(q4: Report, better: str, now: str,
                                                          before: str, word: str,
                                                          arrow: str) -> None:
    found = trends.direction(measure(better, now, before), q4)
    assert (found.word, found.arrow, found.since) == (word, arrow, "2024-25")


def test_direction_of_travel_in_the_demo(q4: Report) -> None:
    by_id = {m.id: trends.direction(m, q4) for m in q4.measures}
    assert by_id["road-casualties-ksi"].word == "Worsening"          # 452 vs 420, lower better
    assert by_id["delayed-discharges-rate"].word == "Improving"      # 9.6 vs 10.1, lower better
    assert by_id["reablement-home-91-days"].word == "Worsening"      # 73.0% vs 78.1%


def test_action_items(q4: Report) -> None:
    assert [o.id for o in trends.action_objectives(q4)] == ["EX-02", "EX-04"]
    assert [m.id for m in trends.action_measures(q4)] == ["reablement-home-91-days",
                                                          "road-casualties-ksi"]


def test_trend_chart_alt_text_states_the_numbers_and_draws_the_same_bytes(q4: Report) -> None:
    chart = year_chart(q4, "objectives")
    assert charts.alt_text(chart) == (
        "Strategic Objectives by quarter: Jun 2025 6 Good, 2 Review; Sep 2025 5 Good, "
        "3 Review; Dec 2025 5 Good, 2 Review, 1 Action; Mar 2026 1 Complete, 4 Good, "
        "1 Review, 2 Action.")
    first = draw(chart)
    assert first.startswith(b"<?xml") and first == draw(chart)
