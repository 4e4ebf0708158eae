"""`reportgen publish`: every quarter in a data directory as a static website a council can
upload as it is.

    site/index.html                               every quarter, newest first
    site/<council>/<year>/q<N>/index.html         the report as a web page
    site/<council>/<year>/q<N>/fragment.html      the same, to embed in a council's CMS
    site/<council>/<year>/q<N>/<stem>.pdf         the PDF
    site/<council>/<year>/q<N>/<stem>.json        open data: the computed report
    site/<council>/<year>/q<N>/<stem>.xlsx        ... both tables as a workbook
    site/<council>/<year>/q<N>/<stem>-objectives.csv and <stem>-measures.csv

The names come from the data alone, so a link to a quarter never changes. Every quarter is
made by one pipeline.Builder: one PDF child and one chart pool, warm from quarter to quarter.
Everything is computed before anything is written, as in `reportgen build`.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from reportgen.compute import tables
from reportgen.compute.export import report_data
from reportgen.core.errors import DataError, Problem, UsageError
from reportgen.core.model import Report
from reportgen.core.output import write_all
from reportgen.data.layout import PLAN_FILE, is_quarter_dir
from reportgen.data.settings import Settings
from reportgen.pdf.sandbox import Limits
from reportgen.pipeline import FORMATS, Builder, Made, load_report, output_stem
from reportgen.publish.fragment import fragment
from reportgen.render.html import environment, style_base, style_roots, stylesheet
from reportgen.render.inline import inline_urls

Files = dict[Path, bytes]
# PDF children laying out quarters at once (at most one per core): each needs ~400 MB for
# a 30-page report, and a third gave nothing more on 2 cores.
PDF_CHILDREN = 2
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Download:
    """A file of a quarter the index links to."""

    kind: str  # "PDF", "Excel", "CSV", "JSON": the words in the link
    what: str  # "" or "measures" / "objectives" for the two CSV files
    href: str  # relative to the index
    size: int  # bytes


@dataclass
class Entry:
    """One quarter on the index page."""

    council: str
    plan: str
    year: str
    quarter: int
    title: str
    href: str  # the quarter's page, relative to the index
    downloads: list[Download] = field(default_factory=list)


@dataclass
class SiteResult:
    entries: list[Entry]
    outputs: list[Path]
    warnings: list[str]
    seconds: float


def find_quarters(data_dir: Path) -> list[Path]:
    """Return every quarter directory under data_dir (one with report.yaml whose year has a
    plan.yaml), or data_dir itself if it is one; in name order."""
    if is_quarter_dir(data_dir):
        return [data_dir]
    found = [p.parent for p in data_dir.rglob("report.yaml")
             if (p.parent.parent / PLAN_FILE).is_file()]
    return sorted(set(found))


def slug(text: str) -> str:
    """Return text as a URL path segment: "Derbyshire County Council" -> "derbyshire-...",
    the same each time."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "council"


def quarter_folder(report: Report) -> str:
    """Return the quarter's folder in the site: derbyshire-county-council/2025-26/q1."""
    return f"{slug(report.council)}/{slug(report.year)}/q{report.quarter}"


def publish(data_dir: Path, output: Path, *, settings: Settings | None = None,
            limits: Limits | None = None, cache: bool = True, jobs: int | None = None,
            progress: Progress = lambda _: None) -> SiteResult:
    """Build every quarter under data_dir into a static site in `output`; write it only if
    every quarter built. Raise DataError with the problems of every quarter that did not."""
    started = time.perf_counter()
    settings = settings or Settings()
    quarters = find_quarters(data_dir)
    if not quarters:
        raise UsageError(f"no quarter directory (one with report.yaml beside its year's "
                         f"plan.yaml) under {data_dir}")
    reports, problems = _load_all(quarters, settings, progress)
    if problems:  # nothing is built: the policy team sees every quarter's problems at once
        raise DataError(problems)
    files: Files = {}
    entries: list[Entry] = []
    warnings: list[str] = []
    side_by_side = min(PDF_CHILDREN, _cores(), len(quarters))
    with ExitStack() as stack:
        # Threads only wait for the PDF children, which lay out quarters side by side. On a
        # failure the children (entered last) are killed first, so no thread waits long.
        threads = stack.enter_context(ThreadPoolExecutor(side_by_side,
                                                         thread_name_prefix="reportgen-site"))
        stack.callback(threads.shutdown, wait=False, cancel_futures=True)
        builder = Builder(stack, settings=settings, formats=FORMATS, limits=limits or Limits(),
                          cache=cache, jobs=jobs, many=side_by_side)
        made = [threads.submit(builder.make, q, report=r)
                for q, r in zip(quarters, reports, strict=True)]
        for n, (quarter, future) in enumerate(zip(quarters, made, strict=True), 1):
            result = future.result()
            progress(f"Built {n} of {len(quarters)}: {quarter}")
            warnings += [f"{quarter}: {w}" for w in result.warnings]
            entry, quarter_files = _quarter_files(result, settings)
            entries.append(entry)
            files.update({output / path: data for path, data in quarter_files.items()})
    files[output / "index.html"] = index_page(entries, settings).encode("utf-8")
    progress("Writing files")
    write_all(files)
    return SiteResult(newest_first(entries), list(files), warnings,
                      time.perf_counter() - started)


