"""The PDF step has a time limit and a memory limit, each named when it is hit; WeasyPrint's
warnings are shown, and --strict turns them into a failure."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from corpus import make_year

from reportgen.commands.cli import main
from reportgen.core.resources import STYLES


@pytest.fixture(scope="module")
def long_year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A quarter whose one comment runs over several pages: slow and big to lay out."""
    return make_year("long-comment", tmp_path_factory.mktemp("limits"))


def _build(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", *args])
    return result.exit_code, result.output


def test_time_limit_stops_the_layout_with_a_clear_message(long_year: Path) -> None:
    code, output = _build(str(long_year / "q1"), "-o", str(long_year / "out"),
                          "--time-limit", "0.5")
    assert code == 1
    assert "error: the PDF took longer than the time limit of 0.5 s and was stopped" in output
    assert not (long_year / "out").exists() or not any((long_year / "out").iterdir())


def test_memory_limit_stops_the_layout_with_a_clear_message(long_year: Path) -> None:
    code, output = _build(str(long_year / "q1"), "-o", str(long_year / "out"),
                          "--memory-limit", "100")
    assert code == 1
    assert "memory limit of 100 MB" in output
    assert not (long_year / "out").exists() or not any((long_year / "out").iterdir())


def test_limits_must_be_sensible() -> None:
    code, output = _build("--time-limit", "0")
    assert code == 2 and "--time-limit" in output
    code, output = _build("--memory-limit", "10")
    assert code == 2 and "--memory-limit" in output


@pytest.fixture(scope="module")
def small_year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_year("non-ascii-text", tmp_path_factory.mktemp("small"))


@pytest.fixture(scope="module")
def council(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A council override whose stylesheet has a property WeasyPrint does not know."""
    root = tmp_path_factory.mktemp("council")
    shutil.copytree(STYLES, root / "styles")
    with open(root / "styles" / "report.css", "a", encoding="utf-8") as css:
        css.write("\np { colour: red; }\n")
    return root


def test_weasyprint_warnings_are_shown(small_year: Path, council: Path, tmp_path: Path) -> None:
    code, output = _build(str(small_year / "q1"), "-o", str(tmp_path), "--format", "pdf",
                          "--templates", str(council))
    assert code == 0, output
    assert "warning: PDF: Ignored `colour: red`" in output
    assert (tmp_path / "testshire-county-council-2025-26-q1.pdf").is_file()


def test_strict_fails_on_a_weasyprint_warning(small_year: Path, council: Path,
                                              tmp_path: Path) -> None:
    code, output = _build(str(small_year / "q1"), "-o", str(tmp_path), "--format", "pdf",
                          "--templates", str(council), "--strict")
    assert code == 1
    assert "--strict: PDF: Ignored `colour: red`" in output
    assert list(tmp_path.iterdir()) == []


def test_the_render_worker_imports_only_what_weasyprint_needs() -> None:
    heavy = ("matplotlib", "jinja2", "pydantic", "yaml", "markdown", "nh3", "click", "fontTools")
    code = ("import sys, reportgen.pdf.worker, reportgen.pdf.write; "
            f"print([m for m in sys.modules if m.split('.')[0] in {heavy!r}])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
