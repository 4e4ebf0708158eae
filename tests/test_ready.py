"""`build --strict` means ready to publish, and nothing changes meaning on the way: new-quarter
carries words such as NULL and yes over exactly, and any text the data accepts survives the
CSV and XLSX exports (issue 17, kinds 6 and 7)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from reportgen.commands.cli import main
from reportgen.compute.tables import objective_table, to_csv, to_xlsx
from reportgen.pipeline import load_report


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


def test_strict_fails_on_a_new_quarter_with_every_reason(year: Path) -> None:
    assert run("new-quarter", "q1", "q2").exit_code == 0
    result = run("build", "q2", "--strict", "--format", "html", "-o", "out")
    assert result.exit_code == 1
    shown = [line for line in result.output.splitlines() if line.startswith("error: ")]
    placeholder = ("a '[To fill: ...]' placeholder left by new-quarter: replace it with the "
                   "quarter's text")
    measure = "awaits an update: give its value, or no_data: the reason"
    assert shown == [
        f"error: q2/report.yaml:6:3 {placeholder}",
        f"error: q2/report.yaml:8:3 {placeholder}",
        f"error: q2/report.yaml:11:8 {placeholder}",
        "error: q2/update.yaml:5:1 objectives.SO-01: awaits an update (Children's Services): "
        "give its progress and comment",
        "error: q2/update.yaml:8:1 objectives.SO-02: awaits an update (Place): give its "
        "progress and comment",
        f"error: q2/update.yaml:12:1 measures.foster-carers: {measure}",
        f"error: q2/update.yaml:15:1 measures.homes-good: {measure}",
        f"error: q2/update.yaml:18:1 measures.road-spend: {measure}",
    ]
    assert not (year / "out").exists()
    # without --strict the same quarter builds: a draft is allowed to be unfinished
    assert run("build", "q2", "--format", "html", "-o", "out").exit_code == 0


def test_validate_strict_fails_where_build_strict_would(year: Path) -> None:
    """A reviewer running `validate --strict` learns every reason build --strict would give."""
    assert run("new-quarter", "q1", "q2").exit_code == 0
    built = run("build", "q2", "--strict", "--format", "html", "-o", "out")
    checked = run("validate", "--strict", "q2")
    assert checked.exit_code == built.exit_code == 1
    errors = [line for line in checked.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 8
    assert errors == [line for line in built.output.splitlines() if line.startswith("error: ")]
    # without --strict an unfinished quarter is valid: services are still filling it in
    assert run("validate", "q2").exit_code == 0


def test_strict_fails_on_review_or_action_without_a_comment(year: Path) -> None:
    update = year / "q1" / "update.yaml"
    update.write_text(update.read_text().replace("    comment: Some delays.\n", ""))
    result = run("build", "q1", "--strict", "--format", "html", "-o", "out")
    assert result.exit_code == 1
    assert ("error: q1/update.yaml:5 objectives.SO-02: is rated Review with no comment: say "
            "why, and what is being done about it") in result.output.replace(":5:1 ", ":5 ")


def test_strict_fails_on_a_data_warning_at_its_line(year: Path) -> None:
    update = year / "q1" / "update.yaml"
    update.write_text(update.read_text().replace("value: 85.0", "value: 0.85"))
    result = run("build", "q1", "--strict", "--format", "html", "-o", "out")
    assert result.exit_code == 1
    assert ("error: q1/update.yaml:15:12 measures.homes-good.value: --strict: value 0.85 is "
            "under 1% while the target is 80.0%: if it means 85%, write 85") in result.output


def test_strict_passes_a_finished_quarter(year: Path) -> None:
    result = run("build", "q1", "--strict", "--format", "html", "-o", "out")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("word", ["NULL", "~", "yes", "No", "off", "true", "null"])
def test_new_quarter_carries_yaml_words_over_exactly(year: Path, word: str) -> None:
    update = year / "q1" / "update.yaml"
    update.write_text(update.read_text().replace(
        "    target: 350\n", f"    target: 350\n    benchmark_group: \"{word}\"\n"))
    assert load_report(Path("q1")).measures[0].benchmark_group == word
    assert run("new-quarter", "q1", "q2").exit_code == 0
    assert load_report(Path("q2")).measures[0].benchmark_group == word


TEXTS = ["line one\rline two", "=HYPERLINK(\"http://x\")", "tab\there", "emoji 👍🏽 and ü",
         "-2 below", "a\nb\n\nc", "\"quoted\", with comma", "x" * 20_000]


def test_any_accepted_text_survives_csv_and_xlsx(year: Path) -> None:
    """A comment as YAML accepts it (a CR only through a quoted escape, which the reader
    refuses: so it is tested here on the tables directly) keeps one row per objective."""
    report = load_report(Path("q1"))
    header, rows = objective_table(report)
    comment = header.index("Comments")
    for text in TEXTS:
        report.objectives[0].comment = text
        _, rows = objective_table(report)
        parsed = list(csv.reader(io.StringIO(to_csv(header, rows), newline="")))
        assert len(parsed) == 1 + len(report.objectives)
        assert parsed[1][comment].lstrip("'") == text
        book = load_workbook(io.BytesIO(to_xlsx(report)))
        assert book["Objectives"].cell(row=2, column=comment + 1).value == text
