"""Published ratings (`rating:`, `rating_reason:`): carried, checked against the rule, said
out loud (validate, build, --strict, the audit, export, diff) and counted."""

from __future__ import annotations

import html as html_text
import json
import re
from pathlib import Path

from click.testing import CliRunner
from conftest import ONE_OBJECTIVE_PLAN, PLAN_HEAD, write_quarter

from reportgen.commands.cli import main
from reportgen.compute.summary import rating_counts
from reportgen.core.errors import DataError
from reportgen.pipeline import load_report

# Seed 000: 313 children with foster carers against a target of 344 is 9.0% below target,
# Review by its own key, but the council published Action.
SEED_000 = """\
measures:
  foster-carers:
    value: 313
    target: 344
    rating: Action
"""
REASON = "    rating_reason: Placements fell for the third quarter running\n"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def seed_000(tmp_path: Path, extra: str = "", plan: str = ONE_OBJECTIVE_PLAN) -> Path:
    return write_quarter(tmp_path, {"children.yaml": SEED_000 + extra}, plan=plan)


def test_an_override_is_used_and_validate_warns_with_file_line_value_target_and_both(
        tmp_path: Path) -> None:
    quarter = seed_000(tmp_path)
    code, out = run("validate", str(quarter))
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("warning:"))
    assert re.search(r"children\.yaml:5:13 measures\.foster-carers\.rating:", line)
    assert "published rating Action differs from the rule's Review (value 313, target 344)" \
        in line
    assert "1 warning" in out
    m = load_report(quarter).measures[0]
    assert (m.rating.label, m.rule_rating.label, m.overridden) == ("Action", "Review", True)


def test_strict_fails_without_a_reason_and_passes_with_one(tmp_path: Path) -> None:
    bare = seed_000(tmp_path / "bare")
    code, out = run("validate", "--strict", str(bare))
    assert code == 1 and "--strict" in out
    code, out = run("build", "--strict", "--format", "html", "--no-cache", "-j", "1",
                    "-o", str(tmp_path / "out-bare"), str(bare))
    assert code == 1 and "published rating Action differs" in out
    assert not (tmp_path / "out-bare").exists()

    # ready to publish otherwise: --strict also fails on an objective awaiting its update
    explained = seed_000(tmp_path / "why", REASON + "objectives:\n  SO-01:\n"
                         "    progress: Good\n    comment: On track.\n")
    code, out = run("validate", "--strict", str(explained))
    assert code == 0, out
    assert "note:" in out and "reason: Placements fell for the third quarter running" in out
    code, out = run("build", "--strict", "--format", "html", "--no-cache", "-j", "1",
                    "-o", str(tmp_path / "out-why"), str(explained))
    assert code == 0, out
    assert "note:" in out and "Review" in out


def test_export_lists_the_override_with_its_reason(tmp_path: Path) -> None:
    code, out = run("export", str(seed_000(tmp_path, REASON)))
    data = json.loads(out)
    measure = data["measures"][0]
    assert (measure["rating"], measure["rule_rating"], measure["published_rating"]) == (
        "Action", "Review", "Action")
    assert measure["overridden"] is True
    assert data["overrides"] == [{"measure": "foster-carers", "value": 313, "target": 344,
                                  "rule_rating": "Review", "published_rating": "Action",
                                  "reason": "Placements fell for the third quarter running"}]
    assert data["summary"]["measures"]["Action"] == 1 and data["summary"]["measures"]["Review"] == 0


def test_csv_has_the_rule_and_published_ratings(tmp_path: Path) -> None:
    code, out = run("export", "--format", "csv", str(seed_000(tmp_path, REASON)))
    header, row = (line.split(",") for line in out.splitlines()[:2])
    cells = dict(zip(header, row, strict=True))
    assert (cells["Performance"], cells["Rule's rating"], cells["Published rating"]) == (
        "Action", "Review", "Action")


