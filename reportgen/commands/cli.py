"""The command line. Domain errors become exit codes here and only here:
0 ok, 1 problems in the data or the build, 2 a command that cannot be done as asked."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import click

from reportgen import __version__
from reportgen.core.errors import DataError, Problem, ReportgenError, UsageError
from reportgen.pdf import sandbox  # standard library and core only: quick to import

if TYPE_CHECKING:
    from reportgen.core.model import Report
    from reportgen.data.settings import Settings

P = ParamSpec("P")
T = TypeVar("T")

QUARTER = click.argument("quarter", required=False,
                         type=click.Path(file_okay=False, path_type=Path))


# The documents' options, alike for build and plan.
OUTPUT = click.option(
    "--output", "-o", type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write into.  [default: reportgen.toml's output, or output]")
FORMAT = click.option("--format", "formats", default="pdf,html", show_default=True,
                      help="Comma-separated: pdf, html.")
DRAFT = click.option("--draft", is_flag=True,
                     help="Mark every page DRAFT, with build time and commit.")
STRICT = click.option("--strict", is_flag=True, help="Fail on warnings too.")
# The PDF step's limits and the chart drawing, alike for build, plan and publish.
TIME_LIMIT = click.option(
    "--time-limit", type=click.FloatRange(min=0, min_open=True), default=300.0,
    metavar="SECONDS", show_default=True,
    help="Seconds a PDF's layout may take before it is stopped.")
MEMORY_LIMIT = click.option(
    "--memory-limit", type=click.IntRange(min=64), default=2048, show_default=True,
    metavar="MB", help="Megabytes of memory the PDF layout may use.")
NO_CACHE = click.option(
    "--no-cache", is_flag=True,
    help="Draw every chart afresh; neither read nor write the chart cache.")
JOBS = click.option(
    "--jobs", "-j", type=click.IntRange(min=1),
    help="Processes drawing charts (default: one per core, less one for a build's PDF child; 1: "
         "no pool, this process draws them).")


def _formats(given: str) -> tuple[str, ...]:
    """Return the --format list as given ("pdf,html"), or stop with the formats there are."""
    from reportgen.pipeline import FORMATS

    chosen = tuple(f.strip() for f in given.split(",") if f.strip())
    if not chosen or set(chosen) - set(FORMATS):
        raise click.BadParameter(f"choose from {', '.join(FORMATS)}", param_hint="--format")
    return chosen


def _quarter(path: Path | None) -> Path:
    """Return the quarter asked for, else reportgen.toml's, else the quarter directory the
    command runs in (walking up), else, outside any council's data, the bundled sample."""
    from reportgen.data.layout import enclosing_data, enclosing_quarter
    from reportgen.pipeline import default_quarter

    if path is not None:
        return path
    if (configured := _settings().quarter) is not None:
        return Path(configured)
    if (here := enclosing_quarter(Path.cwd())) is not None:
        return _relative(here)
    if enclosing_data(Path.cwd()) is not None:
        # never the bundled sample silently, in place of the council's own data
        from reportgen.data.layout import is_quarter_dir

        found = sorted(q for q in (*Path.cwd().glob("q*"), *Path.cwd().glob("*/q*"))
                       if is_quarter_dir(q))
        example = f" such as {_relative(found[-1])}" if found else ""
        raise click.UsageError(
            f"no quarter given, and {_relative(Path.cwd())} is not a quarter directory: name "
            f"one{example}, or run the command inside it")
    result: Path = _run(default_quarter)
    return result


def _relative(path: Path) -> Path:
    """Return `path` relative to the working directory where it is under it ('.' for it)."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _settings() -> Settings:
    """Return the settings from reportgen.toml or pyproject.toml, read once per command."""
    from reportgen.data.settings import load_settings

    ctx = click.get_current_context(silent=True)
    meta = ctx.meta if ctx is not None else {}
    if "reportgen.settings" not in meta:
        try:
            meta["reportgen.settings"] = load_settings()
        except UsageError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            sys.exit(exc.exit_code)
    settings: Settings = meta["reportgen.settings"]
    return settings


def _verbosity() -> int:
    """Return 0 with --quiet, 2 with --verbose, else 1."""
    ctx = click.get_current_context(silent=True)
    return int(ctx.meta.get("reportgen.verbosity", 1)) if ctx is not None else 1


def _show_problems(problems: list[Problem]) -> None:
    from reportgen.commands.console import show_problems

    show_problems(problems, verbosity=_verbosity())


def _run(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Call into the library, turning its errors into messages and exit codes."""
    try:
        return func(*args, **kwargs)
    except DataError as exc:
        _show_problems(exc.problems)
        sys.exit(exc.exit_code)
    except ReportgenError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(exc.exit_code)


