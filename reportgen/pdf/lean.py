"""Memory that WeasyPrint and pydyf spend on what a report never uses, given back.

A laid-out report is held whole until the PDF is written, so what each element and each PDF
object costs decides the PDF child's peak (docs/performance.md, "Memory"). Three costs did
not depend on the report at all, measured on the 10x benchmark dataset (235 pages):

- WeasyPrint's user-agent stylesheet gives *every* element six pseudo-elements
  (`::marker`, `::footnote-call`, `::footnote-marker`, `::note-call`, `::note-marker`,
  `::note-callback`: universal rules), so it computes and keeps seven styles per element
  where one is used: ~100 MB of the 10x report's ~540 MB peak. Only list items have
  markers, and only an element with `float: footnote` (or `note`) has the others.
- pydyf gives every PDF object (each array, dictionary and string of the structure tree,
  most never numbered) four attributes of its own: ~25 MB.
- A drawn page is a list of operators (a bytes object each, ~4,000 a page) until the file
  is written: ~20 MB. Each page's list is joined into the bytes pydyf would write as soon
  as the page is drawn (`pack_pages`; pdfua.py re-marks the footers in those bytes).

All three are given back here, and the PDF is the same, byte for byte (tests/test_lean.py).
They use WeasyPrint's and pydyf's internals, so each is checked first: if a newer version
does things otherwise, it is left alone and only the memory is spent.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

# The user-agent rules that match every element, and what each becomes.
_UNIVERSAL = {
    "::marker {": "li::marker {",  # list items are the only elements that have a marker
}
_NOTES = re.compile(r"^::(footnote-call|footnote-marker|note-call|note-marker|note-callback)"
                    r" \{[^}]*\}\n", re.MULTILINE)
# An HTML that floats anything to a footnote or note keeps the full stylesheet.
_USES_NOTES = re.compile(r"float\s*:\s*(footnote|note)\b")


def html_class(html: str) -> Any:
    """Return the weasyprint.HTML class to lay out `html` with: one whose user-agent
    stylesheet leaves out the pseudo-elements no element of ours has, or WeasyPrint's own
    where that cannot be done (notes used, or a WeasyPrint whose stylesheet differs)."""
    import weasyprint

    lean = _lean_html_class()
    return weasyprint.HTML if lean is None or _USES_NOTES.search(html) else lean


@functools.cache
def _lean_html_class() -> Any:
    import weasyprint
    from weasyprint import html as ua

    sheet_text = getattr(ua, "UA", None)
    if not isinstance(sheet_text, str) or not hasattr(weasyprint.HTML, "_ua_stylesheets"):
        return None
    trimmed, notes = _NOTES.subn("", sheet_text)
    for rule, scoped in _UNIVERSAL.items():
        if sheet_text.count(rule) != 1:
            return None
        trimmed = trimmed.replace(rule, scoped)
    if notes != 5:  # not the stylesheet this was written against
        return None
    # Parsed as WeasyPrint parses its own at import, where nobody hears its notices (that
    # @counter-style disc and decimal, predefined, are not redefined): not the report's.
    logger = logging.getLogger("weasyprint")
    quiet, logger.disabled = logger.disabled, True
    try:
        sheet = weasyprint.CSS(string=trimmed, counter_style=ua.UA_COUNTER_STYLE)
    finally:
        logger.disabled = quiet
    forms = ua.UA_FORM_STYLESHEET

    class LeanHTML(weasyprint.HTML):  # type: ignore[misc]
        def _ua_stylesheets(self, forms_too: bool = False) -> list[Any]:
            return [sheet, forms] if forms_too else [sheet]

    return LeanHTML


def lean_pydyf() -> None:
    """Make pydyf's per-object attributes (number, offset, generation, free) class defaults,
    set on an object only when pydyf numbers or writes it. Idempotent."""
    import pydyf

    base = pydyf.Object
    if getattr(base, "_reportgen_lean", False):
        return
    probe = base()
    if vars(probe) != {"number": None, "offset": 0, "generation": 0, "free": "n"}:
        return  # another pydyf: leave it be
    base.number, base.offset, base.generation, base.free = None, 0, 0, "n"
    base.__init__ = _no_attributes
    base._reportgen_lean = True


def _no_attributes(self: Any) -> None:
    """pydyf.Object.__init__, lean: the attributes are the class's until set."""


def pack_pages(document: Any) -> None:
    """Have each page of `document` (a laid-out weasyprint Document) keep its drawing as
    one bytes object from the moment it is drawn (see pack)."""
    for page in document.pages:
        page.paint = functools.partial(_paint_packed, page.paint)


def _paint_packed(paint: Any, stream: Any, *args: Any, **kwargs: Any) -> None:
    paint(stream, *args, **kwargs)
    pack(stream)


def pack(stream: Any) -> bytes:
    """Join a pydyf stream's operators into the bytes pydyf writes for them (one item a
    line), keep those instead of the list, and return them."""
    import pydyf

    items = stream.stream
    if len(items) != 1 or not isinstance(items[0], bytes):
        items = stream.stream = [b"\n".join(pydyf._to_bytes(item) for item in items)]
    data: bytes = items[0]
    return data
