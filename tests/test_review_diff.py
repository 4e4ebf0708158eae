"""The review diff: each kind of change on crafted pairs, and a quarter at two git revisions."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ONE_OBJECTIVE_PLAN

from reportgen.commands.cli import main
from reportgen.compute.diff import compare, word_diff
from reportgen.core.errors import UsageError
from reportgen.data.git import parse_revs
from reportgen.pipeline import load_report

PLAN = ONE_OBJECTIVE_PLAN + "{extra}"
EXTRA = """\
      - id: SO-02
        title: Fix the roads
        expected_completion: "2026-03"
        owner: Place
        measures:
          - id: potholes
            title: Potholes fixed in time
            unit: percent
            better: higher
            frequency: Quarterly
"""
UPDATE = """\
objectives:
  SO-01:
    progress: {progress}
    comment: {comment}
measures:
  foster-carers:
    value: {value}
    target: {target}
"""
BASE = {"progress": "Good", "comment": "The strategy is drafted and agreed.",
        "value": "364", "target": "343", "extra": ""}


def quarter(root: Path, **changes: str) -> Path:
    """Write a one-service quarter under `root`, with BASE's fields changed as given."""
    fields = {**BASE, **changes}
    year = root / "2025-26"
    (year / "q1").mkdir(parents=True, exist_ok=True)
    (year / "plan.yaml").write_text(PLAN.format(extra=fields["extra"]))
    (year / "q1" / "report.yaml").write_text("quarter: 1\n")
    (year / "q1" / "children.yaml").write_text(UPDATE.format(**fields))
    return year / "q1"


def changes_between(tmp_path: Path, **changed: str) -> list[tuple[str, str, str, str | None,
                                                                    str | None]]:
    old = load_report(quarter(tmp_path / "old"))
    new = load_report(quarter(tmp_path / "new", **changed))
    return [(c.section, c.id, c.field, c.old, c.new) for c in compare(old, new)]


def test_an_unchanged_quarter_has_no_changes(tmp_path: Path) -> None:
    assert changes_between(tmp_path) == []


def test_objective_progress_is_a_rating_change(tmp_path: Path) -> None:
    assert changes_between(tmp_path, progress="Action") == [
        ("rating", "SO-01", "progress", "Good", "Action")]


def test_a_value_that_moves_the_computed_rating_shows_both(tmp_path: Path) -> None:
    # 364 against 343 is 6.1% better: Strong. 340 is 0.9% worse: Good.
    assert changes_between(tmp_path, value="340") == [
        ("rating", "foster-carers", "rating", "Strong", "Good"),
        ("number", "foster-carers", "value", "364", "340")]


def test_a_target_change_is_listed_and_numbers_compare_as_printed(tmp_path: Path) -> None:
    assert changes_between(tmp_path, target='"2,000"') == [
        ("rating", "foster-carers", "rating", "Strong", "Action"),
        ("number", "foster-carers", "target", "343", "2,000")]
    assert changes_between(tmp_path, target='"343"') == []  # same number typed differently


def test_a_comment_change_is_a_word_diff(tmp_path: Path) -> None:
    found = compare(load_report(quarter(tmp_path / "old")),
                    load_report(quarter(tmp_path / "new",
                                         comment="The strategy is finished and agreed.")))
    assert [(c.section, c.id, c.field) for c in found] == [("text", "SO-01", "comment")]
    assert found[0].words == [("=", "The strategy is"), ("-", "drafted"), ("+", "finished"),
                              ("=", "and agreed.")]


def test_reflowed_comment_is_not_a_change() -> None:
    assert word_diff("a b", "a  b") == [("=", "a b")]


def test_items_added_and_removed(tmp_path: Path) -> None:
    assert changes_between(tmp_path, extra=EXTRA) == [
        ("added", "SO-02", "objective", None, None),
        ("added", "potholes", "measure", None, None)]
    old = load_report(quarter(tmp_path / "a", extra=EXTRA))
    new = load_report(quarter(tmp_path / "b"))
    assert [(c.section, c.item, c.id) for c in compare(old, new)] == [
        ("removed", "objective", "SO-02"), ("removed", "measure", "potholes")]


def test_cli_text_markdown_and_json(tmp_path: Path) -> None:
    old = quarter(tmp_path / "old")
    new = quarter(tmp_path / "new", progress="Review", value="340",
                  comment="The strategy is | finished *now*.")
    run = CliRunner().invoke
    text = run(main, ["diff", str(old), str(new)])
    assert text.exit_code == 0, text.output
    assert "SO-01 Keep children safe: progress Good -> Review" in text.output
    assert "foster-carers Children with foster carers: value 364 -> 340" in text.output
    assert "The strategy is [-drafted and agreed.-] {+| finished *now*.+}" in text.output
    markdown = run(main, ["diff", str(old), str(new), "--format", "markdown"])
    assert "| SO-01 Keep children safe | progress | Good | **Review** |" in markdown.output
    assert "<ins>\\| finished \\*now\\*.</ins>" in markdown.output  # user text escaped
    data = json.loads(run(main, ["diff", str(old), str(new), "--format", "json"]).output)
    assert data["counts"] == {"rating": 2, "number": 1, "text": 1, "added": 0, "removed": 0}


def test_parse_revs() -> None:
    assert parse_revs("main..HEAD") == ("main", "HEAD")
    assert parse_revs("main..") == ("main", "HEAD")
    assert parse_revs("abc123") == ("abc123", None)
    with pytest.raises(UsageError):
        parse_revs("--output=/etc/x..HEAD")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org",
                           *args], cwd=repo, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A data repository with two commits: the quarter, then a changed progress word."""
    root = tmp_path / "council-data"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    quarter(root / "data")
    git(root, "add", ".")
    git(root, "commit", "-qm", "Q1 first draft")
    quarter(root / "data", progress="Review")
    git(root, "commit", "-qam", "Children's Services: SO-01 needs review")
    return root


def test_diff_at_two_git_revisions(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["diff", "data/2025-26/q1", "--rev", "HEAD~1..HEAD"])
    assert result.exit_code == 0, result.output
    assert "Changes from data/2025-26/q1 at HEAD~1 to data/2025-26/q1 at HEAD" in result.output
    assert "SO-01 Keep children safe: progress Good -> Review" in result.output
    # A alone compares with the working tree, where an edit is not yet committed.
    quarter(repo / "data", progress="Action")
    result = CliRunner().invoke(main, ["diff", "data/2025-26/q1", "--rev", "HEAD"])
    assert "progress Review -> Action" in result.output


def test_a_quarter_new_at_the_later_revision_is_all_added(repo: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.chdir(repo)
    q2 = repo / "data" / "2025-26" / "q2"
    q2.mkdir()
    (q2 / "report.yaml").write_text("quarter: 2\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "Start Q2")
    result = CliRunner().invoke(main, ["diff", "data/2025-26/q2", "--rev", "HEAD~1..HEAD",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["counts"]["added"] == 2


def test_a_bad_revision_is_a_usage_error(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["diff", "data/2025-26/q1", "--rev", "nosuch..HEAD"])
    assert result.exit_code == 2
    assert "'nosuch' is not a commit" in result.output
