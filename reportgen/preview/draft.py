"""The draft the preview shows: DraftBuilder builds the quarter's HTML through the same
pipeline as `build` (never importing WeasyPrint), keeping drawn charts across rebuilds so an
edit to one comment redraws nothing; Preview keeps the last good page, adds the problems panel
when a build fails, and wakes everyone waiting for a new version."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from reportgen.charts.draw import draw
from reportgen.charts.report import report_charts
from reportgen.charts.spec import chart_key
from reportgen.charts.store import FORMAT, data_uri
from reportgen.core.errors import DataError, Problem, ReportgenError, display_path
from reportgen.data.settings import Settings
from reportgen.pipeline import draft_stamp, load_report, page
from reportgen.render.html import environment

log = logging.getLogger(__name__)

EVENTS = "/__preview/events"
# Constant, so the Content-Security-Policy can allow exactly this script by its hash.
RELOAD_JS = (
    "(function(){var seen=document.querySelector('meta[name=\"reportgen-build\"]').content;"
    f"var es=new EventSource('{EVENTS}');"
    "es.addEventListener('build',function(e){if(e.data!==seen){es.close();location.reload();}});"
    "})();"
)
CSP = "; ".join([
    "default-src 'none'",
    "script-src 'sha256-" + base64.b64encode(hashlib.sha256(RELOAD_JS.encode()).digest()).decode()
    + "'",
    "style-src 'unsafe-inline'",  # the report's <style> and the icons' style attributes
    "img-src data:",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
])
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


@dataclass
class Built:
    """One successful build of the draft page."""

    html: str
    drawn: int = 0                       # charts drawn this time; the rest came from the memo
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class Draft:
    """The outcome of one rebuild, as the terminal and the page report it."""

    version: int
    ok: bool
    seconds: float
    problems: list[Problem]
    drawn: int = 0


Builder = Callable[[], Built]


class DraftBuilder:
    """Build the quarter's HTML draft, drawing only charts it has not drawn before."""

    def __init__(self, quarter_dir: Path, settings: Settings | None = None) -> None:
        self.quarter_dir = quarter_dir
        self.settings = settings or Settings()
        self.memo: dict[str, bytes] = {}  # chart_key -> PNG; the key covers all the chart shows

    def __call__(self) -> Built:
        report = load_report(self.quarter_dir, self.settings)  # the pipeline build() uses
        charts = report_charts(report)
        keys = {chart_key(c): c for c in charts.values()}
        missing = [key for key in keys if key not in self.memo]
        for key in missing:
            self.memo[key] = draw(keys[key], FORMAT)
        self.memo = {key: self.memo[key] for key in keys}  # forget charts no longer shown
        html = page(report, charts, lambda c: data_uri(self.memo[chart_key(c)]), self.settings,
                    draft=draft_stamp(self.quarter_dir), self_links=True)
        return Built(html, len(missing), list(report.warnings))


class Preview:
    """What the server shows: the latest page, its version, and who waits for the next."""

    def __init__(self, builder: Builder, root: Path, *,
                 on_build: Callable[[Draft], None] = lambda _: None) -> None:
        self.builder = builder
        self.root = root
        self.on_build = on_build
        self.version = 0
        self.last: Draft | None = None
        self.closed = False
        self._good: str | None = None
        self._changed = threading.Condition()

    def rebuild(self) -> Draft:
        """Build once and publish the page; a failure shows the last good page with problems."""
        started = time.perf_counter()
        built: Built | None
        try:
            built = self.builder()
        except Exception as exc:  # noqa: BLE001 - whatever breaks, the preview must go on
            built, problems = None, problems_of(exc)
        else:
            self._good, problems = built.html, built.warnings
        draft = Draft(self.version + 1, built is not None, time.perf_counter() - started,
                      problems, built.drawn if built else 0)
        page = compose(self._good, draft)
        path = self.root / "index.html"
        tmp = path.with_name(".index.html.tmp")
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, path)  # a request never sees half a page
        with self._changed:
            self.version, self.last = draft.version, draft
            self._changed.notify_all()
        self.on_build(draft)
        return draft

    def wait(self, seen: int | None, timeout: float) -> int:
        """Return the current version once it differs from `seen`, or after `timeout`."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != seen or self.closed, timeout)
            return self.version

    def close(self) -> None:
        """Release everyone waiting, so event streams end and the server can stop."""
        with self._changed:
            self.closed = True
            self._changed.notify_all()


def problems_of(exc: BaseException) -> list[Problem]:
    """Return what went wrong as problems with a place where one is known."""
    if isinstance(exc, DataError):
        return exc.problems
    lineno, filename = getattr(exc, "lineno", None), getattr(exc, "filename", None)
    if isinstance(lineno, int) and filename:  # a Jinja template error
        return [Problem(display_path(Path(filename)), lineno, 1, "", getattr(exc, "message", "")
                        or str(exc))]
    if not isinstance(exc, ReportgenError):
        log.error("the preview build failed:\n%s", "".join(traceback.format_exception(exc)))
    return [Problem("(build)", 0, 0, "", f"{type(exc).__name__}: {exc}")]


def compose(good: str | None, draft: Draft) -> str:
    """Return the served page: the last good draft with the reload script and any problems."""
    env = environment()  # ours only: a council's broken template must not break the panel
    snippets: Any = env.get_template("preview.html").module  # its macros, by name
    head = snippets.head(draft.version, Markup(RELOAD_JS))  # noqa: S704 - our constant
    panel = snippets.panel(draft.problems, draft.ok) if draft.problems else ""
    if good is None:
        return str(snippets.page(head, panel))
    page = re.sub(r"</head>", lambda _: f"{head}</head>", good, count=1)
    return re.sub(r"<body[^>]*>", lambda m: f"{m.group(0)}\n{panel}", page, count=1)


