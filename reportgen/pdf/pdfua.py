"""Finish WeasyPrint's tagged PDF for PDF/UA-1 where WeasyPrint 70 falls short. Each step
fixes one gap found by `reportgen check-pdf` (docs/accessibility.md):

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
- internal links get the heading they lead to as /Contents, not the bare anchor name.

`finish` is a WeasyPrint finisher: it runs in the PDF child on WeasyPrint's own PDF objects
(pydyf), after the pages are drawn and tagged and before the file is written, so nothing
is parsed or compressed twice. The page boxes say which Table parts are one HTML table;
everything else comes from the objects. (The finished file is read back, with pikepdf,
only by `reportgen check-pdf`: pdf/check.py.)
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydyf import Array, Dictionary, String

from reportgen.pdf.lean import pack

HEADINGS = ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")
NEAR = 30.0  # points between an anchor and the heading that names it
NULL = b"null"  # a parent-tree entry whose content is no longer structure
# The start of a marked-content sequence as pydyf writes it, each operand on a line of its
# own: "/Span\n<</MCID 3>>\nBDC". Text is written as hex strings, so no text can look
# like this.
_PROPERTIES, _BDC = b"\n<</MCID ", b">>\nBDC\n"
_TAG = re.compile(rb"/[A-Za-z][A-Za-z0-9]*")


def finish(document: Any, pdf: Any) -> None:
    """WeasyPrint finisher: apply the PDF/UA fixes to `pdf` (pydyf) in place."""
    objects = Objects(pdf)
    root = objects.get(pdf.catalog.get("StructTreeRoot"))
    if root is None:  # untagged
        return
    tree = Node.walk(objects, objects.get(root["K"][0]))
    _join_split_tables(objects, tree, _table_parts(document, objects))
    order = list(tree.preorder())
    pages = objects.pages(root)
    marks = _bookmarks(objects)
    _footers_as_artifacts(pages, {node.num for node in order})
    _table_scopes(pdf, root, order)
    _table_summaries(order, [title for title, _page, _y in marks])
    _drop_empty_spans(order)
    # last but one: it changes the links' kids (the index keeps the elements, in order)
    _one_link_per_entry(objects, root, pages, [n for n in order if n.kind == "/Link"])
    _link_contents(objects, pages, marks)


class Objects:
    """The PDF's objects by reference (pydyf writes a reference as b"12 0 R")."""

    def __init__(self, pdf: Any) -> None:
        self.pdf = pdf

    def get(self, reference: object) -> Any:
        if not isinstance(reference, bytes):
            return None
        return self.pdf.objects[int(reference.split()[0])]

    def pages(self, root: Dictionary) -> list[Page]:
        """Return the pages, each with its parent-tree slot (its MCIDs' elements)."""
        nums = self.get(root["ParentTree"])["Nums"]
        slots = {nums[i]: nums[i + 1] for i in range(0, len(nums), 2)}
        out = []
        for reference in self.pdf.page_references:  # b"12 0 R", as elements' /Pg say
            page = self.get(reference)
            out.append(Page(reference, page, self.get(page["Contents"]),
                            slots.get(page.get("StructParents"))))
        return out


@dataclass(eq=False)
class Page:
    """A page: its reference, dictionary, content stream (a pydyf Stream not yet written)
    and parent-tree array (MCID -> structure element reference)."""

    reference: bytes
    page: Dictionary
    stream: Any
    mapping: Array | None

    def remark(self, mcids: Iterable[int], kind: str) -> None:
        """Turn the marked-content sequences `mcids` into /Artifact sequences of `kind`
        (/Pagination or /Layout) and take them out of the parent tree."""
        wanted = set(mcids)
        if not wanted:
            return
        artifact = b"/Artifact\n<</Type " + kind.encode("ascii") + _BDC
        self.stream.stream = [_remarked(pack(self.stream), wanted, artifact)]
        for mcid in wanted:
            if self.mapping is not None and mcid < len(self.mapping):
                self.mapping[mcid] = NULL


