"""The PDF child's own costs: it imports WeasyPrint without running ldconfig, gcc and ld for
each name of its libraries (and loads the very same libraries it would have loaded), lays
out with the cyclic collector walking its youngest generation less often, and writes its
answer a piece at a time."""

from __future__ import annotations

import base64
import gc
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen.pdf import write
from reportgen.pdf.worker import PIECE, write_answer

STYLES = Path(__file__).resolve().parent.parent / "styles"
linux = pytest.mark.skipif(not sys.platform.startswith("linux"),
                           reason="the shortcut and /proc/self/maps are Linux's")

# Prints, as JSON, the shared libraries of WeasyPrint's that the process has mapped, and
# the largest program it ran and waited for (0 kB: it ran none).
REPORT = """
import json, re, resource
libraries = sorted({line.split()[-1] for line in open("/proc/self/maps")
                    if re.search(r"lib(pango|gobject|harfbuzz|fontconfig)[^/]*\\.so", line)})
ran = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"libraries": libraries, "ran": ran, "pdf": pdf[:5].decode()}))
"""
OURS = ("from reportgen.pdf.worker import import_weasyprint\n"
        "pdf = import_weasyprint().HTML(string='<p>word</p>').write_pdf()\n")
PLAIN = "import weasyprint\npdf = weasyprint.HTML(string='<p>word</p>').write_pdf()\n"


def _run(code: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", code + REPORT], capture_output=True, text=True,
                         check=True).stdout
    result: dict[str, object] = json.loads(out.splitlines()[-1])
    result["printed"] = out.splitlines()[:-1]
    return result


@linux
def test_weasyprint_loads_the_same_libraries_without_running_a_program() -> None:
    ours, plain = _run(OURS), _run(PLAIN)
    assert ours["pdf"] == "%PDF-"
    assert ours["ran"] == 0, "a program ran while WeasyPrint was imported"
    libraries = ours["libraries"]
    assert isinstance(libraries, list)
    assert any("libpango-1.0.so" in path for path in libraries)
    assert libraries == plain["libraries"]


@linux
def test_a_system_without_the_linux_names_still_gets_weasyprint() -> None:
    # As on a system whose libraries go by other names: no name with ".so" in it loads,
    # so only WeasyPrint's own search (find_library, the slow way) finds them.
    other_names = ("import cffi\n"
                   "dlopen = cffi.FFI.dlopen\n"
                   "def refuse(self, name, *args, **kwargs):\n"
                   "    if '.so' in str(name):\n"
                   "        raise OSError(f'cannot load library {name!r}')\n"
                   "    return dlopen(self, name, *args, **kwargs)\n"
                   "cffi.FFI.dlopen = refuse\n")
    result = _run(other_names + OURS)
    assert result["pdf"] == "%PDF-"
    assert result["ran"] != 0  # find_library's way, as WeasyPrint itself would go
    assert result["printed"] == []  # no banner that libraries could not be imported
    libraries = result["libraries"]
    assert isinstance(libraries, list)
    assert any("libpango-1.0.so" in path for path in libraries)


def _collections(young: int, monkeypatch: pytest.MonkeyPatch) -> tuple[int, dict[str, float]]:
    """Lay out a few pages with the collector's youngest generation at `young` objects;
    return how many times the collector ran and the layout's timings."""
    monkeypatch.setattr(write, "YOUNG", young)
    html = ("<html lang='en'><head><title>Pages</title></head><body>"
            + "".join(f"<h2>Part {i}</h2><p>{'Some words in a row. ' * 40}</p>"
                      for i in range(60)) + "</body></html>")
    runs: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            runs.append(info["generation"])

    timings: dict[str, float] = {}
    gc.callbacks.append(count)
    try:
        write.write_pdf(html, base=STYLES, roots=[STYLES], timings=timings)
    finally:
        gc.callbacks.remove(count)
    return len(runs), timings


def test_layout_runs_the_collector_less_and_leaves_its_thresholds_as_they_were(
        monkeypatch: pytest.MonkeyPatch) -> None:
    before, young = gc.get_threshold(), write.YOUNG
    _collections(young, monkeypatch)  # the first layout also loads fonts: not compared
    default, _ = _collections(700, monkeypatch)  # Python's own threshold
    ours, timings = _collections(young, monkeypatch)
    assert gc.get_threshold() == before
    assert ours * 3 < default, (ours, default)
    assert 0 <= timings["gc_s"] < timings["layout_s"] + timings["write_s"]


@pytest.mark.parametrize("size", [0, 1, PIECE - 1, PIECE, 2 * PIECE + 5])
def test_an_answer_written_a_piece_at_a_time_is_one_line_of_json(size: int) -> None:
    pdf = bytes(range(256)) * (size // 256) + bytes(size % 256)
    out = io.StringIO()
    write_answer(out, {"pdf": pdf, "warnings": ["a \"quoted\" warning"],
                       "timings": {"layout_s": 1.5}})
    line = out.getvalue()
    assert line.endswith("\n") and line.count("\n") == 1
    answer = json.loads(line)
    assert base64.b64decode(answer["pdf"]) == pdf
    assert answer["warnings"] == ['a "quoted" warning']
    assert answer["timings"] == {"layout_s": 1.5}


def test_an_answer_without_a_pdf_is_written_whole() -> None:
    out = io.StringIO()
    write_answer(out, {"kind": "memory"})
    assert json.loads(out.getvalue()) == {"kind": "memory"}
    out = io.StringIO()
    write_answer(out, {"pdf": b"%PDF-"})
    assert json.loads(out.getvalue()) == {"pdf": base64.b64encode(b"%PDF-").decode()}
