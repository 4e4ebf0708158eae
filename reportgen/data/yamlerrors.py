"""YAML syntax errors in words a service lead can act on, at the line where the mistake is.

The parser reports where it gave up ("did not find expected key" at the end of the file),
which is often far from the mistake: an unclosed quote swallows the lines after it, text
continued on a new line is read as a key. Each rule here recognises one parser message,
finds the line that caused it, and says what to type instead. Anything not recognised keeps
the parser's own words, after "YAML syntax error:".
"""

from __future__ import annotations

import re

import yaml

Where = tuple[int, int, str]  # line, column (1-based), message

# A value that opens with a quote: `key: "text`, `- 'text`, `key: - "text`.
_OPENS_QUOTE = re.compile(r"""^(\s*(?:-\s+)*(?:[^\s#'"][^#'"]*?:\s+)?(?:-\s+)*)(["'])(.*)$""")
_KEY_LINE = re.compile(r"^\s*(?:-\s+)?[^\s#'\"][^:#]*:(\s|$)|^\s*-(\s|$)")
BRACKETS = {"[": "]", "{": "}"}


def explain(exc: yaml.MarkedYAMLError, text: str) -> Where:
    """Return where the mistake behind `exc` is and what to do about it."""
    lines = text.split("\n")
    problem, context = exc.problem or "", exc.context or ""
    at = _mark(exc.problem_mark) or _mark(exc.context_mark) or (1, 1)
    if "quoted scalar" in context and exc.context_mark is not None:
        line, column = exc.context_mark.line + 1, exc.context_mark.column + 1
        mark = _char(lines, (line, column))
        return (line, column, f"the quote ({mark}) that opens this text is never closed: end "
                              f"the text with {mark}")
    quote = _unclosed_quote(lines, at[0])
    if quote is not None:
        return quote
    if "cannot start any token" in problem:
        char = _char(lines, at)
        return (*at, f"text cannot begin with '{char}': put the text in quotes "
                     f"(\"{char}...\")")
    if "mapping values are not allowed" in problem:
        return _colon(lines, at)
    if "could not find expected ':'" in problem and exc.context_mark is not None:
        line = exc.context_mark.line + 1
        return (line, exc.context_mark.column + 1,
                "this line has no 'name:' before its text: if it continues the text above, "
                "put the whole text in quotes, or write 'comment: |' with the text indented "
                "below it")
    if "expected '-' indicator" in problem:
        return (*at, "this line is not a list item ('- ') like the one above it, nor "
                     "indented under it: line it up, or start it with '- '")
    if "flow" in context and exc.context_mark is not None:
        opened = _char(lines, _mark(exc.context_mark) or at)
        closer = BRACKETS.get(opened, "]")
        line, column = exc.context_mark.line + 1, exc.context_mark.column + 1
        return (line, column, f"the '{opened}' here is never closed with '{closer}': close it, "
                              "or put the text in quotes if the bracket is part of it")
    if "did not find expected key" in problem:
        return _expected_key(lines, at)
    what = " ".join(x for x in (context, problem) if x)
    return (*at, f"YAML syntax error: {what}")


def _mark(mark: yaml.Mark | None) -> tuple[int, int] | None:
    return (mark.line + 1, mark.column + 1) if mark is not None else None


def _char(lines: list[str], at: tuple[int, int]) -> str:
    line = lines[at[0] - 1] if at[0] - 1 < len(lines) else ""
    return line[at[1] - 1] if at[1] - 1 < len(line) else "?"


def _unclosed_quote(lines: list[str], before: int) -> Where | None:
    """Return the first value before line `before` that opens a quote and does not close it
    on its line while the next line is a new key: the quote swallowed the lines after it."""
    for number, line in enumerate(lines[:before], 1):
        found = _OPENS_QUOTE.match(line)
        if found is None or _closes(found.group(3), found.group(2)):
            continue
        following = next((x for x in lines[number:] if x.strip()), "")
        if number < before and (not following or _KEY_LINE.match(following)):
            column = len(found.group(1)) + 1
            mark = found.group(2)
            return (number, column, f"the quote ({mark}) that opens this text is never "
                                    f"closed: end the text with {mark} on this line")
    return None


def _closes(rest: str, mark: str) -> bool:
    """Return whether a quoted scalar starting just after `mark` closes within `rest`."""
    if mark == "'":
        return re.search(r"(?<!')'(?!')|^'(?!')", rest.replace("''", "")) is not None
    return re.search(r'(?<!\\)"', rest) is not None


def _colon(lines: list[str], at: tuple[int, int]) -> Where:
    """A ': ' the parser did not expect: text holding a colon, or a key indented too far."""
    line = lines[at[0] - 1] if at[0] - 1 < len(lines) else ""
    before = line[:at[1] - 1]
    if ": " not in before and not before.lstrip().startswith("- "):
        indent = len(line) - len(line.lstrip())
        return (at[0], indent + 1, "this line is indented further than the line above, so it "
                                   "reads as part of that line's text: line it up with the "
                                   "other names above it")
    start = before.index(": ") + 3 if ": " in before else 1
    return (at[0], start, "a colon followed by a space inside text: put the text in quotes "
                          "(\"...\")")


def _expected_key(lines: list[str], at: tuple[int, int]) -> Where:
    """A block mapping that found something else: text after a closing quote, or a line
    indented less than its neighbours but more than their parent."""
    line = lines[at[0] - 1] if at[0] - 1 < len(lines) else ""
    before = line[:at[1] - 1].rstrip()
    if before.endswith(("'", '"')):
        return (*at, "text after the closing quote: put all of the text inside the quotes")
    return (*at, "this line is indented differently from the lines around it: line it up "
                 "with the other names at its level")
