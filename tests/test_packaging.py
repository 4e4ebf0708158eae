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
                 "reportgen/styles/report.css", "reportgen/styles/fonts/LiberationSans-Bold.ttf",
                 "reportgen/templates/actions.html", "reportgen/locale/cy.po"):
        assert name in names
