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
- a contents line, which WeasyPrint tags as three nested Links (the text, the ::after box,
  the leader) with three overlapping annotations, becomes one Link with one annotation
  over the line, and its leader dots become layout artifacts that no reader reads out;
- internal links get the heading they lead to as /Contents, not the bare anchor name;
- the file is saved with an /ID derived from its content and no dates, so that the same
  data gives the same bytes.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, String

HEADINGS = ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")
PAGINATION = Dictionary(Type=Name.Pagination)
LAYOUT = Dictionary(Type=Name.Layout)
PART = "/ReportgenTable"  # set by label_table_parts, removed by finish
NEAR = 30.0  # points between an anchor and the heading that names it


def finish(pdf_bytes: bytes) -> bytes:
    """Return the PDF with the PDF/UA fixes applied, saved reproducibly."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        document = _document(pdf)
        if document is not None:
            # One walk of the structure tree (reading pikepdf objects is most of the cost);
            # every step below works on this index, and keeps it up to date.
            tree = Node.walk(document)
            _join_split_tables(tree)
            order = list(tree.preorder())
            _footers_as_artifacts(pdf, {node.objgen for node in order})
            _table_scopes(pdf, order)
            _table_summaries(pdf, order)
            _drop_empty_spans(order)
            # last: it changes the links' kids (the index keeps the elements, in order)
            _one_link_per_entry(pdf, [n.element for n in order if n.kind == "/Link"])
        _link_contents(pdf)
        out = io.BytesIO()
        # deterministic_id: /ID is a hash of the content, not of the time or the file name.
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


@dataclass(eq=False)
class Node:
    """A structure element with what finish() asks of it read once: its type, its object
    number, its parent and its child elements (in reading order)."""

    element: Dictionary
    kind: str
    objgen: tuple[int, int]
    parent: Node | None = None
    kids: list[Node] = field(default_factory=list)
    empty: bool = False  # no /K, or an empty one: nothing for a reader to visit

    @classmethod
    def walk(cls, document: Dictionary) -> Node:
        """Return the tree under `document`, read in one pass."""
        root = cls(document, str(document.get("/S")), document.objgen)
        todo = [root]
        while todo:
            node = todo.pop()
            kids = node.element.get("/K")
            items = list(kids) if isinstance(kids, Array) else [] if kids is None else [kids]
            node.empty = not items
            for kid in items:
                if isinstance(kid, Dictionary) and "/S" in kid:
                    child = cls(kid, str(kid.S), kid.objgen, node)
                    node.kids.append(child)
                    todo.append(child)
        return root

    def preorder(self) -> Iterator[Node]:
        """Yield this node and its descendants in reading order."""
        todo = [self]
        while todo:
            node = todo.pop()
            yield node
            todo.extend(reversed(node.kids))


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


def _join_split_tables(tree: Node) -> None:
    """Join the Table elements that label_table_parts found to be one HTML table."""
    parts: dict[int, list[Node]] = defaultdict(list)
    for table in (n for n in tree.preorder() if n.kind == "/Table"):
        if PART in table.element:
            parts[int(table.element[PART])].append(table)
            del table.element[PART]
    for first, *rest in parts.values():
        for part in rest:
            _append_rows(first, part)
            _detach(part)


def _append_rows(first: Node, part: Node) -> None:
    """Move a later part's body rows into the first part; drop its repeated header rows,
    pointing its cells' /Headers at the first part's header cells."""
    body = next((k for k in first.kids if k.kind == "/TBody"), first)
    heads = {_cell_place(th): th.ID for th in _header_cells(first)}
    repeated = {str(th.ID): heads.get(_cell_place(th)) for th in _header_cells(part)}
    for group in (k for k in part.kids if k.kind in ("/TBody", "/TFoot")):
        for row in group.kids:
            row.element.P = body.element
            body.element.K.append(row.element)
            row.parent = body
            body.kids.append(row)
            for cell in row.kids:
                headers = cell.element.get("/A", Dictionary()).get("/Headers")
                if isinstance(headers, Array):
                    cell.element.A.Headers = Array([repeated.get(str(h)) or h for h in headers])
        group.kids = []


def _header_cells(table: Node) -> Iterator[Dictionary]:
    """Yield the header cells (with an /ID) of a table's THead rows."""
    for group in (k for k in table.kids if k.kind == "/THead"):
        for row in group.kids:
            yield from (th.element for th in row.kids if "/ID" in th.element)


