"""The live preview in a real browser: Debian's headless Chromium driven by Playwright, on a
scratch copy of the sample with the real watcher, server and event stream. Also axe-core's
WCAG 2.2 AA check of the sample's page."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import AXE, skip_without_a_browser

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "derbyshire" / "2025-26"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


skip_without_a_browser()

from playwright.sync_api import Browser, Page, expect  # noqa: E402

from reportgen.preview.draft import DraftBuilder, Preview  # noqa: E402
from reportgen.preview.server import PreviewServer  # noqa: E402
from reportgen.preview.watch import run, watch_changes  # noqa: E402

WAIT_MS = 120_000  # returns as soon as it happens; only bounds a hang on a busy machine


class Live:
    """A running preview of a scratch quarter, as `reportgen preview` runs it."""

    def __init__(self, quarter: Path, root: Path) -> None:
        self.quarter = quarter
        self.builds: list[float] = []
        self.preview = Preview(DraftBuilder(quarter), root,
                               on_build=lambda d: self.builds.append(d.seconds))
        self.preview.rebuild()
        self.server = PreviewServer(self.preview, "127.0.0.1", 0)
        self.stop = threading.Event()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.watcher = threading.Thread(
            target=run, args=(self.preview, watch_changes(quarter, self.stop)), daemon=True)
        self.watcher.start()
        self.url = f"http://127.0.0.1:{self.server.port}/"

    def wait_until_watching(self) -> None:
        """Return once the watcher has turned a save into a rebuild (the first save may come
        before it watches: save again until one is seen; one second is a polling interval)."""
        report = self.quarter / "report.yaml"
        text = report.read_text(encoding="utf-8")
        seen = self.preview.version
        while self.preview.wait(seen, timeout=1) == seen:
            report.write_text(text, encoding="utf-8")

    def close(self) -> None:
        self.stop.set()
        self.preview.close()
        self.server.shutdown()
        self.server.server_close()
        self.watcher.join(timeout=10)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    year = tmp_path_factory.mktemp("sample") / "2025-26"
    shutil.copytree(SAMPLE, year)
    running = Live(year / "q1", tmp_path_factory.mktemp("draft"))
    running.wait_until_watching()
    yield running
    running.close()


@pytest.fixture(scope="module")
def page(browser: Browser, live: Live) -> Page:
    tab = browser.new_page(viewport={"width": 1366, "height": 768})
    tab.goto(live.url)
    return tab


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_page_shows_the_summary_sentence(page: Page) -> None:
    expect(page.locator(".summary-sentence").first).to_contain_text(
        "of the 24 Strategic Objectives")
    expect(page.locator(".draft-banner")).to_contain_text("DRAFT")
    expect(page.locator("#SO-10 a.self-link")).to_have_attribute("href", "#SO-10")


def test_editing_a_comment_updates_the_open_page(page: Page, live: Live) -> None:
    page.evaluate("window.beforeEdit = true")  # gone if the page reloads, as it should
    page.locator("#SO-10").scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 1000
    builds = len(live.builds)
    edit(live.quarter / "place.yaml", "A new strategy is being developed",
         "A brand-new strategy is being drafted")
    expect(page.locator("#SO-10")).to_contain_text("A brand-new strategy is being drafted",
                                                   timeout=WAIT_MS)
    assert page.evaluate("window.beforeEdit") is None  # the page reloaded itself
    page.wait_for_function(f"Math.abs(window.scrollY - {scrolled}) < 50", timeout=WAIT_MS)
    assert len(live.builds) > builds


def test_a_broken_file_shows_the_problem_panel_until_fixed(page: Page, live: Live,
                                                          browser: Browser) -> None:
    place = live.quarter / "place.yaml"
    lines = place.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "progress: Good" in text)
    edit(place, "progress: Good", "progress: Goood")
    panel = page.locator(".preview-problems")
    expect(panel).to_contain_text(f"place.yaml:{line}", timeout=WAIT_MS)
    expect(panel).to_contain_text("'Goood' is not one of")
    expect(page.locator(".summary-sentence").first).to_be_visible()  # the last good draft

    assert axe_violations(browser, live.url) == []  # the panel too

    edit(place, "progress: Goood", "progress: Good")
    expect(panel).to_have_count(0, timeout=WAIT_MS)


def axe_violations(browser: Browser, url: str) -> list[dict[str, object]]:
    """Return axe-core's WCAG 2.2 AA violations on the page at `url`."""
    # axe arrives as an inline script, which the preview's Content-Security-Policy forbids
    context = browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 768})
    tab = context.new_page()
    tab.goto(url)
    tab.add_script_tag(path=str(AXE))
    result = tab.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})
        .then(r => ({violations: r.violations.map(v => ({id: v.id, help: v.help,
                     nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})),
                     passes: r.passes.length}))""", WCAG_22_AA)
    context.close()
    assert result["passes"] > 10  # axe really looked
    return result["violations"]


def test_axe_finds_no_wcag_22_aa_violations(browser: Browser, live: Live) -> None:
    assert axe_violations(browser, live.url) == []
