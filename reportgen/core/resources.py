"""Where the packaged templates and styles are.

They live at the top of the repository (templates/, styles/), where a council edits them. A
wheel carries them inside the package (pyproject.toml maps reportgen.templates and
reportgen.styles to those folders), so a checkout, an editable install and a plain
`pip install` each find them without symbolic links.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
ROOT = PACKAGE.parent  # the checkout, when running from one


def _resource(name: str) -> Path:
    """Return the folder `name`: inside the installed package, else at the checkout's top."""
    inside = PACKAGE / name
    return inside if inside.is_dir() else ROOT / name


TEMPLATES = _resource("templates")
STYLES = _resource("styles")
LOCALE = _resource("locale")  # the message catalogues of the report's words
FONTS = STYLES / "fonts"
