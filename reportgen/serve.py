"""The reviewers' live preview: build the HTML draft on every change to the data, templates or
styles, serve it on 127.0.0.1, and reload open pages over server-sent events.

Three parts, each usable alone so tests can drive them in-process:
- DraftBuilder: quarter -> HTML (the html path of build(); never imports WeasyPrint), keeping
  drawn charts across rebuilds so an edit to one comment redraws nothing.
- Preview: calls a builder, keeps the last good page, adds the error panel when a build fails,
  writes the page into its directory and wakes everyone waiting for a new version.
- PreviewServer: serves that directory's files, and nothing else, to loopback clients only.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import ipaddress
import logging
import os
import re
import shutil
import socket
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markupsafe import Markup

from . import charts as chartlib
from .build import _style_base, draft_stamp, report_charts
from .chartstore import FORMAT, data_uri
from .errors import DataError, Problem, ReportgenError, UsageError, display_path
from .load import load_quarter, plan_path
from .render import STYLES, TEMPLATES, environment, render_html, stylesheet

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

    def __init__(self, quarter_dir: Path, override: Path | None = None) -> None:
        self.quarter_dir = quarter_dir
        self.override = override
        self.memo: dict[str, bytes] = {}  # chart_key -> PNG; the key covers all the chart shows

    def __call__(self) -> Built:
        report = load_quarter(self.quarter_dir)
        charts = report_charts(report)
        keys = {chartlib.chart_key(c): c for c in charts.values()}
        missing = [key for key in keys if key not in self.memo]
        for key in missing:
            self.memo[key] = chartlib.draw(keys[key], FORMAT)
        self.memo = {key: self.memo[key] for key in keys}  # forget charts no longer shown
        html = render_html(report, charts,
                           lambda c: data_uri(self.memo[chartlib.chart_key(c)]),
                           css=stylesheet(self.override), draft=draft_stamp(self.quarter_dir),
                           override=self.override, extra={"self_links": True})
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
    snippets = env.get_template("preview.html").module
    head = snippets.head(draft.version, Markup(RELOAD_JS))  # noqa: S704 - our constant
    panel = snippets.panel(draft.problems, draft.ok) if draft.problems else ""
    if good is None:
        return str(snippets.page(head, panel))
    page = re.sub(r"</head>", lambda _: f"{head}</head>", good, count=1)
    return re.sub(r"<body[^>]*>", lambda m: f"{m.group(0)}\n{panel}", page, count=1)


def run(preview: Preview, changes: Iterable[object]) -> None:
    """Rebuild once for each batch of changes, until the changes run out."""
    for _ in changes:
        preview.rebuild()


def watched(quarter_dir: Path, override: Path | None = None) -> list[Path]:
    """Return what a change to triggers a rebuild: the quarter, its plan, templates, styles."""
    paths = [quarter_dir, plan_path(quarter_dir), TEMPLATES, STYLES]
    if override is not None:
        paths += [override / "templates", override / "styles"]
    return [p.resolve() for p in paths if p.exists()]


def watch_changes(quarter_dir: Path, stop: threading.Event,
                  override: Path | None = None) -> Iterator[object]:
    """Yield a batch of file changes each time something the draft is built from changes."""
    import watchfiles  # only the preview needs it

    targets = watched(quarter_dir, override)
    default = watchfiles.DefaultFilter()

    def relevant(change: watchfiles.Change, path: str) -> bool:
        where = Path(path).resolve()
        return default(change, path) and any(where == t or where.is_relative_to(t)
                                             for t in targets)

    # Watch directories, not files: editors save by writing a new file and renaming it.
    roots = {t if t.is_dir() else t.parent for t in targets}
    yield from watchfiles.watch(*roots, watch_filter=relevant, stop_event=stop,
                                raise_interrupt=False)


def is_loopback(host: str) -> bool:
    """Return whether `host` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class PreviewServer(http.server.ThreadingHTTPServer):
    """Serve the preview's directory and its event stream to loopback clients."""

    daemon_threads = True

    def __init__(self, preview: Preview, host: str = "127.0.0.1", port: int = 8000, *,
                 allow_remote: bool = False) -> None:
        if not is_loopback(host) and not allow_remote:
            raise UsageError(f"refusing to serve the draft on {host}: the preview listens on "
                             "loopback addresses only unless asked otherwise")
        self.preview = preview
        self.root = preview.root.resolve()
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host.strip("[]"), port), PreviewHandler)
        # The bound name is allowed too, so `--host 192.0.2.7` works from that address;
        # a DNS-rebinding page always sends its own domain name, which is never on this list.
        wildcard = host in ("0.0.0.0", "::")  # noqa: S104 - a comparison, not a bind
        names = LOOPBACK_NAMES | (set() if wildcard else {host.strip("[]").lower()})
        self.allowed_hosts = {_host_header(n, self.port) for n in names}

    @property
    def port(self) -> int:
        return int(self.server_address[1])


