"""The published site in a real browser: Debian's headless Chromium driven by Playwright, as
in test_preview_browser.py, on a site that `reportgen publish` wrote and a local web server
serves. axe-core (WCAG 2.2 AA and best practice), reflow at 320 px and at 200% and 400% zoom,
no cell whose text overflows it, no request that fails, keyboard use."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import AXE, skip_without_a_browser

ROOT = Path(__file__).resolve().parents[1]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


skip_without_a_browser()

from playwright.sync_api import Browser, Page  # noqa: E402

from reportgen.publish.site import publish  # noqa: E402

# Width x height in CSS pixels and the device scale: a browser zoomed to 200% on a 1366 px
# screen lays the page out in 683 CSS pixels, each two device pixels wide, and so on.
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1}
DESKTOP = {"viewport": {"width": 1366, "height": 768}, "device_scale_factor": 1}
NARROW = {
    "320 px": {"viewport": {"width": 320, "height": 640}, "device_scale_factor": 1},
    "200% zoom": {"viewport": {"width": 683, "height": 384}, "device_scale_factor": 2},
    "400% zoom": {"viewport": {"width": 341, "height": 192}, "device_scale_factor": 4},
}

# Each table cell whose content is wider than the cell, and the page's width against the
# window's: what the audit saw as numbers printed over each other and sideways scrolling.
OVERFLOW = """() => {
  // visually hidden (the progress table's header row on a phone): for screen readers only
  const hidden = el => el && (getComputedStyle(el).clipPath !== 'none' || hidden(el.parentElement));
  const cells = [...document.querySelectorAll('th, td')]
    .filter(c => !hidden(c) && c.scrollWidth > c.clientWidth + 1)
    .map(c => `${c.tagName} "${c.textContent.trim().slice(0, 40)}" `
              + `${c.scrollWidth}>${c.clientWidth}`);
  return {cells, page: document.documentElement.scrollWidth, window: window.innerWidth};
}"""


class Site:
    """A published site served over HTTP from a local port, as a council's server would."""

    def __init__(self, directory: Path) -> None:
        handler = functools.partial(Quiet, directory=str(directory))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Three sites side by side: the Derbyshire sample (one quarter, index at a/),
    Exampleshire's fourth quarter alone (the year in view: trend tables, bar charts,
    direction of travel) at b/, and Derby City's (report 004: cross-tables, projects,
    the risk register) at c/."""
    data = tmp_path_factory.mktemp("data")
    shutil.copytree(ROOT / "data" / "derbyshire" / "2025-26",  # one quarter: quick
                    data / "derbyshire" / "2025-26")
    out = tmp_path_factory.mktemp("site")
    result = publish(data, out / "a")
    assert [(e.council, e.quarter) for e in result.entries] == [("Derbyshire County Council", 1)]
    result = publish(ROOT / "data" / "exampleshire" / "2025-26" / "q4", out / "b")
    assert [(e.council, e.quarter) for e in result.entries] == [("Exampleshire County Council", 4)]
    result = publish(ROOT / "data" / "derby-city" / "2023-24" / "q1", out / "c")  # report 004
    assert [(e.council, e.quarter) for e in result.entries] == [("Derby City Council", 1)]
    served = Site(out)
    yield served
    served.close()


PAGES = ["a/index.html", "a/derbyshire-county-council/2025-26/q1/",
         "b/exampleshire-county-council/2025-26/q4/", "c/derby-city-council/2023-24/q1/"]


def open_page(browser: Browser, url: str, failures: list[str], **context: object) -> Page:
    """Open url in a new context, recording every failed request and console error."""
    tab = browser.new_context(**context).new_page()  # type: ignore[arg-type]
    tab.on("requestfailed", lambda r: failures.append(f"failed: {r.url[:80]}"))
    tab.on("response", lambda r: r.status >= 400 and failures.append(f"{r.status}: {r.url}"))
    # The browser's own /favicon.ico request is the council server's business, not the page's
    tab.on("console", lambda m: m.type == "error"
           and not m.location.get("url", "").endswith("/favicon.ico")
           and failures.append(f"console: {m.text} ({m.location.get('url')})"))
    tab.goto(url, wait_until="load")
    tab.evaluate("document.fonts.ready.then(() => true)")
    return tab


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_axe_finds_no_violations(browser: Browser, site: Site, path: str, size: str) -> None:
    tab = open_page(browser, site.url + path, [], **(DESKTOP if size == "desktop" else PHONE))
    tab.add_script_tag(path=str(AXE))
    result = tab.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})
        .then(r => ({violations: r.violations.map(v => ({id: v.id, help: v.help,
                     nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})),
                     passes: r.passes.length}))""", AXE_TAGS)
    tab.context.close()
    assert result["passes"] > 10  # axe really looked
    assert result["violations"] == []


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("how", list(NARROW))
def test_nothing_overflows_when_narrow_or_zoomed(browser: Browser, site: Site, path: str,
                                                 how: str) -> None:
    tab = open_page(browser, site.url + path, [], **NARROW[how])
    found = tab.evaluate(OVERFLOW)
    width = tab.viewport_size["width"] if tab.viewport_size else 0
    tab.context.close()
    assert found["window"] == width
    assert found["page"] <= found["window"], "the page scrolls sideways"
    assert found["cells"] == []


