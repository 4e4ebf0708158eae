"""Earlier quarters, read straight from their update files: the same quarter of earlier
years (a measure's history) and this year's earlier quarters (changes and the trend).

A quarter directory is data/<council>/<year>/q<N>. The same quarter last year is the
sibling data/<council>/<earlier year>/q<N>; this year's quarter M is ../q<M>. Only the
update files are read (no plan, no recursion into their own earlier quarters), and each
directory's reading is cached on its files' sizes and times, so building Q4 reads each
earlier quarter once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from reportgen.core import numbers
from reportgen.core.errors import Problem
from reportgen.core.model import Measure, Objective, QuarterStatus, earlier_year, quarter_label
from reportgen.core.ratings import DEFAULT_PROGRESS, ProgressScheme, floor_from
from reportgen.data.layout import is_quarter_dir, previous_quarter, same_quarter, update_paths
from reportgen.data.safefile import data_root
from reportgen.data.schema import UpdateFile, validate
from reportgen.data.yamlread import YamlProblem, read

YEARS_BACK = 4  # how many earlier years of history to look for (trend panels show 5 points)


@dataclass(frozen=True)
class Snapshot:
    """What one quarter directory's update files say, by id, with file:line of each value."""

    progress: dict[str, str]
    values: dict[str, tuple[str, str]]  # measure id -> (value as typed, "file:line")
    targets: dict[str, str]
    published: dict[str, str]  # measure id -> the council's `rating:` word
    floors: dict[str, tuple[str, str]]  # measure id -> ("floor" | "tolerance", as typed)
    refused: tuple[Problem, ...] = ()  # files that may not be read (safefile): links out...


def snapshot(directory: Path, root: Path | None = None) -> Snapshot | None:
    """Return what a quarter directory's update files hold; None if it is not one. `root`:
    the data directory its files must stay inside (default: the quarter's own)."""
    if not is_quarter_dir(directory):
        return None
    root = (root or data_root(directory)).resolve()
    stamp = tuple((p.name, *_stamp(p)) for p in update_paths(directory))
    return _read_snapshot(directory.resolve(), stamp, Path.cwd(), root)  # names depend on cwd


def _stamp(path: Path) -> tuple[int, int]:
    """Return a file's time and size for the cache, (0, 0) when it has none (a link to
    nowhere: reading it says so)."""
    try:
        info = path.stat()
    except OSError:
        return (0, 0)
    return (info.st_mtime_ns, info.st_size)


@functools.lru_cache(maxsize=64)
def _read_snapshot(directory: Path, stamp: tuple[tuple[str, int, int], ...],
                   _cwd: Path, root: Path) -> Snapshot:
    progress: dict[str, str] = {}
    values: dict[str, tuple[str, str]] = {}
    targets: dict[str, str] = {}
    published: dict[str, str] = {}
    floors: dict[str, tuple[str, str]] = {}
    refused: list[Problem] = []
    for name, _, _ in stamp:
        try:
            doc = read(directory / name, within=root)
        except YamlProblem as exc:
            # A file that may not be read is an error here too: its content must not reach
            # this report. Anything else, that quarter's own validation reports.
            if exc.refused:
                refused.append(exc.problem)
            continue
        update, _ = validate(doc, UpdateFile)
        if not isinstance(update, UpdateFile):
            continue
        for ident, entry in (*update.objectives.items(), *update.deliverables.items()):
            if entry.progress:
                progress.setdefault(ident, entry.progress)
        for ident, m in update.measures.items():
            if m.value is not None:
                line = doc.where(("measures", ident, "value"))[0]
                values.setdefault(ident, (m.value, f"{doc.name}:{line}"))
            if m.target is not None:
                targets.setdefault(ident, m.target)
            if m.rating is not None:
                published.setdefault(ident, m.rating)
            if m.floor is not None or m.tolerance is not None:
                floors.setdefault(ident, ("floor", m.floor) if m.floor is not None
                                  else ("tolerance", str(m.tolerance)))
    return Snapshot(progress, values, targets, published, floors, tuple(refused))


def updates(directory: Path) -> list[UpdateFile] | None:
    """Return a quarter directory's update files as read (the valid ones); None if it is not
    a quarter directory. Cached like snapshot()."""
    if not is_quarter_dir(directory):
        return None
    files = update_paths(directory)
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return list(_read_updates(directory.resolve(), stamp))


@functools.lru_cache(maxsize=16)
def _read_updates(directory: Path, stamp: tuple[tuple[str, int, int], ...]
                  ) -> tuple[UpdateFile, ...]:
    found = []
    for name, _, _ in stamp:
        try:
            update, _ = validate(read(directory / name), UpdateFile)
        except YamlProblem:
            continue  # that quarter's own validation reports it
        if isinstance(update, UpdateFile):
            found.append(update)
    return tuple(found)