def _set_verbosity(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """Record -q or -v in the meta that every nested context shares."""
    if value:
        ctx.meta["reportgen.verbosity"] = 0 if param.name == "quiet" else 2


def _verbosity_params() -> list[click.Option]:
    """Return -q and -v, so they work after a command as well as before it (as in git)."""
    return [click.Option(["--quiet", "-q"], is_flag=True, expose_value=False,
                         callback=_set_verbosity, help="Show only errors and warnings."),
            click.Option(["--verbose", "-v"], is_flag=True, expose_value=False,
                         callback=_set_verbosity,
                         help="Show timings and the settings file used.")]


class _Commands(click.Group):
    """The command group: Ctrl+C ends any command quietly with the shell's exit code 130."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise click.exceptions.Exit(130) from None

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        cmd.params += _verbosity_params()
        super().add_command(cmd, name)


def _no_color() -> bool:
    """Return whether NO_COLOR (no-color.org) is set to anything but empty."""
    return bool(os.environ.get("NO_COLOR"))


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Quarterly council performance reports: YAML data in, accessible PDF and HTML out.

    Settings come from reportgen.toml (or [tool.reportgen] in pyproject.toml) in the
    working directory; options on the command line win. See docs/guide-policy-team.md.
    """
    if _no_color():  # click already drops colour when the output is not a terminal
        ctx.color = False
    _stop_on_sigterm()


main.params += _verbosity_params()


def _stop_on_sigterm() -> None:
    """Unwind on SIGTERM as on Ctrl+C, so that a killed build stops its PDF child and chart
    pool and leaves no temporary file: Python's default for SIGTERM runs no cleanup."""
    import signal
    import threading

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)


@main.command()
@QUARTER
@OUTPUT
@FORMAT
@DRAFT
@STRICT
@click.option("--language", type=click.Choice(["en-GB", "cy"]), default=None,
              help="The report's language, instead of the plan's (cy: the Welsh edition).")
@click.option("--templates", "override", type=click.Path(file_okay=False, path_type=Path),
              help="A council directory with templates/ and styles/ that override ours.")
@TIME_LIMIT
@MEMORY_LIMIT
@NO_CACHE
@JOBS
def build(quarter: Path | None, output: Path | None, formats: str, draft: bool, strict: bool,
          language: str | None, override: Path | None, time_limit: float, memory_limit: int,
          no_cache: bool, jobs: int | None) -> None:
    """Build QUARTER's report (default: the bundled sample) as PDF and HTML."""
    # The PDF child first (its WeasyPrint import is the longest thing before layout), then
    # the chart workers' fork server (with a cold cache, Matplotlib loads while we import).
    pdf = "pdf" in (f.strip() for f in formats.split(","))
    with sandbox.prestarted(pdf):
        from reportgen.charts import store as chartstore

        chartstore.prestart(None if no_cache else chartstore.cache_dir(chartstore.cache_root()),
                            chartstore.workers(jobs, pdf))
        _build(quarter, output, _formats(formats), draft, strict, language, override,
               time_limit, memory_limit, no_cache, jobs)


