"""Lay out the PDF in a child process with a time limit and a memory limit.

WeasyPrint runs in `python -m reportgen.pdf.worker`, which caps its own address
space (RLIMIT_AS) and dies with its parent. The parent waits at most the time limit, then
kills it. So a pathological comment or stylesheet fails the build with a message naming
the limit, instead of hanging CI or swapping the machine to a standstill.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reportgen.core.errors import RenderError
from reportgen.core.resources import ROOT

Child = subprocess.Popen[bytes]  # the PDF child process


@dataclass(frozen=True)
class Limits:
    """How long and how much memory the PDF step may take. A 30-page report needs about
    10 s and 400 MB; the defaults leave room many times over on a slow CI machine."""

    seconds: float = 300.0
    megabytes: int = 2048


@contextmanager
def worker(wanted: bool = True) -> Iterator[Child | None]:
    """Start the PDF child now, so it imports WeasyPrint (~0.5 s) while the build loads the
    data and draws charts; kill it on the way out if no job reached it."""
    child = _start() if wanted else None
    try:
        yield child
    finally:
        if child is not None and child.poll() is None:
            child.kill()
            child.communicate()


def _start() -> Child:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
        [sys.executable, "-m", "reportgen.pdf.worker"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


@dataclass(frozen=True)
class Rendered:
    """The PDF, WeasyPrint's warnings, and the seconds of each step in the child (write_pdf's
    layout_s, write_s, finish_s)."""

    pdf: bytes
    warnings: list[str]
    timings: dict[str, float]


def render_pdf(html: str, *, base: Path, roots: list[Path], charts: dict[str, bytes],
               limits: Limits = Limits(),  # noqa: B008 - frozen
               child: Child | None = None) -> Rendered:
    """Return the PDF, WeasyPrint's warnings and the steps' times, made within the limits,
    by `child` (from worker()) or by a child started now."""
    job = json.dumps({
        "html": html, "base": str(base), "roots": [str(r) for r in roots],
        "charts": {name: base64.b64encode(data).decode("ascii") for name, data in charts.items()},
        "megabytes": limits.megabytes,
    }).encode("utf-8")
    child = child or _start()
    try:
        out, err = child.communicate(job, timeout=limits.seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise RenderError(f"the PDF took longer than the time limit of {limits.seconds:g} s "
                          "and was stopped; look for a very long or unusual comment, or "
                          "raise the limit with --time-limit SECONDS") from None
    except BaseException:  # Ctrl-C or the like: never leave the child running
        child.kill()
        child.wait()
        raise
    return _result(out, err, child.returncode, limits)


def _result(out: bytes, err: bytes, code: int, limits: Limits) -> Rendered:
    try:
        answer = json.loads(out)
    except ValueError:
        answer = {}
    if "pdf" in answer:
        return Rendered(base64.b64decode(answer["pdf"]), answer["warnings"],
                        answer.get("timings", {}))
    if answer.get("kind") == "memory" or b"MemoryError" in err:
        raise RenderError(f"the PDF needed more than the memory limit of {limits.megabytes} MB "
                          "and was stopped; look for a very long or unusual comment, or "
                          "raise the limit with --memory-limit MB")
    if code < 0:
        raise RenderError(f"the PDF step was stopped by {signal.Signals(-code).name}; it may "
                          f"have hit the memory limit of {limits.megabytes} MB "
                          "(raise it with --memory-limit MB)")
    detail = answer.get("error") or err.decode("utf-8", "replace").strip()[-500:]
    raise RenderError(detail or f"the PDF step stopped with exit code {code}")
