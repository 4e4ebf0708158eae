"""Write outputs so that a reader never sees half a file and a failed build changes nothing."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it into place.

    The rename is atomic on POSIX, so a concurrent build or reader sees either the old
    file or the new one, and a build killed mid-write leaves only a stray temporary file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # The pid in the name lets a later build tell a live writer's file from a dead one's.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_all(files: dict[Path, bytes]) -> None:
    """Write every file atomically; call only once everything has been computed."""
    for path, data in files.items():
        remove_stale(path)
        write_atomic(path, data)


STALE_SECONDS = 3600  # a temporary file with no pid in its name is stale after an hour


def remove_stale(path: Path) -> list[Path]:
    """Remove temporary files of `path` (.NAME.*.tmp) left by builds that were killed.

    A file whose writer is still running (another build at the same time) is kept."""
    removed = []
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        pid = tmp.name[len(path.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and _alive(int(pid)):
            continue
        try:
            if pid.isdigit() or time.time() - tmp.stat().st_mtime > STALE_SECONDS:
                tmp.unlink()
                removed.append(tmp)
        except FileNotFoundError:  # its writer renamed it, or another build removed it
            continue
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