def _build(quarter: Path | None, output: Path | None, chosen: tuple[str, ...], draft: bool,
           strict: bool, language: str | None, override: Path | None, time_limit: float,
           memory_limit: int, no_cache: bool, jobs: int | None) -> None:
    from reportgen.pdf.sandbox import Limits
    from reportgen.pipeline import build as run_build

    settings = _settings().overridden(output=output, templates=override, language=language)
    verbosity = _verbosity()
    if verbosity >= 2:
        click.echo(f"  settings: {settings.source or 'defaults (no reportgen.toml)'}", err=True)

    def shown_build():  # type: ignore[no-untyped-def]
        # The live display stops before _run prints any problem, so nothing overwrites it.
        from reportgen.commands.console import BuildProgress

        with BuildProgress(verbosity) as shown:
            return run_build(_quarter(quarter), settings.output, formats=chosen, draft=draft,
                             strict=strict, override=settings.templates, progress=shown.stage,
                             settings=settings, limits=Limits(time_limit, memory_limit),
                             cache=not no_cache, jobs=jobs)

    result = _run(shown_build)
    if verbosity:
        for note in result.notes:
            click.secho(f"note: {note}", fg="cyan", err=True)
    for warning in result.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    if verbosity >= 2 and result.timings:  # benchmarks/run.py reads this line
        steps = ("layout_s", "write_s", "finish_s", "gc_s")
        click.echo("  PDF steps: " + ", ".join(
            f"{key} {result.timings[key]:.3f}" for key in steps if key in result.timings),
            err=True)
    if verbosity:
        for path in result.outputs:
            click.echo(f"wrote {path}")
        click.echo(f"built in {result.seconds:.1f} s", err=True)


@main.command("plan")
@click.argument("year_dir", required=False, type=click.Path(path_type=Path))
@OUTPUT
@FORMAT
@DRAFT
@STRICT
@click.option("--templates", "override", type=click.Path(file_okay=False, path_type=Path),
              help="A council directory with templates/ and styles/ that override ours.")
@TIME_LIMIT
@MEMORY_LIMIT
def plan(year_dir: Path | None, output: Path | None, formats: str, draft: bool, strict: bool,
         override: Path | None, time_limit: float, memory_limit: int) -> None:
    """Build the Council Plan and its delivery plan from YEAR_DIR's plan.yaml and
    plan-text.yaml (default: reportgen.toml's quarter's year, else the bundled sample)."""
    from reportgen.pdf.sandbox import Limits
    from reportgen.pipeline import build_plan, default_year

    chosen = _formats(formats)
    settings = _settings().overridden(output=output, templates=override)
    if year_dir is None:
        year_dir = settings.quarter.parent if settings.quarter else default_year()
    result = _run(build_plan, year_dir, settings.output, formats=chosen, draft=draft,
                  strict=strict, settings=settings, limits=Limits(time_limit, memory_limit))
    for warning in result.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    if _verbosity():
        for path in result.outputs:
            click.echo(f"wrote {path}")
        click.echo(f"built in {result.seconds:.1f} s", err=True)


@main.command()
@click.argument("data_dir", metavar="[DATA_DIR]", required=False,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              default=Path("site"), show_default=True, help="Directory to write the site into.")
@TIME_LIMIT
@MEMORY_LIMIT
@NO_CACHE
@JOBS
def publish(data_dir: Path | None, output: Path, time_limit: float, memory_limit: int,
            no_cache: bool, jobs: int | None) -> None:
    """Write a static website of every quarter under DATA_DIR (default: data): an index,
    and per quarter its HTML page, an embeddable fragment, the PDF and open data."""
    from reportgen.core.resources import ROOT
    from reportgen.pdf.sandbox import Limits
    from reportgen.publish.site import publish as run

    if data_dir is None:
        data_dir = Path("data") if Path("data").is_dir() else ROOT / "data"
    verbosity = _verbosity()

    def shown(line: str) -> None:
        if verbosity:
            click.echo(f"  {line}", err=True)

    result = _run(run, data_dir, output, settings=_settings(), progress=shown,
                  limits=Limits(time_limit, memory_limit), cache=not no_cache, jobs=jobs)
    for warning in result.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    if verbosity:
        count = len(result.entries)
        click.echo(f"wrote {output / 'index.html'}: {count} quarter{'s' * (count != 1)}, "
                   f"{len(result.outputs)} files")
        click.echo(f"published in {result.seconds:.1f} s", err=True)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--ratings", "audit", is_flag=True,
              help="Also list every measure's value, target, the rule's rating, the published "
                   "rating and why they differ, for checking before Cabinet.")
@click.option("--strict", is_flag=True,
              help="Fail as `build --strict` does: on warnings too (a published rating "
                   "overriding the rule needs a rating_reason) and on anything not ready to "
                   "publish (placeholders, awaited updates, Review or Action with no comment).")
