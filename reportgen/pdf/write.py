"""Turn the report's HTML into a tagged PDF with WeasyPrint, fetching only our own files."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from reportgen.core.errors import RenderError

log = logging.getLogger("reportgen.pdf.write")


class FetchRefused(ValueError):
    """A resource the renderer may not load: the network, or a file outside the project."""


def guarded_fetcher(roots: list[Path], charts: Callable[[str], bytes] | None = None) -> object:
    """Return a WeasyPrint URL fetcher that serves files under `roots`, data: images and
    charts by name, and refuses everything else (http, ftp, file:///etc/passwd, ../)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed = [root.resolve() for root in roots]

    class Guarded(URLFetcher):  # type: ignore[misc] # WeasyPrint publishes no types
        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                if not url[5:].lower().startswith("image/"):
                    raise FetchRefused(f"refused data: URL that is not an image: {url[:40]}")
                return super().fetch(url, headers)
            if scheme == "chart" and charts is not None:
                return URLFetcherResponse(url, charts(url[6:]),
                                          {"Content-Type": _mime(url)})
            if scheme != "file":
                raise FetchRefused(f"refused {scheme}: URL (no network access): {url[:80]}")
            path = Path(unquote(urlsplit(url).path)).resolve()
            if not any(path.is_relative_to(root) for root in allowed):
                raise FetchRefused(f"refused a file outside the project: {path}")
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": _mime(url)})

    return Guarded(allowed_protocols={"file", "data", "chart"}, allow_redirects=False)


def _mime(url: str) -> str:
    suffix = url.rsplit(".", 1)[-1].lower()
    return {"svg": "image/svg+xml", "png": "image/png", "css": "text/css",
            "ttf": "font/ttf"}.get(suffix, "application/octet-stream")


# WeasyPrint's notice that it subsets fonts with fontTools because libharfbuzz-subset0 is
# missing: a fact about the machine, not the report, and the PDF is the same either way (see
# _reproducible_fonttools), so it is not a warning of the build (it would fail --strict).
_MACHINE_NOTICE = "Using fontTools instead of HarfBuzz-Subset"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(_MACHINE_NOTICE):
            self.messages.append(message)


def _reproducible_fonttools() -> None:
    """Make WeasyPrint's fontTools font subsetting reproducible.

    Without libharfbuzz-subset0, WeasyPrint subsets each font with fontTools, whose
    TTFont.save() stamps the subset's `head.modified` with the build time: two builds of the
    same data a second apart differed. Keeping the bundled font's own timestamp makes the
    bytes depend on the data alone, as with HarfBuzz. Idempotent."""
    from weasyprint.pdf import fonts

    original = fonts.TTFont
    if getattr(original, "_reportgen_fixed", False):
        return

    class FixedTimestamp(original):  # type: ignore[misc, valid-type]
        _reportgen_fixed = True

        def __init__(self, *args: object, **kwargs: object) -> None:
            kwargs["recalcTimestamp"] = False
            super().__init__(*args, **kwargs)

    fonts.TTFont = FixedTimestamp


def write_pdf(html: str, *, base: Path, roots: list[Path],
              charts: Callable[[str], bytes] | None = None,
              timings: dict[str, float] | None = None) -> tuple[bytes, list[str]]:
    """Return the PDF bytes (PDF/UA-1, tagged) and WeasyPrint's warnings. The title and
    language come from the HTML's <title> and lang attribute. If `timings` is given, the
    seconds of each step go into it: layout_s (WeasyPrint's parsing, styling and layout),
    write_s (its drawing and writing of the PDF), finish_s (our PDF/UA finishing)."""
    import weasyprint

    from reportgen.pdf.pdfua import finish, label_table_parts

    _reproducible_fonttools()
    options = {"pdf_variant": "pdf/ua-1", "pdf_tags": True, "custom_metadata": False,
               "uncompressed_pdf": False}
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    clock = time.perf_counter()
    try:
        # HTML.write_pdf() is render() then Document.write_pdf(): called apart to time each.
        document = weasyprint.HTML(string=html, base_url=base.resolve().as_uri() + "/",
                                   url_fetcher=guarded_fetcher(roots, charts)).render(**options)
        laid_out = time.perf_counter()
        pdf = document.write_pdf(finisher=label_table_parts, **options)
    except Exception as exc:  # WeasyPrint raises many kinds; the user needs one message
        raise RenderError(f"the PDF could not be made: {type(exc).__name__}: {exc}") from exc
    finally:
        logger.removeHandler(collect)
    written = time.perf_counter()
    finished = finish(pdf)
    if timings is not None:
        timings.update(layout_s=laid_out - clock, write_s=written - laid_out,
                       finish_s=time.perf_counter() - written)
    return finished, collect.messages
