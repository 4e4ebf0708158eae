"""Settings in one place: reportgen.toml in the working directory, else [tool.reportgen] in
pyproject.toml, else the defaults. Options given on the command line win over both.

    # reportgen.toml
    quarter = "data/derbyshire/2025-26/q2"   # the quarter commands use when given none
    output = "output"                        # where build and export write
    ratings = "blue-green-amber-red"         # overrides the plan's rating scheme (or a
                                             # [ratings] table: docs/configuration.md)
    templates = "theme"                      # a directory with templates/ and styles/
    language = "cy"                          # the report's language, instead of the plan's

    [branding]
    council = "Derbyshire County Council"    # overrides the plan's council name
    logo = "theme/logo.svg"                  # SVG, PNG or JPEG, on the cover
    colour = "#1d3c6e"                       # headings, table heads, the cover's rule
    font = "Council Sans"                    # the report's typeface (declared in stylesheet)
    stylesheet = "theme/council.css"         # added after ours: it changes what it names
    palette = { link = "#1d70b8" }           # the stylesheet's colour variables

Relative paths are relative to the file they are written in.
"""

from __future__ import annotations

import base64
import os
import re
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from reportgen.core.errors import UsageError, did_you_mean, display_path
from reportgen.core.model import Report
from reportgen.core.ratings import BUILT_IN, scheme_from
from reportgen.core.words import Words
from reportgen.data import safefile
from reportgen.data.schema import SchemeSpec

CONFIG_FILE = "reportgen.toml"
PYPROJECT = "pyproject.toml"
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
              ".jpeg": "image/jpeg"}
MAX_LOGO_BYTES = 2_000_000
# The colour variables of styles/report.css that a council may set (--brand and so on).
PALETTE = ("brand", "ink", "rule", "band", "muted", "link", "highlight")
CHART_COLOURS = ("ink", "muted")  # the palette colours the charts are drawn in too
COLOUR = r"^#[0-9a-fA-F]{6}$"
# A CSS url() that is relative: no scheme (data:, https:), not absolute, not a fragment.
RELATIVE_URL = re.compile(r"""url\(\s*(['"]?)(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)([^'")]+)\1\s*\)""")


class Branding(BaseModel):
    """How the report looks as the council's own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    council: str | None = Field(None, description="The council's name, instead of the plan's.")
    logo: Path | None = Field(None, description="An SVG, PNG or JPEG shown on the cover.")
    colour: str | None = Field(None, pattern=COLOUR,
                               description="The brand colour, #rrggbb.")
    font: str | None = Field(None, pattern=r"^[A-Za-z0-9 _-]{1,64}$",
                             description="The report's typeface: a font family installed on "
                                         "the machine or declared by @font-face in the "
                                         "stylesheet. Liberation Sans stands in for missing "
                                         "letters.")
    palette: dict[str, str] = Field(default_factory=dict,
                                    description="Colours of the stylesheet's variables, by "
                                                "name: " + ", ".join(PALETTE) + ".")
    stylesheet: Path | None = Field(None, description="A council stylesheet added after ours: "
                                                      "it changes only what it names.")
    replace_stylesheet: bool = Field(False, description="Use the theme's styles/report.css "
                                                        "instead of ours rather than after it.")

    @field_validator("palette")
    @classmethod
    def _known_colours(cls, palette: dict[str, str]) -> dict[str, str]:
        for name, colour in palette.items():
            if name not in PALETTE:
                raise ValueError(f"'{name}' is not a palette colour"
                                 f"{did_you_mean(name, list(PALETTE), 'allowed')}")
            if not re.match(COLOUR, colour):
                raise ValueError(f"{name}: '{colour}' is not a colour; write #rrggbb")
        return palette

    def roots(self) -> list[Path]:
        """Return the directories the PDF renderer may read for these settings' files."""
        return [self.stylesheet.parent] if self.stylesheet else []


