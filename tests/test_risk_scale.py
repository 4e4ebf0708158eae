"""The risk scale is the council's: the size of each axis, the words of each step and the
score bands with their names and colours; Derby City's 4x4 is the default. A 5x5 council's
risks are checked, scored, drawn, described and listed on its own scale."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import PLAN_HEAD, write_quarter

from reportgen.charts.report import report_charts
from reportgen.charts.spec import RiskMatrix, alt_text
from reportgen.core.errors import DataError
from reportgen.core.items import DERBY_SCALE
from reportgen.data.settings import Settings
from reportgen.pipeline import load_report, page

SCALE_5X5 = """\
layout: themes
risk_scale:
  impact: [Insignificant, Minor, Moderate, Major, Severe]
  likelihood: [Rare, Unlikely, Possible, Likely, Almost certain]
  bands:
    - {lowest: 15, name: Red, colour: "#d4351c"}
    - {lowest: 8, name: Amber, colour: "#f47738"}
    - {lowest: 4, name: Yellow, colour: "#ffdd00"}
    - {lowest: 1, name: Green, colour: "#00703c"}
"""
RISKS = """\
      - id: SO-01
        title: First objective
        expected_completion: "2027-04"
        owner: Place
    risks:
      - {id: SR1, title: Budget gap, owner: Finance, target_score: 8}
      - {id: SR2, title: Cyber attack, owner: Digital}
      - {id: SR3, title: Flooding, owner: Place}
      - {id: OP1, title: Devolution deal, owner: Place, kind: opportunity}
"""
PLAN_5X5 = PLAN_HEAD.replace("outcomes:", SCALE_5X5 + "outcomes:") + RISKS
UPDATE = """\
risks:
  SR1: {impact: 5, likelihood: 5}
  SR2: {impact: 4, likelihood: 3}
  SR3: {impact: 1, likelihood: 2}
  OP1: {impact: 3, likelihood: 5}
"""


def problems_of(tmp_path: Path, plan: str, update: str = UPDATE) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_report(write_quarter(tmp_path, {"a.yaml": update}, plan=plan))
    return [str(p) for p in caught.value.problems]


def test_a_5x5_council_scores_and_bands_its_risks(tmp_path: Path) -> None:
    report = load_report(write_quarter(tmp_path, {"a.yaml": UPDATE}, plan=PLAN_5X5))
    scale = report.items.scale
    assert scale is not None and scale.highest == 25
    assert scale.impact[-1] == "Severe" and scale.opportunity_likelihood[-1] == "Almost certain"
    scored = {r.id: (r.score, scale.level(r.score or 0)[0]) for r in report.items.risks}
    assert scored == {"SR1": (25, "Red"), "SR2": (12, "Amber"), "SR3": (2, "Green"),
                      "OP1": (15, "Red")}
    assert scale.level(4) == ("Yellow", "#ffdd00") and scale.level(7)[0] == "Yellow"


def test_the_matrix_and_its_alt_text_follow_the_5x5_scale(tmp_path: Path) -> None:
    report = load_report(write_quarter(tmp_path, {"a.yaml": UPDATE}, plan=PLAN_5X5))
    charts = report_charts(report)
    threats = charts["risks-threat"]
    assert isinstance(threats, RiskMatrix)
    assert len(threats.cells) == 25 and threats.likelihood[-1] == "Almost certain"
    corner = next(c for c in threats.cells if (c.impact, c.likelihood) == (5, 5))
    assert corner.risks == ("SR1",) and corner.colour == "#d4351c"
    text = alt_text(threats)
    assert "Severe impact, Almost certain likelihood (score 25): SR1" in text
    assert "Major impact, Possible likelihood (score 12): SR2" in text
    assert "Insignificant impact, Unlikely likelihood (score 2): SR3" in text
    assert "Moderate impact, Almost certain likelihood (score 15): OP1" in alt_text(
        charts["risks-opportunity"])


def test_the_register_and_key_print_the_5x5_scale(tmp_path: Path) -> None:
    report = load_report(write_quarter(tmp_path, {"a.yaml": UPDATE}, plan=PLAN_5X5))
    html = page(report, report_charts(report), lambda c: "c.png", Settings())
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index("<body"):]))
    assert "SR1 Budget gap" in text and "25 (Red)" in text and "12 (Amber)" in text
    assert "2 (Green)" in text
    for row in ("15 or more Red", "8 to 14 Amber", "4 to 7 Yellow", "1 to 3 Green"):
        assert row in text, row
    assert ("impact 1 Insignificant, 2 Minor, 3 Moderate, 4 Major, 5 Severe; likelihood 1 "
            "Rare, 2 Unlikely, 3 Possible, 4 Likely, 5 Almost certain") in text


def test_a_likelihood_of_5_on_the_4_point_default_names_file_line_and_range(
        tmp_path: Path) -> None:
    plan = PLAN_HEAD.replace("outcomes:", "layout: themes\noutcomes:") + RISKS
    said = problems_of(tmp_path, plan)
    assert any(re.search(r"a\.yaml:2\b", s) and "likelihood 5 is off the 4-point scale: "
               "write 1 (Remote) to 4 (Highly probable)" in s for s in said), said
    assert any(re.search(r"a\.yaml:2\b", s) and "impact 5 is off the 4-point scale: "
               "write 1 (Low) to 4 (Very high)" in s for s in said), said
    # an opportunity is checked against the opportunity words
    assert any(re.search(r"a\.yaml:5\b", s) and "likelihood 5 is off the 4-point scale: "
               "write 1 (Rare) to 4 (Highly probable)" in s for s in said), said
    assert not any("plan.yaml" in s for s in said)  # target 8 is on a 4x4 scale (16)
    assert DERBY_SCALE.highest == 16


def test_off_a_5x5_scale_names_the_5_point_range(tmp_path: Path) -> None:
    said = problems_of(tmp_path, PLAN_5X5, UPDATE.replace("likelihood: 5}", "likelihood: 6}",
                                                          1))
    assert any(re.search(r"a\.yaml:2\b", s) and "likelihood 6 is off the 5-point scale: "
               "write 1 (Rare) to 5 (Almost certain)" in s for s in said), said


def test_a_bad_scale_is_an_error_at_its_line(tmp_path: Path) -> None:
    plan = (PLAN_5X5.replace("lowest: 15", "lowest: 30").replace("lowest: 1,", "lowest: 2,")
            .replace("  bands:", "  opportunity_impact: [Low, High]\n  bands:")
            .replace("target_score: 8", "target_score: 26"))
    said = problems_of(tmp_path, plan)
    assert any(re.search(r"plan\.yaml:\d+", s) and "band 'Red' starts at 30, above the "
               "highest score 25 (5 x 5)" in s for s in said), said
    assert any("no band starts at 1, so scores 1 to 1 would have none" in s for s in said)
    assert any("opportunity_impact has 2 steps but impact has 5" in s for s in said), said
    assert any("target_score 26 is above the scale's highest score 25" in s for s in said)
    line = {s for s in said if "band 'Red'" in s}.pop()
    number = int(re.search(r"plan\.yaml:(\d+)", line).group(1))  # type: ignore[union-attr]
    assert "lowest: 30" in plan.splitlines()[number - 1]


def test_an_unknown_scale_name_says_what_there_is(tmp_path: Path) -> None:
    plan = PLAN_5X5.replace(SCALE_5X5, "layout: themes\nrisk_scale: 4X4\n")
    said = problems_of(tmp_path, plan, UPDATE.replace("5}", "4}"))
    assert any("'4X4' is not a risk scale" in s and "4x4" in s for s in said), said
