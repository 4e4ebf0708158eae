"""The Derby City sample (data/derby-city) against seed 004's printed figures: status counts
by theme for measures and milestones, 25 of 36, the 42 projects with their March and June
statuses, the risk scores; and the item kinds' loading, schemes and errors on small data."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import PLAN_HEAD, ROOT, write_quarter

from reportgen.charts.report import report_charts
from reportgen.charts.spec import alt_text
from reportgen.compute import items
from reportgen.core.errors import DataError
from reportgen.core.model import Report
from reportgen.pipeline import build, load_report

DERBY = ROOT / "data" / "derby-city" / "2023-24" / "q1"
THEMES = ("A City of Growth", "A Green City", "A Resilient City", "A Vibrant City",
          "Working smarter")

# Seed 004, "Assessment of progress (Quarter One)": per theme, in THEMES' order.
MEASURES = {"Blue": (3, 0, 10, 1, 2), "Green": (1, 2, 4, 2, 0), "Amber": (0, 0, 1, 1, 1),
            "Red": (1, 0, 6, 1, 0)}
MILESTONES = {"Completed": (0, 0, 0, 0, 0), "On track": (10, 0, 13, 3, 3),
              "Some slippage": (2, 1, 3, 0, 3), "Major slippage": (0, 0, 0, 0, 0)}

# Every project's June 2023 status, as the theme tables print it (42).
JUNE = {
    "NAMRC Midlands": "Green", "SmartParc": "Green", "Ascend": "Green",
    "Butterfly": "Green / Amber", "The Knoll": "Amber / Red", "Bateman Street": "Green / Amber",
    "Drewry Lane": "Amber / Red", "Warwick House": "Green / Amber",
    "Support Exempt Accommodation (SEA)": "Green",
    "South Derby Growth Zone (SDGZ) and Infinity Garden Village (IGV)": "Green / Amber",
    "Riverside Site": "Amber / Red", "Our City, Our River (OCOR)": "Green / Amber",
    "waste treatment facility": "Red",
    "Transforming Cities projects - Demand Responsive Transport service": "Amber",
    "Transforming Cities projects – Priority Corridors": "Green / Amber",
    "Transforming Cities projects - Strategic cycle link (Derby)": "Green",
    "Transforming Cities projects - City Centre - Mickleover cycle route": "Green / Amber",
    "Transforming Cities projects - Pentagon Island - Spondon (Nottingham Road) cycleway":
        "Green / Amber",
    "Transforming Cities projects - City Centre - Raynesway (A52) cycleway": "Green",
    "Transforming Cities projects - Public Realm work within the key areas of the city centre":
        "Amber",
    "Transforming Cities projects - park and ride": "N/A",
    "Allestree Rewilding": "Green / Amber", "Riverside Regeneration": "Amber / Red",
    "Football Hub": "Green", "Family Hubs": "Green",
    "SEND 'Living My Best Life' Capital Programme": "Green",
    "High Needs Transformation Programme": "Green / Amber",
    "Demand and Insight programme": "Green",
    "Liberty Protection Safeguards (LPS) Implementation": "N/A",
    "Adult Social Care (Assurance & Inspection framework)": "N/A", "City Centre Plan": "N/A",
    "Assets Rationalisation Programme": "Green / Amber", "Market Hall": "Green / Amber",
    "Castleward": "Amber / Red", "Project Assemble": "Red", "Becketwell Arena": "Green / Amber",
    "City of Culture": "Green", "Financial System Replacement": "Green",
    "Contract Management": "N/A", "Insight Led Council": "Green / Amber",
    "Commercialism": "Green", "Digital, Efficiency and Innovation Programme": "Green",
}
# Seed 004's "Project / March 2023 / June 2023" table: the changes and the new projects.
CHANGED = {
    "Transforming Cities projects - Demand Responsive Transport service": ("Red", "Amber"),
    "Our City, Our River (OCOR)": ("Green", "Green / Amber"),
    "Bateman Street": ("NEW", "Green / Amber"), "Drewry Lane": ("NEW", "Amber / Red"),
    "Warwick House": ("NEW", "Green / Amber"),
    "Support Exempt Accommodation (SEA)": ("NEW", "Green"),
    "City Centre Plan": ("Red", "N/A"),
    "Assets Rationalisation Programme": ("NEW", "Green / Amber"),
    "Family Hubs": ("NEW", "Green"),
    "High Needs Transformation Programme": ("NEW", "Green / Amber"),
    "Liberty Protection Safeguards (LPS) Implementation": ("Amber / Red", "N/A"),
    "Adult Social Care (Assurance & Inspection framework)": ("Green / Amber", "N/A"),
    "Digital, Efficiency and Innovation Programme": ("NEW", "Green"),
    "Financial System Replacement": ("Green / Amber", "Green"),
    "Contract Management": ("Green / Amber", "N/A"),
}
# The risk scores the theme tables print ("Risk score 12"); SR14 is closed.
RISKS = {"SR39_CP19": 12, "SR30_PS24": 8, "SR28_PS22": 12, "SR26_CP15": 4, "SR40-PS28": 12,
         "SR16_CR17": 16, "SR15_CR16": 16, "SR7_CR6": 6, "SR6_CR19": 9, "SR3_CR3": 16,
         "SR8_CR7": 12, "SR35_CR35": 12, "SR21_CR22": 9, "SR37_CR12": 8, "SR38_CR38": 9}
# "This measure was reported as '...' in quarter four": eleven measures' Q4 2022-23 status.
WAS = {"Number of businesses supported": "Blue", "Number of dwellings and shared": "Green",
       "Number of cases completed by the Handyperson": "Green",
       "Number of households assisted through the Healthy": "Green",
       "Number of Disabled Facilities Grant": "Blue",
       "Number of private sector empty homes": "Amber",
       "Percentage of cases open to youth offending": "Amber",
       "Adults with learning disabilities living": "Green",
       "Total number of active approved fostering": "Amber",
       "Percentage of children placed within Derby City residential": "Green",
       "Percentage of online services": "Amber"}


@pytest.fixture(scope="module")
def derby() -> Report:
    return load_report(DERBY)


def table_dict(table: items.CrossTable) -> dict[str, tuple[int, ...]]:
    return {row.label: row.counts for row in table.rows}


def test_measures_by_status_and_theme_are_the_seeds(derby: Report) -> None:
    table = items.measures_table(derby)
    assert table.groups == THEMES and table_dict(table) == MEASURES
    assert [r.total for r in table.rows] == [16, 9, 3, 8] and table.total == 36
    sentences = items.measures_sentences(derby)
    assert "69.4% of performance measures with a quarterly target had met or exceeded them " \
           "(25 out of 36)" in sentences[0]
    assert sentences[1] == "Eight measures have not been reported this quarter."


def test_milestones_by_status_and_theme_are_the_seeds(derby: Report) -> None:
    table = items.status_table(derby, "milestones")
    assert table.groups == THEMES and table_dict(table) == MILESTONES and table.total == 38
    said = items.milestone_sentences(derby)
    assert "76.3% of priority milestones were assessed as ‘on track’ (29 out of 38)" in said[0]
    assert "There are no milestones reported with a status of ‘major slippage’." in said
    assert said[-1].startswith("Five milestones relating to A Resilient City have an improved "
                               "status from ‘some slippage’ in Quarter 4 2022-23 to ‘on "
                               "track’")
    # "Retained" (Purple Flag) is shown but not counted, as the seed's 38 leaves it out
    assert [m.status.label for m in derby.items.milestones if m.status].count("Retained") == 1


def test_the_42_projects_with_their_march_and_june_statuses(derby: Report) -> None:
    projects = derby.items.projects
    assert {p.title: p.status.label for p in projects if p.status} == JUNE
    changes = {c.item.title: (c.before, c.now) for _, group in items.project_changes(derby)
               for c in group}
    assert changes == CHANGED
    unchanged = [p for p in projects if p.title not in CHANGED]
    assert all(p.previous == p.status for p in unchanged)
    said = items.project_sentences(derby)
    assert said[:2] == ["At the end of June 2023, there were a total of 42 priority projects.",
                        "67% of priority projects were assessed as either ‘green’ or "
                        "‘green / amber’."]
    assert said[2] == ("There were seven projects where the status changed from that reported "
                       "at Quarter 4 2022-23; two improved, one worsened and four were closed "
                       "(N/A).")
    assert said[3] == ("Eight priority projects have been included in reporting for the first "
                       "time this quarter.")


def test_risk_scores_changes_and_the_matrix(derby: Report) -> None:
    risks = {r.id: r for r in derby.items.risks}
    assert {i: r.score for i, r in risks.items() if not r.closed} == RISKS
    assert risks["SR14"].closed and risks["SR14"].change == "closed"
    assert items.risk_sentences(derby)[0] == ("At the end of June 2023, there were 15 "
                                              "strategic risks.")
    assert items.risk_change_text(risks["SR30_PS24"]) == "Decreased from 12 to 8"
    assert items.risk_change_text(risks["SR26_CP15"]) == "Decreased from 6 to 4"
    assert {i for i, r in risks.items() if r.change == "new"} == {"SR38_CR38", "SR39_CP19",
                                                                    "SR40-PS28"}
    matrix = report_charts(derby)["risks-threat"]
    text = alt_text(matrix)
    assert "15 placed" in text and all(ident in text for ident in RISKS)
    assert "SR14" not in text  # closed
    assert "Very high impact, Highly probable likelihood (score 16): SR16_CR17, SR15_CR16, " \
           "SR3_CR3" in text


def test_measures_compare_with_last_years_quarter_four(derby: Report) -> None:
    was = {m.title: m.previous_rating.label for m in derby.measures if m.previous_rating}
    found = {start: label for start, label in WAS.items()
             for title, seen in was.items() if title.startswith(start) and seen == label}
    assert found == WAS and len(was) == len(WAS)
    m = next(m for m in derby.measures if m.title.startswith("Number of dwellings and shared"))
    assert m.rating is not None and m.rating.label == "Blue"
    assert items.was_sentence(derby, m.previous_rating.label if m.previous_rating else None,
                              "measure") == ("This measure was reported as ‘green’ in Quarter "
                                             "4 2022-23.")


def test_the_pdf_says_the_seeds_figures(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "derby-city", data / "derby-city")
    result = build(data / "derby-city" / "2023-24" / "q1", tmp_path / "out", formats=("pdf",))
    assert result.warnings == []
    text = subprocess.run(["pdftotext", str(result.outputs[0]), "-"],  # noqa: S603,S607
                          capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for said in ("69.4% of performance measures with a quarterly target had met or exceeded "
                 "them (25 out of 36)", "(29 out of 38)", "there were a total of 42 priority "
                 "projects", "there were 15 strategic risks", "Decreased from 12 to 8",
                 "This measure was reported as ‘green’ in Quarter 4 2022-23",
                 "Priority project added for reporting for the first time in Quarter 1 2023-24",
                 "Risk score 16", "Strategic risk register"):
        assert said in flat, said
    # a theme's heading row in the changed-projects table never ends a page: the last line
    # above each page's footer is never one of the table's group headings
    groups = {"Growth", "Green", "Resilient", "Vibrant", "Working smarter"}
    for page in text.split("\f")[:-1]:
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        above_footer = lines[lines.index("Performance Report Quarter 1 2023 to 2024") - 1]
        assert above_footer not in groups, page


# ---- the item kinds on small data -----------------------------------------------------

ITEMS_PLAN = PLAN_HEAD + """\
      - id: SO-01
        title: First objective
        expected_completion: "2027-04"
        owner: Place
    milestones:
      - {id: M-1, title: Open the hub, owner: Place}
    projects:
      - {id: hub, title: The hub, owner: Place, stage: Delivery}
      - {id: bridge, title: The bridge, owner: Highways}
    risks:
      - {id: SR1_CR1, title: Budget, owner: Finance, target_score: 6}
