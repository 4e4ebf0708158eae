"""`reportgen plan`: the Council Plan and its delivery plan, from the same data as the
quarterly reports. The Derbyshire 2020-21 sample is checked against seed 003 (excerpts in
tests/seeds), and the quarterly side against deliverables updated by id."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PLAN_HEAD, ROOT, write_quarter

from reportgen.commands.cli import main
from reportgen.compute.export import report_data
from reportgen.core.errors import DataError
from reportgen.data.plan import load_plan
from reportgen.pipeline import build_plan, load_report

SAMPLE_YEAR = ROOT / "data" / "derbyshire" / "2020-21"
SEEDS = Path(__file__).parent / "seeds"


def _words(text: str) -> str:
    """Return text with the extraction's differences taken out: spacing, line breaks,
    curly quotes; "-" is the seed's empty cell."""
    text = text.replace("“", '"').replace("”", '"').replace("’", "'")
    text = " ".join(text.split())
    return "" if text == "-" else text


def seed_delivery_plan() -> dict[str, list[tuple[str, ...]]]:
    """Return seed 003's delivery plan rows by priority title, as printed."""
    rows: dict[str, list[tuple[str, ...]]] = {}
    lines = (SEEDS / "003_delivery_plan.tsv").read_text(encoding="utf-8").splitlines()
    for line in lines[3:]:  # two comment lines and the header
        priority, *cells = line.split("\t")
        rows.setdefault(priority, []).append(tuple(_words(c) for c in cells))
    return rows


