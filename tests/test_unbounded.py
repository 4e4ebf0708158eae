"""No unbounded time (issue 17, kind 4): a file with tens of thousands of problems is
checked and shown with each file read once, and without a search per problem over all the
others; pathological Markdown within the text limits renders as HTML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reportgen.commands import console
from reportgen.core.errors import DataError
from reportgen.data import safefile
from reportgen.data.load import load_quarter
from reportgen.pipeline import build

N = 20_000


def test_tens_of_thousands_of_problems_are_all_reported(year: Path) -> None:
    lines = ["objectives:", "  SO-01:", "    progress: Good"]
    lines += [f"    note{i}: x" for i in range(N)]
    (year / "q1" / "update.yaml").write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError) as caught:
        load_quarter(Path("q1"))
    problems = caught.value.problems
    assert len(problems) == N
    assert str(problems[0]) == ("q1/update.yaml:4:5 objectives.SO-01.note0: unknown field "
                                "'note0'; allowed here: progress, progress_reason, comment, "
                                "not_reported")


def test_showing_n_problems_reads_each_file_once(year: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    lines = ["measures:"] + [f"  m{i}:\n    value: 1" for i in range(2000)]
    (year / "q1" / "update.yaml").write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError) as caught:
        load_quarter(Path("q1"))
    reads: list[Path] = []
    real = safefile.read_bytes

    def counted(path: Path, **kwargs: object) -> bytes:
        reads.append(path)
        return real(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(safefile, "read_bytes", counted)
    console.show_problems(caught.value.problems)
    assert reads == [Path("q1/update.yaml")]
    assert "    2 |   m0:" in capsys.readouterr().err


@pytest.mark.parametrize("pattern", ["> ", "- ", "    - ", "*a", "_", "`", "<", "&#", "![x]("])
def test_pathological_markdown_within_the_limits_renders(year: Path, pattern: str) -> None:
    text = (pattern * (19_000 // len(pattern)))[:19_000]
    update = year / "q1" / "update.yaml"
    update.write_text(update.read_text().replace(
        "comment: Going well.", "comment: " + json.dumps(text.replace("[", "("))))
    result = build(Path("q1"), year / "out", formats=("html",))
    assert result.outputs[0].stat().st_size > 19_000