def test_the_audit_lists_every_measure_and_why(tmp_path: Path) -> None:
    files = {"a.yaml": SEED_000.replace("measures:\n", "measures:\n") + "  share:\n"
             "    value: 50.0\n    rating: Good\n  carers:\n    value: 10\n    target: 10\n"}
    from conftest import TINY_PLAN
    plan = TINY_PLAN.replace("          - id: share", """\
          - id: foster-carers
            title: Children with foster carers
            unit: count
            better: higher
            frequency: Monthly
          - id: share""")
    quarter = write_quarter(tmp_path, files, plan=plan)
    code, out = run("validate", "--ratings", str(quarter))
    assert code == 0
    rows = {line.split()[0]: line for line in out.splitlines() if line[:1].islower()}
    assert rows["foster-carers"].split()[1:6] == ["313", "344", "Review", "Action", "Action"]
    assert "OVERRIDES the rule: NO REASON GIVEN" in rows["foster-carers"]
    assert rows["share"].split()[1:4] == ["50.0%", "Good", "Good"]
    assert "published (no target, so the rule gives none)" in rows["share"]
    assert rows["carers"].split()[1:5] == ["10", "10", "Good", "Good"]
    assert rows["carers"].endswith("the rule")
    assert "1 published rating differs from the rule; 1 without a reason" in out


def test_the_review_diff_lists_every_override_with_its_reason(tmp_path: Path) -> None:
    old = write_quarter(tmp_path / "old", {"children.yaml": "measures:\n  foster-carers:\n"
                                                           "    value: 313\n    target: 344\n"},
                        plan=ONE_OBJECTIVE_PLAN)
    new = seed_000(tmp_path / "new", REASON)
    code, out = run("diff", str(old), str(new))
    assert "rating Review -> Action" in out
    assert "Published ratings that differ from the rule (1)" in out
    assert ("foster-carers Children with foster carers: published Action, the rule gives Review"
            " (value 313, target 344): Placements fell for the third quarter running") in out
    code, out = run("diff", "--format", "json", str(old), str(new))
    assert json.loads(out)["overrides"][0]["reason"] == \
        "Placements fell for the third quarter running"
    code, out = run("diff", "--format", "markdown", str(new), str(new))
    assert "No changes" not in out and "| **Action** | Placements fell" in out


def test_a_published_rating_with_no_target_is_the_rating_and_says_nothing(tmp_path) -> None:
    quarter = write_quarter(tmp_path, {"a.yaml": "measures:\n  foster-carers:\n"
                                                 "    value: 6\n    rating: Action\n"},
                            plan=ONE_OBJECTIVE_PLAN)
    report = load_report(quarter)
    m = report.measures[0]
    assert (m.rating.label, m.rule_rating, m.overridden) == ("Action", None, False)
    assert report.warnings == []


def test_a_published_rating_the_rule_agrees_with_says_nothing(tmp_path: Path) -> None:
    quarter = write_quarter(tmp_path, {"a.yaml": SEED_000.replace("Action", "Review")},
                            plan=ONE_OBJECTIVE_PLAN)
    report = load_report(quarter)
    assert report.measures[0].rating.label == "Review" and report.warnings == []


def test_a_word_not_in_the_scheme_is_an_error_naming_the_words(tmp_path: Path) -> None:
    quarter = write_quarter(tmp_path, {"a.yaml": SEED_000.replace("Action", "Acton")},
                            plan=ONE_OBJECTIVE_PLAN)
    code, out = run("validate", str(quarter))
    assert code == 1
    assert "a.yaml:5:13 measures.foster-carers.rating: 'Acton' is not a rating of the " \
           "scheme 'Performance against target'; did you mean 'Action'?" in out


def test_the_scheme_in_use_decides_the_words(tmp_path: Path) -> None:
    quarter = write_quarter(tmp_path, {"a.yaml": SEED_000.replace("Action", "Red")},
                            plan=ONE_OBJECTIVE_PLAN.replace("year: 2025-26",
                                                            "year: 2025-26\nratings: blue-green-"
                                                            "amber-red"))
    m = load_report(quarter).measures[0]
    assert (m.rating.label, m.rule_rating.label) == ("Red", "Amber")


