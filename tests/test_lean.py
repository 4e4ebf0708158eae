"""pdf/lean.py: the memory WeasyPrint and pydyf spend on what a report never uses is given
back, and the PDF stays the same, byte for byte."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# Lists (markers), a table over pages (joined by the finishing), page footers (re-marked
# as artifacts in the packed page content), a contents link with a leader, and an SVG icon
# (as the rating icons do, it keeps WeasyPrint's styles of every element alive).
PAGE = """<!DOCTYPE html><html lang="en-GB"><head><title>Lean</title><style>
@page { size: A5; @bottom-right { content: "Page " counter(page) " of " counter(pages) } }
nav a::after { content: leader('.') target-counter(attr(href), page) }
</style></head><body><h1>Lean</h1><nav><a href="#t">The table</a></nav>
<p><img alt="" src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'
width='4' height='4'/%3E"> Good</p><ul><li>One</li><li>Two</li></ul>
<ol><li>First</li><li>Second</li></ol>
<h2 id="t">The table</h2><table><thead><tr><th scope="col">Name</th><th scope="col">Value</th>
</tr></thead><tbody>ROWS</tbody></table></body></html>""".replace("ROWS", "".join(
    f"<tr><th scope='row'>Row {i}</th><td>{i}</td></tr>" for i in range(80)))

SAME_BYTES = """
import sys, weasyprint
from reportgen.pdf import lean
from reportgen.pdf.pdfua import finish
from reportgen.pdf.write import OPTIONS
html = sys.stdin.read()
# WeasyPrint's own way first: its user-agent stylesheet, pydyf untouched, pages as lists.
plain = weasyprint.HTML(string=html).write_pdf(finisher=finish, **OPTIONS)
lean.lean_pydyf()
lean.lean_writing()
document = lean.html_class(html)(string=html).render(**OPTIONS)
lean.pack_pages(document)
lean_bytes = document.write_pdf(finisher=finish, **OPTIONS)
print(plain == lean_bytes, len(plain), len(document.pages))
"""


def test_the_lean_route_gives_the_same_pdf_bytes():
    done = subprocess.run([sys.executable, "-c", SAME_BYTES], input=PAGE, text=True,
                          capture_output=True, cwd=ROOT, check=True)
    same, size, pages = done.stdout.split()
    assert int(pages) >= 2 and int(size) > 5000
    assert same == "True"


def _element_styles() -> int:
    """Count the live computed styles of elements and their pseudo-elements (not pages')."""
    from weasyprint.css import ComputedStyle

    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, ComputedStyle)
               and not (o.pseudo_type or "").startswith("@"))


def _styles_per_element(html_class: Any) -> float:
    html = PAGE.replace("ROWS", "")
    before = _element_styles()
    document = html_class(string=html).render()
    kept = _element_styles() - before
    elements = html.count("<") - html.count("</") - 1  # less the doctype
    assert document.pages
    return kept / elements


def test_an_element_keeps_one_style_not_seven():
    import weasyprint

    from reportgen.pdf.lean import html_class

    assert _styles_per_element(weasyprint.HTML) > 6  # ::marker, ::footnote-call, ...
    assert _styles_per_element(html_class(PAGE)) < 1.5


def test_notes_keep_weasyprints_stylesheet():
    import weasyprint

    from reportgen.pdf.lean import html_class

    assert html_class(PAGE) is not weasyprint.HTML
    assert html_class(PAGE.replace("</style>", ".n { float: footnote }</style>")) \
        is weasyprint.HTML


def test_pydyf_objects_carry_no_attributes_until_numbered():
    import pydyf

    from reportgen.pdf.lean import lean_pydyf

    lean_pydyf()
    lean_pydyf()  # idempotent
    array, dictionary = pydyf.Array([1]), pydyf.Dictionary({"A": 1})
    assert vars(array) == {} and vars(dictionary) == {}
    assert (array.number, array.offset, array.generation, array.free) == (None, 0, 0, "n")
    document = pydyf.PDF()
    document.add_object(dictionary)
    assert dictionary.number is not None and vars(dictionary)["number"] == dictionary.number
    assert array.number is None  # the class default, untouched


def test_pydyf_writes_through_the_lean_writer():
    """The installed pydyf writes the probe as lean_write does, so the lean writer is used
    (if this fails after an upgrade, the PDFs are still right: only the memory is spent)."""
    import pydyf

    from reportgen.pdf import lean

    lean.lean_writing()
    assert pydyf.PDF.write is lean.lean_write
