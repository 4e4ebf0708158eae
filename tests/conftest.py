"""Shared fixtures: the bundled sample, and tiny quarters written into tmp_path."""

from __future__ import annotations

import re
import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "derbyshire" / "2025-26" / "q1"

# The start of every test plan: a council and one outcome, its objectives to follow.
PLAN_HEAD = """\
council: Testshire County Council
plan: Council Plan 2025-29
year: 2025-26
outcomes:
  - id: people
    name: People
    title: Happy people
    objectives:
"""

TINY_PLAN = PLAN_HEAD + """\
      - id: SO-01
        title: First objective
        expected_completion: "2027-04"
        owner: Children's Services
        measures:
          - id: carers
            title: Number of carers
            unit: count
            better: higher
            frequency: Monthly
          - id: share
            title: Share of things done
            unit: percent
            better: higher
            frequency: Quarterly
      - id: SO-02
        title: Second objective
        expected_completion: "2028-03"
        owner: Place
"""

# One outcome, one objective, one measure: for CLI, settings and diff tests.
ONE_OBJECTIVE_PLAN = PLAN_HEAD + """\
      - id: SO-01
        title: Keep children safe
        expected_completion: "2027-04"
        owner: Children's Services
        measures:
          - id: foster-carers
            title: Children with foster carers
            unit: count
            better: higher
            frequency: Monthly
"""

TINY_REPORT = """\
quarter: 1
introduction: Hello.
"""


def write_quarter(root: Path, files: dict[str, str], plan: str = TINY_PLAN,
                  report: str = TINY_REPORT) -> Path:
    """Write a plan and a quarter directory under root; return the quarter directory, named
    for the report's quarter (q1 unless it says otherwise), as reportgen requires."""
    number = re.search(r"(?m)^quarter:\s*([1-4])\s*$", report)
    quarter = root / "2025-26" / f"q{number.group(1) if number else 1}"
    quarter.mkdir(parents=True)
    (quarter.parent / "plan.yaml").write_text(plan, encoding="utf-8")
    (quarter / "report.yaml").write_text(report, encoding="utf-8")
    for name, text in files.items():
        data = text if isinstance(text, bytes) else textwrap.dedent(text).encode("utf-8")
        (quarter / name).write_bytes(data)
    return quarter


@pytest.fixture
def quarter(tmp_path: Path):
    """Return a function writing a tiny quarter with the given update files."""
    return lambda files, **kw: write_quarter(tmp_path, files, **kw)


@pytest.fixture(scope="session")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment where `reportgen` (and pre-commit) are this checkout's, as a user's
    shell has them after installing: a `reportgen` script first on PATH that runs this
    interpreter on this checkout, whatever console script the virtualenv happens to hold."""
    import os
    import sys

    bin_dir = tmp_path_factory.mktemp("bin")
    script = bin_dir / "reportgen"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m reportgen "$@"\n')
    script.chmod(0o755)
    path = os.pathsep.join([str(bin_dir), str(Path(sys.executable).parent), os.environ["PATH"]])
    env = {**os.environ, "PATH": path, "PYTHONPATH": str(ROOT),
           "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
           "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for name in ("NO_COLOR", "CI"):  # tests that need them set them
        env.pop(name, None)
    return env


@pytest.fixture
def year(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The corpus's small valid year, copied to tmp_path, as the working directory."""
    from corpus import BASE

    copy = tmp_path / "2025-26"
    shutil.copytree(BASE, copy)
    monkeypatch.chdir(copy)
    return copy


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium, once for each browser test module (which first calls
    tests/browser.py's skip_without_a_browser)."""
    from browser import ARGS, CHROMIUM
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()
