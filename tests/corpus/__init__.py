"""The bad-input corpus: a tiny valid year (base/) and cases that each change a file or two.

A case directory holds files laid out as in a year directory (plan.yaml, q1/*.yaml) that
replace or add to the base's; `NAME.absent` removes NAME. A few cases are too big to keep
as files and are made by GENERATED. expected.toml says what each case must give.
"""

from __future__ import annotations

import os
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE = HERE / "base"
CASES = HERE / "cases"


def _oversize(year: Path) -> None:
    update = year / "q1" / "update.yaml"
    filler = "# " + "x" * 98 + "\n"
    update.write_text(update.read_text() + filler * 10_001, encoding="utf-8")


def _long_comment(year: Path) -> None:
    """A comment of 40 paragraphs (18,000 characters): several pages in one table row."""
    para = ("The service has reviewed every placement and met each family; the findings "
            "are summarised here so that members can follow the work quarter by quarter. ")
    body = "".join(f"      {i}. {para * 3}\n\n" for i in range(1, 41))
    (year / "q1" / "update.yaml").write_text(
        "objectives:\n  SO-01:\n    progress: Review\n    comment: |\n" + body, encoding="utf-8")


def _text_too_long(year: Path) -> None:
    (year / "q1" / "update.yaml").write_text(
        "objectives:\n  SO-01:\n    progress: Good\n    comment: " + "word " * 5000 + "\n",
        encoding="utf-8")


# ---- the file system is hostile too: links, pipes, directories, huge files -------------

def _link(name: str, target: str | Callable[[Path], Path]) -> Callable[[Path], None]:
    """A case whose file `name` (under the year) is a link to `target`: an absolute path,
    or one made from the year directory."""
    def make(year: Path) -> None:
        path = year / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        path.symlink_to(target(year) if callable(target) else target)
    return make


def _outside(year: Path) -> Path:
    """A valid update file outside the data directory (the year's parent)."""
    elsewhere = year.parent.parent / "elsewhere.yaml"
    shutil.copyfile(BASE / "q1" / "update.yaml", elsewhere)
    return elsewhere


def _inside(year: Path) -> Path:
    """A file elsewhere inside the data directory: links to it are followed."""
    shared = year / "shared" / "update.yaml"
    shared.parent.mkdir()
    shutil.copyfile(BASE / "q1" / "update.yaml", shared)
    (year / "q1" / "update.yaml").unlink()
    return shared


def _fifo(year: Path) -> None:
    os.mkfifo(year / "q1" / "pipe.yaml")


def _directory(year: Path) -> None:
    (year / "q1" / "more.yaml").mkdir()
    (year / "q1" / "more.yaml" / "inside.yaml").write_text("objectives: {}\n", encoding="utf-8")


def _report_directory(year: Path) -> None:
    (year / "q1" / "report.yaml").unlink()
    (year / "q1" / "report.yaml").mkdir()


def _sparse(year: Path) -> None:
    """Three gigabytes that take no disk: must be refused by size, never read."""
    with open(year / "q1" / "huge.yaml", "wb") as handle:
        handle.truncate(3 * 1024**3)


def _history_link(year: Path) -> None:
    """Last year's same quarter, whose update file is a link to /etc/passwd."""
    last = year.parent / "2024-25" / "q1"
    last.mkdir(parents=True)
    (last / "report.yaml").write_text("quarter: 1\nintroduction: Last year.\n", encoding="utf-8")
    (last / "update.yaml").symlink_to("/etc/passwd")


GENERATED: dict[str, Callable[[Path], None]] = {
    "oversize-file": _oversize,
    "long-comment": _long_comment,
    "text-too-long": _text_too_long,
    "fs-link-to-etc-passwd": _link("q1/update.yaml", "/etc/passwd"),
    "fs-link-to-proc-environ": _link("plan.yaml", "/proc/self/environ"),
    "fs-link-outside-data": _link("q1/update.yaml", _outside),
    "fs-link-inside-data": _link("q1/services.yaml", _inside),
    "fs-link-to-itself": _link("q1/loop.yaml", lambda year: year / "q1" / "loop.yaml"),
    "fs-dangling-link": _link("q1/gone.yaml", lambda year: year / "q1" / "deleted.yaml"),
    "fs-named-pipe": _fifo,
    "fs-directory-named-yaml": _directory,
    "fs-report-is-directory": _report_directory,
    "fs-sparse-gigabytes": _sparse,
    "fs-history-link-to-etc-passwd": _history_link,
}


def expected() -> dict[str, dict]:
    """Return the table of expected outcomes, by case name."""
    with open(HERE / "expected.toml", "rb") as handle:
        return tomllib.load(handle)


def names() -> list[str]:
    """Return every case: the directories and the generated ones."""
    return sorted([d.name for d in CASES.iterdir() if d.is_dir()] + list(GENERATED))


def make_year(case: str, into: Path) -> Path:
    """Build the case's year directory under `into` and return it."""
    year = into / "2025-26"
    shutil.copytree(BASE, year)
    if case in GENERATED:
        GENERATED[case](year)
        return year
    for source in sorted((CASES / case).rglob("*")):
        if source.is_dir():
            continue
        target = year / source.relative_to(CASES / case)
        if target.name.endswith(".absent"):
            target.with_suffix("").unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    return year
