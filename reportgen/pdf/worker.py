"""The child process of sandbox.render_pdf: read a job on stdin, write the PDF on stdout.

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
    # Keep stdout for the answer alone: anything a library prints goes to stderr instead.
    answer_fd = os.dup(1)
    os.dup2(2, 1)
    # Import before the job arrives: the build starts us early (sandbox.worker) so this
    # overlaps its loading and chart drawing. No job (the build failed) is a quiet exit.
    import pikepdf  # noqa: F401 - used by pdfua, imported here for the overlap
    import weasyprint  # noqa: F401

    raw = sys.stdin.buffer.read()
    if not raw:
        return 0
    job = json.loads(raw)
    limit = job["megabytes"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    charts = {name: base64.b64decode(data) for name, data in job["charts"].items()}
    answer: dict[str, object]
    try:
        from reportgen.pdf.write import write_pdf

        pdf, warnings = write_pdf(job["html"], base=Path(job["base"]),
                                  roots=[Path(r) for r in job["roots"]],
                                  charts=lambda name: charts[name])
    except MemoryError:
        answer = {"kind": "memory"}
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises RenderError
        cause = exc.__cause__
        kind = "memory" if isinstance(cause, MemoryError) else "render"
        answer = {"kind": kind, "error": str(exc)}
    else:
        answer = {"pdf": base64.b64encode(pdf).decode("ascii"), "warnings": warnings}
    with os.fdopen(answer_fd, "w", encoding="utf-8") as out:
        out.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