def _cell_place(th: Dictionary) -> str:
    """Return "row-column" from WeasyPrint's header ID "<table number>-<row>-<column>"."""
    return str(th.ID).split("-", 1)[-1]


def _detach(node: Node) -> None:
    """Take the element out of its parent, and the parent too if nothing else is left."""
    parent = node.parent
    if parent is None or not isinstance(parent.element.get("/K"), Array):
        return
    parent.element.K = Array([k for k in parent.element.K if not (
        isinstance(k, Dictionary) and k.objgen == node.objgen)])
    parent.kids = [k for k in parent.kids if k is not node]
    if len(parent.element.K) == 0 and parent.kind != "/Document":
        _detach(parent)


# ---- footers ----------------------------------------------------------------

# The start of a marked-content sequence as WeasyPrint (pydyf) writes it, each operand on a
# line of its own: "/Span\n<</MCID 3>>\nBDC". Text is written as hex strings, so no text
# can look like this.
_MARKED = re.compile(rb"^/[A-Za-z][A-Za-z0-9]*\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC$",
                     re.MULTILINE)
_ARTIFACT = b"/Artifact\n<</Type /Pagination>>\nBDC"


def _footers_as_artifacts(pdf: pikepdf.Pdf, reachable: set[tuple[int, int]]) -> None:
    """Mark content whose structure element is not in the tree as a pagination artifact.

    WeasyPrint tags margin-box text (the running title, "Page 3 of 20") but leaves its
    elements out of the tree (tags.py: "could be included in tree as Artifact, but that's
    only allowed in PDF 2.0"), so a checker finds tagged content that no reader can reach.
    """
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
        if not _artifacts_by_text(page, orphans):
            _artifacts_by_parsing(pdf, page, orphans)
        for mcid in orphans:
            mapping[mcid] = None


def _artifacts_by_text(page: pikepdf.Page, orphans: set[int]) -> bool:
    """Re-mark the orphans' sequences in the page's one content stream by rewriting the
    lines that open them: 50 times faster than parsing every operator (~30 ms a page).
    Return False, changing nothing, unless every orphan was found so."""
    contents = page.obj.get("/Contents")
    if not isinstance(contents, pikepdf.Stream):
        return False
    found: set[int] = set()

    def mark(match: re.Match[bytes]) -> bytes:
        mcid = int(match[1])
        if mcid not in orphans:
            return match[0]
        found.add(mcid)
        return _ARTIFACT

    data = _MARKED.sub(mark, contents.read_bytes())
    if found != orphans:
        return False
    contents.write(data)
    return True


def _artifacts_by_parsing(pdf: pikepdf.Pdf, page: pikepdf.Page, orphans: set[int]) -> None:
    """Re-mark the orphans' sequences by parsing the page's content: for content written
    other than WeasyPrint writes it."""
    _remark(pdf, page, orphans, PAGINATION)


def _remark(pdf: pikepdf.Pdf, page: pikepdf.Page, mcids: set[int], kind: Dictionary) -> None:
    """Turn the marked-content sequences `mcids` of the page into artifacts of `kind`."""
    ops = []
    for item in pikepdf.parse_content_stream(page):
        operands, op = list(item.operands), item.operator
        if (str(op) == "BDC" and isinstance(operands[1], Dictionary)
                and int(operands[1].get("/MCID", -1)) in mcids):
            operands = [Name.Artifact, kind]
        ops.append(pikepdf.ContentStreamInstruction(operands, op))
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))


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


