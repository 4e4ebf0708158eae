"""Render the report to HTML with Jinja2: templates and styles from the council's own
directory first, then the packaged defaults (reachable as "default:name" to extend them)."""

from __future__ import annotations

import base64
import functools
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import markdown as md
import nh3
from markupsafe import Markup, escape

from reportgen.charts.spec import Chart, alt_text
from reportgen.compute import items, layout, summary, trends
from reportgen.core.errors import display_path
from reportgen.core.model import Report
from reportgen.core.plan import FOUR_YEARS, NEXT_YEAR, PlanDocument
from reportgen.core.resources import STYLES, TEMPLATES
from reportgen.core.words import PLACEHOLDER, Words
from reportgen.data.settings import absolute_urls
from reportgen.render.compiled import bytecode_cache

# What a comment may keep (PRODUCT.md: p, ul, li, strong, em, a; ol and br are as harmless).
ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "br"}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

ICON_PATHS = {
    "star": "M8 1.2l2 4.3 4.7.6-3.4 3.2.9 4.7L8 11.7 3.8 14l.9-4.7L1.3 6.1 6 5.5z",
    "tick": "M8 .8a7.2 7.2 0 1 0 0 14.4A7.2 7.2 0 0 0 8 .8zm-1.2 10.7L3.5 8.2l1.3-1.3 2 2 "
            "4.4-4.4 1.3 1.3z",
    "triangle": "M8 1 15.2 14.4H.8zm-.9 4.6v4.3h1.8V5.6zm0 5.6v1.7h1.8v-1.7z",
    "flag": "M2.5 1h1.6v14H2.5zm2.4.8h8.6l-2.2 3.5 2.2 3.5H4.9z",
    "square": "M2 2h12v12H2z",
    "circle": "M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13z",
    "diamond": "M8 .8 15.2 8 8 15.2.8 8z",
    # direction of travel: the way the value moved (the word beside says if that is better)
    "arrow-up": "M8 1 14.5 8H10v7H6V8H1.5z",
    "arrow-down": "M8 15 1.5 8H6V1h4v7h4.5z",
    "arrow-flat": "M15 8 8 14.5V10H1V6h7V1.5z",
}


def environment(override: Path | None = None) -> jinja2.Environment:
    """Return the Jinja environment: council overrides, then the packaged templates.

    It is kept, with its compiled templates (publish renders 16 pages and more), until the
    override directory gains or loses a file: Jinja notices an edited template itself, but
    not a new override of a template it has already loaded from ours."""
    templates = override / "templates" if override is not None else None
    listing = (tuple(sorted(p.name for p in templates.iterdir()))
               if templates is not None and templates.is_dir() else ())
    # one per thread too: render_html installs the report's language into the environment,
    # and publish renders two quarters (perhaps in two languages) at once
    return _environment(override, listing, threading.get_ident())


@functools.lru_cache(maxsize=16)
def _environment(override: Path | None, _listing: tuple[str, ...],
                 _thread: int) -> jinja2.Environment:
    packaged = jinja2.FileSystemLoader(TEMPLATES)
    loaders: list[jinja2.BaseLoader] = []
    if override is not None and (override / "templates").is_dir():
        loaders.append(jinja2.FileSystemLoader(override / "templates"))
    loaders += [jinja2.PrefixLoader({"default": packaged}, delimiter=":"), packaged]
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, extensions=["jinja2.ext.i18n"],
                             bytecode_cache=bytecode_cache())
    env.filters["markdown"] = markdown
    env.filters["icon"] = icon
    env.filters["tint"] = tint
    return env


def tint(colour: str, share: float) -> str:
    """Return a #rrggbb colour laid over white at `share` (0 to 1): the risk matrix's cell
    backgrounds, as the chart draws them, light enough for dark text on them."""
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        raise ValueError(f"not a colour: {colour!r}")  # schemes are checked: #rrggbb only
    channels = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - (255 - c) * share):02x}" for c in channels)


BASE_CSS = "base.css"  # read before report.css and plan.css


def stylesheet(override: Path | None = None, name: str = "report.css",
               replace: bool = False) -> str:
    """Return the stylesheet text: ours (base.css, what the report and the plan share, then
    `name`), then the theme's own if it has one, so it changes only what it names; with
    `replace`, the theme's alone (it must then do everything)."""
    ours = "\n".join((STYLES / css).read_text(encoding="utf-8") for css in (BASE_CSS, name))
    theirs = override / "styles" / name if override else None
    if theirs is None or not theirs.is_file():
        return ours
    text = theirs.read_text(encoding="utf-8-sig")
    if replace:
        return text
    return f"{ours}\n/* {display_path(theirs)} */\n{absolute_urls(text, theirs.parent)}"


def style_roots(override: Path | None) -> list[Path]:
    """Return the directories the PDF renderer may read: our styles and the council's."""
    return [STYLES] + ([override / "styles"] if override else [])


def style_base(override: Path | None, name: str = "report.css", replace: bool = False) -> Path:
    """Return the directory that relative URLs in the stylesheet resolve against: ours,
    unless the theme's stylesheet replaces ours."""
    if replace and override and (override / "styles" / name).is_file():
        return override / "styles"
    return STYLES