def validate(paths: tuple[Path, ...], audit: bool, strict: bool) -> None:
    """Check quarter directories or data files; list every problem, write nothing."""
    from reportgen.compute import readiness
    from reportgen.compute.audit import audit_text
    from reportgen.pipeline import load_plan_document, load_report

    years = _plans_of(paths)
    quarters = _quarters_of(paths, required=not years) if paths else _default_quarters()
    problems: list[Problem] = []

    def check(load: Callable[[], list[Problem]]) -> None:
        try:
            problems.extend(load())
        except DataError as exc:
            problems.extend(exc.problems)
        except UsageError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            sys.exit(exc.exit_code)

    def quarter_warnings(quarter: Path) -> list[Problem]:
        report = load_report(quarter, _settings())
        if audit:
            click.echo(audit_text(report))
        # --strict checks what build --strict would refuse, so a reviewer learns it first
        return report.warnings + (readiness.unready(report) if strict else [])

    def plan_warnings(year: Path) -> list[Problem]:  # plan-text.yaml too, as `plan` reads it
        return load_plan_document(year, _settings()).warnings

    for quarter in quarters:
        check(functools.partial(quarter_warnings, quarter))
    for year in years:
        check(functools.partial(plan_warnings, year))
    if problems:  # a plan checked with its quarters reports its problems once
        _show_problems(sorted(set(problems)))
    if any(p.severity == "error" for p in problems):
        sys.exit(1)
    if strict and any(p.severity == "warning" for p in problems):
        click.secho("--strict: warnings fail", fg="red", err=True)
        sys.exit(1)
    if _verbosity():
        plans = f" and {len(years)} plan{'s' * (len(years) != 1)}" if years else ""
        click.echo(f"ok: {len(quarters)} quarter{'s' * (len(quarters) != 1)}{plans} checked")


def _default_quarters() -> list[Path]:
    """Return what validate checks when given nothing: reportgen.toml's quarter, the quarter
    it runs in, or every quarter of the year directory it runs in."""
    from reportgen.data.layout import PLAN_FILE, enclosing_quarter

    if _settings().quarter is None and enclosing_quarter(Path.cwd()) is None and (
            Path.cwd() / PLAN_FILE).is_file():
        return _quarters_of((Path("."),))
    return [_quarter(None)]


def _plans_of(paths: tuple[Path, ...]) -> list[Path]:
    """Return the year directories given (or whose plan.yaml or plan-text.yaml is given):
    their plan and plan text are checked as `reportgen plan` reads them."""
    from reportgen.data.layout import PLAN_FILE, PLAN_TEXT_FILE, is_quarter_dir

    found: list[Path] = []
    for path in paths:
        directory = path if path.is_dir() else path.parent
        if is_quarter_dir(directory) or not (directory / PLAN_FILE).is_file():
            continue
        if path.is_dir() or path.name in (PLAN_FILE, PLAN_TEXT_FILE):
            found += [directory] if directory not in found else []
    return found


def _quarters_of(paths: tuple[Path, ...], required: bool = True) -> list[Path]:
    """Return the quarter directories that the given directories or files belong to."""
    from reportgen.data.layout import is_quarter_dir, quarters_in

    found: list[Path] = []
    for path in paths:
        directory = path if path.is_dir() else path.parent
        if is_quarter_dir(directory):
            candidates = [directory]
        else:  # a year directory, or plan.yaml: every quarter under it
            candidates = quarters_in(directory)
        found += [c for c in candidates if c not in found]
    if not found and required:
        raise click.BadParameter("no quarter directory (one with a report.yaml) or plan.yaml "
                                 "found", param_hint="PATHS")
    return found


@main.command()
@QUARTER
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]), default="json",
              show_default=True)
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              help="Write files into this directory instead of printing: NAME.json, "
                   "NAME-objectives.csv and NAME-measures.csv (and NAME-milestones.csv, "
                   "NAME-projects.csv, NAME-risks.csv where the plan has them), or NAME.xlsx, "
                   "where NAME is council-year-quarter.")
@click.option("--table", type=click.Choice(["measures", "objectives", "milestones", "projects",
                                           "risks"]), default="measures",
              show_default=True, help="Which table csv prints when there is no --output.")
@click.option("--excel", is_flag=True,
              help="CSV for Excel: UTF-8 with a byte-order mark, so £ and accents show right.")
