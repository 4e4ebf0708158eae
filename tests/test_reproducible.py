"""The same data gives the same PDF bytes whenever it is built, without SOURCE_DATE_EPOCH,
whether WeasyPrint subsets fonts with HarfBuzz (libharfbuzz-subset0) or with fontTools; and
the same workbook bytes."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from reportgen.pdf.write import write_pdf
from reportgen.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "derbyshire" / "2025-26" / "q1"
HTML = ("<html lang='en'><head><title>t</title><style>@font-face { font-family: R; src: "
        "url(styles/fonts/LiberationSans-Regular.ttf) } body { font-family: R }</style></head>"
        "<body><h1>Quarter 1</h1><p>Some text in the bundled font.</p></body></html>")


def _two_seconds_later(since: float) -> None:
    """Return once the wall clock is at least two whole seconds past `since`: a font stamped
    with the build time would then differ (fontTools stamps whole seconds)."""
    while time.time() < since + 2:
        time.sleep(0.05)


@pytest.fixture
def no_source_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.mark.usefixtures("no_source_date")
def test_fonttools_subsetting_is_reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a machine without libharfbuzz-subset0: WeasyPrint falls back to fontTools."""
    from weasyprint.pdf import fonts

    monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    first, warnings = write_pdf(HTML, base=ROOT, roots=[ROOT])
    assert warnings == []  # the fallback is the machine's business, not a build warning
    _two_seconds_later(time.time())
    second, _ = write_pdf(HTML, base=ROOT, roots=[ROOT])
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


@pytest.mark.usefixtures("no_source_date")
def test_builds_two_seconds_apart_are_identical(tmp_path: Path) -> None:
    """The default path (HarfBuzz where installed), through the whole build and PDF child."""
    started = time.time()
    one = build(SAMPLE, tmp_path / "one", formats=("pdf",), cache=False, jobs=1)
    _two_seconds_later(started)
    two = build(SAMPLE, tmp_path / "two", formats=("pdf",), cache=False, jobs=1)
    assert one.warnings == two.warnings == []
    assert one.outputs[0].read_bytes() == two.outputs[0].read_bytes()
    assert "SOURCE_DATE_EPOCH" not in os.environ


def test_workbooks_two_seconds_apart_are_identical_and_dated_by_the_quarter() -> None:
    """publish writes every quarter's workbook again each time: unchanged data, unchanged
    file (openpyxl stamps the save time, and zip members their own, unless told)."""
    import io
    import zipfile

    from openpyxl import load_workbook

    from reportgen.compute.tables import to_xlsx
    from reportgen.pipeline import load_report

    report = load_report(SAMPLE)
    started = time.time()
    first = to_xlsx(report)
    _two_seconds_later(started)
    assert to_xlsx(report) == first
    book = load_workbook(io.BytesIO(first))
    assert book.properties.created.isoformat() == book.properties.modified.isoformat() \
        == "2025-04-01T00:00:00"  # Quarter 1 of 2025-26 starts on 1 April 2025
    assert book.sheetnames == ["Objectives", "Measures"]
    members = zipfile.ZipFile(io.BytesIO(first)).infolist()
    assert {m.date_time for m in members} == {(2025, 4, 1, 0, 0, 0)}
    assert any(m.filename.startswith("xl/worksheets/") for m in members)