def test_baseline_and_no_quarterly_target_are_not_rated(tmp_path: Path) -> None:
    quarter = write_quarter(tmp_path, {"a.yaml": "measures:\n  carers:\n    value: 3\n"
                                                 "    rating: No quarterly target\n  share:\n"
                                                 "    value: 5.0\n    rating: Baseline\n"})
    report = load_report(quarter)
    assert [(m.rating, m.not_rated) for m in report.measures] == [
        (None, "No quarterly target"), (None, "Baseline")]
    assert sum(c.count for c in rating_counts(report.measures, report.scheme)) == 0
    assert report.warnings == []


def test_a_reason_without_a_rating_is_an_error(tmp_path: Path) -> None:
    quarter = write_quarter(tmp_path, {"a.yaml": "measures:\n  carers:\n    value: 3\n"
                                                 "    rating_reason: because\n"})
    code, out = run("validate", str(quarter))
    assert code == 1 and "a.yaml:4:20" in out and "give rating: too" in out


def test_marked_overrides_show_in_the_table_the_key_and_a_note(tmp_path: Path) -> None:
    plan = ONE_OBJECTIVE_PLAN.replace("year: 2025-26\n", """year: 2025-26
ratings:
  name: Performance against target
  mark_overrides: true
  bands:
    - {label: Good, when: ">= -2", colour: "#00703c", icon: tick}
    - {label: Review, when: ">= -10", colour: "#d66400", icon: triangle}
    - {label: Action, colour: "#b81800", icon: flag}
""")
    quarter = seed_000(tmp_path, REASON, plan=plan)
    code, out = run("build", "--format", "html", "--no-cache", "-j", "1", "-o",
                    str(tmp_path / "out"), str(quarter))
    assert code == 0, out
    html = next((tmp_path / "out").glob("*.html")).read_text(encoding="utf-8")
    assert '<span>Action</span></span><span class="override-mark"' in html
    # the key's words come from the catalogue, escaped like any text: council&#39;s
    assert "The council's published rating, which differs from the rating rule" in \
        html_text.unescape(html)
    assert ("* Children with foster carers: rated Action by the council; the rule gives Review "
            "(value 313, target 344). Placements fell for the third quarter running") in html


def test_without_mark_overrides_the_report_shows_no_mark(tmp_path: Path) -> None:
    quarter = seed_000(tmp_path, REASON)
    code, out = run("build", "--format", "html", "--no-cache", "-j", "1", "-o",
                    str(tmp_path / "out"), str(quarter))
    html = next((tmp_path / "out").glob("*.html")).read_text(encoding="utf-8")
    assert 'class="override-mark"' not in html and "<span>Action</span>" in html


# Derby City, 2023/24 Quarter 1 (seed 004): quarterly statuses for 36 measures whose targets
# awaited Cabinet approval, by theme: Blue, Green, Amber, Red.
DERBY_CITY = {
    "growth": (3, 1, 0, 1), "green": (0, 2, 0, 0), "resilient": (10, 4, 1, 6),
    "vibrant": (1, 2, 1, 1), "smarter": (2, 0, 1, 0),
}


