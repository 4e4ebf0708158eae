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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.core.errors import RenderError
from reportgen.core.resources import ROOT
from reportgen.core.signals import ctrl_c_blocked

Child = subprocess.Popen[bytes]  # the PDF child process


@dataclass(frozen=True)
class Limits:
    """How long and how much memory the PDF step may take. A 30-page report needs about
    10 s and 400 MB; the defaults leave room many times over on a slow CI machine."""

    seconds: float = 300.0
    megabytes: int = 2048


@contextmanager
def worker(wanted: bool = True) -> Iterator[Child | None]:
    """Start the PDF child now (or take the one started by prestarted()), so it imports
    WeasyPrint (~0.5 s) while the build loads the data and draws charts; kill it on the way
    out if no job reached it."""
    global _early
    child, _early = (_early or _start(), None) if wanted else (None, _early)
    try:
        yield child
    finally:
        if child is not None and child.poll() is None:
            child.kill()
            child.communicate()


_early: Child | None = None  # started by prestarted(), for the next worker() to take


def prestart() -> None:
    """Start the PDF child now, for the next worker() to take (see prestarted)."""
    global _early
    if _early is None:
        _early = _start()


@contextmanager
def prestarted(wanted: bool = True) -> Iterator[None]:
    """Start the PDF child now, for the build's worker() to take: `reportgen build` calls
    this before it imports the rest of reportgen, so that the child's WeasyPrint import,
    the longest thing before layout can start, begins ~0.2 s sooner. Killed on the way out
    if nothing took it (the build failed first)."""
    global _early
    if wanted:
        prestart()
    try:
        yield
    finally:
        child, _early = _early, None
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
        self.chart_error: BaseException | None = None  # the last job's, if a chart failed
        # Drain stderr all along, or a chatty job would fill the pipe and block the child.
        self._drain = threading.Thread(target=self._read_err, daemon=True,
                                       name="reportgen-pdf-stderr")
        self._drain.start()

    def _read_err(self) -> None:
        assert self.child.stderr is not None
        fd = self.child.stderr.fileno()
        for chunk in iter(lambda: os.read(fd, 65536), b""):
            self._err = (self._err + chunk)[-65536:]

    def ask(self, job: bytes, seconds: float,
            later: Later | None = None) -> tuple[bytes, bytes, int]:
        """Send one job (and the charts to come, as they are drawn) and return (answer,
        stderr so far, exit code or 0 if alive); raise subprocess.TimeoutExpired when no
        answer comes within `seconds`."""
        assert self.child.stdin is not None and self.child.stdout is not None
        try:
            self.child.stdin.write(job + b"\n")
            self.child.stdin.flush()
        except BrokenPipeError:  # it died: the answer is its exit code
            return b"", bytes(self._err), self.child.wait()
        feeder = _Feeder(self.child.stdin, later, close=False)
        # On a timeout the caller kills the child, which ends the feeder.
        out = _read_line(self.child.stdout.fileno(), time.monotonic() + seconds)
        feeder.join()  # every chart line is sent before the next job's line can be
        self.chart_error = feeder.error
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
    with ctrl_c_blocked():  # the build answers Ctrl+C and stops its child
        return subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
            [sys.executable, "-m", "reportgen.pdf.worker"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


@dataclass(frozen=True)
class Later:
    """Charts still being drawn when the PDF job is sent: their file names, and `get`, which
    waits for a chart's bytes. The child lays out meanwhile and needs them only to write
    the PDF (pdf.write)."""

    names: list[str]
    get: Callable[[str], bytes]


class _Feeder:
    """Writes a job's charts to the child's stdin as they are drawn, one line each, from a
    thread (after the job, if `job` is given); closes stdin at the end if `close`. A
    chart that could not be drawn is sent as an error, and its exception kept in `error`
    for the build to raise: the drawing's error, not the PDF's."""

    def __init__(self, stdin: Any, later: Later | None, *, job: bytes | None = None,
                 close: bool = True) -> None:
        self.error: BaseException | None = None
        self._stdin, self._later, self._job, self._close = stdin, later, job, close
        self._thread = threading.Thread(target=self._run, name="reportgen-pdf-feeder",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            if self._job is not None:
                self._stdin.write(self._job + b"\n")
                self._stdin.flush()
            for name in self._later.names if self._later is not None else []:
                self._stdin.write(json.dumps(self._line(name)).encode("ascii") + b"\n")
                self._stdin.flush()
        except OSError:  # the child died or was stopped: its exit says why
            pass
        finally:
            if self._close:
                try:
                    self._stdin.close()
                except OSError:
                    pass

    def _line(self, name: str) -> dict[str, str]:
        assert self._later is not None
        try:
            data = self._later.get(name)
        except BaseException as exc:  # noqa: BLE001 - kept, and raised by the build
            self.error = self.error or exc
            return {"chart": name, "error": f"{type(exc).__name__}: {exc}"}
        return {"chart": name, "data": base64.b64encode(data).decode("ascii")}

    def join(self) -> None:
        self._thread.join()


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
               child: Child | Kept | None = None, later: Later | None = None,
               sizes: dict[str, tuple[int, int]] | None = None) -> Rendered:
    """Return the PDF, WeasyPrint's warnings and the steps' times, made within the limits,
    by `child` (from worker(), or a Kept one) or by a child started now. `charts`: the chart
    files in hand; `later`: those still being drawn, sent as they come; `sizes`: every
    PNG chart's size in pixels, so that layout need not wait for any (pdf.write)."""
    job = json.dumps({
        "html": html, "base": str(base), "roots": [str(r) for r in roots],
        "charts": {name: base64.b64encode(data).decode("ascii") for name, data in charts.items()},
        "later": later.names if later is not None else [],
        "sizes": sizes or {},
        "megabytes": limits.megabytes,
    }).encode("utf-8")
    if isinstance(child, Kept):
        return _ask_kept(child, job, limits, later)
    child = child or _start()
    # The feeder thread owns the child's stdin: the job, then each chart as it is drawn.
    feeder = _Feeder(child.stdin, later, job=job)
    child.stdin = None
    try:
        out, err = child.communicate(timeout=limits.seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise _too_long(limits) from None
    except BaseException:  # Ctrl-C or the like: never leave the child running
        child.kill()
        child.wait()
        raise
    feeder.join()
    if feeder.error is not None:
        raise feeder.error
    return _result(out, err, child.returncode, limits)


def _ask_kept(kept: Kept, job: bytes, limits: Limits, later: Later | None) -> Rendered:
    """Return the PDF of one job sent to a kept child; kill it if the job breaks a limit."""
    try:
        out, err, code = kept.ask(job, limits.seconds, later)
    except subprocess.TimeoutExpired:
        kept.child.kill()
        raise _too_long(limits) from None
    except BaseException:
        kept.child.kill()
        raise
    if kept.chart_error is not None:  # the child is fine: only this quarter failed
        raise kept.chart_error
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
