"""What the browser tests share: Debian's Chromium (never a downloaded browser), its flags on
a closed network, axe-core from node_modules, and a skip, outside CI, where one is missing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def _missing() -> list[str]:
    missing = [] if CHROMIUM.exists() else [f"{CHROMIUM} (apt-get install chromium)"]
    if not AXE.exists():
        missing.append("node_modules/axe-core (npm ci)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -e '.[test]')")
    return missing


def skip_without_a_browser() -> None:
    """Skip the calling test module where the browser pieces are missing; in CI, fail instead
    (by not skipping), so a broken install cannot pass as skipped tests."""
    if _missing() and os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
        pytest.skip(f"browser tests need {', '.join(_missing())}", allow_module_level=True)
