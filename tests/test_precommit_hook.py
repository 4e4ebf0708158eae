"""The pre-commit hook: a council data repository's commit is stopped by bad data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PRE_COMMIT = shutil.which("pre-commit", path=str(BIN)) or shutil.which("pre-commit")
pytestmark = pytest.mark.skipif(
    PRE_COMMIT is None and os.environ.get("CI") != "true",
    reason="pre-commit is not installed (pip install -e '.[test]')")


def run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
           "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"),
           "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(list(args), cwd=repo, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.fixture(scope="module")
def hook() -> dict:
    """Our hook as published in .pre-commit-hooks.yaml."""
    (entry,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    return entry


@pytest.fixture
def repo(tmp_path: Path, hook: dict) -> Path:
    """A council data repository with the sample quarter and our hook installed. The hook
    runs as `repo: local`, `language: system` (reportgen is installed already), with the
    published entry, files and exclude, so no network is needed."""
    root = tmp_path / "council-data"
    shutil.copytree(ROOT / "data" / "derbyshire", root / "data" / "derbyshire")
    config = {"repos": [{"repo": "local", "hooks": [{
        **{k: hook[k] for k in ("id", "name", "entry", "files", "exclude", "require_serial")},
        "language": "system"}]}]}
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    assert run(root, "git", "init", "-q", "-b", "main").returncode == 0
    installed = run(root, PRE_COMMIT or "pre-commit", "install")
    assert installed.returncode == 0, installed.stderr
    run(root, "git", "add", ".")
    first = run(root, "git", "commit", "-qm", "The sample data")
    assert first.returncode == 0, first.stdout + first.stderr
    return root


def test_the_manifest_is_valid_for_pre_commit(hook: dict) -> None:
    done = run(ROOT, PRE_COMMIT or "pre-commit", "validate-manifest",
               str(ROOT / ".pre-commit-hooks.yaml"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (hook["id"], hook["entry"], hook["language"], hook["files"]) == (
        "reportgen-validate", "reportgen validate", "python", r"\.ya?ml$")


def test_a_commit_with_a_mistake_is_stopped_with_file_and_line(repo: Path) -> None:
    place = repo / "data/derbyshire/2025-26/q1/place.yaml"
    place.write_text(place.read_text().replace("progress: Review", "progress: Reveiw"))
    run(repo, "git", "add", "-u")
    done = run(repo, "git", "commit", "-qm", "Place: SO-12")
    assert done.returncode != 0
    out = done.stdout + done.stderr
    assert "reportgen validate" in out and "Failed" in out
    assert ("data/derbyshire/2025-26/q1/place.yaml:19:15 objectives.SO-12.progress: 'Reveiw' "
            "is not one of: Complete, Good, Review or Action") in out


def test_a_good_commit_passes_and_other_files_are_skipped(repo: Path) -> None:
    place = repo / "data/derbyshire/2025-26/q1/place.yaml"
    place.write_text(place.read_text().replace("progress: Review", "progress: Action"))
    run(repo, "git", "add", "-u")
    done = run(repo, "git", "commit", "-qm", "Place: SO-12 needs action")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "reportgen validate....." in done.stderr and "Passed" in done.stderr
    (repo / ".gitlab-ci.yml").write_text("build: {script: [echo]}\n")
    (repo / "README.md").write_text("Our data\n")
    run(repo, "git", "add", ".")
    done = run(repo, "git", "commit", "-qm", "CI and a readme")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "(no files to check)Skipped" in done.stderr
