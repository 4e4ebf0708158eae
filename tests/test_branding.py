"""Branding that adds to our stylesheet: a council stylesheet changes only what it names,
palette variables and the typeface from reportgen.toml, replacing ours only when asked, and
check-pdf warning when the page size changed."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from reportgen.commands.cli import main
from reportgen.pdf.check import check_pdf

PDF = "testshire-county-council-2026-27-q1.pdf"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def council(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("branding") / "council"
    code, output = run("init", str(root), "--council", "Testshire County Council",
                       "--year", "2026-27")
    assert code == 0, output
    return root


def build(root: Path, settings: str, *files: tuple[str, str]) -> tuple[Path, str]:
    """Build root's quarter with these [branding] settings; return the output folder."""
    toml = (root / "reportgen.toml").read_text().split("[branding]")[0]
    (root / "reportgen.toml").write_text(toml + "[branding]\n" + settings)
    for name, text in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    out = root / "out" / str(abs(hash((settings, files))))
    with contextlib.chdir(root):  # where reportgen.toml is read from
        code, output = run("build", "-o", str(out), "--templates", str(root / "theme"))
    assert code == 0, output
    return out, output


def pages(pdf: Path) -> tuple[int, set[tuple[int, int]]]:
    """Return the page count and the page sizes in points."""
    with pikepdf.open(pdf) as doc:
        return len(doc.pages), {(round(float(p.mediabox[2])), round(float(p.mediabox[3])))
                                for p in doc.pages}


def fonts(pdf: Path) -> set[str]:
    with pikepdf.open(pdf) as doc:
        return {str(f.BaseFont).split("+")[-1] for page in doc.pages
                for f in page.Resources.get("/Font", {}).values()}


@pytest.fixture(scope="module")
def plain(council: Path) -> Path:
    out, _ = build(council, "")
    return out


def test_a_one_line_council_stylesheet_changes_only_what_it_names(council: Path,
                                                                   plain: Path) -> None:
    out, _ = build(council, 'stylesheet = "branding/council.css"\n',
                   ("branding/council.css", "h2 { color: #006633; }\n"))
    count, sizes = pages(plain / PDF)
    assert count > 5 and sizes == {(842, 595)}  # A4 landscape
    assert pages(out / PDF) == (count, sizes)
    html = (out / PDF).with_suffix(".html").read_text()
    assert html.index("--brand: #1d3c6e") < html.index("h2 { color: #006633; }")
    assert fonts(out / PDF) == fonts(plain / PDF)


def test_a_theme_stylesheet_extends_ours_unless_it_says_it_replaces(council: Path,
                                                                     plain: Path) -> None:
    one_line = ("theme/styles/report.css", "h2 { color: #006633; }\n")
    out, _ = build(council, "", one_line)
    assert pages(out / PDF) == pages(plain / PDF)
    replaced, _ = build(council, "replace_stylesheet = true\n", one_line)
    count, sizes = pages(replaced / PDF)
    assert sizes == {(595, 842)}  # WeasyPrint's default page: A4 portrait
    code, output = run("check-pdf", str(replaced / PDF))
    assert code == 0, output  # a warning, not a failure
    assert "WARN  page size: " in output and "(A4 portrait), not A4 landscape" in output
    assert output.rstrip().endswith("failed, 1 warning")
    code, output = run("check-pdf", "--page", "portrait", str(replaced / PDF))  # as a plan's
    assert "PASS  page size: all" in output and "A4 portrait (210 x 297 mm)" in output
    checks = {c.name: c for c in check_pdf(plain / PDF)}
    count = pages(plain / PDF)[0]
    assert checks["page size"].ok
    assert f"all {count} pages A4 landscape" in checks["page size"].detail
    (council / "theme/styles/report.css").unlink()


