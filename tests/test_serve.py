"""Tests for the live preview (reportgen.preview.server): the rebuild loop in-process, the draft
builder's chart memo, and the server's refusals over real HTTP on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import queue
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reportgen.core.errors import DataError, Problem, UsageError
from reportgen.pipeline import build
from reportgen.preview.draft import Built, DraftBuilder, Preview
from reportgen.preview.server import PreviewServer, is_loopback, request_file
from reportgen.preview.watch import run, watch_changes
from reportgen.render.html import environment

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "derbyshire" / "2025-26"
# The longest a test waits for an event that should come at once: waits return as soon as it
# comes, so this only bounds a hang, and a busy 2-core machine never reaches it.
EVENT = 120
PAGE = "<!DOCTYPE html><html><head><title>t</title></head><body><p>{}</p></body></html>"


class Changes:
    """A stand-in for the file watcher: each push() is one batch of changes."""

    def __init__(self) -> None:
        self.batches: queue.Queue[object] = queue.Queue()

    def push(self, batch: object = "changed") -> None:
        self.batches.put(batch)

    def stop(self) -> None:
        self.batches.put(None)

    def __iter__(self) -> Iterator[object]:
        while (batch := self.batches.get()) is not None:
            yield batch


class Script:
    """A builder that returns or raises the next of the given outcomes."""

    def __init__(self, *outcomes: str | BaseException) -> None:
        self.outcomes = list(outcomes)

    def __call__(self) -> Built:
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return Built(PAGE.format(outcome))


def served(preview: Preview) -> str:
    return (preview.root / "index.html").read_text(encoding="utf-8")


def start_loop(preview: Preview) -> tuple[Changes, threading.Thread]:
    changes = Changes()
    thread = threading.Thread(target=run, args=(preview, changes), daemon=True)
    thread.start()
    return changes, thread


BROKEN = DataError([Problem("q1/place.yaml", 5, 15, "objectives.SO-10.progress",
                            "'Goood' is not a progress rating; did you mean 'Good'?")])


def test_each_change_rebuilds_and_wakes_waiters(tmp_path: Path) -> None:
    preview = Preview(Script("first", "second"), tmp_path)
    preview.rebuild()
    changes, thread = start_loop(preview)
    assert 'content="1"' in served(preview)
    changes.push()
    assert preview.wait(1, timeout=EVENT) == 2
    assert "<p>second</p>" in served(preview)
    assert '<meta name="reportgen-build" content="2">' in served(preview)
    changes.stop()
    thread.join(timeout=EVENT)
    assert not thread.is_alive()


def test_bad_data_keeps_last_good_page_with_problems_then_clears(tmp_path: Path) -> None:
    preview = Preview(Script("good draft", BROKEN, "fixed draft"), tmp_path)
    preview.rebuild()
    changes, _ = start_loop(preview)

    changes.push()
    assert preview.wait(1, timeout=EVENT) == 2
    page = served(preview)
    assert "<p>good draft</p>" in page
    assert 'role="alert"' in page
    assert "<code>q1/place.yaml:5</code>" in page
    assert "&#39;Goood&#39; is not a progress rating; did you mean &#39;Good&#39;?" in page
    assert preview.last is not None and not preview.last.ok

    changes.push()
    assert preview.wait(2, timeout=EVENT) == 3
    page = served(preview)
    assert "<p>fixed draft</p>" in page
    assert "preview-problems-heading" not in page
    changes.stop()


def test_unexpected_errors_do_not_stop_the_loop(tmp_path: Path) -> None:
    preview = Preview(Script(RuntimeError("disk on fire"), "recovered"), tmp_path)
    draft = preview.rebuild()  # no good draft yet: a page of problems only
    assert not draft.ok
    page = served(preview)
    assert "<code>(build)</code>: RuntimeError: disk on fire" in page
    assert '<html lang="en-GB">' in page and "<main>" in page
    changes, thread = start_loop(preview)
    changes.push()
    assert preview.wait(1, timeout=EVENT) == 2
    assert "<p>recovered</p>" in served(preview)
    changes.stop()
    thread.join(timeout=EVENT)


def test_a_template_error_is_shown_at_its_line(tmp_path: Path) -> None:
    council = tmp_path / "council"
    (council / "templates").mkdir(parents=True)
    (council / "templates" / "report.html").write_text("<p>\n{% if %}\n</p>\n")

    def builder() -> Built:
        environment(council).get_template("report.html")
        return Built(PAGE.format("unreachable"))

    preview = Preview(builder, tmp_path)
    assert not preview.rebuild().ok
    assert re.search(r"<code>[^<]*council/templates/report\.html:2</code>: Expected an expression",
                     served(preview))


def test_problem_text_is_escaped_in_the_panel(tmp_path: Path) -> None:
    evil = DataError([Problem("q1/<b>.yaml", 2, 1, "measures.<i>", "<script>alert(1)</script>")])
    preview = Preview(Script("ok", evil), tmp_path)
    preview.rebuild()
    preview.rebuild()
    page = served(preview)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "q1/&lt;b&gt;.yaml:2" in page


@pytest.fixture
def year(tmp_path: Path) -> Path:
    """Return a quarter directory in a scratch copy of the sample year."""
    shutil.copytree(SAMPLE, tmp_path / "2025-26")
    return tmp_path / "2025-26" / "q1"


def test_draft_builder_redraws_no_chart_for_a_comment_edit(year: Path, tmp_path: Path) -> None:
    builder = DraftBuilder(year)
    first = builder()
    assert first.drawn > 20
    assert first.html.count('href="#SO-') == 24 and 'id="SO-10"' in first.html
    assert "DRAFT" in first.html

    place = year / "place.yaml"
    place.write_text(place.read_text().replace(
        "A new strategy is being developed", "A fresh strategy is being written"))
    second = builder()
    assert second.drawn == 0
    assert "A fresh strategy is being written" in second.html

    place.write_text(place.read_text().replace('value: "19,934"', 'value: "19,935"'))
    assert builder().drawn <= 1  # a value without history draws no trend: at most one wheel

    preview = Preview(builder, tmp_path)
    assert preview.rebuild().ok
    place.write_text(place.read_text().replace("progress: Review", "progress: Reveiw", 1))
    draft = preview.rebuild()
    assert not draft.ok
    assert re.search(r"<code>[^<]*q1/place\.yaml:\d+</code> <span class=\"key\">objectives\."
                     r"SO-12\.progress</span>", served(preview))
    assert "A fresh strategy is being written" in served(preview)


def test_watcher_sees_the_quarter_and_plan_but_not_other_quarters(tmp_path: Path) -> None:
    year = tmp_path / "2025-26"
    for name in ("q1", "q2"):
        (year / name).mkdir(parents=True)
        (year / name / "report.yaml").write_text("x: 1\n")
    (year / "plan.yaml").write_text("x: 1\n")
    stop = threading.Event()
    batches: queue.Queue[set[tuple[object, str]]] = queue.Queue()

    def watch() -> None:
        for batch in watch_changes(year / "q1", stop):
            batches.put(batch)  # type: ignore[arg-type]

    def until_seen(path: Path) -> set[str]:
        """Return every path reported up to and including a batch naming `path`."""
        seen: set[str] = set()
        while str(path) not in seen:
            seen |= {changed for _, changed in batches.get(timeout=EVENT)}
        return seen

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    plan = year / "plan.yaml"
    try:
        # The watcher is ready once it reports a change: touch the plan until it does (the
        # one-second wait is a polling interval, not an assumption about speed).
        while True:
            plan.write_text("x: 0\n")
            try:
                batches.get(timeout=1)
                break
            except queue.Empty:
                continue
        for changed in (year / "q2" / "report.yaml", year / "q1" / ".report.yaml.swp",
                        year / "q1" / "report.yaml", plan):
            changed.write_text("x: 2\n")
        seen = until_seen(plan)
        # Changes are reported in order: once a last edit of q1 is seen, an event for q2 or
        # the swap file would have come before it.
        (year / "q1" / "report.yaml").write_text("x: 3\n")
        seen |= until_seen(year / "q1" / "report.yaml")
        assert seen == {str(year / "q1" / "report.yaml"), str(plan)}
    finally:
        stop.set()
        thread.join(timeout=EVENT)
    assert not thread.is_alive()


def test_preview_never_imports_weasyprint() -> None:
    code = ("import sys; from reportgen.pipeline import default_quarter; "
            "from reportgen.preview.draft import DraftBuilder; DraftBuilder(default_quarter())(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'pydyf')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    assert out.strip() == "[]"


# ---- the server, over real HTTP on 127.0.0.1 ----

@pytest.fixture
def server(tmp_path: Path) -> Iterator[PreviewServer]:
    root = tmp_path / "draft"
    root.mkdir()
    (root / "fonts").mkdir()
    (root / "fonts" / "a.ttf").write_bytes(b"font")
    (tmp_path / "secret.txt").write_text("secret")
    (root / "escape.txt").symlink_to(tmp_path / "secret.txt")
    preview = Preview(Script("served page", "second page"), root)
    preview.rebuild()
    srv = PreviewServer(preview, "127.0.0.1", 0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    preview.close()
    srv.shutdown()
    srv.server_close()


def get(srv: PreviewServer, target: str, host: str | None = "default") -> tuple[int, str]:
    """Send a GET with the target exactly as given (no normalising) and return status, body."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
    if host is not None:
        conn.putheader("Host", f"127.0.0.1:{srv.port}" if host == "default" else host)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, body


