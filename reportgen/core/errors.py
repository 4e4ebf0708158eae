"""The exceptions reportgen raises; the CLI turns them into exit codes."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or worth a warning) in the data, with where it is."""

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        # line 0: a problem of a whole file or directory (an objective no file updates)
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        key = f" {self.path}:" if self.path else ""
        return f"{where}{key} {self.message}"


def display_path(path: Path) -> str:
    """Return the path relative to the working directory where it can be. The file itself
    is not followed: a link is named as the user named it (not its target, which may be a
    file the user may not see, or a loop)."""
    try:
        here = path.parent.resolve() / path.name if path.name not in ("", ".", "..") \
            else path.resolve()
        cwd = Path.cwd().resolve()
        relative = os.path.relpath(here, cwd)
        common = Path(os.path.commonpath([here, cwd]))
    except (ValueError, OSError, RuntimeError):
        return str(path)
    # plan.yaml seen from inside a quarter is ../plan.yaml; last year's quarter from the
    # year directory ../2024-25/q1; anything further off (../../tmp/...) is clearer whole
    near = relative.count("..") <= 2 and len(common.parts) >= 3
    return relative if near or not relative.startswith("..") else str(here)


class ReportgenError(Exception):
    """Base of every error reportgen raises on purpose."""

    exit_code = 1


class DataError(ReportgenError):
    """The data has problems; every one of them is in `problems`."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class RenderError(ReportgenError):
    """Rendering the report failed (a template, a limit, the PDF engine)."""


class OutputError(ReportgenError):
    """The outputs could not be written; whatever was there before is unchanged."""


class UsageError(ReportgenError):
    """The command was asked for something that cannot be done."""

    exit_code = 2


def did_you_mean(word: str, choices: Iterable[str], otherwise: str = "") -> str:
    """Return "; did you mean 'x'?" for the closest choice; with none close enough,
    "; {otherwise}: a, b, c" when `otherwise` is given, else ""."""
    choices = list(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; {otherwise}: {', '.join(choices)}" if otherwise and choices else ""
