"""Every documented step is run as documented, so a guide cannot drift from the tool.

A fenced block in README.md or docs/*.md is run when the line before it (blank lines
between allowed) is a marker:

    <!-- runnable -->              a shell block: run with `sh -e`; it must exit 0
    <!-- runnable: exit 1 -->      ... and must exit 1 (reportgen status while updates await)
    <!-- runnable: file PATH -->   any block: its text is written to PATH (a file the reader
                                   is told to write or edit)
    <!-- runnable: setup CMD -->   no block: a step the text describes in words (the policy
                                   team made q2), run as a shell command

Each document's blocks run in order in one scratch repository: a git repository holding a
copy of this checkout's data/, as a fresh clone has it. A `cd` carries over to the next
block. `reportgen` is this checkout's (conftest.cli_env).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from reportgen.commands.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MARKER = re.compile(r"^<!-- runnable(?::\s*(exit \d+|file \S+|setup .+?))?\s*-->$")
FENCE = re.compile(r"^(```+)\s*([\w-]*)")


@dataclass(frozen=True)
class Step:
    document: Path
    line: int  # of the marker, for the failure message
    kind: str  # "sh", "file" or "setup"
    text: str
    exit: int = 0
    path: str = ""

    def where(self) -> str:
        return f"{self.document.relative_to(ROOT)}:{self.line}"


def steps(document: Path) -> list[Step]:
    """Return the document's runnable steps in order; a marker with no block is an error."""
    lines = document.read_text(encoding="utf-8").splitlines()
    found: list[Step] = []
    for number, line in enumerate(lines, 1):
        marker = MARKER.match(line.strip())
        if marker is None:
            continue
        option = marker.group(1) or ""
        if option.startswith("setup "):
            found.append(Step(document, number, "setup", option[6:]))
            continue
        block = _block_after(lines, number)
        assert block is not None, f"{document.name}:{number}: a runnable marker with no block"
        language, text = block
        if option.startswith("file "):
            found.append(Step(document, number, "file", text, path=option[5:]))
        else:
            assert language in ("sh", "bash", "console", ""), f"{document.name}:{number}"
            code = int(option[5:]) if option.startswith("exit ") else 0
            found.append(Step(document, number, "sh", text, exit=code))
    return found


def _block_after(lines: list[str], marker: int) -> tuple[str, str] | None:
    """Return (language, text) of the fenced block after line `marker` (1-based)."""
    index = marker
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index >= len(lines):
        return None
    opening = FENCE.match(lines[index].strip())
    if opening is None:
        return None
    indent = len(lines[index]) - len(lines[index].lstrip())
    body: list[str] = []
    for line in lines[index + 1:]:
        if line.strip().startswith(opening.group(1)):
            return opening.group(2), "\n".join(body) + "\n"
        # a block in a list item is indented with it: take that indent off
        body.append(line[indent:] if not line[:indent].strip() else line)
    return None


RUNNABLE = [d for d in DOCUMENTS if steps(d)]


@pytest.fixture
def scratch(tmp_path: Path, cli_env: dict[str, str]) -> Path:
    """A fresh clone's data in a git repository of its own, with one commit."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "data", root / "data")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "data"]):
        subprocess.run(["git", *args], cwd=root, env=cli_env, check=True)
    return root


def run_steps(document: Path, root: Path, env: dict[str, str]) -> Path:
    """Run the document's steps in `root`; return the directory the last one ended in."""
    cwd = root
    where = root.parent / "cwd.txt"
    for step in steps(document):
        if step.kind == "file":
            target = cwd / step.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(step.text, encoding="utf-8")
            continue
        script = f"{step.text}\npwd > '{where}'\n"
        done = subprocess.run(["sh", "-e", "-c", script], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=600, check=False)
        expected = step.exit if step.kind == "sh" else 0
        assert done.returncode == expected, (
            f"{step.where()}: exit {done.returncode}, documented {expected}\n$ {step.text}\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        if expected == 0:
            cwd = Path(where.read_text().strip())
    return cwd


@pytest.mark.parametrize("document", RUNNABLE, ids=lambda d: d.name)
def test_the_documented_steps_run_as_written(document: Path, scratch: Path,
                                             cli_env: dict[str, str]) -> None:
    end = run_steps(document, scratch, cli_env)
    if document.name == "data-repository.md":  # the builds were not committed
        tracked = subprocess.run(["git", "ls-files", "output"], cwd=end, env=cli_env,
                                 capture_output=True, text=True, check=True).stdout
        assert any(end.glob("output/*.pdf")) and tracked == ""


def test_the_runner_finds_the_guides_steps() -> None:
    """The guides a council follows have runnable steps (so a marker deleted by mistake
    is noticed), and every block the runner sees has the shape it expects."""
    names = {d.name for d in RUNNABLE}
    assert {"README.md", "data-repository.md", "guide-service-leads.md",
            "guide-policy-team.md", "workflow.md", "configuration.md", "editors.md"} <= names
    assert sum(len(steps(d)) for d in RUNNABLE) >= 15


# ---- the defects found by following the docs --------------------------------------------

LINK = re.compile(r"\b(docs/[\w./-]+\.md)\b")


def test_every_docs_page_named_in_the_repository_exists() -> None:
    """.pre-commit-hooks.yaml once pointed at docs/pre-commit.md, which did not exist."""
    sources = [ROOT / ".pre-commit-hooks.yaml", ROOT / "pyproject.toml", *DOCUMENTS,
               *sorted((ROOT / "reportgen").rglob("*.py"))]
    missing = {(s.name, name) for s in sources for name in LINK.findall(s.read_text())
               if not (ROOT / name).is_file()}
    assert missing == set()


def test_the_readme_command_table_lists_every_command() -> None:
    table = [line for line in (ROOT / "README.md").read_text().splitlines()
             if line.startswith("| `reportgen ")]
    listed = {line.split("`")[1].split()[1] for line in table}
    assert listed == set(main.commands)


def test_no_pre_commit_example_names_a_tag_that_does_not_exist() -> None:
    """`rev: v0.1.0` named a tag reportgen never had: pre-commit then fails to install."""
    tags = set(subprocess.run(["git", "tag"], cwd=ROOT, capture_output=True, text=True,
                              check=False).stdout.split())
    for document in DOCUMENTS:
        for rev in re.findall(r"^\s*rev:\s*(\S+)", document.read_text(), re.MULTILINE):
            assert rev in tags or rev.isupper(), f"{document.name}: rev {rev}"
