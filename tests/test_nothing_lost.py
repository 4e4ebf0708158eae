"""Nothing lost: a failed build leaves the last good PDF and HTML byte for byte; two builds
at once leave one complete PDF; a build killed during layout leaves no partial file under
the final name, and the next build sweeps up what a killed build left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from corpus import make_year
from pypdf import PdfReader

from reportgen.core.errors import DataError, RenderError
from reportgen.core.output import remove_stale
from reportgen.pdf.sandbox import Limits
from reportgen.pipeline import build

STEM = "testshire-county-council-2025-26-q1"


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_year("welsh-text", tmp_path_factory.mktemp("lost"))


@pytest.fixture(scope="module")
def first(year: Path) -> dict[Path, tuple[bytes, int]]:
    """Build once and return each output's bytes and modification time."""
    result = build(year / "q1", year / "out")
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in result.outputs}


def _unchanged(first: dict[Path, tuple[bytes, int]]) -> None:
    for path, (data, mtime) in first.items():
        assert path.read_bytes() == data
        assert path.stat().st_mtime_ns == mtime
    assert list(next(iter(first)).parent.glob(".*.tmp")) == []


def _edit(path: Path, old: str, new: str) -> str:
    before = path.read_text(encoding="utf-8")
    path.write_text(before.replace(old, new), encoding="utf-8")
    return before


def test_a_data_error_leaves_the_last_outputs(year: Path, first: dict) -> None:
    update = year / "q1" / "update.yaml"
    before = _edit(update, "    target: 350", "\ttarget: 350")
    try:
        with pytest.raises(DataError, match="a tab is used for indentation"):
            build(year / "q1", year / "out")
    finally:
        update.write_text(before, encoding="utf-8")
    _unchanged(first)


def test_a_strict_warning_leaves_the_last_outputs(year: Path, first: dict) -> None:
    update = year / "q1" / "update.yaml"
    before = _edit(update, "    value: 85.0", "    value: 112.5")
    try:
        with pytest.raises(DataError, match="--strict: .* is over 100%"):
            build(year / "q1", year / "out", strict=True, formats=("html",))
    finally:
        update.write_text(before, encoding="utf-8")
    _unchanged(first)


def test_a_render_failure_leaves_the_last_outputs(year: Path, first: dict) -> None:
    with pytest.raises(RenderError, match="time limit"):
        build(year / "q1", year / "out", limits=Limits(seconds=0.3))
    _unchanged(first)


def _reportgen(*args: str, **kwargs) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    return subprocess.Popen([sys.executable, "-m", "reportgen", "build", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def test_two_builds_at_once_leave_one_complete_pdf(year: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    builds = [_reportgen(str(year / "q1"), "-o", str(out), "--format", "pdf") for _ in range(2)]
    for process in builds:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    reader = PdfReader(out / f"{STEM}.pdf", strict=True)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Diolch i'r tîm yng Nghaerdydd" in " ".join(text.split())
    assert (out / f"{STEM}.pdf").read_bytes().rstrip().endswith(b"%%EOF")
    assert sorted(p.name for p in out.iterdir()) == [f"{STEM}.pdf"]  # no temp file left


def _session(sid: int) -> list[int]:
    """Return the pids still running in a session (Linux /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getsid(int(entry.name)) == sid:
                    pids.append(int(entry.name))
            except (ProcessLookupError, PermissionError):
                continue
    return pids


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs Linux /proc")
def test_a_killed_build_leaves_no_partial_file(year: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    process = _reportgen(str(year / "q1"), "-o", str(out), start_new_session=True)
    seen = b""
    while b"Laying out the PDF" not in seen:
        line = process.stderr.readline()
        assert line, seen.decode()
        seen += line
    # The PDF child was started first thing; it is laying out once the build says so.
    assert len(_session(process.pid)) > 1
    process.kill()  # SIGKILL: no cleanup handler runs
    process.wait()
    assert process.returncode == -signal.SIGKILL
    assert not (out / f"{STEM}.pdf").exists() and not (out / f"{STEM}.html").exists()
    # The children notice their parent's death (PR_SET_PDEATHSIG) and exit; poll for that
    # event, bounded only against a hang.
    deadline = time.monotonic() + 120
    while _session(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _session(process.pid) == []  # the render worker died with its parent


def test_the_next_build_removes_temp_files_of_killed_builds(year: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = out / f".{STEM}.html.{dead.pid}.k1ll3d.tmp"
    stale.write_bytes(b"<html><body>half a fi")
    old_style = out / f".{STEM}.html.x7y8z9.tmp"  # no pid: removed once an hour old
    old_style.write_bytes(b"<html>")
    os.utime(old_style, (time.time() - 7200, time.time() - 7200))
    live = out / f".{STEM}.html.{os.getpid()}.writing.tmp"  # a build running right now
    live.write_bytes(b"<html> in progress")
    result = build(year / "q1", out, formats=("html",))
    assert not stale.exists() and not old_style.exists()
    assert live.exists()
    assert sorted(p.name for p in out.iterdir()) == sorted([live.name, f"{STEM}.html"])
    assert remove_stale(result.outputs[0]) == []  # our own pid is alive: kept
