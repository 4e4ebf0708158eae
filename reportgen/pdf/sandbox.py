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
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


class Kept:
    """A PDF child kept for many jobs, as `reportgen publish` uses one: WeasyPrint is
    imported once and its fonts and caches stay warm. Each job is a line on its stdin and
    each answer a line on its stdout; the time limit applies to each job."""

    def __init__(self) -> None:
        self.child = _start()
        self._err = bytearray()
        # Drain stderr all along, or a chatty job would fill the pipe and block the child.
        self._drain = threading.Thread(target=self._read_err, daemon=True,
                                       name="reportgen-pdf-stderr")
        self._drain.start()

    def _read_err(self) -> None:
        assert self.child.stderr is not None
        fd = self.child.stderr.fileno()
        for chunk in iter(lambda: os.read(fd, 65536), b""):
            self._err = (self._err + chunk)[-65536:]

    def ask(self, job: bytes, seconds: float) -> tuple[bytes, bytes, int]:
        """Send one job and return (answer, stderr so far, exit code or 0 if alive); raise
        subprocess.TimeoutExpired when no answer comes within `seconds`."""
        assert self.child.stdin is not None and self.child.stdout is not None
        try:
            self.child.stdin.write(job + b"\n")
            self.child.stdin.flush()
        except BrokenPipeError:  # it died: the answer is its exit code
            return b"", bytes(self._err), self.child.wait()
        out = _read_line(self.child.stdout.fileno(), time.monotonic() + seconds)
        if not out.endswith(b"\n"):
            return out, bytes(self._err), self.child.wait()
        return out, bytes(self._err), 0

    def close(self) -> None:
        """Let the child finish (no more jobs), or kill it if it does not at once."""
        if self.child.stdin is not None and not self.child.stdin.closed:
            try:
                self.child.stdin.close()
            except BrokenPipeError:
                pass
        try:
            self.child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.child.kill()
            self.child.wait()
        self._drain.join(timeout=5)

    def __enter__(self) -> Kept:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None and self.child.poll() is None:
            self.child.kill()
        self.close()


def _read_line(fd: int, deadline: float) -> bytes:
    """Return what the child writes up to and with a newline, or up to its end."""
    data = bytearray()
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while not data.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                raise subprocess.TimeoutExpired("reportgen.pdf.worker", 0)
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            data += chunk
    return bytes(data)


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

    def __iter__(self) -> Iterator[Any]:
        """Unpack as (pdf, warnings), what render_pdf returned before it had timings."""
        return iter((self.pdf, self.warnings))


def render_pdf(html: str, *, base: Path, roots: list[Path], charts: dict[str, bytes],
               limits: Limits = Limits(),  # noqa: B008 - frozen
               child: Child | Kept | None = None) -> Rendered:
    """Return the PDF, WeasyPrint's warnings and the steps' times, made within the limits,
    by `child` (from worker(), or a Kept one) or by a child started now."""
    job = json.dumps({
        "html": html, "base": str(base), "roots": [str(r) for r in roots],
        "charts": {name: base64.b64encode(data).decode("ascii") for name, data in charts.items()},
        "megabytes": limits.megabytes,
    }).encode("utf-8")
    if isinstance(child, Kept):
        return _ask_kept(child, job, limits)
    child = child or _start()
    try:
        out, err = child.communicate(job, timeout=limits.seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise _too_long(limits) from None
    except BaseException:  # Ctrl-C or the like: never leave the child running
        child.kill()
        child.wait()
        raise
    return _result(out, err, child.returncode, limits)


def _ask_kept(kept: Kept, job: bytes, limits: Limits) -> Rendered:
    """Return the PDF of one job sent to a kept child; kill it if the job breaks a limit."""
    try:
        out, err, code = kept.ask(job, limits.seconds)
    except subprocess.TimeoutExpired:
        kept.child.kill()
        raise _too_long(limits) from None
    except BaseException:
        kept.child.kill()
        raise
    return _result(out, err, code, limits)


def _too_long(limits: Limits) -> RenderError:
    return RenderError(f"the PDF took longer than the time limit of {limits.seconds:g} s "
                       "and was stopped; look for a very long or unusual comment, or "
                       "raise the limit with --time-limit SECONDS")


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