"""


def quarters(tmp_path: Path, now: str, before: str | None) -> Path:
    quarter = write_quarter(tmp_path, {"a.yaml": now}, plan=ITEMS_PLAN)
    if before is not None:
        last = quarter.parent.parent / "2024-25" / "q4"
        last.mkdir(parents=True)
        (last / "report.yaml").write_text("quarter: 4\n", encoding="utf-8")
        (last / "a.yaml").write_text(before, encoding="utf-8")
    return quarter


NOW = """\
milestones:
  M-1: {status: On track}
projects:
  hub: {status: Green / Amber}
  bridge: {status: n/a, closed: Funding withdrawn}
risks:
  SR1_CR1: {impact: 3, likelihood: 2}
"""


def test_quarter_one_reads_last_years_quarter_four(tmp_path: Path) -> None:
    before = ("milestones:\n  M-1: {status: Some slippage}\nprojects:\n  bridge: {status: Red}\n"
              "risks:\n  SR1_CR1: {impact: 4, likelihood: 3}\n")
    report = load_report(quarters(tmp_path, NOW, before))
    assert report.items.before_label == "Quarter 4 2024-25"
    milestone, (hub, bridge), risk = (report.items.milestones[0], report.items.projects,
                                      report.items.risks[0])
    assert milestone.previous is not None and milestone.previous.label == "Some slippage"
    assert items.item_note(report, milestone, "milestone") == (
        "This milestone was reported as ‘some slippage’ in Quarter 4 2024-25.")
    assert hub.previous is None and items.item_note(report, hub, "project").startswith(
        "Priority project added for reporting")
    assert bridge.status is not None and bridge.status.label == "N/A"  # "n/a" as typed
    assert items.item_note(report, bridge, "project") == (
        "The status of this project has changed from ‘red’ in Quarter 4 2024-25 to ‘n/a’ "
        "(Funding withdrawn).")
    assert (risk.score, risk.previous_score, risk.change) == (6, 12, "decreased")


def test_without_a_quarter_before_nothing_is_new_or_changed(tmp_path: Path) -> None:
    report = load_report(quarters(tmp_path, NOW, None))
    assert report.items.before_label == "" and items.project_changes(report) == []
    assert report.items.risks[0].change is None


def test_bad_statuses_and_scores_name_file_and_line(tmp_path: Path) -> None:
    bad = NOW.replace("On track", "On trak").replace("impact: 3", "impact: 7").replace(
        "hub: {status: Green / Amber}", "hub: {status: Green / Amber}\n  pier: {status: Red}")
    with pytest.raises(DataError) as caught:
        load_report(quarters(tmp_path, bad, None))
    said = [str(p) for p in caught.value.problems]
    assert any("a.yaml:2" in s and "'On trak' is not a status of Council Plan milestones" in s
               and "did you mean 'On track'" in s for s in said), said
    assert any("a.yaml:5" in s and "'pier' is not a project in plan.yaml" in s for s in said)
    assert any("impact 7 is off the 4-point scale: write 1 (Low) to 4 (Very high)" in s
               for s in said), said


def test_a_plan_can_name_its_own_project_statuses(tmp_path: Path) -> None:
    plan = ITEMS_PLAN.replace("outcomes:", """\
