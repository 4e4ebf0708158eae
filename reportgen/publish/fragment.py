"""The report page as a fragment a council's content management system can embed: one
<div class="reportgen-report"> holding the report and its own stylesheet, with every rule
scoped to that div so that it neither restyles the council's page nor is restyled by it
more than the council's own rules for plain elements do.

The page's landmarks become plain divs (the CMS page has its own <main> and banner) and the
skip link goes (the CMS has its own); the rest is the page as published.
"""

from __future__ import annotations

import functools
import re

import tinycss2

SCOPE = ".reportgen-report"
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S)
_ROOTS = re.compile(r"^(?:html|body|:root)(?![\w-])")


def fragment(page: str) -> str:
    """Return the report page (pipeline.page's HTML) as an embeddable fragment."""
    style = _STYLE.search(page)
    body = _BODY.search(page)
    if style is None or body is None:
        raise ValueError("not a report page: no <style> or <body>")
    inner = body[1]
    inner = re.sub(r'<a class="skip-link"[^>]*>.*?</a>\s*', "", inner, count=1, flags=re.S)
    inner = re.sub(r'<header class="report-header">(.*?)</header>',
                   r'<div class="report-header">\1</div>', inner, count=1, flags=re.S)
    inner = re.sub(r'<main id="main" tabindex="-1">(.*)</main>',
                   r'<div class="report-main" id="main">\1</div>', inner, count=1, flags=re.S)
    lang = re.search(r'<html lang="([^"]+)"', page)
    return (f'<div class="reportgen-report" lang="{lang[1] if lang else "en-GB"}">\n'
            f"<style>\n{scoped(style[1])}\n</style>\n{inner.strip()}\n</div>\n")


@functools.lru_cache(maxsize=4)  # every quarter's page has the same stylesheet
def scoped(css: str, scope: str = SCOPE) -> str:
    """Return the stylesheet's screen rules with every selector inside `scope`: html, body
    and :root become the scope itself. Print-only rules and @page are left out."""
    out: list[str] = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            selectors = scope_selectors(tinycss2.serialize(rule.prelude), scope)
            out.append(f"{selectors} {{{tinycss2.serialize(rule.content)}}}")
        elif rule.type == "at-rule" and rule.lower_at_keyword == "media":
            media = tinycss2.serialize(rule.prelude).strip()
            if "print" in media.lower() and "screen" not in media.lower():
                continue
            inner = scoped(tinycss2.serialize(rule.content or []), scope)
            out.append(f"@media {media} {{\n{inner}\n}}")
        elif rule.type == "at-rule" and rule.lower_at_keyword != "page":
            out.append(rule.serialize())  # @font-face: its family name is ours alone
    return "\n".join(out)


def scope_selectors(selectors: str, scope: str = SCOPE) -> str:
    """Return a selector list with each selector inside `scope`."""
    scoped_list = []
    for selector in _split(selectors):
        selector = selector.strip()
        if _ROOTS.match(selector):
            scoped_list.append(_ROOTS.sub(scope, selector, count=1))
        else:
            scoped_list.append(f"{scope} {selector}")
    return ", ".join(scoped_list)


def _split(selectors: str) -> list[str]:
    """Split a selector list at its top-level commas (not those inside :is(...))."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(selectors):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(selectors[start:i])
            start = i + 1
    parts.append(selectors[start:])
    return [p for p in parts if p.strip()]
