"""Fuzz the loader: for arbitrary bytes and for mutations of the sample files, loading
either succeeds or raises DataError whose every problem names a file and a line >= 1.
No other exception may escape."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from corpus import BASE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen.core.errors import DataError
from reportgen.core.resources import ROOT
from reportgen.pipeline import load_report

SAMPLE = ROOT / "data" / "derbyshire" / "2025-26"
SAMPLE_FILES = ["plan.yaml", *(f"q1/{p.name}" for p in sorted((SAMPLE / "q1").glob("*.yaml")))]
BASE_FILES = ["plan.yaml", "q1/report.yaml", "q1/update.yaml"]
SPECIALS = [":", ": ", "- ", "-", "&a ", "*a", "!!str ", "!!python/name:os.system ", "? ", "|",
            ">", "{", "}", "[", "]", "#", "'", '"', "\t", "---\n", "...\n", "~", "null", "yes",
            "no", "on", ".nan", "-.inf", "1e999", "0x1F", "0o17", "1_000", "12:30", "%YAML 1.1\n",
            "\ufeff", "\r", "\r\n", "\x00", "\x85", "\u2028", "é", "👍🏽", "\\", "%", "@", "`",
            "<<: *a\n", "\n  ", "        ", "9" * 30, "£", "%\n"]
# 200 examples a test keeps `make test` quick; FUZZ_EXAMPLES=5000 for a longer hunt. CI
# replays the same examples every run, so a red build is never luck.
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "200")), deadline=None,
                derandomize=os.environ.get("CI") == "true",
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def _check(quarter: Path) -> None:
    try:
        load_report(quarter)
    except DataError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file and problem.line >= 1 and problem.column >= 1, problem
            assert problem.message, problem


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    year = tmp_path_factory.mktemp("fuzz-base") / "2025-26"
    shutil.copytree(BASE, year)
    return year


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    year = tmp_path_factory.mktemp("fuzz-sample") / "2025-26"
    shutil.copytree(SAMPLE, year)
    return year


@FUZZ
@given(target=st.sampled_from(BASE_FILES), data=st.binary(max_size=400))
def test_arbitrary_bytes(base: Path, target: str, data: bytes) -> None:
    path = base / target
    original = (BASE / target).read_bytes()
    path.write_bytes(data)
    try:
        _check(base / "q1")
    finally:
        path.write_bytes(original)


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """Return the text with one to four line or character mutations."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "flip", "insert"]))
        if kind == "delete" and len(lines) > 1:
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            line = lines[i]
            at = draw(st.integers(0, len(line)))
            new = draw(st.sampled_from(SPECIALS) | st.characters())
            cut = at + (1 if kind == "flip" else 0)
            lines[i] = line[:at] + new + line[cut:]
    return "".join(lines)


@FUZZ
@given(data=st.data(), target=st.sampled_from(SAMPLE_FILES))
def test_mutated_sample_files(sample: Path, data: st.DataObject, target: str) -> None:
    path = sample / target
    original = (SAMPLE / target).read_text(encoding="utf-8")
    text = data.draw(mutated(original), label="mutated")
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        _check(sample / "q1")
    finally:
        path.write_text(original, encoding="utf-8")
