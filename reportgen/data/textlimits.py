"""Bound each text value, so Markdown never takes minutes on a pathological comment.

Python-Markdown scans forward from every '[' for the end of a link, so thousands of them
in one field take minutes (20,000 take over four minutes). Real comments are a few
thousand characters with a handful of links; these limits are far beyond that and keep
the worst case to a few seconds a field.
"""

from __future__ import annotations

from reportgen.core.errors import Problem
from reportgen.data.glyphs import texts
from reportgen.data.yamlread import Document

MAX_CHARACTERS = 20_000  # about nine pages in the comment column of a progress table
MAX_BRACKETS = 200  # '[' characters: Markdown links and anything else in brackets


def check(doc: Document) -> list[Problem]:
    """Return an error for each text value over the limits."""
    problems = []
    for key, _, _, text in texts(doc.data, ()):
        if len(text) > MAX_CHARACTERS:
            problems.append(doc.problem(key, f"the text is {len(text):,} characters long; the "
                                        f"limit is {MAX_CHARACTERS:,}: shorten it"))
        elif (brackets := text.count("[")) > MAX_BRACKETS:
            problems.append(doc.problem(key, f"the text has {brackets:,} '[' characters; the "
                                        f"limit is {MAX_BRACKETS}: remove some"))
    return problems
