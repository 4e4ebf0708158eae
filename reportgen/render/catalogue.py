"""The message catalogue's source: every fixed phrase of the report, found where it is used.

    python -m reportgen.render.catalogue        # rewrite locale/reportgen.pot, update cy.po

Phrases are found by Babel's extractors in the templates (Jinja2's i18n `_()` calls) and in
the Python code (`gettext`, `ngettext` and `format` calls), plus the phrases that the code
keeps in tables (column heads, rating words, the built-in schemes' key, month names).
tests/test_words.py checks that each language's catalogue translates every one of them.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from reportgen.compute import items, layout
from reportgen.core import items as core_items
from reportgen.core import ratings, words
from reportgen.core.resources import PACKAGE, TEMPLATES

Message = str | tuple[str, str]  # an id, or (singular, plural)
PLACEHOLDER = re.compile(r"%\(\w+\)s")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "format": None}


def extracted() -> Iterator[tuple[str | tuple[str, ...], str]]:
    """Yield each phrase the templates and the code ask for, with where it is."""
    jinja = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
    for name, line, message, _, _ in extract_from_dir(
            TEMPLATES, [("**.html", "jinja2.ext:babel_extract")], {"**.html": jinja}, KEYWORDS):
        yield message, f"templates/{name}:{line}"
    for name, line, message, _, _ in extract_from_dir(PACKAGE, [("**.py", "python")],
                                                      keywords=KEYWORDS):
        if isinstance(message, tuple) and message[1] is None:
            message = message[0]  # format("...", name=value): the keywords are not plurals
        if message:  # format(x) with no literal text has none
            yield message, f"reportgen/{name}:{line}"


def tabled() -> Iterator[tuple[str | tuple[str, ...], str]]:
    """Yield the phrases kept in tables rather than written in calls."""
    for month in words.MONTHS:
        yield month, "reportgen/core/words.py"
    for table in (layout.TABLE_HEADINGS, layout.QUARTERLY_HEADS, layout.ANNUAL_HEADS,
                  layout.PROGRESS_HEADS):
        for text in table.values():
            yield text, "reportgen/compute/layout.py"
    schemes = [ratings.DEFAULT_PROGRESS] + [ratings.progress_scheme_from(name)
                                            for name in ratings.BUILT_IN_PROGRESS]
    for scheme in schemes:
        for level in scheme.levels:
            yield level.label, "reportgen/core/ratings.py"
            yield level.description, "reportgen/core/ratings.py"
            yield level.phrase, "reportgen/core/ratings.py"
    for name in ratings.BUILT_IN:
        built = ratings.scheme_from(name)
        yield built.name, "reportgen/core/ratings.py"
        for band in built.bands:
            yield band.label, "reportgen/core/ratings.py"
            yield band.description, "reportgen/core/ratings.py"  # as a council may type it
    for word in ratings.NOT_RATED:
        yield word, "reportgen/core/ratings.py"
    yield from _key_phrases()
    yield from _item_words()


def _item_words() -> Iterator[tuple[str | tuple[str, ...], str]]:
    """Yield the item kinds' phrases: the built-in schemes and risk scale, and the themes
    layout's sentences kept in tables (report 004)."""
    for scheme in core_items.BUILT_IN.values():
        yield scheme.name, "reportgen/core/items.py"
        if scheme.new:
            yield scheme.new, "reportgen/core/items.py"
        for status in scheme.statuses:
            yield status.label, "reportgen/core/items.py"
            yield status.description, "reportgen/core/items.py"
    for scale in core_items.BUILT_IN_SCALES.values():
        for axis in (scale.impact, scale.likelihood, scale.opportunity_impact,
                     scale.opportunity_likelihood):
            yield from ((word, "reportgen/core/items.py") for word in axis)
        yield from ((word, "reportgen/core/items.py") for _, word, _ in scale.levels)
    for word in (*items.MONTH_NAMES, *items.NUMBER_WORDS, *items.WAS.values(),
                 *items.NEW_ITEM.values()):
        yield word, "reportgen/compute/items.py"
    for pair in (*items.MOVES.values(), *items.PROJECT_CHANGES.values(),
                 *items.RISK_CHANGES.values()):
        yield pair, "reportgen/compute/items.py"


def _key_phrases() -> Iterator[tuple[str, str]]:
    """Yield the key's sentences that the rules are worded in (core.ratings), whichever
    thresholds and adjustments a council's scheme has."""
    tables: list[Iterable[str]] = [
        ratings.BETWEEN.values(), ratings.BETWEEN_ON.values(), ratings.ABOVE.values(),
        ratings.BELOW.values(),
        ratings.HIGH_TARGET_WORDS.values(), ratings.REFERENCE_WORDS.values(),
        ratings.WORSE_THAN.values(), ["Any value"],
        *ratings.TRAVEL_WORDS.values()]
    for table in tables:
        for message in table:
            yield message, "reportgen/core/ratings.py"


def messages() -> dict[Message, list[str]]:
    """Return every phrase of the report, each with the places it is used."""
    found: dict[Message, list[str]] = {}
    for message, where in [*extracted(), *tabled()]:
        key: Message = message if isinstance(message, str) else (message[0], message[1])
        found.setdefault(key, []).append(where)
    return found


def template(created: datetime | None = None) -> Catalog:
    """Return the catalogue template (.pot): every phrase, untranslated."""
    catalog = Catalog(project="reportgen", fuzzy=False, creation_date=created)
    for message, places in messages().items():
        catalog.add(message, locations=[(p.rsplit(":", 1)[0], 0) for p in places[:3]],
                    flags=("python-format",) if PLACEHOLDER.search(str(message)) else ())
    return catalog


def main() -> None:
    """Rewrite the .pot and bring each language's .po up to date with it."""
    pot = _unchanged_or_new(words.LOCALE_DIR / "reportgen.pot")
    for stem in filter(None, words.LANGUAGES.values()):
        path: Path = words.LOCALE_DIR / f"{stem}.po"
        with path.open("rb") as po:
            catalog = read_po(po, locale=stem)
        catalog.update(pot, no_fuzzy_matching=True)
        with path.open("wb") as out:
            write_po(out, catalog, sort_output=True, ignore_obsolete=True)
        missing = [m.id for m in catalog if m.id and not _translated(m.string)]
        print(f"{path}: {len(missing)} untranslated", file=sys.stderr)


def _unchanged_or_new(path: Path) -> Catalog:
    """Write the .pot and return it, keeping its creation date while its phrases are the
    same: re-running the command then changes no file, and two branches that each ran it
    do not conflict over a timestamp."""
    before = path.read_bytes() if path.is_file() else b""
    if before:
        with path.open("rb") as pot_file:
            created = read_po(pot_file).creation_date
        kept = template(created if isinstance(created, datetime) else None)
        if _bytes(kept) == before:
            return kept
    pot = template()
    path.write_bytes(_bytes(pot))
    return pot


def _bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, omit_header=False, sort_output=True)
    return out.getvalue()


def _translated(string: object) -> bool:
    return all(string) if isinstance(string, (tuple, list)) else bool(string)


if __name__ == "__main__":
    main()
