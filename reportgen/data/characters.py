"""Characters that change meaning without showing: invisible ones, line breaks editors do
not draw, control characters written as escapes, and letters from other alphabets that look
like Latin ones. Each is named by its code point, so a service lead can find and delete it.
"""

from __future__ import annotations

import re
import unicodedata

# Characters YAML reads as a line break (which shifts every line number after them) and
# characters that cannot be seen. Joiners U+200C/U+200D are left alone: emoji and several
# scripts need them. A byte-order mark is fine at the start of a file only.
HIDDEN = re.compile("[\x85\u2028\u2029\u200b\u2060\u00ad\u200e\u200f\u202a-\u202e"
                    "\u2066-\u2069]|(?<!^)\ufeff")
LINE_BREAKS = "\x85\u2028\u2029"
# Control characters that a double-quoted YAML string can hold as an escape ("\x07", "\e",
# "\0"): YAML refuses them typed, so they are refused written as escapes too. Tab and
# newline are text.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f]")

# Letters and signs that look like ASCII ones, as pasted from Word or a Cyrillic keyboard.
LOOKALIKES = {
    **dict(zip("АВЕКМНОРСТХЅІЈаеорсухѕіј", "ABEKMHOPCTXSIJaeopcyxsij", strict=True)),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧο", "ABEZHIKMNOPTYXo", strict=True)),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d", "-"),
}
NUMBERISH = re.compile(r"[\s£$€+\-.,\d%]+")


def codepoint(char: str) -> str:
    """Return 'U+200B (ZERO WIDTH SPACE)': how a character nobody can see is named."""
    name = unicodedata.name(char, "NEXT LINE" if char == "\x85" else "a control character")
    return f"U+{ord(char):04X} ({name})"


def hidden(text: str) -> tuple[int, str] | None:
    """Return the position and a description of the first hidden character, or None."""
    found = HIDDEN.search(text)
    if found is None:
        return None
    char = found.group()
    kind = ("a line break that editors do not show" if char in LINE_BREAKS
            else "an invisible character")
    return found.start(), (f"the file contains {codepoint(char)}, {kind}: delete it (it often "
                           "comes with text pasted from a web page or a document)")


def escaped_control(value: str) -> str | None:
    """Return a message for a control character in a quoted string's value, or None."""
    found = CONTROL.search(value)
    if found is None:
        return None
    return (f"the text holds the control character {codepoint(found.group())}, written as an "
            "escape such as \\x07: delete it")


def lookalike(text: str, *, is_key: bool, parent: object) -> str | None:
    """Return a message when an id, a key or a number holds a character that looks like an
    ASCII one but is not (Cyrillic 'С' for 'C', a non-breaking hyphen for '-'), else None.
    Text in other alphabets is left alone: only a mix with ASCII letters or digits counts."""
    odd = [c for c in text if c in LOOKALIKES]
    if not odd or not any(c.isascii() and c.isalnum() for c in text):
        return None
    folded = "".join(LOOKALIKES.get(c, c) for c in text)
    is_name = (is_key or parent == "id") and not any(c.isspace() for c in text)
    if not (is_name or NUMBERISH.fullmatch(folded)):
        return None  # prose, even as a key (a catalogue's sentence): glyphs.py warns
    char = odd[0]
    return (f"'{text}' contains {codepoint(char)}, which looks like '{LOOKALIKES[char]}' but "
            f"is a different character: type '{folded}' instead")
