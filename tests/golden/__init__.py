"""Golden copies of the sample reports' HTML (Pelican's habit): a refactor shows exactly what
changed in the report. Charts are named by their content key instead of inlined, so a chart
whose data changes shows as a changed key, and the stylesheet by its hash (its own file is
its golden copy), so a change of style shows as one line.

Regenerate after a change you meant, then read the diff before committing it:

    make golden        # or: python -m tests.golden
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from reportgen.charts.report import report_charts
from reportgen.charts.spec import chart_key
from reportgen.data.settings import Settings
from reportgen.pipeline import PLAN_CSS, load_plan_document, load_report, page
from reportgen.render.html import render_plan_html, stylesheet

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SAMPLES = {
    "derbyshire-2025-26-q1.html": "data/derbyshire/2025-26/q1",
    "exampleshire-2025-26-q4.html": "data/exampleshire/2025-26/q4",
    "derby-city-2023-24-q1.html": "data/derby-city/2023-24/q1",
}
# The plan documents (`reportgen plan`), by year directory.
PLANS = {
    "derbyshire-2020-21-plan.html": "data/derbyshire/2020-21",
}


def render(quarter: str) -> str:
    """Return the sample quarter's HTML as `build` writes it, charts shown by their key."""
    report = load_report(ROOT / quarter, Settings())
    charts = report_charts(report)
    html = page(report, charts, lambda c: f"chart:{chart_key(c)}", Settings(), self_links=True)
    return re.sub(r"<style>(.*?)</style>", _hashed, html, count=1, flags=re.S)


def render_plan(year: str) -> str:
    """Return the sample plan document's HTML as `reportgen plan` writes it."""
    plan = load_plan_document(ROOT / year, Settings())
    html = render_plan_html(plan, css=stylesheet(None, PLAN_CSS))
    return re.sub(r"<style>(.*?)</style>", _hashed, html, count=1, flags=re.S)


def _hashed(style: re.Match[str]) -> str:
    digest = hashlib.sha256(style[1].encode("utf-8")).hexdigest()[:16]
    return f"<style>/* the stylesheet, sha256 {digest} */</style>"


def main() -> None:
    for name, quarter in SAMPLES.items():
        (HERE / name).write_text(render(quarter), encoding="utf-8")
        print(f"wrote tests/golden/{name}")
    for name, year in PLANS.items():
        (HERE / name).write_text(render_plan(year), encoding="utf-8")
        print(f"wrote tests/golden/{name}")


if __name__ == "__main__":
    main()
