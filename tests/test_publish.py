"""`reportgen publish`: the static site's files and names, the index, the fragment, the
self-contained stylesheet, the kept PDF child, and the PDF contents page's links."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
import tinycss2
from click.testing import CliRunner
from fontTools.ttLib import TTFont

from reportgen.commands.cli import main
from reportgen.core.resources import STYLES
from reportgen.data.settings import Settings
from reportgen.pdf.check import check_pdf, children, elements
from reportgen.pdf.sandbox import Kept, render_pdf
from reportgen.publish.fragment import SCOPE, scoped
from reportgen.publish.site import Download, Entry, index_page
from reportgen.render.inline import inline_urls

ROOT = Path(__file__).resolve().parents[1]
STEM = "derbyshire-county-council-2025-26-q1"
FOLDER = Path("derbyshire-county-council/2025-26/q1")


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The Derbyshire sample published by the command, and built by `reportgen build`."""
    data = tmp_path_factory.mktemp("data")
    shutil.copytree(ROOT / "data" / "derbyshire" / "2025-26",  # one quarter: quick
                    data / "derbyshire" / "2025-26")
    site, built = tmp_path_factory.mktemp("site"), tmp_path_factory.mktemp("built")
    result = CliRunner().invoke(main, ["publish", str(data), "-o", str(site)])
    assert result.exit_code == 0, result.output
    assert f"wrote {site / 'index.html'}: 1 quarter, 8 files" in result.output
    result = CliRunner().invoke(main, ["build", str(data / "derbyshire" / "2025-26" / "q1"),
                                       "-o", str(built)])
    assert result.exit_code == 0, result.output
    return {"site": site, "built": built}


def test_each_quarter_has_its_folder_and_stable_names(published: dict[str, Path]) -> None:
    site = published["site"]
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert files == sorted(["index.html", *(f"{FOLDER.as_posix()}/{name}" for name in [
        "index.html", "fragment.html", f"{STEM}.pdf", f"{STEM}.xlsx", f"{STEM}.json",
        f"{STEM}-measures.csv", f"{STEM}-objectives.csv"])])


def test_the_site_has_what_build_makes(published: dict[str, Path]) -> None:
    """The same pipeline: the PDF byte for byte, and the HTML page, as `reportgen build`."""
    page = published["site"] / FOLDER
    assert (page / f"{STEM}.pdf").read_bytes() == (published["built"] / f"{STEM}.pdf").read_bytes()
    assert (page / "index.html").read_text() == (published["built"] / f"{STEM}.html").read_text()


def test_open_data_files(published: dict[str, Path]) -> None:
    page = published["site"] / FOLDER
    data = json.loads((page / f"{STEM}.json").read_text(encoding="utf-8"))
    assert data["council"] == "Derbyshire County Council" and data["quarter"] == 1
    assert sum(data["summary"]["objectives"].values()) == 24
    measures = (page / f"{STEM}-measures.csv").read_text(encoding="utf-8").splitlines()
    assert len(measures) == 1 + len(data["measures"])
    with zipfile.ZipFile(page / f"{STEM}.xlsx") as book:
        assert "xl/workbook.xml" in book.namelist()


def test_the_index_links_every_file_relatively(published: dict[str, Path]) -> None:
    index = (published["site"] / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"#]+)"', index)
    assert links and all(not re.match(r"[a-z]+:|/", link) for link in links)
    assert all((published["site"] / link).exists() for link in links)
    assert "PDF<span class=\"visually-hidden\"> of Performance Report Quarter 1 2025 to 2026" \
        in index
    assert re.search(r"PDF<.*?</a> <span class=\"site-size\">\d+ KB</span>", index)


def test_the_index_lists_councils_then_the_newest_quarter_first() -> None:
    def entry(council: str, year: str, quarter: int) -> Entry:
        return Entry(council, "Plan", year, quarter, f"{council} {year} Q{quarter}", "x/",
                     [Download("PDF", "", "x/a.pdf", 2_500_000)])

    entries = [entry("B Council", "2024-25", 4), entry("A Council", "2024-25", 2),
               entry("B Council", "2025-26", 1), entry("A Council", "2025-26", 3),
               entry("A Council", "2024-25", 3)]
    html = index_page(entries, Settings())
    titles = re.findall(r"<h4><a [^>]*>([^<]+)</a></h4>", html)
    assert titles == ["A Council 2025-26 Q3", "A Council 2024-25 Q3", "A Council 2024-25 Q2",
                      "B Council 2025-26 Q1", "B Council 2024-25 Q4"]
    assert "2.4 MB" in html
    assert '<main id="main"' in html and '<a class="skip-link" href="#main">' in html


def test_the_fragment_is_scoped_and_has_no_page_landmarks(published: dict[str, Path]) -> None:
    fragment = (published["site"] / FOLDER / "fragment.html").read_text(encoding="utf-8")
    assert fragment.startswith('<div class="reportgen-report" lang="en-GB">')
    assert "<main" not in fragment and "<header" not in fragment and "<body" not in fragment
    assert "skip-link" not in fragment.split("</style>", 1)[1]
    assert "of the 24 Strategic Objectives" in fragment
    css = fragment.split("<style>", 1)[1].split("</style>", 1)[0]
    preludes = _preludes(tinycss2.parse_stylesheet(css, skip_comments=True,
                                                   skip_whitespace=True))
    assert preludes and all(all(s.strip().startswith(SCOPE) for s in p.split(","))
                            for p in preludes)
    assert "@page" not in css and "A4 landscape" not in css


def _preludes(rules: list) -> list[str]:  # type: ignore[type-arg]
    found = []
    for rule in rules:
        if rule.type == "qualified-rule":
            found.append(tinycss2.serialize(rule.prelude))
        elif rule.type == "at-rule" and rule.content is not None and \
                rule.lower_at_keyword == "media":
            found += _preludes(tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                        skip_whitespace=True))
    return found