@pytest.mark.parametrize("path", PAGES)
def test_no_request_fails_and_the_fonts_load(browser: Browser, site: Site, path: str) -> None:
    failures: list[str] = []
    tab = open_page(browser, site.url + path, failures, **PHONE)
    loaded = tab.evaluate("""() => [...document.fonts].filter(f => f.status === 'loaded')
                                    .map(f => f.family.replace(/"/g, ''))""")
    tab.context.close()
    assert failures == []
    assert "Report Sans" in loaded  # the embedded font, not the system's


def test_a_page_copied_alone_works(browser: Browser, site: Site,
                                   tmp_path: Path) -> None:
    """Saved from a mail attachment: one file, opened from disk, nothing beside it."""
    failures: list[str] = []
    tab = open_page(browser, site.url + PAGES[2], failures, **PHONE)
    alone = tmp_path / "report.html"
    alone.write_text(tab.content(), encoding="utf-8")
    tab.context.close()
    tab = open_page(browser, alone.as_uri(), failures, **PHONE)
    images = tab.evaluate("[...document.images].map(i => i.naturalWidth > 0)")
    tab.context.close()
    assert failures == []
    assert images and all(images)


def test_wide_tables_scroll_in_labelled_focusable_regions(browser: Browser, site: Site) -> None:
    tab = open_page(browser, site.url + PAGES[2], [], **NARROW["320 px"])
    regions = tab.evaluate("""() => [...document.querySelectorAll('.table-scroll')].map(r => ({
        role: r.getAttribute('role'), tabindex: r.tabIndex,
        label: document.getElementById(r.getAttribute('aria-labelledby'))?.textContent,
        scrolls: r.scrollWidth > r.clientWidth}))""")
    tab.context.close()
    assert regions and all(r["role"] == "region" and r["tabindex"] == 0 for r in regions)
    assert all(r["label"] for r in regions)
    assert any("Latest Measure Data" in r["label"] and r["scrolls"] for r in regions)


def test_progress_rows_are_cards_on_a_phone_and_still_a_table(browser: Browser,
                                                               site: Site) -> None:
    """At 320 px each objective is a card whose comment is in view without scrolling
    sideways, and the accessibility tree still has the table, its headers and cells."""
    tab = open_page(browser, site.url + PAGES[1], [], **NARROW["320 px"])
    comment = tab.locator("#SO-01 td.comment").bounding_box()
    label = tab.evaluate("getComputedStyle(document.querySelector('#SO-01 td.comment'),"
                         " '::before').content")
    table = tab.get_by_role("table").filter(has=tab.locator("#SO-01"))
    headers = table.get_by_role("columnheader").all_inner_texts()
    rows = table.get_by_role("row").count()
    count = tab.locator("#SO-01").get_by_role("cell").count()
    header = tab.locator("#SO-01").get_by_role("rowheader").count()
    tab.context.close()
    assert comment is not None and comment["x"] >= 0 and comment["x"] + comment["width"] <= 320
    assert label.startswith('attr(data-label)') or "Comments" in label
    assert headers == ["No.", "Strategic Objective", "Expected Completion", "Progress",
                       "Comments"]
    assert rows == 1 + 9  # the header row and People's nine objectives
    assert (header, count) == (1, 4)  # SO-01 is the row header of four cells