def test_palette_and_font_from_the_settings(council: Path, plain: Path) -> None:
    out, _ = build(council, 'font = "DejaVu Serif"\npalette = { link = "#005ea5", '
                            'highlight = "#ffbf47" }\n')
    html = (out / PDF).with_suffix(".html").read_text()
    assert ":root { --link: #005ea5; --highlight: #ffbf47; }" in html
    assert {"DejaVu-Serif", "DejaVu-Serif-Bold"} <= fonts(out / PDF)
    assert not any(f.startswith("DejaVu-Serif") for f in fonts(plain / PDF))


def test_relative_urls_in_a_council_stylesheet_are_its_own_files(council: Path) -> None:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
           '<rect width="10" height="10" fill="#006633"/></svg>')
    out, output = build(council, 'stylesheet = "branding/council.css"\n',
                        ("branding/council.css",
                         ".cover { background: url(img/mark.svg) no-repeat right top; }\n"),
                        ("branding/img/mark.svg", svg))
    assert "warning" not in output  # the renderer found and was allowed the file
    html = (out / PDF).with_suffix(".html").read_text()
    # the HTML carries the file itself: a file: URL would fail on the council's web server
    assert "url(data:image/svg+xml;base64," in html and "file:" not in html


@pytest.mark.parametrize(("setting", "message"), [
    ('palette = { lnk = "#005ea5" }', "'lnk' is not a palette colour; did you mean 'link'?"),
    ('palette = { link = "blue" }', "link: 'blue' is not a colour; write #rrggbb"),
    ('font = "Arial; color: red"', "branding.font"),
    ('stylesheet = "missing.css"', "stylesheet missing.css: No such file or directory"),
])
def test_bad_branding_is_refused_with_the_setting_named(council: Path, setting: str,
                                                         message: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    toml = (council / "reportgen.toml").read_text().split("[branding]")[0]
    (council / "reportgen.toml").write_text(toml + "[branding]\n" + setting + "\n")
    monkeypatch.chdir(council)
    code, output = run("validate")
    assert code == 2 if "stylesheet" not in setting else code in (0, 2)
    if "stylesheet" in setting:  # validate reads no branding; build does
        code, output = run("build", "--format", "html", "-o", str(council / "out" / "bad"))
        assert code == 2
    assert message in output


def test_charts_are_drawn_in_the_councils_palette() -> None:
    """[branding] palette's ink and muted colour the charts' text, target line and axes; a
    council without a palette keeps our colours, and the chart cache keys that go with them."""
    from reportgen.charts.draw import TEXT, draw
    from reportgen.charts.report import report_charts
    from reportgen.charts.spec import chart_key
    from reportgen.data.settings import Branding, Settings
    from reportgen.pipeline import load_report

    quarter = Path(__file__).resolve().parents[1] / "data/derbyshire/2025-26/q1"
    ours = report_charts(load_report(quarter))
    branded = Settings(branding=Branding(palette={"ink": "#2a1f6b", "muted": "#6b4a1f",
                                                  "link": "#005ea5"}))
    theirs = report_charts(load_report(quarter, branded))
    assert ours.keys() == theirs.keys()
    assert all(chart_key(ours[k]) != chart_key(theirs[k]) for k in ours)
    trend = next(k for k in ours if k.startswith("trend-"))
    svg = draw(theirs[trend], "svg").decode("utf-8").lower()
    assert "#2a1f6b" in svg and "#6b4a1f" in svg and TEXT not in svg
    assert TEXT in draw(ours[trend], "svg").decode("utf-8").lower()


def test_the_bundled_fonts_web_subsets_come_with_reportgen_and_are_current(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first build on a fresh machine subsets no font (~2.5 s of CPU): the bundled fonts'
    subsets are in styles/fonts, made by `python -m reportgen.render.inline`."""
    from reportgen.core.resources import FONTS
    from reportgen.render import inline

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty"))  # no user cache
    fonts = sorted(FONTS.glob("*.ttf"))
    assert len(fonts) == 4
    for ttf in fonts:
        data = ttf.read_bytes()
        assert inline.web_font(data) == inline._subset(data), ttf.name  # current
    assert not (tmp_path / "empty").exists()  # nothing subset, nothing cached
    assert len(list(FONTS.glob("web-*.woff2"))) == len(fonts)  # none stale
