"""Check a PDF against the PDF/UA-1 points this report can fail (Matterhorn Protocol), with
pikepdf. Not a full validator (veraPDF and PAC are: docs/accessibility.md); each check
says what it counted so that a reviewer can see what "pass" rests on."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary

from reportgen.pdf.pdfua import HEADINGS


def elements(element: Dictionary) -> Iterator[Dictionary]:
    """Yield the structure element and its descendants in reading order."""
    yield element
    kids = element.get("/K")
    for kid in (kids if isinstance(kids, Array) else [kids] if kids is not None else []):
        if isinstance(kid, Dictionary) and "/S" in kid:
            yield from elements(kid)


def children(element: Dictionary) -> list[Dictionary]:
    """Return the element's child structure elements (no content items or OBJRs)."""
    kids = element.get("/K")
    items = kids if isinstance(kids, Array) else [kids] if kids is not None else []
    return [k for k in items if isinstance(k, Dictionary) and "/S" in k]


def rows(table: Dictionary) -> list[Dictionary]:
    """Return a table's TR elements, through THead, TBody and TFoot."""
    out = []
    for kid in children(table):
        if kid.S == "/TR":
            out.append(kid)
        elif kid.S in ("/THead", "/TBody", "/TFoot"):
            out += [r for r in children(kid) if r.S == "/TR"]
    return out


def bookmarks(pdf: pikepdf.Pdf) -> list[tuple[str, int, int, float]]:
    """Return (title, depth, page index, y) of every outline item, depth first."""
    pages: dict[Any, int] = {page.objgen: i for i, page in enumerate(pdf.pages)}
    out: list[tuple[str, int, int, float]] = []

    def visit(items: list[Any], depth: int) -> None:
        for item in items:
            dest = item.destination
            page, y = -1, 0.0
            if isinstance(dest, Array) and len(dest) >= 4:
                page = pages.get(dest[0].objgen, -1)
                y = float(dest[3])
            out.append((str(item.title), depth, page, y))
            visit(item.children, depth + 1)

    with pdf.open_outline() as outline:
        visit(outline.root, 1)
    return out


# Operators that put marks on the page: text, paths, images and shadings.
SHAPES = {"f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "sh"}
PAINTING = SHAPES | {"Tj", "TJ", "'", '"', "Do"}
LIST_ITEM_PARTS = {"/Lbl", "/LBody"}


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    warning: bool = False  # a check that, when not ok, is to look at rather than a failure

    @property
    def failed(self) -> bool:
        return not self.ok and not self.warning

    def __str__(self) -> str:
        word = "PASS" if self.ok else "WARN" if self.warning else "FAIL"
        return f"{word}  {self.name}: {self.detail}"


# The pages our stylesheets lay out, in points: the report (report.css) is A4 landscape,
# the plan document (plan.css) A4 portrait.
PAGES = {"landscape": (841.89, 595.28), "portrait": (595.28, 841.89)}


class Inspected:
    """One PDF opened once, with the structure tree walked once for every check."""

    def __init__(self, pdf: pikepdf.Pdf, page: str = "landscape") -> None:
        self.pdf = pdf
        self.page = page  # the page the document should have: a key of PAGES
        tree = pdf.Root.get("/StructTreeRoot")
        kids = tree.get("/K") if isinstance(tree, Dictionary) else None
        self.document = kids[0] if isinstance(kids, Array) and len(kids) else kids
        if not isinstance(self.document, Dictionary):
            self.document = None
        self.elements = list(elements(self.document)) if self.document is not None else []
        self.pages: dict[Any, int] = {page.objgen: i for i, page in enumerate(pdf.pages)}

    def of(self, *kinds: str) -> list[Dictionary]:
        """Return the structure elements of the given types, in reading order."""
        return [e for e in self.elements if str(e.S) in kinds]


def check_pdf(path: Path, page: str = "landscape") -> list[Check]:
    """Open the PDF and return the result of every check; `page` is the A4 orientation it
    should have (landscape for the report, portrait for the plan document)."""
    with pikepdf.open(path) as pdf:
        seen = Inspected(pdf, page)
        return [check(seen) for check in CHECKS]


def syntax(seen: Inspected) -> Check:
    """The file parses without qpdf finding damage."""
    problems = seen.pdf.check_pdf_syntax()
    return Check("PDF syntax (qpdf)", not problems,
                 "no problems" if not problems else "; ".join(map(str, problems[:3])))


def tagged(seen: Inspected) -> Check:
    """MarkInfo says the PDF is tagged and a Document element heads the structure tree."""
    marked = bool(seen.pdf.Root.get("/MarkInfo", Dictionary()).get("/Marked", False))
    ok = marked and seen.document is not None
    return Check("tagged PDF", ok, f"/Marked {str(marked).lower()}, "
                 f"{len(seen.elements)} structure elements")


def identification(seen: Inspected) -> Check:
    """The XMP metadata names PDF/UA part 1 (Matterhorn 06-002)."""
    part = _xmp_value(seen.pdf, "pdfuaid:part")
    return Check("PDF/UA identification", part == "1",
                 f"pdfuaid:part = {part!r} in the XMP metadata")


def title(seen: Inspected) -> Check:
    """There is a dc:title and viewers show it, not the file name (06-003, 07-001)."""
    text = _xmp_value(seen.pdf, "dc:title") or ""
    prefs = seen.pdf.Root.get("/ViewerPreferences", Dictionary())
    shown = bool(prefs.get("/DisplayDocTitle", False))
    return Check("document title", bool(text) and shown,
                 f"dc:title {text!r}, DisplayDocTitle {str(shown).lower()}")


def language(seen: Inspected) -> Check:
    """The catalog's /Lang gives the natural language (11-001)."""
    lang = str(seen.pdf.Root.get("/Lang", ""))
    ok = bool(re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang))
    return Check("language", ok, f"/Lang {lang!r}")


