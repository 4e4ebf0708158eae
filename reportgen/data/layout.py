"""Where things are in a council's data directory: data/<council>/<year>/plan.yaml and
data/<council>/<year>/q<N>/, with report.yaml and the services' update files."""

from __future__ import annotations

import os
from pathlib import Path

from reportgen.core.model import earlier_year

REPORT_FILE = "report.yaml"
PLAN_FILE = "plan.yaml"
PLAN_TEXT_FILE = "plan-text.yaml"  # beside plan.yaml: the plan document's own text


def is_quarter_dir(path: Path) -> bool:
    """Return whether `path` is a quarter directory: one holding a report.yaml. Whatever
    report.yaml is (a directory, a dangling link): loading it then says what is wrong."""
    return os.path.lexists(path / REPORT_FILE)


def plan_path(quarter_dir: Path) -> Path:
    """Return the plan a quarter reports against: plan.yaml in its year directory."""
    return Path(os.path.abspath(quarter_dir)).parent / PLAN_FILE  # also for "." and "../q1"


def update_paths(quarter_dir: Path) -> list[Path]:
    """Return the quarter's update files: every *.yaml but report.yaml, sorted by name."""
    return sorted(p for p in quarter_dir.glob("*.yaml") if p.name != REPORT_FILE)


def quarters_in(directory: Path) -> list[Path]:
    """Return the quarter directories directly inside a year directory, by name."""
    return sorted(d for d in directory.iterdir() if is_quarter_dir(d))


def same_quarter(quarter_dir: Path, year: str, back: int) -> Path:
    """Return the same quarter `back` years earlier: .../2024-25/q1 for .../2025-26/q1."""
    here = Path(os.path.abspath(quarter_dir))
    return here.parent.parent / earlier_year(year, back) / here.name


def enclosing_quarter(start: Path) -> Path | None:
    """Return the quarter directory `start` is in (itself or a parent), walking up; None if
    it is in none. So `reportgen validate` inside q1/ checks q1."""
    here = Path(os.path.abspath(start))
    for directory in (here, *here.parents):
        if is_quarter_dir(directory):
            return directory
    return None


def enclosing_data(start: Path) -> Path | None:
    """Return the nearest directory at or above `start` that is part of a council's data (a
    year directory with a plan.yaml, or one holding year directories); None outside any."""
    here = Path(os.path.abspath(start))
    for directory in (here, *here.parents):
        if os.path.lexists(directory / PLAN_FILE) or any(
                os.path.lexists(year / PLAN_FILE) for year in directory.glob("[0-9]*-[0-9]*")):
            return directory
    return None


def previous_quarter(quarter_dir: Path, year: str, quarter: int) -> tuple[Path, str, int]:
    """Return the quarter before, with its plan year and number: q2 for q3, and for q1 last
    year's q4 (.../2024-25/q4 for .../2025-26/q1), so a status can be compared across the
    turn of the plan year."""
    here = Path(os.path.abspath(quarter_dir))
    if quarter > 1:
        return here.parent / f"q{quarter - 1}", year, quarter - 1
    last = earlier_year(year, 1)
    return here.parent.parent / last / "q4", last, 4