def _load_all(quarters: list[Path], settings: Settings,
              progress: Progress) -> tuple[list[Report], list[Problem]]:
    """Return every quarter's report, or every problem of every quarter that has some."""
    reports: list[Report] = []
    problems: list[Problem] = []
    for n, quarter in enumerate(quarters, 1):
        progress(f"Checking {n} of {len(quarters)}: {quarter}")
        try:
            reports.append(load_report(quarter, settings))
        except DataError as exc:
            problems += exc.problems
    return reports, problems


def _cores() -> int:
    """Return how many cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _quarter_files(made: Made, settings: Settings) -> tuple[Entry, dict[Path, bytes]]:
    """Return the quarter's index entry and its files, by path relative to the site."""
    report = made.report
    folder = Path(quarter_folder(report))
    stem = output_stem(report)
    assert made.html is not None and made.pdf is not None
    data = {
        f"{stem}.pdf": ("PDF", "", made.pdf),
        f"{stem}.xlsx": ("Excel", "", tables.to_xlsx(report)),
        f"{stem}-measures.csv": ("CSV", "measures",
                                 tables.to_csv(*tables.measure_table(report)).encode("utf-8")),
        f"{stem}-objectives.csv": ("CSV", "objectives",
                                   tables.to_csv(*tables.objective_table(report))
                                   .encode("utf-8")),
        f"{stem}.json": ("JSON", "", (json.dumps(report_data(report), indent=2,
                                                 ensure_ascii=False) + "\n").encode("utf-8")),
    }
    files = {folder / name: content for name, (_, _, content) in data.items()}
    files[folder / "index.html"] = made.html.encode("utf-8")
    files[folder / "fragment.html"] = fragment(made.html).encode("utf-8")
    entry = Entry(report.council, report.plan, report.year, report.quarter, report.title,
                  f"{folder.as_posix()}/",
                  [Download(kind, what, f"{folder.as_posix()}/{name}", len(content))
                   for name, (kind, what, content) in data.items()])
    return entry, files


def newest_first(entries: list[Entry]) -> list[Entry]:
    """Return the entries by council, then newest year and quarter first."""
    by_time = sorted(entries, key=lambda e: (e.year, e.quarter), reverse=True)
    return sorted(by_time, key=lambda e: e.council)


def index_page(entries: list[Entry], settings: Settings) -> str:
    """Return the site's index page: every quarter of every council, newest first."""
    councils: dict[str, dict[str, list[Entry]]] = {}
    for entry in newest_first(entries):
        councils.setdefault(entry.council, {}).setdefault(entry.year, []).append(entry)
    replace = settings.branding.replace_stylesheet
    base = style_base(settings.templates, replace=replace)
    roots = style_roots(settings.templates) + settings.branding.roots()
    css = inline_urls(stylesheet(settings.templates, replace=replace), base, roots)
    brand = inline_urls(settings.css(), base, roots)
    template = environment(settings.templates).get_template("site.html")
    return template.render(councils=councils, size=human_size,
                           css=Markup(css + brand))  # noqa: S704 - our files, checked settings


def human_size(size: int) -> str:
    """Return a file size as a resident reads it: "716 KB", "1.2 MB"."""
    if size < 1000 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"
