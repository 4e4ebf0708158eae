"""Killing a build kills all of it (issue 17, kind 3): interrupted, SIGTERMed or SIGKILLed
while its chart pool is drawing, the build's PDF child, fork server and chart workers are all
gone within seconds, and no output is left under its final name."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QUARTER = "exampleshire/2025-26/q4"  # many charts: the pool is busy for a few seconds


def _children() -> dict[int, list[int]]:
    """Return the process table as parent pid -> child pids (living ones)."""
    table: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                table.setdefault(int(fields[1]), []).append(int(entry.name))
    return table


def _descendants(pid: int) -> set[int]:
    table, found, todo = _children(), set(), [pid]
    while todo:
        for child in table.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _living(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def _until(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    """Wait for `condition` to hold, looking every 0.1 s, for at most `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return bool(condition())


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM", "SIGKILL"])
def test_killing_a_build_leaves_no_process(how: str, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "data" / "exampleshire", tmp_path / "exampleshire")
    env = dict(os.environ, PYTHONPATH=str(ROOT), REPORTGEN_CACHE_DIR=str(tmp_path / "cache"))
    build = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "build", QUARTER, "--no-cache", "-j", "2", "-o",
         "out"], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)  # its own process group, as a terminal's foreground job
    started: set[int] = set()
    try:
        # wait for the chart workers: the build, its fork server, and the fork server's
        # children; then everything the build started is running
        def workers() -> bool:
            return any(_descendants(p) for p in _descendants(build.pid))
        assert _until(workers, 60), "the chart pool never started"
        started = _descendants(build.pid)
        if how == "SIGINT":
            os.killpg(build.pid, signal.SIGINT)  # Ctrl+C reaches the whole job
        else:
            build.send_signal(getattr(signal, how))
        build.wait(timeout=30)
        assert _until(lambda: not _living(started), 10), f"left running: {_living(started)}"
    finally:  # whatever happened, leave nothing of ours running on a shared machine
        started |= _descendants(build.pid)
        if build.poll() is None:
            build.kill()
        build.wait()
        for pid in _living(started | {d for p in started for d in _descendants(p)}):
            os.kill(pid, signal.SIGKILL)
    assert build.returncode != 0
    out = tmp_path / "out"
    assert not out.exists() or [p.name for p in out.iterdir() if not p.name.startswith(".")] == []


def test_a_build_that_fails_before_its_pdf_leaves_no_pdf_child(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`reportgen build` starts its PDF child before anything else (sandbox.prestarted);
    a build that fails before the child gets a job stops it."""
    from click.testing import CliRunner

    from reportgen.commands.cli import main
    from reportgen.pdf import sandbox

    started: list[subprocess.Popen[bytes]] = []
    real = sandbox._start

    def recorded() -> subprocess.Popen[bytes]:
        started.append(real())
        return started[-1]

    monkeypatch.setattr(sandbox, "_start", recorded)
    (tmp_path / "q1").mkdir()  # not a quarter: no report.yaml
    result = CliRunner().invoke(main, ["build", str(tmp_path / "q1"), "-o", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert len(started) == 1  # started first, taken by nobody
    assert started[0].poll() is not None  # and stopped
    assert sandbox._early is None
    result = CliRunner().invoke(main, ["build", str(tmp_path / "q1"), "--format", "html"])
    assert len(started) == 1  # no PDF, no child


@pytest.mark.parametrize(("argv", "pdf"), [
    (["build"], True), (["-v", "build", "data/q1", "-o", "out"], True),
    (["build", "--format=pdf,html"], True), (["build", "--format", "pdf"], True),
    (["build", "--format", "html"], False), (["build", "--format=html"], False),
    (["build", "--help"], False), (["validate", "build"], False), (["-o", "x"], False), ([], False),
])
def test_the_pdf_child_is_started_before_click_only_for_a_pdf_build(argv: list[str],
                                                                    pdf: bool) -> None:
    from reportgen.commands.start import pdf_build

    assert pdf_build(argv) is pdf