def test_serves_the_draft_on_loopback_only(server: PreviewServer) -> None:
    assert server.server_address[0] == "127.0.0.1"
    status, body = get(server, "/")
    assert status == 200 and "<p>served page</p>" in body
    assert get(server, "/index.html?x=1")[0] == 200
    assert get(server, "/fonts/a.ttf")[1] == "font"
    for host in (f"localhost:{server.port}", f"[::1]:{server.port}", f"LOCALHOST:{server.port}"):
        assert get(server, "/", host)[0] == 200, host


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example",
                                  "127.0.0.1:1", "localhost.:{port}", "", None])
def test_foreign_host_header_is_refused(server: PreviewServer, host: str | None) -> None:
    status, body = get(server, "/", host.format(port=server.port) if host is not None else None)
    assert status == 403
    assert "served page" not in body


@pytest.mark.parametrize("target", ["/../secret.txt", "/fonts/../../secret.txt",
                                    "/%2e%2e/secret.txt", "/fonts/%2E%2E/%2e%2e/secret.txt",
                                    "//etc/passwd", "/%2Fetc/passwd", "/..%5csecret.txt",
                                    "http://127.0.0.1/index.html", "/C:/secret.txt"])
def test_traversal_and_absolute_paths_are_refused(server: PreviewServer, target: str) -> None:
    status, body = get(server, target)
    assert status == 400, target
    assert "secret" not in body


