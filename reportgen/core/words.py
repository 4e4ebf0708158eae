"""The report's fixed words, as data: a gettext message catalogue per language, and the
council's own rewording on top.

The message ids are the English (en-GB) words. A language's catalogue is a .po file in
locale/ (at the top of the repository, like templates/), read and compiled with Babel when
first needed, so no compiled .mo binary is kept in git. A council rewords any message with
`report.words` in plan.yaml (docs/profile.md); its words win over the catalogue, in every
language.

Placeholders are gettext's %(name)s, as in Jinja2's i18n extension; in a phrase with
placeholders a literal percent sign is written %%.
"""

from __future__ import annotations

import functools
import gettext as gettext_module
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reportgen.core.resources import LOCALE

LOCALE_DIR = LOCALE
DEFAULT_LANGUAGE = "en-GB"
# language tag -> catalogue file stem; English is the message ids themselves
LANGUAGES = {"en-GB": None, "cy": "cy"}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@functools.lru_cache(maxsize=8)
def catalogue(language: str) -> gettext_module.NullTranslations:
    """Return the compiled catalogue of a language (English: the ids unchanged)."""
    stem = LANGUAGES[language]
    if stem is None:
        return gettext_module.NullTranslations()
    # Babel only for a translated report: an English one (and `validate`) never reads a .po.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / f"{stem}.po").open("rb") as po:
        parsed = read_po(po, locale=stem)
    compiled = io.BytesIO()
    write_mo(compiled, parsed)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return gettext_module.GNUTranslations(compiled)


@dataclass(frozen=True)
class Phrase:
    """A fixed phrase made by code (the key's words for a rule) as a message id and the
    values of its placeholders, so each language translates the whole sentence rather than
    English pieces. `labels` names the values that are rating words, translated too."""

    message: str
    values: tuple[tuple[str, str], ...] = ()
    labels: tuple[str, ...] = ()

    @property
    def english(self) -> str:
        """Return the phrase in English (the message ids' language)."""
        return self.message % dict(self.values) if PLACEHOLDER.search(self.message) \
            else self.message


class Words:
    """Translate the report's fixed words: the council's own first, then the catalogue."""

    def __init__(self, language: str = DEFAULT_LANGUAGE,
                 own: Mapping[str, str | list[str]] | None = None) -> None:
        self.language = language
        self.own = dict(own or {})
        self._catalogue = catalogue(language)

    def gettext(self, message: str) -> str:
        """Return the words for a message id."""
        given = self.own.get(message)
        if isinstance(given, str):
            return given
        if isinstance(given, list) and given:  # [one, many]: the phrase on its own is one
            return given[0]
        return self._catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Return the words for a message that agrees with a count."""
        given = self.own.get(singular)
        if isinstance(given, list) and len(given) == 2:  # [one, many]
            return given[0] if n == 1 else given[1]
        if isinstance(given, str):
            return given
        return self._catalogue.ngettext(singular, plural, n)

    def format(self, message: str, **values: object) -> str:
        """Return the words for a message with its placeholders filled."""
        text = self.gettext(message)
        if not PLACEHOLDER.search(message):
            return text
        if self.language == "cy":
            text = welsh_and(text, values)
        return text % values

    def phrase(self, phrase: Phrase) -> str:
        """Return a phrase made by code in the report's language."""
        values = {name: self.label(value) if name in phrase.labels else value
                  for name, value in phrase.values}
        return self.format(phrase.message, **values)

    def phrases(self, phrases: Iterable[Phrase]) -> str:
        """Return phrases that make one text (a band's key words), joined by spaces."""
        return " ".join(self.phrase(p) for p in phrases)

    def month(self, number: int) -> str:
        """Return a month's short name: 1 -> "Jan"."""
        return self.gettext(MONTHS[number - 1])

    def month_year(self, year_month: str) -> str:
        """Return "2027-04" as printed: "Apr 2027"."""
        year, month = year_month.split("-")[:2]
        return f"{self.month(int(month))} {year}"

    def label(self, word: str) -> str:
        """Return a rating word in the report's language (a council's own word unchanged)."""
        return self.gettext(word)



# Welsh "a" (and), "na" (than) and "â" (with) are "ac", "nag" and "ag" before a vowel; the
# catalogue writes "a %(name)s" and the value, known only when the phrase is filled in,
# decides. Numbers are read as Welsh words: 1 (un), 8 (wyth), 11 (un ar ddeg), 16 (un ar
# bymtheg), 80-89 (wyth deg), 800-899 (wyth cant) and 8,000-8,999 (wyth mil) start with a
# vowel. (12-15 and 17-19 differ between the traditional and the decimal count, so they
# keep the plain form.)
WELSH_BEFORE_VOWEL = {"a": "ac", "na": "nag", "â": "ag"}
WELSH_AND = re.compile(r"(?<![\w'])(a|na|â) (?=%\((\w+)\)s)")
WELSH_VOWELS = "aeiouwyâêîôûŵŷáéíóúàèìòù"
VOWEL_NUMBER = re.compile(r"(1|8|11|16|8\d|8\d\d|8\d\d\d)(?!\d)")


def welsh_and(text: str, values: Mapping[str, object]) -> str:
    """Return a Welsh phrase with "a %(name)s" made "ac %(name)s" (and "na", "â" made
    "nag", "ag") where the value starts with a vowel sound."""
    def conjunction(found: re.Match[str]) -> str:
        value = str(values.get(found[2], "")).lstrip()
        if value[:1].isdigit():
            vowel = VOWEL_NUMBER.match(value.replace(",", "")) is not None
        else:
            vowel = value[:1].lower() in WELSH_VOWELS if value else False
        return (WELSH_BEFORE_VOWEL[found[1]] if vowel else found[1]) + " "
    return WELSH_AND.sub(conjunction, text)


def check_own(message: str, text: str, names: set[str] | None = None) -> str | None:
    """Return what is wrong with a council's words for a message (None if nothing): they may
    use only the message's placeholders, and a stray % breaks them."""
    allowed = set(PLACEHOLDER.findall(message)) if names is None else names
    unknown = sorted(set(PLACEHOLDER.findall(text)) - allowed)
    if unknown:
        return (f"%({unknown[0]})s is not a placeholder of this phrase; it has "
                + (", ".join(f"%({n})s" for n in sorted(allowed)) or "none"))
    if not allowed:
        return None  # never filled in: a % is printed as typed
    try:
        text % dict.fromkeys(allowed, "x")
    except (ValueError, TypeError, KeyError):
        return "a percent sign here is written %% (the phrase has placeholders)"
    return None
