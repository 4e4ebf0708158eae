"""What the command line shows people: problems with the YAML line quoted, and build progress.

Problems are printed with click (colour only on a terminal), never through rich markup, so
text from a data file cannot restyle the output. Progress is a live display on a terminal
and plain lines elsewhere (CI logs, pipes).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import click

from reportgen.core.errors import Problem
from reportgen.data import safefile

QUIET, NORMAL, VERBOSE = 0, 1, 2
WIDTH = 100  # longest stretch of a source line shown; comments are often one long line


def source_excerpt(problem: Problem, cache: dict[str, list[str]] | None = None) -> list[str]:
    """Return the problem's line of YAML and a caret under its column, or [] if unreadable.
    `cache`: lines of files already read, so that N problems in a file read it once."""
    if problem.line < 1:
        return []
    cache = {} if cache is None else cache
    if problem.file not in cache:
        cache[problem.file] = _source_lines(Path(problem.file))
    lines = cache[problem.file]
    if problem.line > len(lines):
        return []
    text = lines[problem.line - 1].expandtabs(1)
    column = max(problem.column - 1, 0)
    start = max(0, min(column - WIDTH // 2, len(text) - WIDTH))
    shown = ("…" if start else "") + text[start:start + WIDTH] + (
        "…" if len(text) > start + WIDTH else "")
    caret = column - start + (1 if start else 0)
    gutter = f"{problem.line:>5} | "
    return [gutter + shown, " " * (len(gutter) - 2) + "| " + " " * caret + "^"]


def _source_lines(path: Path) -> list[str]:
    """Return a data file's lines to quote, through the same checks as reading it (no pipe,
    no huge file); [] for a link, whose target may be a file that must not be quoted."""
    if path.is_symlink():
        return []
    try:
        raw = safefile.read_bytes(path)
    except safefile.FileRefused:
        return []
    return raw.decode("utf-8-sig", errors="replace").splitlines()


def show_problems(problems: list[Problem], *, verbosity: int = NORMAL) -> None:
    """Print each problem in colour with its YAML line quoted, then the counts."""
    errors = sum(p.severity == "error" for p in problems)
    notes = sum(p.severity == "note" for p in problems)
    files: dict[str, list[str]] = {}
    for p in problems:
        colour = {"error": "red", "note": "cyan"}.get(p.severity, "yellow")
        click.secho(f"{p.severity}: ", fg=colour, bold=True, nl=False, err=True)
        click.echo(str(p), err=True)
        if verbosity >= NORMAL:
            for line in source_excerpt(p, files):
                click.secho(line, fg="cyan" if line.rstrip().endswith("^") else None, err=True)
    warnings = len(problems) - errors - notes
    also = f", {notes} note{'s' * (notes != 1)}" if notes else ""
    click.secho(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
                f"{also}", fg="red" if errors else "yellow", err=True)


class BuildProgress:
    """Show a build's stages as they happen; nothing when quiet."""

    def __init__(self, verbosity: int = NORMAL, live: bool | None = None) -> None:
        self.verbosity = verbosity
        self.live = sys.stderr.isatty() if live is None else live
        self._progress: Any = None
        self._task: Any = None
        self._stage_started = time.perf_counter()
        self._stage = ""

    def __enter__(self) -> BuildProgress:
        if self.live and self.verbosity > QUIET:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                      BarColumn(), TextColumn("{task.fields[detail]}"),
                                      TimeElapsedColumn(),
                                      console=Console(stderr=True), transient=False)
            self._progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if kind is None:  # a failed stage stays unfinished on screen
            self._finish_stage()
        if self._progress is not None:
            self._progress.stop()

    def stage(self, name: str) -> None:
        """Start a stage of the build, finishing the one before."""
        self._finish_stage()
        self._stage, self._stage_started = name, time.perf_counter()
        if self._progress is not None:
            self._task = self._progress.add_task(name, total=1, detail="")
        elif self.verbosity > QUIET:
            click.echo(f"  {name}...", err=True)

    def _finish_stage(self) -> None:
        if not self._stage:
            return
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=1)
        elif self.verbosity >= VERBOSE:
            click.echo(f"    {self._stage}: {time.perf_counter() - self._stage_started:.2f} s",
                       err=True)
        self._stage = ""
