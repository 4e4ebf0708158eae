"""Quarters as they were at a git revision, for the review diff, and the commit a draft was
built from. Only git's own plumbing is run, with fixed arguments and no shell."""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
from pathlib import Path

from reportgen.core.errors import UsageError, display_path
from reportgen.data.layout import REPORT_FILE


def parse_revs(spec: str) -> tuple[str, str | None]:
    """Return (old, new) from "A..B", "A.." (A to HEAD) or "A" (A to the working tree)."""
    first, dots, second = spec.partition("..")
    old, new = first or "HEAD", (second or "HEAD") if dots else None
    for rev in (old, new):
        if rev is not None and (rev.startswith("-") or not rev.strip()):
            raise UsageError(f"'{spec}' is not a revision range; write e.g. main..HEAD")
    return old, new


def label(quarter: Path, rev: str | None) -> str:
    """Return how the diff names one side: "data/.../q1 at main", a hash shortened."""
    where = display_path(quarter)
    if rev is None:
        return f"{where} (working tree)"
    return f"{where} at {rev[:10] if re.fullmatch(r'[0-9a-f]{40}', rev) else rev}"


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True,  # noqa: S603,S607
                              timeout=60, check=False)
    except OSError as exc:
        raise UsageError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        raise UsageError(f"git {args[0]} failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def quarter_at(quarter: Path, rev: str, into: Path) -> Path | None:
    """Extract the council directory holding `quarter` as it was at `rev` into `into`;
    return the quarter directory there, or None if it did not exist at `rev`."""
    anchor = next(p for p in (quarter.resolve(), *quarter.resolve().parents) if p.is_dir())
    top = Path(_git(["rev-parse", "--show-toplevel"], anchor).decode().strip()).resolve()
    try:
        relative = quarter.resolve().relative_to(top)
    except ValueError:
        raise UsageError(f"{quarter} is not inside the git repository at {top}") from None
    # The council directory: the plan (year) and any earlier years the loader may read.
    scope = relative.parents[1] if len(relative.parts) >= 3 else Path(".")
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], top)
    except UsageError:
        raise UsageError(f"'{rev}' is not a commit in the git repository at {top}") from None
    listed = _git(["ls-tree", "-r", "--name-only", rev, "--", scope.as_posix()], top)
    if f"{relative.as_posix()}/{REPORT_FILE}".encode() not in listed.splitlines():
        return None
    archive = _git(["archive", "--format=tar", rev, "--", scope.as_posix()], top)
    _extract(archive, into)
    return into / relative


def _extract(archive: bytes, into: Path) -> None:
    """Unpack regular files only, refusing any path that would land outside `into`."""
    root = into.resolve()
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            target = (root / member.name).resolve()
            if not member.isfile() or not target.is_relative_to(root):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            if source is not None:
                target.write_bytes(source.read())
