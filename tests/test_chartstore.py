"""Tests for the chart cache and parallel drawing: same bytes however the charts are made,
safe sharing of the cache, --no-cache, and lean paths that never import the heavy libraries."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.charts.draw import draw
from reportgen.charts.report import report_charts
from reportgen.charts.spec import Slice, Wheel, chart_key
from reportgen.charts.store import FORMAT, ChartStore, cache_dir, cache_root
from reportgen.commands.cli import main
from reportgen.pipeline import build, default_quarter, load_report

ROOT = Path(__file__).resolve().parents[1]
QUARTER = default_quarter().resolve()
STEM = "derbyshire-county-council-2025-26-q1"
CHARTS = len({chart_key(c) for c in report_charts(load_report(QUARTER)).values()})


def outputs(directory: Path) -> dict[str, bytes]:
    return {p.suffix: p.read_bytes() for p in directory.iterdir() if p.name.startswith(STEM)}


def chart_files(cache: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in cache_dir(cache).glob(f"*.{FORMAT}")}


def env_with(cache: Path) -> dict[str, str]:
    return {**os.environ, "REPORTGEN_CACHE_DIR": str(cache)}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Build the sample three ways: cold and serial with no cache; cold in a pool of two,
    filling a cache; warm from that cache."""
    tmp = tmp_path_factory.mktemp("builds")
    cache = tmp / "cache"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REPORTGEN_CACHE_DIR", str(cache))
        build(QUARTER, tmp / "serial", cache=False, jobs=1)
        assert not cache.exists()
        build(QUARTER, tmp / "parallel", jobs=2)
        filled = chart_files(cache)
        warm = build(QUARTER, tmp / "warm")
    return {"serial": outputs(tmp / "serial"), "parallel": outputs(tmp / "parallel"),
            "warm": outputs(tmp / "warm"), "cache": cache, "filled": filled,
            "warnings": warm.warnings}


def test_parallel_and_cached_builds_give_the_bytes_of_a_serial_cold_build(builds):
    serial = builds["serial"]
    assert set(serial) == {".pdf", ".html"}
    assert builds["parallel"][".pdf"] == serial[".pdf"]
    assert builds["warm"][".pdf"] == serial[".pdf"]
    assert builds["parallel"][".html"] == serial[".html"]
    assert builds["warm"][".html"] == serial[".html"]
    assert builds["warnings"] == []


def test_the_cache_holds_every_chart_as_the_html_shows_it(builds):
    filled = builds["filled"]
    assert len(filled) == CHARTS
    html = builds["serial"][".html"].decode()
    shown = {base64.b64decode(data) for data in
             re.findall(r'src="data:image/png;base64,([^"]+)"', html)}
    assert shown == set(filled.values())
    assert not list(cache_dir(builds["cache"]).glob("*.tmp"))


def test_cache_is_read(builds, tmp_path):
    """A chart file swapped in the cache shows up in the next build: the cache is used."""
    cache = tmp_path / "cache"
    poisoned = poison(builds["cache"], cache)
    result = CliRunner().invoke(main, ["build", str(QUARTER), "-o", str(tmp_path / "out"),
                                       "--format", "html"], env={"REPORTGEN_CACHE_DIR": str(cache)})
    assert result.exit_code == 0, result.output
    assert data_uri(poisoned) in (tmp_path / "out" / f"{STEM}.html").read_text()


def test_no_cache_never_reads_or_writes_the_cache(builds, tmp_path):
    cache = tmp_path / "cache"
    poisoned = poison(builds["cache"], cache)
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in cache.rglob("*")
              if p.is_file()}
    result = CliRunner().invoke(main, ["build", str(QUARTER), "-o", str(tmp_path / "out"),
                                       "--format", "html", "--no-cache", "--jobs", "1"],
                                env={"REPORTGEN_CACHE_DIR": str(cache)})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / f"{STEM}.html").read_bytes() == builds["serial"][".html"]
    assert data_uri(poisoned) not in (tmp_path / "out" / f"{STEM}.html").read_text()
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in cache.rglob("*")
             if p.is_file()}
    assert after == before


def test_no_cache_does_not_make_the_cache_directory(tmp_path):
    cache = tmp_path / "never"
    result = CliRunner().invoke(main, ["build", str(QUARTER), "-o", str(tmp_path / "out"),
                                       "--format", "html", "--no-cache", "--jobs", "1"],
                                env={"REPORTGEN_CACHE_DIR": str(cache)})
    assert result.exit_code == 0, result.output
    assert not cache.exists()


