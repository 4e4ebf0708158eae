"""Words as data: every fixed phrase comes from the catalogue, the Welsh catalogue covers all
of them, and a Welsh build of the sample has no English fixed phrase left."""

from __future__ import annotations

import copy
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from conftest import SAMPLE

from reportgen.charts.report import report_charts
from reportgen.charts.spec import RiskMatrix, chart_key
from reportgen.core import words as core_words
from reportgen.core.model import Report
from reportgen.core.words import LOCALE_DIR, Words
from reportgen.data.settings import Settings
from reportgen.pipeline import load_report, output_stem, page
from reportgen.render import catalogue
from reportgen.render.catalogue import PLACEHOLDER, messages

WELSH = read_po((LOCALE_DIR / "cy.po").open("rb"), locale="cy")


def test_the_welsh_catalogue_translates_every_phrase_with_the_same_placeholders() -> None:
    wanted = messages()
    assert len(wanted) > 100  # headings, column heads, sentences, months, the key, alt text
    for message in wanted:
        entry = WELSH.get(message[0] if isinstance(message, tuple) else message)
        assert entry is not None and not entry.fuzzy, f"not in cy.po: {message!r}"
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        assert all(strings), f"untranslated in cy.po: {message!r}"
        ids = message if isinstance(message, tuple) else (message,)
        names = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == names, (message, text)


def blank_council_text(report: Report) -> Report:
    """Return a copy with every text the council typed replaced by X: what is left is ours."""
    blank = copy.deepcopy(report)
    blank.council, blank.plan = "X", "X"
    blank.introduction, blank.achievements_intro = "X", "X"
    blank.achievements = {key: ["X"] * len(items) for key, items in blank.achievements.items()}
    for outcome in blank.outcomes:
        outcome.name, outcome.title = "X", "X"
        for o in outcome.objectives:
            o.title, o.comment, o.owner = "X", "X", "X"
            for m in o.measures:
                m.title, m.benchmark_group, m.frequency = "X", "X", "X"
                m.note = "X" if m.note else None
                m.no_data = "X" if m.no_data else None
    return blank


def english_fragments() -> set[str]:
    """Return the English words of every phrase, split at its placeholders."""
    out = set()
    for message in messages():
        for text in (message if isinstance(message, tuple) else (message,)):
            for part in PLACEHOLDER.split(text):
                part = part.replace("%%", "%").strip(" ,.;:()-–")
                if re.search(r"[A-Za-z]{2}", part):
                    out.add(part)
    return out


@pytest.fixture(scope="module")
def welsh_text() -> str:
    report = blank_council_text(load_report(SAMPLE, Settings(language="cy")))
    html = page(report, report_charts(report), lambda c: "chart.png", Settings())
    body = html[html.index("<body"):]
    # alt text is read out too, so it counts: keep it as text
    body = re.sub(r'alt="([^"]*)"', r"> \1 <", body)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_a_welsh_build_of_the_sample_has_no_english_phrase_left(welsh_text: str) -> None:
    welsh = {WELSH.get(m[0] if isinstance(m, tuple) else m).string for m in messages()}
    left = [fragment for fragment in english_fragments()
            if re.search(rf"(?<!\w){re.escape(fragment)}(?!\w)", welsh_text)
            and fragment not in str(welsh)]  # a word that is the same in Welsh (none yet)
    assert left == []
    assert "Tudalen" not in welsh_text  # the footer is in the stylesheet: checked below
    assert "Amcan Strategol" in welsh_text and "Meh 2025" in welsh_text


def test_welsh_sets_the_language_of_the_page_and_the_footer() -> None:
    report = load_report(SAMPLE, Settings(language="cy"))
    html = page(report, report_charts(report), lambda c: "chart.png", Settings())
    assert '<html lang="cy">' in html
    assert 'content: "Tudalen " counter(page) " o " counter(pages)' in html
    assert output_stem(report) == "derbyshire-county-council-2025-26-q1-cy"
    english = load_report(SAMPLE)
    assert output_stem(english) == "derbyshire-county-council-2025-26-q1"
    # the ratings themselves are data, the same in either language
    assert [m.rating for m in report.measures] == [m.rating for m in english.measures]