def test_no_listings_no_escaping_links(server: PreviewServer) -> None:
    assert get(server, "/fonts/") == (404, "Not found.\n")
    assert get(server, "/escape.txt") == (404, "Not found.\n")  # a symlink out of the draft
    assert get(server, "/missing.html")[0] == 404


def test_event_stream_announces_rebuilds(server: PreviewServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("GET", "/__preview/events", headers={"Host": f"localhost:{server.port}"})
    response = conn.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"
    assert response.readline() == b"retry: 500\n"
    response.readline()
    assert [response.readline() for _ in range(2)] == [b"event: build\n", b"data: 1\n"]
    server.preview.rebuild()
    response.readline()
    assert [response.readline() for _ in range(2)] == [b"event: build\n", b"data: 2\n"]
    conn.close()


def test_non_loopback_binding_is_refused(tmp_path: Path) -> None:
    preview = Preview(Script("x"), tmp_path)
    for host in ("0.0.0.0", "::", "192.0.2.7", "example.org"):
        with pytest.raises(UsageError, match="loopback addresses only"):
            PreviewServer(preview, host, 0)
    assert [is_loopback(h) for h in ("127.0.0.1", "127.8.0.1", "::1", "[::1]", "localhost")] == \
        [True] * 5


def test_request_file_stays_inside_the_root(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("x")
    assert request_file(tmp_path, "/") == (200, tmp_path.resolve() / "index.html")
    assert request_file(tmp_path, "/./index.html") == (400, None)
    assert request_file(tmp_path, "index.html") == (400, None)


def test_cli_refuses_a_directory_that_is_not_a_quarter(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from reportgen.commands.cli import main

    result = CliRunner().invoke(main, ["preview", str(tmp_path), "--port", "0"])
    assert result.exit_code == 2
    assert "is not a quarter directory" in result.output


# ---- the HTML output the preview shows, as `build --format html` writes it ----

def test_built_html_is_self_contained_with_anchors(tmp_path: Path) -> None:
    result = build(SAMPLE / "q1", tmp_path, formats=("html",), draft=True)
    html = result.outputs[0].read_text(encoding="utf-8")
    assert not re.search(r"<(link|script)\b", html)  # styles inline, no scripts
    sources = re.findall(r'\bsrc="([^"]*)"', html)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    css_urls = re.findall(r"url\(([^)]*)\)", html)
    assert css_urls and all(u.startswith("data:") for u in css_urls)  # fonts too
    for href in re.findall(r'\bhref="([^"]*)"', html):
        assert href.startswith(("#", "https://", "http://", "mailto:")), href
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    data = json.loads(subprocess.run(
        [sys.executable, "-m", "reportgen", "export", str(SAMPLE / "q1")], capture_output=True,
        text=True, check=True, cwd=ROOT).stdout)
    wanted = {o["id"] for o in data["objectives"]} | {m["id"] for m in data["measures"]}
    assert wanted <= ids
    for anchor in wanted:
        assert f'href="#{anchor}"' in html
    assert "DRAFT &middot; built " in html
