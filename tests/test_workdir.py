"""Commands run where the data is (issue 17, kind 10): inside a quarter directory they find
the plan by walking up; with no quarter given inside a council's data, a command stops and
says so instead of quietly using the bundled sample."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from corpus import BASE

from reportgen.commands.cli import main

STEM = "testshire-county-council-2025-26-q1"


@pytest.fixture
def council(tmp_path: Path) -> Path:
    shutil.copytree(BASE, tmp_path / "testshire" / "2025-26")
    return tmp_path / "testshire"


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


def test_inside_a_quarter_directory(council: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(council / "2025-26" / "q1")
    for args in (["validate"], ["validate", "."], ["validate", "update.yaml"]):
        result = run(*args)
        assert (result.exit_code, result.output) == (0, "ok: 1 quarter checked\n"), args
    status = run("status")
    assert status.exit_code == 0
    assert status.output.startswith("Testshire County Council, Quarter 1 2025-26 (.)\n")
    built = run("build", ".", "--format", "html", "-o", "out")
    assert built.exit_code == 0, built.output
    assert (council / "2025-26" / "q1" / "out" / f"{STEM}.html").is_file()


def test_a_problem_found_from_inside_names_the_plan(council: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    plan = council / "2025-26" / "plan.yaml"
    plan.write_text(plan.read_text().replace("unit: count", "unit: counts"))
    monkeypatch.chdir(council / "2025-26" / "q1")
    result = run("validate")
    assert result.exit_code == 1
    assert "error: ../plan.yaml:16:19 outcomes[0].objectives[0].measures[0].unit:" in result.output


def test_a_year_directory_validates_its_quarters(council: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(council / "2025-26")
    result = run("validate")
    assert (result.exit_code, result.output) == (0, "ok: 1 quarter checked\n")


@pytest.mark.parametrize(("where", "example"), [("2025-26", "q1"), (".", "2025-26/q1")])
@pytest.mark.parametrize("command", ["build", "status", "export", "preview"])
def test_no_quarter_inside_data_is_never_the_sample(council: Path, where: str, example: str,
                                                   command: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(council / where)
    result = run(command)
    assert result.exit_code == 2
    assert (f"Error: no quarter given, and . is not a quarter directory: name one such as "
            f"{example}, or run the command inside it") in result.output
    assert "Derbyshire" not in result.output
