"""A plain `pip install` (as a council's CI or pre-commit does) carries every module, the
templates and the styles, and the repository tracks no symbolic links (a Windows checkout
has none)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "-w", str(out), str(ROOT)], check=True)
    [built] = out.glob("reportgen-*.whl")
    return set(zipfile.ZipFile(built).namelist())


def test_the_wheel_carries_templates_styles_fonts_and_catalogues(wheel: set[str]) -> None:
    templates = {f"reportgen/templates/{p.name}" for p in (ROOT / "templates").glob("*.html")}
    styles = {f"reportgen/styles/{p.relative_to(ROOT / 'styles').as_posix()}"
              for p in (ROOT / "styles").rglob("*") if p.is_file()}
    assert "reportgen/templates/report.html" in templates
    assert "reportgen/styles/fonts/LiberationSans-Bold.ttf" in styles
    catalogues = {f"reportgen/locale/{p.name}" for p in (ROOT / "locale").glob("*.po*")}
    assert "reportgen/locale/cy.po" in catalogues
    assert templates | styles | catalogues <= wheel, (templates | styles | catalogues) - wheel


def test_the_wheel_carries_the_message_catalogues(wheel: set[str]) -> None:
    catalogues = {f"reportgen/locale/{p.name}" for p in (ROOT / "locale").glob("*")}
    assert "reportgen/locale/cy.po" in catalogues
    assert catalogues <= wheel, catalogues - wheel


def test_the_wheel_carries_every_module(wheel: set[str]) -> None:
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "reportgen").rglob("*.py")}
    assert modules <= wheel, f"not in the wheel (list the package in pyproject.toml): " \
                             f"{sorted(modules - wheel)}"


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                    reason="needs the git checkout")
def test_no_symbolic_link_is_tracked() -> None:
    staged = subprocess.run(["git", "ls-files", "--stage"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.splitlines()
    assert staged, "git listed no files"
    links = [line.split("\t", 1)[1] for line in staged if line.startswith("120000 ")]
    assert links == []
