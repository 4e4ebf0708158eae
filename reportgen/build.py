"""The pipeline: load -> rate -> chart -> render -> PDF -> write. Everything is computed
before anything is written, so a failed build leaves the last good outputs untouched."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import charts as chartlib
from . import chartstore, sandbox, trends
from .errors import DataError, Problem, RenderError
from .load import load_quarter
from .model import Measure, Report
from .output import write_all
from .render import ROOT, STYLES, render_html, stylesheet
from .sandbox import Limits, render_pdf
from .summary import progress_counts, rating_counts

if TYPE_CHECKING:
    from .config import Settings

FORMATS = ("pdf", "html")
Progress = Callable[[str], None]


@dataclass
class BuildResult:
    report: Report
    outputs: list[Path]
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def output_stem(report: Report) -> str:
    """Return the outputs' file name stem: derbyshire-county-council-2025-26-q1."""
    council = re.sub(r"[^a-z0-9]+", "-", report.council.lower()).strip("-")
    return f"{council}-{report.year}-q{report.quarter}"


def build(quarter_dir: Path, output_dir: Path, *, formats: tuple[str, ...] = FORMATS,
          draft: bool = False, strict: bool = False, override: Path | None = None,
          progress: Progress = lambda _: None, settings: Settings | None = None,
          limits: Limits | None = None, cache: bool = True,
          jobs: int | None = None) -> BuildResult:
    """Build the quarter's report into output_dir and return what was written. Charts come
    from the chart cache unless `cache` is False; `jobs` processes draw the rest (1: this one)."""
    started = time.perf_counter()
    # the PDF child imports WeasyPrint while we load and draw
    with sandbox.worker("pdf" in formats) as pdf_worker:
        progress("Reading and checking the data")
        report = load_quarter(quarter_dir)
        if settings is not None:  # reportgen.toml: council name, rating scheme, branding
            settings.apply(report)
        warnings = [str(w) for w in report.warnings]
        progress("Drawing charts")
        charts = report_charts(report)
        cache_dir = chartstore.cache_dir(chartstore.cache_root()) if cache else None
        css = stylesheet(override)
        stamp = draft_stamp(quarter_dir) if draft else None
        files: dict[Path, bytes] = {}
        stem = output_dir / output_stem(report)
        with chartstore.ChartStore(charts.values(), cache=cache_dir, jobs=jobs) as drawn:

            def page(**extra: object) -> str:
                return render_html(report, charts, lambda c: f"chart:{drawn.name(c)}", css=css,
                                   draft=stamp, override=override, extra=extra)

            if "pdf" in formats:
                progress("Laying out the PDF")
                html = page()
                # The PDF is laid out in a child process within a time and a memory limit
                # (sandbox.py), so it is handed every chart: wait for the pool first.
                drawn.finish()
                pdf, pdf_warnings = render_pdf(
                    html, base=_style_base(override), roots=_style_roots(override),
                    charts={drawn.name(c): drawn.file(drawn.name(c)) for c in charts.values()},
                    limits=limits or Limits(), child=pdf_worker)
                warnings += [f"PDF: {w}" for w in pdf_warnings]
                files[stem.with_suffix(".pdf")] = pdf
            if "html" in formats:
                progress("Rendering HTML")
                # anchors a reviewer can link to; charts inlined so the file stands alone
                html = drawn.inline(page(self_links=True))
                files = {stem.with_suffix(".html"): html.encode("utf-8"), **files}
        if strict and warnings:
            raise DataError([Problem("(build)", 0, 0, "", f"--strict: {w}") for w in warnings])
        progress("Writing files")
        write_all(files)
    return BuildResult(report, list(files), warnings, time.perf_counter() - started)


def report_charts(report: Report) -> dict[str, chartlib.Chart]:
    """Return every chart the report shows, by its place: overall and per outcome wheels,
    and a trend for each measure with a value and at least one earlier year."""
    out: dict[str, chartlib.Chart] = {}
    groups = [("overall", report.objectives, report.measures)] + [
        (o.id, o.objectives, o.measures) for o in report.outcomes]
    for key, objectives, measures in groups:
        out[f"{key}-objectives"] = chartlib.Wheel("Objectives", tuple(
            chartlib.Slice(c.label, c.count, c.colour) for c in progress_counts(objectives)))
        rated = rating_counts(measures, report.scheme)
        if any(c.count for c in rated):
            out[f"{key}-measures"] = chartlib.Wheel("Measures", tuple(
                chartlib.Slice(c.label, c.count, c.colour) for c in rated))
    for m in report.measures:
        if m.value is not None and m.history:
            out[f"trend-{m.id}"] = trend(report, m)
    for kind in ("objectives", "measures"):  # the year so far, quarter by quarter
        out[f"year-{kind}"] = trends.trend_chart(report, kind)
    return out


def trend(report: Report, m: Measure) -> chartlib.Trend:
    """Return the trend panel of one measure: earlier years, then the latest value."""
    points = [chartlib.Point(year, float(q), m.text(q)) for year, q in sorted(m.history.items())]
    points.append(chartlib.Point(report.year, float(m.value), m.text(m.value)))
    target = chartlib.Point(report.year, float(m.target), m.text(m.target)) if m.target else None
    benchmark = (chartlib.Point(m.benchmark_group or "Benchmark", float(m.benchmark),
                                m.text(m.benchmark)) if m.benchmark else None)
    colour = m.rating.colour if m.rating else "#505a5f"
    return chartlib.Trend(m.title, tuple(points[-5:]), target, benchmark, m.unit, colour)


def _style_roots(override: Path | None) -> list[Path]:
    """Return the directories the PDF renderer may read: our styles and the council's."""
    return [STYLES] + ([override / "styles"] if override else [])


def _style_base(override: Path | None) -> Path:
    """Return the directory that relative URLs in the stylesheet resolve against."""
    if override and (override / "styles" / "report.css").is_file():
        return override / "styles"
    return STYLES


def draft_stamp(quarter_dir: Path) -> str:
    """Return "built 2026-11-22 10:30 UTC, commit abc1234" for the draft banner."""
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    try:
        commit = subprocess.run(  # noqa: S603 - fixed argv, no shell
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH, as users run it
            cwd=quarter_dir, capture_output=True,
            text=True, timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = "not in git"
    return f"built {when}, commit {commit}"


def default_quarter() -> Path:
    """Return the bundled sample quarter, so `reportgen build` works on a fresh checkout."""
    local = Path("data/derbyshire/2025-26/q1")
    return local if local.is_dir() else ROOT / local


__all__ = ["build", "BuildResult", "RenderError", "default_quarter", "output_stem"]