def last_year_q4(quarter_dir: Path, year: str, quarter: int, objectives: dict[str, Objective],
                 measures: dict[str, Measure],
                 levels: ProgressScheme = DEFAULT_PROGRESS) -> QuarterStatus | None:
    """Return last plan year's Quarter 4, read with this year's plan, as the quarter before
    a Quarter 1 (rated by compute.rate); None for other quarters or when it is not there.
    An objective whose id carries over (it has progress there) takes that as its progress
    before, as within a year; a new objective has none, so it never counts as changed."""
    if quarter != 1:
        return None
    directory, before_year, _ = previous_quarter(quarter_dir, year, quarter)
    found = snapshot(directory)
    if found is None:
        return None
    status = _status(before_year, 4, found, objectives, measures, levels)
    for o in objectives.values():
        if o.id in found.progress:
            o.previous = status.progress[o.id]
    return status


def fill(quarter_dir: Path, year: str, quarter: int, objectives: dict[str, Objective],
         measures: dict[str, Measure], problems: list[Problem],
         levels: ProgressScheme = DEFAULT_PROGRESS) -> list[QuarterStatus]:
    """Fill history and previous progress from earlier quarter directories; return the
    year so far, quarter by quarter, ending with this one (rated later, by compute.rate)."""
    root = data_root(quarter_dir)
    for back in range(1, YEARS_BACK + 1):
        found = snapshot(same_quarter(quarter_dir, year, back), root)
        if found is not None:
            problems.extend(found.refused)
            _fill_history(earlier_year(year, back), found, measures, problems)
    statuses = []
    for n in range(1, quarter):
        found = snapshot(quarter_dir.parent / f"q{n}", root)
        if found is not None and (quarter_dir.parent / f"q{n}").resolve() != quarter_dir.resolve():
            problems.extend(found.refused)
            status = _status(year, n, found, objectives, measures, levels)
            # direction of travel in that quarter compares with its own quarter last year
            last = snapshot(same_quarter(quarter_dir.parent / f"q{n}", year, 1), root)
            status.last_year = _values(last, measures) if last else {}
            statuses.append(status)
    if statuses and statuses[-1].quarter == quarter - 1:
        before = statuses[-1]
        for o in objectives.values():
            o.previous = before.progress.get(o.id)
    label = earlier_year(year, 1)
    statuses.append(QuarterStatus(
        quarter, quarter_label(year, quarter),
        {o.id: o.progress for o in objectives.values()},
        {m.id: (m.value, m.target) for m in measures.values()},
        published={m.id: m.published for m in measures.values() if m.published},
        floors={m.id: m.floor for m in measures.values() if m.floor is not None},
        last_year={m.id: m.history[label] for m in measures.values() if label in m.history}))
    return statuses


def _values(found: Snapshot, measures: dict[str, Measure]) -> dict[str, numbers.Quantity]:
    """Return each measure's value in a snapshot, where it reads as a number."""
    out = {}
    for m in measures.values():
        if m.id in found.values and (q := _parse(found.values[m.id][0], m)) is not None:
            out[m.id] = q
    return out


def _fill_history(label: str, found: Snapshot, measures: dict[str, Measure],
                  problems: list[Problem]) -> None:
    """Take each measure's value in that year's quarter as its history; a typed-in value
    that disagrees is an error naming both places."""
    for m in measures.values():
        if m.id not in found.values:
            continue
        text, where = found.values[m.id]
        quantity = _parse(text, m)
        if quantity is None:
            continue
        typed = m.history.get(label)
        if typed is not None and typed.value != quantity.value:
            file, line, column = m.history_where[label]
            problems.append(Problem(
                file, line, column, f"measures.{m.id}.history.{label}",
                f"history {label} is {m.text(typed)} here ({file}:{line}) but {where} has "
                f"{m.text(quantity)}: correct one of them, or delete the typed history "
                "(the quarter directory's value is used)"))
        m.history[label] = quantity


def _status(year: str, quarter: int, found: Snapshot, objectives: dict[str, Objective],
            measures: dict[str, Measure], levels: ProgressScheme) -> QuarterStatus:
    """Return an earlier quarter's progress and figures, read with this year's plan."""
    progress = {ident: levels.get(found.progress.get(ident, "")) or levels.awaiting
                for ident in objectives}
    figures = {}
    for m in measures.values():
        value = _parse(found.values[m.id][0], m) if m.id in found.values else None
        target = _parse(found.targets[m.id], m) if m.id in found.targets else None
        figures[m.id] = (value, target)
    published = {ident: word for ident, word in found.published.items() if ident in measures}
    return QuarterStatus(quarter, quarter_label(year, quarter), progress, figures,
                         published=published, floors=_floors(found, measures, figures))


def _floors(found: Snapshot, measures: dict[str, Measure],
            figures: dict[str, tuple[numbers.Quantity | None, numbers.Quantity | None]]
            ) -> dict[str, numbers.Quantity]:
    """Return an earlier quarter's floors: typed, or its target less a tolerance (its own,
    else the one this quarter uses)."""
    out = {}
    for m in measures.values():
        kind, text = found.floors.get(m.id, ("tolerance", ""))
        quantity = _parse(text, m) if text else m.tolerance
        target = figures[m.id][1]
        if quantity is None:
            continue
        if kind == "floor":
            out[m.id] = quantity
        elif target is not None:
            out[m.id] = floor_from(target, quantity, m.better)
    return out


def _parse(text: str, m: Measure) -> numbers.Quantity | None:
    try:
        return numbers.parse(text, m.unit)
    except ValueError:
        return None  # that quarter's own validation reports it
