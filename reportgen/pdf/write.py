"""Turn the report's HTML into a tagged PDF with WeasyPrint, fetching only our own files."""

from __future__ import annotations

import contextlib
import gc
import logging
import struct
import time
from collections.abc import Callable, Iterator
from hashlib import md5
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from reportgen.core.errors import RenderError

log = logging.getLogger("reportgen.pdf.write")


class FetchRefused(ValueError):
    """A resource the renderer may not load: the network, or a file outside the project."""


class ChartUnavailable(LookupError):
    """A chart the build could not draw (it raises the drawing's own error)."""


class NotAsLaidOut(ValueError):
    """A chart's file is not the opaque RGB PNG of the size it was laid out with."""


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


OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True, "custom_metadata": False,
           "uncompressed_pdf": False}


def write_pdf(html: str, *, base: Path, roots: list[Path],
              charts: Callable[[str], bytes] | None = None,
              sizes: dict[str, tuple[int, int]] | None = None,
              timings: dict[str, float] | None = None) -> tuple[bytes, list[str]]:
    """Return the PDF bytes (PDF/UA-1, tagged, with our PDF/UA finishing) and WeasyPrint's
    warnings. The title and language come from the HTML's <title> and lang attribute.
    `charts` returns a chart file's bytes by name, waiting for it if it is still being
    drawn; `sizes` gives PNG charts' sizes in pixels, so that WeasyPrint lays them out before
    they are drawn (see chart_images). If `timings` is given, the seconds of each step go
    into it: layout_s (WeasyPrint's parsing, styling and layout), write_s (its drawing and
    writing of the PDF), finish_s (our PDF/UA finishing, pdfua.finish, which WeasyPrint runs
    between the two), gc_s (of those, the cyclic collector's), and charts_laid_out_first,
    how many charts were laid out from their sizes (0 if laid out again from the files)."""
    _reproducible_fonttools()
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    steps: dict[str, float] = {}
    try:
        images = chart_images(sizes, charts) if sizes and charts is not None else None
        early = len(images or ())  # before WeasyPrint adds its own entries to the cache
        try:
            pdf = _weasyprint(html, base, roots, charts, images, steps)
        except Exception as exc:
            if images is None or _cause(exc, (ChartUnavailable, MemoryError)):
                raise
            # A chart not as laid out, or a WeasyPrint whose images work otherwise than
            # chart_images expects: the same again, each chart fetched when it is reached.
            log.debug("laying out again, fetching charts as they come: %r", exc)
            collect.messages.clear()
            steps.clear()
            pdf = _weasyprint(html, base, roots, charts, None, steps)
            early = 0
    except MemoryError:
        raise
    except Exception as exc:  # WeasyPrint raises many kinds; the user needs one message
        raise RenderError(f"the PDF could not be made: {type(exc).__name__}: {exc}") from exc
    finally:
        logger.removeHandler(collect)
    if timings is not None:
        timings.update(layout_s=steps["laid_out"] - steps["start"],
                       write_s=steps["written"] - steps["laid_out"] - steps["finish_s"],
                       finish_s=steps["finish_s"],
                       gc_s=steps["gc_s"],  # of the three, the cyclic collector's
                       # how many charts were laid out before their bytes were read
                       charts_laid_out_first=float(early))
    return pdf, collect.messages


def _weasyprint(html: str, base: Path, roots: list[Path], charts: Callable[[str], bytes] | None,
                images: dict[str, Any] | None, steps: dict[str, float]) -> bytes:
    """Return WeasyPrint's PDF, finished, with `images` as its image cache (URL to image) if
    given; `steps` gets the clock at the start, at the end of layout and at the end, and
    the seconds our finishing took."""
    from reportgen.pdf.lean import html_class, pack_pages, prepare
    from reportgen.pdf.pdfua import finish

    prepare()

    def finisher(document: Any, pdf: Any) -> None:
        started = time.perf_counter()
        # Finishing makes tens of thousands of small objects, each time waking the cyclic
        # collector, which then walks every object of the laid-out report: at 235 pages
        # that was most of the finishing's time (1.0 s of 1.3). Its few cycles wait.
        collecting = gc.isenabled()
        gc.disable()
        try:
            finish(document, pdf)
        finally:
            if collecting:
                gc.enable()
        steps["finish_s"] = time.perf_counter() - started

    with _fewer_collections(steps):
        steps["start"] = time.perf_counter()
        # HTML.write_pdf() is render() then Document.write_pdf(): called apart to time each.
        document = html_class(html)(string=html, base_url=base.resolve().as_uri() + "/",
                                    url_fetcher=guarded_fetcher(roots, charts)).render(
                                        **OPTIONS, cache=images)
        steps["laid_out"] = time.perf_counter()
        pack_pages(document)
        pdf = _with_id(document.write_pdf(finisher=finisher, **OPTIONS))
        steps["written"] = time.perf_counter()
    return pdf


