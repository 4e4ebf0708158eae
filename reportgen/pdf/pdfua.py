"""Finish WeasyPrint's tagged PDF for PDF/UA-1 where WeasyPrint 70 falls short, and make it
reproducible. Each step fixes one gap found by `reportgen check-pdf` (docs/accessibility.md):

- a table that runs over several pages, which WeasyPrint tags as one Table per page, is
  joined back into one Table (the repeated header rows become artifacts);
- page footers (CSS margin boxes) are tagged, but their structure elements hang outside the
  tree: their content becomes /Artifact (pagination), as PDF/UA asks of running footers;
- table header cells get the /Scope that the HTML's <th scope> says, and their IDs an
  /IDTree, so that the /Headers WeasyPrint writes on data cells can be resolved;
- a table with no caption gets a /Summary from the heading it sits under;
- empty Span elements (left by the decorative rating icons) are removed;
- internal links get the heading they lead to as /Contents, not the bare anchor name;
- the file is saved with an /ID derived from its content and no dates, so that the same
  data gives the same bytes.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, String

HEADINGS = ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")
PAGINATION = Dictionary(Type=Name.Pagination)
PART = "/ReportgenTable"  # set by label_table_parts, removed by finish
NEAR = 30.0  # points between an anchor and the heading that names it


def finish(pdf_bytes: bytes) -> bytes:
    """Return the PDF with the PDF/UA fixes applied, saved reproducibly."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        document = _document(pdf)
        if document is not None:
            _join_split_tables(document)
            _footers_as_artifacts(pdf, document)
            _table_scopes(pdf, document)
            _table_summaries(pdf, document)
            _drop_empty_spans(document)
        _link_contents(pdf)
        out = io.BytesIO()
        # deterministic_id: /ID is a hash of the content, not of the time or the file name.
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _document(pdf: pikepdf.Pdf) -> Dictionary | None:
    """Return the /Document structure element, or None for an untagged PDF."""
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return None
    kids = tree.K
    document = kids[0] if isinstance(kids, Array) else kids
    return document if isinstance(document, Dictionary) else None


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


# ---- tables split over pages ----------------------------------------------------------

def label_table_parts(document: Any, pdf: Any) -> None:
    """WeasyPrint finisher: label each Table element with the HTML table it was made from,
    so that finish() can join a table's pages. Uses WeasyPrint internals (the page boxes,
    and the `mark` tags.py leaves on table cells); without them, tables stay split."""
    from weasyprint.formatting_structure import boxes

    for page in document.pages:
        for box in _descendants(getattr(page, "_page_box", None)):
            if not isinstance(box, boxes.TableBox):
                continue
            cell = next((c for c in _descendants(box) if hasattr(c, "mark")), None)
            table = _pdf_ancestor(pdf, getattr(cell, "mark", None), "/Table")
            if table is not None:
                table[PART[1:]] = id(box.element)


def _descendants(box: Any) -> Iterator[Any]:
    if box is None:
        return
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


def _pdf_ancestor(pdf: Any, element: Any, kind: str) -> Any:
    """Return the nearest pydyf structure element of `kind` above `element`, or None."""
    for _ in range(4):  # cell, row, row group, table
        if not isinstance(element, dict) or "P" not in element:
            return None
        if element.get("S") == kind:
            return element
        element = pdf.objects[int(element["P"].split()[0])]
    return element if isinstance(element, dict) and element.get("S") == kind else None


def _join_split_tables(document: Dictionary) -> None:
    """Join the Table elements that label_table_parts found to be one HTML table."""
    parts: dict[int, list[Dictionary]] = defaultdict(list)
    for table in (e for e in elements(document) if e.S == "/Table"):
        if PART in table:
            parts[int(table[PART])].append(table)
            del table[PART]
    for first, *rest in parts.values():
        for part in rest:
            _append_rows(first, part)
            _detach(part)


