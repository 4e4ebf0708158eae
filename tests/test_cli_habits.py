"""Command-line habits of the ecosystem: -q/-v anywhere, NO_COLOR, Ctrl+C, the browser,
quarter names, drafts that cannot pass for the final report, the sample from anywhere."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.commands.cli import browser, main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "derbyshire" / "2025-26" / "q1"
ESC = "\x1b["


@pytest.mark.parametrize("args", [["-q", "validate"], ["validate", "-q"],
                                  ["validate", "--quiet", str(SAMPLE)]])
def test_quiet_works_before_and_after_the_command(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert (result.exit_code, result.output) == (0, "")


def test_verbose_after_the_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(SAMPLE), "--format", "html", "-v",
                                       "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "settings: defaults (no reportgen.toml)" in result.output  # only -v says this


def _problem_output(tmp_path: Path, env: dict[str, str]) -> str:
    bad = tmp_path / "q1"
    bad.mkdir(parents=True)
    (bad / "report.yaml").write_text("quarter: 9\n")
    result = CliRunner().invoke(main, ["validate", str(bad)], color=True, env=env)
    assert result.exit_code in (1, 2), result.output
    return result.output


def test_colour_on_a_terminal_and_none_with_no_color(tmp_path: Path) -> None:
    assert ESC in _problem_output(tmp_path / "a", {"NO_COLOR": ""})
    assert ESC not in _problem_output(tmp_path / "b", {"NO_COLOR": "1"})


def test_new_quarter_names_are_q1_to_q4(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["new-quarter", str(SAMPLE), str(tmp_path / "q2x")])
    assert result.exit_code == 2
    assert "q2x: a quarter directory is named q1, q2, q3 or q4, not 'q2x'" in result.output
    assert not (tmp_path / "q2x").exists()


def test_the_browser_opens_unless_no_open_or_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    import webbrowser

    monkeypatch.delenv("CI", raising=False)
    assert browser(True) is webbrowser.open
    assert browser(False) is None
    monkeypatch.setenv("CI", "true")
    assert browser(True) is None
    monkeypatch.setenv("CI", "false")
    assert browser(True) is webbrowser.open


def test_preview_opens_the_browser_and_ctrl_c_ends_quietly_with_130(
        tmp_path: Path, cli_env: dict[str, str]) -> None:
    """The real command: BROWSER is a script that records the address it is given and then
    presses Ctrl+C on the preview (SIGINT to its parent), as a person would."""
    opened = tmp_path / "opened.txt"
    opener = tmp_path / "browser.sh"
    opener.write_text(f'#!/bin/sh\necho "$1" > "{opened}"\nkill -INT $PPID\n')
    opener.chmod(0o755)
    env = {**cli_env, "BROWSER": str(opener)}
    done = subprocess.run([sys.executable, "-m", "reportgen", "preview", str(SAMPLE),
                           "--port", "0"], env=env, capture_output=True, text=True,
                          timeout=120, cwd=tmp_path, check=False)
    assert done.returncode == 130, done.stderr
    assert opened.read_text().startswith("http://127.0.0.1:")
    assert "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr
    assert "Aborted" not in done.stderr


@pytest.fixture
def git_quarter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A council repository from init, committed, as the working directory."""
    root = tmp_path / "council"
    assert CliRunner().invoke(main, ["init", str(root), "--council", "Testshire"]).exit_code == 0
    env = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "init"]):
        subprocess.run(["git", *args], cwd=root, check=True, env={**os.environ, **env})
    monkeypatch.chdir(root)
    return root


def _stamp(root: Path) -> str:
    result = CliRunner().invoke(main, ["build", "--draft", "--format", "html", "-q"])
    assert result.exit_code == 0, result.output
    [html] = (root / "output").glob("*.html")
    assert html.name.endswith("-q1-draft.html")  # never the final report's name
    text = html.read_text()
    return text[text.index("DRAFT &middot;"):].split("<", 1)[0]


def test_a_draft_says_when_it_has_uncommitted_changes(git_quarter: Path) -> None:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=git_quarter,
                            capture_output=True, text=True, check=True).stdout.strip()
    clean = _stamp(git_quarter)
    assert clean.endswith(f"commit {commit}"), clean
    update = next((git_quarter / "data").rglob("corporate-services.yaml"))
    update.write_text(update.read_text().replace("84.1%", "85.0%"))
    assert _stamp(git_quarter).endswith(f"commit {commit} + uncommitted changes")


