"""The pipeline every command shares: load -> settings -> rate, then chart -> render -> PDF
-> write. Everything is computed before anything is written, so a failed build leaves the
last good outputs untouched."""

from __future__ import annotations

import queue
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.compute.rate import rate
from reportgen.core.errors import DataError, Problem, RenderError, UsageError
from reportgen.core.model import Report
from reportgen.core.output import write_all
from reportgen.core.plan import PlanDocument
from reportgen.core.resources import ROOT, SAMPLE_QUARTER
from reportgen.core.words import DEFAULT_LANGUAGE
from reportgen.data.load import load_quarter
from reportgen.data.plan import load_plan
from reportgen.data.settings import Settings
from reportgen.pdf import sandbox
from reportgen.pdf.sandbox import Limits, render_pdf

# What only building needs (the HTML renderer with Jinja and Markdown, the charts) is
# imported where it is used: `validate`, `status` and `export` get their report from
# load_report here and should not pay for it (~0.1 s of a ~0.4 s validate).
if TYPE_CHECKING:
    from reportgen.charts import store as chartstore
    from reportgen.charts.spec import Chart

FORMATS = ("pdf", "html")
Progress = Callable[[str], None]
Files = dict[Path, bytes]


@dataclass
class BuildResult:
    report: Report
    outputs: list[Path]
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # published ratings with their reasons
    # the PDF child's steps, in seconds: layout_s, write_s, finish_s (shown by --verbose)
    timings: dict[str, float] = field(default_factory=dict)


def load_report(quarter_dir: Path, settings: Settings | None = None) -> Report:
    """Return the quarter's report, checked, with the settings applied and every quarter it
    shows rated. Every command gets its report here, so a setting reaches all of them."""
    report = load_quarter(quarter_dir)
    (settings or Settings()).apply(report)
    if any(p.severity == "error" for p in rate(report)):
        raise DataError(report.warnings)
    return report


def page(report: Report, charts: dict[str, Chart], chart_src: Callable[[Chart], str],
         settings: Settings, *, draft: str | None = None, self_links: bool = False,
         standalone: bool = False) -> str:
    """Return the report as one HTML page, with the settings' templates and styles;
    `standalone`: with the stylesheet's fonts and images inlined, for the HTML outputs."""
    from reportgen.render.html import render_html, style_base, style_roots, stylesheet
    from reportgen.render.inline import inline_urls

    css = stylesheet(settings.templates, replace=settings.branding.replace_stylesheet)
    brand = None
    if standalone:
        roots = style_roots(settings.templates) + settings.branding.roots()
        base = style_base(settings.templates, replace=settings.branding.replace_stylesheet)
        css = inline_urls(css, base, roots)
        brand = inline_urls(report.brand_css, base, roots)
    return render_html(report, charts, chart_src, css=css, draft=draft,
                       override=settings.templates, extra={"self_links": self_links},
                       brand_css=brand)


def output_stem(report: Report) -> str:
    """Return the outputs' file name stem: derbyshire-county-council-2025-26-q1 (-cy for the
    Welsh edition)."""
    council = re.sub(r"[^a-z0-9]+", "-", report.council.lower()).strip("-")
    # another language's edition sits beside the English one: ...-q1-cy
    language = "" if report.words.language == DEFAULT_LANGUAGE else f"-{report.words.language}"
    return f"{council}-{report.year}-q{report.quarter}{language}"


@dataclass
class Made:
    """One quarter's outputs, in memory: the report, its PDF and HTML, the warnings."""

    report: Report
    pdf: bytes | None
    html: str | None
    warnings: list[str]
    notes: list[str]  # published ratings with their reasons: shown, but --strict passes
    timings: dict[str, float] = field(default_factory=dict)  # the PDF child's steps


