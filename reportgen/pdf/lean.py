"""Memory that WeasyPrint and pydyf spend on what a report never uses, given back.

A laid-out report is held whole until the PDF is written, so what each element and each PDF
object costs decides the PDF child's peak (docs/performance.md, "Memory"). Four costs did
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
- pydyf writes the file holding every object's bytes twice over (a list, then joined) and
  the cross-reference entries as ~100,000 small objects, all while the laid-out report is
  still alive: the child's peak, ~13 MB over the rest (`lean_writing`).

All four are given back here, and the PDF is the same, byte for byte (tests/test_lean.py).
They use WeasyPrint's and pydyf's internals, so each is checked first: if a newer version
does things otherwise, it is left alone and only the memory is spent.
"""

from __future__ import annotations

import functools
import logging
import re
import zlib
from math import ceil, log
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


def prepare() -> None:
    """Make pydyf lean (its objects and its writing), once a process: the PDF child does
    it while it waits for its job, as the probe of lean_writing takes ~50 ms."""
    lean_pydyf()
    lean_writing()


@functools.cache  # the probe once a process, whether or not this pydyf passes it
def lean_writing() -> None:
    """Have pydyf write a compressed PDF as lean_write does, where it gives the bytes
    pydyf's own write gives (checked on a probe). Idempotent."""
    import pydyf

    if getattr(pydyf.PDF, "_reportgen_lean", False) or not _writes_the_same(pydyf):
        return
    pydyf.PDF._pydyf_write = pydyf.PDF.write
    pydyf.PDF.write = lean_write
    pydyf.PDF._reportgen_lean = True


PIECE = 1 << 16  # bytes handed to zlib at a time


def lean_write(self: Any, output: Any, version: Any = b"1.7", identifier: Any = False,
               compress: bool = False) -> None:
    """pydyf.PDF.write, for a compressed PDF 1.5 or later without an identifier (how
    WeasyPrint writes ours), holding less at once; anything else is pydyf's own.

    pydyf writes every object that is not a stream into one object stream, from a list of
    their bytes that it then joins and compresses, and keeps that list while it builds the
    cross-reference stream from a list of a tuple per object and a list of ~100,000 small
    bytes objects. At 10x those were the PDF child's peak: 9 MB over the rest, on top of
    the object stream's ~8 MB. Here the objects' bytes are compressed a piece at a time
    and let go once written, and the cross-reference entries are packed as they are made:
    the same bytes (compression is not flushed between pieces, so zlib's output is what
    one call gives)."""
    import pydyf

    version = pydyf._to_bytes(version or b"1.7")
    if identifier or version < b"1.5" or not compress:
        self._pydyf_write(output, version=version, identifier=identifier, compress=compress)
        return
    if self.info:
        self.add_object(self.info)
    self.write_line(b"%PDF-" + version, output)
    self.write_line(b"%\xf0\x9f\x96\xa4", output)
    packed = []
    for object_ in self.objects:
        if object_.free == "f":
            continue
        if object_.compressible:
            packed.append(object_)
        else:
            object_.offset = self.current_position
            self.write_line(object_.indirect, output)
    object_stream = _object_stream(pydyf, packed)
    object_stream.offset = self.current_position
    self.add_object(object_stream)
    self.write_line(object_stream.indirect, output)
    object_stream.stream = []  # written: its bytes need not be kept
    xref = _xref(self, object_stream.number, len(packed))
    del packed
    extra = {"Type": "/XRef", "Index": pydyf.Array((0, len(self.objects) + 1)),
             "W": pydyf.Array(xref[0]), "Size": len(self.objects) + 1,
             "Root": self.catalog.reference}
    if self.info:
        extra["Info"] = self.info.reference
    dict_stream = pydyf.Stream([xref[1]], extra, compress)
    self.xref_position = dict_stream.offset = self.current_position
    self.add_object(dict_stream)
    self.write_line(dict_stream.indirect, output)
    self.write_line(b"startxref", output)
    self.write_line(f"{self.xref_position}".encode(), output)
    self.write_line(b"%%EOF", output)


def _object_stream(pydyf: Any, packed: list[Any]) -> Any:
    """Return the object stream of `packed`, its data compressed a piece at a time."""
    datas = [object_.data for object_ in packed]
    header, position = [], 0
    for object_, data in zip(packed, datas, strict=True):
        header += [object_.number, position]
        position += len(data) + 1
    first = " ".join(str(n) for n in header).encode()
    compressor = zlib.compressobj(level=9)
    parts, piece = [], bytearray(first)
    for data in datas:
        piece += b"\n"
        piece += data
        if len(piece) >= PIECE:
            parts.append(compressor.compress(piece))
            piece.clear()
    datas.clear()
    parts += [compressor.compress(piece), compressor.flush()]
    extra = {"Type": "/ObjStm", "N": len(packed), "First": len(first) + 1,
             "Filter": "/FlateDecode"}
    return pydyf.Stream([b"".join(parts)], extra, compress=False)


def _xref(pdf: Any, stream_number: int, packed: int) -> tuple[tuple[int, int, int], bytes]:
    """Return the cross-reference stream's field widths and entries, as pydyf makes them
    (the last entry is the stream's own, to be written where the file now ends)."""
    field2 = ceil(log(pdf.current_position + 1, 256))
    generation = max(object_.generation for object_ in pdf.objects)
    field3 = ceil(log(max(generation, packed) + 1, 256))
    entries = bytearray()
    index = 0
    for object_ in pdf.objects:
        if object_.compressible:
            entries += b"\x02" + stream_number.to_bytes(field2, "big")
            entries += index.to_bytes(field3, "big")
            index += 1
        else:
            entries += bytes((bool(object_.number),)) + object_.offset.to_bytes(field2, "big")
            entries += object_.generation.to_bytes(field3, "big")
    entries += b"\x01" + pdf.current_position.to_bytes(field2, "big") + bytes(field3)
    return (1, field2, field3), bytes(entries)


def _writes_the_same(pydyf: Any) -> bool:
    """Tell whether lean_write gives this pydyf's bytes, on a probe with every kind of
    object (and an object stream longer than one piece)."""
    import io

    def probe() -> Any:
        pdf = pydyf.PDF()
        pdf.info["Producer"] = pydyf.String("probe")
        for i in range(3):
            page = pydyf.Dictionary({"Type": "/Page", "Parent": pdf.pages.reference,
                                     "MediaBox": pydyf.Array((0, 0, 100, 100 + i))})
            pdf.add_page(page)
        content = pydyf.Stream([b"BT", b"ET"], compress=True)
        pdf.add_object(content)
        for i in range(2000):
            pdf.add_object(pydyf.Array([i, pydyf.String("x" * 60)]))
        return pdf

    try:
        theirs, ours = io.BytesIO(), io.BytesIO()
        probe().write(theirs, version=b"1.7", compress=True)
        lean_write(probe(), ours, version=b"1.7", compress=True)
        return theirs.getvalue() == ours.getvalue()
    except Exception:  # noqa: BLE001 - another pydyf: leave it be
        return False


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
