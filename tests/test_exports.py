"""CSV and XLSX exports: the tables' columns, numbers as numbers, text never a formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from reportgen.commands.cli import main
from reportgen.compute.tables import measure_table, objective_table, to_csv, to_xlsx
from reportgen.pipeline import default_quarter, load_report


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return load_report(default_quarter())


def test_csv_to_stdout_is_the_measures_table() -> None:
    result = CliRunner().invoke(main, ["export", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    foster = next(r for r in rows if r["Measure id"] == "foster-carers")
    assert (foster["Latest"], foster["Target"], foster["Performance"], foster["Unit"]) == (
        "364", "343", "Strong", "count")
    assert (foster["2023-24"], foster["2024-25"]) == ("322", "346")


def test_csv_output_writes_both_tables(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--format", "csv", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    stem = tmp_path / "derbyshire-county-council-2025-26-q1"
    objectives = list(csv.DictReader(Path(f"{stem}-objectives.csv").open(encoding="utf-8")))
    assert len(objectives) == 24
    assert objectives[0]["No."] == "SO-01" and objectives[0]["Progress"] == "Good"
    assert Path(f"{stem}-measures.csv").read_text(encoding="utf-8").startswith("Outcome,")


def test_xlsx_round_trip_keeps_numbers_as_numbers(tmp_path: Path, report) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, ["export", "--format", "xlsx", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "derbyshire-county-council-2025-26-q1.xlsx")
    assert book.sheetnames == ["Objectives", "Measures"]
    sheet = book["Measures"]
    header = [c.value for c in sheet[1]]
    assert header == measure_table(report)[0]
    rows = {row[2]: dict(zip(header, row, strict=True))
            for row in sheet.iter_rows(min_row=2, values_only=True)}
    foster = rows["foster-carers"]
    assert foster["Latest"] == 364 and isinstance(foster["Latest"], int)
    homes = rows["childrens-homes-good-outstanding"]
    assert homes["Latest"] == 92 and homes["Unit"] == "percent"  # 92.0%, not 0.92
    row = next(r for r in sheet.iter_rows(min_row=2) if r[2].value == homes["Measure id"])
    assert row[header.index("Latest")].number_format == "#,##0.0"  # typed as 92.0
    bus = rows["supported-bus-passengers"]
    assert bus["Latest"] == 761454 and bus["Target"] == 650000
    formats = {c.column_letter: c.number_format for c in sheet[sheet.max_row]}
    assert "#,##0" in formats.values()
    assert len(list(book["Objectives"].iter_rows(min_row=2))) == 24


def test_text_that_looks_like_a_formula_stays_text(report) -> None:  # type: ignore[no-untyped-def]
    report.objectives[0].comment = '=HYPERLINK("http://evil.example","click")'
    report.objectives[1].comment = "- a Markdown list item"
    header, rows = objective_table(report)
    back = list(csv.reader(io.StringIO(to_csv(header, rows))))
    assert back[1][8] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert back[2][8] == "- a Markdown list item"  # a list is not a formula: left alone
    book = load_workbook(io.BytesIO(to_xlsx(report)))
    cell = book["Objectives"]["I2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


EXAMPLE_Q4 = Path(__file__).resolve().parents[1] / "data/exampleshire/2025-26/q4"


def test_csv_has_the_reports_change_and_direction_columns() -> None:
    """The columns the report prints beside a rating: change since last quarter (with the
    rating it was) and direction of travel against the same quarter last year."""
    result = CliRunner().invoke(main, ["export", str(EXAMPLE_Q4), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = {r["Measure id"]: r for r in csv.DictReader(io.StringIO(result.output))}
    ksi = rows["road-casualties-ksi"]
    assert (ksi["Performance"], ksi["Change since last quarter"],
            ksi["Performance last quarter"]) == ("Action", "worsened", "Review")
    assert ksi["Direction of travel (vs same quarter 2024-25)"] == "Worsening"
    assert rows["library-visits"]["Direction of travel (vs same quarter 2024-25)"] == "Improving"
    result = CliRunner().invoke(main, ["export", str(EXAMPLE_Q4), "--format", "csv",
                                       "--table", "objectives"])
    objectives = {r["No."]: r for r in csv.DictReader(io.StringIO(result.output))}
    assert (objectives["EX-01"]["Change since last quarter"],
            objectives["EX-01"]["Progress last quarter"]) == ("improved", "Review")


def test_csv_text_is_trimmed() -> None:
    """A YAML block comment ends with a newline: not a stray empty line in the cell."""
    report = load_report(default_quarter())  # not the shared one, which a test changes
    assert report.objectives[0].comment.endswith("\n")
    header, rows = objective_table(report)
    back = list(csv.reader(io.StringIO(to_csv(header, rows))))
    assert back[1][header.index("Comments")] == report.objectives[0].comment.strip()


def test_csv_files_are_named_for_the_quarter_and_excel_gets_a_bom(tmp_path: Path) -> None:
    """Two quarters exported into one folder keep both; --excel starts with a byte-order
    mark, so Excel shows £ rather than Â£."""
    for quarter in ("q3", "q4"):
        result = CliRunner().invoke(main, ["export", str(EXAMPLE_Q4.parent / quarter),
                                           "--format", "csv", "--excel", "-o", str(tmp_path)])
        assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"exampleshire-county-council-2025-26-{q}-{t}.csv"
                     for q in ("q3", "q4") for t in ("measures", "objectives")]
    data = (tmp_path / names[-1]).read_bytes()
    assert data.startswith(b"\xef\xbb\xbfOutcome,")
    plain = CliRunner().invoke(main, ["export", "--format", "csv"])
    assert not plain.output.startswith("\ufeff")
    refused = CliRunner().invoke(main, ["export", "--format", "json", "--excel"])
    assert refused.exit_code == 2 and "--excel is for --format csv" in refused.output