def _remarked(data: bytes, wanted: set[int], artifact: bytes) -> bytes:
    """Return the page's content with each sequence `wanted` opening as `artifact`.
    (bytes.find, not a regular expression: ~20 times faster on a page of ~100 KB.)"""
    out, last = [], 0
    at = data.find(_PROPERTIES)
    while at >= 0:
        end = data.find(_BDC, at)
        start = data.rfind(b"\n", 0, at) + 1  # the tag's line
        number = data[at + len(_PROPERTIES):end]
        if (end > 0 and number.isdigit() and int(number) in wanted
                and _TAG.fullmatch(data, start, at)):
            out += [data[last:start], artifact]
            last = end + len(_BDC)
        at = data.find(_PROPERTIES, at + 1)
    return b"".join([*out, data[last:]]) if out else data


@dataclass(eq=False, slots=True)
class Node:
    """A structure element with what finish() asks of it read once: its type, its object
    number, its parent and its child elements (in reading order). Slotted: the 10x report
    has ~60,000, and with a dictionary each they cost ~10 MB just before pydyf writes."""

    element: Dictionary
    kind: str
    num: int
    parent: Node | None = None
    kids: list[Node] = field(default_factory=list)
    empty: bool = False  # no /K, or an empty one: nothing for a reader to visit

    @classmethod
    def walk(cls, objects: Objects, document: Dictionary) -> Node:
        """Return the tree under `document`, read in one pass."""
        root = cls(document, document["S"], document.number)
        todo = [root]
        while todo:
            node = todo.pop()
            items = node.element.get("K") or ()
            node.empty = not items
            for kid in items:
                element = objects.get(kid)
                if isinstance(element, Dictionary) and "S" in element:
                    child = cls(element, element["S"], element.number, node)
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

    def detach(self) -> None:
        """Take the element out of its parent, and the parent too if nothing else is left."""
        parent = self.parent
        if parent is None:
            return
        reference = self.element.reference
        parent.element["K"] = Array([k for k in parent.element["K"] if k != reference])
        parent.kids = [k for k in parent.kids if k is not self]
        if not parent.element["K"] and parent.kind != "/Document":
            parent.detach()


# ---- tables split over pages ----------------------------------------------------------

def _table_parts(document: Any, objects: Objects) -> dict[int, list[int]]:
    """Return the object numbers of the Table elements made from each HTML table (by the
    table's id), in page order. Uses WeasyPrint internals (the page boxes, and the `mark`
    tags.py leaves on table cells); without them, tables stay split."""
    from weasyprint.formatting_structure import boxes

    parts: dict[int, list[int]] = defaultdict(list)
    for page in document.pages:
        for box in _descendants(getattr(page, "_page_box", None)):
            if not isinstance(box, boxes.TableBox):
                continue
            cell = next((c for c in _descendants(box) if hasattr(c, "mark")), None)
            table = _ancestor(objects, getattr(cell, "mark", None), "/Table")
            if table is not None and table.number not in parts[id(box.element)]:
                parts[id(box.element)].append(table.number)
    return parts


def _descendants(box: Any) -> Iterator[Any]:
    if box is None:
        return
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


def _ancestor(objects: Objects, element: Any, kind: str) -> Any:
    """Return the nearest structure element of `kind` at or above `element`, or None."""
    for _ in range(4):  # cell, row, row group, table
        if not isinstance(element, Dictionary):
            return None
        if element.get("S") == kind:
            return element
        element = objects.get(element.get("P"))
    return element if isinstance(element, Dictionary) and element.get("S") == kind else None


def _join_split_tables(objects: Objects, tree: Node, parts: dict[int, list[int]]) -> None:
    """Join the Table elements that are parts of one HTML table into the first."""
    tables = {n.num: n for n in tree.preorder() if n.kind == "/Table"}
    for numbers in parts.values():
        found = [tables[n] for n in numbers if n in tables]
        for part in found[1:]:
            _append_rows(found[0], part)
            part.detach()