def headings(seen: Inspected) -> Check:
    """One H1, first, and no level skipped going down (14-002, 14-003)."""
    levels = [int(str(h.S)[2]) for h in seen.of(*HEADINGS)]
    counts = Counter(levels)
    skips = [f"H{a}->H{b}" for a, b in pairwise(levels) if b > a + 1]
    ok = bool(levels) and counts[1] == 1 and levels[0] == 1 and not skips
    detail = ", ".join(f"{counts[n]} H{n}" for n in sorted(counts)) or "no headings"
    if skips:
        detail += f"; skipped: {', '.join(skips[:5])}"
    return Check("headings", ok, detail)


def figures(seen: Inspected) -> Check:
    """Every Figure has alternate text, and a chart's alt text states its numbers (13-004)."""
    found = seen.of("/Figure")
    alts = [str(f.get("/Alt", "")).strip() for f in found]
    missing = sum(not a for a in alts)
    numberless = sum(bool(a) and not re.search(r"\d|: none$", a) for a in alts)
    return Check("figures", missing == 0 and numberless == 0,
                 f"{len(found)} figures, {len(found) - missing} with alt text, {missing} "
                 f"without, {numberless} whose alt text states no number")


def content(seen: Inspected) -> Check:
    """All page content is either tagged and reachable, or an artifact (01-005); shapes
    (rules, backgrounds, icons) are artifacts unless they belong to a Figure or to text."""
    reachable = {e.objgen for e in seen.elements}
    parents = _parent_tree(seen.pdf)
    counts: Counter[str] = Counter()
    for page in seen.pdf.pages:
        key = page.obj.get("/StructParents")
        mapping = parents.get(int(key)) if key is not None else None
        for kind, mcid, op in _marked_painting(page):
            if kind == "untagged":
                counts["untagged"] += 1
            elif kind == "/Artifact":
                counts["artifact"] += 1
            elif mcid is None or not isinstance(mapping, Array) or mcid >= len(mapping):
                counts["unmapped"] += 1
            elif not isinstance(mapping[mcid], Dictionary) or (
                    mapping[mcid].objgen not in reachable):
                counts["outside the tree"] += 1
            else:
                counts["tagged"] += 1
                # An underline is drawn with its text (Span, Link): that is not decoration.
                if op in SHAPES and str(mapping[mcid].S) not in ("/Figure", "/Span", "/Link"):
                    counts["shapes"] += 1
    bad = counts["untagged"] + counts["unmapped"] + counts["outside the tree"] + counts["shapes"]
    return Check("content tagged or artifact", bad == 0,
                 f"{counts['tagged']} marks tagged, {counts['artifact']} artifacts (backgrounds, "
                 f"borders, icons, footers), {counts['untagged']} untagged, "
                 f"{counts['unmapped']} unmapped, {counts['outside the tree']} outside the tree, "
                 f"{counts['shapes']} decorative shapes tagged as content")


