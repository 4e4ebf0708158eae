"""The Exampleshire demo year's Q4 PDF shows the year: trend, changes, direction, Action."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from reportgen.pipeline import build

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def text(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("out")
    result = build(ROOT / "data/exampleshire/2025-26/q4", out, formats=("pdf",))
    reader = PdfReader(result.outputs[0])
    # words only: table cells wrap "was Review in Quarter 3" over lines
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_q4_pdf_shows_the_trend_over_time(text: str) -> None:
    assert "Trend over Time" in text
    for label in ("Jun 2025", "Sep 2025", "Dec 2025", "Mar 2026"):
        assert label in text


def test_q4_pdf_shows_changes_and_directions(text: str) -> None:
    assert "was Review in Quarter 3" in text
    assert "Since Quarter 3, 6 ratings have improved" in text
    assert "Improving" in text and "Worsening" in text


def test_q4_pdf_lists_items_rated_action(text: str) -> None:
    assert "Items rated Action" in text
    assert "Casualties rose on rural A roads" in text
    assert "Exampleshire is a fictional council" in text