def test_the_skip_link_is_first_and_moves_focus_to_the_report(browser: Browser,
                                                              site: Site) -> None:
    tab = open_page(browser, site.url + PAGES[1], [], **PHONE)
    tab.keyboard.press("Tab")
    first = tab.evaluate("[document.activeElement.textContent, "
                         "getComputedStyle(document.activeElement).outlineStyle]")
    tab.keyboard.press("Enter")
    landed = tab.evaluate("document.activeElement.id")
    tab.context.close()
    assert first == ["Skip to the report", "solid"]  # seen, with a visible focus outline
    assert landed == "main"


def test_the_index_lists_each_quarter_with_its_files(browser: Browser, site: Site) -> None:
    failures: list[str] = []
    tab = open_page(browser, site.url + "a/", failures, **DESKTOP)
    links = tab.evaluate("[...document.querySelectorAll('main a')].map(a => a.href)")
    for link in links:  # every link on the index leads to a file that is there
        assert tab.request.get(link).ok, link
    headings = tab.locator("main h4").all_inner_texts()
    tab.context.close()
    assert headings == ["Performance Report Quarter 1 2025 to 2026"]
    assert len(links) == 6  # the page, PDF, Excel, two CSV files and JSON
    assert failures == []


def test_the_fragment_embeds_in_a_council_page(browser: Browser, site: Site,
                                               tmp_path: Path) -> None:
    """The fragment inside a CMS page with its own header, <main> and heading styles."""
    failures: list[str] = []
    tab = open_page(browser, site.url + PAGES[1] + "fragment.html", failures, **DESKTOP)
    fragment = tab.content()
    tab.context.close()
    body = fragment.split("<body>", 1)[1].rsplit("</body>", 1)[0]
    host = tmp_path / "cms.html"
    host.write_text(
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Council'
        "</title><style>h2 { font-family: serif; }</style></head><body>"
        '<header><p>Council website</p></header><main><h1>Performance</h1>'
        f"{body}</main></body></html>", encoding="utf-8")
    tab = open_page(browser, host.as_uri(), failures, **PHONE)
    tab.add_script_tag(path=str(AXE))
    result = tab.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})
        .then(r => r.violations.map(v => v.id))""", AXE_TAGS)
    found = tab.evaluate(OVERFLOW)
    sentence = tab.locator(".summary-sentence").first.inner_text()
    tab.context.close()
    assert result == []
    assert found["cells"] == [] and found["page"] <= found["window"]
    assert "of the 24 Strategic Objectives" in sentence
    assert failures == []


MATRIX = """() => {
  const shown = el => el && el.offsetParent !== null;
  const img = document.querySelector('#summary-risks figure.matrix img');
  const grid = document.querySelector('#summary-risks table.matrix-grid');
  const texts = [...grid.querySelectorAll('th, td span')].filter(shown);
  return {image: shown(img) ? {width: img.clientWidth, natural: img.naturalWidth} : null,
          grid: shown(grid) ? {sizes: texts.map(e => parseFloat(getComputedStyle(e).fontSize)),
                               ids: texts.filter(e => e.className === 'risk-id').length,
                               width: grid.offsetWidth,
                               region: grid.parentElement.clientWidth} : null,
          page: document.documentElement.scrollWidth, window: window.innerWidth};
}"""


def test_the_risk_matrix_is_readable_on_a_phone_and_a_desktop(browser: Browser,
                                                              site: Site) -> None:
    """At 390 px the chart's labels would shrink to 5 px: the matrix is a table of text there
    (12 px, every risk id in it); at 1366 px the chart is drawn large enough for its 7 pt
    labels to be 11 px or more."""
    from reportgen.charts.draw import PNG_DPI

    phone = open_page(browser, site.url + PAGES[3], [], **PHONE)
    small = phone.evaluate(MATRIX)
    phone.context.close()
    assert small["image"] is None and small["grid"] is not None
    assert min(small["grid"]["sizes"]) >= 11
    assert small["grid"]["ids"] == 15  # every open risk, as the chart places them
    assert small["grid"]["width"] <= small["grid"]["region"]  # 4x4 fits without scrolling
    assert small["page"] <= small["window"]
    desktop = open_page(browser, site.url + PAGES[3], [], **DESKTOP)
    wide = desktop.evaluate(MATRIX)
    desktop.context.close()
    assert wide["grid"] is None and wide["image"] is not None
    label_px = 7 * PNG_DPI / 72 * wide["image"]["width"] / wide["image"]["natural"]
    assert label_px >= 11, label_px
