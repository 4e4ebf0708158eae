"""Read a data file as hostile: the one way reportgen opens the files a user points it at.

A data directory is edited by many hands and arrives through git, zip files and shared
drives, so a file named `update.yaml` may be a link to /etc/passwd or to itself, a
directory, a named pipe, unreadable, or gigabytes long. Each is refused with a problem
naming the path and what would be right, before a byte is read:

- a link is followed only when its target stays inside the data directory (`within`), so
  no file elsewhere on the machine is read, and no target's content is ever quoted;
- only ordinary files are opened, and with O_NONBLOCK, so a pipe never blocks a build;
- the size is checked before reading, and the read stops at the limit even if the file
  grows meanwhile.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

from reportgen.core.errors import Problem, display_path

MAX_BYTES = 1_000_000  # the largest data file: ten times the largest sample file


class FileRefused(Exception):
    """The file cannot or may not be read; `problem` says why, at the file."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


Refuse = Callable[[str], FileRefused]


def data_root(quarter_dir: Path) -> Path:
    """Return the data directory of a quarter: its council directory, which holds every
    year (data/<council>/<year>/q<N>), so history quarters and the plan are inside it."""
    return Path(os.path.abspath(quarter_dir)).parent.parent.resolve()


def read_bytes(path: Path, *, within: Path | None = None, limit: int = MAX_BYTES,
               what: str = "file") -> bytes:
    """Return the file's bytes, or raise FileRefused naming `path` and what is wrong.
    `within`: the directory a link may point into (default: the file's own directory)."""
    name = display_path(path)

    def refuse(message: str) -> FileRefused:
        return FileRefused(Problem(name, 1, 1, "", message))

    _check_link(path, (within or path.parent).resolve(), refuse)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise refuse(f"{path.name} is missing") from None
    except OSError as exc:
        raise refuse(_os_message(exc, what)) from None
    _check_kind(info, what, refuse, path)
    if info.st_size > limit:
        raise refuse(_too_big(info.st_size, limit))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise refuse(_os_message(exc, what)) from None
    with os.fdopen(fd, "rb") as handle:
        _check_kind(os.fstat(fd), what, refuse, path)  # swapped for a pipe after the stat: refused
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise refuse(_too_big(len(data), limit))
    return data


def _check_link(path: Path, within: Path, refuse: Refuse) -> None:
    """Refuse a dangling or looping link, and a file whose real place (through links to it
    or to a directory above it) is outside `within`."""
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        if path.is_symlink():
            raise refuse("this is a link to a file that does not exist: replace the link "
                         "with the file itself") from None
        return  # missing: os.stat says so
    except (RuntimeError, OSError):  # ELOOP: the link leads back to itself
        raise refuse("this is a link that leads back to itself: replace the link with "
                     "the file itself") from None
    if not target.is_relative_to(within):
        raise refuse("this is a link to a file outside the data directory, which reportgen "
                     "does not follow: copy the file in instead")


def _check_kind(info: os.stat_result, what: str, refuse: Refuse, path: Path) -> None:
    if stat.S_ISDIR(info.st_mode):
        # every *.yaml in a quarter directory is read as an update file
        fix = ("rename it so that its name does not end in .yaml, or remove it"
               if path.suffix == ".yaml" else "rename it or remove it")
        raise refuse(f"this is a directory, not a {what}: {fix}")
    if not stat.S_ISREG(info.st_mode):
        kind = ("a named pipe" if stat.S_ISFIFO(info.st_mode) else
                "a socket" if stat.S_ISSOCK(info.st_mode) else "a device")
        raise refuse(
            f"this is {kind}, not an ordinary file: reportgen reads only ordinary files; "
            "replace it with the file itself")


def _os_message(exc: OSError, what: str) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (f"the {what} cannot be read: permission denied; give yourself permission to "
                "read it (chmod u+r)")
    if exc.errno == errno.ELOOP:
        return "this is a link that leads back to itself: replace the link with the file itself"
    return f"the {what} cannot be read: {exc.strerror or exc}"


def _too_big(size: int, limit: int) -> str:
    return f"the file is {size:,} bytes; the limit is {limit:,}. Split it into smaller files"