def _append_rows(first: Dictionary, part: Dictionary) -> None:
    """Move a later part's body rows into the first part; drop its repeated header rows,
    pointing its cells' /Headers at the first part's header cells."""
    body = next((k for k in children(first) if k.S == "/TBody"), first)
    heads = {_cell_place(th): th.ID for k in children(first) if k.S == "/THead"
             for r in children(k) for th in children(r) if "/ID" in th}
    repeated = {str(th.ID): heads.get(_cell_place(th)) for k in children(part)
                if k.S == "/THead" for r in children(k) for th in children(r) if "/ID" in th}
    for group in (k for k in children(part) if k.S in ("/TBody", "/TFoot")):
        for row in children(group):
            row.P = body
            body.K.append(row)
            for cell in children(row):
                headers = cell.get("/A", Dictionary()).get("/Headers")
                if isinstance(headers, Array):
                    cell.A.Headers = Array([repeated.get(str(h)) or h for h in headers])


def _cell_place(th: Dictionary) -> str:
    """Return "row-column" from WeasyPrint's header ID "<table number>-<row>-<column>"."""
    return str(th.ID).split("-", 1)[-1]


def _detach(element: Dictionary) -> None:
    """Take the element out of its parent, and the parent too if nothing else is left."""
    parent = element.get("/P")
    if not isinstance(parent, Dictionary) or not isinstance(parent.get("/K"), Array):
        return
    parent.K = Array([k for k in parent.K if not (
        isinstance(k, Dictionary) and k.objgen == element.objgen)])
    if len(parent.K) == 0 and parent.get("/S") != "/Document":
        _detach(parent)


# ---- footers ----------------------------------------------------------------

def _footers_as_artifacts(pdf: pikepdf.Pdf, document: Dictionary) -> None:
    """Mark content whose structure element is not in the tree as a pagination artifact.

    WeasyPrint tags margin-box text (the running title, "Page 3 of 20") but leaves its
    elements out of the tree (tags.py: "could be included in tree as Artifact, but that's
    only allowed in PDF 2.0"), so a checker finds tagged content that no reader can reach.
    """
    reachable = {e.objgen for e in elements(document)}
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        mapping = parents.get(int(key)) if key is not None else None
        if not isinstance(mapping, Array):
            continue
        orphans = {mcid for mcid, el in enumerate(mapping)
                   if isinstance(el, Dictionary) and el.objgen not in reachable}
        if not orphans:
            continue
        ops = []
        for item in pikepdf.parse_content_stream(page):
            operands, op = list(item.operands), item.operator
            if (str(op) == "BDC" and isinstance(operands[1], Dictionary)
                    and int(operands[1].get("/MCID", -1)) in orphans):
                operands = [Name.Artifact, PAGINATION]
            ops.append(pikepdf.ContentStreamInstruction(operands, op))
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
        for mcid in orphans:
            mapping[mcid] = None


# ---- tables -----------------------------------------------------------------

def rows(table: Dictionary) -> list[Dictionary]:
    """Return a table's TR elements, through THead, TBody and TFoot."""
    out = []
    for kid in children(table):
        if kid.S == "/TR":
            out.append(kid)
        elif kid.S in ("/THead", "/TBody", "/TFoot"):
            out += [r for r in children(kid) if r.S == "/TR"]
    return out


def _table_scopes(pdf: pikepdf.Pdf, document: Dictionary) -> None:
    """Give every TH a /Scope and every TH ID an entry in the /IDTree.

    WeasyPrint 70 reads <th scope="row"> only to build the data cells' /Headers lists; the
    header cells themselves get no /Scope. A TH named by a data cell of its own row is a row
    header (exactly WeasyPrint's rule); any other is a column header.
    """
    ids: dict[str, Dictionary] = {}
    for table in (e for e in elements(document) if e.S == "/Table"):
        for row in rows(table):
            cells = children(row)
            own = {str(h) for c in cells if c.S == "/TD"
                   for h in c.get("/A", Dictionary()).get("/Headers", Array())}
            for th in (c for c in cells if c.S == "/TH"):
                attributes = th.get("/A")
                if not isinstance(attributes, Dictionary):
                    attributes = th.A = Dictionary(O=Name.Table)
                ident = str(th.get("/ID", ""))
                attributes.Scope = Name.Row if ident in own else Name.Column
                if ident:
                    ids[ident] = th
    if ids:
        names = Array()
        for ident in sorted(ids, key=lambda s: s.encode("utf-8")):  # name trees sort bytes
            names.append(String(ident))
            names.append(ids[ident])
        pdf.Root.StructTreeRoot.IDTree = pdf.make_indirect(Dictionary(Names=names))


