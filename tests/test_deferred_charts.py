"""Charts laid out before they are drawn (pdf.write.chart_images): WeasyPrint gets each
chart's size at once and its bytes only when it writes the PDF, and the PDF is the one it
makes from the files themselves, byte for byte; when a chart is not what was laid out, or
WeasyPrint's images work otherwise, the PDF is laid out again from the files."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from reportgen.charts.draw import draw, pixel_size
from reportgen.charts.report import report_charts
from reportgen.charts.spec import Chart, RiskMatrix, chart_key
from reportgen.pdf import write
from reportgen.pdf.write import write_pdf
from reportgen.pipeline import load_report

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "derbyshire" / "2025-26" / "q1"
THEMES = ROOT / "data" / "derby-city" / "2023-24" / "q1"  # bars and a risk matrix
STYLES = ROOT / "styles"


def _page(names: list[str]) -> str:
    images = "".join(f'<p><img src="chart:{n}" alt="Chart {i}" style="width: 60mm"></p>'
                     for i, n in enumerate(names))
    return ("<html lang='en'><head><title>Charts</title><style>@font-face { font-family: R; "
            "src: url(fonts/LiberationSans-Regular.ttf) } body { font-family: R }</style>"
            f"</head><body><h1>Charts</h1>{images}<p>After the charts.</p></body></html>")


def _charts(quarter: Path) -> list[Chart]:
    return list(report_charts(load_report(quarter)).values())


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    """Three of the sample's charts (two wheels and a trend) as the build draws them."""
    charts = _charts(SAMPLE)
    chosen = charts[:2] + charts[-1:]
    return {f"{chart_key(c)}.png": draw(c, "png") for c in chosen}


def _render(files: dict[str, bytes], sizes: dict[str, tuple[int, int]] | None,
            fetch: Callable[[str], bytes] | None = None) -> bytes:
    pdf, warnings = write_pdf(_page(list(files)), base=STYLES, roots=[STYLES],
                              charts=fetch or files.__getitem__, sizes=sizes)
    assert warnings == []
    return pdf


def _sizes(files: dict[str, bytes]) -> dict[str, tuple[int, int]]:
    return {name: Image.open(io.BytesIO(data)).size for name, data in files.items()}


def test_pixel_size_is_the_size_of_every_kind_of_chart_drawn() -> None:
    charts = _charts(SAMPLE) + _charts(THEMES)
    kinds = {type(c).__name__: c for c in charts}
    assert set(kinds) >= {"Wheel", "Trend", "Bars", "RiskMatrix"}, kinds
    for chart in kinds.values():
        assert Image.open(io.BytesIO(draw(chart, "png"))).size == pixel_size(chart)
    assert isinstance(kinds["RiskMatrix"], RiskMatrix)


def test_charts_are_fetched_after_layout_and_the_pdf_is_the_same(
        files: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    plain = _render(files, None)
    import weasyprint

    laid_out = threading.Event()
    real = weasyprint.Document.write_pdf

    def writing(self: object, *args: object, **kwargs: object) -> bytes:
        laid_out.set()
        return real(self, *args, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(weasyprint.Document, "write_pdf", writing)
    fetched: list[tuple[str, bool]] = []

    def fetch(name: str) -> bytes:
        fetched.append((name, laid_out.is_set()))
        return files[name]

    deferred = _render(files, _sizes(files), fetch)
    assert sorted(fetched) == sorted((name, True) for name in files)  # each once, after layout
    assert deferred == plain


def test_a_chart_not_as_laid_out_is_laid_out_again(files: dict[str, bytes]) -> None:
    sizes = _sizes(files)
    first = next(iter(sizes))
    sizes[first] = (sizes[first][0] + 10, sizes[first][1])  # laid out wider than it is
    assert _render(files, sizes) == _render(files, None)


def test_a_weasyprint_whose_images_differ_gets_the_files(
        files: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    plain = _render(files, None)
    # images that break once the PDF is written, as if RasterImage had changed
    made = write._chart_image_class()
    assert made is not None

    class Changed(made):  # type: ignore[misc, valid-type]
        def get_x_object(self, *args: object) -> object:
            raise AttributeError("'ChartImage' object has no attribute 'new_in_weasyprint'")

    monkeypatch.setattr(write, "_chart_image_class", lambda: Changed)
    assert _render(files, _sizes(files)) == plain
    # and one that takes no image cache at all
    monkeypatch.setattr(write, "_chart_image_class", lambda: None)
    assert _render(files, _sizes(files)) == plain


def test_a_chart_that_could_not_be_drawn_fails_once(files: dict[str, bytes]) -> None:
    calls: list[str] = []

    def fetch(name: str) -> bytes:
        calls.append(name)
        raise write.ChartUnavailable(f"chart {name} was not drawn: ValueError: broken")

    with pytest.raises(write.RenderError, match="was not drawn"):
        _render(files, _sizes(files), fetch)
    assert len(calls) == 1  # not laid out again: the chart is missing, not the layout wrong


def test_a_chart_that_fails_to_draw_fails_the_build_with_its_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Drawn in this process (jobs=1) by the thread that sends charts to the PDF child.
    from reportgen.charts import store
    from reportgen.pipeline import build

    real = store.draw
    trend = next(c for c in _charts(SAMPLE) if type(c).__name__ == "Trend")

    def broken(chart: Chart, fmt: str = "svg") -> bytes:
        if chart == trend:
            raise ValueError("a broken chart")
        return real(chart, fmt)

    monkeypatch.setattr(store, "draw", broken)
    with pytest.raises(ValueError, match="a broken chart"):
        build(SAMPLE, tmp_path / "out", cache=False, jobs=1)
    assert not (tmp_path / "out").exists()  # nothing written


def test_a_cold_build_lays_out_every_chart_before_it_is_drawn(tmp_path: Path) -> None:
    # Through the CLI's own path: the PDF child, the charts sent as they are drawn.
    from reportgen.pipeline import build

    result = build(SAMPLE, tmp_path / "out", formats=("pdf",), cache=False, jobs=1)
    charts = {chart_key(c) for c in _charts(SAMPLE)}
    assert result.timings["charts_laid_out_first"] == len(charts) > 30
    assert result.timings["finish_s"] > 0  # our PDF/UA finishing, timed in the child
