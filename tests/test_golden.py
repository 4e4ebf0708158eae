"""The sample reports render to their golden HTML (tests/golden/); `make golden` rewrites it."""

from __future__ import annotations

import difflib

import pytest
from golden import HERE, PLANS, SAMPLES, render, render_plan


@pytest.mark.parametrize("name", sorted(SAMPLES) + sorted(PLANS))
def test_sample_html_matches_its_golden_copy(name: str) -> None:
    expected = (HERE / name).read_text(encoding="utf-8")
    actual = render(SAMPLES[name]) if name in SAMPLES else render_plan(PLANS[name])
    if actual != expected:
        diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(),
                                    f"tests/golden/{name}", "rendered now", lineterm="", n=2)
        shown = "\n".join(list(diff)[:80])
        pytest.fail(f"the report's HTML changed; if you meant it, run `make golden` and "
                    f"commit the new copy:\n{shown}")