class Settings(BaseModel):
    """Everything reportgen can be told once instead of on every command line."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    quarter: Path | None = Field(None, description="The quarter directory commands use when "
                                                   "given none.")
    output: Path = Field(Path("output"), description="Where build and export write.")
    ratings: str | dict[str, Any] | None = Field(
        None, description="A built-in rating scheme's name, or a [ratings] table shaped like "
                          "plan.yaml's ratings: (rule, bands, travel), used instead of the "
                          "plan's.")
    templates: Path | None = Field(None, description="A directory with templates/ and styles/ "
                                                     "that override the packaged ones.")
    language: Literal["en-GB", "cy"] | None = Field(
        None, description="The report's language, instead of the plan's: en-GB or cy (a "
                          "Welsh edition from the same data).")
    branding: Branding = Field(default_factory=Branding)
    source: Path | None = Field(None, exclude=True, description="The file these came from.")

    @field_validator("ratings")
    @classmethod
    def _known_scheme(cls, given: str | dict[str, Any] | None) -> str | dict[str, Any] | None:
        if isinstance(given, str) and given not in BUILT_IN:
            raise ValueError(f"'{given}' is not a rating scheme; choose from "
                             f"{', '.join(BUILT_IN)}")
        if isinstance(given, dict):
            return _scheme_table(given)
        return given

    def overridden(self, **options: Any) -> Settings:
        """Return these settings with the command-line options that were given (not None)."""
        return self.model_copy(update={k: v for k, v in options.items() if v is not None})

    def apply(self, report: Report) -> None:
        """Apply the council name, rating scheme and branding to a loaded report, before it
        is rated (pipeline.load_report)."""
        report.brand_css = self.css()
        report.chart_colours = {name: colour for name, colour in self.branding.palette.items()
                                if name in CHART_COLOURS}
        if self.branding.council:
            report.council = self.branding.council
        if self.ratings:  # a name, or a table already checked by _known_scheme
            report.scheme = scheme_from(self.ratings)
        if self.language:
            report.profile = replace(report.profile, language=self.language)
            report.words = Words(self.language, report.profile.words)

    def _home(self) -> Path:
        """Return the directory the settings' files must stay inside: the settings file's."""
        return (self.source.parent if self.source else Path.cwd()).resolve()

    def css(self) -> str:
        """Return the stylesheet lines for the branding, after ours: colours, font, logo and
        the council's own stylesheet, in that order ("" for none)."""
        brand = self.branding
        rules = [""]
        colours = {**({"brand": brand.colour} if brand.colour else {}), **brand.palette}
        if colours:
            rules.append(":root { " + " ".join(f"--{k}: {v};" for k, v in colours.items())
                         + " }")
        if brand.font:
            # The page boxes (footer) do not inherit from html, so they are named too.
            family = f'font-family: "{brand.font}", "Report Sans", sans-serif;'
            rules.append(f"html {{ {family} }}\n@page {{ @bottom-left {{ {family} }} "
                         f"@bottom-right {{ {family} }} }}")
        if self.branding.logo:
            # A background, so the tagged PDF treats it as decoration: the council's name is
            # the text beside it. Inlined, so the PDF renderer fetches nothing.
            logo = _data_uri(self.branding.logo, self._home())
            rules.append(".cover::before { content: ''; display: block; width: 70mm; "
                         "height: 28mm; margin-bottom: 14pt; background: "
                         f"url({logo}) no-repeat left center; "
                         "background-size: contain; }")
        if brand.stylesheet:
            rules.append(council_stylesheet(brand.stylesheet))
        return "\n".join(rules)


def council_stylesheet(path: Path) -> str:
    """Return a council's stylesheet to add after ours, its relative url()s made absolute:
    the combined stylesheet is read against our styles directory."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
        raise UsageError(f"stylesheet {display_path(path)}: {why}") from None
    return f"/* {path.name} */\n" + absolute_urls(text, path.parent)


def absolute_urls(css: str, directory: Path) -> str:
    """Return CSS with each relative url(...) made a file: URL in `directory`."""
    def absolute(found: re.Match[str]) -> str:
        return f'url("{(directory / found.group(2).strip()).resolve().as_uri()}")'

    return RELATIVE_URL.sub(absolute, css)


def _scheme_table(table: dict[str, Any]) -> dict[str, Any]:
    """Return a [ratings] table checked as plan.yaml's scheme is, or raise ValueError
    saying what is wrong."""
    try:
        spec = SchemeSpec.model_validate(table).model_dump()
        scheme_from(spec)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ValueError(f"{where}: {first['msg'].removeprefix('Value error, ')}") from None
    return spec


def _data_uri(path: Path, within: Path) -> str:
    kind = LOGO_TYPES.get(path.suffix.lower())
    if kind is None:
        raise UsageError(f"logo {display_path(path)}: use an SVG, PNG or JPEG file")
    try:  # the same checks as a data file: no link out of the data repository, no pipe
        data = safefile.read_bytes(path, within=within, limit=MAX_LOGO_BYTES, what="logo")
    except safefile.FileRefused as exc:
        raise UsageError(f"logo {display_path(path)}: {exc.problem.message}") from None
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def load_settings(directory: Path | None = None) -> Settings:
    """Return the settings for `directory` (default: the working directory)."""
    directory = directory or Path.cwd()
    own, pyproject = directory / CONFIG_FILE, directory / PYPROJECT
    if os.path.lexists(own):  # a directory or a pipe by that name is an error, not ignored
        return _settings(_toml(own), own)
    if pyproject.is_file():
        table = _toml(pyproject).get("tool", {}).get("reportgen")
        if table is not None:
            return _settings(table, pyproject)
    return Settings()


def _toml(path: Path) -> dict[str, Any]:
    try:
        raw = safefile.read_bytes(path, within=path.parent, what="settings file")
        return tomllib.loads(raw.decode("utf-8-sig"))
    except safefile.FileRefused as exc:
        raise UsageError(str(exc.problem)) from None
    except UnicodeDecodeError:
        raise UsageError(f"{display_path(path)}: the file is not UTF-8: save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{display_path(path)}: {exc}") from None


def _settings(table: dict[str, Any], path: Path) -> Settings:
    """Validate a settings table, resolving its paths against the file's directory."""
    where = display_path(path) + (" [tool.reportgen]" if path.name == PYPROJECT else "")
    try:
        settings = Settings.model_validate({**table, "source": path})
    except ValidationError as exc:
        raise UsageError("\n".join(_message(where, e) for e in exc.errors())) from None
    base = path.parent

    def resolve(p: Path | None) -> Path | None:
        return p if p is None or p.is_absolute() else base / p

    return settings.model_copy(update={
        "quarter": resolve(settings.quarter), "output": resolve(settings.output),
        "templates": resolve(settings.templates),
        "branding": settings.branding.model_copy(update={
            "logo": resolve(settings.branding.logo),
            "stylesheet": resolve(settings.branding.stylesheet)}),
    })


def _message(where: str, error: Any) -> str:
    key = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        model = Settings if len(error["loc"]) == 1 else Branding
        allowed = [name for name in model.model_fields if name != "source"]
        hint = did_you_mean(str(error["loc"][-1]), allowed, "allowed")
        return f"{where}: unknown setting '{key}'{hint}"
    return f"{where}: {key}: {error['msg'].removeprefix('Value error, ')}"
