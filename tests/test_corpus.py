"""Every case of the bad-input corpus gives exactly the outcome in tests/corpus/expected.toml:
a DataError listing each problem with file:line:column, or a report (and for some, a PDF
whose text is all drawn in the bundled font)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from corpus import expected, make_year, names
from pypdf import PdfReader

from reportgen.core.errors import DataError
from reportgen.pipeline import build, load_report

TABLE = expected()


def test_every_case_has_an_expected_outcome() -> None:
    assert sorted(TABLE) == names()
    assert len(TABLE) >= 40


def _shown(problems) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{p.severity}: {p}" for p in problems]


@pytest.mark.parametrize("case", names())
def test_case(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    want = TABLE[case]
    year = make_year(case, tmp_path)
    monkeypatch.chdir(year)  # so messages name files as a service lead sees them
    if want["outcome"] == "error":
        with pytest.raises(DataError) as caught:
            load_report(Path("q1"))
        assert _shown(caught.value.problems) == want["problems"]
        assert all(p.line >= 1 and p.column >= 1 for p in caught.value.problems)
    else:
        report = load_report(Path("q1"))
        assert _shown(report.warnings) == want["problems"]
        got = {m.id: m.rating.label if m.rating else "none" for m in report.measures}
        assert got == want["ratings"]


def _fonts(reader: PdfReader) -> set[str]:
    """Return the base names of every font the PDF's pages draw with."""
    found = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            found.add(re.sub(r"^/([A-Z]{6}\+)?", "", str(ref.get_object()["/BaseFont"])))
    return found


@pytest.mark.parametrize("case", [n for n in names() if TABLE[n].get("render")])
def test_renders(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Non-Latin text, emoji and very long comments still give a complete PDF."""
    year = make_year(case, tmp_path)
    monkeypatch.chdir(year)
    result = build(Path("q1"), tmp_path / "out", formats=("pdf",))
    assert not [w for w in result.warnings if w.startswith("PDF:")]
    reader = PdfReader(result.outputs[0])
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    report = load_report(Path("q1"))
    for o in report.objectives:
        for line in o.comment.splitlines():
            words = re.sub(r"^\d+\. ", "", line).split()
            assert " ".join(words[:6]) in text
    # Every glyph comes from the bundled font: nothing fell back to a system font.
    assert _fonts(reader) <= {"Report-Sans", "Report-Sans-Bold", "Report-Sans-Italic"}
    if case == "long-comment":
        assert len(reader.pages) >= 8  # the row split across pages instead of failing
        assert text.count("The service has reviewed every placement") == 120  # none lost