def _table_scopes(pdf: pikepdf.Pdf, order: list[Node]) -> None:
    """Give every TH a /Scope and every TH ID an entry in the /IDTree.

    WeasyPrint 70 reads <th scope="row"> only to build the data cells' /Headers lists; the
    header cells themselves get no /Scope. A TH named by a data cell of its own row is a row
    header (exactly WeasyPrint's rule); any other is a column header.
    """
    ids: dict[str, Dictionary] = {}
    for table in (n for n in order if n.kind == "/Table"):
        for row in _rows(table):
            own = {str(h) for c in row.kids if c.kind == "/TD"
                   for h in c.element.get("/A", Dictionary()).get("/Headers", Array())}
            for th in (c.element for c in row.kids if c.kind == "/TH"):
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


def _rows(table: Node) -> list[Node]:
    """Return a table's TR nodes, through THead, TBody and TFoot."""
    out = []
    for kid in table.kids:
        if kid.kind == "/TR":
            out.append(kid)
        elif kid.kind in ("/THead", "/TBody", "/TFoot"):
            out += [r for r in kid.kids if r.kind == "/TR"]
    return out


def _table_summaries(pdf: pikepdf.Pdf, order: list[Node]) -> None:
    """Give each Table without a Caption a /Summary: the heading above it.

    The report puts an <h3> above each progress and measure table rather than a caption.
    WeasyPrint makes one Table per page a table spans, so later parts say "(continued)".
    """
    titles = bookmark_titles(pdf)
    heading, seen = "", 0
    used: set[str] = set()
    for node in order:
        if node.kind in HEADINGS:
            heading = titles[seen] if seen < len(titles) else ""
            seen += 1
        elif node.kind == "/Table" and heading:
            if any(kid.kind == "/Caption" for kid in node.kids):
                continue
            summary = f"{heading} (continued)" if heading in used else heading
            used.add(heading)
            attributes = node.element.get("/A")
            if not isinstance(attributes, Dictionary):
                attributes = node.element.A = Dictionary(O=Name.Table)
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


def _drop_empty_spans(order: list[Node]) -> None:
    """Remove Span elements with no content: the rating icons' boxes, whose background
    WeasyPrint draws as an artifact, leave a Span behind that a screen reader would visit."""
    for node in order:
        if not any(k.kind == "/Span" and k.empty for k in node.kids):
            continue
        kids = node.element.get("/K")
        if not isinstance(kids, Array):
            continue
        node.element.K = Array([k for k in kids if not (
            isinstance(k, Dictionary) and k.get("/S") == "/Span" and not _has_kids(k))])
        node.kids = [k for k in node.kids if not (k.kind == "/Span" and k.empty)]


def _has_kids(element: Dictionary) -> bool:
    kids = element.get("/K")
    return kids is not None and not (isinstance(kids, Array) and len(kids) == 0)


# ---- links ------------------------------------------------------------------

