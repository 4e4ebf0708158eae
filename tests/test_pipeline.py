"""One pipeline: every command gets its report from pipeline.load_report, so a setting in
reportgen.toml reaches the preview, export and diff as it reaches build, and a rating scheme
set there rates every quarter the report shows."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.charts.report import year_chart
from reportgen.charts.spec import alt_text
from reportgen.commands.cli import main
from reportgen.compute import trends
from reportgen.data.settings import Settings, load_settings
from reportgen.pipeline import load_report
from reportgen.preview.draft import DraftBuilder

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "exampleshire" / "2025-26" / "q4"
TOML = """\
ratings = "blue-green-amber-red"

[branding]
council = "Brandshire Borough Council"
colour = "#123456"
"""


def by_label(report_rows: list[trends.TrendRow]) -> dict[str, tuple[int | None, ...]]:
    return {r.label: r.counts for r in report_rows}


def test_a_scheme_from_settings_rates_every_quarter_of_the_year() -> None:
    plan = load_report(DEMO)
    council = load_report(DEMO, Settings(ratings="blue-green-amber-red"))
    before = by_label(trends.trend_rows(plan, "measures"))
    after = by_label(trends.trend_rows(council, "measures"))
    assert list(after) == ["Blue", "Green", "Amber", "Red"]
    # Amber and Red have Review's and Action's thresholds (-2, -10); Blue and Green share
    # what Strong and Good hold. So each quarter's counts follow from the plan's.
    for quarter in range(4):
        assert after["Amber"][quarter] == before["Review"][quarter]
        assert after["Red"][quarter] == before["Action"][quarter]
        assert (after["Blue"][quarter] + after["Green"][quarter]  # type: ignore[operator]
                == before["Strong"][quarter] + before["Good"][quarter])  # type: ignore[operator]
        assert sum(c[quarter] or 0 for c in after.values()) > 0
    chart = alt_text(year_chart(council, "measures"))
    assert "none rated" not in chart and "Red" in chart


def test_the_changes_sentence_counts_measures_under_a_settings_scheme() -> None:
    plan = trends.changes_sentence(load_report(DEMO))
    council = trends.changes_sentence(load_report(DEMO, Settings(ratings="blue-green-amber-red")))
    assert "measure" in plan and "measure" in council
    measures = re.findall(r"(\d+) measures?", council)
    assert measures and all(int(n) > 0 for n in measures)


@pytest.fixture
def branded(tmp_path: Path) -> Path:
    """A copy of the Exampleshire year with a reportgen.toml beside it."""
    shutil.copytree(ROOT / "data" / "exampleshire", tmp_path / "data" / "exampleshire")
    (tmp_path / "reportgen.toml").write_text(TOML)
    return tmp_path


def test_the_draft_builder_honours_reportgen_toml(branded: Path) -> None:
    quarter = branded / "data" / "exampleshire" / "2025-26" / "q4"
    html = DraftBuilder(quarter, load_settings(branded))().html
    assert html.count("Brandshire Borough Council") >= 2  # the cover and the footer
    assert "--brand: #123456" in html
    assert ">Amber<" in html and ">Review<" in html  # measures by the toml, objectives as ever


def test_export_honours_reportgen_toml(branded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(branded)
    result = CliRunner().invoke(main, ["export", "data/exampleshire/2025-26/q4"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["council"] == "Brandshire Borough Council"
    assert list(data["summary"]["measures"]) == ["Blue", "Green", "Amber", "Red"]


def test_reportgen_preview_serves_the_settings_of_reportgen_toml(branded: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "preview", "data/exampleshire/2025-26/q4",
         "--port", "0"], cwd=branded, env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stderr is not None
        for line in child.stderr:  # waits for the server to say where it listens
            if found := re.search(r"at (http://127\.0\.0\.1:\d+/)", line):
                break
        else:
            pytest.fail(f"the preview stopped without serving (exit {child.wait()})")
        with urllib.request.urlopen(found[1], timeout=30) as response:  # noqa: S310 - loopback
            page = response.read().decode("utf-8")
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=60)
    assert "Brandshire Borough Council" in page and "--brand: #123456" in page
    assert ">Amber<" in page