def derby_city(tmp_path: Path) -> Path:
    plan = PLAN_HEAD.replace("Testshire County Council", "Derby City Council").replace(
        "year: 2025-26", "year: 2025-26\nratings: blue-green-amber-red").split("outcomes:")[0]
    plan += "outcomes:\n"
    update = ["measures:"]
    for theme, counts in DERBY_CITY.items():
        plan += (f"  - {{id: {theme}, name: {theme.title()}, title: A {theme} city, objectives: "
                 f"[{{id: {theme.upper()}-1, title: Deliver, expected_completion: \"2026-03\", "
                 "owner: Policy, measures: [")
        items = []
        for word, count in zip(("Blue", "Green", "Amber", "Red"), counts, strict=True):
            for n in range(count):
                ident = f"{theme}-{word.lower()}-{n}"
                items.append(f"{{id: {ident}, title: {ident}, unit: count, better: higher, "
                             "frequency: Quarterly}")
                update += [f"  {ident}:", f"    value: {n + 1}", f"    rating: {word}"]
        plan += ", ".join(items) + "]}]}\n"
    return write_quarter(tmp_path, {"statuses.yaml": "\n".join(update) + "\n"}, plan=plan)


def test_derby_citys_36_statuses_are_entered_and_counted(tmp_path: Path) -> None:
    report = load_report(derby_city(tmp_path))
    assert len(report.measures) == 36 and report.warnings == []
    by_theme = {o.id: tuple(c.count for c in rating_counts(o.measures, report.scheme))
                for o in report.outcomes}
    assert by_theme == DERBY_CITY
    totals = [c.count for c in rating_counts(report.measures, report.scheme)]
    assert totals == [16, 9, 3, 8]
    met = totals[0] + totals[1]  # "met/exceeded": Blue or Green
    assert f"{met} out of {sum(totals)} ({met / sum(totals):.1%})" == "25 out of 36 (69.4%)"
    from reportgen.compute.summary import measures_sentence
    assert measures_sentence(report) == ("Of the 36 measures, 36 are rated this quarter: "
                                         "16 Blue, 9 Green, 3 Amber and 8 Red.")
    code, out = run("export", str(derby_city(tmp_path / "again")))
    assert json.loads(out)["summary"]["measures"] == {"Blue": 16, "Green": 9, "Amber": 3,
                                                      "Red": 8}


def test_an_unknown_word_stops_the_build_with_the_problem(tmp_path: Path) -> None:
    quarter = write_quarter(tmp_path, {"a.yaml": SEED_000.replace("Action", "Purple")},
                            plan=ONE_OBJECTIVE_PLAN)
    try:
        load_report(quarter)
    except DataError as exc:
        assert any("'Purple' is not a rating" in p.message for p in exc.problems)
    else:
        raise AssertionError("an unknown rating word must stop the build")


def test_new_quarter_keeps_floors_and_asks_for_published_statuses(tmp_path: Path) -> None:
    from conftest import TINY_PLAN
    q1 = write_quarter(tmp_path, {"a.yaml": "measures:\n  carers:\n    value: 6\n"
                                            "    rating: Action\n  share:\n    value: 50.0\n"
                                            "    target: 60.0\n    floor: 55.0\n"
                                            "    rating: Review\n"
                                            "    rating_reason: Seasonal\n"}, plan=TINY_PLAN)
    q2 = q1.parent / "q2"
    code, out = run("new-quarter", str(q1), str(q2))
    assert code == 0, out
    text = (q2 / "a.yaml").read_text(encoding="utf-8")
    assert "    floor: 55.0\n" in text
    assert ("  carers:\n    value:  # to fill, or no_data: the reason\n"
            "    rating:  # to fill") in text
    assert "Seasonal" not in text and "rating: Review" not in text
    report = load_report(q2)
    assert [m.published for m in report.measures] == [None, None]
    assert report.measures[0].previous_rating.label == "Action"  # as published in Q1


def test_the_preview_counts_notes_apart_from_warnings(tmp_path: Path) -> None:
    from reportgen.preview.draft import DraftBuilder, Preview

    quarter = seed_000(tmp_path, REASON)
    (tmp_path / "draft").mkdir()
    preview = Preview(DraftBuilder(quarter), tmp_path / "draft")
    assert preview.rebuild().ok
    page = (preview.root / "index.html").read_text(encoding="utf-8")
    assert "0 warnings and 1 note in the data" in page
    assert "note: <code>" in page and "reason: Placements fell" in page
