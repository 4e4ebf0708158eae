"""Read one YAML file into plain data, keeping every scalar as the text that was typed.

PyYAML's own constructors apply YAML 1.1 (`no` -> False, `1:30` -> 90, `0755` -> 493)
and expand aliases. Instead we build the tree from the parser's event stream: scalars
stay strings, each node's position is recorded, and aliases, tags, duplicate keys and
very deep nesting are rejected with their line. The event loop keeps its own stack, so
hostile nesting cannot exhaust Python's recursion limit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reportgen.core.errors import Problem, display_path
from reportgen.data import characters, safefile, yamlerrors

MAX_BYTES = safefile.MAX_BYTES
MAX_DEPTH = 32
# The C parser when PyYAML was built with libyaml: the same events, several times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
NULLS = {"", "~", "null", "Null", "NULL"}

Key = tuple[str | int, ...]


@dataclass
class Document:
    """A file's data, with the line and column of every key and value."""

    path: Path
    data: Any
    values: dict[Key, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Key, tuple[int, int]] = field(default_factory=dict)

    @functools.cached_property
    def name(self) -> str:
        """The file as messages name it; worked out once (a file may have 40,000 problems)."""
        return display_path(self.path)

    def where(self, key: Key, *, at_key: bool = False) -> tuple[int, int]:
        """Return (line, column) of the key path, or of its nearest ancestor."""
        table = self.keys if at_key else self.values
        while key:
            if key in table:
                return table[key]
            if key in self.values:
                return self.values[key]
            key = key[:-1]
        return self.values.get((), (1, 1))

    def problem(self, key: Key, message: str, *, at_key: bool = False,
                severity: str = "error") -> Problem:
        line, column = self.where(key, at_key=at_key)
        return Problem(self.name, line, column, dotted(key), message, severity)


def dotted(key: Key) -> str:
    """Return a key path as people write it: measures.foster-carers.value, outcomes[0].id."""
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class YamlProblem(Exception):
    """The file cannot be read as data; `refused`: not even opened (safefile says why)."""

    def __init__(self, problem: Problem, *, refused: bool = False) -> None:
        super().__init__(str(problem))
        self.problem = problem
        self.refused = refused