def _append_rows(first: Node, part: Node) -> None:
    """Move a later part's body rows into the first part; drop its repeated header rows,
    pointing its cells' /Headers at the first part's header cells."""
    body = next((k for k in first.kids if k.kind == "/TBody"), first)
    heads = {_cell_place(th): th["ID"] for th in _header_cells(first)}
    repeated = {th["ID"].string: heads.get(_cell_place(th)) for th in _header_cells(part)}
    for group in (k for k in part.kids if k.kind in ("/TBody", "/TFoot")):
        for row in group.kids:
            row.element["P"] = body.element.reference
            body.element["K"].append(row.element.reference)
            row.parent = body
            body.kids.append(row)
            for cell in row.kids:
                headers = cell.element.get("A", {}).get("Headers")
                if isinstance(headers, Array):
                    cell.element["A"]["Headers"] = Array(
                        [repeated.get(h.string) or h for h in headers])
        group.kids = []


def _header_cells(table: Node) -> Iterator[Dictionary]:
    """Yield the header cells (with an /ID) of a table's THead rows."""
    for group in (k for k in table.kids if k.kind == "/THead"):
        for row in group.kids:
            yield from (th.element for th in row.kids if "ID" in th.element)


def _cell_place(th: Dictionary) -> str:
    """Return "row-column" from WeasyPrint's header ID "<table number>-<row>-<column>"."""
    return str(th["ID"].string).split("-", 1)[-1]


# ---- footers ----------------------------------------------------------------

def _footers_as_artifacts(pages: list[Page], reachable: set[int]) -> None:
    """Mark content whose structure element is not in the tree as a pagination artifact.

    WeasyPrint tags margin-box text (the running title, "Page 3 of 20") but leaves its
    elements out of the tree (tags.py: "could be included in tree as Artifact, but that's
    only allowed in PDF 2.0"), so a checker finds tagged content that no reader can reach.
    """
    for page in pages:
        if page.mapping is None:
            continue
        orphans = [mcid for mcid, reference in enumerate(page.mapping)
                   if isinstance(reference, bytes) and reference != NULL
                   and int(reference.split()[0]) not in reachable]
        page.remark(orphans, "/Pagination")


# ---- tables -----------------------------------------------------------------

def _table_scopes(pdf: Any, root: Dictionary, order: list[Node]) -> None:
    """Give every TH a /Scope and every TH ID an entry in the /IDTree.

    WeasyPrint 70 reads <th scope="row"> only to build the data cells' /Headers lists; the
    header cells themselves get no /Scope. A TH named by a data cell of its own row is a row
    header (exactly WeasyPrint's rule); any other is a column header.
    """
    ids: dict[str, Dictionary] = {}
    for table in (n for n in order if n.kind == "/Table"):
        for row in _rows(table):
            own = {h.string for c in row.kids if c.kind == "/TD"
                   for h in c.element.get("A", {}).get("Headers", ())}
            for th in (c.element for c in row.kids if c.kind == "/TH"):
                attributes = th.get("A")
                if not isinstance(attributes, Dictionary):
                    attributes = th["A"] = Dictionary({"O": "/Table"})
                ident = th["ID"].string if "ID" in th else ""
                attributes["Scope"] = "/Row" if ident in own else "/Column"
                if ident:
                    ids[ident] = th
    if ids:
        names = Array()
        for ident in sorted(ids, key=lambda s: s.encode("utf-8")):  # name trees sort bytes
            names.append(String(ident))
            names.append(ids[ident].reference)
        tree = Dictionary({"Names": names})
        pdf.add_object(tree)
        root["IDTree"] = tree.reference