def _one_link_per_entry(pdf: pikepdf.Pdf, links: list[Dictionary]) -> None:
    """Join each Link that holds Links into one: its own annotation, grown over the line,
    and the inner Links' text (the page number); their annotations go, and the innermost
    of three (the leader dots of `leader()`) becomes a layout artifact."""
    nums: Any = pdf.Root.StructTreeRoot.ParentTree.Nums
    slots = {int(nums[i]): i + 1 for i in range(0, len(nums), 2)}
    leaders: dict[tuple[int, int], set[int]] = defaultdict(set)  # page -> MCIDs
    moved: list[tuple[Any, int, Dictionary]] = []  # (page, MCID, new owner)
    gone: set[tuple[int, int]] = set()  # annotations
    for link in links:  # every Link element, in reading order
        if _is_link(link.get("/P")) or not any(_is_link(k) for k in children(link)):
            continue
        inner = [e for e in elements(link) if e is not link and _is_link(e)]
        deepest = inner[-1] if len(inner) >= 2 and not any(map(_is_link, children(inner[-1]))) \
            else None
        kids: list[Any] = list(_kid_list(link, keep_links=False))
        annotation = _annotation(link)
        rect = [float(x) for x in annotation.Rect] if annotation is not None else None
        for element in inner:
            for kid in _kid_list(element, keep_links=False):
                if isinstance(kid, Dictionary) and kid.get("/Type") == "/OBJR":
                    gone.add(kid.Obj.objgen)
                    if rect is not None and kid.Obj.get("/Pg", link.get("/Pg")) == \
                            link.get("/Pg"):
                        rect = _union(rect, [float(x) for x in kid.Obj.Rect])
                    continue
                page, mcid = _mcid_page(element, kid)
                if element is deepest:
                    leaders[page.objgen].add(mcid)
                else:
                    kids.append(kid if page.objgen == link.Pg.objgen else
                                Dictionary(Type=Name.MCR, Pg=page, MCID=mcid))
                    moved.append((page, mcid, link))
        link.K = Array(kids)
        if annotation is not None and rect is not None:
            annotation.Rect = Array(rect)
    _retag(pdf, slots, nums, leaders, moved, gone)


def _is_link(element: object) -> bool:
    return isinstance(element, Dictionary) and element.get("/S") == "/Link"


def _kid_list(element: Dictionary, *, keep_links: bool) -> Iterator[Any]:
    """Yield the element's kids: content (MCIDs, MCRs, OBJRs) and, if asked, Links."""
    kids = element.get("/K")
    for kid in kids if isinstance(kids, Array) else [kids] if kids is not None else []:
        if not _is_link(kid) or keep_links:
            yield kid


def _annotation(link: Dictionary) -> Any:
    """Return the link's own annotation (its OBJR), or None if it has none."""
    for kid in _kid_list(link, keep_links=False):
        if isinstance(kid, Dictionary) and kid.get("/Type") == "/OBJR":
            return kid.Obj
    return None


def _union(a: list[float], b: list[float]) -> list[float]:
    """Return the rectangle [x1 y1 x2 y2] that covers both."""
    return [min(a[0], a[2], b[0], b[2]), min(a[1], a[3], b[1], b[3]),
            max(a[0], a[2], b[0], b[2]), max(a[1], a[3], b[1], b[3])]


def _mcid_page(element: Dictionary, kid: Any) -> tuple[Any, int]:
    """Return the page and MCID of a marked-content kid (an integer or an MCR)."""
    if isinstance(kid, Dictionary):
        return kid.get("/Pg", element.Pg), int(kid.MCID)
    return element.Pg, int(kid)


def _retag(pdf: pikepdf.Pdf, slots: dict[int, int], nums: Any,
           leaders: dict[tuple[int, int], set[int]],
           moved: list[tuple[Any, int, Dictionary]], gone: set[tuple[int, int]]) -> None:
    """Apply _one_link_per_entry to the pages: the parent tree, the annotations, and the
    leaders' marked content made artifacts."""
    for page_obj, mcid, owner in moved:
        nums[slots[int(page_obj.StructParents)]][mcid] = owner
    dropped: set[int] = set()  # parent tree keys of the annotations that go
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if isinstance(annots, Array) and gone:
            dropped |= {int(a.StructParent) for a in annots
                        if a.objgen in gone and "/StructParent" in a}
            page.obj.Annots = Array([a for a in annots if a.objgen not in gone])
        dots = leaders.get(page.obj.objgen)
        if not dots:
            continue
        _remark(pdf, page, dots, LAYOUT)
        mapping = nums[slots[int(page.obj.StructParents)]]
        for mcid in dots:
            mapping[mcid] = None
    if dropped:
        pdf.Root.StructTreeRoot.ParentTree.Nums = Array(
            [x for i in range(0, len(nums), 2) if int(nums[i]) not in dropped
             for x in (nums[i], nums[i + 1])])


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
