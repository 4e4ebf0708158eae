"""Write outputs so that a reader never sees half a file and a failed build changes nothing."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
import time
from pathlib import Path

from reportgen.core.errors import OutputError


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it into place.

    The rename is atomic on POSIX, so a concurrent build or reader sees either the old
    file or the new one, and a build killed mid-write leaves only a stray temporary file.
    """
    write_all({path: data})


def write_all(files: dict[Path, bytes]) -> None:
    """Write every file, all or nothing: each is first written in full beside its place,
    then all are renamed into place; if anything fails (a full disk, a read-only directory)
    every file is as it was before, as a set, and OutputError says why. Call only once
    everything has been computed."""
    for path in files:
        _check_place(path)
    temps: dict[Path, Path] = {}
    try:
        for path, data in files.items():
            remove_stale(path)
            temps[path] = _write_temp(path, data)
        _commit(temps)
    except OSError as exc:
        raise OutputError(_message(exc, next(iter(files)))) from None
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)


def _check_place(path: Path) -> None:
    """Refuse an output whose name is taken by a directory, or whose directory is a file."""
    for parent in reversed(path.parents):
        if parent.exists() and not parent.is_dir():
            raise OutputError(f"cannot write {path}: {parent} is a file, not a directory: "
                              "choose another output directory (--output DIR)")
    if path.is_dir():
        raise OutputError(f"cannot write {path}: a directory has that name: rename or remove "
                          "it, or choose another output directory (--output DIR)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(_message(exc, path)) from None


def _write_temp(path: Path, data: bytes) -> Path:
    """Write `data` in full to a new temporary file beside `path` and return its name."""
    # The pid in the name lets a later build tell a live writer's file from a dead one's.
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.",
                                suffix=".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _commit(temps: dict[Path, Path]) -> None:
    """Rename every temporary file into place; if one rename fails, put back the files that
    were there before (kept as hard links meanwhile) and remove the new ones."""
    kept: dict[Path, Path | None] = {}
    try:
        for path in temps:
            kept[path] = _keep(path)
        for path, tmp in temps.items():
            os.replace(tmp, path)
    except BaseException:
        for path, old in kept.items():
            if old is not None:
                os.replace(old, path)
            elif path not in temps or not temps[path].exists():
                path.unlink(missing_ok=True)  # a new file that had no predecessor
        raise
    finally:
        for old in kept.values():
            if old is not None:
                old.unlink(missing_ok=True)


def _keep(path: Path) -> Path | None:
    """Return a hard link to the file now at `path` (None if there is none)."""
    if not path.exists():
        return None
    old = path.with_name(f".{path.name}.{os.getpid()}.old.tmp")
    old.unlink(missing_ok=True)
    try:
        os.link(path, old)
    except OSError:  # a file system without hard links: a copy does the same
        shutil.copy2(path, old)
    return old


def _message(exc: OSError, path: Path) -> str:
    """Return what went wrong writing the outputs, in words, and that nothing changed."""
    reason = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
              errno.EROFS: "the file system is read-only",
              errno.EACCES: "permission denied", errno.EPERM: "permission denied"}.get(
                  exc.errno or 0, exc.strerror or str(exc))
    where = Path(exc.filename).parent if exc.filename else path.parent
    return (f"cannot write the outputs in {where}: {reason}; the files there were left as "
            "they were. Free some space, or choose another output directory (--output DIR)")


STALE_SECONDS = 3600  # a temporary file with no pid in its name is stale after an hour


def remove_stale(path: Path) -> list[Path]:
    """Remove temporary files of `path` (.NAME.*.tmp) left by builds that were killed.

    A file whose writer is still running (another build at the same time) is kept."""
    removed = []
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        pid = tmp.name[len(path.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and alive(int(pid)):
            continue
        try:
            if pid.isdigit() or time.time() - tmp.stat().st_mtime > STALE_SECONDS:
                tmp.unlink()
                removed.append(tmp)
        except FileNotFoundError:  # its writer renamed it, or another build removed it
            continue
    return removed


def alive(pid: int) -> bool:
    """Return whether process `pid` is running (someone else's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