def test_a_councils_own_words_win_and_are_escaped() -> None:
    words = Words("cy", {"Contents": "Cynnwys yr adroddiad",
                         "%(n)s measure": ["%(n)s mesur", "%(n)s o fesurau"]})
    assert words.gettext("Contents") == "Cynnwys yr adroddiad"
    assert words.gettext("Introduction") == "Cyflwyniad"  # the catalogue's
    # a plural is keyed by its singular: [one, many]
    assert words.ngettext("%(n)s measure", "%(n)s measures", 7) == "%(n)s o fesurau"
    report = load_report(SAMPLE)
    report.words = Words("en-GB", {"Contents": "<script>alert(1)</script>Index"})
    html = page(report, report_charts(report), lambda c: "chart.png", Settings())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Index" in html
    assert "<script>alert(1)" not in html


# Schemes whose key is written from the rule: thresholds with direction of travel, and a
# relative scheme with thresholds on both sides of the target and at it.
RULE_SCHEMES = {
    "thresholds": """\
ratings:
  name: Performance against target
  rule: thresholds
  travel:
    compare: previous-quarter
    improved: {Red: Amber}
    not_improved: {Green: Amber}
  bands:
    - {label: Green, when: target, colour: "#00703c", icon: tick}
    - {label: Amber, when: floor, colour: "#d66400", icon: triangle}
    - {label: Red, colour: "#b81800", icon: flag}
""",
    "relative": """\
ratings:
  name: Performance against target
  travel: {improved: {Red: Amber}}
  bands:
    - {label: Blue, when: "> 5", when_high_target: ">= 0", colour: "#1d70b8", icon: star}
    - {label: Green, when: ">= 0", colour: "#00703c", icon: tick}
    - {label: Amber, when: ">= -8", colour: "#d66400", icon: triangle}
    - {label: Red, colour: "#b81800", icon: flag}
""",
}


@pytest.mark.parametrize("rule", RULE_SCHEMES)
def test_a_welsh_key_written_from_the_rule_has_no_english_phrase_left(tmp_path, rule) -> None:
    from conftest import ONE_OBJECTIVE_PLAN, write_quarter

    plan = ONE_OBJECTIVE_PLAN.replace("outcomes:\n", RULE_SCHEMES[rule] + "outcomes:\n")
    path = write_quarter(tmp_path, {"a.yaml": "measures:\n  foster-carers:\n    value: 92\n"
                                              "    target: 100\n    floor: 90\n"}, plan=plan)
    report = load_report(path, Settings(language="cy"))
    english = load_report(path)
    key = [b.description for b in english.scheme.bands] + english.scheme.notes
    blank = blank_council_text(report)
    html = page(blank, report_charts(blank), lambda c: "chart.png", Settings())
    key_html = html[html.index('id="key"'):]
    key_html = key_html[:key_html.index("</section>")]
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", key_html)))
    for sentence in key:  # the English key as a whole, and each of its fixed fragments
        assert sentence not in text
    welsh = str({WELSH.get(m[0] if isinstance(m, tuple) else m).string for m in messages()})
    left = [fragment for fragment in english_fragments()
            if re.search(rf"(?<!\w){re.escape(fragment)}(?!\w)", text) and fragment not in welsh]
    assert left == []
    if rule == "thresholds":
        assert "Ar ei darged neu'n well" in text and "Yn waeth na'i isafswm" in text
        assert ("Rhoddir Ambr yn lle Coch pan fo perfformiad wedi gwella o'i gymharu â'r "
                "chwarter blaenorol.") in text
    else:
        assert "Mwy na 5% yn well na'r targed (ar y targed os yw'r targed yn fwy na 95%)" in text
        assert "Hyd at 8% yn waeth na'r targed" in text  # on target is Green's, worded so
        assert "Ar y targed neu hyd at 5% yn well na'r targed" in text


@pytest.mark.parametrize(("last", "conjunction"), [
    ("1 angen gweithredu arno", "ac"), ("8 yn dangos", "ac"), ("11 mesur", "ac"),
    ("16 mesur", "ac"), ("80 mesur", "ac"), ("1.5%", "ac"), ("Ambr", "ac"),
    ("2 fesur", "a"), ("10 mesur", "a"), ("100 mesur", "a"), ("1,000 mesur", "a"),
    ("mae 2 sgôr wedi gwaethygu", "a"), ("hefyd", "a"),
])
def test_welsh_and_is_ac_before_a_vowel(last: str, conjunction: str) -> None:
    words = Words("cy")
    assert words.format("%(items)s and %(last)s", items="x, y", last=last) == \
        f"x, y {conjunction} {last}"
    assert Words().format("%(items)s and %(last)s", items="x", last=last) == f"x and {last}"