YOUNG = 4_000  # objects made before the collector's youngest generation is walked


@contextlib.contextmanager
def _fewer_collections(steps: dict[str, float]) -> Iterator[None]:
    """Have the cyclic collector walk its youngest generation every YOUNG new objects, not
    Python's default 700, while WeasyPrint lays out and writes; steps["gc_s"] gets the
    seconds it spent.

    Layout makes millions of objects that live until the PDF is written, so at 700 the
    collector ran ~2,000 times on the 10x benchmark's report, and each time the older
    generations filled it walked the growing layout: 4.0 s of that child's time, against
    2.2 s at 4,000 and 1.3 s at 10,000, measured with the same peak memory at 4,000 (387
    MB) and 3 MB more at 10,000, which the 10x memory target has no room for."""
    before = gc.get_threshold()
    gc.set_threshold(max(YOUNG, before[0]), *before[1:])
    started: list[float] = []
    steps["gc_s"] = 0.0

    def clock(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            steps["gc_s"] += time.perf_counter() - started.pop()

    gc.callbacks.append(clock)
    try:
        yield
    finally:
        gc.callbacks.remove(clock)
        gc.set_threshold(*before)


def _with_id(pdf: bytes) -> bytes:
    """Return the PDF with a trailer /ID derived from its content (the same data gives the
    same bytes, ID included).

    pydyf would make one by writing every object a second time (~0.2 s on the sample), so
    it goes into the cross-reference stream's dictionary, which is the trailer of the file
    pydyf writes and its last object: `startxref` points at that object's start, and no
    offset moves. A file not laid out so is returned as it is."""
    try:
        start = int(pdf[pdf.rindex(b"startxref") + len(b"startxref"):].split()[0])
    except ValueError:
        return pdf
    at = pdf.find(b"<</Type /XRef", start)
    if at < 0 or b"/ID" in pdf[at:pdf.find(b"stream", at)]:
        return pdf
    digest = md5(pdf, usedforsecurity=False).hexdigest().encode("ascii")
    at += len(b"<<")
    return pdf[:at] + b"/ID [<" + digest + b"><" + digest + b">]" + pdf[at:]


def _cause(exc: BaseException, kinds: tuple[type[BaseException], ...]) -> bool:
    """Tell whether `exc` or an exception it came from is one of `kinds`."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kinds):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


# --- Charts laid out before they are drawn -------------------------------------------------
#
# WeasyPrint fetches and opens every image while it builds its box tree, before layout
# proper, but it needs only an image's size until it writes the PDF, after the last page is
# drawn. Our charts' sizes are known before they are drawn (charts.draw.pixel_size), so
# WeasyPrint's image cache (`cache=`, keyed by URL) is handed an image for each chart that
# has its size now and reads its bytes when the PDF is written: a cold build lays out the
# whole report while the charts are drawn, instead of waiting for them a third of the way in.
#
# The PDF is the same, byte for byte (tests/test_reproducible.py): the image has the name
# WeasyPrint would give it (from its URL), and writing it gives what WeasyPrint would. Its
# pixels are also not decoded and compressed again: WeasyPrint keeps only the PNG's
# compressed pixel data (IDAT), and for our charts (8-bit RGB, not interlaced, written by
# this Pillow) that is the very data it would get by decoding and compressing again.
#
# If the chart that comes is not the PNG the layout assumed (another size or kind), or this
# WeasyPrint's images do not work as below, write_pdf lays out again without them.


def chart_images(sizes: dict[str, tuple[int, int]],
                 charts: Callable[[str], bytes]) -> dict[str, Any] | None:
    """Return a WeasyPrint image cache holding an image of each chart by its URL
    (chart:<name>), laid out at its size in pixels and read when the PDF is written; None
    if this WeasyPrint does not take one."""
    image_class = _chart_image_class()
    if image_class is None:
        return None
    cache: dict[str, Any] = {}
    for name, size in sizes.items():
        cache[f"chart:{name}"] = image_class(f"chart:{name}", size, charts, cache)
    return cache


def _chart_image_class() -> Any:
    """Return the class of a chart image laid out before it is drawn, or None if this
    WeasyPrint's images are not what it builds on."""
    try:
        from weasyprint import DEFAULT_OPTIONS
        from weasyprint.images import RasterImage, get_image_from_uri
    except ImportError:
        return None
    needed = ("get_x_object", "_get_png_data", "get_intrinsic_size", "draw",
              "cache_image_data")
    import inspect

    if (not all(hasattr(RasterImage, name) for name in needed) or "cache" not in DEFAULT_OPTIONS
            or "cache" not in inspect.signature(get_image_from_uri).parameters):
        return None
    if any(DEFAULT_OPTIONS.get(option) for option in ("dpi", "optimize_images",
                                                      "jpeg_quality")):
        return None  # images re-encoded: not what the chart image writes

    class ChartImage(RasterImage):  # type: ignore[misc] # WeasyPrint publishes no types
        """A chart as WeasyPrint's own RasterImage of its PNG would be, made from its size."""

        def __init__(self, url: str, size: tuple[int, int], charts: Callable[[str], bytes],
                     cache: dict[str, Any]) -> None:
            # not RasterImage.__init__, which opens the file: its attributes, as it sets them
            # for an opaque RGB PNG with the default options
            self.id = md5(url.encode(), usedforsecurity=False).hexdigest()
            self._cache = cache
            self._jpeg_quality = self._dpi = None
            self.optimize = False
            self.invert_colors = False
            self.mode, self.format = "RGB", "PNG"
            self.width, self.height = size
            self.ratio = self.width / self.height
            self.image_data = _ChartFile(url.removeprefix("chart:"), size, charts)

        def _get_png_data(self, pillow_image: Any) -> bytes:
            return self.image_data.pixel_data()

    return ChartImage


class _ChartFile:
    """A chart's PNG, fetched (waiting for it to be drawn) when the PDF is written."""

    def __init__(self, name: str, size: tuple[int, int],
                 charts: Callable[[str], bytes]) -> None:
        self._name, self._size, self._charts = name, size, charts
        self._data: bytes | None = None

    @property
    def data(self) -> bytes:
        if self._data is None:
            data = self._charts(self._name)
            found = png_header(data)
            if found != (*self._size, 8, 2, 0):
                raise NotAsLaidOut(f"chart {self._name} is {found}, laid out as an 8-bit RGB "
                                   f"PNG of {self._size}")
            self._data = data
        return self._data

    def pixel_data(self) -> bytes:
        """Return the PNG's compressed pixel data (its IDAT chunks, joined), what
        RasterImage._get_png_data makes of it by decoding and compressing it again."""
        data, pos, parts = self.data, 8, []
        while pos + 8 <= len(data):
            length, kind = struct.unpack("!I4s", data[pos:pos + 8])
            if kind == b"IDAT":
                parts.append(data[pos + 8:pos + 8 + length])
            elif kind in (b"tRNS", b"PLTE"):  # transparency: not an opaque RGB image
                raise NotAsLaidOut(f"chart {self._name} is not opaque RGB")
            pos += 12 + length
        return b"".join(parts)


def png_header(data: bytes) -> tuple[int, ...] | None:
    """Return a PNG's width, height, bit depth, colour type and interlace method, or None
    if the bytes are not a PNG."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n") or data[12:16] != b"IHDR" or len(data) < 29:
        return None
    width, height, depth, colour, _, _, interlace = struct.unpack("!IIBBBBB", data[16:29])
    return width, height, depth, colour, interlace
