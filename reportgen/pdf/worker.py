"""The child process of sandbox.render_pdf: read jobs on stdin, write each PDF on stdout.

It imports only what WeasyPrint needs, so starting it costs little more than WeasyPrint's
own import.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import resource
import signal
import sys
import threading
from pathlib import Path
from typing import IO, Any


def _die_with_parent() -> None:
    """Ask Linux to kill us when the build that started us dies (even by SIGKILL)."""
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the time limit still applies
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def main() -> int:
    _die_with_parent()
    # Keep stdout for the answers alone: anything a library prints goes to stderr instead.
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    # Import before the job arrives: the build starts us early (sandbox.worker) so this
    # overlaps its loading and chart drawing. No job (the build failed) is a quiet exit.
    import_weasyprint()
    from reportgen.pdf import lean

    # Lay out one word before any memory limit: Pango starts fontconfig in a thread of its
    # own on first use, and under the limit that thread can abort or hang the process
    # instead of a MemoryError that names the limit. Every job needs it done anyway, as
    # it needs the HTML class write.py lays out with, whose stylesheet is parsed now
    # (~60 ms), and pydyf made lean (~50 ms): a build is still loading its data.
    lean.html_class("")(string="<p>.</p>").render()
    lean.prepare()

    # One job a line, one answer a line: `reportgen publish` sends every quarter to this
    # one process, warm; a build sends one job and closes our stdin. A job's charts still
    # being drawn follow it, a line each, read by a thread while the job is laid out.
    stdin = sys.stdin.buffer
    while line := stdin.readline():
        if line.strip():
            job = json.loads(line)
            del line  # the job's HTML, as JSON: not to be kept while it is laid out
            coming = Coming(stdin, job.get("later", []))
            write_answer(answers, _answer(job, coming))
            answers.flush()
            coming.join()  # the job's every chart line read: the next line is a job
    # Every answer is written: leave without tearing down WeasyPrint's objects and modules
    # (~0.1-0.3 s), which the build would wait for.
    answers.close()
    sys.stderr.flush()
    os._exit(0)


def import_weasyprint() -> Any:
    """Import WeasyPrint without a compiler run for each name of its libraries (~0.35 s).

    WeasyPrint loads Pango and the rest by trying each library's names for every platform
    in turn (weasyprint/text/ffi.py). On Linux each name that is not a file ("libpango-1.0-0",
    "pango-1.0-0") makes cffi ask ctypes.util.find_library, which runs ldconfig, gcc and ld
    (Kozea/WeasyPrint#1125): about 85 processes before the Linux name ("libpango-1.0.so.0")
    is tried, and loads. While WeasyPrint imports, find_library answers "not found" at once,
    so its Linux names are what load, found by dlopen as find_library's answer would have
    been (that answer is such a name, which dlopen then looks up the same way). A system
    where they do not load (other names) still gets WeasyPrint's own search, only slower.
    """
    if not sys.platform.startswith("linux"):
        import weasyprint

        return weasyprint
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = _not_found
    try:
        # its banner that libraries could not be imported would be early: they may still be
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint
    except OSError:  # a library under none of WeasyPrint's Linux names
        ctypes.util.find_library = search
        import weasyprint
    finally:
        ctypes.util.find_library = search
    return weasyprint


def _not_found(name: str) -> None:
    return None


class Coming:
    """The charts of a job that arrive after it, each a line {"chart": name, "data": base64}
    (or "error"), read from `stream` by a thread; get() waits for one."""

    def __init__(self, stream: IO[bytes], names: list[str]) -> None:
        self._charts: dict[str, bytes | str] = {}
        self._ended = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(stream, len(names)),
                                        name="reportgen-charts-in", daemon=True)
        self._thread.start()

    def _read(self, stream: IO[bytes], count: int) -> None:
        try:
            for _ in range(count):
                line = stream.readline()
                if not line:  # the build is gone
                    break
                message = json.loads(line)
                value = (base64.b64decode(message["data"]) if "data" in message
                         else str(message.get("error", "not drawn")))
                with self._changed:
                    self._charts[message["chart"]] = value
                    self._changed.notify_all()
        finally:
            with self._changed:
                self._ended = True
                self._changed.notify_all()

    def get(self, name: str) -> bytes:
        """Return the chart's bytes, waiting for them; raise ChartUnavailable if the build
        could not draw it."""
        from reportgen.pdf.write import ChartUnavailable

        with self._changed:
            self._changed.wait_for(lambda: name in self._charts or self._ended)
            value = self._charts.get(name)
        if not isinstance(value, bytes):
            raise ChartUnavailable(f"chart {name} was not drawn: {value or 'not sent'}")
        return value

    def join(self) -> None:
        self._thread.join()


def _answer(job: dict[str, Any], coming: Coming) -> dict[str, Any]:
    """Lay out one job within its memory limit; return the PDF or what went wrong."""
    limit = job["megabytes"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    charts = {name: base64.b64decode(data) for name, data in job.pop("charts").items()}

    def chart(name: str) -> bytes:
        return charts[name] if name in charts else coming.get(name)

    try:
        from reportgen.pdf.write import write_pdf

        timings: dict[str, float] = {}
        sizes = {name: (int(w), int(h)) for name, (w, h) in job.get("sizes", {}).items()}
        pdf, warnings = write_pdf(job["html"], base=Path(job["base"]),
                                  roots=[Path(r) for r in job["roots"]],
                                  charts=chart, sizes=sizes, timings=timings)
    except MemoryError:
        return {"kind": "memory"}
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises RenderError
        # A C library that cannot allocate often fails without a MemoryError (cairo, Pango
        # through cffi: "SystemError: error return without exception set"); the address
        # space having reached the limit says what happened.
        memory = isinstance(exc.__cause__, MemoryError) or _reached(limit)
        return {"kind": "memory" if memory else "render", "error": str(exc)}
    return {"pdf": pdf, "warnings": warnings, "timings": timings}


PIECE = 3 << 16  # bytes of PDF encoded at a time: a multiple of 3, so no padding between


def write_answer(out: IO[str], answer: dict[str, Any]) -> None:
    """Write one answer as a line of JSON, a PDF as base64 ({"pdf": "JVBERi0...", ...}),
    encoded a piece at a time: whole, its base64, that as text, the line and the line's
    bytes would be five copies of the PDF at once (~25 MB for the 10x benchmark's report),
    after the laid-out report has raised the child's memory to its peak."""
    pdf = answer.pop("pdf", None)
    if not isinstance(pdf, bytes):
        out.write(json.dumps(answer) + "\n")
        return
    out.write('{"pdf": "')
    for start in range(0, len(pdf), PIECE):
        out.write(base64.b64encode(pdf[start:start + PIECE]).decode("ascii"))
    rest = json.dumps(answer)
    out.write('"' + (", " + rest[1:] if rest != "{}" else "}") + "\n")


def _reached(limit: int) -> bool:
    """Return whether this process's address space came within 10% of `limit` (Linux's
    VmPeak, what RLIMIT_AS bounds); False where that cannot be read."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return False
    peak = next((line.split()[1] for line in status.splitlines()
                 if line.startswith("VmPeak:")), None)
    return peak is not None and int(peak) * 1024 >= limit * 0.9


if __name__ == "__main__":
    sys.exit(main())
