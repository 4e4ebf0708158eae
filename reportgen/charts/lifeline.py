"""The chart processes die with the build that started them, however it ends.

The fork server and the pool's workers outlive a build that is SIGKILLed (multiprocessing
gives them no way to notice), so each watches the build's process and exits as soon as it
is gone: the fork server when this module is preloaded into it (charts.store._PRELOAD),
each worker from the pool's initializer. Watching uses a pidfd, so it wakes on the death
itself, not on a timer; where there is none (not Linux), it checks once a second.
"""

from __future__ import annotations

import os
import select
import sys
import threading
import time

from reportgen.core.output import alive


def watch(pid: int) -> None:
    """Exit this process as soon as process `pid` has ended."""
    threading.Thread(target=_wait_then_exit, args=(pid,), name="reportgen-lifeline",
                     daemon=True).start()


def _wait_then_exit(pid: int) -> None:
    try:
        handle = os.pidfd_open(pid)
    except (AttributeError, OSError):  # no pidfd: poll; ProcessLookupError: already gone
        while alive(pid):
            time.sleep(1)
    else:
        select.select([handle], [], [])
    os._exit(1)


def _in_fork_server() -> bool:
    """Tell whether this is multiprocessing's fork server importing its preload modules."""
    return sys.argv[:1] == ["-c"] and "multiprocessing.forkserver" in sys.modules


if _in_fork_server():
    watch(os.getppid())  # the build that started the fork server
