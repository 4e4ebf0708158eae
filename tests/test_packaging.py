"""A plain `pip install` (as a council's CI or pre-commit does) carries templates and styles."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_carries_templates_styles_and_fonts(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "-w", str(tmp_path), str(ROOT)], check=True)
    [wheel] = tmp_path.glob("reportgen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("reportgen/templates/report.html", "reportgen/templates/macros.html",
                 "reportgen/styles/report.css", "reportgen/styles/fonts/LiberationSans-Bold.ttf"):
        assert name in names


def test_a_plain_install_works_from_any_directory(tmp_path: Path) -> None:
    """After `pip install` (no checkout anywhere), `reportgen validate` with no quarter finds
    the bundled sample, and `reportgen init` finds the CI workflow it copies."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "-w", str(tmp_path / "wheel"), str(ROOT)], check=True)
    [wheel] = (tmp_path / "wheel").glob("reportgen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "reportgen/sample/2025-26/q1/report.yaml" in names
    assert "reportgen/ci/github-actions.yml" in names
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(site), str(wheel)], check=True)
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
                           "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True,
                          check=True)
    found = [line for line in done.stdout.splitlines() + done.stderr.splitlines()
             if ("warn" in line.lower() or "deprecat" in line.lower())
             and "byte-compiling is disabled" not in line]
    assert found == []