def test_a_draft_and_the_final_report_have_different_names(tmp_path: Path) -> None:
    from reportgen.pipeline import build

    final = build(SAMPLE, tmp_path, formats=("html",))
    draft = build(SAMPLE, tmp_path, formats=("html",), draft=True)
    assert [p.name for p in final.outputs] == ["derbyshire-county-council-2025-26-q1.html"]
    assert [p.name for p in draft.outputs] == ["derbyshire-county-council-2025-26-q1-draft.html"]


def test_without_a_quarter_or_the_sample_the_message_says_what_to_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reportgen.pipeline

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(reportgen.pipeline, "SAMPLE_QUARTER", tmp_path / "gone")
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 2
    assert "the bundled sample is missing: give a quarter directory" in result.output
    assert "reportgen init DIR" in result.output


def test_ctrl_c_during_a_build_ends_quietly_with_130(tmp_path: Path,
                                                     cli_env: dict[str, str]) -> None:
    """Ctrl+C goes to the whole process group: the chart pool's fork server and workers
    too. Only the command line answers it; no child prints a traceback."""
    build = subprocess.Popen([sys.executable, "-m", "reportgen", "build", str(SAMPLE),
                              "--no-cache", "--jobs", "2", "-o", str(tmp_path)],
                             env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, start_new_session=True)
    assert build.stderr is not None
    for line in build.stderr:  # stages are plain lines when stderr is not a terminal
        if "Drawing charts" in line:
            os.killpg(build.pid, signal.SIGINT)  # as a terminal's Ctrl+C does
            break
    out, err = build.communicate(timeout=120)
    assert build.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert not list(tmp_path.glob("*.pdf"))


def _blocks_ctrl_c(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status").read_text()
    blocked = int(next(line.split()[1] for line in status.splitlines()
                       if line.startswith("SigBlk:")), 16)
    return bool(blocked & (1 << (signal.SIGINT - 1)))


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads /proc")
def test_the_pdf_child_and_chart_processes_start_with_ctrl_c_blocked(
        tmp_path: Path, cli_env: dict[str, str]) -> None:
    """A Ctrl+C while a child is still starting Python must not make it print "Fatal Python
    error" or a traceback: the PDF child and the chart fork server are started with SIGINT
    blocked, from their first instruction, and the build itself is not."""
    build = subprocess.Popen([sys.executable, "-m", "reportgen", "build", str(SAMPLE),
                              "--no-cache", "--jobs", "2", "-o", str(tmp_path)],
                             env=cli_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True, start_new_session=True)
    assert build.stderr is not None
    kinds: dict[str, bool] = {}
    for line in build.stderr:  # the fork server is started before "Drawing charts" ends
        if "Drawing charts" in line:
            for pid in (int(p) for p in os.listdir("/proc") if p.isdigit()):
                try:
                    argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                    if os.getpgid(pid) != build.pid or pid == build.pid:
                        continue
                    kind = ("pdf" if b"reportgen.pdf.worker" in argv else "charts"
                            if any(b"multiprocessing.forkserver" in a for a in argv) else "")
                    if kind:
                        kinds[kind] = kinds.get(kind, True) and _blocks_ctrl_c(pid)
                except (OSError, StopIteration):  # gone meanwhile
                    continue
            break
    build.communicate(timeout=300)
    assert build.returncode == 0
    assert kinds == {"pdf": True, "charts": True}


def test_quiet_commands_that_write_say_nothing(tmp_path: Path) -> None:
    for args in (["new-quarter", str(SAMPLE), str(tmp_path / "2025-26" / "q2"), "-q"],
                 ["schema", "-o", str(tmp_path / "schema.json"), "-q"],
                 ["init", str(tmp_path / "council"), "--council", "Testshire", "-q"]):
        result = CliRunner().invoke(main, args)
        assert (result.exit_code, result.output) == (0, ""), args
    assert (tmp_path / "2025-26" / "q2" / "report.yaml").is_file()
