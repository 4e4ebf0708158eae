"""Keep every character of the data printable in the report's bundled font.

The PDF uses Liberation Sans from styles/fonts, so the report looks the same on every
machine. That font covers Latin (Welsh ŵ ŷ ẃ ỳ included), Greek, Cyrillic and Hebrew, but
not emoji, dingbats (✓ ★ ❤), Arabic or CJK. Left in, such characters are drawn with
whatever fallback font the build machine happens to have, or as empty boxes. So each run
of them is replaced by a visible placeholder the font does have, with a warning naming the
file, the line and the characters, and `--strict` refuses to build.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator
from typing import Any

from reportgen.core.errors import Problem
from reportgen.core.resources import FONTS
from reportgen.data.yamlread import Document, Key

FONT = FONTS / "LiberationSans-Regular.ttf"
PLACEHOLDER = "[?]"
# Joiners, variation selectors and other format characters are never drawn, so they need
# no glyph; inside a run of undrawable characters (an emoji sequence) they go with it.
_INVISIBLE = {"Cc", "Cf", "Mn", "Me"}


# Typographic punctuation that word processors put in pasted text (dashes, curly quotes,
# bullet, ellipsis, euro). Liberation Sans draws all of them (tests/test_loader.py checks
# against the font), so text with nothing else beyond Latin-1, nearly all of it, is checked
# without reading the font's character map (importing fontTools costs ~0.04 s a run).
COMMON = frozenset("\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2022\u2026\u20ac")


@functools.cache
def _cmap() -> frozenset[int]:
    from fontTools.ttLib import TTFont  # only when text goes beyond Latin-1

    with TTFont(FONT, lazy=True) as font:
        return frozenset(font.getBestCmap())


def drawable(char: str) -> bool:
    """Tell whether the report font can draw the character (or need not draw it)."""
    code = ord(char)
    if code < 0x100 or char in COMMON or char.isspace():
        return True
    return code in _cmap() or _invisible(char)


def _invisible(char: str) -> bool:
    return unicodedata.category(char) in _INVISIBLE and not unicodedata.combining(char)


def printable(text: str) -> tuple[str, list[str]]:
    """Return the text with each run of undrawable characters replaced, and those runs."""
    if text.isascii():
        return text, []
    out: list[str] = []
    runs: list[str] = []
    run = ""
    for char in text:
        if drawable(char) and not (run and _invisible(char)):
            if run:
                out.append(PLACEHOLDER)
                runs.append(run)
                run = ""
            out.append(char)
        else:
            run += char
    if run:
        out.append(PLACEHOLDER)
        runs.append(run)
    return "".join(out), runs


def replace_undrawable(doc: Document) -> list[Problem]:
    """Replace undrawable characters in every text value of the file; warn where."""
    problems = []
    for key, container, slot, text in list(texts(doc.data, ())):
        fixed, runs = printable(text)
        if runs:
            container[slot] = fixed
            problems.append(doc.problem(key, f"{_describe(runs)} cannot be printed in the "
                                        f"report font; shown as {PLACEHOLDER}: use words "
                                        "instead", severity="warning"))
    return problems


def _describe(runs: list[str]) -> str:
    names = []
    for run in dict.fromkeys(runs):
        visible = [c for c in run if not _invisible(c)] or list(run)
        words = ", ".join(unicodedata.name(c, f"U+{ord(c):04X}").lower() for c in visible)
        names.append(f"'{run}' ({words})")
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def texts(node: Any, key: Key) -> Iterator[tuple[Key, Any, Any, str]]:
    """Yield (key path, container, slot, text) for every string value under node."""
    stack = [(key, node)]
    while stack:  # a loop, not recursion: nesting depth is the data's choice
        path, container = stack.pop()
        slots = container.items() if isinstance(container, dict) else enumerate(container)
        for slot, value in slots:
            if isinstance(value, str):
                yield (*path, slot), container, slot, value
            elif isinstance(value, dict | list):
                stack.append(((*path, slot), value))