def _rows(table: Node) -> list[Node]:
    """Return a table's TR nodes, through THead, TBody and TFoot."""
    out = []
    for kid in table.kids:
        if kid.kind == "/TR":
            out.append(kid)
        elif kid.kind in ("/THead", "/TBody", "/TFoot"):
            out += [r for r in kid.kids if r.kind == "/TR"]
    return out


def _table_summaries(order: list[Node], titles: list[str]) -> None:
    """Give each Table without a Caption a /Summary: the heading above it.

    The report puts an <h3> above each progress and measure table rather than a caption.
    WeasyPrint makes one Table per page a table spans, so later parts say "(continued)".
    """
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
            attributes = node.element.get("A")
            if not isinstance(attributes, Dictionary):
                attributes = node.element["A"] = Dictionary({"O": "/Table"})
            attributes["Summary"] = String(summary)


def _bookmarks(objects: Objects) -> list[tuple[str, bytes, float]]:
    """Return (title, page reference, y) of every outline item, depth first: WeasyPrint
    makes one per heading, in reading order."""
    outlines = objects.get(objects.pdf.catalog.get("Outlines"))
    out: list[tuple[str, bytes, float]] = []
    todo = [outlines.get("First")] if outlines is not None else []
    while todo:
        item = objects.get(todo.pop())
        if item is None:
            continue
        dest = item["Dest"]
        out.append((item["Title"].string, dest[0], float(dest[3])))
        todo += [item.get("Next"), item.get("First")]  # children first, then siblings
    return out


def _drop_empty_spans(order: list[Node]) -> None:
    """Remove Span elements with no content: the rating icons' boxes, whose background
    WeasyPrint draws as an artifact, leave a Span behind that a screen reader would visit."""
    for node in order:
        empty = [k for k in node.kids if k.kind == "/Span" and k.empty]
        if empty:
            gone = {k.element.reference for k in empty}
            node.element["K"] = Array([k for k in node.element["K"] if k not in gone])
            node.kids = [k for k in node.kids if k not in empty]


# ---- links ------------------------------------------------------------------

def _one_link_per_entry(objects: Objects, root: Dictionary, pages: list[Page],
                        links: list[Node]) -> None:
    """Join each Link that holds Links into one: its own annotation, grown over the line,
    and the inner Links' text (the page number); their annotations go, and the innermost
    of three (the leader dots of `leader()`) becomes a layout artifact."""
    by_reference = {page.reference: page for page in pages}
    leaders: dict[bytes, set[int]] = defaultdict(set)  # page -> MCIDs
    gone: set[bytes] = set()  # annotations
    for link in links:  # every Link element, in reading order
        if (link.parent is not None and link.parent.kind == "/Link") or not any(
                k.kind == "/Link" for k in link.kids):
            continue
        inner = [n for n in link.preorder() if n is not link and n.kind == "/Link"]
        deepest = inner[-1] if len(inner) >= 2 and not any(
            k.kind == "/Link" for k in inner[-1].kids) else None
        own = link.element
        kids = Array(_content(objects, own))
        annotation = next((objects.get(objects.get(k)["Obj"]) for k in kids
                           if _is_objr(objects, k)), None)
        rect = [float(x) for x in annotation["Rect"]] if annotation is not None else None
        for element in (n.element for n in inner):
            for kid in _content(objects, element):
                if _is_objr(objects, kid):
                    objr = objects.get(kid)
                    gone.add(objr["Obj"])
                    if rect is not None and objr.get("Pg", element["Pg"]) == own["Pg"]:
                        rect = _union(rect, [float(x) for x in objects.get(objr["Obj"])["Rect"]])
                    continue
                where, mcid = _mcid_page(element, kid)
                if deepest is not None and element is deepest.element:
                    leaders[where].add(mcid)
                    continue
                kids.append(kid if where == own["Pg"] else
                            Dictionary({"Type": "/MCR", "Pg": where, "MCID": mcid}))
                mapping = by_reference[where].mapping
                if mapping is not None:
                    mapping[mcid] = own.reference
        own["K"] = kids
        if annotation is not None and rect is not None:
            annotation["Rect"] = Array(rect)
    _drop_annotations(objects, root, pages, gone)
    for page in pages:
        if page.reference in leaders:
            page.remark(sorted(leaders[page.reference]), "/Layout")


