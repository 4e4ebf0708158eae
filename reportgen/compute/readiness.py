"""Whether a quarter is ready to publish: what `build --strict` fails on besides warnings.

A quarter that validates may still be a draft: new-quarter's placeholders left in the report
text, objectives and measures still awaiting their update, an objective rated Review or
Action with nothing said about why. Each is a problem at the file and line to fix (an item
no update file mentions is named at the quarter directory).
"""

from __future__ import annotations

from reportgen.core.errors import Problem, display_path
from reportgen.core.model import Report
from reportgen.core.ratings import AWAITING
from reportgen.data import safefile
from reportgen.data.layout import REPORT_FILE

PLACEHOLDER = "[To fill:"  # what new-quarter writes where the quarter's text goes


def unready(report: Report) -> list[Problem]:
    """Return every reason the report is not ready to publish, in file order."""
    problems = _placeholders(report)
    levels = report.progress_scheme
    # the two lowest progress words (Review and Action by default): readers ask why
    needs_comment = {p.label for p in levels.ranked[-2:]}
    for o in report.objectives:
        file, line = _where(report, o.source)
        key = f"{o.kind}s.{o.id}"
        if o.progress.label in (AWAITING, levels.awaiting.label):
            problems.append(Problem(file, line, 1 if line else 0, key,
                                    f"awaits an update ({o.owner}): give its progress and comment"))
        elif o.progress.label in needs_comment and not o.comment.strip():
            problems.append(Problem(file, line, 1 if line else 0, key,
                                    f"is rated {o.progress.label} with no comment: say why, "
                                    "and what is being done about it"))
    for m in report.measures:
        if not m.updated:
            file, line = _where(report, m.source)
            problems.append(Problem(file, line, 1 if line else 0, f"measures.{m.id}",
                                    "awaits an update: give its value, or no_data: the reason"))
    return sorted(problems)


def _where(report: Report, source: str | None) -> tuple[str, int]:
    """Return (file, line) from an update's "file:line", else the quarter directory."""
    if source and ":" in source:
        file, _, line = source.rpartition(":")
        if line.isdigit():
            return file, int(line)
    return display_path(report.directory), 0


def _placeholders(report: Report) -> list[Problem]:
    """Return each line of report.yaml that still holds a new-quarter placeholder."""
    path = report.directory / REPORT_FILE
    try:
        text = safefile.read_bytes(path, within=safefile.data_root(report.directory))
    except safefile.FileRefused:
        return []  # loading it succeeded; it changed since: the next build says so
    found = []
    for number, line in enumerate(text.decode("utf-8-sig", "replace").splitlines(), 1):
        if not line.lstrip().startswith("#") and (column := line.find(PLACEHOLDER)) >= 0:
            found.append(Problem(display_path(path), number, column + 1, "",
                                 f"a '{PLACEHOLDER} ...]' placeholder left by new-quarter: "
                                 "replace it with the quarter's text"))
    return found