def test_two_builds_at_once_share_a_cold_cache(builds, tmp_path):
    cache = tmp_path / "cache"
    runs = [subprocess.Popen([sys.executable, "-m", "reportgen", "build", str(QUARTER),
                              "-o", str(tmp_path / f"out{i}"), "--format", "html"],
                             cwd=ROOT, env=env_with(cache), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for i in (1, 2)]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    for i in (1, 2):
        assert (tmp_path / f"out{i}" / f"{STEM}.html").read_bytes() == builds["serial"][".html"]
    assert chart_files(cache) == builds["filled"]
    assert not list(cache_dir(cache).glob("*.tmp"))


def test_a_truncated_cache_file_is_drawn_again(builds, tmp_path):
    cache = tmp_path / "cache"
    poison(builds["cache"], cache)
    name, whole = sorted(builds["filled"].items())[0]
    (cache_dir(cache) / name).write_bytes(whole[: len(whole) // 2])
    result = CliRunner().invoke(main, ["build", str(QUARTER), "-o", str(tmp_path / "out"),
                                       "--format", "html", "--jobs", "1"],
                                env={"REPORTGEN_CACHE_DIR": str(cache)})
    assert result.exit_code == 0, result.output
    assert data_uri(whole) in (tmp_path / "out" / f"{STEM}.html").read_text()
    assert (cache_dir(cache) / name).read_bytes() == whole


LEAN = """
import sys
from pathlib import Path
from click.testing import CliRunner
from reportgen.commands.cli import main
args = {args!r}
result = CliRunner().invoke(main, args)
assert result.exit_code == 0, result.output
from multiprocessing import forkserver
# Nor does it start the chart pool's fork server (a private attribute, the only way to ask).
assert forkserver._forkserver._forkserver_pid is None
print(sorted(m for m in ("matplotlib", "weasyprint") if m in sys.modules))
"""


@pytest.mark.parametrize("args", [
    ["validate", str(QUARTER)],
    ["build", str(QUARTER), "--format", "html", "-o", "{out}"],
], ids=["validate", "html"])
def test_lean_paths_start_no_pool_nor_import_matplotlib_or_weasyprint(builds, tmp_path, args):
    args = [a.replace("{out}", str(tmp_path)) for a in args]
    result = subprocess.run([sys.executable, "-c", LEAN.format(args=args)], cwd=ROOT,
                            env=env_with(builds["cache"]), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_validate_imports_no_renderer_charts_nor_pdf_libraries():
    # validate is start-up and a quick check: the HTML renderer (Jinja, Markdown, nh3), the
    # chart store, Matplotlib, WeasyPrint, pikepdf and fontTools are no part of it.
    heavy = ("jinja2", "markdown", "nh3", "matplotlib", "weasyprint", "pikepdf", "fontTools",
             "PIL", "reportgen.render", "reportgen.charts")
    code = ("import sys\n"
            "from click.testing import CliRunner\n"
            "from reportgen.commands.cli import main\n"
            f"result = CliRunner().invoke(main, ['validate', {str(QUARTER)!r}])\n"
            "assert result.exit_code == 0, result.output\n"
            f"print(sorted(m for m in sys.modules if m.startswith({heavy!r})))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_cache_root_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_root() == tmp_path / "mine"
    monkeypatch.delenv("REPORTGEN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "reportgen" / "charts"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_root() == tmp_path / "home" / ".cache" / "reportgen" / "charts"


def poison(source: Path, cache: Path) -> bytes:
    """Copy a filled cache into `cache`, then swap one chart's file for a chart that is not
    in the report; return the swapped-in bytes."""
    files = sorted(chart_files(source).items())
    target = cache_dir(cache)
    target.mkdir(parents=True)
    for name, data in files:
        (target / name).write_bytes(data)
    swapped = draw(Wheel("Swapped", (Slice("Good", 1, "#00703c"),)), FORMAT)
    (target / files[0][0]).write_bytes(swapped)
    return swapped


def data_uri(data: bytes) -> str:
    return f'src="data:image/png;base64,{base64.b64encode(data).decode()}"'


def test_inline_swaps_only_our_img_tags_for_known_charts():
    wheel = Wheel("Measures", (Slice("Good", 1, "#00703c"),))
    store = ChartStore([wheel], cache=None, jobs=1)
    key = chart_key(wheel)
    text = f'<p>src="chart:{key}.png"</p>'  # what a comment could say, as text
    html = (text + f'<img class="c" src="chart:{key}.png" alt="a &gt; b">'
            f'<img src="chart:{"0" * 16}.png">')
    assert store.inline(html) == (text + f'<img class="c" {data_uri(draw(wheel, "png"))}'
                                  f' alt="a &gt; b"><img src="chart:{"0" * 16}.png">')
