"""The bundled sample data/derbyshire/2024-25/q2 reproduces report 000 (Council Plan 2024-25,
Quarter 2) through its profile alone: checked against the figures the seed prints."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT
from pypdf import PdfReader

from reportgen.charts.report import report_charts
from reportgen.compute import layout, summary
from reportgen.compute.export import report_data
from reportgen.data.settings import Settings
from reportgen.pipeline import build, load_report, page

QUARTER = ROOT / "data" / "derbyshire" / "2024-25" / "q2"
# A copy of ../shared/seeds/000 (the published report as text), the figures to match.
SEED = ROOT / "tests" / "seeds" / "000_d3be8aa009330c0b.txt"
SEED_KINDS = {"Latest Measure Data": "latest-measures",
              "Measures With Data Updated Previous Quarter": "previous-quarter-measures",
              "Measures awaiting data": "awaiting-data"}
# The seed prints these two in its Latest Measure Data table though their data is "as at
# Jun-24", before Quarter 2: reportgen puts every such measure in the previous-quarter table.
AS_AT_JUNE_IN_LATEST = {"Percentage of care homes (65+) across Derbyshire outstanding or good",
                        "Percentage of care homes (18-64+) across Derbyshire outstanding or good"}


@pytest.fixture(scope="module")
def report():
    return load_report(QUARTER)


@pytest.fixture(scope="module")
def html(report) -> str:
    return page(report, report_charts(report), lambda c: "chart.png", Settings())


def seed_tables() -> dict[tuple[str, str], list[str]]:
    """Return the seed's measure tables: (outcome, table) -> measure titles in order."""
    tables: dict[tuple[str, str], list[str]] = {}
    where = None
    head = re.compile(r"^(.*?)\s*-\s*(" + "|".join(SEED_KINDS) + r")\s*$")
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if found := head.match(line.strip()):
            where = (found[1], SEED_KINDS[found[2]])
        elif " - Progress for Strategic Objectives" in line or "- Progress for" in line:
            where = None
        elif where and line.startswith("SO-"):
            tables.setdefault(where, []).append(line.split("\t")[1].strip())
    return tables


def seed_progress() -> dict[str, str]:
    """Return each objective's progress word as the seed's tables print it."""
    return {cells[0][2:]: cells[4] for line in SEED.read_text(encoding="utf-8").splitlines()
            if (cells := line.split("\t"))[0].startswith("> SO-")}


def test_objective_counts_follow_the_tables_not_the_seeds_own_sentence(report):
    counts = report_data(report)["summary"]["objectives"]
    # the tables hold 1 Complete, 18 Good, 11 Review, 3 Action; its sentence says 17 and 12
    assert counts == {"Complete": 1, "Good": 18, "Review": 11, "Action": 3,
                      "Awaiting update": 0}
    assert {o.id: o.progress.label for o in report.objectives} == seed_progress()


def test_summary_sentence_has_percentages_adding_up_to_100(report):
    sentence = summary.objectives_sentence(report)
    assert sentence == (
        "As at Quarter 2 progress against the 33 Strategic Objectives outlined in the 2024-25 "
        "Council Plan shows that 1 (3%) has been completed, 18 (55%) have good progress, "
        "11 (33%) require review and 3 (9%) require action.")
    assert sum(map(int, re.findall(r"\((\d+)%\)", sentence))) == 100
    assert summary.measures_sentence(report) == ""  # the profile leaves it out


def test_measures_are_in_the_seeds_tables(report):
    expected = seed_tables()
    for outcome in report.outcomes:
        for table in SEED_KINDS.values():
            got = [m.title for m in layout.measures_in(report, outcome, table)]
            want = expected.get((outcome.name, table), [])
            if table == "latest-measures":
                want = [t for t in want if t not in AS_AT_JUNE_IN_LATEST]
            if table == "previous-quarter-measures":
                got = [t for t in got if t not in AS_AT_JUNE_IN_LATEST]
            assert sorted(got) == sorted(want), (outcome.name, table)


def test_printed_measure_figures(html):
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    # a previous-quarter row, a latest row and an awaiting-data row, as the seed prints them
    assert "SO-08 Number of 6-8 week reviews" in text
    assert re.search(r"98% 98% 95% Good Jun 2024 Local Measure Quarterly", text)
    assert re.search(r"Total number of EV charging points installed within Derbyshire 274 325 "
                     r"379 650 Action Sep 2024 Not comparable Quarterly", text)
    assert re.search(r"Percentage reduction in CO2e from 2009-10 baseline 70.9% 70.8% "
                     r"Local Measure Annual", text)
    assert "£10,485,980 £6,000,000 Strong" in text


def test_sections_and_words_come_from_the_profile(html):
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Council Plan - Base Plan 2024-25" in text  # the cover title
    assert "Resilient, Thriving, and Green Communities - Progress for Strategic Objectives" in text
    assert "Happy, Safe, and Healthy People - Measures With Data Updated Previous Quarter" in text
    assert "A Strong, Diverse, and Clean Economy - Measures awaiting data" in text
    assert "Same quarter 2022-2023 (YTD)" in text and "2023-2024 Year End" in text
    assert "Latest data as at" in text and "2024-2025 Target" in text
    # what 000 does not have is left out, and an outcome with one name is not "X: X"
    for absent in ("Introduction and Achievements", "Trend over Time", "Items rated Action",
                   "Direction of travel", "Contents", "Happy, Safe, and Healthy People:"):
        assert absent not in text, absent
    assert html.index('id="overview"') < html.index('id="key"') < html.index('id="outcome-')


def test_builds_as_a_pdf_with_the_seeds_figures(tmp_path):
    pdf = next(p for p in build(QUARTER, tmp_path).outputs if p.suffix == ".pdf")
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(pdf).pages))
    assert "1 (3%) has been completed, 18 (55%) have good progress" in text
    assert "Measures With Data Updated Previous Quarter" in text
    assert "Introduction and Achievements" not in text
