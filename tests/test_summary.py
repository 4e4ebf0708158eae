"""The summary sentence: agreement in number, ratings left out when empty, percentages."""

from __future__ import annotations

import pytest

from reportgen.compute.summary import objectives_sentence, percentages


def quarter_with(quarter, progress: list[str | None]):
    from reportgen.pipeline import load_report

    plan_objectives = "".join(
        f"      - id: SO-{i:02d}\n        title: Objective {i}\n"
        f"        expected_completion: \"2027-04\"\n        owner: Place\n"
        for i in range(1, len(progress) + 1))
    plan = ("council: C\nplan: Council Plan 2025-29\nyear: 2025-26\noutcomes:\n"
            "  - id: people\n    name: People\n    title: T\n    objectives:\n" + plan_objectives)
    update = "objectives:\n" + "".join(
        f"  SO-{i:02d}:\n    progress: {p}\n" for i, p in enumerate(progress, 1) if p)
    return load_report(quarter({"u.yaml": update}, plan=plan))


def test_the_sentence_of_report_001(quarter) -> None:
    report = quarter_with(quarter, ["Good"] * 19 + ["Review"] * 4 + ["Action"])
    assert objectives_sentence(report) == (
        "As at Quarter 1, of the 24 Strategic Objectives in the Council Plan 2025-29, "
        "19 show good progress, 4 require review and 1 requires action.")


@pytest.mark.parametrize(("progress", "words"), [
    (["Good"], "of the 1 Strategic Objective in the Council Plan 2025-29, 1 shows good progress."),
    (["Complete", "Complete"], "2 have been completed."),
    (["Action", "Action", "Review"], "1 requires review and 2 require action."),
    (["Complete", "Good", "Review", "Action"],
     "1 has been completed, 1 shows good progress, 1 requires review and 1 requires action."),
    ([None, None, "Good"], "1 shows good progress and 2 are awaiting an update."),
    ([None], "1 is awaiting an update."),
])
def test_agreement_in_number_and_empty_ratings_left_out(quarter, progress, words) -> None:
    assert objectives_sentence(quarter_with(quarter, progress)).endswith(words)


def test_percentages_in_the_sentence_add_up_to_100(quarter) -> None:
    report = quarter_with(quarter, ["Complete"] + ["Good"] * 17 + ["Review"] * 12 + ["Action"] * 3)
    assert objectives_sentence(report, with_percentages=True).endswith(
        "1 (3%) has been completed, 17 (52%) show good progress, 12 (36%) require review "
        "and 3 (9%) require action.")


@pytest.mark.parametrize(
    "counts", [[1, 1, 1], [19, 4, 1], [1, 17, 12, 3], [2, 2, 2, 1], [0, 0], [7]])
def test_percentages_always_sum_to_100(counts: list[int]) -> None:
    shares = percentages(counts)
    assert sum(shares) == (100 if sum(counts) else 0)
    exact = [c * 100 / max(sum(counts), 1) for c in counts]
    assert all(abs(s - e) < 1 for s, e in zip(shares, exact, strict=True))
