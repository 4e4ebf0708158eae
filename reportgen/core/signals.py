"""Ctrl+C and the processes reportgen starts.

A terminal's Ctrl+C goes to the whole process group: the command line, its PDF child, the
chart fork server and its workers. Only the command line should answer it (it stops the
others and exits 130); a child still starting Python when it comes would print a
"Fatal Python error" or a KeyboardInterrupt traceback under the user's ^C."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def ctrl_c_blocked() -> Iterator[None]:
    """Block SIGINT in this thread while it starts a child process: the child inherits the
    blocked signal from its first instruction (a blocked signal stays blocked across fork
    and exec), so no Ctrl+C can reach it while it starts. The command line still gets it:
    a signal sent to the process goes to a thread that does not block it, or waits until
    this one unblocks it."""
    if not hasattr(signal, "pthread_sigmask"):  # not POSIX: nothing to inherit
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
