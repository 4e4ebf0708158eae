"""The bad-input corpus: a tiny valid year (base/) and cases that each change a file or two.

A case directory holds files laid out as in a year directory (plan.yaml, q1/*.yaml) that
replace or add to the base's; `NAME.absent` removes NAME. A few cases are too big to keep
as files and are made by GENERATED. expected.toml says what each case must give.
"""

from __future__ import annotations

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


GENERATED: dict[str, Callable[[Path], None]] = {
    "oversize-file": _oversize,
    "long-comment": _long_comment,
    "text-too-long": _text_too_long,
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
