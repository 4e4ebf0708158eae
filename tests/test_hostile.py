"""Hostile text pasted into comments and report text is shown as harmless text or dropped,
and the build still succeeds: no request leaves the process, no file is read or embedded.

One build of the bundled sample, with every snippet pasted into an objective comment, the
introduction, an achievement, a measure note and (as plain text) an objective title. The
snippets point at a local HTTP server that counts requests, and at a temporary file with a
unique marker in place of /etc/passwd.
"""

from __future__ import annotations

import http.server
import re
import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from reportgen.core.resources import ROOT
from reportgen.pipeline import build

SAMPLE = ROOT / "data" / "derbyshire" / "2025-26"


def snippets(url: str, secret: Path) -> list[str]:
    """Return every hostile snippet of issue 5, aimed at `url` and the `secret` file."""
    file = secret.as_uri()
    return [
        "<script>alert('x')</script>",
        "[click me](javascript:alert(1)) and <a href=\"JaVaScRiPt:alert(2)\">js link</a>",
        f'<img src="{file}">',
        f"![secret]({file})",
        f'<link rel="attachment" href="{file}">',
        f'<a rel="attachment" href="{file}">attached</a> '
        f'<a rel="attachment" href="{secret.name}">attached too</a>',
        f'<object data="{file}"></object><embed src="{file}">',
        f'<iframe src="{url}/iframe"></iframe>',
        f'<style>@import url("{url}/import.css"); p {{ background: url("{url}/bg.png") }}</style>',
        f'<p style="background-image: url({url}/inline.png)">styled paragraph</p>',
        f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{url}/svg.png" width="9" '
        f'height="9"/><image xlink:href="{file}"/></svg>',
        f'![remote]({url}/remote.png) <img src="{url}/img.png"> <img srcset="{url}/set.png 2x">',
        f'<video poster="{url}/poster.png"></video><audio src="{url}/a.mp3"></audio>',
        f'<base href="{url}/"><meta http-equiv="refresh" content="0;url={url}/refresh">',
        f"[relative link]({secret.name}) [absolute path]({secret})",
        "{{ 7*7 }}",
    ]


class Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def _indent(lines: list[str], spaces: int) -> str:
    return "".join(" " * spaces + line + "\n" for line in lines)


def _insert(path: Path, after: str, text: str) -> None:
    body = path.read_text(encoding="utf-8")
    assert after in body, after
    path.write_text(body.replace(after, after + text, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def built(server: str, tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("hostile")
    marker = f"SECRET-{uuid.uuid4().hex}"
    secret = tmp / "secret.txt"
    secret.write_text(marker + "\n")
    year = tmp / "2025-26"
    shutil.copytree(SAMPLE, year)
    hostile = snippets(server, secret)
    blank_separated = [line for s in hostile for line in (s, "")]
    q1 = year / "q1"
    _insert(q1 / "childrens-services.yaml", "  SO-01:\n    progress: Good\n    comment: |\n",
            _indent(blank_separated, 6))
    _insert(q1 / "report.yaml", "introduction: |\n", _indent(blank_separated, 2))
    _insert(q1 / "report.yaml", "achievements:\n  people:\n",
            "".join(f"    - {_quoted(s)}\n" for s in hostile))
    care = q1 / "adult-social-care.yaml"
    care.write_text(re.sub(r"(?m)^    note: .*$", lambda m: "    note: " + _quoted(
        " ".join(hostile)), care.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    _insert(year / "plan.yaml", "      - id: SO-02\n        title: ",
            f"Roads <img src={server}/title.png> {{{{ 7*7 }}}} ")
    _insert(year / "plan.yaml", "          - id: foster-carers\n            title: ",
            f'Chart $\\alpha$ --><image href="{server}/chart.png"/> ')  # a trend's title
    result = build(q1, tmp / "out")
    return {"result": result, "marker": marker, "hits": list(Counter.hits),
            "pdf": next(p for p in result.outputs if p.suffix == ".pdf"),
            "html": next(p for p in result.outputs if p.suffix == ".html")}


def _quoted(text: str) -> str:
    """Return text as a YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_build_succeeds_without_warnings(built: dict) -> None:
    assert [w for w in built["result"].warnings if w.startswith("PDF:")] == []


def test_no_request_leaves_the_process(built: dict) -> None:
    assert built["hits"] == []


def _objects(reader: PdfReader) -> Iterator[object]:
    """Yield every object reachable from the trailer, once each."""
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [reader.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        yield obj
        if isinstance(obj, DictionaryObject):
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)


def test_pdf_embeds_nothing_and_holds_none_of_the_file(built: dict) -> None:
    reader = PdfReader(built["pdf"])
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    marker = built["marker"].encode()
    uris = []
    for obj in _objects(reader):
        if isinstance(obj, StreamObject):
            assert marker not in obj.get_data()
        if isinstance(obj, DictionaryObject):
            assert obj.get("/Type") != "/EmbeddedFile"
            assert obj.get("/Subtype") not in ("/FileAttachment", "/Movie", "/Sound", "/Screen")
            if "/URI" in obj:
                uris.append(str(obj["/URI"]))
    assert marker not in built["pdf"].read_bytes()
    assert [u for u in uris if not re.match(r"(https?|mailto):", u)] == []


def test_template_syntax_and_tags_in_plain_text_are_shown_literally(built: dict) -> None:
    wanted = ["{{ 7*7 }}",
              "Roads <img src=http://127.0.0.1:",  # a title is text, not markup
              "styled paragraph"]  # the tag went, the words stayed
    text = ""
    for page in PdfReader(built["pdf"]).pages:  # stop early: extracting text is slow
        text += " " + " ".join(page.extract_text().split())
        if all(w in text for w in wanted):
            break
    assert [w for w in wanted if w not in text] == []


def test_html_has_nothing_that_fetches_or_runs(built: dict) -> None:
    html = built["html"].read_text(encoding="utf-8")
    for tag in ("<script", "<iframe", "<object", "<embed", "<link", "<svg", "<image",
                "<video", "<audio", "<base", "<meta http-equiv", "@import"):
        assert tag not in html.lower(), tag
    assert html.count("<style>") == 1  # ours
    assert re.findall(r"(?i)\b(?:src|srcset|poster|data)=\"(?!data:image/)", html) == []
    assert "javascript:" not in html.lower()
    assert "file:" not in html
    assert re.findall(r'href="(?!#|https?://|mailto:)', html) == []
    assert "{{ 7*7 }}" in html
