"""Compiled templates are kept between runs, in a directory of ours alone, and an edited
template, a damaged file or a directory others may write to never changes what is rendered."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest

from reportgen.render import compiled, html


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """$XDG_CACHE_HOME in tmp_path; each environment() call is as in a new process."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    html._environment.cache_clear()
    yield tmp_path / "cache" / "reportgen" / "templates"
    html._environment.cache_clear()


@pytest.fixture()
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from source (it is still Jinja that does)."""
    names: list[str] = []
    compile_source = jinja2.Environment.compile

    def counted(self: jinja2.Environment, source: str, name: str | None = None,
                *args: object, **kwargs: object) -> object:
        names.append(str(name))
        return compile_source(self, source, name, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return names


def _council(tmp_path: Path, text: str) -> Path:
    council = tmp_path / "council"
    (council / "templates").mkdir(parents=True, exist_ok=True)
    (council / "templates" / "note.html").write_text(text, encoding="utf-8")
    return council


def _render(council: Path) -> str:
    html._environment.cache_clear()  # as a new process would
    return html.environment(council).get_template("note.html").render(name="Derbyshire")


def test_a_second_run_compiles_nothing(cache: Path, compiles: list[str], tmp_path: Path) -> None:
    council = _council(tmp_path, "{% import 'macros.html' as m %}<p>{{ name }}</p>")
    first = _render(council)
    assert compiles[:2] == ["note.html", "macros.html"]  # and what macros.html imports
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert len(list(cache.iterdir())) == len(compiles)
    compiles.clear()
    assert _render(council) == first == "<p>Derbyshire</p>"
    assert compiles == []


def test_an_edited_template_is_compiled_again(cache: Path, compiles: list[str],
                                              tmp_path: Path) -> None:
    council = _council(tmp_path, "<p>{{ name }}</p>")
    assert _render(council) == "<p>Derbyshire</p>"
    _council(tmp_path, "<h1>{{ name }}</h1>")
    assert _render(council) == "<h1>Derbyshire</h1>"
    assert compiles == ["note.html", "note.html"]


def test_a_damaged_file_is_compiled_again(cache: Path, compiles: list[str],
                                          tmp_path: Path) -> None:
    council = _council(tmp_path, "<p>{{ name }}</p>")
    _render(council)
    for kept in cache.iterdir():
        kept.write_bytes(kept.read_bytes()[:20])  # cut short, past Jinja's header
    assert _render(council) == "<p>Derbyshire</p>"
    assert compiles == ["note.html", "note.html"]


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_directory_others_may_write_to_is_not_used(cache: Path, compiles: list[str],
                                                     tmp_path: Path) -> None:
    cache.mkdir(parents=True)
    cache.chmod(0o777)
    council = _council(tmp_path, "<p>{{ name }}</p>")
    assert compiled.bytecode_cache() is None
    assert _render(council) == _render(council) == "<p>Derbyshire</p>"
    assert compiles == ["note.html", "note.html"]
    assert list(cache.iterdir()) == []


def test_a_link_in_place_of_the_directory_is_not_used(cache: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    cache.parent.mkdir(parents=True)
    cache.symlink_to(elsewhere)
    assert compiled.bytecode_cache() is None


def test_settings_that_change_compiled_code_change_the_key() -> None:
    plain = jinja2.Environment()
    assert compiled.settings(plain) == compiled.settings(jinja2.Environment())
    assert compiled.settings(plain) != compiled.settings(jinja2.Environment(trim_blocks=True))
    assert compiled.settings(plain) != compiled.settings(jinja2.Environment(autoescape=True))