def _table_summaries(pdf: pikepdf.Pdf, document: Dictionary) -> None:
    """Give each Table without a Caption a /Summary: the heading above it.

    The report puts an <h3> above each progress and measure table rather than a caption.
    WeasyPrint makes one Table per page a table spans, so later parts say "(continued)".
    """
    titles = bookmark_titles(pdf)
    heading, seen = "", 0
    used: set[str] = set()
    for element in elements(document):
        if element.S in HEADINGS:
            heading = titles[seen] if seen < len(titles) else ""
            seen += 1
        elif element.S == "/Table" and heading:
            if any(kid.S == "/Caption" for kid in children(element)):
                continue
            summary = f"{heading} (continued)" if heading in used else heading
            used.add(heading)
            attributes = element.get("/A")
            if not isinstance(attributes, Dictionary):
                attributes = element.A = Dictionary(O=Name.Table)
            attributes.Summary = String(summary)


def bookmark_titles(pdf: pikepdf.Pdf) -> list[str]:
    """Return the outline titles in reading order (WeasyPrint makes one per heading)."""
    return [title for title, _level, _page, _y in bookmarks(pdf)]


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


def _drop_empty_spans(document: Dictionary) -> None:
    """Remove Span elements with no content: the rating icons' boxes, whose background
    WeasyPrint draws as an artifact, leave a Span behind that a screen reader would visit."""
    for element in list(elements(document)):
        kids = element.get("/K")
        if not isinstance(kids, Array):
            continue
        keep = [k for k in kids if not (isinstance(k, Dictionary) and k.get("/S") == "/Span"
                                        and not _has_kids(k))]
        if len(keep) != len(kids):
            element.K = Array(keep)


def _has_kids(element: Dictionary) -> bool:
    kids = element.get("/K")
    return kids is not None and not (isinstance(kids, Array) and len(kids) == 0)


# ---- links ------------------------------------------------------------------

def _link_contents(pdf: pikepdf.Pdf) -> None:
    """Describe each internal link by the heading at its destination.

    WeasyPrint puts the anchor name ("outcome-people") in /Contents, which PDF/UA reads
    as the link's alternate description; the heading title says where the link goes.
    """
    dests = _named_destinations(pdf)
    marks = bookmarks(pdf)
    pages: dict[Any, int] = {page.objgen: i for i, page in enumerate(pdf.pages)}
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", Array()):
            name = annot.get("/Dest")
            if annot.get("/Subtype") != "/Link" or not isinstance(name, String):
                continue
            target = dests.get(str(name))
            if target is None:
                continue
            index, y = pages.get(target[0].objgen, -1), float(target[3])
            # The heading nearest below the anchor's top on the same page: a section's
            # anchor sits just above its heading.
            near = [(abs(y - my), title) for title, _d, p, my in marks if p == index]
            if near and min(near)[0] <= NEAR:
                annot.Contents = String(min(near)[1])


def _named_destinations(pdf: pikepdf.Pdf) -> dict[str, Array]:
    """Return the document's named destinations (a flat name tree, as WeasyPrint writes)."""
    names = pdf.Root.get("/Names")
    dests = names.get("/Dests") if isinstance(names, Dictionary) else None
    if not isinstance(dests, Dictionary):
        return {}
    tree = pikepdf.NameTree(dests)
    return {key: value for key, value in tree.items() if isinstance(value, Array)}
