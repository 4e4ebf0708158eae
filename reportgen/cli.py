"""The command line. Domain errors become exit codes here and only here:
0 ok, 1 problems in the data or the build, 2 a command that cannot be done as asked."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .errors import DataError, Problem, ReportgenError, UsageError

QUARTER = click.argument("quarter", required=False,
                         type=click.Path(file_okay=False, path_type=Path))


def _quarter(path: Path | None) -> Path:
    from .build import default_quarter

    return path if path is not None else default_quarter()


def _show_problems(problems: list[Problem]) -> None:
    errors = sum(p.severity == "error" for p in problems)
    for p in problems:
        colour = "red" if p.severity == "error" else "yellow"
        click.secho(f"{p.severity}: ", fg=colour, bold=True, nl=False, err=True)
        click.echo(str(p), err=True)
    warnings = len(problems) - errors
    click.secho(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}",
                fg="red" if errors else "yellow", err=True)


def _run(func, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Call into the library, turning its errors into messages and exit codes."""
    try:
        return func(*args, **kwargs)
    except DataError as exc:
        _show_problems(exc.problems)
        sys.exit(exc.exit_code)
    except ReportgenError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(exc.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
def main() -> None:
    """Quarterly council performance reports: YAML data in, accessible PDF and HTML out."""


@main.command()
@QUARTER
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              default=Path("output"), show_default=True, help="Directory to write into.")
@click.option("--format", "formats", default="pdf,html", show_default=True,
              help="Comma-separated: pdf, html.")
@click.option("--draft", is_flag=True, help="Mark every page DRAFT, with build time and commit.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--templates", "override", type=click.Path(file_okay=False, path_type=Path),
              help="A council directory with templates/ and styles/ that override ours.")
@click.option("--no-cache", is_flag=True,
              help="Draw every chart afresh; neither read nor write the chart cache.")
@click.option("--jobs", "-j", type=click.IntRange(min=1),
              help="Processes drawing charts (default: one per core; 1: no pool).")
def build(quarter: Path | None, output: Path, formats: str, draft: bool, strict: bool,
          override: Path | None, no_cache: bool, jobs: int | None) -> None:
    """Build QUARTER's report (default: the bundled sample) as PDF and HTML."""
    from . import chartstore  # first: with a cold cache, Matplotlib loads while we do

    chartstore.prestart(None if no_cache else chartstore.cache_dir(chartstore.cache_root()), jobs)
    from .build import FORMATS, build as run_build

    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    if not chosen or set(chosen) - set(FORMATS):
        raise click.BadParameter(f"choose from {', '.join(FORMATS)}", param_hint="--format")
    result = _run(run_build, _quarter(quarter), output, formats=chosen, draft=draft,
                  strict=strict, override=override, cache=not no_cache, jobs=jobs,
                  progress=lambda stage: click.echo(f"  {stage}...", err=True))
    for warning in result.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    for path in result.outputs:
        click.echo(f"wrote {path}")
    click.echo(f"built in {result.seconds:.1f} s", err=True)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check quarter directories or data files; list every problem, write nothing."""
    from .load import load_quarter

    quarters = _quarters_of(paths) if paths else [_quarter(None)]
    problems: list[Problem] = []
    for quarter in quarters:
        try:
            report = load_quarter(quarter)
            problems += report.warnings
        except DataError as exc:
            problems += exc.problems
        except UsageError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            sys.exit(exc.exit_code)
    if problems:
        _show_problems(sorted(set(problems)))
    if any(p.severity == "error" for p in problems):
        sys.exit(1)
    click.echo(f"ok: {len(quarters)} quarter{'s' * (len(quarters) != 1)} checked")


def _quarters_of(paths: tuple[Path, ...]) -> list[Path]:
    """Return the quarter directories that the given directories or files belong to."""
    found: list[Path] = []
    for path in paths:
        directory = path if path.is_dir() else path.parent
        if (directory / "report.yaml").is_file():
            candidates = [directory]
        else:  # a year directory, or plan.yaml: every quarter under it
            candidates = sorted(d for d in directory.iterdir() if (d / "report.yaml").is_file())
        found += [c for c in candidates if c not in found]
    if not found:
        raise click.BadParameter("no quarter directory (one with a report.yaml) found",
                                 param_hint="PATHS")
    return found


@main.command()
@QUARTER
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
def export(quarter: Path | None, fmt: str) -> None:
    """Print the computed report (ratings, counts) as data."""
    from .export import report_data
    from .load import load_quarter

    report = _run(load_quarter, _quarter(quarter))
    click.echo(json.dumps(report_data(report), indent=2, ensure_ascii=False))


@main.command()
def schema() -> None:
    """Print the JSON Schema of the data files (for editors and CI)."""
    from .schema import json_schema

    click.echo(json.dumps(json_schema(), indent=2))


if __name__ == "__main__":
    main()