class Builder:
    """Makes quarters' outputs in memory. `reportgen build` makes one; `reportgen publish`
    makes every quarter with one builder, so the PDF children (WeasyPrint imported, fonts
    loaded) and the chart pool stay warm from one quarter to the next."""

    def __init__(self, stack: ExitStack, *, settings: Settings, formats: tuple[str, ...],
                 limits: Limits, cache: bool, jobs: int | None, many: int = 0) -> None:
        """many: how many kept PDF children lay out quarters side by side, for make() called
        from as many threads (publish); 0: one quarter, one single-use child (build)."""
        from reportgen.charts import store as chartstore

        self.settings, self.formats, self.limits = settings, formats, limits
        # a PDF child of one quarter gets a core of its own (chartstore.workers); publish
        # keeps a pool for every core, as two children lay out quarters side by side
        self.jobs = jobs if many else chartstore.workers(jobs, "pdf" in formats)
        self.cache = chartstore.cache_dir(chartstore.cache_root()) if cache else None
        self.pdf_worker: sandbox.Child | None = None
        self.kept: queue.Queue[sandbox.Kept] | None = None
        self.pool: chartstore.SharedPool | None = None
        if many:  # kept children, and one chart pool for every quarter
            if "pdf" in formats:
                self.kept = queue.Queue()
                for _ in range(many):
                    self.kept.put(stack.enter_context(sandbox.Kept()))
            self.pool = stack.enter_context(chartstore.SharedPool(jobs))
        else:  # the PDF child imports WeasyPrint while we load and draw
            self.pdf_worker = stack.enter_context(sandbox.worker("pdf" in formats))

    @contextmanager
    def _child(self) -> Iterator[sandbox.Child | sandbox.Kept | None]:
        """Lend a PDF child for one quarter: a free kept one (waiting for one), else ours."""
        if self.kept is None:
            yield self.pdf_worker
            return
        child = self.kept.get()
        try:
            yield child
        finally:
            self.kept.put(child)

    def make(self, quarter_dir: Path, *, draft: bool = False,
             progress: Progress = lambda _: None, report: Report | None = None) -> Made:
        """Return the quarter's outputs, computed but not written; `report`: the quarter's
        report if it is already loaded (load_report)."""
        from reportgen.charts import store as chartstore
        from reportgen.charts.report import report_charts

        settings = self.settings
        progress("Reading and checking the data")
        report = report or load_report(quarter_dir, settings)
        # notes (a published rating with its reason) are shown, but --strict lets them pass
        warnings = [str(w) for w in report.warnings if w.severity != "note"]
        notes = [str(w) for w in report.warnings if w.severity == "note"]
        progress("Drawing charts")
        charts = report_charts(report)
        stamp = draft_stamp(quarter_dir) if draft else None
        src: Callable[[Chart], str]
        with chartstore.ChartStore(charts.values(), cache=self.cache, jobs=self.jobs,
                                   pool=self.pool) as drawn:
            src = lambda c: f"chart:{drawn.name(c)}"  # noqa: E731 - one line, used twice
            pdf = html = None
            timings: dict[str, float] = {}

            def html_file() -> str:
                # anchors a reviewer can link to; charts and fonts inlined: the file stands
                # alone
                return drawn.inline(page(report, charts, src, settings, draft=stamp,
                                         self_links=True, standalone=True))

            if "pdf" in self.formats:
                progress("Laying out the PDF")
                with self._child() as child:
                    pdf, html = _pdf(page(report, charts, src, settings, draft=stamp), charts,
                                     drawn, settings, self.limits, child, warnings, timings,
                                     alongside=html_file if "html" in self.formats else None)
            elif "html" in self.formats:
                progress("Rendering HTML")
                html = html_file()
        return Made(report, pdf, html, warnings, notes, timings)