def test_welsh_than_is_nag_before_a_vowel() -> None:
    words = Words("cy")
    phrase = "More than %(n)s%% worse than target"
    assert words.format(phrase, n="8") == "Mwy nag 8% yn waeth na'r targed"
    assert words.format(phrase, n="10") == "Mwy na 10% yn waeth na'r targed"


def test_the_welsh_sample_says_ac_1(welsh_text: str) -> None:
    # "19 show good progress, 4 require review and 1 requires action"
    assert "4 angen eu hadolygu ac 1 angen gweithredu arno" in welsh_text


# ---- the items/themes layout (report 004): Derby City in Welsh ------------------------------

DERBY = SAMPLE.parents[2] / "derby-city" / "2023-24" / "q1"


def blank_item_text(report: Report) -> Report:
    """Return a copy with the council's text of items blanked too: titles, owners, comments,
    reasons for closing, stages."""
    blank = blank_council_text(report)
    for item in (*blank.items.milestones, *blank.items.projects, *blank.items.risks):
        item.title, item.owner = "X", "X"
        item.comment = "X" if item.comment else ""
    for closing in (*blank.items.projects, *blank.items.risks):
        closing.closed = "X" if closing.closed else ""
    for project in blank.items.projects:
        project.stage = "X" if project.stage else ""
    return blank


def derby_text(language: str) -> str:
    report = blank_item_text(load_report(DERBY, Settings(language=language)))
    html = page(report, report_charts(report), lambda c: "chart.png", Settings())
    body = re.sub(r'(?:alt|aria-label)="([^"]*)"', r"> \1 <", html[html.index("<body"):])
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.fixture(scope="module")
def derby_texts() -> tuple[str, str]:
    return derby_text("en-GB"), derby_text("cy")


def test_a_welsh_build_of_derby_city_has_no_english_phrase_left(
        derby_texts: tuple[str, str]) -> None:
    english, welsh_text = derby_texts
    welsh = {WELSH.get(m[0] if isinstance(m, tuple) else m).string for m in messages()}
    left = [fragment for fragment in english_fragments()
            if re.search(rf"(?<!\w){re.escape(fragment)}(?!\w)", welsh_text)
            and fragment not in str(welsh)]
    assert left == []
    # and no English word at all: what the English build prints that the Welsh one does too
    # is the council's (X), ids and figures, and "cost", which is Welsh as well
    words = [set(re.findall(r"\b[A-Za-z]{3,}\b", text)) for text in (english, welsh_text)]
    assert words[0] & words[1] == {"cost"}
    for phrase in ("Cerrig milltir: asesiad o gynnydd (Chwarter 1)", "Sgôr risg 16",
                   "Ar ddiwedd Mehefin 2023, roedd 15 risg strategol.",
                   "Adroddwyd y mesur hwn fel ‘gwyrdd’ yn Chwarter 4 2022-23.",
                   "Risgiau strategol: bygythiadau, 15 wedi’u gosod yn ôl effaith a "
                   "thebygolrwydd. effaith Uchel iawn, tebygolrwydd Tebygol iawn (sgôr 16)"):
        assert phrase in welsh_text, phrase


def test_the_welsh_risk_matrix_draws_welsh_axes_and_steps() -> None:
    report = load_report(DERBY, Settings(language="cy"))
    matrix = report_charts(report)["risks-threat"]
    assert isinstance(matrix, RiskMatrix)
    assert matrix.axes == ("Tebygolrwydd", "Effaith")
    assert matrix.impact == ("Isel", "Canolig", "Uchel", "Uchel iawn")
    assert matrix.likelihood[-1] == "Tebygol iawn"
    english = report_charts(load_report(DERBY))["risks-threat"]
    assert chart_key(english) != chart_key(matrix)  # a Welsh matrix is drawn, not reused
    assert isinstance(english, RiskMatrix) and english.axes == ("Likelihood", "Impact")


def test_the_committed_catalogues_are_current_and_rewriting_them_changes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every phrase of the code and templates is in the .pot and .po as committed, and
    re-running the catalogue command changes no byte (not even the .pot's date)."""
    scratch = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, scratch)
    monkeypatch.setattr(core_words, "LOCALE_DIR", scratch)
    catalogue.main()
    committed = sorted(LOCALE_DIR.glob("*.po*"))
    assert [p.name for p in committed] == ["cy.po", "reportgen.pot"]
    for path in committed:
        assert (scratch / path.name).read_bytes() == path.read_bytes(), path.name