def _content(objects: Objects, element: Dictionary) -> Iterator[Any]:
    """Yield the element's content kids: MCIDs, MCRs and OBJRs (no child elements)."""
    for kid in element.get("K") or ():
        target = objects.get(kid)
        if not (isinstance(target, Dictionary) and "S" in target):
            yield kid


def _is_objr(objects: Objects, kid: object) -> bool:
    target = objects.get(kid)
    return isinstance(target, Dictionary) and target.get("Type") == "/OBJR"


def _mcid_page(element: Dictionary, kid: Any) -> tuple[bytes, int]:
    """Return the page and MCID of a marked-content kid (an integer or an MCR)."""
    if isinstance(kid, Dictionary):
        return kid.get("Pg", element["Pg"]), int(kid["MCID"])
    return element["Pg"], int(kid)


def _union(a: list[float], b: list[float]) -> list[float]:
    """Return the rectangle [x1 y1 x2 y2] that covers both."""
    return [min(a[0], a[2], b[0], b[2]), min(a[1], a[3], b[1], b[3]),
            max(a[0], a[2], b[0], b[2]), max(a[1], a[3], b[1], b[3])]


def _drop_annotations(objects: Objects, root: Dictionary, pages: list[Page],
                      gone: set[bytes]) -> None:
    """Take the annotations `gone` off their pages and out of the parent tree."""
    if not gone:
        return
    dropped: set[int] = set()  # parent tree keys of the annotations that go
    for page in pages:
        annots = page.page.get("Annots")
        if isinstance(annots, Array):
            dropped |= {objects.get(a)["StructParent"] for a in annots
                        if a in gone and "StructParent" in objects.get(a)}
            page.page["Annots"] = Array([a for a in annots if a not in gone])
    tree = objects.get(root["ParentTree"])
    nums = tree["Nums"]
    tree["Nums"] = Array([x for i in range(0, len(nums), 2) if nums[i] not in dropped
                          for x in (nums[i], nums[i + 1])])


def _link_contents(objects: Objects, pages: list[Page],
                   marks: list[tuple[str, bytes, float]]) -> None:
    """Describe each internal link by the heading at its destination.

    WeasyPrint puts the anchor name ("outcome-people") in /Contents, which PDF/UA reads
    as the link's alternate description; the heading title says where the link goes.
    """
    dests = _named_destinations(objects)
    for page in pages:
        for annot in (objects.get(a) for a in page.page.get("Annots") or ()):
            if not isinstance(annot, Dictionary) or annot.get("Subtype") != "/Link":
                continue
            name = annot.get("Dest")
            if not isinstance(name, String):
                continue
            target = dests.get(name.string)
            if target is None:
                continue
            where, y = target[0], float(target[3])
            # The heading nearest below the anchor's top on the same page: a section's
            # anchor sits just above its heading.
            near = [(abs(y - my), title) for title, p, my in marks if p == where]
            if near and min(near)[0] <= NEAR:
                annot["Contents"] = String(min(near)[1])


def _named_destinations(objects: Objects) -> dict[str, Array]:
    """Return the document's named destinations (a flat name tree, as WeasyPrint writes)."""
    names = objects.pdf.catalog.get("Names")
    dests = names.get("Dests") if isinstance(names, Dictionary) else None
    if not isinstance(dests, Dictionary):
        return {}
    items = dests.get("Names", ())
    return {items[i].string: items[i + 1] for i in range(0, len(items) - 1, 2)
            if isinstance(items[i], String) and isinstance(items[i + 1], Array)}
