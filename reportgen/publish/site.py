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
import re
import time
from collections.abc import Callable
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
    files: Files = {}
    entries: list[Entry] = []
    warnings: list[str] = []
    problems: list[Problem] = []
    with ExitStack() as stack:
        builder = Builder(stack, settings=settings, formats=FORMATS, limits=limits or Limits(),
                          cache=cache, jobs=jobs, many=True)
        for n, quarter in enumerate(quarters, 1):
            progress(f"Quarter {n} of {len(quarters)}: {quarter}")
            try:
                if problems:  # nothing will be written: only look for more problems
                    load_report(quarter, settings)
                    continue
                made = builder.make(quarter)
            except DataError as exc:  # go on: the policy team sees every quarter's problems
                problems += exc.problems
                continue
            warnings += [f"{quarter}: {w}" for w in made.warnings]
            entry, quarter_files = _quarter_files(made, settings)
            entries.append(entry)
            files.update({output / path: data for path, data in quarter_files.items()})
    if problems:
        raise DataError(problems)
    files[output / "index.html"] = index_page(entries, settings).encode("utf-8")
    progress("Writing files")
    write_all(files)
    return SiteResult(newest_first(entries), list(files), warnings,
                      time.perf_counter() - started)


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
    css = inline_urls(stylesheet(settings.templates), style_base(settings.templates),
                      style_roots(settings.templates))
    template = environment(settings.templates).get_template("site.html")
    return template.render(councils=councils, size=human_size,
                           css=Markup(css + settings.css()))  # noqa: S704 - our files, checked settings


def human_size(size: int) -> str:
    """Return a file size as a resident reads it: "716 KB", "1.2 MB"."""
    if size < 1000 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"
