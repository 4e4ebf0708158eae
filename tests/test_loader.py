"""Loading and validation: every problem collected, each with file:line:column and a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.core.errors import DataError
from reportgen.pipeline import load_report


def problems(quarter_dir: Path) -> list[str]:
    """Return the problems of a quarter as 'file:line:col path: message', file names only."""
    with pytest.raises(DataError) as caught:
        load_report(quarter_dir)
    return [str(p).removeprefix(str(Path(p.file).parent) + "/")
            for p in caught.value.problems]


def loaded(quarter_dir: Path):
    return load_report(quarter_dir)


def test_the_issue_example_not_a_number(quarter) -> None:
    q = quarter({"people.yaml": """\
        measures:
          carers:
            value: n/a
        """})
    assert problems(q) == ["people.yaml:3:12 measures.carers.value: 'n/a' is not a number; write "
                           "a count such as 2,543, or leave it out when there is no data yet"]


def test_every_problem_is_reported_together_across_files(quarter) -> None:
    q = quarter({
        "a.yaml": "objectives:\n  SO-01:\n    progres: Good\n",
        "b.yaml": "measures:\n  carers:\n    value: 12\n    target: '1:30'\n",
        "c.yaml": "objectives:\n  SO-99:\n    progress: Good\n",
    })
    assert problems(q) == [
        "a.yaml:3:5 objectives.SO-01.progres: unknown field 'progres'; did you mean 'progress'?",
        "b.yaml:4:13 measures.carers.target: '1:30' is not a number; write a count such as "
        "2,543, or leave it out when there is no data yet",
        "c.yaml:2:3 objectives.SO-99: 'SO-99' is not an objective in plan.yaml; did you mean "
        "'SO-02'?",
    ]


def test_yaml_syntax_error_names_the_line(quarter) -> None:
    q = quarter({"a.yaml": "objectives:\n  SO-01:\n    progress: [Good\n"})
    [message] = problems(q)
    assert message == ("a.yaml:3:15 the '[' here is never closed with ']': close it, or put the "
                       "text in quotes if the bracket is part of it")


def test_wrong_type_and_missing_required_field(quarter) -> None:
    # an outcome's title is optional (an outcome may have one name); its name is not
    plan = ("council: C\nplan: P\nyear: 2025-26\noutcomes:\n  - id: people\n    title: People\n"
            "    objectives:\n      - id: SO-01\n        title: [a, b]\n"
            "        expected_completion: \"2027-04\"\n        owner: X\n")
    q = quarter({}, plan=plan)
    assert problems(q) == [
        "plan.yaml:5:5 outcomes[0]: missing required field 'name'",
        "plan.yaml:9:16 outcomes[0].objectives[0].title: should be text, not a list",
    ]


def test_duplicate_key_in_a_mapping(quarter) -> None:
    q = quarter({"a.yaml": "objectives:\n  SO-01:\n    progress: Good\n    progress: Review\n"})
    assert problems(q) == ["a.yaml:4:5 'progress' is given twice in this mapping (first at "
                           "line 3): remove one"]


def test_duplicate_ids_in_the_plan(quarter) -> None:
    from conftest import TINY_PLAN

    plan = TINY_PLAN.replace("id: SO-02", "id: SO-01").replace("id: share", "id: carers")
    assert problems(quarter({}, plan=plan)) == [
        "plan.yaml:19:17 outcomes[0].objectives[0].measures[1].id: measure id 'carers' is used "
        "twice (first at line 14): ids must be unique",
        "plan.yaml:24:13 outcomes[0].objectives[1].id: objective id 'SO-01' is used twice "
        "(first at line 9): ids must be unique",
    ]


def test_the_same_objective_updated_in_two_files(quarter) -> None:
    q = quarter({"a.yaml": "objectives:\n  SO-01:\n    progress: Good\n",
                 "b.yaml": "objectives:\n\n  SO-01:\n    progress: Review\n"})
    [message] = problems(q)
    assert message.startswith("b.yaml:3:3 objectives.SO-01: SO-01 is also updated in ")
    assert message.endswith("a.yaml:2: update each objective in one file")


def test_an_update_for_a_measure_not_in_the_plan(quarter) -> None:
    q = quarter({"a.yaml": "measures:\n  carer:\n    value: 3\n"})
    assert problems(q) == ["a.yaml:2:3 measures.carer: 'carer' is not a measure in plan.yaml; "
                           "did you mean 'carers'?"]


def test_no_is_text_not_false(quarter) -> None:
    report = loaded(quarter({"a.yaml": "objectives:\n  SO-01:\n    comment: no\n"}))
    assert report.objectives[0].comment == "no"


def test_sexagesimal_is_not_ninety(quarter) -> None:
    [message] = problems(quarter({"a.yaml": "measures:\n  carers:\n    value: 1:30\n"}))
    assert message.startswith("a.yaml:3:12 measures.carers.value: '1:30' is not a number")


def test_leading_zero_is_decimal_not_octal(quarter) -> None:
    report = loaded(quarter({"a.yaml": "measures:\n  carers:\n    value: 0755\n"}))
    assert report.measures[0].value.value == 755


def test_trailing_zero_decimals_are_kept_for_printing(quarter) -> None:
    report = loaded(quarter({"a.yaml": "measures:\n  share:\n    value: 1.10\n"
                                       "    target: '59.0%'\n"}))
    share = report.measures[1]
    assert (share.text(share.value), share.text(share.target)) == ("1.10%", "59.0%")


def test_aliases_are_rejected(quarter) -> None:
    q = quarter({"a.yaml": "objectives:\n  SO-01: &x\n    progress: Good\n  SO-02: *x\n"})
    assert problems(q) == ["a.yaml:2:10 anchors (&name) and aliases (*name) are not allowed: "
                           "write the value out"]


def test_an_alias_bomb_is_rejected_quickly(quarter) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8))
    assert problems(quarter({"a.yaml": bomb})) == [
        "a.yaml:1:4 anchors (&name) and aliases (*name) are not allowed: write the value out"]


def test_tabs_bom_crlf_and_latin1(quarter) -> None:
    q = quarter({"tab.yaml": "objectives:\n\tSO-01:\n",
                 "latin.yaml": "objectives:\n  SO-01:\n    comment: caf\xe9\n".encode("latin-1"),
                 "bom.yaml": "\ufeffmeasures:\r\n  carers:\r\n    value: 5\r\n".encode()})
    assert problems(q) == [
        "latin.yaml:3:17 the file is not UTF-8 (byte 0xe9; it looks like Latin-1 or "
        "Windows-1252): save it as UTF-8",
        "tab.yaml:2:1 a tab is used for indentation: indent with spaces",
    ]


def test_bom_and_windows_line_endings_read_as_meant(quarter) -> None:
    q = quarter({"bom.yaml": "\ufeffmeasures:\r\n  carers:\r\n    value: '2,543'\r\n".encode()})
    assert loaded(q).measures[0].value.value == 2543


@pytest.mark.parametrize(("typed", "unit_field", "number"), [
    ("'59.0%'", "share", 59), ("'2,543'", "carers", 2543), ("2543", "carers", 2543),
])
def test_values_typed_as_printed(quarter, typed, unit_field, number) -> None:
    report = loaded(quarter({"a.yaml": f"measures:\n  {unit_field}:\n    value: {typed}\n"}))
    assert {m.id: m.value for m in report.measures}[unit_field].value == number


@pytest.mark.parametrize(("typed", "message"), [
    ("'59%'", "'59%' has a % sign, but this measure's unit is count"),
    ("'1,91'", "'1,91' is ambiguous: use '.' for decimals and ',' only between groups of three "
               "digits"),
    ("'-3'", "'-3' is not a count: a count is a whole number, 0 or more"),
    (".nan", "'.nan' is not a finite number"),
    ("'7.7m'", "'7.7m' uses a multiplier; write the number in full, e.g. 7,700,000"),
])
def test_ambiguous_or_wrong_values_are_errors_not_guesses(quarter, typed, message) -> None:
    [found] = problems(quarter({"a.yaml": f"measures:\n  carers:\n    value: {typed}\n"}))
    assert found == f"a.yaml:3:12 measures.carers.value: {message}"


def test_currency_values(quarter) -> None:
    from reportgen.core.numbers import format, parse

    assert format(parse("£1,915,500", "currency"), "currency") == "£1,915,500"
    with pytest.raises(ValueError, match="has a £ sign"):
        parse("£5", "count")


def test_percentage_over_100_is_a_warning(quarter) -> None:
    report = loaded(quarter({"a.yaml": "measures:\n  share:\n    value: 120%\n"}))
    assert [str(w).removeprefix(str(Path(w.file).parent) + "/") for w in report.warnings] == [
        "a.yaml:3:12 measures.share.value: value 120% is over 100%: check it"]


def test_empty_update_file_sections_are_fine(quarter) -> None:
    report = loaded(quarter({"a.yaml": "objectives:\nmeasures:\n"}))
    assert [o.progress.label for o in report.objectives] == ["Awaiting update"] * 2


def test_common_punctuation_checked_without_the_font_is_in_the_font() -> None:
    # glyphs.COMMON is taken as drawable without reading the font: it must be so.
    from fontTools.ttLib import TTFont

    from reportgen.data import glyphs

    with TTFont(glyphs.FONT, lazy=True) as font:
        cmap = font.getBestCmap()
    assert glyphs.COMMON and all(ord(char) in cmap for char in glyphs.COMMON)
    assert glyphs.printable("a \u2013 \u2018b\u2019 \u2026")[1] == []
    assert glyphs.printable("ok \u2713")[1] == ["\u2713"]  # a tick is not in it
