"""The child process of sandbox.render_pdf: read jobs on stdin, write each PDF on stdout.

It imports only what WeasyPrint needs, so starting it costs little more than WeasyPrint's
own import.
"""

from __future__ import annotations

import base64
import json
import os
import resource
import signal
import sys
from pathlib import Path
from typing import Any


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
    import pikepdf  # noqa: F401 - used by pdfua, imported here for the overlap
    import weasyprint

    # Lay out one word before any memory limit: Pango starts fontconfig in a thread of its
    # own on first use, and under the limit that thread can abort or hang the process
    # instead of a MemoryError that names the limit. Every job needs it done anyway.
    weasyprint.HTML(string="<p>.</p>").render()

    # One job a line, one answer a line: `reportgen publish` sends every quarter to this
    # one process, warm; a build sends one job and closes our stdin.
    for line in sys.stdin.buffer:
        if line.strip():
            answers.write(json.dumps(_answer(json.loads(line))) + "\n")
            answers.flush()
    return 0


def _answer(job: dict[str, Any]) -> dict[str, Any]:
    """Lay out one job within its memory limit; return the PDF or what went wrong."""
    limit = job["megabytes"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    charts = {name: base64.b64decode(data) for name, data in job["charts"].items()}
    try:
        from reportgen.pdf.write import write_pdf

        timings: dict[str, float] = {}
        pdf, warnings = write_pdf(job["html"], base=Path(job["base"]),
                                  roots=[Path(r) for r in job["roots"]],
                                  charts=lambda name: charts[name], timings=timings)
    except MemoryError:
        return {"kind": "memory"}
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises RenderError
        # A C library that cannot allocate often fails without a MemoryError (cairo, Pango
        # through cffi: "SystemError: error return without exception set"); the address
        # space having reached the limit says what happened.
        memory = isinstance(exc.__cause__, MemoryError) or _reached(limit)
        return {"kind": "memory" if memory else "render", "error": str(exc)}
    return {"pdf": base64.b64encode(pdf).decode("ascii"), "warnings": warnings,
            "timings": timings}


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