def _host_header(name: str, port: int) -> str:
    return f"[{name}]:{port}" if ":" in name else f"{name}:{port}"


def request_file(root: Path, target: str) -> tuple[int, Path | None]:
    """Return (200, file) for a request target naming a draft file, else (status, None)."""
    if not target.startswith("/") or target.startswith("//"):
        return 400, None  # absolute-form URLs and network paths
    parts = unquote(urlsplit(target).path).split("/")
    if any(p in (".", "..") or "\\" in p or "\0" in p or ":" in p for p in parts) or \
            "" in parts[1:-1]:  # "/%2Fetc/passwd": an absolute path inside the path
        return 400, None
    path = root.joinpath(*[p for p in parts if p])
    if path.is_dir():
        path = path / "index.html"  # a directory is its index page, never a listing
    path = path.resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return 404, None
    return 200, path


TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".svg": "image/svg+xml", ".ttf": "font/ttf", ".png": "image/png"}


class PreviewHandler(http.server.BaseHTTPRequestHandler):
    """Answer GET and HEAD for the draft's files and the reload event stream."""

    server: PreviewServer
    server_version = "reportgen-preview"
    sys_version = ""

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._respond(body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(body=False)

    def _respond(self, body: bool) -> None:
        if self.headers.get("Host", "").lower() not in self.server.allowed_hosts:
            return self._plain(403, "Forbidden: this preview answers to localhost only.\n", body)
        if urlsplit(self.path).path == EVENTS:
            return self._events()
        # The target as sent: http.server turns a leading "//" into "/" in self.path.
        status, path = request_file(self.server.root, self.requestline.split()[1])
        if path is None:
            return self._plain(status, "Bad request.\n" if status == 400 else "Not found.\n", body)
        self._send(200, TYPES.get(path.suffix, "application/octet-stream"), path.read_bytes(),
                   body)

    def _common_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")

    def _plain(self, status: int, text: str, body: bool) -> None:
        self._send(status, "text/plain; charset=utf-8", text.encode(), body)

    def _send(self, status: int, content_type: str, data: bytes, body: bool) -> None:
        """Send a whole response; HEAD (body False) gets the headers alone."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self._common_headers()
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _events(self) -> None:
        """Stream the build version now and after every rebuild, until the preview closes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self._common_headers()
        self.end_headers()
        preview, seen = self.server.preview, None
        try:
            self.wfile.write(b"retry: 500\n\n")
            while not preview.closed:
                version = preview.wait(seen, timeout=15)
                if version != seen:
                    self.wfile.write(f"event: build\ndata: {version}\n\n".encode())
                    seen = version
                else:
                    self.wfile.write(b": still here\n\n")  # notices closed tabs
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        log.debug("%s " + format, self.address_string(), *args)


def describe(draft: Draft) -> str:
    """Return the terminal's line for one rebuild."""
    if draft.ok:
        charts = f"{draft.drawn} chart{'s' * (draft.drawn != 1)} drawn"
        warned = f", {len(draft.problems)} warning(s)" if draft.problems else ""
        return f"rebuilt in {draft.seconds:.2f} s ({charts}{warned})"
    lines = [f"rebuild failed in {draft.seconds:.2f} s: {len(draft.problems)} problem(s); "
             "still showing the last good draft"]
    return "\n".join(lines + [f"  {p}" for p in draft.problems])


def serve(quarter_dir: Path, *, host: str = "127.0.0.1", port: int = 8000,
          override: Path | None = None, echo: Callable[[str], None] = print) -> None:
    """Build, serve and rebuild the quarter's draft until interrupted."""
    if not (quarter_dir / "report.yaml").is_file():
        load_quarter(quarter_dir)  # raises the usual "not a quarter directory" error
    with tempfile.TemporaryDirectory(prefix="reportgen-preview-") as tmp:
        root = Path(tmp)
        fonts = _style_base(override) / "fonts"
        if fonts.is_dir():  # the stylesheet's url(fonts/...) then works as in the PDF
            shutil.copytree(fonts, root / "fonts")
        preview = Preview(DraftBuilder(quarter_dir, override), root,
                          on_build=lambda d: echo(describe(d)))
        try:  # listen first, so a busy port is reported at once, not after the first build
            server = PreviewServer(preview, host, port, allow_remote=True)
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
        preview.rebuild()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        shown = f"[{host}]" if ":" in host else host
        echo(f"Previewing {display_path(quarter_dir)} at http://{shown}:{server.port}/ "
             "(Ctrl+C to stop)")
        stop = threading.Event()
        try:
            run(preview, watch_changes(quarter_dir, stop, override))
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            preview.close()
            server.shutdown()
            server.server_close()