def seed_priorities() -> tuple[list[dict[str, list[str]]], list[list[str]]]:
    """Return seed 003's priority pages (next-year and four-year bullets, in order) and its
    key measures by priority, in order."""
    pages: list[dict[str, list[str]]] = []
    measures: list[list[str]] = []
    in_measures, horizon = False, ""
    for line in (SEEDS / "003_priorities.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("<!--") or line.endswith("-->"):
            continue
        if line.startswith("# Measuring Impact"):
            in_measures = True
        elif line.startswith("### In the next year"):
            horizon = "next-year"
        elif line.startswith("### In four years"):
            horizon = "four-years"
        elif line.startswith("#") and "Deliverables" not in line:
            if in_measures:
                measures.append([])
            else:
                pages.append({"next-year": [], "four-years": []})
        elif line.startswith("- "):
            (measures[-1] if in_measures else pages[-1][horizon]).append(_words(line[2:]))
    return pages, measures


@pytest.fixture(scope="module")
def sample():
    return load_plan(SAMPLE_YEAR)


def test_the_delivery_plan_has_every_row_of_the_seed(sample):
    seed = seed_delivery_plan()
    assert [p.outcome.title for p in sample.priorities] == list(seed)
    for priority in sample.priorities:
        ours = []
        for d in priority.delivery_rows:
            ours.append((d.title, d.department, d.start, d.expected_completion, d.stage))
            ours += [("- " + p.title, p.department, p.start, p.expected_completion, p.stage)
                     for p in d.parts]
        assert [tuple(_words(c) for c in row) for row in ours] == seed[priority.outcome.title]
    assert sum(len(rows) for rows in seed.values()) == 55


def test_each_priority_lists_the_seeds_deliverables_for_both_horizons(sample):
    pages, _ = seed_priorities()
    assert len(pages) == len(sample.priorities) == 5
    for priority, page in zip(sample.priorities, pages, strict=True):
        for horizon in ("next-year", "four-years"):
            assert [_words(d.page_text) for d in priority.horizon(horizon)] == page[horizon]


def test_the_key_measures_are_the_seeds(sample):
    _, measures = seed_priorities()
    assert [[_words(m.title) for m in p.measures] for p in sample.priorities] == measures
    assert sum(map(len, measures)) == 27


def test_a_deliverable_in_the_table_only_is_not_on_the_priority_page(sample):
    vfm = sample.priorities[0]
    constitution = next(d for d in vfm.deliverables if "constitution" in d.title)
    assert constitution.stage == "Completed"
    assert constitution in vfm.delivery_rows
    assert constitution not in vfm.horizon("next-year")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("plan")
    result = CliRunner().invoke(main, ["plan", str(SAMPLE_YEAR), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,  # noqa: S607
                          text=True, check=True).stdout


def test_plan_writes_a_pdf_and_html_that_read_like_the_seed(built):
    pdf = built / "derbyshire-county-council-2020-21-plan.pdf"
    html = (built / "derbyshire-county-council-2020-21-plan.html").read_text(encoding="utf-8")
    text = _pdf_text(pdf)
    flat = " ".join(text.split())
    for heading in ("Foreword", "Priority 1 – Value for money", "Measuring impact",
                    "Have your say", "Appendix B: Delivery Plan 2019-21",
                    "Priority: A focus on prevention and early intervention",
                    "In the next year we will have:", "In four years we will have:"):
        assert heading in flat, heading
        assert heading.replace("&", "&amp;") in html, heading
    # the contents gives the page each part starts on
    pages = text.split("\f")
    contents = next(p for p in pages if "Contents" in p)
    listed = re.search(r"Priority 3 – Empowered and self-sufficient communities[ .]*(\d+)",
                       contents)
    assert listed is not None
    on_page = int(listed.group(1))
    assert "Priority 3 – Empowered and self-sufficient communities" in pages[on_page - 1]
    # the delivery plan's cells, e.g. a part and a two-line start
    assert re.search(r"– Library Service review\s+CCP\s+January 2019\s+2024\s+In progress",
                     text)
    assert "Markham 2006" in text and "Coalite 2017" in text
    assert "Supported communities to take action to tackle climate change" in flat
    assert "Adult Social Care and Health" in flat  # the key of departments


# Seed 003's contents (Appendix A), in order; its page numbers are of the council's layout.
SEED_CONTENTS = [
    "Foreword", "About Derbyshire", "About the Council", "Ambition", "Values", "Outcomes",
    "Budget", "Enterprising Council", "Priorities", "Progress",
    "Priority 1 – Value for money", "Priority 2 – A prosperous and green Derbyshire",
    "Priority 3 – Empowered & self-sufficient communities",
    "Priority 4 – A focus on prevention & early intervention",
    "Priority 5 – High performing Council services", "Measuring impact", "Have your say",
]


def test_the_contents_are_the_seeds_then_the_delivery_plan(built):
    pages = _pdf_text(built / "derbyshire-county-council-2020-21-plan.pdf").split("\f")
    contents = next(p for p in pages if "Contents" in p)
    entries = [m.group(1).strip() for m in re.finditer(r"^\s*(\S.*?)[ .]{3,}(\d+)\s*$",
                                                        contents, re.M)]
    same = [_words(e.replace("&", "and")).lower() for e in SEED_CONTENTS]
    assert [_words(e).lower() for e in entries] == [*same, "appendix b: delivery plan 2019-21"]
    numbers = [int(n) for n in re.findall(r"(\d+)\s*$", contents, re.M)]
    assert numbers == sorted(numbers)  # in page order
    assert numbers[4] == numbers[3]  # Values shares Ambition's page, as in the seed


def test_the_plan_pdf_passes_the_pdf_ua_checks(built):
    pytest.importorskip("pikepdf")
    from reportgen.pdf.check import check_pdf

    failed = [r for r in check_pdf(built / "derbyshire-county-council-2020-21-plan.pdf",
                                   page="portrait")  # the plan is A4 portrait (plan.css)
              if not r.ok]
    assert failed == []


def test_every_existing_plan_gives_a_plan_document(tmp_path):
    """A plan with objectives and no deliverables (2025-26) prints them per outcome."""
    result = build_plan(ROOT / "data" / "derbyshire" / "2025-26", tmp_path, formats=("html",))
    html = result.outputs[0].read_text(encoding="utf-8")
    assert "SO-01" in html and "Strategic objectives" in html
    assert "Delivery Plan" not in html  # no deliverables: no delivery plan


def test_a_quarter_directory_finds_its_year(tmp_path):
    result = build_plan(ROOT / "data" / "exampleshire" / "2025-26" / "q2", tmp_path,
                        formats=("html",))
    assert result.outputs[0].name == "exampleshire-county-council-2025-26-plan.html"


def test_a_directory_without_a_plan_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["plan", str(tmp_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "has no plan.yaml" in result.output


DELIVERABLE_PLAN = PLAN_HEAD.replace("    objectives:\n", "") + """\
    deliverables:
      - id: D-01
        title: Opened the new library
        horizon: next-year
        department: CCP
        start: April 2025
        expected_completion: March 2026
        stage: In progress
      - id: D-02
        title: Rebuilt the bridge
        horizon: four-years
    measures:
      - id: visits
        title: Library visits
        unit: count
        better: higher
        plan_target: "12,000"
"""


def test_bad_plan_data_is_an_error_with_file_and_line(tmp_path):
    year = tmp_path / "2025-26"
    year.mkdir()
    (year / "plan.yaml").write_text(DELIVERABLE_PLAN.replace("stage: In progress",
                                                             "stage: Underway")
                                    .replace('"12,000"', "lots"), encoding="utf-8")
    lines = (year / "plan.yaml").read_text(encoding="utf-8").splitlines()
    stage = next(i for i, line in enumerate(lines, 1) if "Underway" in line)
    target = next(i for i, line in enumerate(lines, 1) if "lots" in line)
    with pytest.raises(DataError) as caught:
        load_plan(year)
    messages = [str(p) for p in caught.value.problems]
    assert any(f"plan.yaml:{stage}:" in m and "'Underway' is not one of: Not started, "
               "In progress, Completed or On hold" in m for m in messages), messages
    assert any(f"plan.yaml:{target}:" in m and "'lots' is not a number" in m
               for m in messages), messages


def test_plan_text_is_checked_and_sanitised(tmp_path):
    year = tmp_path / "2025-26"
    year.mkdir()
    (year / "plan.yaml").write_text(DELIVERABLE_PLAN, encoding="utf-8")
    (year / "plan-text.yaml").write_text(
        "title: Our Plan\nbefore:\n  - title: Foreword\n    text: |\n"
        "      Hello <script>alert(1)</script> [secret](/etc/passwd)\n"
        "      ![x](http://example.com/tracker.png)\n", encoding="utf-8")
    result = build_plan(year, tmp_path / "out", formats=("html", "pdf"))
    html = result.outputs[0].read_text(encoding="utf-8")
    assert "Our Plan" in html and "Hello" in html
    assert "<script>alert" not in html and "/etc/passwd" not in html
    assert "example.com" not in html
    text = _pdf_text(tmp_path / "out" / "testshire-county-council-2025-26-plan.pdf")
    assert "12,000" in text  # the plan's target, in the measure's unit
    (year / "plan-text.yaml").write_text("titel: Our Plan\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_plan(year)
    assert "plan-text.yaml:1:1" in str(caught.value.problems[0])
    assert "did you mean 'title'" in str(caught.value.problems[0])


def test_a_failed_plan_build_leaves_the_last_outputs(tmp_path):
    year = tmp_path / "2025-26"
    year.mkdir()
    (year / "plan.yaml").write_text(DELIVERABLE_PLAN, encoding="utf-8")
    out = tmp_path / "out"
    first = build_plan(year, out, formats=("html",)).outputs[0]
    before = first.read_bytes()
    (year / "plan.yaml").write_text(DELIVERABLE_PLAN.replace("horizon: next-year",
                                                             "horizon: soon"), encoding="utf-8")
    result = CliRunner().invoke(main, ["plan", str(year), "-o", str(out), "--format", "html"])
    assert result.exit_code == 1
    assert "'soon' is not one of: next-year or four-years" in result.output
    assert first.read_bytes() == before


# ---- the quarterly side: deliverables updated by id ----------------------------------------

def test_validate_warns_about_deliverables_no_update_mentions_and_unknown_ones(tmp_path):
    q = write_quarter(tmp_path, {"ccp.yaml": """\
        deliverables:
          D-01:
            progress: Good
            comment: On track.
          D-99:
            progress: Review
        measures:
          visits:
            value: 11000
            target: 12000
        """}, plan=DELIVERABLE_PLAN)
    result = CliRunner().invoke(main, ["validate", str(q)])
    assert result.exit_code == 0, result.output  # warnings only
    out = " ".join(result.output.split())
    assert re.search(r"2025-26/plan\.yaml:\d+:\d+ .*deliverable D-02 \('Rebuilt the bridge'\) is "
                     r"in the plan but no update file of this quarter mentions it", out), out
    assert re.search(r"q1/ccp\.yaml:5:\d+ .*'D-99' is not a deliverable in plan\.yaml", out), out
    assert "D-01 (" not in out


def test_a_deliverables_progress_reaches_the_quarterly_report(tmp_path):
    q = write_quarter(tmp_path, {"ccp.yaml": """\
        deliverables:
          D-01:
            progress: Good
            comment: On track.
          D-02:
            progress: Review
        """}, plan=DELIVERABLE_PLAN)
    report = load_report(q)
    assert report.warnings == []
    progress = {o.id: (o.kind, o.progress.label, o.completion_label) for o in report.objectives}
    assert progress == {"D-01": ("deliverable", "Good", "March 2026"),
                        "D-02": ("deliverable", "Review", "")}
    assert [m.id for m in report.outcomes[0].key_measures] == ["visits"]
    data = report_data(report)
    assert [(o["id"], o["owner"], o["expected_completion"], o["progress"])
            for o in data["objectives"]] == [("D-01", "CCP", "March 2026", "Good"),
                                             ("D-02", "(no department)", "", "Review")]
    assert data["measures"][0]["objective"] is None
    assert data["summary"]["objectives"]["Good"] == 1


def test_an_objective_id_under_deliverables_is_not_taken(tmp_path):
    plan = DELIVERABLE_PLAN.replace("    deliverables:\n", """\
    objectives:
      - id: SO-01
        title: An objective
        expected_completion: "2027-04"
        owner: Place
    deliverables:
""")
    q = write_quarter(tmp_path, {"a.yaml": "deliverables:\n  SO-01:\n    progress: Good\n"},
                      plan=plan)
    report = load_report(q)
    assert report.objectives[0].progress.label != "Good"
    assert any("'SO-01' is not a deliverable" in str(w) for w in report.warnings)


def test_new_quarter_carries_deliverables(tmp_path):
    q = write_quarter(tmp_path, {"ccp.yaml": "deliverables:\n  D-01:\n    progress: Good\n"
                                             "  D-02:\n    progress: Good\n"},
                      plan=DELIVERABLE_PLAN)
    result = CliRunner().invoke(main, ["new-quarter", str(q), str(q.parent / "q2")])
    assert result.exit_code == 0, result.output
    text = (q.parent / "q2" / "ccp.yaml").read_text(encoding="utf-8")
    assert "deliverables:\n  D-01:" in text and "  D-02:" in text
    report = load_report(q.parent / "q2")
    assert not any("no update file" in str(w) for w in report.warnings)
    status = CliRunner().invoke(main, ["status", str(q.parent / "q2")])
    assert status.exit_code == 1  # both deliverables await their Quarter 2 update
    assert "  deliverable D-01: Opened the new library" in status.output



def test_reportgen_toml_reaches_the_plan(tmp_path, monkeypatch):
    """With no YEAR_DIR, the plan is the year of reportgen.toml's quarter; the council's
    name, brand colour and output folder apply as they do to build."""
    q = write_quarter(tmp_path, {}, plan=DELIVERABLE_PLAN)
    (tmp_path / "reportgen.toml").write_text(
        f'quarter = "{q.relative_to(tmp_path)}"\noutput = "site"\n'
        '[branding]\ncouncil = "Testshire Council"\ncolour = "#5a2d82"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["plan", "--format", "html"])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "site" / "testshire-council-2025-26-plan.html").read_text(
        encoding="utf-8")
    assert "Opened the new library" in html and "--brand: #5a2d82" in html


def test_validate_checks_a_plan_year_and_its_text():
    result = CliRunner().invoke(main, ["validate", str(SAMPLE_YEAR)])
    assert result.exit_code == 0, result.output
    assert "ok: 0 quarters and 1 plan checked" in result.output


def test_validate_reports_a_broken_plan_text_with_its_line(tmp_path):
    year = tmp_path / "2025-26"
    year.mkdir()
    (year / "plan.yaml").write_text(DELIVERABLE_PLAN, encoding="utf-8")
    (year / "plan-text.yaml").write_text("before:\n  - title: Foreword\n    txt: Hello\n",
                                         encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(year / "plan-text.yaml")])
    assert result.exit_code == 1
    assert re.search(r"plan-text\.yaml:3:5 .*unknown field 'txt'; did you mean 'text'",
                     " ".join(result.output.split())), result.output


def test_new_quarter_into_a_new_year_copies_the_plan_text_too(tmp_path):
    q = write_quarter(tmp_path, {"ccp.yaml": "deliverables:\n  D-01:\n    progress: Good\n"},
                      plan=DELIVERABLE_PLAN)
    (q.parent / "plan-text.yaml").write_text("title: Our Plan\n", encoding="utf-8")
    target = tmp_path / "2026-27" / "q1"
    result = CliRunner().invoke(main, ["new-quarter", str(q), str(target)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "2 files from" in result.output
    assert "plan-text.yaml too" in result.output
    assert (target.parent / "plan-text.yaml").read_text(encoding="utf-8").endswith(
        "title: Our Plan\n")
    assert load_plan(target.parent).title == "Our Plan"
