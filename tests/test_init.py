"""`reportgen init`: a new council's data repository that validates and builds at once, and
the README's first steps (edit one file, validate, build) on it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from reportgen.commands.cli import main
from reportgen.commands.init import council_slug, plan_year

QUARTER = Path("data/testshire/2026-27/q1")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository made by init, as the working directory."""
    code, output = run("init", str(tmp_path / "council"), "--council", "Testshire County Council",
                       "--year", "2026-27")
    assert code == 0, output
    monkeypatch.chdir(tmp_path / "council")
    return tmp_path / "council"


def test_init_writes_a_repository_that_validates_and_builds(repo: Path) -> None:
    assert run("validate") == (0, "ok: 1 quarter checked\n")
    code, output = run("build", "-q")
    assert code == 0, output
    assert sorted(p.name for p in (repo / "output").iterdir()) == [
        "testshire-county-council-2026-27-q1.html", "testshire-county-council-2026-27-q1.pdf"]
    code, output = run("export")
    data = json.loads(output)
    assert (data["council"], data["year"], data["quarter"]) == (
        "Testshire County Council", "2026-27", 1)
    [measure] = data["measures"]
    assert (measure["value"], measure["target"], measure["rating"]) == (84.1, 90.0, "Review")


def test_init_writes_the_repository_tools(repo: Path) -> None:
    assert "output/" in (repo / ".gitignore").read_text().splitlines()
    hook = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text())
    assert hook["repos"][0]["hooks"][0]["entry"] == "reportgen validate"
    workflow = yaml.safe_load((repo / ".github/workflows/reportgen.yml").read_text())
    steps = " ".join(s.get("run", "") for s in workflow["jobs"]["report"]["steps"])
    assert "reportgen validate" in steps and "reportgen build" in steps
    assert json.loads((repo / "schema/reportgen.schema.json").read_text())["$defs"]
    assert (repo / ".vscode/settings.json").is_file()
    readme = (repo / "README.md").read_text()
    assert "# Testshire County Council" in readme and "reportgen validate" in readme
    plan = (repo / QUARTER.parent / "plan.yaml").read_text()
    assert plan.startswith("# yaml-language-server: $schema=../../../schema/reportgen.schema.json")


def test_editing_the_update_file_changes_the_report(repo: Path) -> None:
    """The README's loop: edit one file, validate, build."""
    update = repo / QUARTER / "corporate-services.yaml"
    update.write_text(update.read_text().replace('"84.1%"', '"95.5%"'))
    assert run("validate", str(update))[0] == 0
    assert json.loads(run("export")[1])["measures"][0]["rating"] == "Strong"
    update.write_text(update.read_text().replace("progress: Good", "progress: Reveiw"))
    code, output = run("validate", str(update))
    assert code == 1
    assert "corporate-services.yaml:5:15" in output and "'Reveiw' is not one of" in output


def test_init_pre_commit_hook_stops_a_bad_commit(repo: Path, cli_env: dict[str, str]) -> None:
    """The generated pre-commit config runs as written (the installed reportgen)."""
    def sh(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(args), cwd=repo, capture_output=True, text=True,
                              env=cli_env, timeout=120, check=False)

    assert sh("git", "init", "-q").returncode == 0
    assert sh("pre-commit", "install").returncode == 0
    sh("git", "add", "-A")
    good = sh("git", "commit", "-qm", "reportgen init")
    assert good.returncode == 0, good.stdout + good.stderr
    bad = repo / QUARTER / "corporate-services.yaml"
    bad.write_text(bad.read_text().replace('"84.1%"', "n/a"))
    sh("git", "add", "-A")
    done = sh("git", "commit", "-qm", "a bad figure")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "'n/a' is not a number" in done.stdout + done.stderr


def test_init_refuses_a_directory_with_anything_in_it(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    code, output = run("init", str(tmp_path), "--council", "Testshire County Council")
    assert code == 2 and "is not empty: init only writes into a new or empty" in output
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize(("args", "message"), [
    (["--year", "2026-28"], "--year '2026-28': write the plan year as YYYY-YY"),
    (["--year", "26-27"], "--year '26-27'"),
    (["--scheme", "traffic-lights"], "--scheme 'traffic-lights' is not a rating scheme"),
])
def test_init_refuses_bad_options(tmp_path: Path, args: list[str], message: str) -> None:
    code, output = run("init", str(tmp_path / "new"), "--council", "Testshire", *args)
    assert code == 2 and message in output
    assert not (tmp_path / "new").exists()


def test_init_with_another_scheme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, output = run("init", str(tmp_path), "--council", "Derby City Council",
                       "--scheme", "blue-green-amber-red")
    assert code == 0, output
    monkeypatch.chdir(tmp_path)
    assert json.loads(run("export")[1])["measures"][0]["rating"] == "Amber"
    assert (tmp_path / "data" / "derby").is_dir()


def test_plan_year_and_slug() -> None:
    import datetime

    assert plan_year(datetime.date(2026, 3, 31)) == "2025-26"
    assert plan_year(datetime.date(2026, 4, 1)) == "2026-27"
    assert plan_year(datetime.date(2099, 6, 1)) == "2099-00"
    assert council_slug("Royal Borough of Windsor and Maidenhead") == "royal-windsor-and-maidenhead"
    assert council_slug("Cyngor Sir Ynys Môn") == "cyngor-sir-ynys-m-n"