def export(quarter: Path | None, fmt: str, output: Path | None, table: str,
           excel: bool) -> None:
    """Print or write the computed report as data: json, csv (one table) or xlsx (a file)."""
    from reportgen.compute import tables
    from reportgen.compute.export import report_data
    from reportgen.core.output import write_all
    from reportgen.pipeline import output_stem

    if excel and fmt != "csv":
        raise click.UsageError("--excel is for --format csv (xlsx is Excel's own already)")
    report = _load(_quarter(quarter))
    if fmt == "xlsx":  # a binary file, never to the terminal
        output = output or _settings().output
    if output is None:
        if fmt == "json":
            click.echo(json.dumps(report_data(report), indent=2, ensure_ascii=False))
        else:
            click.echo(tables.to_csv(*tables.TABLES[table](report), excel=excel), nl=False)
        return
    stem = output / output_stem(report)
    files = {
        "json": lambda: {stem.with_suffix(".json"): json.dumps(
            report_data(report), indent=2, ensure_ascii=False).encode("utf-8")},
        # named for the quarter, so a second quarter's export does not overwrite the first
        "csv": lambda: {output / f"{stem.name}-{name}.csv":
                        tables.to_csv(*pick(report), excel=excel).encode("utf-8")
                        for name, pick in tables.tables_of(report).items()},
        "xlsx": lambda: {stem.with_suffix(".xlsx"): tables.to_xlsx(report)},
    }[fmt]()
    write_all(files)
    if _verbosity():
        for path in files:
            click.echo(f"wrote {path}")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--council", required=True, help="The council's name, e.g. 'Exampleshire County "
                                                "Council'.")
@click.option("--year", help="The plan year, YYYY-YY.  [default: the current one]")
@click.option("--scheme", default="strong-good-review-action", show_default=True,
              help="The rating scheme: strong-good-review-action or blue-green-amber-red.")
def init(directory: Path, council: str, year: str | None, scheme: str) -> None:
    """Start a council's data repository in DIRECTORY (new or empty): a plan with one
    worked example of each thing, the first quarter, settings, pre-commit and CI."""
    from reportgen.commands.init import init as run

    lines = _run(run, directory, council, year, scheme)
    if _verbosity():
        for line in lines:
            click.echo(line)
        click.echo(f"next: cd {directory}, edit the data, then `reportgen validate` and "
                   "`reportgen preview` (README.md there says more)")


@main.command("new-quarter")
@click.argument("source", metavar="FROM", type=click.Path(file_okay=False, path_type=Path))
@click.argument("target", metavar="TO", type=click.Path(path_type=Path))
def new_quarter(source: Path, target: Path) -> None:
    """Start quarter TO from quarter FROM: same files and ids, updates cleared to fill."""
    from reportgen.commands.workflow import new_quarter as run

    lines = _run(run, source, target)
    if _verbosity():
        for line in lines:
            click.echo(line)
        click.echo(f"next: edit the files, then `reportgen status {target}`")


@main.command()
@QUARTER
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def status(quarter: Path | None, fmt: str) -> None:
    """List what awaits an update, by owner; exit 0 when everything is in, 1 otherwise."""
    from reportgen.commands.workflow import status as run
    from reportgen.commands.workflow import status_text

    found = run(_load(_quarter(quarter)))
    click.echo(json.dumps(found, indent=2, ensure_ascii=False) if fmt == "json"
               else status_text(found))
    sys.exit(0 if found["complete"] else 1)


@main.command()
@QUARTER
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback shares the draft with the network.")
@click.option("--templates", "override", type=click.Path(file_okay=False, path_type=Path),
              help="A council directory with templates/ and styles/ that override ours.")
@click.option("--open/--no-open", "open_browser", default=True, show_default=True,
              help="Open the draft in the web browser (never in CI).")
def preview(quarter: Path | None, port: int, host: str, override: Path | None,
            open_browser: bool) -> None:
    """Serve QUARTER's HTML draft and rebuild and reload it on every change."""
    import signal

    from reportgen.preview.server import is_loopback
    from reportgen.preview.watch import serve

    # Stop on `kill` as on Ctrl+C: unwinding removes the draft's temporary directory.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if not is_loopback(host):
        click.secho(f"warning: serving on {host}, not loopback: anyone who can reach this "
                    "machine can read the draft", fg="yellow", err=True)
    _run(serve, _quarter(quarter), host=host, port=port,
         settings=_settings().overridden(templates=override),
         echo=lambda line: click.echo(line, err=True),
         on_ready=browser(open_browser))


