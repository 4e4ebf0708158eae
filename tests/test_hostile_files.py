"""The file system is hostile too: every command gives the same clear error at the path for a
data file that is a link out of the data directory, a pipe, a directory or gigabytes long,
exits 1, never blocks, and never shows a byte of a file it refused (issue 17, kind 1).

The exact messages are in tests/corpus/expected.toml (the fs-* cases); these run the commands
a user runs on the same cases."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from corpus import expected, make_year

from reportgen.commands.cli import main

ROOT = Path(__file__).resolve().parents[1]
TABLE = expected()
CASES = ["fs-link-to-etc-passwd", "fs-link-to-proc-environ", "fs-link-outside-data",
         "fs-link-to-itself", "fs-dangling-link", "fs-directory-named-yaml",
         "fs-report-is-directory", "fs-sparse-gigabytes", "fs-history-link-to-etc-passwd"]
COMMANDS = {
    "validate": ["validate", "q1"],
    "build": ["build", "q1", "-o", "out"],
    "status": ["status", "q1"],
    "diff": ["diff", "q1", "q1"],
    "new-quarter": ["new-quarter", "q1", "q2"],
    "export": ["export", "q1"],
}
SECRETS = ("root:x:0:0", "PATH=", "HOME=")  # what /etc/passwd and /proc/self/environ hold


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", CASES)
def test_every_command_refuses_at_the_path(case: str, command: str, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    year = make_year(case, tmp_path)
    monkeypatch.chdir(year)
    result = CliRunner().invoke(main, COMMANDS[command])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    message = TABLE[case]["problems"][0].removeprefix("error: ")
    assert message in result.output
    assert not any(secret in result.output for secret in SECRETS)
    assert not (year / "out").exists() and not (year / "q2").exists()  # nothing written


@pytest.mark.parametrize("command", ["validate", "build", "status", "new-quarter"])
def test_a_named_pipe_never_blocks(command: str, tmp_path: Path) -> None:
    """A pipe with no writer would block a plain open() forever: each command answers."""
    year = make_year("fs-named-pipe", tmp_path)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "reportgen", *COMMANDS[command]], cwd=year,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert ("q1/pipe.yaml:1:1 this is a named pipe, not an ordinary file: reportgen reads only "
            "ordinary files; replace it with the file itself") in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    year = make_year("fs-link-inside-data", tmp_path)
    (year / "q1" / "report.yaml").chmod(0)
    monkeypatch.chdir(year)
    result = CliRunner().invoke(main, ["validate", "q1"])
    assert result.exit_code == 1
    assert ("q1/report.yaml:1:1 the YAML file cannot be read: permission denied; give yourself "
            "permission to read it (chmod u+r)") in result.output


def test_a_logo_linked_out_of_the_repository_is_refused(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    year = make_year("fs-link-inside-data", tmp_path)
    (year / "logo.svg").symlink_to("/etc/passwd")
    (year / "reportgen.toml").write_text('[branding]\nlogo = "logo.svg"\n', encoding="utf-8")
    monkeypatch.chdir(year)
    result = CliRunner().invoke(main, ["build", "q1", "-o", "out"])
    assert result.exit_code == 2
    assert ("error: logo logo.svg: this is a link to a file outside the data directory, which "
            "reportgen does not follow: copy the file in instead") in result.output
    assert "root:x:0:0" not in result.output


def test_a_directory_named_reportgen_toml_is_an_error(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    year = make_year("fs-link-inside-data", tmp_path)
    (year / "reportgen.toml").mkdir()
    monkeypatch.chdir(year)
    result = CliRunner().invoke(main, ["build", "q1", "-o", "out"])
    assert result.exit_code == 2
    assert ("error: reportgen.toml:1:1 this is a directory, not a settings file: rename it or "
            "remove it") in result.output
