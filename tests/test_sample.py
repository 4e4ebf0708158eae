"""The bundled sample reproduces report 001: its summary and every printed measure rating."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import SAMPLE

from reportgen.commands.cli import main
from reportgen.pipeline import load_report

# Report 001's "Latest Performance against target" column, row by row, as printed.
PRINTED_RATINGS = {
    "Number of children living with Council foster carers": "Strong",
    "Percentage of Council run children's homes rated as 'Good' or 'Outstanding' by Ofsted":
        "Good",
    "Percentage of children returning home after a period of being in care - Planned move":
        "Strong",
    "Proportion of all new Education Health and Care plans issued within 20 weeks (including "
    "exceptions)": "Action",
    "Proportion of all new Education Health and Care plans issued within 20 weeks (excluding "
    "exceptions)": "Action",
    "Number of new people accessing support through a Direct Payment has increased": "Action",
    "Percentage of people approaching Adult Social Care who have been supported to retain their "
    "independence through early help and signposting": "Good",
    "Percentage of people following a safeguarding Section 42 enquiry say their outcome has been "
    "met or fully met": "Action",
    "Number of new people supported to achieve employment objectives via the Disability "
    "Employment Service": "Strong",
    "Number of people supported into paid employment through the Disability Employment Service":
        "Good",
    "Number of individuals completing Live Life Better Derbyshire Health and Wellbeing MOT":
        "Strong",
    "Number of people being supported by the Health and Wellbeing Coaches programme (rolling 12 "
    "months)": "Strong",
    "Total number of bus passengers carried on county supported bus services": "Strong",
    "Percentage of Highway Inspector (HIN) defects with an urgent response target remedied "
    "within target": "Good",
    "Percentage of Highway Inspector (HIN) defects with a 32 hour response target remedied "
    "within target": "Review",
    "Percentage of Highway Inspector (HIN) defects with a 9 day response target remedied within "
    "target": "Action",
    "Percentage of Highway Inspector (HIN) defects with a 28 day response target remedied within "
    "target": "Action",
    "Percentage of all LA collected Household waste actually recycled, reused or composted":
        "Action",
    "Percentage of all Household waste delivered to HWRCs that is recycled, reused or composted":
        "Review",
    "LA collected municipal waste sent to landfill as a percentage of total LA collected waste "
    "not sent for recycling reuse or composting": "Strong",
    "Percentage of Children's Social Work Assessments Completed within 45 working days": "Strong",
    "Percentage of Initial Child Protection Conferences held within 15 working days of a Section "
    "47 enquiry": "Good",
    "Percentage of children's social care reflective case review judgements rated as 'Good' or "
    "'Outstanding'": "Review",
    "Number of Adult Social Care carers accessing support services": "Strong",
    "Sickness Hours as a % of Working Hours Available": "Strong",
    "Amount of money raised from the disposal of land and buildings": "Strong",
}


@pytest.fixture(scope="module")
def exported() -> dict:
    result = CliRunner().invoke(main, ["export", str(SAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_every_printed_rating_of_001_is_computed(exported: dict) -> None:
    computed = {m["title"]: m["rating"] for m in exported["measures"]}
    assert len(PRINTED_RATINGS) == 26
    assert {title: computed[title] for title in PRINTED_RATINGS} == PRINTED_RATINGS


def test_measures_without_a_printed_rating_have_none(exported: dict) -> None:
    unrated = [m for m in exported["measures"] if m["title"] not in PRINTED_RATINGS]
    assert len(unrated) == 21 and all(m["rating"] is None for m in unrated)


def test_export_contract(exported: dict) -> None:
    assert (exported["council"], exported["plan"], exported["year"], exported["quarter"]) == (
        "Derbyshire County Council", "Council Plan 2025-29", "2025-26", 1)
    assert exported["summary"]["objectives"] == {
        "Complete": 0, "Good": 19, "Review": 4, "Action": 1, "Awaiting update": 0}
    assert exported["summary"]["measures"] == {"Strong": 11, "Good": 5, "Review": 3, "Action": 7}
    assert [o["id"] for o in exported["objectives"]] == [f"SO-{i:02d}" for i in range(1, 25)]
    assert set(exported["objectives"][0]) >= {"id", "title", "outcome", "progress"}
    assert set(exported["measures"][0]) >= {"id", "objective", "title", "value", "target",
                                            "rating"}
    land = next(m for m in exported["measures"] if m["id"] == "land-buildings-disposals")
    assert (land["value"], land["target"], land["rating"]) == (7722500, 6000000, "Strong")


def test_values_print_as_in_001() -> None:
    report = load_report(SAMPLE)
    printed = {m.id: m.text(m.value) for m in report.measures}
    assert printed["supported-bus-passengers"] == "761,454"
    assert printed["land-buildings-disposals"] == "£7,722,500"
    assert printed["sickness-hours"] == "4.42%"
    assert printed["childrens-homes-good-outstanding"] == "92.0%"
    assert printed["early-help-signposting"] == "84%"


def test_validate_on_the_sample_is_clean() -> None:
    result = CliRunner().invoke(main, ["validate", str(SAMPLE)])
    assert result.exit_code == 0 and "ok: 1 quarter checked" in result.output


def test_validate_reports_every_problem_and_exits_1(quarter) -> None:
    q = quarter({"a.yaml": "measures:\n  carers:\n    value: n/a\n    targt: 3\n"})
    result = CliRunner().invoke(main, ["validate", str(q)])
    assert result.exit_code == 1
    assert "a.yaml:3:12 measures.carers.value: 'n/a' is not a number" in result.output
    assert "a.yaml:4:5 measures.carers.targt: unknown field 'targt'; did you mean 'target'?" \
        in result.output
    assert "2 errors, 0 warnings" in result.output


def test_usage_errors_exit_2(tmp_path) -> None:
    result = CliRunner().invoke(main, ["export", str(tmp_path)])
    assert result.exit_code == 2 and "is not a quarter directory" in result.output


def test_schema_is_json_schema() -> None:
    result = CliRunner().invoke(main, ["schema"])
    schema = json.loads(result.output)
    assert schema["$schema"].endswith("2020-12/schema")
    update = schema["$defs"]["ObjectiveUpdate"]["properties"]["progress"]
    assert "Good" in json.dumps(update)