def build(quarter_dir: Path, output_dir: Path, *, formats: tuple[str, ...] = FORMATS,
          draft: bool = False, strict: bool = False, override: Path | None = None,
          progress: Progress = lambda _: None, settings: Settings | None = None,
          limits: Limits | None = None, cache: bool = True,
          jobs: int | None = None) -> BuildResult:
    """Build the quarter's report into output_dir and return what was written. Charts come
    from the chart cache unless `cache` is False; `jobs` processes draw the rest (1: this one).
    `override` (a templates directory) wins over the settings' own."""
    started = time.perf_counter()
    settings = (settings or Settings()).overridden(templates=override)
    with ExitStack() as stack:
        builder = Builder(stack, settings=settings, formats=formats, limits=limits or Limits(),
                          cache=cache, jobs=jobs)
        made = builder.make(quarter_dir, draft=draft, progress=progress)
    if strict and (not_ready := _not_ready(made.report, made.warnings)):
        raise DataError(not_ready)
    # A draft never takes the final report's name, so neither can pass for the other.
    stem = output_dir / (output_stem(made.report) + ("-draft" if draft else ""))
    files: Files = {}
    if made.html is not None:
        files[stem.with_suffix(".html")] = made.html.encode("utf-8")
    if made.pdf is not None:
        files[stem.with_suffix(".pdf")] = made.pdf
    progress("Writing files")
    write_all(files)
    return BuildResult(made.report, list(files), made.warnings, time.perf_counter() - started,
                       made.notes, made.timings)


def _not_ready(report: Report, warnings: list[str]) -> list[Problem]:
    """Return why --strict refuses to publish: every warning (the data's at their own place,
    the PDF's at the build) and everything that is not ready (compute.readiness)."""
    from reportgen.compute import readiness

    found = [Problem(w.file, w.line, w.column, w.path, f"--strict: {w.message}")
             for w in report.warnings if w.severity != "note"]  # notes pass
    found += [Problem("(build)", 0, 0, "", f"--strict: {w}") for w in warnings
              if w.startswith("PDF: ")]
    return found + readiness.unready(report)


def _pdf(html: str, charts: dict[str, Chart], drawn: chartstore.ChartStore, settings: Settings,
         limits: Limits, child: sandbox.Child | sandbox.Kept | None, warnings: list[str],
         timings: dict[str, float], *,
         alongside: Callable[[], str] | None = None) -> tuple[bytes, str | None]:
    """Return the PDF, laid out in the sandboxed child within the limits (adding its warnings
    and its steps' times), and what `alongside` returns, run in a thread meanwhile."""
    from reportgen.charts.draw import pixel_size
    from reportgen.render.html import style_base, style_roots

    # The child is handed the charts in hand, every PNG chart's size, and the others as they
    # are drawn: it lays out the whole report while they are (pdf.write.chart_images).
    sizes = ({drawn.name(c): pixel_size(c) for c in charts.values()} if drawn.fmt == "png"
             else {})
    if not sizes:  # SVG charts: their sizes are not known before they are drawn
        drawn.finish()
    ready, waiting = drawn.split()
    with ThreadPoolExecutor(1, thread_name_prefix="reportgen-html") as side:
        # The HTML file is rendered while the child lays out the PDF, not after it.
        other = side.submit(alongside) if alongside is not None else None
        rendered = render_pdf(
            html,
            base=style_base(settings.templates, replace=settings.branding.replace_stylesheet),
            roots=style_roots(settings.templates) + settings.branding.roots(),
            charts=ready, later=sandbox.Later(waiting, drawn.file) if waiting else None,
            sizes=sizes, limits=limits, child=child)
    warnings += [f"PDF: {w}" for w in rendered.warnings]
    timings.update(rendered.timings)
    return rendered.pdf, other.result() if other is not None else None


@dataclass
class PlanResult:
    plan: PlanDocument
    outputs: list[Path]
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


PLAN_CSS = "plan.css"


def load_plan_document(year_dir: Path, settings: Settings | None = None) -> PlanDocument:
    """Return the year's plan document, checked, with the settings' council and branding."""
    plan = load_plan(year_dir)
    settings = settings or Settings()
    plan.brand_css = settings.css()
    if settings.branding.council:
        plan.council = settings.branding.council
    return plan