def tables(seen: Inspected) -> Check:
    """Tables have TH cells with a scope or headers, and a caption or summary (15-003)."""
    found = seen.of("/Table")
    ids = _id_tree(seen.pdf)
    with_th = with_caption = scoped = 0
    unresolved = 0
    for table in found:
        cells = [c for r in rows(table) for c in children(r)]
        heads = [c for c in cells if c.S == "/TH"]
        data = [c for c in cells if c.S == "/TD"]
        with_th += bool(heads)
        captioned = any(k.S == "/Caption" for k in children(table))
        summary = str(table.get("/A", Dictionary()).get("/Summary", "")).strip()
        with_caption += captioned or bool(summary)
        headers = [str(h) for c in data
                   for h in c.get("/A", Dictionary()).get("/Headers", Array())]
        unresolved += sum(h not in ids for h in headers)
        scoped += all("/Scope" in c.get("/A", Dictionary()) for c in heads) or (
            bool(data) and all("/Headers" in c.get("/A", Dictionary()) for c in data))
    n = len(found)
    ok = with_th == n and with_caption == n and scoped == n and unresolved == 0
    return Check("tables", ok,
                 f"{n} table elements, {with_th} with TH and {n - with_th} without, "
                 f"{scoped} with every header scoped, {with_caption} with a caption or "
                 f"summary and {n - with_caption} without, {unresolved} unresolved /Headers")


def lists(seen: Inspected) -> Check:
    """Lists are L of LI, and list items hold Lbl and LBody (Matterhorn 16)."""
    found = seen.of("/L")
    items = seen.of("/LI")
    bad_lists = sum(not children(lst) or any(
        str(k.S) not in ("/LI", "/L", "/Caption") for k in children(lst)) for lst in found)
    bad_items = sum(not children(li) or any(
        str(k.S) not in LIST_ITEM_PARTS for k in children(li)) for li in items)
    return Check("lists", bad_lists == 0 and bad_items == 0,
                 f"{len(found)} lists, {len(items)} items, {bad_lists} malformed lists, "
                 f"{bad_items} malformed items")


def outline(seen: Inspected) -> Check:
    """Bookmarks follow the headings: one each, same level, same page."""
    marks = bookmarks(seen.pdf)
    heads = [(int(str(h.S)[2]), seen.pages.get(h.Pg.objgen, -1) if "/Pg" in h else -1)
             for h in seen.of(*HEADINGS)]
    pairs = list(zip(heads, marks, strict=False))  # counts compared below
    mismatched = sum((level, page) != (depth, mpage)
                     for (level, page), (_t, depth, mpage, _y) in pairs)
    untitled = sum(not t.strip() for t, *_ in marks)
    ok = bool(marks) and len(marks) == len(heads) and mismatched == 0 and untitled == 0
    return Check("bookmarks", ok,
                 f"{len(marks)} bookmarks for {len(heads)} headings, {mismatched} at another "
                 f"level or page, {untitled} untitled")


def fonts(seen: Inspected) -> Check:
    """Every font is embedded (31-009 and following) and maps to Unicode (31-027)."""
    found = {name: (embedded, unicode) for name, embedded, unicode in _fonts(seen.pdf)}
    missing = sorted(name for name, (embedded, _) in found.items() if not embedded)
    unmapped = sorted(name for name, (_, unicode) in found.items() if not unicode)
    detail = (f"{len(found) - len(missing)} embedded, {len(missing)} not, "
              f"{len(unmapped)} without a ToUnicode map")
    if missing or unmapped:
        detail += f": {', '.join((missing + unmapped)[:5])}"
    return Check("fonts embedded", not missing and not unmapped, detail)


def links(seen: Inspected) -> Check:
    """Links are tagged, described by /Contents, and pages tab in structure order (28)."""
    count = undescribed = untagged = untabbed = 0
    for page in seen.pdf.pages:
        annots = [a for a in page.obj.get("/Annots", Array()) if a.get("/Subtype") == "/Link"]
        count += len(annots)
        undescribed += sum(not str(a.get("/Contents", "")).strip() for a in annots)
        untagged += sum("/StructParent" not in a for a in annots)
        untabbed += bool(annots) and page.obj.get("/Tabs") != "/S"
    ok = not (undescribed or untagged or untabbed)
    return Check("links", ok, f"{count} links, {undescribed} without /Contents, {untagged} "
                 f"untagged, {untabbed} pages with links not in structure tab order")


def page_size(seen: Inspected) -> Check:
    """Every page is A4 in the orientation our stylesheet lays the document out. A warning,
    not a failure: a council may choose another page, but a stylesheet that replaced ours
    can change it without anyone asking (29 landscape pages became 52 portrait ones)."""
    sizes = Counter(_size_mm(page) for page in seen.pdf.pages)
    want = _mm(PAGES[seen.page])
    named = f"A4 {seen.page} ({want[0]} x {want[1]} mm)"
    if set(sizes) == {want}:
        return Check("page size", True, f"all {sizes[want]} pages {named}")
    shown = ", ".join(f"{n} page{'s' * (n != 1)} {w} x {h} mm{_named((w, h))}"
                      for (w, h), n in sizes.items())
    return Check("page size", False, f"{shown}, not {named} as reportgen lays out: did a "
                 "stylesheet change @page size?", warning=True)