def read(path: Path, within: Path | None = None) -> Document:
    """Read a YAML file; raise YamlProblem naming file:line:column if it cannot be read.
    `within`: the data directory, which a linked file must not leave (safefile)."""
    name = display_path(path)
    try:
        raw = safefile.read_bytes(path, within=within, limit=MAX_BYTES, what="YAML file")
    except safefile.FileRefused as exc:
        raise YamlProblem(exc.problem, refused=True) from None
    text = _decode(raw, name)
    if "\t" in text:
        _check_tabs(text, name)
    doc = Document(path, None)
    try:
        doc.data = _compose(yaml.parse(text, Loader=_LOADER), doc)
    except yaml.MarkedYAMLError as exc:
        line, column, message = yamlerrors.explain(exc, text)
        raise YamlProblem(Problem(name, line, column, "", message)) from None
    except yaml.reader.ReaderError as exc:
        raise YamlProblem(_unreadable(text, name, exc)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(Problem(name, 1, 1, "", f"YAML error: {exc}")) from None
    if doc.data is None:
        raise YamlProblem(Problem(name, 1, 1, "", "the file is empty; it should hold a mapping "
                                  "of fields (see docs/data-format.md)"))
    if not isinstance(doc.data, dict):
        raise YamlProblem(Problem(name, *doc.where(()), "", "the top level should be a mapping of "
                                  "fields (key: value), not a list or a single value"))
    return doc


def _decode(raw: bytes, name: str) -> str:
    """Decode UTF-8 (a byte-order mark is fine); name the line of the first bad byte."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:200]:
        # Notepad's "Unicode" and Excel's "Unicode text": every other byte is 0
        raise YamlProblem(Problem(name, 1, 1, "", "the file is saved as UTF-16 (\"Unicode\" "
                                  "in some editors): save it as UTF-8"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlProblem(Problem(
            name, line, column, "", f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x}; "
            "it looks like Latin-1 or Windows-1252): save it as UTF-8")) from None
    text = text.replace("\r\n", "\n")
    _check_characters(text, name)
    return text


def _check_characters(text: str, name: str) -> None:
    """Reject a line-breaking or invisible character, named by its code point at its line
    (counting only newlines, as an editor does)."""
    found = characters.hidden(text)
    if found is None:
        return
    position, message = found
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    raise YamlProblem(Problem(name, line, column, "", message))


def _unreadable(text: str, name: str, exc: yaml.reader.ReaderError) -> Problem:
    """Locate a character YAML refuses (a control character pasted from elsewhere)."""
    position = min(max(exc.position, 0), len(text))
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    char = exc.character if isinstance(exc.character, str) else chr(exc.character)
    return Problem(name, line, column, "", f"the file contains the control character "
                   f"U+{ord(char):04X}, which YAML does not allow: delete it")


def _check_tabs(text: str, name: str) -> None:
    """Reject tabs in indentation, which YAML forbids and editors hide."""
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            raise YamlProblem(Problem(name, number, len(line) - len(stripped) + 1, "",
                                      "a tab is used for indentation: indent with spaces"))


def _compose(events: Any, doc: Document) -> Any:
    """Build plain data from parser events, recording positions as we go."""
    stack: list[tuple[Any, Key, Any]] = []  # (container, key path, pending mapping key)
    root: Any = None
    documents = 0

    def fail(event: Any, message: str) -> None:
        mark = event.start_mark
        raise YamlProblem(Problem(doc.name, mark.line + 1, mark.column + 1, "", message))

    def attach(value: Any, event: Any) -> Key | None:
        nonlocal root
        mark = (event.start_mark.line + 1, event.start_mark.column + 1)
        if not stack:
            root = value
            doc.values[()] = mark
            return ()
        container, path, pending = stack[-1]
        if isinstance(container, list):
            key = (*path, len(container))
            container.append(value)
        elif pending is _NO_KEY:
            if not isinstance(value, str):
                fail(event, "a key must be a plain word or text, not "
                            f"{'empty' if value is None else 'a list or mapping'}")
            if value in container:
                first = doc.keys[(*path, value)]
                fail(event, f"'{value}' is given twice in this mapping (first at line {first[0]}): "
                            "remove one")
            stack[-1] = (container, path, value)
            doc.keys[(*path, value)] = mark
            return None
        else:
            key = (*path, pending)
            container[pending] = value
            stack[-1] = (container, path, _NO_KEY)
        doc.values[key] = mark
        return key

    for event in events:
        if getattr(event, "anchor", None):
            fail(event, "anchors (&name) and aliases (*name) are not allowed: write the value out")
        if isinstance(event, yaml.AliasEvent):
            fail(event, "aliases (*name) are not allowed: write the value out")
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                fail(event, "only one YAML document per file (remove the extra '---')")
        elif isinstance(event, yaml.ScalarEvent):
            if event.tag and not event.implicit[0] and not event.implicit[1]:
                fail(event, f"tags such as '{event.tag}' are not allowed")
            is_null = not event.style and event.value in NULLS  # plain, not quoted
            _check_scalar(event, stack[-1] if stack else None, fail)
            attach(None if is_null else event.value, event)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if event.tag and not event.implicit:
                fail(event, f"tags such as '{event.tag}' are not allowed")
            if len(stack) >= MAX_DEPTH:
                fail(event, f"the data is nested more than {MAX_DEPTH} levels deep")
            new: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
            path = attach(new, event)
            assert path is not None  # a list or mapping as a key fails in attach first
            stack.append((new, path, _NO_KEY))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
    return root


_NO_KEY = object()


def _check_scalar(event: Any, top: tuple[Any, Key, Any] | None,
                  fail: Callable[[Any, str], None]) -> None:
    """Refuse an escaped control character, and a lookalike character in a key, an id or a
    number: text that reads as one thing and means another."""
    value = event.value
    if event.style == '"' and (message := characters.escaped_control(value)):
        fail(event, message)
    if event.style == '"' and (found := characters.hidden(value)):
        fail(event, found[1].replace("the file contains", "the text holds", 1))
    is_key = top is not None and isinstance(top[0], dict) and top[2] is _NO_KEY
    parent = top[2] if top is not None and isinstance(top[0], dict) and not is_key else None
    if message := characters.lookalike(value, is_key=is_key, parent=parent):
        fail(event, message)
