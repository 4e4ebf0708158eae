"""Import Matplotlib knowing only the report's own typeface, Liberation Sans in styles/fonts.

When Matplotlib is imported it reads a list of every font on the machine from its cache
(`fontlist-v<version>.json`), and where there is none (a fresh machine, a CI runner, a new
HOME) it first opens every font file it can find to make one: about 0.4 s here, seconds on
a machine with many fonts, paid by the first build and by the chart workers' fork server.
The charts need none of those fonts, and should not depend on them: with only the bundled
files, a chart is drawn in the report's typeface on every machine, whatever is installed.

So Matplotlib is imported with its cache directory (MPLCONFIGDIR, read once, at import)
pointing at a temporary directory that holds a font list naming only the bundled files, and
the variable is put back straight after. Matplotlib's own defaults then apply too, not a
user's matplotlibrc. If the list is not accepted (a Matplotlib that keeps it differently),
Matplotlib makes its own as before and the bundled fonts are added to it, so the charts
still use them; only the first run is slower. The same happens when the program that
calls reportgen had imported Matplotlib already.

`load()` does all that, and so does importing this module (the chart workers' fork server
preloads it before Matplotlib).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from reportgen.core.resources import FONTS

FAMILY = "Liberation Sans"

# style and weight of each bundled file, by the part of its name after the family
_FACES = {"Regular": ("normal", 400), "Bold": ("normal", 700),
          "Italic": ("italic", 400), "BoldItalic": ("italic", 700)}


def bundled_fonts() -> list[Path]:
    """Return the bundled font files, in a fixed order."""
    return [FONTS / f"LiberationSans-{face}.ttf" for face in _FACES]


def font_list(version: str) -> dict[str, object]:
    """Return a Matplotlib font list (its JSON cache's shape) with only the bundled fonts."""
    entries = [{"__class__": "FontEntry", "fname": str(path), "index": 0, "name": FAMILY,
                "style": style, "variant": "normal", "weight": weight, "stretch": "normal",
                "size": "scalable"}
               for path, (style, weight) in zip(bundled_fonts(), _FACES.values(), strict=True)]
    return {"__class__": "FontManager", "_version": version,
            "_FontManager__default_weight": "normal", "default_size": None,
            "defaultFamily": {"ttf": FAMILY, "afm": "Helvetica"},
            "afmlist": [], "ttflist": entries}


def _list_version() -> str | None:
    """Return the version Matplotlib's font manager expects of its list, read from its
    source without importing it (importing it is what builds the list)."""
    # the package's spec, not the module's: finding a submodule imports its package, which
    # would read the configuration before MPLCONFIGDIR is set
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        return None
    try:
        source = (Path(spec.origin).parent / "font_manager.py").read_text(encoding="utf-8")
    except OSError:
        return None
    found = re.search(r"^    __version__ = ['\"]([^'\"]+)['\"]", source, re.MULTILINE)
    return found[1] if found else None


def _import_with_bundled_fonts() -> None:
    """Import matplotlib.font_manager with a font list of only the bundled fonts."""
    version = _list_version()
    if version is None:
        import matplotlib.font_manager  # noqa: F401 - Matplotlib's own list, then ours added
        return
    if "matplotlib" in sys.modules:  # its configuration is read: MPLCONFIGDIR comes too late
        import matplotlib.font_manager  # noqa: F401 - Matplotlib's own list, then ours added
        return
    scratch = tempfile.mkdtemp(prefix="reportgen-mpl-")
    saved = os.environ.get("MPLCONFIGDIR")
    try:
        Path(scratch, f"fontlist-v{version}.json").write_text(
            json.dumps(font_list(version)), encoding="utf-8")
        os.environ["MPLCONFIGDIR"] = scratch
        import matplotlib.font_manager  # noqa: F401 - reads the list above
    finally:
        if saved is None:
            os.environ.pop("MPLCONFIGDIR", None)
        else:
            os.environ["MPLCONFIGDIR"] = saved
        shutil.rmtree(scratch, ignore_errors=True)


def _ensure_bundled() -> None:
    """Add the bundled fonts to Matplotlib's list if they are not in it (Matplotlib was
    imported before us, or did not accept our list)."""
    from matplotlib import font_manager

    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in bundled_fonts():
        if str(path) not in known:
            font_manager.fontManager.addfont(str(path))


def load() -> None:
    """Import Matplotlib's font manager with only the bundled fonts (see above); a second
    call costs nothing."""
    if "matplotlib.font_manager" not in sys.modules:
        _import_with_bundled_fonts()
    _ensure_bundled()


load()  # on import: the fork server preloads this module, then Matplotlib
