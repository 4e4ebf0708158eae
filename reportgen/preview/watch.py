"""The live preview: build, serve, and rebuild on every change to the data, templates or
styles until interrupted."""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from reportgen.core.errors import UsageError, display_path
from reportgen.core.resources import STYLES, TEMPLATES
from reportgen.data.layout import is_quarter_dir, plan_path
from reportgen.data.load import load_quarter  # noqa: F401 - its error for a non-quarter
from reportgen.data.settings import Settings
from reportgen.preview.draft import Draft, DraftBuilder, Preview
from reportgen.preview.server import PreviewServer
from reportgen.render.html import style_base


def run(preview: Preview, changes: Iterable[object]) -> None:
    """Rebuild once for each batch of changes, until the changes run out."""
    for _ in changes:
        preview.rebuild()


def watched(quarter_dir: Path, override: Path | None = None,
            extra: Iterable[Path] = ()) -> list[Path]:
    """Return what a change to triggers a rebuild: the quarter, its plan, templates, styles
    and `extra` files (the council's stylesheet)."""
    paths = [quarter_dir, plan_path(quarter_dir), TEMPLATES, STYLES, *extra]
    if override is not None:
        paths += [override / "templates", override / "styles"]
    return [p.resolve() for p in paths if p.exists()]


def watch_changes(quarter_dir: Path, stop: threading.Event, override: Path | None = None,
                  extra: Iterable[Path] = ()) -> Iterator[object]:
    """Yield a batch of file changes each time something the draft is built from changes."""
    import watchfiles  # only the preview needs it

    targets = watched(quarter_dir, override, extra)
    default = watchfiles.DefaultFilter()

    def relevant(change: watchfiles.Change, path: str) -> bool:
        where = Path(path).resolve()
        return default(change, path) and any(where == t or where.is_relative_to(t)
                                             for t in targets)

    # Watch directories, not files: editors save by writing a new file and renaming it.
    roots = {t if t.is_dir() else t.parent for t in targets}
    # raise_interrupt: Ctrl+C reaches the command line, which ends quietly with exit 130;
    # without it watchfiles logs "KeyboardInterrupt caught, stopping watch".
    yield from watchfiles.watch(*roots, watch_filter=relevant, stop_event=stop,
                                raise_interrupt=True)


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
          settings: Settings | None = None, echo: Callable[[str], None] = print,
          on_ready: Callable[[str], object] | None = None) -> None:
    """Build, serve and rebuild the quarter's draft until interrupted (KeyboardInterrupt
    propagates, after cleaning up). `on_ready` gets the URL once the first draft is up."""
    settings = settings or Settings()
    override = settings.templates
    if not is_quarter_dir(quarter_dir):
        load_quarter(quarter_dir)  # raises the usual "not a quarter directory" error
    with tempfile.TemporaryDirectory(prefix="reportgen-preview-") as tmp:
        root = Path(tmp)
        fonts = style_base(override, replace=settings.branding.replace_stylesheet) / "fonts"
        if fonts.is_dir():  # the stylesheet's url(fonts/...) then works as in the PDF
            shutil.copytree(fonts, root / "fonts")
        preview = Preview(DraftBuilder(quarter_dir, settings), root,
                          on_build=lambda d: echo(describe(d)))
        try:  # listen first, so a busy port is reported at once, not after the first build
            server = PreviewServer(preview, host, port, allow_remote=True)
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
        preview.rebuild()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{server.port}/"
        echo(f"Previewing {display_path(quarter_dir)} at {url} (Ctrl+C to stop)")
        stop = threading.Event()
        try:
            if on_ready is not None:
                on_ready(url)
            council_css = [settings.branding.stylesheet] if settings.branding.stylesheet else []
            run(preview, watch_changes(quarter_dir, stop, override, council_css))
        finally:
            stop.set()
            preview.close()
            server.shutdown()
            server.server_close()