def browser(wanted: bool) -> Callable[[str], object] | None:
    """Return what opens the draft in the web browser; None with --no-open or in CI, where
    nobody would see it (GitHub, GitLab and most others set CI)."""
    import webbrowser

    in_ci = os.environ.get("CI", "").lower() not in ("", "0", "false")
    return webbrowser.open if wanted and not in_ci else None


@main.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write it to this file (e.g. schema/reportgen.schema.json) instead.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of the data files (for editors and CI)."""
    from reportgen.data.schema import json_schema

    text = json.dumps(json_schema(), indent=2)
    if output is None:
        click.echo(text)
        return
    from reportgen.core.output import write_all

    write_all({output: (text + "\n").encode("utf-8")})
    if _verbosity():
        click.echo(f"wrote {output}")


@main.command()
@click.argument("old", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.argument("new", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--rev", "revs", metavar="A..B",
              help="Compare one QUARTER at two git revisions: A..B, A.. (A to HEAD) or "
                   "A (A to the working tree).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]),
              default="text", show_default=True, help="markdown suits a pull-request comment.")
def diff(old: Path | None, new: Path | None, revs: str | None, fmt: str) -> None:
    """Show what a reviewer must see: OLD and NEW quarter directories, or QUARTER --rev A..B."""
    import tempfile

    from reportgen.compute import diff as review
    from reportgen.data import git

    if revs is None and (old is None or new is None):
        raise click.UsageError("give two quarter directories, or one with --rev A..B")
    if revs is not None and new is not None:
        raise click.UsageError("with --rev, give one quarter directory")
    before: Report | None
    with tempfile.TemporaryDirectory(prefix="reportgen-diff-") as tmp:
        if revs is None:
            assert old is not None and new is not None  # noqa: S101 - checked above
            before, after = _load(old), _load(new)
            labels = (str(old), str(new))
        else:
            quarter = _quarter(old)
            rev_old, rev_new = _run(git.parse_revs, revs)
            at_old = _run(git.quarter_at, quarter, rev_old, Path(tmp) / "old")
            at_new = (_run(git.quarter_at, quarter, rev_new, Path(tmp) / "new")
                      if rev_new else quarter)
            if at_new is None:
                raise click.UsageError(f"{quarter} does not exist at {rev_new}")
            after = _load(at_new)
            before = _load(at_old) if at_old is not None else None  # a new quarter
            labels = (git.label(quarter, rev_old), git.label(quarter, rev_new))
    changes, published = review.compare(before, after), review.overrides(after)
    if fmt == "json":
        click.echo(json.dumps(review.as_json(changes, *labels, published), indent=2,
                              ensure_ascii=False))
    else:
        render = review.as_markdown if fmt == "markdown" else review.as_text
        click.echo(render(changes, *labels, published), nl=False)


def _load(quarter: Path) -> Report:
    """Return the quarter's report through the one pipeline, or stop with its problems."""
    from reportgen.pipeline import load_report

    report: Report = _run(load_report, quarter, _settings())
    return report


@main.command("check-pdf")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--page", type=click.Choice(["landscape", "portrait"]), default="landscape",
              show_default=True, help="The A4 page the PDF should have: landscape for the "
                                      "quarterly report, portrait for `reportgen plan`.")
def check_pdf(file: Path, page: str) -> None:
    """Check FILE's tags against PDF/UA-1 (headings, figures, tables, lists, bookmarks,
    fonts...) and its page size; print each check and exit 1 if any fails (a page size
    other than A4 landscape is a warning)."""
    from reportgen.pdf.check import check_pdf as run_checks

    results = run_checks(file, page)
    for result in results:
        click.secho(str(result), fg=None if result.ok else "yellow" if result.warning else "red")
    failed = sum(r.failed for r in results)
    warned = sum(not r.ok and r.warning for r in results)
    click.echo(f"{len(results) - failed - warned} passed, {failed} failed"
               + (f", {warned} warning{'s' * (warned != 1)}" if warned else ""))
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
