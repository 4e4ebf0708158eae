"""Jinja's compiled templates, kept between runs.

Compiling the report's templates takes ~0.2 s, and a build does it on its way to handing the
PDF child its job (docs/performance.md); loading them compiled takes ~0.01 s. Jinja checks
each cached template against its source, so an edited template, or a council's template in
place of ours, is compiled again; the cache key carries what else compiled code depends on:
the file, Python's and Jinja's versions, and the environment's settings.

The cache is $XDG_CACHE_HOME/reportgen/templates, else ~/.cache/reportgen/templates: beside
the default chart cache, as the web fonts' is, and not under $REPORTGEN_CACHE_DIR, which is
the chart cache alone (and which `--no-cache` promises not to touch). Its files are code
that Python runs, so the directory must be ours alone: it is made 0700, and not used if it
is not a directory we own that nobody else may write to. A file that cannot be read or
written is compiled again, never an error.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket

log = logging.getLogger("reportgen.render.compiled")


def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Return the compiled templates' cache, or None where it may not be used."""
    directory = cache_directory()
    return _Kept(str(directory)) if _ours_alone(directory) else None


def cache_directory() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "reportgen" / "templates"


def _ours_alone(directory: Path) -> bool:
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = directory.lstat()
    except OSError as exc:
        log.debug("templates compiled each time: %s: %s", directory, exc)
        return False
    owner = getattr(os, "getuid", None)
    ours = (stat.S_ISDIR(info.st_mode) and (owner is None or info.st_uid == owner())
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))
    if not ours:
        log.debug("templates compiled each time: %s is not ours alone", directory)
    return ours


def settings(env: jinja2.Environment) -> str:
    """Return a digest of what a template's compiled code depends on besides its source."""
    parts: list[Any] = [
        sys.version_info[:2], jinja2.__version__, sorted(env.extensions),
        sorted(env.filters), sorted(env.tests), sorted(map(repr, env.policies.items())),
        getattr(env, "newstyle_gettext", None), env.block_start_string, env.block_end_string,
        env.variable_start_string, env.variable_end_string, env.comment_start_string,
        env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
        env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
        env.autoescape, env.optimized]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


class _Kept(jinja2.FileSystemBytecodeCache):
    """Jinja's cache on files, keyed by the environment's settings too, that compiles a
    template again where its file cannot be read or written."""

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> Bucket:
        return super().get_bucket(environment, f"{name}\0{settings(environment)}", filename,
                                  source)

    def load_bytecode(self, bucket: Bucket) -> None:
        self._tolerant(super().load_bytecode, bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._tolerant(super().dump_bytecode, bucket)

    @staticmethod
    def _tolerant(step: Callable[[Bucket], None], bucket: Bucket) -> None:
        try:
            step(bucket)
        except Exception as exc:  # noqa: BLE001 - a truncated file, a full disk: compile
            log.debug("compiled template %s not kept: %r", bucket.key, exc)
            bucket.reset()