def test_scoping_rules() -> None:
    css = ("html { color: red } :root { --a: 1 } body p, td:is(.a, .b) { x: y } "
           "@page { size: A4 } @media print { td { z: 1 } } "
           "@media screen { @media (max-width: 40rem) { body { w: 1 } } } "
           "@font-face { font-family: F; src: url(f.woff2) }")
    out = scoped(css, ".s")
    assert out == (".s { color: red }\n.s { --a: 1 }\n.s p, .s td:is(.a, .b) { x: y }\n"
                   "@media screen {\n@media (max-width: 40rem) {\n.s { w: 1 }\n}\n}\n"
                   "@font-face { font-family: F; src: url(f.woff2) }")


def test_the_stylesheet_inlines_fonts_subset_and_renamed(tmp_path: Path) -> None:
    css = ('@font-face { font-family: "Report Sans"; src: url(fonts/LiberationSans-Bold.ttf); }'
           ' .a { background: url("../../etc/passwd") }'
           " .b { background: url(https://x.test/i.png) }")
    out = inline_urls(css, STYLES, [STYLES])
    font = re.search(r'url\(data:font/woff2;base64,([^)]+)\)', out)
    assert font is not None
    import base64

    face = TTFont(io.BytesIO(base64.b64decode(font[1])))
    names = {r.nameID: r.toUnicode() for r in face["name"].names}
    assert names[1] == "Report Sans" and "Red Hat" in names[0]  # copyright kept
    assert all(ord(c) in face.getBestCmap() for c in "£ŵŷ–’€→")
    assert len(font[1]) < 80_000  # subset: the whole face is 414 kB
    assert ".a { background: none }" in out  # outside the styles: no request at all
    assert "url(https://x.test/i.png)" in out  # absolute: a council's choice, left alone


def test_a_kept_pdf_child_lays_out_several_jobs() -> None:
    html = ('<html lang="en"><head><title>T</title></head><body><h1>{}</h1>'
            "<p>Text</p></body></html>")
    with Kept() as kept:
        first, _ = render_pdf(html.format("One"), base=STYLES, roots=[STYLES], charts={},
                              child=kept)
        second, _ = render_pdf(html.format("Two"), base=STYLES, roots=[STYLES], charts={},
                               child=kept)
        assert kept.child.poll() is None  # still there for the next job
    assert kept.child.returncode == 0
    assert first.startswith(b"%PDF") and second.startswith(b"%PDF") and first != second


def test_broken_quarters_are_all_reported_and_nothing_is_written(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for council in ("one", "two"):
        shutil.copytree(ROOT / "data" / "derbyshire" / "2025-26", data / council / "2025-26")
        place = data / council / "2025-26" / "q1" / "place.yaml"
        place.write_text(place.read_text(encoding="utf-8").replace(
            "progress: Good", "progress: Goood", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["publish", str(data), "-o", str(tmp_path / "site")])
    assert result.exit_code == 1
    for council in ("one", "two"):
        assert re.search(rf"{council}/2025-26/q1/place\.yaml:\d+", result.output)
    assert "'Goood' is not one of" in result.output
    assert not (tmp_path / "site").exists()


def test_no_quarter_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["publish", str(tmp_path), "-o", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "no quarter directory" in result.output


# ---- the PDF's contents page ------------------------------------------------------------

def test_one_link_per_contents_entry_and_leaders_untagged(published: dict[str, Path]) -> None:
    pdf_path = published["site"] / FOLDER / f"{STEM}.pdf"
    html = (published["site"] / FOLDER / "index.html").read_text(encoding="utf-8")
    entries = html.split('<nav class="contents"', 1)[1].split("</nav>", 1)[0].count("<li>")
    with pikepdf.open(pdf_path) as pdf:
        page = pdf.pages[1]
        annots = [a for a in page.obj.Annots if a.Subtype == "/Link"]
        assert len(annots) == entries == 8
        for annot in annots:  # each covers the line, from the words to the page number
            assert float(annot.Rect[2]) - float(annot.Rect[0]) > 600
        document = pdf.Root.StructTreeRoot.K
        document = document[0] if isinstance(document, pikepdf.Array) else document
        links = [e for e in elements(document) if e.S == "/Link" and e.Pg == page.obj]
        assert len(links) == entries
        for link in links:
            assert not any(k.S == "/Link" for k in children(link))
            kids = list(link.K)
            assert sum(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"
                       for k in kids) == 1
            assert len(kids) == 3  # the annotation, the words, the page number
        layout = sum(1 for operands, op in pikepdf.parse_content_stream(page)
                     if str(op) == "BDC" and str(operands[0]) == "/Artifact"
                     and operands[1].get("/Type") == "/Layout")
        assert layout > 300  # every pair of leader dots
    text = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-layout", str(pdf_path), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert re.search(r"Introduction and Achievements \. \. \..*\. 3\n", text)  # as printed
    assert all(c.ok for c in check_pdf(pdf_path))