def plan_stem(plan: PlanDocument) -> str:
    """Return the plan outputs' file name stem: derbyshire-county-council-2020-21-plan."""
    council = re.sub(r"[^a-z0-9]+", "-", plan.council.lower()).strip("-")
    return f"{council}-{plan.year}-plan"


def build_plan(year_dir: Path, output_dir: Path, *, formats: tuple[str, ...] = FORMATS,
               draft: bool = False, strict: bool = False, settings: Settings | None = None,
               limits: Limits | None = None) -> PlanResult:
    """Build the plan document (the Council Plan and its delivery plan) from the year
    directory's plan.yaml and plan-text.yaml; everything is made before anything is written."""
    from reportgen.render.html import render_plan_html, style_base, style_roots, stylesheet

    started = time.perf_counter()
    settings = settings or Settings()
    override = settings.templates
    with sandbox.worker("pdf" in formats) as child:
        plan = load_plan_document(year_dir, settings)
        warnings = [str(w) for w in plan.warnings]
        stamp = draft_stamp(plan.directory) if draft else None
        replace = settings.branding.replace_stylesheet
        css = stylesheet(override, PLAN_CSS, replace=replace)
        stem = output_dir / (plan_stem(plan) + ("-draft" if draft else ""))
        html = render_plan_html(plan, css=css, draft=stamp, override=override)
        files: Files = {}
        if "html" in formats:
            files[stem.with_suffix(".html")] = html.encode("utf-8")
        if "pdf" in formats:  # one HTML for both: the PDF is laid out from what is published
            rendered = render_pdf(
                html, base=style_base(override, PLAN_CSS, replace),
                roots=style_roots(override) + settings.branding.roots(),
                charts={}, limits=limits or Limits(), child=child)
            warnings += [f"PDF: {w}" for w in rendered.warnings]
            files[stem.with_suffix(".pdf")] = rendered.pdf
    if strict and warnings:
        raise DataError([Problem("(plan)", 0, 0, "", f"--strict: {w}") for w in warnings])
    write_all(files)
    return PlanResult(plan, list(files), warnings, time.perf_counter() - started)


def default_year() -> Path:
    """Return the bundled sample plan, so `reportgen plan` works on a fresh checkout."""
    local = Path("data/derbyshire/2020-21")
    return local if local.is_dir() else ROOT / local


def draft_stamp(quarter_dir: Path) -> str:
    """Return "built 2026-11-22 10:30 UTC, commit abc1234" for the draft banner, with
    "+ uncommitted changes" when the working tree differs from that commit: a draft must not
    pass for the committed data when it is not."""
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    commit = _git_out(quarter_dir, "rev-parse", "--short", "HEAD")
    if commit is None:
        return f"built {when}, not in git"
    dirty = _git_out(quarter_dir, "status", "--porcelain", "--untracked-files=normal")
    return f"built {when}, commit {commit}" + (" + uncommitted changes" if dirty else "")


def _git_out(where: Path, *args: str) -> str | None:
    """Return git's output run in `where`, or None when git or the repository is missing."""
    try:
        return subprocess.run(  # noqa: S603 - fixed argv, no shell
            ["git", *args],  # noqa: S607 - git from PATH, as users run it
            cwd=where, capture_output=True, text=True, timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def default_quarter() -> Path:
    """Return the bundled sample quarter, so `reportgen build` works on a fresh checkout or
    after a plain `pip install`. Relative when run from the checkout, for shorter messages."""
    local = Path("data/derbyshire/2025-26/q1")
    if local.is_dir():
        return local
    if SAMPLE_QUARTER.is_dir():
        return SAMPLE_QUARTER
    raise UsageError("no quarter given and the bundled sample is missing: give a quarter "
                     "directory (reportgen build data/COUNCIL/YEAR/q1), set `quarter` in "
                     "reportgen.toml, or start a council with `reportgen init DIR`")


__all__ = ["build", "build_plan", "Builder", "BuildResult", "Made", "PlanResult", "RenderError",
           "default_quarter", "default_year", "load_plan_document", "load_report",
           "output_stem", "page", "plan_stem"]
