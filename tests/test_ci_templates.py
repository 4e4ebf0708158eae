"""The CI templates in docs/ci: valid YAML, and every reportgen command they run exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from reportgen.commands.cli import main

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = [ROOT / "docs/ci/github-actions.yml", ROOT / "docs/ci/gitlab-ci.yml"]
# Built in parallel by another issue; the templates may name it before it lands here.
NOT_YET_HERE = {"status"}


def commands(text: str) -> list[list[str]]:
    """Return each `reportgen ...` invocation in a template: the command, then its options."""
    found = []
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    for line in re.findall(r"\breportgen ([^|>;&\n]*)", code):
        words = line.split()
        command = next((w for w in words if not w.startswith("-")), "")
        if re.fullmatch(r"[a-z-]+", command):  # not "reportgen @ git+..." or a path
            found.append([command] + [w.split("=")[0] for w in words if w.startswith("--")])
    return found


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_template_is_yaml_and_its_commands_exist(path: Path) -> None:
    text = path.read_text()
    assert isinstance(yaml.safe_load(text), dict)
    used = commands(text)
    assert {words[0] for words in used} >= {"validate", "status", "diff", "build", "export"}
    for words in used:
        if words[0] in NOT_YET_HERE and words[0] not in main.commands:
            continue
        options = words[1:]
        result = CliRunner().invoke(main, [words[0], "--help"])
        assert result.exit_code == 0, words
        for option in options:
            assert option in result.output, f"{path.name}: {' '.join(words)}: {option}"