item_statuses:
  projects:
    name: Delivery confidence
    statuses:
      - {label: High, colour: "#00703c", met: true}
      - {label: Low, colour: "#d4351c"}
outcomes:""")
    quarter = write_quarter(tmp_path, {"a.yaml": NOW.replace("Green / Amber", "Low").replace(
        "n/a, closed: Funding withdrawn", "High")}, plan=plan)
    report = load_report(quarter)
    table = items.status_table(report, "projects")
    assert table_dict(table) == {"High": (1,), "Low": (1,)}
    assert items.project_sentences(report)[1] == ("50% of priority projects were assessed as "
                                                  "either ‘high’.")


# ---- export, diff and status cover the item kinds --------------------------------------

def run(*args: str) -> tuple[int, str]:
    from click.testing import CliRunner

    from reportgen.commands.cli import main
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_export_has_rows_for_milestones_projects_and_risks(tmp_path: Path) -> None:
    import json

    code, out = run("export", str(DERBY))
    data = json.loads(out)
    assert code == 0 and data["before"] == "Quarter 4 2022-23"
    assert len(data["projects"]) == 42 and len(data["milestones"]) == 39
    ocor = next(p for p in data["projects"] if p["id"] == "city-river-ocor")
    assert (ocor["status_before"], ocor["status"], ocor["change"]) == ("Green",
                                                                        "Green / Amber",
                                                                        "worsened")
    sr30 = next(r for r in data["risks"] if r["id"] == "SR30_PS24")
    assert (sr30["score_before"], sr30["score"], sr30["change"]) == (12, 8, "decreased")
    code, out = run("export", str(DERBY), "--format", "csv", "--table", "projects")
    assert out.splitlines()[0].startswith("Theme,Project id,Project,Owner,Stage,Status,"
                                          "Status Quarter 4 2022-23")
    assert "Growth,bateman-street,Bateman Street,Growth theme,,Green / Amber,NEW," in out
    code, _ = run("export", str(DERBY), "--format", "csv", "-o", str(tmp_path))
    assert sorted(p.name.rsplit("-", 1)[1] for p in tmp_path.glob("*.csv")) == [
        "measures.csv", "milestones.csv", "objectives.csv", "projects.csv", "risks.csv"]
    from openpyxl import load_workbook

    run("export", str(DERBY), "--format", "xlsx", "-o", str(tmp_path))
    book = load_workbook(next(tmp_path.glob("*.xlsx")))
    assert book.sheetnames == ["Objectives", "Measures", "Milestones", "Projects", "Risks"]
    register = {row[1]: row for row in book["Risks"].iter_rows(min_row=2, values_only=True)}
    assert {ident: register[ident][7] for ident in RISKS} == RISKS  # the Score column


def test_diff_and_status_show_projects_and_risks(tmp_path: Path) -> None:
    copy = tmp_path / "derby-city"
    shutil.copytree(ROOT / "data" / "derby-city", copy)
    quarter = copy / "2023-24" / "q1"
    growth, smarter = quarter / "growth.yaml", quarter / "smarter.yaml"
    growth.write_text(growth.read_text(encoding="utf-8").replace(
        '  smartparc:\n    status: "Green"\n', "  smartparc:\n    status: Amber / Red\n"),
        encoding="utf-8")
    smarter.write_text(smarter.read_text(encoding="utf-8").replace(
        "  SR7_CR6:\n    impact: 3\n    likelihood: 2\n", "  SR7_CR6: {}\n"), encoding="utf-8")
    code, out = run("diff", str(DERBY), str(quarter))
    assert "smartparc SmartParc: status Green -> Amber / Red" in out
    assert "SR7_CR6 Effective contract management: score 6 -> no score" in out
    code, out = run("status", str(quarter))
    assert code == 1
    assert "Awaiting update: 0 of 5 objectives, 0 of 85 measures, 0 of 39 milestones, 0 of " \
           "42 projects, 1 of 16 risks." in out
    assert "Working smarter theme: 0 objectives, 0 measures, 1 risk\n  risk      SR7_CR6: " \
           "Effective contract management" in out


def test_the_objectives_layout_shows_items_too(tmp_path: Path) -> None:
    before = "projects:\n  bridge: {status: Red}\nrisks:\n  SR1_CR1: {impact: 4, likelihood: 3}\n"
    quarter = quarters(tmp_path, NOW, before)
    result = build(quarter, tmp_path / "out", formats=("html",))
    html = result.outputs[0].read_text(encoding="utf-8")
    for said in ('<a href="#summary-projects">Priority projects</a>',
                 "People: Milestones, projects and risks", "Open the hub",
                 "were a total of 2 priority projects", "Decreased from 12 to 6",
                 "There was one project where the status changed from that reported at Quarter "
                 "4 2024-25; one was closed (N/A).",
                 "Strategic risks: threats, 1 placed by impact and likelihood"):
        assert said in html, said


def test_cross_tables_by_owner_when_the_plan_asks(tmp_path: Path) -> None:
    plan = ITEMS_PLAN.replace("outcomes:", "cross_tables: [theme, owner]\noutcomes:")
    quarter = write_quarter(tmp_path, {"a.yaml": NOW}, plan=plan)
    report = load_report(quarter)
    table = items.status_table(report, "projects", "owner")
    assert table.groups == ("Place", "Highways") and table_dict(table)["Green / Amber"] == (1, 0)
    html = build(quarter, tmp_path / "out", formats=("html",)).outputs[0].read_text("utf-8")
    assert "Priority projects by status (June 2025) and owner" in html


def test_new_quarter_carries_open_items_and_closed_ones_stay_closed(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "data" / "derby-city", tmp_path / "derby-city")
    q1, q2 = (tmp_path / "derby-city" / "2023-24" / q for q in ("q1", "q2"))
    code, _ = run("new-quarter", str(q1), str(q2))
    assert code == 0
    vibrant = (q2 / "vibrant.yaml").read_text(encoding="utf-8")
    assert "  market-hall:\n    status:  # to fill" in vibrant
    assert "city-centre-plan" not in vibrant  # closed in Q1: not reported again
    report = load_report(q2)
    plan = next(p for p in report.items.projects if p.id == "city-centre-plan")
    assert plan.status is not None and plan.status.label == "N/A"
    assert next(r for r in report.items.risks if r.id == "SR14").closed == (
        "closed in Quarter 1 2023-24")
    code, out = run("status", str(q2))
    assert "37 of 42 projects, 15 of 16 risks." in out
