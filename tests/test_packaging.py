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
# What a build may leave in the tree it builds from; never copied, never shared.
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "node_modules", "output", "build",
                                    "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis",
                                    "tests")


def source(into: Path) -> Path:
    """Return a private copy of the source tree: setuptools writes build/ and *.egg-info into
    the tree it builds, so two test processes building the checkout at once would collide."""
    copy = into / "source"
    shutil.copytree(ROOT, copy, ignore=NOT_SOURCE, symlinks=True)
    return copy


@pytest.fixture(scope="module")
def wheel_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "-w", str(out), str(source(out))], check=True)
    [built] = out.glob("reportgen-*.whl")
    return built


@pytest.fixture(scope="module")
def wheel(wheel_file: Path) -> set[str]:
    return set(zipfile.ZipFile(wheel_file).namelist())


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


def test_a_plain_install_works_from_any_directory(wheel_file: Path, wheel: set[str],
                                                  tmp_path: Path) -> None:
    """After `pip install` (no checkout anywhere), `reportgen validate` with no quarter finds
    the bundled sample, and `reportgen init` finds the CI workflow it copies."""
    assert "reportgen/sample/2025-26/q1/report.yaml" in wheel
    assert "reportgen/ci/github-actions.yml" in wheel
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(site), str(wheel_file)], check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(site), "HOME": str(tmp_path)}
    for args in (["validate"], ["init", "new", "--council", "Testshire"]):
        done = subprocess.run([sys.executable, "-m", "reportgen", *args], cwd=elsewhere,
                              env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
    assert (elsewhere / "new/.github/workflows/reportgen.yml").is_file()
    done = subprocess.run([sys.executable, "-c", "import reportgen.core.resources as r; "
                           "print(r.SAMPLE_QUARTER)"], cwd=elsewhere, env=env,
                          capture_output=True, text=True, check=True)
    assert done.stdout.startswith(str(site))


def test_building_the_wheel_prints_no_packaging_warnings(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps",
                           "-w", str(tmp_path), str(source(tmp_path))], capture_output=True,
                          text=True, check=True)
    found = [line for line in done.stdout.splitlines() + done.stderr.splitlines()
             if ("warn" in line.lower() or "deprecat" in line.lower())
             and "byte-compiling is disabled" not in line]
    assert found == []
