"""The worked examples of docs/data-format.md ("Ratings") are executed: each table of cases
is built as a quarter under the scheme shown above it, loaded through the one pipeline, and
every measure must get the rating the docs give."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT

from reportgen.pipeline import load_report

DOC = ROOT / "docs" / "data-format.md"
HEAD = """\
council: Docshire Council
plan: Council Plan 2025-29
year: 2025-26
{scheme}
outcomes:
  - id: people
    name: People
    title: Happy people
    objectives:
      - id: SO-01
        title: First objective
        expected_completion: "2027-04"
        owner: Children's Services
        measures:
"""


def examples() -> list[tuple[str, list[dict[str, str]]]]:
    """Return (scheme YAML, rows) for each table of cases, with the scheme shown before it."""
    text = DOC.read_text(encoding="utf-8")
    found, scheme = [], None
    for marker, body in re.findall(r"<!-- example: (scheme|cases) -->\n(.*?)\n\n", text + "\n\n",
                                   re.S):
        if marker == "scheme":
            scheme = re.fullmatch(r"```yaml\n(.*)\n```", body.strip(), re.S).group(1)
            continue
        lines = [line.strip().strip("|").split("|") for line in body.strip().splitlines()]
        header = [cell.strip() for cell in lines[0]]
        rows = [dict(zip(header, (cell.strip() for cell in line), strict=True))
                for line in lines[2:]]
        found.append((scheme, rows))
    return found


EXAMPLES = examples()


def test_the_docs_have_worked_examples_of_every_rule() -> None:
    schemes = " ".join(scheme for scheme, _ in EXAMPLES)
    assert len(EXAMPLES) >= 3
    assert "rule: thresholds" in schemes and "travel:" in schemes
    assert sum(len(rows) for _, rows in EXAMPLES) >= 25


def write(tmp: Path, scheme: str, rows: list[dict[str, str]]) -> Path:
    plan = HEAD.format(scheme=scheme)
    update = ["measures:"]
    for n, row in enumerate(rows):
        plan += (f"          - {{id: m{n}, title: Measure {n}, unit: {row['unit']}, "
                 f"better: {row['better']}, frequency: Quarterly}}\n")
        update += [f"  m{n}:", f"    value: {row['value']}", f"    target: {row['target']}"]
        if row["floor"]:
            update.append(f"    floor: {row['floor']}")
        if row["last year"]:
            update.append(f"    history: {{2024-25: {row['last year']}}}")
    quarter = tmp / "2025-26" / "q1"
    quarter.mkdir(parents=True)
    (quarter.parent / "plan.yaml").write_text(plan, encoding="utf-8")
    (quarter / "report.yaml").write_text("quarter: 1\n", encoding="utf-8")
    (quarter / "updates.yaml").write_text("\n".join(update) + "\n", encoding="utf-8")
    return quarter


@pytest.mark.parametrize(("scheme", "rows"), EXAMPLES,
                         ids=[f"table{n}" for n in range(len(EXAMPLES))])
def test_worked_example_rates_as_the_docs_say(tmp_path: Path, scheme: str,
                                              rows: list[dict[str, str]]) -> None:
    report = load_report(write(tmp_path, scheme, rows))
    got = [m.rating.label if m.rating else "" for m in report.measures]
    assert got == [row["rating"] for row in rows]
    assert not [w for w in report.warnings if w.severity != "note"]


def progress_example() -> tuple[str, list[dict[str, str]]]:
    """Return the setting and rows of "Objective progress from measures"."""
    text = DOC.read_text(encoding="utf-8")
    setting = re.search(r"<!-- example: progress-setting -->\n```yaml\n(.*?)\n```", text, re.S)
    table = re.search(r"<!-- example: progress-cases -->\n(.*?)\n\n", text, re.S)
    assert setting and table
    lines = [line.strip().strip("|").split("|") for line in table.group(1).splitlines()]
    header = [cell.strip() for cell in lines[0]]
    return setting.group(1), [dict(zip(header, (c.strip() for c in line), strict=True))
                              for line in lines[2:]]


SETTING, PROGRESS_ROWS = progress_example()


def test_the_progress_example_covers_every_rule_and_an_override() -> None:
    assert {row["rule"] for row in PROGRESS_ROWS} == {"worst", "majority", "average"}
    assert any(row["warning"] for row in PROGRESS_ROWS) and len(PROGRESS_ROWS) >= 10


@pytest.mark.parametrize("row", PROGRESS_ROWS, ids=[f"row{n}" for n in range(len(PROGRESS_ROWS))])
def test_progress_example_computes_as_the_docs_say(tmp_path: Path, row: dict[str, str]) -> None:
    # each measure has the row's rating as published with no target (so it is the rating)
    ratings = [r.strip() for r in row["measures"].split(",")]
    setting = re.sub(r"rule: \w+", f"rule: {row['rule']}", SETTING)
    plan = HEAD.format(scheme=setting) + "".join(
        f"          - {{id: m{n}, title: Measure {n}, unit: count, better: higher}}\n"
        for n in range(len(ratings)))
    update = ["objectives:", "  SO-01:"]
    update += [f"    progress: {row['entered']}"] if row["entered"] else ["    comment: ''"]
    update.append("measures:")
    for n, rating in enumerate(ratings):
        update += [f"  m{n}:", "    value: 1" if rating != "-" else "    no_data: Due"]
        update += [f"    rating: {rating}"] if rating != "-" else []
    quarter = tmp_path / "2025-26" / "q1"
    quarter.mkdir(parents=True)
    (quarter.parent / "plan.yaml").write_text(plan, encoding="utf-8")
    (quarter / "report.yaml").write_text("quarter: 1\n", encoding="utf-8")
    (quarter / "updates.yaml").write_text("\n".join(update) + "\n", encoding="utf-8")
    report = load_report(quarter)
    assert report.objectives[0].progress.label == row["progress"]
    warned = [w for w in report.warnings if w.severity == "warning"]
    assert bool(warned) == bool(row["warning"])
    assert all("differs from" in w.message and row["entered"] in w.message for w in warned)