def _size_mm(page: pikepdf.Page) -> tuple[int, int]:
    box = [float(v) for v in page.mediabox]
    return _mm((abs(box[2] - box[0]), abs(box[3] - box[1])))


def _mm(points: tuple[float, float]) -> tuple[int, int]:
    return round(points[0] * 25.4 / 72), round(points[1] * 25.4 / 72)


def _named(size: tuple[int, int]) -> str:
    return {(210, 297): " (A4 portrait)", (297, 210): " (A4 landscape)", (216, 279): " (US Letter)",
            (279, 216): " (US Letter landscape)"}.get(size, "")


CHECKS: list[Callable[[Inspected], Check]] = [
    syntax, tagged, identification, title, language, headings, figures, content, tables,
    lists, outline, fonts, links, page_size]


# ---- helpers ----------------------------------------------------------------

def _xmp_value(pdf: pikepdf.Pdf, key: str) -> str | None:
    """Return an XMP property ("pdfuaid:part"), parsed by pikepdf's safe XML reader."""
    if "/Metadata" not in pdf.Root:
        return None
    value = pdf.open_metadata().get(key)
    return None if value is None else str(value).strip()


def _parent_tree(pdf: pikepdf.Pdf) -> dict[int, object]:
    """Return the ParentTree's entries by key (WeasyPrint writes one flat /Nums array)."""
    tree = pdf.Root.get("/StructTreeRoot", Dictionary()).get("/ParentTree")
    if not isinstance(tree, Dictionary):
        return {}
    return {int(k): v for k, v in pikepdf.NumberTree(tree).items()}


def _id_tree(pdf: pikepdf.Pdf) -> set[str]:
    tree = pdf.Root.get("/StructTreeRoot", Dictionary()).get("/IDTree")
    if not isinstance(tree, Dictionary):
        return set()
    return set(pikepdf.NameTree(tree).keys())


def _marked_painting(page: pikepdf.Page) -> Iterator[tuple[str, int | None, str]]:
    """Yield (kind, MCID, operator) for each painting operator: kind is the innermost
    marked-content tag that is an Artifact or carries an MCID, or "untagged"."""
    stack: list[tuple[str, int | None]] = []
    wanted = " ".join(PAINTING | {"BDC", "BMC", "EMC"})  # qpdf skips the rest: 3x faster
    for item in pikepdf.parse_content_stream(page, wanted):
        operands, op = item.operands, item.operator
        name = str(op)
        if name in ("BDC", "BMC"):
            tag = str(operands[0])
            props = operands[1] if name == "BDC" else None
            mcid = int(props["/MCID"]) if isinstance(props, Dictionary) and (
                "/MCID" in props) else None
            outer = stack[-1] if stack else None
            # An Artifact anywhere above wins; else the nearest MCID.
            if outer and outer[0] == "/Artifact":
                stack.append(outer)
            elif tag == "/Artifact" or mcid is not None or outer is None:
                stack.append((tag, mcid))
            else:
                stack.append(outer)
        elif name == "EMC":
            if stack:
                stack.pop()
        elif name in PAINTING:
            top = stack[-1] if stack else None
            if top is None or (top[0] != "/Artifact" and top[1] is None):
                yield "untagged", None, name
            else:
                yield top[0], top[1], name


def _fonts(pdf: pikepdf.Pdf) -> Iterator[tuple[str, bool, bool]]:
    """Yield (name, embedded, has ToUnicode) for every font in pages' and forms' resources."""
    seen: set[tuple[int, int]] = set()
    todo = [page.obj.get("/Resources") for page in pdf.pages]
    while todo:
        resources = todo.pop()
        if not isinstance(resources, Dictionary):
            continue
        if resources.is_indirect:
            if resources.objgen in seen:
                continue
            seen.add(resources.objgen)
        for font in resources.get("/Font", Dictionary()).values():
            yield (str(font.get("/BaseFont", "?")).lstrip("/"), _embedded(font),
                   "/ToUnicode" in font)
            todo.append(font.get("/Resources"))  # Type 3 glyphs can use fonts too
        for xobject in resources.get("/XObject", Dictionary()).values():
            if xobject.get("/Subtype") == "/Form":
                todo.append(xobject.get("/Resources"))


def _embedded(font: pikepdf.Object) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # drawn by its own content streams
    glyphs = font.DescendantFonts[0] if font.get("/Subtype") == "/Type0" else font
    descriptor = glyphs.get("/FontDescriptor", Dictionary())
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
