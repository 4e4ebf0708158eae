"""Make the HTML's stylesheet stand alone: every file it refers to (the fonts, a council's
logo) becomes a data: URI, so the page works copied alone to a web server or opened from a
mail attachment, and makes no request that can fail.

Embedding was chosen over writing the fonts beside the page: a file beside the page is lost
whenever the page travels alone (an attachment, a CMS that takes one file), and then every
font request fails. Embedded, the four faces cost about 230 kB a page in base64: they are
subset to the Latin, Welsh and punctuation characters a report uses and compressed as WOFF2.
A character outside the subset falls back to the next font in the stack (Arial, Helvetica);
it is never missing. The PDF keeps its url()s: WeasyPrint reads the full fonts from disk.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import logging
import os
import re
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from reportgen.core.resources import FONTS

log = logging.getLogger("reportgen.render.inline")

FONT_SUFFIXES = {".ttf", ".otf", ".woff", ".woff2"}
MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
        ".svg": "image/svg+xml", ".webp": "image/webp"}
# Basic Latin, Latin-1 and Latin Extended-A (Welsh ŵ ŷ), general punctuation (dashes,
# quotes, ellipsis), currency (£ €), letterlike (™), arrows and the replacement character.
SUBSET = [*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x2000, 0x2070),
          *range(0x20A0, 0x20C1), *range(0x2100, 0x2150), *range(0x2190, 0x2200), 0xFFFD]

FONT_VERSION = "1"  # of SUBSET and the options below: a change makes new cache entries
# The family as the subset names it. "Liberation" is a Reserved Font Name under the SIL OFL,
# which a modified font (a subset is one) may not use; the copyright and licence stay.
FAMILY = ("Liberation Sans", "Report Sans")
RENAMED_IDS = (1, 3, 4, 6, 16, 17, 18)

_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)""")
_ABSOLUTE = re.compile(r"(?i)^[a-z][a-z0-9+.-]*:")


def inline_urls(css: str, base: Path, roots: list[Path]) -> str:
    """Return the stylesheet with each relative or file: url() that names a file under
    `roots` made a data: URI. Any other such url() (a missing file, ../ out of the styles)
    becomes `none`, so the page never asks the server for it; http(s) and data: URLs are
    left as written."""
    allowed = [root.resolve() for root in roots]

    def swap(match: re.Match[str]) -> str:
        target = match[2]
        if target.lower().startswith("file:"):  # a council stylesheet's, made absolute
            path = Path(unquote(urlsplit(target).path)).resolve()
        elif _ABSOLUTE.match(target) or target.startswith("#"):
            return match[0]
        else:
            path = (base / target.split("?", 1)[0].split("#", 1)[0]).resolve()
        if not any(path.is_relative_to(root) for root in allowed) or not path.is_file():
            log.warning("stylesheet url(%s) left out of the HTML: not a file in the styles",
                        target)
            return "none"
        return f"url({data_uri(path)})"  # base64 has no quote, bracket or space

    return _URL.sub(swap, css)


def data_uri(path: Path) -> str:
    """Return a file as a data: URI: a font subset and compressed, anything else as it is."""
    stat = path.stat()
    return _data_uri(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)  # publish embeds the same fonts in every quarter's page
def _data_uri(path: str, _mtime: int, _size: int) -> str:
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix in FONT_SUFFIXES:
        mime, data = web_font(file.read_bytes())
    else:
        mime, data = MIME.get(suffix, "application/octet-stream"), file.read_bytes()
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def web_font(data: bytes) -> tuple[str, bytes]:
    """Return the font subset for the web, with its MIME type: the bundled fonts' subsets
    come with reportgen (styles/fonts/web-*.woff2), others from the cache if they are there:
    subsetting takes ~0.5 s a font, which a build should not pay every time, nor a first
    build on a fresh machine (~2.5 s of CPU for the four faces)."""
    name = _subset_name(data)
    bundled = FONTS / f"web-{name}.woff2"
    if bundled.is_file():
        return "font/woff2", bundled.read_bytes()
    cache = _font_cache() / name
    for mime in ("font/woff2", "font/woff"):
        cached = cache.with_suffix("." + mime.split("/")[1])
        if cached.is_file():
            return mime, cached.read_bytes()
    mime, font = _subset(data)
    if mime != "font/ttf":
        _store(cache.with_suffix("." + mime.split("/")[1]), font)
    return mime, font


def _subset_name(data: bytes) -> str:
    """Return a font's subset's file name without suffix: its content hash and FONT_VERSION."""
    return f"{hashlib.sha256(data).hexdigest()[:24]}-{FONT_VERSION}"


def bundle_subsets() -> list[Path]:
    """Write the bundled fonts' web subsets beside them (styles/fonts/web-*.woff2) and
    remove stale ones; return the files. Run after changing a font, SUBSET or the options:
    `python -m reportgen.render.inline` (tests/test_branding.py checks they are current)."""
    written = []
    for ttf in sorted(FONTS.glob("*.ttf")):
        data = ttf.read_bytes()
        mime, font = _subset(data)
        if mime != "font/woff2":
            raise RuntimeError(f"{ttf.name}: no WOFF2 subset (is brotli installed?)")
        path = FONTS / f"web-{_subset_name(data)}.woff2"
        path.write_bytes(font)
        written.append(path)
    for stale in set(FONTS.glob("web-*.woff2")) - set(written):
        stale.unlink()
    return written


def _font_cache() -> Path:
    """Return where web fonts are cached: the user's cache directory, beside the default
    chart cache. Not under $REPORTGEN_CACHE_DIR, which is the chart cache alone (and which
    `--no-cache` promises not to touch); a subset depends only on the font file."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "reportgen" / "fonts"


def _store(path: Path, data: bytes) -> None:
    """Cache a file whole (a temporary file renamed into place); skip an unwritable cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".font.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("could not cache a web font in %s: %s", path.parent, exc)


def _subset(data: bytes) -> tuple[str, bytes]:
    """Return the font subset to SUBSET and renamed, as WOFF2 (WOFF if brotli is missing);
    a font fontTools cannot read is returned whole."""
    from fontTools import subset
    from fontTools.ttLib import TTLibError

    options = subset.Options()
    options.layout_features = ["*"]  # kerning and ligatures, as the PDF has them
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: nothing a browser reads
    try:
        import brotli  # noqa: F401 - WOFF2 needs it

        options.flavor = "woff2"
    except ImportError:
        options.flavor = "woff"
    try:
        font = subset.load_font(io.BytesIO(data), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=SUBSET)
        subsetter.subset(font)
        _rename(font)
        out = io.BytesIO()
        subset.save_font(font, out, options)
    except (TTLibError, AssertionError, KeyError, ValueError) as exc:
        log.warning("font embedded whole, could not subset it: %s", exc)
        return "font/ttf", data
    return f"font/{options.flavor}", out.getvalue()


def _rename(font: object) -> None:
    """Give the subset our family name in place of the reserved one."""
    names = font["name"]  # type: ignore[index]
    for record in names.names:
        if record.nameID in RENAMED_IDS:
            text = record.toUnicode()
            renamed = text.replace(*FAMILY).replace(*(n.replace(" ", "") for n in FAMILY))
            if renamed != text:
                record.string = renamed


if __name__ == "__main__":
    for written in bundle_subsets():
        print(written)
