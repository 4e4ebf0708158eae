"""The friendly command line: settings precedence, branding, help, version, completion,
python -m, and problems that quote their line of YAML."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ONE_OBJECTIVE_PLAN

from reportgen import __version__
from reportgen.commands.cli import main
from reportgen.commands.console import source_excerpt
from reportgen.core.errors import Problem, UsageError
from reportgen.data.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
PLAN = ONE_OBJECTIVE_PLAN
UPDATE = """\
objectives:
  SO-01:
    progress: Good
measures:
  foster-carers:
    value: 364
    target: 343
"""


@pytest.fixture
def council(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A council data directory with one small quarter, as the working directory."""
    q1 = tmp_path / "data" / "2025-26" / "q1"
    q1.mkdir(parents=True)
    (q1.parent / "plan.yaml").write_text(PLAN)
    (q1 / "report.yaml").write_text("quarter: 1\n")
    (q1 / "children.yaml").write_text(UPDATE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def export(*args: str) -> dict:
    result = CliRunner().invoke(main, ["export", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_defaults_without_any_settings_file(council: Path) -> None:
    settings = load_settings()
    assert settings.source is None and settings.output == Path("output")
    assert settings.quarter is None


def test_pyproject_table_is_read_and_reportgen_toml_wins(council: Path) -> None:
    (council / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.reportgen]\nquarter = "data/2025-26/q1"\n'
        'output = "from-pyproject"\n')
    settings = load_settings()
    assert settings.output == council / "from-pyproject"
    assert settings.quarter == council / "data/2025-26/q1"
    assert export()["council"] == "Testshire County Council"  # the quarter from settings
    (council / "reportgen.toml").write_text('output = "from-toml"\n')
    settings = load_settings()
    assert settings.output == council / "from-toml" and settings.quarter is None
    assert settings.source == council / "reportgen.toml"


def test_settings_change_the_report_and_options_win(council: Path) -> None:
    (council / "reportgen.toml").write_text(
        'quarter = "data/2025-26/q1"\nratings = "blue-green-amber-red"\n'
        '[branding]\ncouncil = "Testshire Council"\n')
    data = export()
    assert data["council"] == "Testshire Council"
    # 364 against 343 is 6.1% better: Strong in the plan's scheme, Green in this one.
    assert data["measures"][0]["rating"] == "Green"
    assert export(str(ROOT / "data/derbyshire/2025-26/q1"))["quarter"] == 1  # argument wins


def test_build_uses_output_branding_and_the_output_option(council: Path) -> None:
    logo = council / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    (council / "reportgen.toml").write_text(
        'quarter = "data/2025-26/q1"\noutput = "site"\n'
        '[branding]\nlogo = "logo.svg"\ncolour = "#123456"\n')
    run = CliRunner().invoke
    result = run(main, ["build", "--format", "html"])
    assert result.exit_code == 0, result.output
    html = (council / "site" / "testshire-county-council-2025-26-q1.html").read_text()
    assert ":root { --brand: #123456; }" in html
    assert "url(data:image/svg+xml;base64," in html
    result = run(main, ["-q", "build", "--format", "html", "--output", "elsewhere"])
    assert result.exit_code == 0 and result.output == ""  # --quiet: nothing but problems
    assert (council / "elsewhere" / "testshire-county-council-2025-26-q1.html").is_file()


def test_a_wrong_setting_is_a_usage_error_with_a_suggestion(council: Path) -> None:
    (council / "reportgen.toml").write_text('qaurter = "data/2025-26/q1"\n')
    result = CliRunner().invoke(main, ["export"])
    assert result.exit_code == 2
    assert "reportgen.toml: unknown setting 'qaurter'; did you mean 'quarter'?" in result.output
    (council / "reportgen.toml").write_text('ratings = "traffic-lights"\n')
    with pytest.raises(UsageError, match="'traffic-lights' is not a rating scheme"):
        load_settings()


def test_help_lists_the_commands_and_version() -> None:
    run = CliRunner().invoke
    result = run(main, ["--help"])
    assert result.exit_code == 0
    for command in ("build", "validate", "diff", "export", "schema", "--quiet", "--verbose"):
        assert command in result.output
    assert run(main, ["--version"]).output == f"reportgen, version {__version__}\n"
    assert "--rev A..B" in run(main, ["diff", "--help"]).output


def test_python_dash_m_and_bash_completion() -> None:
    done = subprocess.run([sys.executable, "-m", "reportgen", "--version"], capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == f"reportgen, version {__version__}"
    script = subprocess.run([sys.executable, "-m", "reportgen"], capture_output=True, text=True,
                            env={**os.environ, "_REPORTGEN_COMPLETE": "bash_source"})
    assert "_reportgen_completion" in script.stdout


def test_a_problem_quotes_its_line_with_a_caret(council: Path) -> None:
    (council / "data/2025-26/q1/children.yaml").write_text(UPDATE.replace("Good", "Grand"))
    result = CliRunner().invoke(main, ["validate", "data/2025-26/q1"])
    assert result.exit_code == 1
    assert result.output.splitlines()[:3] == [
        "error: data/2025-26/q1/children.yaml:3:15 objectives.SO-01.progress: 'Grand' is not "
        "one of: Complete, Good, Review or Action",
        "    3 |     progress: Grand",
        "      |               ^"]


def test_a_long_line_is_shown_around_its_column(tmp_path: Path) -> None:
    path = tmp_path / "long.yaml"
    path.write_text("comment: " + "word " * 100 + "BAD" + " tail" * 30 + "\n")
    column = path.read_text().index("BAD") + 1
    quoted, caret = source_excerpt(Problem(str(path), 1, column, "", "x"))
    assert quoted[quoted.index("|") + 2 + caret.index("^") - caret.index("|") - 2:].startswith(
        "BAD")
    assert len(quoted) < 120