def markdown(text: str | None) -> Markup:
    """Return Markdown as HTML keeping only the allowed tags; scripts, images, styles go."""
    if not text:
        return Markup("")
    return Markup(_markdown(text))  # noqa: S704 - sanitised by nh3 in _markdown


@functools.lru_cache(maxsize=1024)  # the HTML and the PDF render the same comments
def _markdown(text: str) -> str:
    try:
        html = md.markdown(text, extensions=["sane_lists"], output_format="html")
    except RecursionError:  # lists or quotes nested thousands deep: show the text as typed
        return "".join(f"<p>{escape(part)}</p>" for part in text.split("\n\n"))
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href"}},
                     attribute_filter=_absolute_links, url_schemes=ALLOWED_URL_SCHEMES,
                     link_rel="noopener noreferrer")


def _absolute_links(tag: str, attribute: str, value: str) -> str | None:
    """Keep a link only if it is absolute (http, https, mailto) or a place in the report.

    A relative link ("secret.txt", "/etc/passwd") would be resolved against the build
    machine's directories and published in the PDF as a file:// link."""
    if attribute != "href":
        return value
    return value if value.startswith("#") or _ABSOLUTE.match(value) else None


_ABSOLUTE = re.compile(r"(?i)(https?://|mailto:)\S")


def icon(kind: str, colour: str) -> Markup:
    """Return a drawn rating icon. It is decorative (the word always stands beside it), so
    it is a CSS background: WeasyPrint tags backgrounds as artifacts, images as Figures."""
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
           f'<path fill="{colour}" d="{ICON_PATHS[kind]}"/></svg>')
    data = base64.b64encode(svg.encode()).decode()
    # kind and colour are checked by the scheme's schema (an icon name, #rrggbb)
    return Markup(f'<span class="icon" aria-hidden="true" style="background-image: '  # noqa: S704
                  f'url(data:image/svg+xml;base64,{data})"></span>')


def install_words(env: jinja2.Environment, words: Words) -> None:
    """Give the templates the report's words as gettext (Jinja2's i18n extension).

    `_("...", name=value)` fills placeholders only in a phrase that has them, so a percent
    sign needs doubling only there (docs/profile.md). Every phrase
    is escaped: a council's own words are user text, and the catalogue's are text too."""
    def gettext(message: str, **values: Any) -> Markup:
        text = escape(words.gettext(message))
        return text % values if PLACEHOLDER.search(message) else text  # % escapes values

    def ngettext(one: str, many: str, n: int, **values: Any) -> Markup:
        text = escape(words.ngettext(one, many, n))
        return text % {"num": n, **values} if PLACEHOLDER.search(one + many) else text

    env.install_gettext_callables(gettext, ngettext)  # type: ignore[attr-defined]
    env.globals["_"] = env.globals["gettext"] = gettext


def page_css(words: Words) -> str:
    """Return the running footer's "Page X of Y" rule in the report's words."""
    text = words.gettext("Page %(page)s of %(pages)s")
    parts = re.split(r"(%\((?:page|pages)\)s)", text)
    counters = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}
    content = " ".join(counters.get(part) or _css_string(part.replace("%%", "%"))
                       for part in parts if part)
    return f"\n@page {{ @bottom-right {{ content: {content}; }} }}\n"


def _css_string(text: str) -> str:
    """Return text as a CSS string that cannot end the string or the <style> element."""
    return '"' + "".join(ch if ch.isalnum() or ch in " .,:;-_'()" else f"\\{ord(ch):x} "
                         for ch in text) + '"'


def render_html(report: Report, charts: dict[str, Chart], chart_src: Callable[[Chart], str],
                *, css: str, draft: str | None = None, override: Path | None = None,
                extra: dict[str, Any] | None = None, brand_css: str | None = None) -> str:
    """Return the whole report as one HTML document; `brand_css` in place of the report's
    own (the HTML outputs pass it with its files inlined)."""
    env = environment(override)
    install_words(env, report.words)
    template = env.get_template("themes.html" if report.layout == "themes" else "report.html")
    trend_ids = {key.removeprefix("trend-") for key in charts if key.startswith("trend-")}
    brand = report.brand_css if brand_css is None else brand_css
    return template.render(
        report=report, charts=charts, chart_src=chart_src,
        css=Markup(css + brand + page_css(report.words)),  # noqa: S704 - our files, checked settings, escaped words
        draft=draft, summary=summary, alt_text=alt_text,
        progress_levels=report.progress_scheme.levels, words=report.words, tables=layout,
        trend_ids=trend_ids, yearly=trends, items=items, **(extra or {}))


UNIT_WORDS = {"count": "Number", "percent": "Percentage", "currency": "Pounds (£)",
              "number": "Rate or ratio"}


def render_plan_html(plan: PlanDocument, *, css: str, draft: str | None = None,
                     override: Path | None = None) -> str:
    """Return the plan document (plan.html) as one HTML document."""
    template = environment(override).get_template("plan.html")
    return template.render(
        plan=plan, css=Markup(css + plan.brand_css),  # noqa: S704 - our files, checked settings
        draft=draft, unit_words=UNIT_WORDS, next_year=NEXT_YEAR, four_years=FOUR_YEARS)
