"""Outputs are all-or-nothing (issue 17, kind 2): a read-only output directory, an output
path under a file, a name taken by a directory or a full disk is a clear error (exit 1), and
the previous PDF, HTML and exports stay exactly as they were, as a set. The full and the
read-only disk are real: a small tmpfs, mounted where the machine allows it."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.commands.cli import main
from reportgen.core.errors import OutputError
from reportgen.core.output import write_all

STEM = "testshire-county-council-2025-26-q1"


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 400 kB tmpfs (needs root and mount; skipped elsewhere)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount)],
            capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def _fill(directory: Path, leave: int) -> None:
    """Fill the disk until only about `leave` bytes are free."""
    free = shutil.disk_usage(directory).free
    with open(directory / "filler", "wb") as handle:
        handle.write(b"\0" * max(free - leave, 0))


def test_a_full_disk_changes_no_file(tmpfs: Path) -> None:
    out = tmpfs / "out"
    old = {out / "report.pdf": b"old pdf" * 1000, out / "report.html": b"old html" * 1000}
    write_all(old)
    _fill(tmpfs, leave=80_000)
    new = {out / "report.pdf": b"P" * 60_000, out / "report.html": b"H" * 60_000}
    with pytest.raises(OutputError) as caught:
        write_all(new)
    assert str(caught.value) == (
        f"cannot write the outputs in {out}: the disk is full; the files there were left as "
        "they were. Free some space, or choose another output directory (--output DIR)")
    assert _snapshot(out) == {"report.html": b"old html" * 1000, "report.pdf": b"old pdf" * 1000}


def test_a_full_disk_fails_the_build_and_keeps_the_last_outputs(year: Path, tmpfs: Path) -> None:
    out = tmpfs / "out"
    assert CliRunner().invoke(main, ["build", "q1", "--format", "html", "-o", str(out)]
                              ).exit_code == 0
    (out / "measures.csv").write_text("an export of last quarter\n")
    before = _snapshot(out)
    _fill(tmpfs, leave=4_000)
    result = CliRunner().invoke(main, ["build", "q1", "--format", "html", "-o", str(out)])
    assert result.exit_code == 1
    assert f"error: cannot write the outputs in {out}: the disk is full" in result.output
    assert _snapshot(out) == before  # nothing new, nothing half-written, no temporary file


def test_a_read_only_output_directory(year: Path, tmpfs: Path) -> None:
    out = tmpfs / "out"
    write_all({out / f"{STEM}.html": b"old"})
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    result = CliRunner().invoke(main, ["build", "q1", "--format", "html", "-o", str(out)])
    assert result.exit_code == 1
    assert (f"error: cannot write the outputs in {out}: the file system is read-only; the "
            "files there were left as they were") in result.output
    assert _snapshot(out) == {f"{STEM}.html": b"old"}


def test_an_output_directory_under_a_file(year: Path) -> None:
    (year / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["build", "q1", "--format", "html", "-o",
                                       "notes.txt/out"])
    assert result.exit_code == 1
    assert (f"error: cannot write notes.txt/out/{STEM}.html: notes.txt is a file, not a "
            "directory: choose another output directory (--output DIR)") in result.output
    assert (year / "notes.txt").read_text() == "mine"


def test_a_name_taken_by_a_directory_writes_neither_file(year: Path) -> None:
    """The PDF's name is a directory: the HTML is not written either, so no new HTML
    stands beside an old PDF."""
    (year / "out" / f"{STEM}.pdf").mkdir(parents=True)
    (year / "out" / f"{STEM}.html").write_text("last quarter's")
    result = CliRunner().invoke(main, ["build", "q1", "-o", "out"])
    assert result.exit_code == 1
    assert (f"error: cannot write out/{STEM}.pdf: a directory has that name: rename or remove "
            "it, or choose another output directory (--output DIR)") in result.output
    assert (year / "out" / f"{STEM}.html").read_text() == "last quarter's"
    assert sorted(p.name for p in (year / "out").iterdir()) == [f"{STEM}.html", f"{STEM}.pdf"]
