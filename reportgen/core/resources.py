"""Where the packaged templates and styles are.

They live at the top of the repository (templates/, styles/), where a council edits them. A
wheel carries them inside the package (pyproject.toml maps reportgen.templates and
reportgen.styles to those folders, and the Derbyshire sample to reportgen.sample), so a
checkout, an editable install and a plain `pip install` each find them without symbolic
links, from any working directory.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
ROOT = PACKAGE.parent  # the checkout, when running from one


def _resource(name: str) -> Path:
    """Return the folder `name`: inside the installed package, else at the checkout's top."""
    inside = PACKAGE / name
    return inside if inside.is_dir() else ROOT / name


def _sample() -> Path:
    """Return the bundled sample council (its year directories): the checkout's
    data/derbyshire, or the copy a wheel carries as reportgen/sample."""
    inside = PACKAGE / "sample"
    return inside if inside.is_dir() else ROOT / "data" / "derbyshire"


TEMPLATES = _resource("templates")
STYLES = _resource("styles")
LOCALE = _resource("locale")  # the message catalogues of the report's words
FONTS = STYLES / "fonts"
SAMPLE_QUARTER = _sample() / "2025-26" / "q1"
# docs/ci's workflows, which `reportgen init` copies (reportgen/ci in a wheel)
CI_TEMPLATES = PACKAGE / "ci" if (PACKAGE / "ci").is_dir() else ROOT / "docs" / "ci"
