"""End to end: the sample's PDF and HTML as a reader gets them, and what the renderer refuses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE
from pypdf import PdfReader

from reportgen.commands.cli import main
from reportgen.core.resources import STYLES
from reportgen.pdf.write import FetchRefused, guarded_fetcher
from reportgen.pipeline import build


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory) -> tuple[PdfReader, str, Path]:
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(main, ["build", str(SAMPLE), "--output", str(out)])
    assert result.exit_code == 0, result.output
    pdf = out / "derbyshire-county-council-2025-26-q1.pdf"
    reader = PdfReader(pdf)
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text), out


def test_pdf_has_the_summary_sentence(sample_pdf) -> None:
    _, text, _ = sample_pdf
    assert ("As at Quarter 1, of the 24 Strategic Objectives in the Council Plan 2025-29, 19 show "
            "good progress, 4 require review and 1 requires action.") in text


def test_pdf_has_every_objective_and_sample_values(sample_pdf) -> None:
    _, text, _ = sample_pdf
    for i in range(1, 25):
        assert f"SO-{i:02d}" in text
    for printed in ("761,454", "£7,722,500", "4.42%", "92.0%", "2,543", "16.70%"):
        assert printed in text


def test_pdf_pages_and_footer(sample_pdf) -> None:
    reader, _, _ = sample_pdf
    pages = len(reader.pages)
    assert 20 <= pages <= 45
    assert f"Page 2 of {pages}" in reader.pages[1].extract_text()
    assert f"Page {pages} of {pages}" in reader.pages[-1].extract_text()
    assert "Page 1 of" not in reader.pages[0].extract_text()  # no footer on the cover


def test_contents_has_real_page_numbers(sample_pdf) -> None:
    reader, _, _ = sample_pdf
    contents = reader.pages[1].extract_text()
    match = re.search(r"Key to Performance Rating\D*(\d+)", contents)
    key_page = int(match.group(1))
    assert "Key to Performance Rating" in reader.pages[key_page - 1].extract_text()


def test_pdf_is_tagged_with_title_and_language(sample_pdf) -> None:
    reader, _, _ = sample_pdf
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]) == "en-GB"
    assert reader.metadata.title == ("Derbyshire County Council: Performance Report Quarter 1 "
                                     "2025 to 2026")
    def titles(items) -> list[str]:
        return [t for i in items for t in (titles(i) if isinstance(i, list) else [i.title])]

    bookmarks = titles(reader.outline)  # from the headings
    assert "Key to Performance Rating" in bookmarks and "Contents" in bookmarks
    assert "People: Strategic Outcome Progress" in bookmarks


def test_html_is_written_beside_the_pdf_and_self_contained(sample_pdf) -> None:
    _, _, out = sample_pdf
    html = (out / "derbyshire-county-council-2025-26-q1.html").read_text(encoding="utf-8")
    assert "19 show good progress, 4 require review and 1 requires action." in html
    assert 'src="data:image/png;base64,' in html and "<style>" in html
    assert 'id="SO-24"' in html and 'id="foster-carers"' in html


def test_every_chart_has_alt_text_with_its_numbers(sample_pdf) -> None:
    _, _, out = sample_pdf
    html = (out / "derbyshire-county-council-2025-26-q1.html").read_text(encoding="utf-8")
    alts = re.findall(r'<img src="[^"]*" alt="([^"]*)"', html)
    assert alts and all(alts)
    assert "Objectives: 19 Good, 4 Review, 1 Action (24 in all)" in alts


def test_fetcher_refuses_network_outside_files_and_non_image_data(tmp_path) -> None:
    fetcher = guarded_fetcher([STYLES])
    for url in ("file:///etc/passwd", "http://127.0.0.1:9/x.png", "https://example.org/a.css",
                (STYLES / ".." / "pyproject.toml").as_uri(), "data:text/html,<b>x</b>",
                "ftp://example.org/x"):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    font = (STYLES / "fonts" / "LiberationSans-Regular.ttf").as_uri()
    assert fetcher.fetch(font).read(4) == b"\x00\x01\x00\x00"


HOSTILE = """\
objectives:
  SO-01:
    progress: Good
    comment: |
      Visible words stay. ![x](file:///etc/passwd) <img src="file:///etc/passwd">
      <img src="../../pyproject.toml"> <img src="http://127.0.0.1:9/track.png">
      [a link](javascript:alert(1)) {{ 7*7 }} <script>alert(1)</script>
"""


def test_hostile_comment_builds_and_shows_text_only(quarter) -> None:
    q = quarter({"a.yaml": HOSTILE})
    result = build(q, q / "out")
    pdf = next(p for p in result.outputs if p.suffix == ".pdf")
    html = next(p for p in result.outputs if p.suffix == ".html").read_text(encoding="utf-8")
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Visible words stay." in text and "{{ 7*7 }}" in text and "49" not in text
    assert "<script" not in html and "javascript:" not in html and "passwd" not in html
    assert "127.0.0.1:9" not in html and not result.warnings


def test_council_templates_override_the_packaged_ones(quarter, tmp_path) -> None:
    council = tmp_path / "council"
    (council / "templates").mkdir(parents=True)
    (council / "templates" / "report.html").write_text(
        '{% extends "default:report.html" %}{% block cover %}<h1>Our own cover</h1>'
        "{% endblock %}", encoding="utf-8")
    q = quarter({})
    result = build(q, q / "out", formats=("html",), override=council)
    html = result.outputs[0].read_text(encoding="utf-8")
    assert "<h1>Our own cover</h1>" in html and "Key to Performance Rating" in html


def test_a_failed_build_leaves_the_last_good_outputs(quarter) -> None:
    q = quarter({"a.yaml": "objectives:\n  SO-01:\n    progress: Good\n"})
    first = build(q, q / "out", formats=("html",)).outputs[0]
    before = first.read_bytes()
    (q / "a.yaml").write_text("objectives:\n  SO-01:\n    progress: Goood\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(q), "--output", str(q / "out")])
    assert result.exit_code == 1 and "'Goood' is not one of" in result.output
    assert first.read_bytes() == before
    assert sorted(p.name for p in (q / "out").iterdir()) == [first.name]


def test_draft_marks_every_page(quarter) -> None:
    q = quarter({"a.yaml": "objectives:\n  SO-01:\n    comment: " + "Long words. " * 900 + "\n"})
    pdf = next(p for p in build(q, q / "out", draft=True).outputs if p.suffix == ".pdf")
    pages = PdfReader(pdf).pages
    assert len(pages) > 5 and all("DRAFT · built" in p.extract_text() for p in pages)


def test_the_plan_chooses_the_rating_scheme_and_the_key_follows(quarter) -> None:
    from conftest import TINY_PLAN

    plan = TINY_PLAN.replace("year: 2025-26\n", "year: 2025-26\nratings: blue-green-amber-red\n")
    q = quarter({"a.yaml": "measures:\n  carers:\n    value: 110\n    target: 100\n"}, plan=plan)
    result = build(q, q / "out", formats=("html",))
    html = result.outputs[0].read_text(encoding="utf-8")
    assert result.report.measures[0].rating.label == "Blue"
    assert "10% better than target or more" in html and "Strong" not in html
